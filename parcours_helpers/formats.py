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


def french_table(table: pd.DataFrame, decimals: int | dict[str, int] = 1,
                 plain: tuple[str, ...] = ()):
    """Show a table the French way, for a client's report: ``1 234,5``, ``05/01/2024``.

    Whole numbers get a narrow-space thousands separator, other numbers a decimal comma,
    dates ``JJ/MM/AAAA``, missing values a dash; the index is not shown (the first
    columns say what each row is). Text is escaped, so a cell of a client's export
    cannot inject HTML into the report.

    Parameters
    ----------
    table : pandas.DataFrame
        The table to show.
    decimals : int or dict
        Decimals of the float columns (one number, or column → decimals; others 1).
    plain : tuple of str
        Columns written as they are (line numbers, identifiers).

    Returns
    -------
    IPython.display.HTML
        Shown as a table by Jupyter and in the exported report.
    """
    from IPython.display import HTML

    shown = pd.DataFrame(index=range(len(table)))
    for col in table.columns:
        values = table[col].reset_index(drop=True)
        if col in plain:
            cells = values.astype(object).where(values.notna(), "—").astype(str)
        elif pd.api.types.is_datetime64_any_dtype(values):
            cells = values.dt.strftime("%d/%m/%Y").fillna("—")
        elif pd.api.types.is_bool_dtype(values):
            cells = values.map({True: "oui", False: "non"})
        elif pd.api.types.is_integer_dtype(values):
            cells = values.map(lambda v: french_number(v) if pd.notna(v) else "—")
        elif pd.api.types.is_float_dtype(values):
            d = decimals.get(col, 1) if isinstance(decimals, dict) else decimals
            cells = values.map(lambda v, d=d: french_number(v, d) if pd.notna(v) else "—")
        else:
            cells = values.astype(object).where(values.notna(), "—").astype(str)
        shown[col] = cells.to_numpy()
    return HTML(shown.to_html(index=False, escape=True, border=0,
                              classes="tableau-fr"))
