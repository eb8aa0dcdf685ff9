"""One person's journey as a timeline: their events in time, across stages and forms.

A journey is data: each row of the ``evenements`` table is one contact between a
person and the shop (a blog visit, a flyer, a chat, an order…), with its date, its
touchpoint, its form (virtual, physical, word of mouth) and its stage (from the
need to loyalty). This module picks one person, lists their events in order and
draws them: time on the x axis, stages on the y axis, one colour per form.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from .. import style
from ..datasets import FORMS, STAGES
from ..validation import require_columns

#: Columns of ``evenements`` that a timeline needs.
EVENT_COLUMNS = ["id_personne", "horodatage", "point_de_contact", "forme", "etape", "id_commande"]

#: Columns shown for one person's journey, in order.
JOURNEY_COLUMNS = ["horodatage", "etape", "forme", "point_de_contact", "id_commande"]


def person_events(events: pd.DataFrame, person_id: str) -> pd.DataFrame:
    """List one person's events in time order.

    Parameters
    ----------
    events : pandas.DataFrame
        The ``evenements`` table; needs ``id_personne``, ``horodatage``,
        ``point_de_contact``, ``forme``, ``etape`` and ``id_commande``.
    person_id : str
        The person's ``id_personne``.

    Returns
    -------
    pandas.DataFrame
        Columns ``horodatage``, ``etape``, ``forme``, ``point_de_contact``,
        ``id_commande`` and ``commande`` (bool, True for an order, see
        :func:`is_order`), sorted by time, index 0..n-1. Empty (same columns)
        when the person has no event.

    Raises
    ------
    ValueError
        If a column is missing.

    Examples
    --------
    >>> ev = pd.DataFrame({
    ...     "id_personne": ["P1", "P1", "P2"],
    ...     "horodatage": pd.to_datetime(["2024-03-02", "2024-03-01", "2024-03-01"]),
    ...     "point_de_contact": ["e-shop", "blog", "flyer"],
    ...     "forme": ["virtuel", "virtuel", "physique"],
    ...     "etape": ["achat", "découverte", "découverte"],
    ...     "id_commande": ["C1", None, None]})
    >>> person_events(ev, "P1")["point_de_contact"].tolist()
    ['blog', 'e-shop']
    """
    require_columns(events, EVENT_COLUMNS, "les événements")
    mine = events.loc[events["id_personne"] == person_id, JOURNEY_COLUMNS]
    mine = mine.sort_values("horodatage", kind="stable").reset_index(drop=True)
    mine["commande"] = is_order(mine)
    return mine


def journey_summary(events: pd.DataFrame, person_ids: Iterable[str]) -> pd.DataFrame:
    """Sum up some people's journeys: contacts, orders, forms and stages met, time to order.

    Parameters
    ----------
    events : pandas.DataFrame
        The ``evenements`` table (columns of :data:`EVENT_COLUMNS`).
    person_ids : iterable of str
        The people to sum up, in the order wanted for the rows.

    Returns
    -------
    pandas.DataFrame
        Index ``id_personne`` (one row per person asked for, even without any
        event), columns ``nb_contacts``, ``nb_commandes``, ``nb_contacts_avant_commande``
        (events strictly before the first order; all events if no order),
        ``formes`` (forms met, in the order of :data:`FORMS`, joined by « , »),
        ``etapes_atteintes`` and ``etapes_jamais_atteintes`` (same for stages),
        ``premier_contact``, ``premiere_commande`` (NaT without an order) and
        ``jours_avant_commande`` (whole days from the first contact to the first
        order; NaN without an order).

    Raises
    ------
    ValueError
        If a column is missing.

    Examples
    --------
    >>> ev = pd.DataFrame({
    ...     "id_personne": ["P1", "P1"],
    ...     "horodatage": pd.to_datetime(["2024-03-01", "2024-03-11"]),
    ...     "point_de_contact": ["blog", "e-shop"], "forme": ["virtuel", "virtuel"],
    ...     "etape": ["découverte", "achat"], "id_commande": [None, "C1"]})
    >>> journey_summary(ev, ["P1"]).loc["P1", "jours_avant_commande"]
    np.float64(10.0)
    """
    require_columns(events, EVENT_COLUMNS, "les événements")
    rows = []
    for pid in person_ids:
        j = person_events(events, pid)
        seen_forms = set(j["forme"].astype(str))
        seen_stages = set(j["etape"].astype(str))
        first = j["horodatage"].min() if len(j) else pd.NaT
        first_order = j.loc[j["commande"], "horodatage"].min() if j["commande"].any() else pd.NaT
        before = j if pd.isna(first_order) else j[j["horodatage"] < first_order]
        rows.append({
            "id_personne": pid,
            "nb_contacts": len(j),
            "nb_commandes": int(j["commande"].sum()),
            "nb_contacts_avant_commande": len(before),
            "formes": ", ".join(f for f in FORMS if f in seen_forms),
            "etapes_atteintes": ", ".join(s for s in STAGES if s in seen_stages),
            "etapes_jamais_atteintes": ", ".join(s for s in STAGES if s not in seen_stages),
            "premier_contact": first,
            "premiere_commande": first_order,
            "jours_avant_commande": (float((first_order - first).days)
                                     if pd.notna(first_order) else float("nan")),
        })
    columns = ["id_personne", "nb_contacts", "nb_commandes", "nb_contacts_avant_commande",
               "formes", "etapes_atteintes", "etapes_jamais_atteintes", "premier_contact",
               "premiere_commande", "jours_avant_commande"]
    out = pd.DataFrame(rows, columns=columns)
    for c in ["premier_contact", "premiere_commande"]:
        out[c] = pd.to_datetime(out[c])
    return out.set_index("id_personne")


def is_order(events: pd.DataFrame) -> pd.Series:
    """Flag the events that are orders: an ``id_commande`` at the ``achat`` stage.

    A delivery or a return can carry the order's number too; only the purchase
    itself counts as the order.

    Parameters
    ----------
    events : pandas.DataFrame
        Needs ``etape`` and ``id_commande``.

    Returns
    -------
    pandas.Series of bool
        Same index as ``events``.
    """
    require_columns(events, ["etape", "id_commande"], "les événements")
    return (events["id_commande"].notna() & (events["etape"].astype(str) == "achat")).astype(bool)


def example_person(
    people: pd.DataFrame,
    events: pd.DataFrame,
    touchpoints: Iterable[str] = (),
    ordered: bool | None = None,
    criteria: dict[str, object] | None = None,
    min_events: int = 1,
    max_events: int | None = None,
) -> str:
    """Pick, deterministically, one person whose journey illustrates a point.

    The first ``id_personne`` in alphabetical order that meets every condition.

    Parameters
    ----------
    people : pandas.DataFrame
        The ``personnes`` table; needs ``id_personne`` and the columns of ``criteria``.
    events : pandas.DataFrame
        The ``evenements`` table (columns of :data:`EVENT_COLUMNS`).
    touchpoints : iterable of str
        Touchpoints the person must have met at least once each
        (e.g. ``("parrainage", "boutique")``).
    ordered : bool or None
        True: at least one order; False: never ordered; None: either.
    criteria : dict, optional
        ``{column of people: value}`` that must hold (e.g. ``{"persona_simulee": "Nouveau"}``).
    min_events : int
        Minimum number of events.
    max_events : int, optional
        Maximum number of events (a short journey is easier to read).

    Returns
    -------
    str
        The chosen ``id_personne``.

    Raises
    ------
    ValueError
        If a column is missing, or if nobody meets the conditions (the message
        repeats them).
    """
    criteria = dict(criteria or {})
    touchpoints = list(touchpoints)
    require_columns(people, ["id_personne", *criteria], "les personnes")
    require_columns(events, EVENT_COLUMNS, "les événements")
    keep = pd.Series(True, index=people.index)
    for column, value in criteria.items():
        keep &= people[column].astype(object) == value
    candidates = set(people.loc[keep, "id_personne"])

    counts = events.groupby("id_personne", observed=True).size()
    enough = counts >= min_events
    if max_events is not None:
        enough &= counts <= max_events
    candidates &= set(counts[enough].index)
    for tp in touchpoints:
        candidates &= set(events.loc[events["point_de_contact"] == tp, "id_personne"])
    if ordered is not None:
        buyers = set(events.loc[is_order(events), "id_personne"])
        candidates = candidates & buyers if ordered else candidates - buyers
    if not candidates:
        wanted = [f"{c} = {v}" for c, v in criteria.items()]
        wanted += [f"a rencontré « {tp} »" for tp in touchpoints]
        if ordered is not None:
            wanted.append("a commandé" if ordered else "n'a jamais commandé")
        wanted.append(f"au moins {min_events} événement(s)")
        if max_events is not None:
            wanted.append(f"au plus {max_events} événement(s)")
        raise ValueError("Aucune personne ne remplit toutes les conditions : " + " ; ".join(wanted) + ".")
    return sorted(candidates)[0]


def plot_timeline(events: pd.DataFrame, person_id: str, ax=None, annotate: bool = True,
                  title: str | None = None):
    """Draw one person's journey: time on x, stages on y, colour = form, orders highlighted.

    Parameters
    ----------
    events : pandas.DataFrame
        The ``evenements`` table (columns of :data:`EVENT_COLUMNS`); may hold
        other people, only ``person_id``'s rows are drawn.
    person_id : str
        The person to draw.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure by default.
    annotate : bool
        Write the touchpoint names next to the points (skipped above 25 events
        to stay readable). Events close in time on the same stage share one
        label: their distinct touchpoints, and how many contacts they are.
    title : str, optional
        The figure's title; default « Parcours de la personne <id> ».

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If a column is missing, or if the person has no event (the message
        gives examples of identifiers that do have events).
    """
    journey = person_events(events, person_id)
    if journey.empty:
        known = sorted(events["id_personne"].dropna().astype(str).unique())[:3]
        hint = (" Exemples d'identifiants présents : " + ", ".join(f"« {k} »" for k in known) + "."
                if known else " Le tableau des événements est vide.")
        raise ValueError(f"Aucun événement pour la personne « {person_id} » : rien à dessiner.{hint}")
    if ax is None:
        _fig, ax = plt.subplots(figsize=(12, 6))

    y = journey["etape"].astype(str).map({s: i for i, s in enumerate(STAGES)})
    if y.isna().any():
        bad = sorted(journey.loc[y.isna(), "etape"].astype(str).unique())
        raise ValueError("Étape inconnue dans les événements : " + ", ".join(f"« {b} »" for b in bad)
                         + ". Étapes attendues : " + ", ".join(f"« {s} »" for s in STAGES) + ".")
    y = y.to_numpy(dtype=float)
    x = mdates.date2num(journey["horodatage"])

    ax.plot(x, y, color=style.GREY, linewidth=1.2, alpha=0.6, zorder=1)
    orders = journey["commande"].to_numpy()
    ax.scatter(x[orders], y[orders], s=520, marker="*", color="none",
               edgecolor=style.HIGHLIGHT, linewidth=2.5, zorder=3)
    for form in FORMS:
        mask = (journey["forme"].astype(str) == form).to_numpy()
        if mask.any():
            ax.scatter(x[mask], y[mask], s=140, color=style.FORM_COLOURS[form],
                       edgecolor="white", linewidth=1, zorder=2)
    ax.set_yticks(range(len(STAGES)), STAGES)
    ax.set_ylim(len(STAGES) - 0.5, -0.8)  # need at the top, loyalty at the bottom
    _date_axis(ax, journey["horodatage"])
    handles = [Line2D([], [], marker="o", linestyle="", markersize=11,
                      color=style.FORM_COLOURS[f], label=f) for f in FORMS]
    handles.append(Line2D([], [], marker="*", linestyle="", markersize=18, color="none",
                          markeredgecolor=style.HIGHLIGHT, markeredgewidth=2, label="commande"))
    ax.legend(handles=handles, title="forme", loc="upper left", bbox_to_anchor=(1.01, 1))
    style.titles(ax, title or f"Parcours de la personne {person_id}", "date",
                 "étape du parcours")
    if annotate and len(journey) <= 25:
        ax.figure.draw_without_rendering()  # final axes size, to measure the labels
        _annotate(ax, _labels(x, y, journey["point_de_contact"].astype(str).tolist()))
    return ax


def _labels(x, y, names: list[str], gap: float | None = None) -> list[tuple[float, float, str]]:
    """Group the points of one stage that are close in time; one label per group.

    ``gap`` (in days, default 6 % of the journey's span, at least 1 day): two
    consecutive points of the same stage closer than that share a label. The
    label lists the group's distinct touchpoints in order of appearance, then
    the number of contacts when there are several (« blog, chat (5 contacts) »).
    Returns ``(x, y, text)`` of each group's first point.
    """
    if len(x) == 0:
        return []
    if gap is None:
        gap = max(1.0, 0.06 * (max(x) - min(x)))
    out = []
    for stage in sorted(set(y)):
        idx = [i for i in range(len(x)) if y[i] == stage]
        groups, current = [], [idx[0]]
        for i in idx[1:]:
            if x[i] - x[current[-1]] < gap:
                current.append(i)
            else:
                groups.append(current)
                current = [i]
        groups.append(current)
        for g in groups:
            distinct = list(dict.fromkeys(names[i] for i in g))
            text = ", ".join(distinct)
            if len(distinct) > 2:
                text = ",\n".join([", ".join(distinct[:2]), ", ".join(distinct[2:])])
            if len(g) > 1:
                text += f" ({len(g)} contacts)"
            out.append((x[g[0]], stage, text))
    return sorted(out)


def _annotate(ax, labels: list[tuple[float, float, str]], fontsize: float = 11) -> None:
    """Write the labels above their point, or below when the one above would overlap."""
    points_per_char = 0.6 * fontsize
    free_from = {}  # (stage, side) -> x in points where the last label ends
    to_points = 72 / ax.figure.dpi
    for xi, yi, text in labels:
        start = ax.transData.transform((xi, yi))[0] * to_points - 4
        width = points_per_char * max(len(line) for line in text.split("\n"))
        side = "above"
        if free_from.get((yi, "above"), -1e9) > start:
            side = "below" if free_from.get((yi, "below"), -1e9) <= start else "above"
        free_from[(yi, side)] = start + width + 6
        offset, va = ((-4, 10), "bottom") if side == "above" else ((-4, -12), "top")
        ax.annotate(text, (xi, yi), xytext=offset, textcoords="offset points",
                    fontsize=fontsize, color="#333333", va=va)


def _date_axis(ax, dates: pd.Series) -> None:
    """French date ticks, at most about six: months for long journeys, days for short ones."""
    start, end = dates.min(), dates.max()
    span_days = (end - start).days
    pad = pd.Timedelta(days=max(2, span_days // 25))
    ax.set_xlim(mdates.date2num(start - pad), mdates.date2num(end + pad))
    if span_days > 75:
        months = span_days / 30.4
        style.format_dates(ax, "x", interval=max(1, math.ceil(months / 5)))
        return
    ax.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, math.ceil((span_days + 1) / 4))))
    ax.xaxis.set_major_formatter(FuncFormatter(_french_day))


def _french_day(value: float, _pos=None) -> str:
    d = mdates.num2date(value)
    return f"{d.day} {style.FRENCH_MONTHS[d.month - 1]} {d.year}"
