"""Clients, prospects and non-consumers: explicit rules, transitions, cost to convert.

Everybody around a shop is not a client. This module gives each person one of
the five statuses of :data:`parcours_helpers.datasets.STATUSES` with rules a
shop owner can read (:data:`RULES`, applied in order by :func:`classify`),
estimates the statuses of the people the rules know nothing about from the
survey respondents (:func:`estimate_unknown`), reads the status history
(``statuts`` table) at any date and month by month, counts the moves between two
dates and draws them (heatmap, flow), and estimates what it costs to turn each
status into clients with the marketing budget.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import style
from .datasets import REFERENCE_DATE, STATUSES
from .validation import require_columns

#: The rules of :func:`classify`, in the order they are tried: the first that holds wins.
RULES = [
    ("consommateur concurrent",
     "a commandé chez nous, mais a dit ensuite (après sa dernière commande) acheter ailleurs"),
    ("client", "a commandé chez nous au moins une fois"),
    ("consommateur concurrent",
     "n'a pas commandé chez nous et dit acheter ce type de produit ailleurs"),
    ("non-consommateur absolu", "dit n'avoir aucun besoin de ce type de produit"),
    ("non-consommateur relatif", "dit n'en avoir besoin que rarement"),
    ("prospect", "a un besoin occasionnel ou régulier, sans acheter ailleurs"),
    ("prospect", "n'a jamais commandé et n'a pas répondu à l'enquête : on ne sait rien de plus"),
]

#: Row label, in transitions, of people not yet in the base at the first date.
ABSENT = "pas encore dans la base"

_NEEDS = ["aucun", "rare", "occasionnel", "régulier"]


def rules_table() -> pd.DataFrame:
    """The classification rules as a table: ``ordre``, ``condition``, ``statut``."""
    return pd.DataFrame({
        "ordre": range(1, len(RULES) + 1),
        "condition": [c for _s, c in RULES],
        "statut": [s for s, _c in RULES],
    })


def _as_date(at) -> pd.Timestamp:
    return REFERENCE_DATE if at is None else pd.Timestamp(at)


def classify(people: pd.DataFrame, orders: pd.DataFrame, survey: pd.DataFrame,
             at=None) -> pd.DataFrame:
    """Give each person a status with explicit rules, from their orders and survey answer.

    The rules of :data:`RULES` are tried in this order, the first that holds wins:

    1. at least one order from us before ``at``, and a later survey answer
       (dated after the last order) saying they buy this kind of product
       elsewhere → ``consommateur concurrent`` (a client who left);
    2. at least one order from us before ``at`` → ``client``;
    3. survey says they buy this kind of product elsewhere (``achete_ailleurs``)
       → ``consommateur concurrent``;
    4. survey need ``aucun`` → ``non-consommateur absolu``;
    5. survey need ``rare`` → ``non-consommateur relatif``;
    6. survey need ``occasionnel`` or ``régulier`` → ``prospect``;
    7. no order and no survey answer before ``at`` → ``prospect`` (we know
       nothing more; column ``regle`` says so, so these people can be counted
       apart).

    Buying elsewhere comes before the need, since someone who buys elsewhere has
    a need, whatever they answered about it. Only orders and answers dated
    before ``at`` count; with several answers, the latest wins (on the same day,
    the highest need). An answer given before the last order says nothing about
    leaving: the order came after it.

    Parameters
    ----------
    people : pandas.DataFrame
        Needs ``id_personne``; every person gets one row.
    orders : pandas.DataFrame
        The ``commandes`` table; needs ``id_personne`` and ``date_commande``.
    survey : pandas.DataFrame
        The ``enquete`` table; needs ``id_personne``, ``date_reponse``,
        ``besoin`` (``aucun``, ``rare``, ``occasionnel``, ``régulier``) and
        ``achete_ailleurs`` (bool).
    at : date-like, optional
        Classify as known on this date (orders and answers strictly before it);
        default :data:`parcours_helpers.datasets.REFERENCE_DATE`.

    Returns
    -------
    pandas.DataFrame
        ``id_personne``, ``nb_commandes``, ``besoin`` (NaN without answer),
        ``achete_ailleurs`` (NaN without answer), ``statut`` (categorical in the
        order of ``STATUSES``) and ``regle`` (number of the rule applied, 1–7,
        see :func:`rules_table`), sorted by ``id_personne``.

    Raises
    ------
    ValueError
        Missing column, an unknown need, or a person listed twice.
    """
    require_columns(people, ["id_personne"], "les personnes")
    require_columns(orders, ["id_personne", "date_commande"], "les commandes")
    require_columns(survey, ["id_personne", "date_reponse", "besoin", "achete_ailleurs"],
                    "les réponses à l'enquête")
    dup = people["id_personne"][people["id_personne"].duplicated()]
    if len(dup):
        raise ValueError("Personne présente plusieurs fois dans les personnes : "
                         + ", ".join(f"« {d} »" for d in sorted(set(dup.astype(str)))[:5]) + ".")
    bad = sorted(set(survey["besoin"].dropna().astype(str)) - set(_NEEDS))
    if bad:
        raise ValueError("Besoin inconnu dans l'enquête : " + ", ".join(f"« {b} »" for b in bad)
                         + ". Valeurs attendues : " + ", ".join(f"« {n} »" for n in _NEEDS) + ".")
    at = _as_date(at)

    past = orders.loc[pd.to_datetime(orders["date_commande"]) < at]
    n_orders = past.groupby("id_personne").size()
    last_order = pd.to_datetime(past["date_commande"]).groupby(past["id_personne"]).max()
    answers = survey.loc[pd.to_datetime(survey["date_reponse"]) < at,
                         ["id_personne", "date_reponse", "besoin", "achete_ailleurs"]].copy()
    answers["_need"] = answers["besoin"].astype(object).map({n: i for i, n in enumerate(_NEEDS)})
    answers = answers.sort_values(["id_personne", "date_reponse", "_need"], kind="stable")
    last = answers.drop_duplicates("id_personne", keep="last").set_index("id_personne")

    out = pd.DataFrame({"id_personne": people["id_personne"].to_numpy()})
    out["nb_commandes"] = out["id_personne"].map(n_orders).fillna(0).astype(int)
    out["besoin"] = out["id_personne"].map(last["besoin"].astype(object))
    out["achete_ailleurs"] = out["id_personne"].map(last["achete_ailleurs"].astype(object))
    answered = out["id_personne"].isin(last.index)
    answer_day = out["id_personne"].map(pd.to_datetime(last["date_reponse"]).astype(object))
    order_day = out["id_personne"].map(last_order.astype(object))
    after = pd.to_datetime(answer_day) > pd.to_datetime(order_day)  # NaT compares False
    left_after_buying = (out["nb_commandes"] > 0) & out["achete_ailleurs"].eq(True) & after

    conditions = [
        left_after_buying,
        out["nb_commandes"] > 0,
        out["achete_ailleurs"].eq(True),
        out["besoin"].eq("aucun"),
        out["besoin"].eq("rare"),
        answered,
        ~answered,
    ]
    rule = np.select(conditions, list(range(1, len(RULES) + 1)), default=0)
    out["regle"] = rule.astype(int)
    out["statut"] = pd.Categorical([RULES[r - 1][0] for r in rule], categories=STATUSES)
    out = out[["id_personne", "nb_commandes", "besoin", "achete_ailleurs", "statut", "regle"]]
    return out.sort_values("id_personne").reset_index(drop=True)


def status_counts(table: pd.DataFrame, column: str = "statut") -> pd.DataFrame:
    """Count people by status, every status listed (0 when absent), in the course's order.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per person; needs ``column``.
    column : str
        The column holding the status.

    Returns
    -------
    pandas.DataFrame
        ``statut``, ``nb_personnes`` and ``part`` (0–1; NaN for an empty table).

    Raises
    ------
    ValueError
        Missing column or an unknown status.
    """
    require_columns(table, [column], "le tableau des statuts")
    _check_statuses(table[column])
    counts = table[column].astype(object).value_counts().reindex(STATUSES, fill_value=0)
    total = counts.sum()
    return pd.DataFrame({
        "statut": STATUSES,
        "nb_personnes": counts.to_numpy().astype(int),
        "part": (counts / total).round(3).to_numpy() if total else np.nan,
    })


def _check_statuses(values: pd.Series) -> None:
    bad = sorted(set(values.dropna().astype(str)) - set(STATUSES))
    if bad:
        raise ValueError("Statut inconnu : " + ", ".join(f"« {b} »" for b in bad)
                         + ". Statuts attendus : " + ", ".join(f"« {s} »" for s in STATUSES) + ".")


def status_at(history: pd.DataFrame, at=None) -> pd.DataFrame:
    """Read each person's status on a date from the status history.

    Parameters
    ----------
    history : pandas.DataFrame
        The ``statuts`` table: ``id_personne``, ``date_effet``, ``statut`` (one
        row per change).
    at : date-like, optional
        The date; default ``REFERENCE_DATE``. A change dated ``at`` already holds.

    Returns
    -------
    pandas.DataFrame
        ``id_personne`` and ``statut`` (categorical), sorted by id: the last
        change dated on or before ``at``. People whose first change is later are
        not in the base yet and are absent.

    Raises
    ------
    ValueError
        Missing column or an unknown status.
    """
    require_columns(history, ["id_personne", "date_effet", "statut"], "l'historique des statuts")
    _check_statuses(history["statut"])
    at = _as_date(at)
    known = history.loc[pd.to_datetime(history["date_effet"]) <= at,
                        ["id_personne", "date_effet", "statut"]]
    known = known.sort_values(["id_personne", "date_effet"], kind="stable")
    last = known.drop_duplicates("id_personne", keep="last")
    return pd.DataFrame({
        "id_personne": last["id_personne"].to_numpy(),
        "statut": pd.Categorical(last["statut"].astype(object), categories=STATUSES),
    })


def transition_matrix(history: pd.DataFrame, start, end, normalize: bool = False) -> pd.DataFrame:
    """Count the moves between statuses from one date to another.

    Parameters
    ----------
    history : pandas.DataFrame
        The ``statuts`` table (see :func:`status_at`).
    start, end : date-like
        The two dates, ``start`` before ``end``.
    normalize : bool
        False: numbers of people; True: shares of each starting row (0–1; an
        empty row stays NaN).

    Returns
    -------
    pandas.DataFrame
        Rows: status at ``start`` (index ``statut_debut``), with a first row
        :data:`ABSENT` for people who joined the base in between; columns: status
        at ``end`` (``statut_fin``). Every status is present, even with zeros.

    Raises
    ------
    ValueError
        Missing column, unknown status, or ``start`` not before ``end``.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if start >= end:
        raise ValueError(f"La date de début ({start.date()}) doit précéder la date de fin "
                         f"({end.date()}).")
    before = status_at(history, start).set_index("id_personne")["statut"]
    after = status_at(history, end).set_index("id_personne")["statut"]
    pairs = pd.DataFrame({"statut_fin": after.astype(object)})
    pairs["statut_debut"] = before.astype(object).reindex(pairs.index).fillna(ABSENT)
    counts = pairs.groupby(["statut_debut", "statut_fin"]).size()
    full = pd.MultiIndex.from_product([[ABSENT, *STATUSES], STATUSES],
                                      names=["statut_debut", "statut_fin"])
    matrix = counts.reindex(full, fill_value=0).unstack("statut_fin")
    matrix = matrix.loc[[ABSENT, *STATUSES], STATUSES].astype(int)
    if normalize:
        totals = matrix.sum(axis=1).replace(0, np.nan)
        matrix = matrix.div(totals, axis=0).round(3)
    return matrix


