"""The audit report: French tables and figures, and the notebook's export to HTML.

The figures take the results of :func:`parcours_helpers.audit.run_audit` (or
:func:`~parcours_helpers.audit.load_results`) and return the matplotlib ``Axes``. The
report itself is the notebook ``notebooks/08_audit_client.ipynb`` executed with
papermill on those results, then exported by :func:`export_html` without its code,
figures embedded, so the client can open one file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parcours_helpers import style
from parcours_helpers.audit.customers import SEGMENTS
from parcours_helpers.audit.export import HIDDEN_TAGS, NOTEBOOK, export_html  # noqa: F401
from parcours_helpers.audit.quality import REASON_LABELS

_DETECTED_LABELS = {
    "format": "format du fichier",
    "encoding": "encodage",
    "separator": "séparateur de colonnes",
    "line_endings": "fins de ligne",
    "decimal": "séparateur décimal",
    "date_format": "format des dates",
    "empty_lines": "lignes vides ignorées",
    "total_line": "ligne de total ignorée (n°)",
}


def detected_table(quality: dict) -> pd.DataFrame:
    """What was detected in the file, as a two-column French table (``élément``, ``valeur``).

    Options given by the user are marked « (imposé) ».
    """
    detected = quality["detected"]
    forced = {"separator": "sep", "encoding": "encoding", "decimal": "decimal",
              "date_format": "date_format"}
    rows = []
    for key, label in _DETECTED_LABELS.items():
        value = detected.get(key)
        if value is None:
            value = "—" if key != "total_line" else "aucune"
        elif key == "decimal":
            value = "virgule" if value == "," else "point"
        if forced.get(key) in detected.get("overridden", []):
            value = f"{value} (imposé)"
        rows.append((label, str(value)))
    cols = quality["columns_used"]
    rows += [
        ("colonne client", cols["customer"]), ("colonne date", cols["date"]),
        ("colonne montant", cols["amount"]), ("colonne n° de commande", cols["order"] or "—"),
        ("période des achats", f"du {_day(quality['first_date'])} au {_day(quality['last_date'])}"),
        ("fin d'observation", _day(quality["observation_end"])),
        ("pseudonymisation", f"{quality['pseudonymisation']['method']}, "
                             f"{quality['pseudonymisation']['key']}"),
    ]
    return pd.DataFrame(rows, columns=["élément", "valeur"])


def _day(iso: str) -> str:
    return pd.Timestamp(iso).strftime("%d/%m/%Y")


def quality_summary(quality: dict) -> str:
    """Two French sentences on the line accounting (Markdown), for the top of the report."""
    aside = sum(quality["rows_set_aside"].values())
    n = style.french_number
    text = (
        f"Sur **{n(quality['rows_read'])} lignes** lues, **{n(quality['rows_kept'])}** sont "
        f"gardées comme achats ({n(100 * quality['rows_kept'] / quality['rows_read'], 1)} %) "
        f"et **{n(aside)}** sont écartées, chacune pour un seul motif. Les achats gardés "
        f"représentent **{n(quality['revenue_kept'], 2, '€')}** pour "
        f"**{n(quality['customers'])} clients**."
    )
    returns = quality["rows_set_aside"].get("return", 0)
    if returns:
        text += (f" Les {n(returns)} lignes de retour (montants négatifs) totalisent "
                 f"{n(quality['returns_total'], 2, '€')}.")
    return text


def set_aside_summary(set_aside: pd.DataFrame, examples: int = 2) -> pd.DataFrame:
    """Set-aside lines per reason with a few example line numbers and values.

    Parameters
    ----------
    set_aside : pandas.DataFrame
        Columns ``ligne``, ``motif``, ``colonne``, ``valeur`` (see
        :func:`~parcours_helpers.audit.quality.set_aside_table`).
    examples : int
        Example lines shown per reason.

    Returns
    -------
    pandas.DataFrame
        Columns ``motif``, ``lignes`` (count), ``colonne``, ``exemples``
        (``"l. 12 : 31/02/2024 ; l. 40 : (vide)"``), one row per reason present, in the
        order of the reasons.
    """
    rows = []
    for reason, label in REASON_LABELS.items():
        part = set_aside[set_aside["motif"] == reason]
        if len(part) == 0:
            continue
        shown = " ; ".join(f"l. {line} : {value or '(vide)'}" for line, value in
                          zip(part["ligne"].head(examples), part["valeur"].head(examples),
                              strict=True))
        rows.append((label, len(part), part["colonne"].iloc[0] or "—", shown))
    return pd.DataFrame(rows, columns=["motif", "lignes", "colonne", "exemples"])


def set_aside_lines(set_aside: pd.DataFrame, limit: int = 100) -> pd.DataFrame:
    """The lines to fix at the source: set-aside lines other than returns, by line number.

    Returns are left out (they are not errors: the summary gives their count and total).

    Parameters
    ----------
    set_aside : pandas.DataFrame
        Columns ``ligne``, ``motif``, ``colonne``, ``valeur``.
    limit : int
        At most this many lines (the first ones in the file); all are in ``set_aside.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns ``ligne``, ``motif`` (French label), ``colonne``, ``valeur`` (``(vide)`` for
        an empty cell), sorted by line, index reset.
    """
    errors = set_aside[set_aside["motif"] != "return"].sort_values("ligne").head(limit)
    return pd.DataFrame({
        "ligne": errors["ligne"].to_numpy(),
        "motif": errors["motif"].map(REASON_LABELS).to_numpy(),
        "colonne": errors["colonne"].replace("", "—").to_numpy(),
        "valeur": errors["valeur"].replace("", "(vide)").to_numpy(),
    })


def plot_monthly_revenue(monthly: pd.DataFrame, ax=None):
    """Bars of the kept revenue per month (``monthly`` from ``monthly_table``)."""
    if ax is None:
        _, ax = style.new_figure()
    ax.bar(monthly["mois"], monthly["chiffre_affaires"], width=25, color=style.FORM_COLOURS[
        "virtuel"], align="edge")
    style.format_euros(ax)
    style.format_dates(ax, interval=_month_step(len(monthly)))
    return style.titles(ax, "Chiffre d'affaires par mois (achats gardés)", "mois",
                        "chiffre d'affaires (€ TTC)")


def plot_monthly_customers(monthly: pd.DataFrame, ax=None):
    """Lines of the buyers and new buyers per month."""
    if ax is None:
        _, ax = style.new_figure()
    ax.plot(monthly["mois"], monthly["clients"], label="clients ayant acheté",
            color=style.FORM_COLOURS["virtuel"])
    ax.plot(monthly["mois"], monthly["nouveaux_clients"], label="dont nouveaux clients",
            color=style.FORM_COLOURS["physique"])
    ax.set_ylim(bottom=0)
    style.format_axis(ax)
    style.format_dates(ax, interval=_month_step(len(monthly)))
    ax.legend(loc="upper left")
    return style.titles(ax, "Clients actifs et nouveaux clients par mois", "mois",
                        "nombre de clients")


def _month_step(n_months: int) -> int:
    """Months between two date labels: at most about five labels on the axis."""
    return next(step for step in (1, 2, 3, 6, 12, 24, 60) if n_months / step <= 5 or step == 60)


def segment_table(customers: pd.DataFrame) -> pd.DataFrame:
    """Customers and revenue per RFM segment (French columns).

    Returns
    -------
    pandas.DataFrame
        Index ``segment``; columns ``clients``, ``part des clients (%)``,
        ``chiffre d'affaires (€)``, ``part du CA (%)``, ``achats moyens`` (rounded).
    """
    grouped = customers.groupby("segment_rfm", observed=False)
    table = pd.DataFrame({
        "clients": grouped.size(),
        "chiffre d'affaires (€)": grouped["chiffre_affaires"].sum().round(0),
        "achats moyens": grouped["nb_achats"].mean().round(1),
    }).reindex(SEGMENTS)
    table.insert(1, "part des clients (%)",
                 (100 * table["clients"] / table["clients"].sum()).round(1))
    table.insert(3, "part du CA (%)", (100 * table["chiffre d'affaires (€)"]
                                       / table["chiffre d'affaires (€)"].sum()).round(1))
    table.index.name = "segment"
    return table


def plot_segments(customers: pd.DataFrame, ax=None):
    """Horizontal bars: share of customers and share of revenue per RFM segment."""
    if ax is None:
        _, ax = style.new_figure()
    table = segment_table(customers).iloc[::-1]
    y = np.arange(len(table))
    ax.barh(y + 0.2, table["part des clients (%)"] / 100, height=0.4, label="part des clients",
            color=style.GREY)
    ax.barh(y - 0.2, table["part du CA (%)"] / 100, height=0.4,
            label="part du chiffre d'affaires", color=style.FORM_COLOURS["virtuel"])
    ax.set_yticks(y, table.index)
    style.format_axis(ax, "x", "%")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    return style.titles(ax, "Segments RFM : poids en clients et en chiffre d'affaires",
                        "part (%)", None)


def plot_p_alive(customers: pd.DataFrame, ax=None):
    """Histogram of P(actif) among customers who bought at least twice."""
    if ax is None:
        _, ax = style.new_figure()
    repeat = customers.loc[customers["nb_achats"] >= 2, "p_actif"].dropna()
    ax.hist(repeat, bins=np.linspace(0, 1, 21), color=style.FORM_COLOURS["virtuel"],
            edgecolor="white")
    ax.axvline(0.5, color=style.HIGHLIGHT, linestyle="--", label="seuil « à risque » (50 %)")
    style.format_axis(ax, "x", "%")
    ax.legend(loc="upper left")
    return style.titles(ax, "Probabilité d'être encore client (clients ayant racheté)",
                        "probabilité d'être encore actif (%)", "nombre de clients")


def plot_clv(customers: pd.DataFrame, ax=None):
    """Histogram of the 12-month CLV, capped at its 99th percentile for readability."""
    if ax is None:
        _, ax = style.new_figure()
    clv = customers["clv_12_mois"].dropna()
    cap = float(np.quantile(clv, 0.99)) if len(clv) else 1.0
    ax.hist(clv.clip(upper=cap), bins=30, color=style.FORM_COLOURS["bouche-à-oreille"],
            edgecolor="white")
    if len(clv):
        ax.axvline(clv.median(), color=style.HIGHLIGHT, linestyle="--",
                   label=f"médiane : {style.french_number(clv.median(), 0, '€')}")
        ax.legend(loc="upper right")
    style.format_euros(ax, "x")
    return style.titles(ax, "Valeur attendue de chaque client sur 12 mois (CLV)",
                        "CLV à 12 mois (€ TTC, plafonnée au 99e centile)", "nombre de clients")
