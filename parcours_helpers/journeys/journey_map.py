"""A persona's journey map, built from the data and drawn as the lanes of a workshop canvas.

A journey map (carte de parcours) puts one persona's journey on a grid: the
stages as columns and, as lanes (rows), what the person does, where (the
touchpoint), in which form, how they feel (an emotion curve from -2 to +2), what
hurts (pain points) with the opportunity that answers each, and the moments of
truth. Tools such as Smaply or UXPressia, and the Nielsen Norman Group's model,
have people draw it by hand; here it is a tidy table, one row per step, built
from the events, the orders and the survey, so it changes when the data change.

Each step says how far the data back it (``niveau_de_preuve``):

* ``"mesuré dans les événements"``: the touchpoint is used at that stage by at
  least ``min_share`` of the persona's people in the ``evenements`` table;
* ``"supposé d'après l'enquête"``: the step comes from the survey's
  testimonials (at least ``min_survey_share`` of the persona's respondents
  mention it), not from events.

The emotion of a measured step follows written rules (:data:`STAGE_EMOTION`,
support contacts and returns, see :func:`build_journey_map`); the emotion of an
assumed step is the tone of the testimonial (:data:`SURVEY_THEMES`). Both are
judgements made explicit, to be discussed in a workshop, not measures of
feelings.

The moments of truth are the three moments of the marketing literature: the
*zero* moment (Google, 2011: the search before buying, here the main step of
``considération``), the *first* (Procter & Gamble, 2005: facing the product,
here the main step of ``achat``) and the *second* (using what was bought, here
the main step of ``livraison``, else of ``usage``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Patch

from .. import style
from ..datasets import PERSONAS, STAGES
from ..validation import require_columns
from .paths import STAGE_COLOURS

#: The columns of a journey-map table, in order.
JOURNEY_MAP_COLUMNS = ["persona", "ordre", "etape", "action", "point_de_contact", "forme",
                       "part_personnes", "emotion", "point_de_douleur", "opportunite",
                       "moment_de_verite", "niveau_de_preuve"]

MEASURED = "mesuré dans les événements"
ASSUMED = "supposé d'après l'enquête"
#: The two evidence levels, strongest first.
EVIDENCE_LEVELS = [MEASURED, ASSUMED]
#: The moments of truth, in the order of the journey.
MOMENTS = ["zéro", "premier", "second"]
#: The lanes of the drawing, top to bottom.
LANES = ["Actions", "Points de contact", "Forme", "Émotion", "Points de douleur",
         "Opportunités", "Moments de vérité"]

#: The customer service's two channels are one step: "asks the customer service".
SUPPORT = "service client (chat, e-mail)"
SUPPORT_CHANNELS = ("chat", "service client e-mail")
#: Touchpoints kept whenever they reach ``min_share``, even beyond ``max_per_stage``.
ALWAYS_KEEP = (SUPPORT, "parrainage")

#: What the person does at a touchpoint, by (stage, touchpoint).
ACTIONS = {
    ("besoin", "recherche web"): "cherche une idée de tenue sur le web",
    ("besoin", "avis d'un proche"): "demande conseil à un proche",
    ("découverte", "blog"): "lit un article du blog",
    ("découverte", "Facebook"): "voit passer un post Facebook",
    ("découverte", "Instagram"): "voit une photo sur Instagram",
    ("découverte", "affiche"): "remarque une affiche",
    ("découverte", "spot radio"): "entend le spot radio",
    ("découverte", "article de presse"): "lit un article de presse",
    ("découverte", "flyer"): "reçoit un flyer",
    ("découverte", "newsletter"): "lit une newsletter transférée",
    ("découverte", "parrainage"): "reçoit un lien de parrainage",
    ("découverte", "publicité cinéma"): "voit la publicité au cinéma",
    ("découverte", "recherche web"): "trouve la marque sur le web",
    ("considération", "blog"): "lit les guides du blog",
    ("considération", "e-shop"): "compare les pièces sur l'e-shop",
    ("considération", "newsletter"): "lit la newsletter",
    ("considération", "boutique"): "passe voir la boutique",
    ("considération", SUPPORT): "pose ses questions au service client",
    ("achat", "e-shop"): "commande sur l'e-shop",
    ("achat", "boutique"): "achète en boutique",
    ("achat", "click & collect"): "commande en click & collect",
    ("livraison", "livraison"): "reçoit son colis",
    ("livraison", "click & collect"): "retire sa commande en boutique",
    ("usage", "blog"): "lit comment porter ses pièces",
    ("usage", SUPPORT): "écrit au service client après l'achat",
    ("fidélisation", "newsletter"): "reçoit la newsletter",
    ("fidélisation", "Facebook"): "suit la marque sur Facebook",
    ("fidélisation", "Instagram"): "suit la marque sur Instagram",
    ("fidélisation", "parrainage"): "parraine un ami",
}

#: Purchase steps where most orders are collaborations say so.
COLLAB_SHARE = 0.5
COLLAB_ACTIONS = {"e-shop": "achète une collaboration en ligne",
                  "boutique": "achète une collaboration en boutique",
                  "click & collect": "réserve une collaboration en click & collect"}

#: Emotion of a measured step by stage, before the measured adjustments.
STAGE_EMOTION = {"besoin": 0, "découverte": 1, "considération": 0, "achat": 1,
                 "livraison": 1, "usage": 1, "fidélisation": 1}
#: Touchpoints whose step has its own emotion.
TOUCHPOINT_EMOTION = {"parrainage": 2}

#: A support contact answered later than this (median, minutes) hurts more.
SLOW_REPLY_MINUTES = 120
#: Above this share of orders returned, the delivery step hurts.
RETURN_RATE_PAIN = 0.15

#: The answer to each support motif (what the contacts ask about).
MOTIF_OPPORTUNITIES = {
    "taille": "guide des tailles avec mesures à plat",
    "paiement": "moyens de paiement affichés sur chaque fiche",
    "retours": "retours gratuits expliqués avant l'achat",
    "livraison": "suivi du colis par SMS",
    "conseil style": "rendez-vous conseil en boutique",
}
#: The answer to each reason for returning an order.
RETURN_OPPORTUNITIES = {
    "taille": "échange de taille gratuit en un clic",
    "ne plaît pas": "photos portées et avis clients",
    "défaut": "contrôle qualité avant envoi",
    "retard de livraison": "délai de livraison annoncé fiable",
}

#: Steps read in the survey's testimonials: a phrase to look for, and the step it tells.
SURVEY_THEMES = [
    {"cle": "toucher les tissus", "etape": "considération", "point_de_contact": "boutique",
     "forme": "physique", "action": "touche les matières en boutique", "emotion": 1},
    {"cle": "Un ami m'a parlé", "etape": "découverte", "point_de_contact": "avis d'un proche",
     "forme": "bouche-à-oreille", "action": "entend parler de la marque par un ami",
     "emotion": 1},
    {"cle": "Sans les explications du blog", "etape": "considération", "point_de_contact": "blog",
     "forme": "virtuel", "action": "ose commander grâce au blog", "emotion": 1},
    {"cle": "guide des tailles", "etape": "considération", "point_de_contact": "e-shop",
     "forme": "virtuel", "action": "hésite entre deux tailles", "emotion": -1,
     "point_de_douleur": "guide des tailles imprécis",
     "opportunite": MOTIF_OPPORTUNITIES["taille"]},
    {"cle": "dossiers thématiques", "etape": "considération", "point_de_contact": "blog",
     "forme": "virtuel", "action": "lit les dossiers thématiques", "emotion": 1},
    {"cle": "J'attends les collaborations", "etape": "achat", "point_de_contact": "e-shop",
     "forme": "virtuel", "action": "guette la prochaine collaboration", "emotion": 1},
    {"cle": "séries soient si courtes", "etape": "achat", "point_de_contact": "e-shop",
     "forme": "virtuel", "action": "rate une série limitée", "emotion": -1,
     "point_de_douleur": "séries des collaborations trop courtes",
     "opportunite": "liste d'attente avant chaque collaboration"},
    {"cle": "accueil en boutique", "etape": "achat", "point_de_contact": "boutique",
     "forme": "physique", "action": "se fait conseiller en boutique", "emotion": 2},
    {"cle": "Le site est clair", "etape": "achat", "point_de_contact": "e-shop",
     "forme": "virtuel", "action": "retrouve ses tailles sur le site", "emotion": 1},
    {"cle": "taille ne tombait pas juste", "etape": "livraison", "point_de_contact": "livraison",
     "forme": "physique", "action": "renvoie une pièce mal taillée", "emotion": -2,
     "point_de_douleur": "la taille ne tombe pas juste",
     "opportunite": RETURN_OPPORTUNITIES["taille"]},
    {"cle": "arrivée vite", "etape": "livraison", "point_de_contact": "livraison",
     "forme": "physique", "action": "reçoit un colis soigné", "emotion": 2},
    {"cle": "retrait en boutique", "etape": "livraison", "point_de_contact": "click & collect",
     "forme": "physique", "action": "retire sa commande après le travail", "emotion": 1},
    {"cle": "service client met trop de temps", "etape": "usage", "point_de_contact": SUPPORT,
     "forme": "virtuel", "action": "attend une réponse du service client", "emotion": -2,
     "point_de_douleur": "réponses lentes du service client",
     "opportunite": "réponse en moins d'une heure"},
    {"cle": "recommandé la marque", "etape": "fidélisation", "point_de_contact": "avis d'un proche",
     "forme": "bouche-à-oreille", "action": "recommande la marque à ses amis", "emotion": 2},
    {"cle": "Je commande souvent", "etape": "fidélisation", "point_de_contact": "e-shop",
     "forme": "virtuel", "action": "recommande en quelques clics", "emotion": 2},
]

_EVENTS = "les événements"


# ---------------------------------------------------------------------------
# Building the table
# ---------------------------------------------------------------------------

def _percent(x: float) -> str:
    return style.french_number(100 * x, 0, "%")


def _persona_ids(people: pd.DataFrame, persona: str) -> tuple[str, set]:
    """First name of ``persona`` (a first name or a segment) and the ids of its people."""
    require_columns(people, ["id_personne", "persona_simulee"], "les personnes")
    by_name = {v: k for k, v in PERSONAS.items()}
    if persona in PERSONAS:
        segment, name = persona, PERSONAS[persona]
    elif persona in by_name:
        segment, name = by_name[persona], persona
    else:
        known = ", ".join(f"« {n} »" for n in [*PERSONAS.values(), *PERSONAS])
        raise ValueError(f"Persona inconnu : « {persona} ». Personas possibles : {known}.")
    ids = set(people.loc[people["persona_simulee"].astype(object) == segment, "id_personne"])
    return name, ids


def _measured_steps(events: pd.DataFrame, min_share: float, max_per_stage: int) -> pd.DataFrame:
    """The touchpoints used at each stage by at least ``min_share`` of the people."""
    e = events.assign(point_de_contact=events["point_de_contact"].astype(object).where(
        ~events["point_de_contact"].astype(object).isin(SUPPORT_CHANNELS), SUPPORT),
        etape=events["etape"].astype(object))
    n_people = e["id_personne"].nunique()
    if n_people == 0:
        return pd.DataFrame(columns=["etape", "point_de_contact", "forme", "part_personnes"])
    steps = e.groupby(["etape", "point_de_contact"]).agg(
        n=("id_personne", "nunique"),
        forme=("forme", lambda s: s.astype(object).mode().sort_values().iloc[0]),
    ).reset_index()
    steps["part_personnes"] = steps["n"] / n_people
    steps = steps.loc[steps["part_personnes"] >= min_share]
    steps = steps.assign(_rang_etape=steps["etape"].map({s: i for i, s in enumerate(STAGES)}),
                         _toujours=steps["point_de_contact"].isin(ALWAYS_KEEP))
    steps = steps.sort_values(["_rang_etape", "_toujours", "part_personnes", "point_de_contact"],
                              ascending=[True, True, False, True], kind="stable")
    rank = steps.loc[~steps["_toujours"]].groupby("etape").cumcount()
    keep = steps["_toujours"] | (rank.reindex(steps.index).fillna(0) < max_per_stage)
    return steps.loc[keep, ["etape", "point_de_contact", "forme", "part_personnes"]]


def _support_signals(events: pd.DataFrame, stage: str) -> dict:
    """Main motif, its share and the median reply time of the support contacts at ``stage``."""
    s = events.loc[(events["etape"].astype(object) == stage) & events["motif"].notna()
                   & events["point_de_contact"].astype(object).isin(SUPPORT_CHANNELS)]
    if len(s) == 0:
        return {}
    counts = s["motif"].astype(str).value_counts().sort_index()
    counts = counts.sort_values(ascending=False, kind="stable")
    # The slowest channel that carries at least a quarter of the contacts.
    by_channel = s.groupby(s["point_de_contact"].astype(str))["delai_reponse_min"].agg(
        ["median", "size"])
    by_channel = by_channel.loc[by_channel["size"] >= 0.25 * len(s)].sort_values(
        "median", ascending=False, kind="stable")
    slowest = by_channel.index[0] if len(by_channel) else None
    return {"motif": counts.index[0], "part": counts.iloc[0] / counts.sum(),
            "canal_lent": slowest,
            "delai": float(by_channel["median"].iloc[0]) if slowest else float("nan")}


def _return_signals(orders: pd.DataFrame) -> dict:
    """Share of orders returned and the main reason."""
    if len(orders) == 0 or "retour" not in orders.columns:
        return {}
    returned = orders.loc[orders["retour"].astype(bool)]
    if len(returned) == 0:
        return {"taux": 0.0, "motif": None}
    counts = returned["motif_retour"].astype(str).value_counts().sort_index()
    counts = counts.sort_values(ascending=False, kind="stable")
    return {"taux": len(returned) / len(orders), "motif": counts.index[0]}


def _collaboration_channels(orders: pd.DataFrame) -> set:
    """Order channels where most of the orders are collaborations (limited editions)."""
    if len(orders) == 0 or not {"collaboration", "canal"} <= set(orders.columns):
        return set()
    share = orders["collaboration"].astype(bool).groupby(orders["canal"].astype(str)).mean()
    return set(share.index[share >= COLLAB_SHARE])


def _measured_emotion_and_pain(step, support: dict, returns: dict) -> tuple[int, str, str]:
    """Emotion, pain point and opportunity of one measured step (the written rules)."""
    stage, touchpoint = step.etape, step.point_de_contact
    emotion = TOUCHPOINT_EMOTION.get(touchpoint, STAGE_EMOTION.get(stage, 0))
    pain, opportunity = "", ""
    if touchpoint == SUPPORT and support:
        emotion = -1
        pain = f"demandes surtout sur : {support['motif']} ({_percent(support['part'])})"
        opportunity = MOTIF_OPPORTUNITIES.get(support["motif"], "")
        if support["delai"] > SLOW_REPLY_MINUTES:
            emotion = -2
            hours = style.french_number(support["delai"] / 60, 0, "h")
            channel = "par e-mail" if support["canal_lent"] == "service client e-mail" else (
                f"par {support['canal_lent']}")
            pain += f" ; réponse {channel} en {hours} (médiane)"
            opportunity = "; ".join(filter(None, [opportunity, "réponse en moins d'une heure"]))
    elif stage == "livraison" and touchpoint == "livraison" and returns.get("taux", 0) >= (
            RETURN_RATE_PAIN):
        emotion = -1
        pain = f"{_percent(returns['taux'])} des commandes renvoyées (surtout : {returns['motif']})"
        opportunity = RETURN_OPPORTUNITIES.get(returns["motif"], "")
    return emotion, pain, opportunity


def _survey_steps(survey: pd.DataFrame, ids: set, min_survey_share: float) -> pd.DataFrame:
    """The themes mentioned by at least ``min_survey_share`` of the persona's respondents."""
    answers = survey.loc[survey["id_personne"].isin(ids), "temoignage"].fillna("").astype(str)
    rows = []
    for theme in SURVEY_THEMES:
        share = answers.str.contains(theme["cle"], regex=False).mean() if len(answers) else 0.0
        if share >= min_survey_share:
            rows.append({**theme, "part_personnes": float(share)})
    cols = ["etape", "point_de_contact", "forme", "action", "emotion", "point_de_douleur",
            "opportunite", "part_personnes"]
    return pd.DataFrame(rows).reindex(columns=cols)


