"""One figure style for the whole course: call ``apply()`` first in every notebook.

The style is meant to be projected in a room: large fonts, thick lines, a white
background, and fixed colours so that a journey form or a persona always has the
same colour from one chapter to the next. Axis formatters write numbers the French
way (``1 234,5 €``) and dates with French month names (``janv. 2024``).
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.ticker import FuncFormatter

from parcours_helpers.formats import (  # noqa: F401 - re-exported for figures and notebooks
    FRENCH_MONTHS,
    NNBSP,
    french_date,
    french_number,
)

#: Colour of each journey form (stable across chapters).
FORM_COLOURS = {
    "virtuel": "#1f6fb4",
    "physique": "#d9822b",
    "bouche-à-oreille": "#2e9c5a",
}

#: Colour of each persona of the case study, by segment name and by first name.
PERSONA_COLOURS = {
    "Nouveau": "#8e44ad",
    "Habitué": "#c0392b",
    "Puriste": "#16a085",
    "Diego": "#8e44ad",
    "Max": "#c0392b",
    "Eric": "#16a085",
}

#: Colour of each status of chapter 03.
STATUS_COLOURS = {
    "client": "#1f6fb4",
    "consommateur concurrent": "#e67e22",
    "prospect": "#f1c40f",
    "non-consommateur relatif": "#95a5a6",
    "non-consommateur absolu": "#34495e",
}

#: A neutral colour for "everything else" and a highlight colour.
GREY = "#9aa0a6"
HIGHLIGHT = "#e63946"


def apply(context: str = "talk") -> None:
    """Set the course's figure style; every notebook calls it in its first cell.

    Parameters
    ----------
    context : {"talk", "notebook", "poster"}
        Seaborn context: ``"talk"`` (default) is readable on a projector.

    Examples
    --------
    >>> apply()
    >>> plt.rcParams["axes.titleweight"]
    'bold'
    """
    sns.set_theme(context=context, style="whitegrid", palette=list(FORM_COLOURS.values()))
    mpl.rcParams.update({
        "figure.figsize": (11, 5.5),
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "savefig.bbox": "tight",
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.formatter.useoffset": False,
        "legend.frameon": False,
        "lines.linewidth": 2.5,
        "figure.autolayout": False,
        "figure.constrained_layout.use": True,
        "svg.hashsalt": "parcours-client",
    })
    pd.set_option("display.precision", 2)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 120)
    _show_figures_inline()


def _show_figures_inline() -> None:
    """In a Jupyter kernel, draw figures below their cell whatever ``MPLBACKEND`` says.

    ``make test`` and ``make execute`` set ``MPLBACKEND=Agg`` for the unit tests; a kernel
    started from them inherits it and would silently keep every figure out of the notebook.
    Outside IPython (scripts, tests) nothing changes.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with jupyterlab
        return
    shell = get_ipython()
    if shell is not None and type(shell).__name__ == "ZMQInteractiveShell":
        shell.run_line_magic("matplotlib", "inline")




def format_axis(ax, axis: str = "y", unit: str = "", decimals: int = 0):
    """Write an axis' numbers the French way, with a unit (``€``, ``jours``, ``%``…).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    axis : {"x", "y"}
    unit : str
        Appended to each tick label; ``"%"`` multiplies shares (0–1) by 100.
    decimals : int

    Returns
    -------
    matplotlib.axes.Axes
    """
    if unit == "%":
        fmt = FuncFormatter(lambda v, _pos: french_number(100 * v, decimals, "%"))
    else:
        fmt = FuncFormatter(lambda v, _pos: french_number(v, decimals, unit))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(fmt)
    return ax


def format_euros(ax, axis: str = "y", decimals: int = 0):
    """Shortcut for ``format_axis(ax, axis, "€", decimals)``."""
    return format_axis(ax, axis, "€", decimals)


def format_dates(ax, axis: str = "x", interval: int = 3):
    """Label a date axis with French months (``janv. 2024``) every ``interval`` months."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(mdates.MonthLocator(interval=interval))
    target.set_major_formatter(FuncFormatter(lambda v, _pos: french_date(mdates.num2date(v))))
    return ax


def titles(ax, title: str, xlabel: str | None = None, ylabel: str | None = None):
    """Set a figure's French title and axis labels in one call; returns ``ax``."""
    ax.set_title(title)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    return ax


def palette(kind: str) -> dict[str, str]:
    """Return the fixed colours of ``"forme"``, ``"persona"`` or ``"statut"``."""
    palettes = {"forme": FORM_COLOURS, "persona": PERSONA_COLOURS, "statut": STATUS_COLOURS}
    if kind not in palettes:
        raise ValueError(
            f"Palette inconnue : « {kind} ». Palettes disponibles : "
            + ", ".join(f"« {k} »" for k in palettes) + "."
        )
    return dict(palettes[kind])


def new_figure(width: float = 11, height: float = 5.5):
    """Create a figure and one Axes in the course's default size."""
    return plt.subplots(figsize=(width, height))