def _check_count_matrix(matrix) -> None:
    if not isinstance(matrix, pd.DataFrame) or (matrix.to_numpy() < 0).any():
        raise ValueError("La matrice de transitions doit être un tableau de nombres de personnes "
                         "(celui que renvoie transition_matrix, sans normalize).")


def plot_status_flow(matrix: pd.DataFrame, start_label: str = "début", end_label: str = "fin",
                     ax=None, title: str = "Comment les statuts changent"):
    """Draw a transition matrix as two stacked columns joined by bands (a small Sankey diagram).

    Parameters
    ----------
    matrix : pandas.DataFrame
        Counts from :func:`transition_matrix` (rows: start, columns: end).
    start_label, end_label : str
        Captions of the two columns (e.g. the dates).
    ax : matplotlib.axes.Axes, optional
    title : str

    Returns
    -------
    matplotlib.axes.Axes
    """
    _check_count_matrix(matrix)
    if ax is None:
        _fig, ax = plt.subplots(figsize=(12, 7))
    counts = matrix.to_numpy(dtype=float)
    total = counts.sum()
    colours = {**style.STATUS_COLOURS, ABSENT: "#d0d4d9"}
    width, gap = 0.06, 0.015 * total if total else 0.0

    def stack(sizes):
        tops, y = [], total + gap * (len(sizes) - 1)
        for s in sizes:
            tops.append(y)
            y -= s + (gap if s > 0 else 0)
        return tops

    left_tops, right_tops = stack(counts.sum(axis=1)), stack(counts.sum(axis=0))
    left_next, right_next = list(left_tops), list(right_tops)
    t = np.linspace(0, 1, 60)
    ease = 3 * t**2 - 2 * t**3
    xs = width + (1 - 2 * width) * t
    for i, row in enumerate(matrix.index):
        for j, _col in enumerate(matrix.columns):
            n = counts[i, j]
            if n <= 0:
                continue
            top = left_next[i] + (right_next[j] - left_next[i]) * ease
            ax.fill_between(xs, top - n, top, color=colours.get(row, style.GREY), alpha=0.45,
                            linewidth=0)
            left_next[i] -= n
            right_next[j] -= n
    for tops, sums, names, x, ha in [
        (left_tops, counts.sum(axis=1), matrix.index, 0.0, "right"),
        (right_tops, counts.sum(axis=0), matrix.columns, 1 - width, "left"),
    ]:
        for top, n, name in zip(tops, sums, names, strict=True):
            if n <= 0:
                continue
            ax.add_patch(plt.Rectangle((x, top - n), width, n, color=colours.get(name, style.GREY)))
            tx = x - 0.01 if ha == "right" else x + width + 0.01
            ax.text(tx, top - n / 2, f"{name} ({style.french_number(n)})", ha=ha, va="center",
                    fontsize=12)
    ax.set_xlim(-0.55, 1.55)
    ax.set_ylim(-gap, total + gap * len(matrix) + 1)
    ax.set_xticks([width / 2, 1 - width / 2], [start_label, end_label])
    ax.set_yticks([])
    ax.grid(False)
    for side in ["left", "bottom"]:
        ax.spines[side].set_visible(False)
    return style.titles(ax, title, "date", "personnes (hauteur proportionnelle au nombre)")