def build_journey_map(events: pd.DataFrame, orders: pd.DataFrame, people: pd.DataFrame,
                      survey: pd.DataFrame, persona: str, min_share: float = 0.25,
                      max_per_stage: int = 2, min_survey_share: float = 0.10) -> pd.DataFrame:
    """Build a persona's journey map: one row per step, from the events and the survey.

    Measured steps: at each stage, the touchpoints used by at least
    ``min_share`` of the persona's people (those with an event), the
    ``max_per_stage`` most used, plus the customer service (chat and e-mail as
    one step) and the referral whenever they reach ``min_share``. Their emotion
    starts from :data:`STAGE_EMOTION` (or :data:`TOUCHPOINT_EMOTION`); a
    customer-service step is -1 (a doubt), -2 when its median reply time
    passes :data:`SLOW_REPLY_MINUTES`, with the main motif as pain point and
    :data:`MOTIF_OPPORTUNITIES` as opportunity; the parcel step is -1 when the
    persona returns at least :data:`RETURN_RATE_PAIN` of the orders, with the
    main reason as pain point.

    Assumed steps: the :data:`SURVEY_THEMES` found in at least
    ``min_survey_share`` of the persona's testimonials, one per stage (the most
    mentioned). A theme at a stage and touchpoint already measured does not add
    a step; it gives its pain point and opportunity to the measured step if
    that has none.

    Moments of truth: zero at the first measured step of ``considération``,
    first at the first measured step of ``achat``, second at the first measured
    step of ``livraison`` (else ``usage``).

    Parameters
    ----------
    events : pandas.DataFrame
        Needs ``id_personne``, ``etape``, ``point_de_contact``, ``forme``,
        ``motif``, ``delai_reponse_min``.
    orders : pandas.DataFrame
        Needs ``id_personne``, ``retour``, ``motif_retour``; with ``canal`` and
        ``collaboration``, a purchase step where at least :data:`COLLAB_SHARE`
        of the orders are collaborations says so.
    people : pandas.DataFrame
        Needs ``id_personne``, ``persona_simulee``.
    survey : pandas.DataFrame
        Needs ``id_personne``, ``temoignage``.
    persona : str
        A first name (``"Diego"``, ``"Max"``, ``"Eric"``) or a segment
        (``"Nouveau"``…).
    min_share : float
        Share of the persona's people (0–1) a touchpoint needs at a stage.
    max_per_stage : int
        Measured steps per stage, besides the customer service and the referral.
    min_survey_share : float
        Share of the persona's respondents (0–1) a survey theme needs.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`JOURNEY_MAP_COLUMNS`: ``persona`` (first name),
        ``ordre`` (1, 2, …), ``etape``, ``action``, ``point_de_contact``,
        ``forme``, ``part_personnes`` (0–1: of the people for a measured step,
        of the respondents for an assumed one), ``emotion`` (int, -2…+2),
        ``point_de_douleur`` and ``opportunite`` ("" if none),
        ``moment_de_verite`` (``"zéro"``, ``"premier"``, ``"second"`` or ""),
        ``niveau_de_preuve``. Sorted by stage, then measured steps before the
        assumed one.

    Raises
    ------
    ValueError
        Unknown persona, a share outside 0–1, or a missing column.
    """
    require_columns(events, ["id_personne", "etape", "point_de_contact", "forme", "motif",
                             "delai_reponse_min"], _EVENTS)
    require_columns(orders, ["id_personne", "retour", "motif_retour"], "les commandes")
    require_columns(survey, ["id_personne", "temoignage"], "l'enquête")
    for label, value in (("min_share", min_share), ("min_survey_share", min_survey_share)):
        if not 0 <= value <= 1:
            raise ValueError(f"{label} est une part entre 0 et 1, pas {value}.")
    name, ids = _persona_ids(people, persona)
    mine = events.loc[events["id_personne"].isin(ids)]

    rows = []
    my_orders = orders.loc[orders["id_personne"].isin(ids)]
    returns = _return_signals(my_orders)
    collab = _collaboration_channels(my_orders)
    for step in _measured_steps(mine, min_share, max_per_stage).itertuples():
        emotion, pain, opportunity = _measured_emotion_and_pain(
            step, _support_signals(mine, step.etape) if step.point_de_contact == SUPPORT else {},
            returns)
        rows.append({"etape": step.etape, "point_de_contact": step.point_de_contact,
                     "forme": step.forme, "part_personnes": float(step.part_personnes),
                     "action": (COLLAB_ACTIONS[step.point_de_contact]
                                if step.etape == "achat" and step.point_de_contact in collab
                                else ACTIONS.get((step.etape, step.point_de_contact),
                                                 step.point_de_contact)),
                     "emotion": emotion, "point_de_douleur": pain, "opportunite": opportunity,
                     "niveau_de_preuve": MEASURED})
    measured = {(r["etape"], r["point_de_contact"]): r for r in rows}

    themes = _survey_steps(survey, ids, min_survey_share)
    assumed_stages = set()
    for theme in themes.sort_values("part_personnes", ascending=False, kind="stable").itertuples():
        key = (theme.etape, theme.point_de_contact)
        pain = theme.point_de_douleur if isinstance(theme.point_de_douleur, str) else ""
        opportunity = theme.opportunite if isinstance(theme.opportunite, str) else ""
        if key in measured:
            if pain and not measured[key]["point_de_douleur"]:
                measured[key]["point_de_douleur"] = f"{pain} (enquête)"
                measured[key]["opportunite"] = opportunity
            continue
        if theme.etape in assumed_stages:
            continue
        assumed_stages.add(theme.etape)
        rows.append({"etape": theme.etape, "point_de_contact": theme.point_de_contact,
                     "forme": theme.forme, "part_personnes": float(theme.part_personnes),
                     "action": theme.action, "emotion": int(theme.emotion),
                     "point_de_douleur": pain, "opportunite": opportunity,
                     "niveau_de_preuve": ASSUMED})

    table = pd.DataFrame(rows).reindex(columns=JOURNEY_MAP_COLUMNS)
    if len(table) == 0:
        return empty_journey_map()
    table["persona"] = name
    table["_rang"] = table["etape"].map({s: i for i, s in enumerate(STAGES)})
    table["_preuve"] = table["niveau_de_preuve"].map({MEASURED: 0, ASSUMED: 1})
    table = table.sort_values(["_rang", "_preuve"], kind="stable").drop(columns=["_rang",
                                                                                  "_preuve"])
    table = table.reset_index(drop=True)
    table["moment_de_verite"] = ""
    is_measured = table["niveau_de_preuve"] == MEASURED
    second_stage = "livraison" if ((table["etape"] == "livraison") & is_measured).any() else "usage"
    for moment, stage in zip(MOMENTS, ["considération", "achat", second_stage], strict=True):
        where = table.index[(table["etape"] == stage) & is_measured]
        if len(where):
            table.loc[where[0], "moment_de_verite"] = moment
    table["ordre"] = np.arange(1, len(table) + 1)
    table["emotion"] = table["emotion"].astype(int)
    return table[JOURNEY_MAP_COLUMNS]


