"""Questions of chapter 01 — Le parcours client : définitions.

Place scenes of a journey in a stage, classify the shop's touchpoints by form,
read one client's and one prospect's journey from the events, compute the share
of people in contact who ever ordered, and write a function that counts the
stages a person reached.
"""

from __future__ import annotations

import pandas as pd

from parcours_helpers import datasets
from parcours_helpers.exercises import (
    Incorrect,
    Question,
    expect_mapping,
    expect_number,
    expect_set,
    lazy,
    load_table,
)
from parcours_helpers.journeys.timeline import is_order, person_events

#: The client and the prospect drawn in the chapter.
CLIENT = "P00070"
PROSPECT = "P00016"

#: Scenes of Julien's journey, to place in a stage (question 1).
SCENES = {
    "a": "Julien lit sur le blog comment entretenir la veste en laine achetée le mois dernier.",
    "b": "Le livreur sonne : le colis de Julien est arrivé.",
    "c": "Julien remarque que ses chemises de bureau sont usées au col.",
    "d": "Dans le métro, Julien voit pour la première fois une affiche Maison Beaufil.",
    "e": "Julien compare deux chemises sur l'e-shop et demande conseil au chat.",
    "f": "Julien valide son panier et paie.",
    "g": "Julien envoie son code de parrainage à un collègue.",
}
_SCENE_STAGES = {"a": "usage", "b": "livraison", "c": "besoin", "d": "découverte",
                 "e": "considération", "f": "achat", "g": "fidélisation"}

#: Touchpoints to classify by form (question 2).
TOUCHPOINTS = ["newsletter", "affiche", "parrainage", "click & collect", "chat",
               "avis d'un proche", "livraison"]




# --- q1: place scenes in a stage ----------------------------------------------------

q1 = Question(
    name="q1",
    checker=expect_mapping(_SCENE_STAGES, what="scène"),
    expected=lambda: dict(_SCENE_STAGES),
    solution_code="""
reponse = {"a": "usage", "b": "livraison", "c": "besoin", "d": "découverte",
           "e": "considération", "f": "achat", "g": "fidélisation"}
""",
    hints=[
        "Suivez l'ordre du parcours : d'abord le manque (besoin), puis la première rencontre "
        "avec la marque (découverte), puis la comparaison (considération)…",
        "Après l'achat viennent la livraison, puis l'usage (porter, entretenir) et enfin la "
        "fidélisation (revenir, recommander). Les noms exacts sont dans datasets.STAGES.",
    ],
    wrong_answers=[
        (lambda: {**_SCENE_STAGES, "a": "fidélisation", "g": "usage"}, "« a », « g »"),
        (lambda: {k: v for k, v in _SCENE_STAGES.items() if k != "c"}, "il manque 1 scène"),
    ],
)


# --- q2: classify touchpoints by form ----------------------------------------------

def _forms() -> dict[str, str]:
    table = load_table("points_de_contact").set_index("point_de_contact")["forme"].astype(str)
    return {tp: table[tp] for tp in TOUCHPOINTS}


q2 = Question(
    name="q2",
    checker=lazy(lambda e: expect_mapping(e, what="point de contact"), _forms),
    expected=_forms,
    solution_code="""
reponse = {"newsletter": "virtuel", "affiche": "physique", "parrainage": "bouche-à-oreille",
           "click & collect": "physique", "chat": "virtuel",
           "avis d'un proche": "bouche-à-oreille", "livraison": "physique"}
# ou, depuis la table : points_de_contact.set_index("point_de_contact")["forme"]
""",
    hints=[
        "Trois valeurs possibles : « virtuel » (en ligne), « physique » (dans le monde réel), "
        "« bouche-à-oreille » (une personne qui en recommande une autre).",
        "Le click & collect se passe en boutique ; le parrainage passe par une personne.",
    ],
    wrong_answers=[
        (lambda: {**_forms(), "parrainage": "virtuel"}, "« parrainage »"),
        (lambda: "virtuel", "dictionnaire"),
    ],
)


# --- q3: contacts before the first order -------------------------------------------

def _contacts_before_order() -> int:
    j = person_events(load_table("evenements"), CLIENT)
    first = j.loc[j["commande"], "horodatage"].min()
    return int((j["horodatage"] < first).sum())


q3 = Question(
    name="q3",
    checker=lazy(lambda e: expect_number(e, tol=0, unit=" contacts"), _contacts_before_order),
    expected=_contacts_before_order,
    solution_code=f"""
parcours = person_events(evenements, "{CLIENT}")
premiere = parcours.loc[parcours["commande"], "horodatage"].min()
reponse = (parcours["horodatage"] < premiere).sum()
""",
    hints=[
        "person_events donne les contacts dans l'ordre du temps ; la colonne « commande » "
        "vaut True sur les commandes.",
        "Trouvez la date de la première commande (min), puis comptez les contacts strictement "
        "avant elle : la commande elle-même ne compte pas.",
    ],
    wrong_answers=[
        (lambda: len(person_events(load_table("evenements"), CLIENT)), "trop grand"),
        (lambda: _contacts_before_order() + 1, "trop grand"),
    ],
)


# --- q4: stages the prospect never reached -----------------------------------------

def _missing_stages() -> set[str]:
    seen = set(person_events(load_table("evenements"), PROSPECT)["etape"].astype(str))
    return {s for s in datasets.STAGES if s not in seen}


