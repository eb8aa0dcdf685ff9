"""The touchpoint inventory: what the shop has, how much it is used, what it costs, what is missing.

A touchpoint is any place where the shop's communication meets a person: a blog
post, a flyer, a radio spot, the shop window, a friend's advice… This module
turns the ``points_de_contact`` table into an inventory, measures each
touchpoint's use from the ``evenements`` table, draws the stage × form coverage
and lists its gaps, scores how well each touchpoint reaches a target persona,
compares awareness with sales, and provides a reusable audit grid for the
physical access to a shop.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from . import style
from .datasets import FORMS, PERSONAS, STAGES
from .journeys.timeline import is_order
from .validation import require_columns

INVENTORY_COLUMNS = ["point_de_contact", "forme", "etape", "media", "cout_mensuel_eur",
                     "audience_mensuelle"]

#: Label of the orders that no touch preceded (see :func:`awareness_vs_sales`).
NO_TOUCH = "(aucun contact avant)"

#: Scale of the access audit: note → meaning.
AUDIT_SCALE = {0: "non", 1: "en partie", 2: "oui"}

_AUDIT_QUESTIONS = [
    ("stationnement",
     "Vos visiteurs trouvent-ils où se garer (ou poser un vélo) à deux pas de chez vous ?"),
    ("signalétique",
     "Le chemin jusqu'à votre porte est-il fléché et facile à suivre depuis la rue ?"),
    ("devanture",
     "Repère-t-on votre vitrine ou votre entrée à distance, depuis le trottoir d'en face ?"),
    ("entrée",
     "La première chose qu'on voit en entrant donne-t-elle envie d'avancer (accueil, produits phares) ?"),
    ("sortie",
     "Le trajet naturel vers la sortie passe-t-il devant ce que vous voulez montrer, et savez-vous pourquoi ?"),
    ("accessibilité",
     "Une personne en fauteuil roulant ou avec une poussette peut-elle entrer et circuler seule ?"),
]


def _check_values(df: pd.DataFrame, column: str, allowed: list[str], table: str) -> None:
    values = df[column].dropna().astype(str)
    bad = sorted(set(values) - set(allowed))
    if bad:
        raise ValueError(
            f"Valeur inconnue dans la colonne « {column} » de {table} : "
            + ", ".join(f"« {b} »" for b in bad)
            + ". Valeurs attendues : " + ", ".join(f"« {a} »" for a in allowed) + "."
        )


def _stage_form_order(df: pd.DataFrame) -> pd.DataFrame:
    """Sort by stage (journey order), then form, then touchpoint name."""
    key = pd.DataFrame({
        "_e": df["etape"].astype(object).map({s: i for i, s in enumerate(STAGES)}),
        "_f": df["forme"].astype(object).map({f: i for i, f in enumerate(FORMS)}),
        "_p": df["point_de_contact"].astype(str),
    }, index=df.index)
    return df.loc[key.sort_values(["_e", "_f", "_p"], na_position="last").index]


def inventory(touchpoints: pd.DataFrame) -> pd.DataFrame:
    """Build the touchpoint inventory, in journey order, with the cost per thousand people reached.

    Parameters
    ----------
    touchpoints : pandas.DataFrame
        The ``points_de_contact`` table; needs ``point_de_contact``, ``forme``,
        ``etape``, ``media``, ``cout_mensuel_eur`` and ``audience_mensuelle``
        (``lieu_zone`` and ``canal_marketing`` are kept when present).

    Returns
    -------
    pandas.DataFrame
        One row per touchpoint, sorted by stage (need → loyalty), form, name:
        the input columns plus ``cout_pour_1000_eur`` (monthly cost for a
        thousand people reached; NaN when the audience is 0).

    Raises
    ------
    ValueError
        Missing column, unknown stage or form, or a touchpoint listed twice.
    """
    require_columns(touchpoints, INVENTORY_COLUMNS, "l'inventaire des points de contact")
    _check_values(touchpoints, "etape", STAGES, "l'inventaire des points de contact")
    _check_values(touchpoints, "forme", FORMS, "l'inventaire des points de contact")
    dup = touchpoints["point_de_contact"][touchpoints["point_de_contact"].duplicated()]
    if len(dup):
        raise ValueError("Point de contact présent plusieurs fois dans l'inventaire : "
                         + ", ".join(f"« {d} »" for d in sorted(set(dup.astype(str)))) + ".")
    extra = [c for c in ["canal_marketing", "lieu_zone"] if c in touchpoints.columns]
    out = touchpoints[INVENTORY_COLUMNS + extra].copy()
    audience = out["audience_mensuelle"].astype(float).replace(0, np.nan)
    out["cout_pour_1000_eur"] = (1000 * out["cout_mensuel_eur"] / audience).round(2)
    return _stage_form_order(out).reset_index(drop=True)


def months_covered(dates: pd.Series) -> int:
    """Number of calendar months from the first to the last date, both included (0 if empty).

    Examples
    --------
    >>> months_covered(pd.Series(pd.to_datetime(["2023-01-31", "2024-12-01"])))
    24
    """
    dates = pd.to_datetime(dates).dropna()
    if dates.empty:
        return 0
    first, last = dates.min(), dates.max()
    return (last.year - first.year) * 12 + last.month - first.month + 1


def usage_by_touchpoint(events: pd.DataFrame, touchpoints: pd.DataFrame,
                        n_months: int | None = None) -> pd.DataFrame:
    """Measure each touchpoint's use (contacts, people reached) and its cost per contact.

    Cost over the period = monthly cost of the inventory × number of months.

    Parameters
    ----------
    events : pandas.DataFrame
        The ``evenements`` table; needs ``id_personne``, ``horodatage`` and
        ``point_de_contact``.
    touchpoints : pandas.DataFrame
        The ``points_de_contact`` table; needs ``point_de_contact``, ``forme``,
        ``etape`` and ``cout_mensuel_eur``.
    n_months : int, optional
        Length of the period in months; default: the calendar months the events
        cover (see :func:`months_covered`).

    Returns
    -------
    pandas.DataFrame
        One row per touchpoint of the inventory, plus any touchpoint seen in the
        events but absent from the inventory (``dans_inventaire`` False, costs
        NaN): ``point_de_contact``, ``forme``, ``etape``, ``dans_inventaire``,
        ``nb_contacts``, ``nb_personnes``, ``contacts_par_personne``,
        ``cout_periode_eur``, ``cout_par_contact_eur``, ``cout_par_personne_eur``
        (NaN when nobody was reached). Sorted by contacts (most first), then name.

    Raises
    ------
    ValueError
        Missing column.
    """
    require_columns(events, ["id_personne", "horodatage", "point_de_contact"], "les événements")
    require_columns(touchpoints, ["point_de_contact", "forme", "etape", "cout_mensuel_eur"],
                    "l'inventaire des points de contact")
    if n_months is None:
        n_months = months_covered(events["horodatage"])
    ev = events.assign(point_de_contact=events["point_de_contact"].astype(str))
    use = ev.groupby("point_de_contact").agg(
        nb_contacts=("id_personne", "size"), nb_personnes=("id_personne", "nunique"))
    inv = touchpoints[["point_de_contact", "forme", "etape", "cout_mensuel_eur"]].copy()
    inv["point_de_contact"] = inv["point_de_contact"].astype(str)
    inv["forme"] = inv["forme"].astype(object)
    inv["etape"] = inv["etape"].astype(object)
    inv["dans_inventaire"] = True
    out = inv.merge(use, how="outer", left_on="point_de_contact", right_index=True)
    out["dans_inventaire"] = out["dans_inventaire"].fillna(False).astype(bool)
    out[["nb_contacts", "nb_personnes"]] = out[["nb_contacts", "nb_personnes"]].fillna(0).astype(int)
    reached = out["nb_personnes"].replace(0, np.nan)
    contacts = out["nb_contacts"].replace(0, np.nan)
    out["contacts_par_personne"] = (out["nb_contacts"] / reached).round(2)
    out["cout_periode_eur"] = (out["cout_mensuel_eur"] * n_months).round(2)
    out["cout_par_contact_eur"] = (out["cout_periode_eur"] / contacts).round(2)
    out["cout_par_personne_eur"] = (out["cout_periode_eur"] / reached).round(2)
    out = out.sort_values(["nb_contacts", "point_de_contact"], ascending=[False, True])
    cols = ["point_de_contact", "forme", "etape", "dans_inventaire", "nb_contacts", "nb_personnes",
            "contacts_par_personne", "cout_periode_eur", "cout_par_contact_eur",
            "cout_par_personne_eur"]
    return out[cols].reset_index(drop=True)


def plot_cost_per_contact(usage: pd.DataFrame, ax=None, log: bool = True):
    """Draw each touchpoint's cost per contact as horizontal bars, coloured by form.

    Parameters
    ----------
    usage : pandas.DataFrame
        As returned by :func:`usage_by_touchpoint`; needs ``point_de_contact``,
        ``forme`` and ``cout_par_contact_eur``. Touchpoints without a cost per
        contact (never used, or absent from the inventory) are left out.
    ax : matplotlib.axes.Axes, optional
    log : bool
        Logarithmic x axis (default): costs range from cents to hundreds of euros.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        Missing column, or no touchpoint with a cost per contact.
    """
    require_columns(usage, ["point_de_contact", "forme", "cout_par_contact_eur"],
                    "le tableau d'usage des points de contact")
    data = usage.dropna(subset=["cout_par_contact_eur"])
    if log:
        data = data[data["cout_par_contact_eur"] > 0]
    if data.empty:
        raise ValueError("Aucun point de contact n'a de coût par contact à dessiner "
                         "(aucun contact, ou coûts inconnus).")
    data = data.sort_values(["cout_par_contact_eur", "point_de_contact"], ascending=[True, False])
    if ax is None:
        _fig, ax = plt.subplots(figsize=(11, max(4, 0.42 * len(data) + 1.5)))
    colours = [style.FORM_COLOURS.get(str(f), style.GREY) for f in data["forme"]]
    ax.barh(data["point_de_contact"].astype(str), data["cout_par_contact_eur"], color=colours)
    if log:
        ax.set_xscale("log")
    for y, value in enumerate(data["cout_par_contact_eur"]):
        ax.annotate(style.french_number(value, 2, "€"), (value, y), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=12)
    style.format_euros(ax, "x", decimals=2 if data["cout_par_contact_eur"].min() < 1 else 0)
    ax.set_xlim(right=data["cout_par_contact_eur"].max() * (4 if log else 1.2))
    handles = [plt.Rectangle((0, 0), 1, 1, color=style.FORM_COLOURS[f], label=f)
               for f in FORMS if f in set(data["forme"].astype(str))]
    ax.legend(handles=handles, title="forme", loc="lower right")
    xlabel = "coût par contact (€, échelle logarithmique)" if log else "coût par contact (€)"
    return style.titles(ax, "Combien coûte un contact ?", xlabel, "point de contact")


def coverage_matrix(table: pd.DataFrame) -> pd.DataFrame:
    """Count the distinct touchpoints in each stage × form cell.

    Works on the inventory (where the shop *plans* to be) or on the events
    (where people *actually* met it).

    Parameters
    ----------
    table : pandas.DataFrame
        Needs ``point_de_contact``, ``forme`` and ``etape``.

    Returns
    -------
    pandas.DataFrame
        Index ``etape`` (the 7 stages in journey order), columns ``forme`` (the
        3 forms), values: number of distinct touchpoints (0 = a gap). Every
        cell is present, even for an empty table.

    Raises
    ------
    ValueError
        Missing column, unknown stage or form.
    """
    require_columns(table, ["point_de_contact", "forme", "etape"], "le tableau des points de contact")
    _check_values(table, "etape", STAGES, "le tableau des points de contact")
    _check_values(table, "forme", FORMS, "le tableau des points de contact")
    flat = pd.DataFrame({
        "etape": table["etape"].astype(object),
        "forme": table["forme"].astype(object),
        "point_de_contact": table["point_de_contact"].astype(object),
    }).drop_duplicates()
    counts = flat.groupby(["etape", "forme"]).size()
    full = pd.MultiIndex.from_product([STAGES, FORMS], names=["etape", "forme"])
    matrix = counts.reindex(full, fill_value=0).unstack("forme")
    return matrix.loc[STAGES, FORMS].astype(int)


def gaps(matrix: pd.DataFrame) -> pd.DataFrame:
    """List the empty cells of a coverage matrix: the stage × form pairs with no touchpoint.

    Parameters
    ----------
    matrix : pandas.DataFrame
        As returned by :func:`coverage_matrix` (index: stages, columns: forms).

    Returns
    -------
    pandas.DataFrame
        Columns ``etape`` and ``forme``, one row per gap, in journey order then
        form order; empty when every cell is covered.
    """
    if not isinstance(matrix, pd.DataFrame):
        raise TypeError("La matrice de couverture doit être un tableau pandas (DataFrame), "
                        "celui que renvoie coverage_matrix.")
    rows = [(stage, form) for stage in matrix.index for form in matrix.columns
            if matrix.loc[stage, form] == 0]
    return pd.DataFrame(rows, columns=["etape", "forme"])


def plot_coverage(matrix: pd.DataFrame, ax=None, title: str = "Où la boutique est-elle présente ?"):
    """Draw a coverage matrix as a heatmap; the gaps are framed in red.

    Parameters
    ----------
    matrix : pandas.DataFrame
        As returned by :func:`coverage_matrix`.
    ax : matplotlib.axes.Axes, optional
    title : str

    Returns
    -------
    matplotlib.axes.Axes
    """
    if ax is None:
        _fig, ax = plt.subplots(figsize=(9, 6.5))
    sns.heatmap(matrix, annot=True, fmt="d", cmap="Blues", cbar_kws={"label": "points de contact"},
                linewidths=1, linecolor="white", ax=ax, vmin=0)
    for i, stage in enumerate(matrix.index):
        for j, form in enumerate(matrix.columns):
            if matrix.loc[stage, form] == 0:
                ax.add_patch(plt.Rectangle((j + 0.04, i + 0.04), 0.92, 0.92, fill=False,
                                           edgecolor=style.HIGHLIGHT, linewidth=3))
    ax.tick_params(axis="x", rotation=0)
    ax.tick_params(axis="y", rotation=0)
    return style.titles(ax, title, "forme du point de contact", "étape du parcours")


def _plain(text: str) -> str:
    """Lower case without accents (``Cinéma`` → ``cinema``)."""
    nfkd = unicodedata.normalize("NFKD", str(text).lower())
    return "".join(ch for ch in nfkd if not unicodedata.combining(ch)).strip()


def target_reach_score(people: pd.DataFrame, touchpoints: pd.DataFrame, persona: str,
                       persona_column: str = "persona_simulee") -> pd.DataFrame:
    """Score how well each touchpoint reaches a target persona, from the persona's media habits.

    For a touchpoint whose ``media`` is, say, ``"cinema"``, the score is the share
    of the persona's people with ``expo_cinema`` True. A touchpoint whose medium
    has no ``expo_<media>`` column in ``people`` (the shop itself, the e-shop…)
    gets NaN: the habit is not measured.

    Parameters
    ----------
    people : pandas.DataFrame
        The ``personnes`` table; needs ``id_personne``, ``persona_column`` and
        ``expo_*`` boolean columns.
    touchpoints : pandas.DataFrame
        The ``points_de_contact`` table; needs ``point_de_contact`` and ``media``.
    persona : str
        The target, by segment name (``"Nouveau"``) or first name (``"Diego"``).
    persona_column : str
        Column of ``people`` holding the persona.

    Returns
    -------
    pandas.DataFrame
        ``point_de_contact``, ``media``, ``part_cible_exposee`` (share of the
        target exposed to the medium, 0–1), ``part_ensemble_exposee`` (same for
        everybody), ``affinite`` (ratio of the two: above 1, the medium reaches
        the target better than average). Sorted by score (best first, ties by
        name), unmeasured media last.

    Raises
    ------
    ValueError
        Missing column, or no person has this persona (the message lists the
        personas present).
    """
    require_columns(people, ["id_personne", persona_column], "les personnes")
    require_columns(touchpoints, ["point_de_contact", "media"], "l'inventaire des points de contact")
    names = {v: k for k, v in PERSONAS.items()}
    target = names.get(persona, persona)
    is_target = people[persona_column].astype(object) == target
    if not is_target.any():
        present = sorted(people[persona_column].dropna().astype(str).unique())
        raise ValueError(f"Aucune personne avec la persona « {persona} » dans la colonne "
                         f"« {persona_column} ». Personas présentes : "
                         + (", ".join(f"« {p} »" for p in present) or "(aucune)") + ".")
    expo = {_plain(c.removeprefix("expo_")): c for c in people.columns if c.startswith("expo_")}
    rows = []
    for tp, media in zip(touchpoints["point_de_contact"], touchpoints["media"], strict=True):
        col = expo.get(_plain(media)) if pd.notna(media) else None
        if col is None:
            rows.append((tp, media, np.nan, np.nan))
            continue
        exposed = people[col].astype(bool)
        rows.append((tp, media, exposed[is_target].mean(), exposed.mean()))
    out = pd.DataFrame(rows, columns=["point_de_contact", "media", "part_cible_exposee",
                                      "part_ensemble_exposee"])
    out["affinite"] = out["part_cible_exposee"] / out["part_ensemble_exposee"].replace(0, np.nan)
    out[["part_cible_exposee", "part_ensemble_exposee", "affinite"]] = out[
        ["part_cible_exposee", "part_ensemble_exposee", "affinite"]].astype(float).round(3)
    out = out.sort_values(["part_cible_exposee", "point_de_contact"], ascending=[False, True],
                          na_position="last")
    return out.reset_index(drop=True)


def media_habits(people: pd.DataFrame, persona_column: str = "persona_simulee",
                 everybody: str = "ensemble") -> pd.DataFrame:
    """Share of each persona exposed to each medium (the ``expo_*`` columns of ``personnes``).

    Parameters
    ----------
    people : pandas.DataFrame
        The ``personnes`` table; needs ``persona_column`` and at least one
        boolean ``expo_<media>`` column.
    persona_column : str
        Column holding the persona; people without one only count in the
        ``everybody`` row.
    everybody : str
        Label of the last row, computed on all people.

    Returns
    -------
    pandas.DataFrame
        Index: the personas in the order of :data:`PERSONAS` (then any other,
        alphabetically), then ``everybody``; columns: the media (``expo_``
        prefix removed), in the order of the table; values: shares 0–1,
        rounded to 3 decimals.

    Raises
    ------
    ValueError
        Missing column, or no ``expo_*`` column.
    """
    require_columns(people, [persona_column], "les personnes")
    cols = [c for c in people.columns if c.startswith("expo_")]
    if not cols:
        raise ValueError("Aucune colonne d'exposition aux médias (« expo_… ») dans les personnes.")
    expo = people[cols].astype(bool).rename(columns=lambda c: c.removeprefix("expo_"))
    persona = people[persona_column].astype(object)
    by = expo.groupby(persona).mean()
    order = [p for p in PERSONAS if p in by.index] + sorted(p for p in by.index if p not in PERSONAS)
    out = pd.concat([by.loc[order], expo.mean().rename(everybody).to_frame().T])
    out.index.name = "persona"
    out.columns.name = "media"
    return out.astype(float).round(3)


def awareness_vs_sales(events: pd.DataFrame, ignore: Iterable[str] = ()) -> pd.DataFrame:
    """Compare who each touchpoint reaches with how often it is the last touch before an order.

    An order is an ``achat`` event with an ``id_commande`` (see
    :func:`parcours_helpers.journeys.timeline.is_order`). Its *last touch* is the
    same person's latest event strictly before it that belongs to no order
    (no ``id_commande``: deliveries and returns of earlier orders do not count).
    Two touches at the same instant: the one whose name comes last alphabetically
    is kept, so the result never depends on row order. Orders with no touch
    before them are counted in a row ``(aucun contact avant)``, so that the last
    touch shares add up to 1.

    Parameters
    ----------
    events : pandas.DataFrame
        The ``evenements`` table; needs ``id_personne``, ``horodatage``,
        ``point_de_contact``, ``etape`` and ``id_commande``.
    ignore : iterable of str
        Touchpoints never taken as a last touch, typically the places where
        one pays (``"e-shop"``, ``"boutique"``): browsing the e-shop just before
        ordering there says little about what convinced the person. They still
        count in the people reached.

    Returns
    -------
    pandas.DataFrame
        ``point_de_contact``, ``nb_personnes_touchees``,
        ``part_personnes_touchees`` (share of all people with an event),
        ``nb_derniers_contacts``, ``part_derniers_contacts`` (share of orders),
        ``ecart`` (last-touch share minus people share: negative means the
        touchpoint makes itself known more than it sells). Sorted by people
        share (largest first), then name.

    Raises
    ------
    ValueError
        Missing column.
    """
    require_columns(events, ["id_personne", "horodatage", "point_de_contact", "etape",
                             "id_commande"], "les événements")
    ev = events.assign(point_de_contact=events["point_de_contact"].astype(str))
    n_people = ev["id_personne"].nunique()
    reached = ev.groupby("point_de_contact")["id_personne"].nunique().rename("nb_personnes_touchees")

    orders = ev.loc[is_order(ev), ["id_personne", "horodatage"]].sort_values("horodatage")
    skip = ev["point_de_contact"].isin([str(i) for i in ignore])
    touches = ev.loc[ev["id_commande"].isna() & ~skip,
                     ["id_personne", "horodatage", "point_de_contact"]]
    touches = touches.sort_values(["horodatage", "point_de_contact"], kind="stable")
    last = pd.merge_asof(orders, touches, on="horodatage", by="id_personne",
                         allow_exact_matches=False, direction="backward")
    last_counts = last["point_de_contact"].fillna(NO_TOUCH).value_counts().rename(
        "nb_derniers_contacts")

    out = pd.concat([reached, last_counts], axis=1).fillna(0).astype(int)
    out.index.name = "point_de_contact"
    out = out.reset_index()
    out["part_personnes_touchees"] = out["nb_personnes_touchees"] / n_people if n_people else np.nan
    out["part_derniers_contacts"] = out["nb_derniers_contacts"] / len(orders) if len(orders) else np.nan
    out.loc[out["point_de_contact"] == NO_TOUCH, "part_personnes_touchees"] = np.nan
    out["ecart"] = out["part_derniers_contacts"] - out["part_personnes_touchees"]
    for c in ["part_personnes_touchees", "part_derniers_contacts", "ecart"]:
        out[c] = out[c].astype(float).round(3)
    out = out.sort_values(["part_personnes_touchees", "point_de_contact"], ascending=[False, True],
                          na_position="last")
    cols = ["point_de_contact", "nb_personnes_touchees", "part_personnes_touchees",
            "nb_derniers_contacts", "part_derniers_contacts", "ecart"]
    return out[cols].reset_index(drop=True)


def plot_awareness_vs_sales(table: pd.DataFrame, highlight: str | None = "Facebook", ax=None):
    """Draw, per touchpoint, the share of people reached next to the share of last touches.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`awareness_vs_sales`.
    highlight : str, optional
        A touchpoint whose name is written in bold red.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    require_columns(table, ["point_de_contact", "part_personnes_touchees", "part_derniers_contacts"],
                    "le tableau notoriété / ventes")
    data = table.iloc[::-1]
    if ax is None:
        _fig, ax = plt.subplots(figsize=(11, max(4, 0.45 * len(data) + 1.5)))
    y = np.arange(len(data))
    ax.barh(y + 0.2, data["part_personnes_touchees"].fillna(0), height=0.4, color=style.GREY,
            label="part des personnes touchées")
    ax.barh(y - 0.2, data["part_derniers_contacts"].fillna(0), height=0.4, color=style.HIGHLIGHT,
            label="part des commandes (dernier contact)")
    ax.set_yticks(y, data["point_de_contact"])
    for label in ax.get_yticklabels():
        if label.get_text() == highlight:
            label.set_color(style.HIGHLIGHT)
            label.set_fontweight("bold")
    style.format_axis(ax, "x", "%")
    ax.legend(loc="lower right")
    return style.titles(ax, "Se faire connaître ou faire vendre ?", "part (%)", "point de contact")