def empty_journey_map() -> pd.DataFrame:
    """An empty journey-map table with the right columns, to fill by hand in a workshop.

    Returns
    -------
    pandas.DataFrame
        No row; the columns of :data:`JOURNEY_MAP_COLUMNS`.

    Examples
    --------
    >>> list(empty_journey_map().columns)[:4]
    ['persona', 'ordre', 'etape', 'action']
    """
    return pd.DataFrame({c: pd.Series(dtype=float if c == "part_personnes" else object)
                         for c in JOURNEY_MAP_COLUMNS})


def check_journey_map(table: pd.DataFrame) -> pd.DataFrame:
    """Validate a journey-map table (built here or filled by hand) and return it tidy.

    Parameters
    ----------
    table : pandas.DataFrame
        Needs ``etape``, ``action``, ``point_de_contact``, ``forme``,
        ``emotion``, ``niveau_de_preuve``; ``persona``, ``point_de_douleur``,
        ``opportunite`` and ``moment_de_verite`` are optional (empty if absent).

    Returns
    -------
    pandas.DataFrame
        The table with every column of :data:`JOURNEY_MAP_COLUMNS`, empty
        texts instead of missing values.

    Raises
    ------
    ValueError
        A missing column, an unknown stage, an emotion outside -2…+2, an
        unknown evidence level or moment of truth, or several personas.
    """
    require_columns(table, ["etape", "action", "point_de_contact", "forme", "emotion",
                            "niveau_de_preuve"], "la carte de parcours")
    t = table.reindex(columns=JOURNEY_MAP_COLUMNS).copy()
    for col in ["persona", "action", "point_de_contact", "forme", "point_de_douleur",
                "opportunite", "moment_de_verite"]:
        t[col] = t[col].astype(object).where(t[col].notna(), "").astype(str)
    bad = sorted(set(t["etape"].astype(str)) - set(STAGES))
    if bad:
        raise ValueError(f"Étape inconnue dans la carte de parcours : « {bad[0]} ». Étapes "
                         "possibles : " + ", ".join(f"« {s} »" for s in STAGES) + ".")
    emotion = pd.to_numeric(t["emotion"], errors="coerce")
    if len(t) and (emotion.isna() | ~emotion.between(-2, 2)).any():
        raise ValueError("L'émotion de chaque étape doit être un nombre entre -2 et +2 "
                         f"(valeurs trouvées : {sorted(map(str, t['emotion'].unique()))}).")
    t["emotion"] = emotion
    bad = sorted(set(t["niveau_de_preuve"].astype(str)) - set(EVIDENCE_LEVELS))
    if bad:
        raise ValueError(f"Niveau de preuve inconnu : « {bad[0]} ». Niveaux possibles : "
                         + ", ".join(f"« {v} »" for v in EVIDENCE_LEVELS) + ".")
    bad = sorted(set(t["moment_de_verite"]) - {"", *MOMENTS})
    if bad:
        raise ValueError(f"Moment de vérité inconnu : « {bad[0]} ». Moments possibles : "
                         + ", ".join(f"« {m} »" for m in MOMENTS) + " (ou vide).")
    names = sorted(set(t["persona"]) - {""})
    if len(names) > 1:
        raise ValueError("La carte de parcours mélange plusieurs personas ("
                         + ", ".join(names) + ") : filtrez d'abord sur un seul persona.")
    rank = {s: i for i, s in enumerate(STAGES)}
    if t["ordre"].isna().any():
        t["ordre"] = np.arange(1, len(t) + 1)
    t = t.assign(_rang=t["etape"].map(rank)).sort_values(["_rang", "ordre"], kind="stable")
    return t.drop(columns="_rang").reset_index(drop=True)


