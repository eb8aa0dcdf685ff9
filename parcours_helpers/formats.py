"""French number and date formatting, without importing any plotting library.

:mod:`parcours_helpers.style` re-exports these for figures; the audit command uses them directly
so that it starts fast.
"""

from __future__ import annotations

import math

import pandas as pd

#: Narrow no-break space, the French thousands separator.
NNBSP = "\u202f"

#: French month abbreviations, January first.
FRENCH_MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin",
                 "juil.", "août", "sept.", "oct.", "nov.", "déc."]


def french_number(x: float, decimals: int = 0, unit: str = "") -> str:
    """Format a number the French way: ``1 234,5`` with an optional unit.

    Examples
    --------
    >>> french_number(1234.5, 1, "€")
    '1\\u202f234,5\\u202f€'
    >>> french_number(-0.25, 2)
    '-0,25'
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    text = f"{x:,.{decimals}f}".replace(",", NNBSP).replace(".", ",")
    return f"{text}{NNBSP}{unit}" if unit else text


def french_date(d) -> str:
    """Format a date as ``janv. 2024`` (month abbreviation and year).

    Examples
    --------
    >>> french_date(pd.Timestamp("2024-01-15"))
    'janv. 2024'
    """
    d = pd.Timestamp(d)
    return f"{FRENCH_MONTHS[d.month - 1]} {d.year}"