q4 = Question(
    name="q4",
    checker=lazy(lambda e: expect_set(e, what="étape"), _missing_stages),
    expected=_missing_stages,
    solution_code=f"""
vues = set(person_events(evenements, "{PROSPECT}")["etape"])
reponse = [etape for etape in datasets.STAGES if etape not in vues]
""",
    hints=[
        "Listez les étapes où le prospect a au moins un contact, puis gardez les étapes de "
        "datasets.STAGES qui n'y sont pas.",
        "set(person_events(evenements, …)[\"etape\"]) donne les étapes vues.",
    ],
    wrong_answers=[
        (lambda: _missing_stages() | {"considération"}, "en trop"),
        (lambda: _missing_stages() - {"fidélisation"}, "il manque 1 étape"),
    ],
)


# --- q5: share of people in contact who ever ordered --------------------------------

def _buyer_share() -> float:
    ev = load_table("evenements")
    return round(100 * ev.loc[is_order(ev), "id_personne"].nunique()
                 / ev["id_personne"].nunique(), 2)


def _buyer_share_of_everybody() -> float:
    ev = load_table("evenements")
    return 100 * ev.loc[is_order(ev), "id_personne"].nunique() / len(load_table("personnes"))


def _percent(expected: float):
    inner = expect_number(expected, tol=0.05, unit=" %")

    def checker(answer):
        try:
            value = float(answer)
        except (TypeError, ValueError):
            value = None
        if value is not None and 0 < value < 1:
            raise Incorrect(f"votre réponse ({value:.4f}) ressemble à une part entre 0 et 1 : "
                            "on attend un pourcentage (multipliez par 100).".replace(".", ",", 1))
        inner(answer)

    return checker


q5 = Question(
    name="q5",
    checker=lazy(_percent, _buyer_share),
    expected=_buyer_share,
    solution_code="""
acheteurs = evenements.loc[is_order(evenements), "id_personne"].nunique()
en_contact = evenements["id_personne"].nunique()
reponse = 100 * acheteurs / en_contact
""",
    hints=[
        "Au numérateur, les personnes distinctes qui ont au moins une commande (is_order) ; "
        "au dénominateur, les personnes distinctes qui ont au moins un événement.",
        "nunique() compte les valeurs distinctes ; le résultat est un pourcentage (×100).",
    ],
    wrong_answers=[
        (_buyer_share_of_everybody, "trop petit"),
        (lambda: _buyer_share() / 100, "multipliez par 100"),
        (lambda: 100 * is_order(load_table("evenements")).sum()
         / load_table("evenements")["id_personne"].nunique(), "trop grand"),
    ],
)


# --- q6: a function that counts the stages reached ----------------------------------

def _case(stages: list[str], person: str = "P1") -> pd.DataFrame:
    n = len(stages)
    return pd.DataFrame({
        "id_personne": [person] * n + ["P2"],
        "horodatage": pd.date_range("2024-01-01", periods=n + 1, freq="D"),
        "point_de_contact": ["blog"] * (n + 1),
        "forme": ["virtuel"] * (n + 1),
        "etape": pd.Categorical(stages + ["usage"], categories=datasets.STAGES, ordered=True),
        "id_commande": [None] * (n + 1),
    })


_Q6_CASES = [
    (["découverte", "considération", "considération"], "P1", 2),
    (["besoin", "achat", "livraison", "achat"], "P1", 3),
    (["besoin"], "P1", 1),
    (["besoin"], "P9", 0),
]


def _check_q6(answer) -> None:
    """Run the learner's function on small tables; describe a failing case in words."""
    if not callable(answer):
        raise Incorrect("on attend une fonction (def …), pas un objet de type "
                        f"{type(answer).__name__}.")
    for stages, person, want in _Q6_CASES:
        who = (f"une personne absente du tableau (« {person} »)" if want == 0
               else "une personne passée par les étapes " + ", ".join(stages))
        try:
            got = answer(_case(stages), person)
        except Exception as exc:
            raise Incorrect(f"pour {who}, votre fonction provoque une erreur : "
                            f"{type(exc).__name__} : {exc}") from None
        if got != want:
            raise Incorrect(f"pour {who}, votre fonction renvoie {got!r} au lieu de {want} "
                            "(le tableau contient aussi une autre personne).")


def _solution_q6(evenements: pd.DataFrame, id_personne: str) -> int:
    mine = evenements[evenements["id_personne"] == id_personne]
    return int(mine["etape"].nunique())


q6 = Question(
    name="q6",
    checker=_check_q6,
    expected=lambda: _solution_q6,
    solution_code="""
def nb_etapes_atteintes(evenements, id_personne):
    mine = evenements[evenements["id_personne"] == id_personne]
    return mine["etape"].nunique()

reponse = nb_etapes_atteintes
""",
    hints=[
        "Gardez les lignes de la personne, puis comptez les étapes distinctes.",
        "nunique() compte les valeurs distinctes d'une colonne ; une personne sans événement "
        "a atteint 0 étape.",
    ],
    wrong_answers=[
        (lambda: (lambda ev, pid: int((ev["id_personne"] == pid).sum())), "au lieu de 2"),
        (lambda: (lambda ev, pid: int(ev["etape"].nunique())), "autre personne"),
        (lambda: "nb_etapes_atteintes", "une fonction"),
    ],
)

QUESTIONS = [q1, q2, q3, q4, q5, q6]