# ---------------------------------------------------------------------------
# Drawing
# ---------------------------------------------------------------------------

#: Relative height of each lane, per step stacked in it (cards) or fixed.
_LANE_HEIGHT = {"Actions": 0.95, "Points de contact": 0.62, "Forme": 0.45, "Émotion": None,
                "Points de douleur": 1.05, "Opportunités": 1.05, "Moments de vérité": 0.7}
#: Room of the empty canvas, in cards per lane.
CANVAS_SLOTS = {"Actions": 3, "Points de contact": 2, "Forme": 1, "Points de douleur": 2,
                "Opportunités": 2}
_HEADER = 0.7
_EMOTION_HEIGHT = 2.6
_WRAP = 22  # characters per line in a card


def _lane_layout(lanes: Sequence[str], slots: dict) -> dict:
    """Bottom and top of each lane (y grows downwards from 0 at the header's bottom)."""
    layout, y = {}, 0.0
    for lane in lanes:
        if lane == "Émotion":
            h = _EMOTION_HEIGHT
        elif lane == "Moments de vérité":
            h = _LANE_HEIGHT[lane]
        else:
            h = _LANE_HEIGHT.get(lane, 0.9) * max(1, slots.get(lane, 1))
        layout[lane] = (y, y + h)
        y += h
    return layout