#: Touchpoints behind each answer to the survey's « how did you hear of us? » (``source_info``).
SURVEY_SOURCES = {
    "blog": ["blog"],
    "moteur de recherche": ["recherche web"],
    "réseaux sociaux": ["Facebook", "Instagram"],
    "proches": ["avis d'un proche", "parrainage"],
    "boutique": ["boutique"],
    "presse": ["article de presse"],
}


def declared_vs_observed(survey: pd.DataFrame, events: pd.DataFrame,
                         sources: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """Compare how respondents say they heard of the shop with the events actually recorded.

    Asking clients is useful, but a memory is not a measurement: this table
    shows, for each declared source, how often the person's first recorded
    contact really came from it, and how often it never appears at all.

    Parameters
    ----------
    survey : pandas.DataFrame
        The ``enquete`` table; needs ``id_personne`` and ``source_info``.
    events : pandas.DataFrame
        The ``evenements`` table; needs ``id_personne``, ``horodatage`` and
        ``point_de_contact``.
    sources : dict, optional
        Declared source → touchpoints it stands for; default :data:`SURVEY_SOURCES`.

    Returns
    -------
    pandas.DataFrame
        One row per declared source met in the survey (respondents without any
        event or source are left out): ``source_declaree``, ``nb_repondants``,
        ``part_premier_contact`` (share whose first recorded contact is one of
        the source's touchpoints), ``part_jamais_rencontre`` (share who never
        met any of them), ``premier_contact_le_plus_frequent`` (the most common
        first contact; ties by name). Sorted by respondents (most first), then
        name.

    Raises
    ------
    ValueError
        Missing column, or a declared source absent from ``sources`` (the
        message lists the known ones).
    """
    require_columns(survey, ["id_personne", "source_info"], "l'enquête")
    require_columns(events, ["id_personne", "horodatage", "point_de_contact"], "les événements")
    sources = SURVEY_SOURCES if sources is None else sources
    answers = survey[["id_personne", "source_info"]].dropna().astype(str)
    _check_values(answers, "source_info", list(sources), "l'enquête")
    ev = events[["id_personne", "horodatage", "point_de_contact"]].assign(
        point_de_contact=events["point_de_contact"].astype(str))
    ev = ev.sort_values(["horodatage", "point_de_contact"], kind="stable")
    first = ev.groupby("id_personne")["point_de_contact"].first()
    met = ev.groupby("id_personne")["point_de_contact"].agg(set)
    answers = answers[answers["id_personne"].isin(first.index)]
    rows = []
    for source, group in answers.groupby("source_info"):
        tps = set(sources[source])
        firsts = group["id_personne"].map(first)
        never = group["id_personne"].map(lambda pid, tps=tps: not (met[pid] & tps))
        counts = firsts.value_counts()
        top = sorted(counts[counts == counts.max()].index)[0]
        rows.append((source, len(group), firsts.isin(tps).mean(), never.mean(), top))
    out = pd.DataFrame(rows, columns=["source_declaree", "nb_repondants", "part_premier_contact",
                                      "part_jamais_rencontre", "premier_contact_le_plus_frequent"])
    out[["part_premier_contact", "part_jamais_rencontre"]] = out[
        ["part_premier_contact", "part_jamais_rencontre"]].astype(float).round(3)
    out = out.sort_values(["nb_repondants", "source_declaree"], ascending=[False, True])
    return out.reset_index(drop=True)


def access_audit_grid() -> pd.DataFrame:
    """Return an empty audit grid of a shop's physical access, to fill in.

    Returns
    -------
    pandas.DataFrame
        One row per question: ``theme``, ``question`` (in French), ``reponse``
        (empty text: what you observed) and ``note`` (NaN: 0 = non, 1 = en
        partie, 2 = oui, see :data:`AUDIT_SCALE`).

    Examples
    --------
    >>> grid = access_audit_grid()
    >>> grid.loc[grid["theme"] == "stationnement", "note"] = 2
    """
    grid = pd.DataFrame(_AUDIT_QUESTIONS, columns=["theme", "question"])
    grid["reponse"] = ""
    grid["note"] = np.nan
    return grid


def score_access_audit(grid: pd.DataFrame) -> pd.DataFrame:
    """Score a filled access audit grid.

    Parameters
    ----------
    grid : pandas.DataFrame
        A grid from :func:`access_audit_grid` with every ``note`` set to 0, 1 or 2
        (needs ``theme`` and ``note``).

    Returns
    -------
    pandas.DataFrame
        One row per theme, then a ``total`` row: ``theme``, ``note``, ``note_max``
        and ``part`` (note / note_max, 0–1), plus ``a_travailler`` (True when the
        note is below the maximum).

    Raises
    ------
    ValueError
        Missing column, a question without a note (the message names its theme),
        or a note outside 0, 1, 2.
    """
    require_columns(grid, ["theme", "note"], "la grille d'audit")
    notes = pd.to_numeric(grid["note"], errors="coerce")
    empty = grid.loc[notes.isna(), "theme"].astype(str).tolist()
    if empty:
        raise ValueError("Question(s) sans note dans la grille d'audit : "
                         + ", ".join(f"« {t} »" for t in empty)
                         + ". Notez chaque question 0 (non), 1 (en partie) ou 2 (oui).")
    bad = grid.loc[~notes.isin(list(AUDIT_SCALE)), "theme"].astype(str).tolist()
    if bad:
        raise ValueError("Note hors barème dans la grille d'audit pour : "
                         + ", ".join(f"« {t} »" for t in bad)
                         + ". Notes possibles : 0 (non), 1 (en partie), 2 (oui).")
    top = max(AUDIT_SCALE)
    out = pd.DataFrame({"theme": grid["theme"].astype(str), "note": notes.astype(int),
                        "note_max": top})
    total = pd.DataFrame({"theme": ["total"], "note": [out["note"].sum()],
                          "note_max": [top * len(out)]})
    out = pd.concat([out, total], ignore_index=True)
    out["part"] = (out["note"] / out["note_max"].replace(0, np.nan)).round(3)
    out["a_travailler"] = out["note"] < out["note_max"]
    return out
