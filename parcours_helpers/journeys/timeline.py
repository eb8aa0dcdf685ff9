"""One person's journey as a timeline: their events in time, across stages and forms.

A journey is data: each row of the ``evenements`` table is one contact between a
person and the shop (a blog visit, a flyer, a chat, an order…), with its date, its
touchpoint, its form (virtual, physical, word of mouth) and its stage (from the
need to loyalty). This module picks one person, lists their events in order and
draws them: time on the x axis, stages on the y axis, one colour per form.
"""

from __future__ import annotations

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
    candidates &= set(counts[counts >= min_events].index)
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
        Write the touchpoint's name next to each point (skipped above 25 events
        to stay readable).
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
    if annotate and len(journey) <= 25:
        for xi, yi, label in zip(x, y, journey["point_de_contact"].astype(str), strict=True):
            ax.annotate(label, (xi, yi), xytext=(4, 9), textcoords="offset points",
                        fontsize=10, rotation=25, color="#333333")

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
    return ax


def _date_axis(ax, dates: pd.Series) -> None:
    """French date ticks: months for long journeys, days for short ones."""
    start, end = dates.min(), dates.max()
    span_days = (end - start).days
    pad = pd.Timedelta(days=max(2, span_days // 30))
    ax.set_xlim(mdates.date2num(start - pad), mdates.date2num(end + pad))
    if span_days > 120:
        style.format_dates(ax, "x", interval=max(1, span_days // 30 // 6))
        return
    if span_days > 20:
        ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO, interval=max(1, span_days // 42)))
    else:
        ax.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, span_days // 6)))
    ax.xaxis.set_major_formatter(FuncFormatter(_french_day))


def _french_day(value: float, _pos=None) -> str:
    d = mdates.num2date(value)
    return f"{d.day} {style.FRENCH_MONTHS[d.month - 1]} {d.year}"