def conversion_cost_by_status(history: pd.DataFrame, spend: pd.DataFrame, start,
                              end) -> pd.DataFrame:
    """Estimate, for each non-client status, the conversion rate and the cost of one conversion.

    Allocation, in plain words: all the marketing money spent between ``start``
    and ``end`` is shared out equally among the people who were not clients on
    ``start`` (each head gets the same share, whatever its status). A status's
    budget is therefore its share of those people; a *conversion* is a person of
    that status on ``start`` who is a client on ``end``; the cost of one
    conversion is the status's budget divided by its conversions. Counting the
    whole budget as acquisition money overstates every cost by the same factor,
    so the ranking stays fair. People who joined the base in between are left
    out (see :func:`transition_matrix` for them).

    Parameters
    ----------
    history : pandas.DataFrame
        The ``statuts`` table (see :func:`status_at`).
    spend : pandas.DataFrame
        The ``depenses_marketing`` table; needs ``mois`` and ``depense_eur``.
        Months from ``start`` (included) to ``end`` (excluded) count.
    start, end : date-like

    Returns
    -------
    pandas.DataFrame
        One row per non-client status: ``statut``, ``nb_personnes`` (on
        ``start``), ``nb_convertis``, ``taux_conversion`` (0–1),
        ``budget_alloue_eur``, ``cout_par_conversion_eur`` (NaN without any
        conversion) and ``priorite`` (1 = cheapest to convert, target first;
        equal costs share a rank; no conversion comes last). Sorted by priority,
        then by the course's status order.

    Raises
    ------
    ValueError
        Missing column, or ``start`` not before ``end``.
    """
    require_columns(spend, ["mois", "depense_eur"], "les dépenses marketing")
    matrix = transition_matrix(history, start, end)
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    months = pd.to_datetime(spend["mois"])
    budget = float(spend.loc[(months >= start) & (months < end), "depense_eur"].sum())
    targets = [s for s in STATUSES if s != "client"]
    people = matrix.loc[targets].sum(axis=1)
    converted = matrix.loc[targets, "client"]
    n_targets = people.sum()
    out = pd.DataFrame({
        "statut": targets,
        "nb_personnes": people.to_numpy().astype(int),
        "nb_convertis": converted.to_numpy().astype(int),
    })
    out["taux_conversion"] = (out["nb_convertis"] / out["nb_personnes"].replace(0, np.nan)).round(3)
    out["budget_alloue_eur"] = (budget * out["nb_personnes"] / n_targets if n_targets
                                else 0.0 * out["nb_personnes"]).round(2)
    out["cout_par_conversion_eur"] = (
        out["budget_alloue_eur"] / out["nb_convertis"].replace(0, np.nan)).round(2)
    out["priorite"] = out["cout_par_conversion_eur"].rank(method="min", na_option="bottom").astype(int)
    out["_order"] = range(len(out))
    out = out.sort_values(["priorite", "_order"]).drop(columns="_order")
    return out.reset_index(drop=True)