def plot_journey_map_canvas(stages: Sequence[str] = tuple(STAGES),
                            lanes: Sequence[str] = tuple(LANES), ax=None,
                            title: str | None = None, slots: dict | None = None):
    """Draw the empty journey-map grid: stages as columns, lanes as rows.

    Printed in A3 landscape, it is the paper canvas of a workshop; it is also
    the background :func:`plot_journey_map` fills.

    Parameters
    ----------
    stages : sequence of str
        Column headers, left to right (any text: a workshop may use its own).
    lanes : sequence of str
        Row labels, top to bottom; ``"Émotion"`` gets a -2…+2 scale.
    ax : matplotlib.axes.Axes, optional
    title : str, optional
    slots : dict, optional
        Number of cards stacked in each lane (1 if absent); sets the lane
        heights. Default :data:`CANVAS_SLOTS`, room for sticky notes.

    Returns
    -------
    matplotlib.axes.Axes
        x runs from 0 to ``len(stages)`` (one unit per stage); y runs downwards
        from the header. The lane bounds are stored in ``ax.lanes``
        ({lane: (top, bottom)}).

    Raises
    ------
    ValueError
        No stage or no lane.
    """
    stages, lanes = list(stages), list(lanes)
    if not stages or not lanes:
        raise ValueError("Il faut au moins une étape (colonne) et une ligne (lane) à dessiner.")
    layout = _lane_layout(lanes, CANVAS_SLOTS if slots is None else slots)
    bottom = max(b for _t, b in layout.values())
    if ax is None:
        _fig, ax = plt.subplots(figsize=(2.3 * len(stages) + 2.6, 0.95 * (bottom + _HEADER) + 1.2))
    ax.set_xlim(-1.05, len(stages) + 0.02)
    ax.set_ylim(bottom + 0.05, -_HEADER - 0.05)
    ax.axis("off")
    for i, stage in enumerate(stages):
        colour = STAGE_COLOURS.get(stage, style.GREY)
        ax.add_patch(FancyBboxPatch((i + 0.03, -_HEADER + 0.06), 0.94, _HEADER - 0.12,
                                    boxstyle="round,pad=0,rounding_size=0.08",
                                    facecolor=colour, edgecolor="none"))
        ax.text(i + 0.5, -_HEADER / 2, stage, ha="center", va="center", color="white",
                fontsize=14, fontweight="bold")
    for k, lane in enumerate(lanes):
        top, low = layout[lane]
        if k % 2 == 0:
            ax.add_patch(plt.Rectangle((-1.05, top), len(stages) + 1.07, low - top,
                                       facecolor="#f3f4f6", edgecolor="none", zorder=0))
        ax.text(-0.97, (top + low) / 2, lane.replace(" de ", "\nde "), ha="left", va="center",
                fontsize=13, fontweight="bold", color="#333333")
        ax.axhline(low, color="#c8ccd0", linewidth=0.8, zorder=1)
    for i in range(len(stages) + 1):
        ax.axvline(i, color="#c8ccd0", linewidth=0.8, zorder=1)
    if "Émotion" in layout:
        top, low = layout["Émotion"]
        for level in range(-2, 3):
            y = _emotion_y(level, top, low)
            ax.plot([0, len(stages)], [y, y], color="#d0d4d8", linewidth=0.8,
                    linestyle="-" if level == 0 else ":", zorder=1)
            ax.text(-0.06, y, f"{level:+d}".replace("+0", "0").replace("-", "−"), ha="right",
                    va="center", fontsize=11, color="#555555")
    ax.set_title(title or "Carte de parcours", loc="left", fontsize=18, pad=10)
    ax.lanes = layout
    return ax


