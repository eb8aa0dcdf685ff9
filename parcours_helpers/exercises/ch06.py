"""Questions of chapter 06 — Le parcours de chaque persona.

The delay before a persona's first order, the share of ambassadors, the
first-touch winner, the position-based rule written by the learner, the
negative steps of a journey map and a Markov removal effect.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from parcours_helpers import attribution
from parcours_helpers.exercises import (
    Incorrect,
    Question,
    expect_choice,
    expect_number,
    expect_set,
    expect_share,
    load_table,
)
from parcours_helpers.journeys import journey_map, paths
from parcours_helpers.style import french_number


def _tables():
    return (load_table("personnes").copy(), load_table("evenements").copy(), load_table("commandes").copy(),
            load_table("enquete").copy())


@lru_cache(maxsize=1)
def _journeys() -> pd.DataFrame:
    _people, events, orders, _survey = _tables()
    return attribution.build_journeys(events, orders)


def _lazy(make_checker):
    """A checker built on first use (the expected value needs the data)."""

    def checker(answer):
        make_checker()(answer)

    return checker


def _near(answer, value: float, tol: float) -> bool:
    try:
        return abs(float(answer) - value) <= tol
    except (TypeError, ValueError):
        return False


def _with_mistakes(inner, mistakes):
    """Run ``inner`` after naming the known mistakes: ``(value, tol, message)`` triples."""

    def checker(answer):
        for value, tol, message in mistakes:
            if _near(answer, value, tol):
                raise Incorrect(message)
        inner(answer)

    return checker



# --- q1: Eric's median delay before the first order ------------------------------

def _delays(new_clients_only: bool = True) -> pd.DataFrame:
    people, events, orders, _survey = _tables()
    d = paths.first_order_delays(events, orders, people, new_clients_only=new_clients_only)
    return d.loc[d["persona"] == "Eric", "jours"]


def _eric_median() -> float:
    return float(_delays().median())


def _q1_checker():
    return _with_mistakes(expect_number(_eric_median(), tol=0.5, unit=" jours"), [
        (float(_delays().mean()), 0.5,
         "c'est la moyenne des délais ; on demande la médiane (le délai du client du milieu), "
         "moins sensible aux très longs délais."),
        (float(_delays(False).median()), 0.5,
         "vous avez gardé les anciens clients : leur premier contact est plus ancien que les "
         "données, leur délai ne veut rien dire. Gardez new_clients_only=True."),
        (_eric_median() / 7, 0.2, "votre réponse est en semaines ; on l'attend en jours."),
    ])


q1 = Question(
    name="q1",
    checker=_lazy(_q1_checker),
    expected=_eric_median,
    solution_code="""
delais = paths.first_order_delays(evenements, commandes, personnes)
reponse = delais.loc[delais["persona"] == "Eric", "jours"].median()
""",
    hints=["paths.first_order_delays(evenements, commandes, personnes) donne un délai par "
           "nouveau client, avec sa colonne persona.",
           "Filtrez les lignes où persona vaut « Eric », puis prenez la médiane de la colonne "
           "jours."],
    wrong_answers=[(lambda: float(_delays().mean()), "moyenne"),
                   (lambda: float(_delays(False).median()), "anciens clients"),
                   (lambda: _eric_median() / 7, "semaines")],
)


# --- q2: share of Diego's clients who became ambassadors -------------------------

def _ambassadors() -> pd.Series:
    people, _events, orders, _survey = _tables()
    return paths.ambassador_share(people, orders).set_index("persona").loc["Diego"]


def _diego_share() -> float:
    return float(_ambassadors()["part_ambassadeurs"])


def _q2_checker():
    row = _ambassadors()
    return _with_mistakes(expect_share(_diego_share(), tol=0.005), [
        (float(row["filleuls"] / row["clients"]), 0.005,
         "vous avez divisé le nombre de filleuls par le nombre de clients ; un ambassadeur qui "
         "parraine deux amis ne compte qu'une fois."),
    ])


q2 = Question(
    name="q2",
    checker=_lazy(_q2_checker),
    expected=_diego_share,
    solution_code="""
ambassadeurs = paths.ambassador_share(personnes, commandes)
reponse = ambassadeurs.set_index("persona").loc["Diego", "part_ambassadeurs"]
""",
    hints=["paths.ambassador_share(personnes, commandes) donne une ligne par persona.",
           "La colonne part_ambassadeurs est déjà une part entre 0 et 1."],
    wrong_answers=[(lambda: 100 * _diego_share(), "dépasse 1"),
                   (lambda: float(_ambassadors()["filleuls"] / _ambassadors()["clients"]),
                    "filleuls")],
)


# --- q3: the first-touch winner -----------------------------------------------------

def _first_touch_winner() -> str:
    credit = attribution.first_touch(_journeys())
    return str(credit.sort_values(ascending=False, kind="stable").index[0])


def _q3_checker():
    channels = sorted(_journeys()["canal"].unique())
    last = attribution.last_touch(_journeys()).idxmax()
    return expect_choice(_first_touch_winner(), channels, explanations={
        last.lower(): f"« {last} » gagne avec le modèle du dernier contact, pas du premier : "
                      "c'est là qu'on paie, rarement là qu'on découvre la marque.",
    })


q3 = Question(
    name="q3",
    checker=_lazy(_q3_checker),
    expected=_first_touch_winner,
    solution_code="""