def status_over_time(history: pd.DataFrame, start, end, freq: str = "MS") -> pd.DataFrame:
    """Count the people of each status on a series of dates (statuses change at any time).

    Parameters
    ----------
    history : pandas.DataFrame
        The ``statuts`` table (see :func:`status_at`).
    start, end : date-like
        First and last date (both included when they fall on the grid).
    freq : str
        Spacing of the dates, a pandas frequency: ``"MS"`` (first day of each
        month, default), ``"QS"`` (quarters), ``"7D"``…

    Returns
    -------
    pandas.DataFrame
        One row per date (index ``date``), one column per status in the course's
        order (numbers of people in the base on that date; 0 when none).

    Raises
    ------
    ValueError
        Missing column, unknown status, or ``start`` after ``end``.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if start > end:
        raise ValueError(f"La date de début ({start.date()}) doit précéder la date de fin "
                         f"({end.date()}).")
    dates = pd.date_range(start, end, freq=freq)
    rows = [status_at(history, d)["statut"].value_counts().reindex(STATUSES, fill_value=0)
            for d in dates]
    table = pd.DataFrame(rows, index=pd.DatetimeIndex(dates, name="date"), columns=STATUSES)
    table.columns.name = None
    return table.fillna(0).astype(int)


def plot_status_over_time(table: pd.DataFrame, ax=None,
                          title: str = "Combien de personnes dans chaque statut, mois par mois"):
    """Draw :func:`status_over_time` as stacked areas, one colour per status.

    Parameters
    ----------
    table : pandas.DataFrame
        Dates as index, statuses as columns (numbers of people).
    ax : matplotlib.axes.Axes, optional
    title : str

    Returns
    -------
    matplotlib.axes.Axes
    """
    require_columns(table, STATUSES, "le tableau des statuts dans le temps")
    if ax is None:
        _fig, ax = style.new_figure(12, 6)
    colours = [style.STATUS_COLOURS[s] for s in STATUSES]
    ax.stackplot(table.index, *[table[s].to_numpy() for s in STATUSES], labels=STATUSES,
                 colors=colours, alpha=0.9)
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(1.01, 1.0))
    if len(table):
        ax.set_xlim(table.index.min(), table.index.max())
    style.format_dates(ax, "x", interval=3)
    style.format_axis(ax, "y")
    ax.tick_params(axis="x", labelrotation=45)
    return style.titles(ax, title, "date", "personnes")


def plot_transition_matrix(matrix: pd.DataFrame, ax=None,
                           title: str = "D'un statut à l'autre"):
    """Draw a transition matrix as a heatmap: rows = status at start, columns = at end.

    Each cell shows the number of people; its colour shows the share of its row
    (so a small row, such as the newcomers, is as readable as a large one).

    Parameters
    ----------
    matrix : pandas.DataFrame
        Counts from :func:`transition_matrix` (without ``normalize``).
    ax : matplotlib.axes.Axes, optional
    title : str

    Returns
    -------
    matplotlib.axes.Axes
    """
    _check_count_matrix(matrix)
    if ax is None:
        _fig, ax = style.new_figure(12, 6.5)
    counts = matrix.to_numpy(dtype=float)
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for i in range(counts.shape[0]):
        for j in range(counts.shape[1]):
            colour = "white" if shares[i, j] > 0.6 else "#222222"
            ax.text(j, i, style.french_number(counts[i, j]), ha="center", va="center",
                    color=colour, fontsize=15)
    ax.set_xticks(range(counts.shape[1]), [c.replace("non-", "non-\n").replace(" ", "\n") for c in matrix.columns],
                  fontsize=13)
    ax.set_yticks(range(counts.shape[0]), list(matrix.index), fontsize=14)
    ax.grid(False)
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    return style.titles(ax, title, "statut à la fin", "statut au début")


def estimate_unknown(classified: pd.DataFrame) -> pd.DataFrame:
    """Estimate the statuses of the people we know nothing about, from those who answered.

    People who never ordered and never answered the survey all fall under the
    last rule (``prospect`` by default). If the survey drew its respondents at
    random among the non-buyers, the non-buyers who answered (rules 3–6) are a
    fair picture of those who did not: their shares of each status are applied
    to the unknown people.

    Parameters
    ----------
    classified : pandas.DataFrame
        The output of :func:`classify`; needs ``statut`` and ``regle``.

    Returns
    -------
    pandas.DataFrame
        One row per non-client status: ``statut``, ``nb_repondants`` (non-buyers
        who answered, by status), ``part_repondants`` (0–1; NaN when nobody
        answered), ``nb_inconnus_estime`` (the unknown people times that share,
        rounded) and ``nb_total_estime`` (people classified under that status by
        an answer, plus the estimate).

    Raises
    ------
    ValueError
        Missing column, or an unknown status.
    """
    require_columns(classified, ["statut", "regle"], "le tableau des statuts")
    _check_statuses(classified["statut"])
    last_rule = len(RULES)
    answered = classified.loc[classified["regle"].between(3, last_rule - 1), "statut"]
    n_unknown = int((classified["regle"] == last_rule).sum())
    targets = [s for s in STATUSES if s != "client"]
    counts = answered.astype(object).value_counts().reindex(targets, fill_value=0)
    total = counts.sum()
    shares = counts / total if total else counts * np.nan
    estimate = (shares * n_unknown).round()
    out = pd.DataFrame({
        "statut": targets,
        "nb_repondants": counts.to_numpy().astype(int),
        "part_repondants": shares.round(3).to_numpy(),
        "nb_inconnus_estime": estimate.to_numpy(),
    })
    out["nb_total_estime"] = out["nb_repondants"] + out["nb_inconnus_estime"]
    return out


def _status_bars(names: pd.Series, values: pd.Series, ax=None):
    """Horizontal bars, one per status in the given order (top to bottom), in its colour."""
    if ax is None:
        _fig, ax = style.new_figure(11, 4.5)
    ax.barh(names, values, color=[style.STATUS_COLOURS[s] for s in names])
    ax.invert_yaxis()
    return ax


def plot_status_counts(counts: pd.DataFrame, ax=None,
                       title: str = "Les personnes par statut"):
    """Draw :func:`status_counts` as horizontal bars, one colour per status.

    Parameters
    ----------
    counts : pandas.DataFrame
        Needs ``statut`` and ``nb_personnes``.
    ax : matplotlib.axes.Axes, optional
    title : str

    Returns
    -------
    matplotlib.axes.Axes
    """
    require_columns(counts, ["statut", "nb_personnes"], "le décompte des statuts")
    _check_statuses(counts["statut"])
    ax = _status_bars(counts["statut"].astype(str), counts["nb_personnes"], ax)
    style.format_axis(ax, "x")
    return style.titles(ax, title, "personnes", None)


def plot_conversion_cost(costs: pd.DataFrame, ax=None,
                         title: str = "Coût d'une conversion selon le statut de départ"):
    """Draw the cost of one conversion by status (:func:`conversion_cost_by_status`).

    Each bar is labelled with its cost in euros; a status without any
    conversion gets no bar and the label « aucune conversion ».

    Parameters
    ----------
    costs : pandas.DataFrame
        Needs ``statut`` and ``cout_par_conversion_eur`` (NaN: no conversion).
    ax : matplotlib.axes.Axes, optional
    title : str

    Returns
    -------
    matplotlib.axes.Axes
    """
    require_columns(costs, ["statut", "cout_par_conversion_eur"], "les coûts de conversion")
    _check_statuses(costs["statut"])
    values = costs["cout_par_conversion_eur"].astype(float)
    ax = _status_bars(costs["statut"].astype(str), values.fillna(0), ax)
    for y, v in enumerate(values):
        label = "  aucune conversion" if pd.isna(v) else "  " + style.french_number(v, 0, "€")
        ax.text(0 if pd.isna(v) else v, y, label, va="center", fontsize=14)
    top = values.max()
    ax.set_xlim(0, 1.25 * top if pd.notna(top) and top > 0 else 1)
    style.format_euros(ax, "x")
    return style.titles(ax, title, "€ de budget marketing par nouveau client", None)
