"""Cohort retention: do the customers of a month come back? (chapter 07).

A cohort is the group of customers whose first order fell in the same month.
The retention table follows each cohort month after month: the share of its
customers who ordered again 1, 2, 3… months after their first order. Drawn as
a heatmap, it shows at a glance whether the shop keeps its new customers and
whether recent cohorts do better or worse than older ones.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import FuncFormatter

from parcours_helpers import style
from parcours_helpers.validation import require_columns, require_non_empty

#: Supported periods and the French word for their unit (axis labels).
PERIOD_UNITS = {"M": "mois", "Q": "trimestres", "W": "semaines"}
_ORDERS = "la table des commandes"


def _order_periods(orders: pd.DataFrame, customer_col: str, date_col: str,
                   period: str) -> pd.DataFrame:
    """Validate the orders; return customer, period ordinal and cohort ordinal per order."""
    if period not in PERIOD_UNITS:
        raise ValueError(f"Période inconnue : « {period} ». Périodes possibles : "
                         "« M » (mois), « Q » (trimestre), « W » (semaine).")
    require_columns(orders, [customer_col, date_col], _ORDERS)
    require_non_empty(orders, _ORDERS)
    no_id = int(orders[customer_col].isna().sum())
    if no_id:
        raise ValueError(f"{no_id} commande(s) sans client dans « {customer_col} » : "
                         "impossible de savoir à quelle cohorte elles appartiennent.")
    try:
        dates = pd.to_datetime(orders[date_col])
    except (ValueError, TypeError) as exc:
        raise ValueError(f"La colonne « {date_col} » doit contenir des dates "
                         f"(par exemple 2024-03-15) : {exc}") from None
    no_date = int(dates.isna().sum())
    if no_date:
        raise ValueError(f"{no_date} commande(s) sans date dans « {date_col} » : "
                         "complétez-les ou retirez-les explicitement avant le calcul.")
    periods = pd.PeriodIndex(dates.dt.to_period(period))
    out = pd.DataFrame({"client": orders[customer_col].to_numpy(),
                        "ordinal": periods.asi8}, index=orders.index)
    out["cohorte"] = out.groupby("client")["ordinal"].transform("min")
    out["decalage"] = out["ordinal"] - out["cohorte"]
    return out


def cohort_sizes(orders: pd.DataFrame, customer_col: str = "id_personne",
                 date_col: str = "date_commande", period: str = "M") -> pd.Series:
    """Number of customers in each cohort (period of their first order).

    Parameters
    ----------
    orders, customer_col, date_col, period
        As in :func:`retention_table`.

    Returns
    -------
    pandas.Series
        Integer counts indexed by the cohort period (a ``PeriodIndex`` named
        ``cohorte``), sorted, named ``clients``; only periods in which at least
        one customer placed a first order.

    Raises
    ------
    ValueError
        As :func:`retention_table`.
    """
    o = _order_periods(orders, customer_col, date_col, period)
    counts = o.groupby("cohorte")["client"].nunique().sort_index()
    index = pd.PeriodIndex.from_ordinals(counts.index.to_numpy(), freq=period, name="cohorte")
    return pd.Series(counts.to_numpy(dtype="int64"), index=index, name="clients")


def retention_table(orders: pd.DataFrame, customer_col: str = "id_personne",
                    date_col: str = "date_commande", period: str = "M",
                    end=None) -> pd.DataFrame:
    """Share of each cohort that orders again, period by period after the first order.

    The cohort of a customer is the period (month by default) of their first
    order. Cell (c, k) is the share of cohort c's customers who placed an order
    k periods after their first order. Column 0 counts a *second* order placed
    in the same period as the first one, so that every cell reads the same way:
    « ordered again ». Cells that cannot be observed yet (c + k after ``end``)
    are NaN, not 0: the table is a triangle.

    Parameters
    ----------
    orders : pandas.DataFrame
        One row per order, with ``customer_col`` and ``date_col`` (dates or
        text such as ``2024-03-15``), no missing value.
    customer_col : str
        Customer id column, default ``id_personne``.
    date_col : str
        Order date column, default ``date_commande``.
    period : {"M", "Q", "W"}
        Month (default), quarter or week.
    end : date-like, optional
        Last day observed; default the last order date. A period is observable
        when it starts on or before ``end``.

    Returns
    -------
    pandas.DataFrame
        Index: the cohorts (``PeriodIndex`` named ``cohorte``, sorted, only
        periods with at least one new customer); columns: 0, 1, 2… periods since
        the first order (named ``periodes_depuis_premiere_commande``); values:
        shares between 0 and 1, NaN when not observable.

    Raises
    ------
    ValueError
        Unknown period, missing column, empty table, an order without customer
        or date, or ``end`` before the first order.

    Examples
    --------
    >>> orders = pd.DataFrame({"id_personne": ["a", "a", "b", "c"],
    ...     "date_commande": pd.to_datetime(["2024-01-05", "2024-02-10", "2024-01-20",
    ...                                       "2024-02-01"])})
    >>> table = retention_table(orders)
    >>> table.to_numpy().tolist()
    [[0.0, 0.5], [0.0, nan]]
    >>> float(table.loc["2024-01", 1])  # half of January's customers came back in February
    0.5
    """
    o = _order_periods(orders, customer_col, date_col, period)
    if end is None:
        last = int(o["ordinal"].max())
    else:
        last = int(pd.PeriodIndex([pd.Timestamp(end)], freq=period).asi8[0])
        if last < o["cohorte"].min():
            raise ValueError(f"La date de fin ({pd.Timestamp(end).date()}) précède la première "
                             "commande : aucune cohorte n'est observable.")
    sizes = o.groupby("cohorte")["client"].nunique()
    per_cell = o.groupby(["cohorte", "decalage", "client"]).size().rename("n").reset_index()
    # Offset 0 holds the first order itself: the customer ordered *again* only with 2+ orders.
    again = per_cell[(per_cell["decalage"] > 0) | (per_cell["n"] >= 2)]
    counts = again.groupby(["cohorte", "decalage"])["client"].nunique()
    cohorts = sizes.index.to_numpy()
    cohorts = cohorts[cohorts <= last]
    offsets = np.arange(0, last - cohorts.min() + 1)
    values = np.full((len(cohorts), len(offsets)), np.nan)
    for i, c in enumerate(cohorts):
        horizon = last - c  # last observable offset of this cohort
        values[i, : horizon + 1] = 0.0
        for k, n in counts.get(c, pd.Series(dtype="int64")).items():
            if k <= horizon:
                values[i, k] = n / sizes[c]
    index = pd.PeriodIndex.from_ordinals(cohorts, freq=period, name="cohorte")
    columns = pd.Index(offsets, name="periodes_depuis_premiere_commande")
    return pd.DataFrame(values, index=index, columns=columns)


def average_retention(table: pd.DataFrame, sizes: pd.Series) -> pd.DataFrame:
    """Average the cohorts of a retention table, weighting each by its customers.

    Only the cohorts observed at an offset count for that offset, so recent
    cohorts weigh on the first columns only.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`retention_table`.
    sizes : pandas.Series
        Output of :func:`cohort_sizes` for the same orders (one count per cohort).

    Returns
    -------
    pandas.DataFrame
        One row per offset (index named like ``table.columns``), columns
        ``part_qui_recommande`` (weighted share of the customers ordering again)
        and ``clients_observes`` (customers of the cohorts observed at that offset).

    Raises
    ------
    ValueError
        A cohort of ``table`` has no size in ``sizes``.

    Examples
    --------
    >>> t = pd.DataFrame([[0.0, 0.5], [1.0, np.nan]],
    ...                  index=pd.period_range("2024-01", periods=2, freq="M", name="cohorte"))
    >>> average_retention(t, pd.Series([2, 1], index=t.index))["part_qui_recommande"].tolist()
    [0.3333333333333333, 0.5]
    """
    weights = sizes.reindex(table.index)
    if weights.isna().any():
        missing = [period_label(p) for p in table.index[weights.isna()]]
        raise ValueError("Taille inconnue pour la ou les cohorte(s) : "
                         + ", ".join(f"« {m} »" for m in missing)
                         + ". Calculez les tailles avec cohort_sizes sur les mêmes commandes.")
    observed = table.notna().mul(weights, axis=0).sum()
    share = table.fillna(0).mul(weights, axis=0).sum() / observed.where(observed > 0)
    return pd.DataFrame({"part_qui_recommande": share,
                         "clients_observes": observed.astype("int64")})


def period_label(p: pd.Period) -> str:
    """French label of a period: ``janv. 2024``, ``T1 2024`` or ``sem. du 01/01/2024``.

    Examples
    --------
    >>> period_label(pd.Period("2024-02", freq="M"))
    'févr. 2024'
    """
    freq = p.freqstr
    if freq.startswith("M"):
        return style.french_date(p.start_time)
    if freq.startswith("Q"):
        return f"T{p.quarter} {p.year}"
    return f"sem. du {p.start_time:%d/%m/%Y}"


def plot_retention(table: pd.DataFrame, sizes: pd.Series | None = None, ax=None,
                   title: str | None = None, annot: bool = True, vmax: float | None = None):
    """Draw a retention table as a heatmap with % in the cells.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`retention_table`.
    sizes : pandas.Series, optional
        Output of :func:`cohort_sizes`; when given, each row label shows the
        cohort's number of customers (« janv. 2023 (n = 120) »).
    ax : matplotlib.axes.Axes, optional
    title : str, optional
        Default « Part de chaque cohorte qui commande à nouveau ».
    annot : bool
        Write the percentage in each observed cell (blank cells: not observed yet).
    vmax : float, optional
        Share given the darkest colour; default the largest share of the table,
        so that small differences stay visible.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        ``table`` is empty or its index is not a ``PeriodIndex``.
    """
    if not isinstance(table, pd.DataFrame) or not isinstance(table.index, pd.PeriodIndex):
        raise ValueError("Le tableau de rétention doit venir de retention_table : "
                         "une ligne par cohorte (index de périodes), une colonne par décalage.")
    require_non_empty(table, "le tableau de rétention")
    unit = PERIOD_UNITS.get(table.index.freqstr[0], "périodes")
    if ax is None:
        width = min(18, 4 + 0.55 * table.shape[1])
        height = min(14, 2 + 0.42 * table.shape[0])
        _fig, ax = style.new_figure(width, height)
    labels = None
    if annot:
        labels = np.vectorize(
            lambda v: "" if np.isnan(v) else style.french_number(100 * v, 0, "%"),
            otypes=[str])(table.to_numpy(dtype=float))
    rows = [period_label(p) for p in table.index]
    if sizes is not None:
        n = sizes.reindex(table.index)
        rows = [f"{r} (n = {style.french_number(k)})" if pd.notna(k) else r
                for r, k in zip(rows, n, strict=True)]
    columns = [str(c) for c in table.columns]
    values = table.to_numpy(dtype=float)
    top = vmax if vmax is not None else float(np.nanmax(values))
    sns.heatmap(pd.DataFrame(values, index=rows, columns=columns), ax=ax, cmap="Blues",
                vmin=0, vmax=top if top > 0 else 1, xticklabels=columns, yticklabels=rows,
                annot=labels if annot else False, fmt="",
                annot_kws={"fontsize": 9 if table.shape[1] <= 13 else 7}, linewidths=0.5,
                linecolor="white",
                cbar_kws={"format": FuncFormatter(
                    lambda v, _p: style.french_number(100 * v, 0, "%")),
                    "label": "part de la cohorte (%)"})
    ax.tick_params(axis="y", labelrotation=0, labelsize="x-small")
    ax.tick_params(axis="x", labelrotation=0, labelsize="x-small")
    ax.grid(False)
    first = {"mois": "mois de la première commande",
             "trimestres": "trimestre de la première commande",
             "semaines": "semaine de la première commande"}.get(unit, "cohorte")
    style.titles(ax, title or "Part de chaque cohorte qui commande à nouveau",
                 f"temps depuis la première commande ({unit})", f"{first} (cohorte)")
    return ax