credit = attribution.first_touch(parcours)
reponse = credit.idxmax()
""",
    hints=["attribution.first_touch(parcours) renvoie le nombre de commandes attribuées à "
           "chaque point de contact.",
           "idxmax() donne l'étiquette de la plus grande valeur d'une série."],
    wrong_answers=[(lambda: "e-shop", "dernier contact"),
                   (lambda: "radio", "n'est pas une des réponses possibles")],
)


# --- q4: the position-based rule, written by the learner -----------------------------

def position_shares(n: int) -> list[float]:
    """Shares of a journey's touches under the 40/20/40 position-based rule."""
    if n == 1:
        return [1.0]
    if n == 2:
        return [0.5, 0.5]
    return [0.4] + [0.2 / (n - 2)] * (n - 2) + [0.4]


def _q4_checker(answer):
    if not callable(answer):
        raise Incorrect(f"on attend une fonction (def part_en_u(n): …), pas un objet de type "
                        f"{type(answer).__name__}.")
    for n in (3, 4, 2, 1, 6):
        want = position_shares(n)
        try:
            got = answer(n)
            got = [float(x) for x in got]
        except Exception as exc:
            raise Incorrect(f"avec n = {n}, votre fonction a provoqué une erreur : "
                            f"{type(exc).__name__} : {exc}") from None
        if len(got) != n:
            raise Incorrect(f"avec n = {n}, votre fonction renvoie {len(got)} parts ; il en faut "
                            "une par contact.")
        if not np.isclose(sum(got), 1.0):
            raise Incorrect(f"avec n = {n}, vos parts somment à {french_number(sum(got), 2)} : "
                            "une commande se partage entièrement, elles doivent sommer à 1.")
        if not np.allclose(got, want):
            shown = [round(x, 3) for x in got]
            raise Incorrect(f"avec n = {n}, votre fonction renvoie {shown} au lieu de "
                            f"{[round(x, 3) for x in want]}.")


q4 = Question(
    name="q4",
    checker=_q4_checker,
    expected=lambda: position_shares,
    solution_code="""
def part_en_u(n):
    if n == 1:
        return [1.0]
    if n == 2:
        return [0.5, 0.5]
    milieu = 0.2 / (n - 2)
    return [0.4] + [milieu] * (n - 2) + [0.4]

reponse = part_en_u
""",
    hints=["Traitez à part les parcours d'un contact (il prend tout) et de deux contacts "
           "(moitié-moitié).",
           "À partir de trois contacts : 0,4 au premier, 0,4 au dernier, et les 0,2 restants "
           "partagés à égalité entre les n − 2 contacts du milieu."],
    wrong_answers=[(lambda: (lambda n: [1 / n] * n), "au lieu de"),
                   (lambda: (lambda n: [0.4] + [0.2] * max(n - 2, 0) + [0.4] if n > 1 else [1.0]),
                    "somment"),
                   (lambda: 0.4, "fonction")],
)


# --- q5: the stages where Diego's emotion is negative --------------------------------

@lru_cache(maxsize=1)
def _diego_map() -> pd.DataFrame:
    people, events, orders, survey = _tables()
    return journey_map.build_journey_map(events, orders, people, survey, "Diego")


def _negative_stages() -> list[str]:
    m = _diego_map()
    return sorted(set(m.loc[m["emotion"] < 0, "etape"]))


q5 = Question(
    name="q5",
    checker=_lazy(lambda: expect_set(_negative_stages(), what="étape")),
    expected=_negative_stages,
    solution_code="""
carte = journey_map.build_journey_map(evenements, commandes, personnes, enquete, "Diego")
reponse = set(carte.loc[carte["emotion"] < 0, "etape"])
""",
    hints=["journey_map.build_journey_map(evenements, commandes, personnes, enquete, \"Diego\") "
           "renvoie une ligne par pas du parcours, avec sa colonne emotion (de -2 à +2).",
           "Gardez les lignes où emotion est strictement négative, puis l'ensemble (set) de "
           "leurs valeurs dans la colonne etape."],
    wrong_answers=[(lambda: ["considération"], "il manque"),
                   (lambda: [*_negative_stages(), "achat"], "en trop")],
)


# --- q6: Facebook's removal effect -----------------------------------------------------

def _effects() -> pd.DataFrame:
    return attribution.removal_effects(_journeys()).set_index("canal")


@lru_cache(maxsize=1)
def _facebook_effect() -> float:
    return float(_effects().loc["Facebook", "effet_de_retrait"])


def _q6_checker():
    return _with_mistakes(expect_share(_facebook_effect(), tol=0.005), [
        (float(_effects().loc["Facebook", "proba_commande_sans"]), 0.005,
         "c'est la probabilité de commander une fois Facebook retiré ; l'effet de retrait est la "
         "part des commandes perdues : 1 − (proba sans / proba avec)."),
    ])


q6 = Question(
    name="q6",
    checker=_lazy(_q6_checker),
    expected=_facebook_effect,
    solution_code="""
effets = attribution.removal_effects(parcours).set_index("canal")
reponse = effets.loc["Facebook", "effet_de_retrait"]
""",
    hints=["attribution.removal_effects(parcours) renvoie une ligne par point de contact.",
           "La colonne effet_de_retrait est la part des commandes perdues sans le canal "
           "(entre 0 et 1)."],
    wrong_answers=[(lambda: float(_effects().loc["Facebook", "proba_commande_sans"]),
                    "probabilité de commander"),
                   (lambda: 100 * _facebook_effect(), "dépasse 1")],
)

QUESTIONS = [q1, q2, q3, q4, q5, q6]