def _emotion_y(level: float, top: float, low: float) -> float:
    pad = 0.18 * (low - top)
    return low - pad - (level + 2) / 4 * (low - top - 2 * pad)


def _card(ax, x, y, w, h, text, measured: bool, facecolor: str, fontsize: float = 11,
          weight: str = "normal", textcolor: str = "#111111"):
    """One card of a lane: solid when measured, hatched and dashed when assumed."""
    ax.add_patch(FancyBboxPatch(
        (x, y), w, h, boxstyle="round,pad=0,rounding_size=0.04", facecolor=facecolor,
        edgecolor="#555555" if measured else "#777777", linewidth=1.2 if measured else 1.4,
        linestyle="-" if measured else (0, (4, 3)), hatch=None if measured else "///",
        alpha=1.0, zorder=3))
    if text:
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=fontsize,
                fontweight=weight, color=textcolor, zorder=5,
                bbox=None if measured else {"boxstyle": "round,pad=0.12", "facecolor": "white",
                                            "edgecolor": "none", "alpha": 0.85})


def _wrap(text: str, width: int = _WRAP) -> str:
    return textwrap.fill(str(text), width=width, break_long_words=False)


def plot_journey_map(table: pd.DataFrame, ax=None, title: str | None = None,
                     stages: Sequence[str] | None = None):
    """Draw a persona's journey map from its table: stages as columns, lanes as rows.

    Lanes, top to bottom: the actions (one card per step, numbered within its
    stage), the touchpoints with the share of people, the form (coloured as
    everywhere in the course), the emotion curve (-2…+2, one numbered point
    per step), the pain points and, below each, the opportunity that answers
    it, and the moments of truth (zero, first, second). A step measured in the
    events is drawn solid; a step assumed from the survey is hatched with a
    dashed border (and a hollow, hatched point on the emotion curve). An empty
    table draws the empty canvas (:func:`plot_journey_map_canvas`).

    Parameters
    ----------
    table : pandas.DataFrame
        A journey-map table (see :func:`check_journey_map`), one persona.
    ax : matplotlib.axes.Axes, optional
    title : str, optional
        Default « Carte de parcours de <persona> ».
    stages : sequence of str, optional
        Columns to draw; default every stage of ``datasets.STAGES``.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        See :func:`check_journey_map`.
    """
    t = check_journey_map(table)
    stages = list(stages) if stages is not None else list(STAGES)
    t = t.loc[t["etape"].isin(stages)].reset_index(drop=True)
    persona = next((p for p in t["persona"] if p), "")
    t["colx"] = t["etape"].map({s: i for i, s in enumerate(stages)})
    t["kx"] = t.groupby("colx").cumcount()
    t["nx"] = t.groupby("colx")["colx"].transform("size")
    has_pain = t["point_de_douleur"] != ""
    pains = t.loc[has_pain].groupby("colx").size()
    n_cards = int(t["nx"].max()) if len(t) else 1
    slots = {"Actions": n_cards, "Points de contact": n_cards, "Forme": n_cards,
             "Points de douleur": int(pains.max()) if len(pains) else 1,
             "Opportunités": int(pains.max()) if len(pains) else 1}
    if title is None:
        title = f"Carte de parcours de {persona}" if persona else "Carte de parcours"
    ax = plot_journey_map_canvas(stages, LANES, ax=ax, title=title,
                                 slots=slots if len(t) else None)
    if len(t) == 0:
        return ax
    lanes = ax.lanes
    forms = style.palette("forme")
    gap = 0.05

    def slot(lane, k, n_slots):
        top, low = lanes[lane]
        h = (low - top) / n_slots
        return top + k * h + gap, h - 2 * gap

    for row in t.itertuples():
        measured = row.niveau_de_preuve == MEASURED
        col, k = row.colx, row.kx
        light = _lighten(STAGE_COLOURS.get(row.etape, style.GREY))
        y, h = slot("Actions", k, n_cards)
        _card(ax, col + 0.05, y, 0.9, h, _wrap(f"{k + 1}. {row.action}"), measured, light)
        y, h = slot("Points de contact", k, n_cards)
        share = "" if pd.isna(row.part_personnes) else f" · {_percent(row.part_personnes)}"
        _card(ax, col + 0.05, y, 0.9, h, _wrap(f"{row.point_de_contact}{share}", 24), measured,
              "white", fontsize=10.5)
        y, h = slot("Forme", k, n_cards)
        colour = forms.get(row.forme, style.GREY)
        _card(ax, col + 0.05, y, 0.9, h, row.forme, measured, colour, fontsize=10.5,
              weight="bold", textcolor="white" if measured else "#111111")

    # The emotion curve: one point per step, spread within its stage.
    top, low = lanes["Émotion"]
    t["xx"] = t["colx"] + (t["kx"] + 0.5) / t["nx"]
    t["yx"] = [_emotion_y(e, top, low) for e in t["emotion"]]
    pts = t.sort_values(["colx", "kx"])
    for a, b in zip(pts.iloc[:-1].itertuples(), pts.iloc[1:].itertuples(), strict=True):
        both = a.niveau_de_preuve == MEASURED and b.niveau_de_preuve == MEASURED
        ax.plot([a.xx, b.xx], [a.yx, b.yx], color="#333333", linewidth=2.2,
                linestyle="-" if both else (0, (4, 3)), zorder=3)
    for row in pts.itertuples():
        measured = row.niveau_de_preuve == MEASURED
        colour = _emotion_colour(row.emotion)
        ax.scatter([row.xx], [row.yx], s=430, zorder=4, linewidths=1.8,
                   facecolors=colour if measured else "white", edgecolors=colour,
                   hatch=None if measured else "////")
        ax.text(row.xx, row.yx, str(row.kx + 1), ha="center", va="center", fontsize=10,
                fontweight="bold", color="white" if measured else "#111111", zorder=5,
                bbox=None if measured else {"boxstyle": "circle,pad=0.1", "facecolor": "white",
                                            "edgecolor": "none"})

    # Pain points and the opportunity that answers each.
    n_pain = slots["Points de douleur"]
    for _col, group in t.loc[has_pain].groupby("colx"):
        for j, row in enumerate(group.itertuples()):
            measured = row.niveau_de_preuve == MEASURED
            y, h = slot("Points de douleur", j, n_pain)
            _card(ax, row.colx + 0.05, y, 0.9, h, _wrap(f"{row.kx + 1}. {row.point_de_douleur}"),
                  measured, "#fde2e1", fontsize=10)
            y2, h2 = slot("Opportunités", j, n_pain)
            _card(ax, row.colx + 0.05, y2, 0.9, h2, _wrap(f"→ {row.opportunite or '?'}"),
                  measured, "#dff3e4", fontsize=10)

    # Moments of truth.
    top, low = lanes["Moments de vérité"]
    labels = {"zéro": "moment zéro\n(s'informer)", "premier": "1er moment\n(choisir)",
              "second": "2e moment\n(utiliser)"}
    for row in t.loc[t["moment_de_verite"] != ""].itertuples():
        ax.scatter([row.xx], [top + 0.22], marker="*", s=420, color=style.HIGHLIGHT, zorder=4)
        ax.text(row.xx, top + 0.42, labels[row.moment_de_verite], ha="center", va="top",
                fontsize=10, zorder=5)

    handles = [
        Patch(facecolor="#eeeeee", edgecolor="#555555", label="mesuré dans les événements"),
        Patch(facecolor="white", edgecolor="#777777", hatch="///", linestyle="--",
              label="supposé d'après l'enquête"),
        *[Patch(facecolor=c, label=f) for f, c in forms.items()],
        Line2D([], [], marker="*", color=style.HIGHLIGHT, linestyle="", markersize=16,
               label="moment de vérité"),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=6,
              fontsize=11, frameon=False, handlelength=2.2)
    return ax


def _lighten(colour: str, amount: float = 0.78) -> tuple:
    rgb = np.array(plt.matplotlib.colors.to_rgb(colour))
    return tuple(rgb + (1 - rgb) * amount)


def _emotion_colour(level: float) -> str:
    return {-2: "#c0392b", -1: "#e67e22", 0: "#7f8c8d", 1: "#27ae60", 2: "#1e8449"}.get(
        int(round(level)), "#7f8c8d")
