"""Questions of chapter 03 — Clients, prospects et non-consommateurs.

Classify described people with the ordered rules, count the people the rules
know nothing about, read a transition matrix, write the rules as a function,
compute the cost of one conversion over 2024 and decide which status to target
first.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from parcours_helpers import datasets, statuses
from parcours_helpers.exercises import (
    Question,
    expect_choice,
    expect_function,
    expect_mapping,
    expect_number,
    lazy,
    load_table,
)


@lru_cache(maxsize=1)
def _classes() -> pd.DataFrame:
    return statuses.classify(load_table("personnes"), load_table("commandes"), load_table("enquete"),
                             at=datasets.REFERENCE_DATE)


# --- q1: classify described people ---------------------------------------------------

#: People to classify by hand (question 1).
PEOPLE = {
    "a": "Antoine a commandé deux chemises en 2024 et n'a jamais répondu à l'enquête.",
    "b": "Bastien n'a jamais commandé ; à l'enquête, il dit acheter ses vestes dans une autre "
         "marque, et n'en avoir besoin que rarement.",
    "c": "Cyril n'a jamais commandé ; il dit n'avoir aucun besoin de ce genre de vêtements.",
    "d": "David n'a jamais commandé ; il n'achète un costume que pour les grandes occasions "
         "(besoin rare) et n'achète pas ailleurs.",
    "e": "Étienne a commandé en mars 2023 ; en novembre 2024, il répond qu'il s'habille "
         "désormais dans une autre marque.",
    "f": "Fabien lit le blog depuis un an ; il n'a jamais commandé ni répondu à l'enquête.",
    "g": "Guillaume n'a jamais commandé ; besoin occasionnel, et il n'achète pas ailleurs.",
}
_PEOPLE_STATUS = {"a": "client", "b": "consommateur concurrent",
                  "c": "non-consommateur absolu", "d": "non-consommateur relatif",
                  "e": "consommateur concurrent", "f": "prospect", "g": "prospect"}

q1 = Question(
    name="q1",
    checker=expect_mapping(_PEOPLE_STATUS, what="personne"),
    expected=lambda: dict(_PEOPLE_STATUS),
    solution_code="""
reponse = {"a": "client",                     # règle 2 : il a commandé
           "b": "consommateur concurrent",    # règle 3 : acheter ailleurs passe avant le besoin
           "c": "non-consommateur absolu",    # règle 4
           "d": "non-consommateur relatif",   # règle 5
           "e": "consommateur concurrent",    # règle 1 : parti après sa dernière commande
           "f": "prospect",                   # règle 7 : on ne sait rien de plus
           "g": "prospect"}                   # règle 6
""",
    hints=[
        "Essayez les règles de statuses.rules_table() dans l'ordre : la première qui "
        "s'applique décide.",
        "Bastien achète ailleurs : cette règle (3) passe avant celle du besoin rare (5). "
        "Étienne a commandé, mais a dit ensuite s'habiller ailleurs : c'est la règle 1.",
    ],
    wrong_answers=[
        (lambda: {**_PEOPLE_STATUS, "b": "non-consommateur relatif"}, "« b »"),
        (lambda: {**_PEOPLE_STATUS, "e": "client"}, "« e »"),
        (lambda: {k: v for k, v in _PEOPLE_STATUS.items() if k != "f"}, "il manque 1 personne"),
    ],
)


# --- q2: people the rules know nothing about ---------------------------------------------

def _n_unknown() -> int:
    return int((_classes()["regle"] == len(statuses.RULES)).sum())


q2 = Question(
    name="q2",
    checker=lazy(lambda v: expect_number(v, tol=0, unit=" personnes"), _n_unknown),
    expected=_n_unknown,
    solution_code="""
classes = statuses.classify(personnes, commandes, enquete, at=datasets.REFERENCE_DATE)
reponse = (classes["regle"] == 7).sum()
""",
    hints=[
        "Classez tout le monde avec statuses.classify(personnes, commandes, enquete, "
        "at=datasets.REFERENCE_DATE), puis regardez la colonne « regle ».",
        "Ne comptez pas tous les prospects : seulement ceux de la dernière règle (la 7), "
        "(classes[\"regle\"] == 7).sum().",
    ],
    wrong_answers=[
        (lambda: int((_classes()["statut"] == "prospect").sum()), "trop grand"),
        (lambda: int((_classes()["regle"] == 6).sum()), "trop petit"),
    ],
)


# --- q3: read the transition matrix ---------------------------------------------------

def _prospect_to_client() -> float:
    m = statuses.transition_matrix(load_table("statuts"), "2023-01-01", "2025-01-01")
    return float(m.loc["prospect", "client"] / m.loc["prospect"].sum())


def _wrong_column_share() -> float:
    m = statuses.transition_matrix(load_table("statuts"), "2023-01-01", "2025-01-01")
    return float(m.loc["prospect", "client"] / m["client"].sum())


q3 = Question(
    name="q3",
    checker=lazy(lambda v: expect_number(v, tol=0.002), _prospect_to_client),
    expected=_prospect_to_client,
    solution_code="""
matrice = statuses.transition_matrix(statuts, "2023-01-01", "2025-01-01")
reponse = matrice.loc["prospect", "client"] / matrice.loc["prospect"].sum()
# ou : statuses.transition_matrix(statuts, "2023-01-01", "2025-01-01", normalize=True).loc["prospect", "client"]
""",
    hints=[
        "La ligne « prospect » de la matrice compte où sont, deux ans plus tard, les prospects "
        "du 1er janvier 2023.",
        "Divisez la case (prospect, client) par le total de la LIGNE prospect, pas de la "
        "colonne client ; ou utilisez normalize=True.",
    ],
    wrong_answers=[
        (_wrong_column_share, "trop petit"),
        (lambda: 629, "trop grand"),
    ],
)


# --- q4: the rules as a function ---------------------------------------------------------

#: The solution shown to the learner; the checker's reference is this very code.
_STATUT_SOLUTION = """
def statut(nb_commandes, besoin, achete_ailleurs):
    if nb_commandes > 0:
        return "client"
    if achete_ailleurs is True:
        return "consommateur concurrent"
    if besoin == "aucun":
        return "non-consommateur absolu"
    if besoin == "rare":
        return "non-consommateur relatif"
    return "prospect"          # besoin occasionnel ou régulier, ou rien de connu

reponse = statut
"""


def _solution_function() -> object:
    namespace: dict = {}
    exec(_STATUT_SOLUTION, namespace)  # our own constant, not user input
    return namespace["statut"]


_statut = _solution_function()


def _need_first(nb_commandes, besoin, achete_ailleurs):
    if nb_commandes > 0:
        return "client"
    if besoin == "aucun":
        return "non-consommateur absolu"
    if besoin == "rare":
        return "non-consommateur relatif"
    if achete_ailleurs is True:
        return "consommateur concurrent"
    return "prospect"


def _survey_first(nb_commandes, besoin, achete_ailleurs):
    if achete_ailleurs is True:
        return "consommateur concurrent"
    return _statut(nb_commandes, besoin, achete_ailleurs)


_CASES = [
    ((2, None, None), "client"),
    ((0, "rare", True), "consommateur concurrent"),
    ((0, "aucun", False), "non-consommateur absolu"),
    ((0, "rare", False), "non-consommateur relatif"),
    ((0, "régulier", False), "prospect"),
    ((0, None, None), "prospect"),
    ((1, "aucun", True), "client"),
]

q4 = Question(
    name="q4",
    checker=expect_function(_CASES, name="statut"),
    expected=lambda: _statut,
    solution_code=_STATUT_SOLUTION,
    hints=[
        "Une suite de if … return, dans l'ordre des règles 2 à 7 : le premier return atteint "
        "décide.",
        "L'ordre compte : testez les commandes, puis achete_ailleurs, puis le besoin. Sans "
        "réponse (None), on tombe sur le dernier return : « prospect ».",
    ],
    wrong_answers=[
        (lambda: _need_first, "0, 'rare', True"),
        (lambda: _survey_first, "1, 'aucun', True"),
        (lambda: "client", "on attend une fonction"),
    ],
)


# --- q5: cost of one conversion in 2024 -----------------------------------------------

def _cost_2024() -> float:
    c = statuses.conversion_cost_by_status(load_table("statuts"), load_table("depenses_marketing"),
                                           "2024-01-01", "2025-01-01").set_index("statut")
    return float(c.loc["consommateur concurrent", "cout_par_conversion_eur"])


def _cost_two_years() -> float:
    c = statuses.conversion_cost_by_status(load_table("statuts"), load_table("depenses_marketing"),
                                           "2023-01-01", "2025-01-01").set_index("statut")
    return float(c.loc["consommateur concurrent", "cout_par_conversion_eur"])


q5 = Question(
    name="q5",
    checker=lazy(lambda v: expect_number(v, tol=0.5, unit=" €"), _cost_2024),
    expected=_cost_2024,
    solution_code="""
couts_2024 = statuses.conversion_cost_by_status(statuts, depenses, "2024-01-01", "2025-01-01")
reponse = couts_2024.set_index("statut").loc["consommateur concurrent", "cout_par_conversion_eur"]
""",
    hints=[
        "statuses.conversion_cost_by_status(statuts, depenses, début, fin) : prenez comme dates "
        "le 1er janvier 2024 et le 1er janvier 2025.",
        "La colonne à lire est « cout_par_conversion_eur », à la ligne « consommateur "
        "concurrent ». Sur 2023-2024, on trouverait environ 177 € : ce n'est pas la question.",
    ],
    wrong_answers=[
        (_cost_two_years, "trop grand"),
        (lambda: 89.04, "trop petit"),
    ],
)


# --- q6: whom to target first -----------------------------------------------------------

def _best_target() -> str:
    costs = statuses.conversion_cost_by_status(load_table("statuts"), load_table("depenses_marketing"),
                                               "2023-01-01", "2025-01-01")
    pool = statuses.status_at(load_table("statuts"), datasets.REFERENCE_DATE)["statut"].value_counts()
    expected = costs.set_index("statut")["taux_conversion"] * pool.reindex(costs["statut"]).values
    return str(expected.idxmax())


_TARGET_CHOICES = ["client", "consommateur concurrent", "prospect",
                   "non-consommateur relatif", "non-consommateur absolu"]

q6 = Question(
    name="q6",
    checker=lazy(lambda v: expect_choice(v, _TARGET_CHOICES, explanations={
        "consommateur concurrent": "presque : leur vivier est le plus grand, mais leur taux "
                                   "de conversion est plus faible. Faites le produit vivier × "
                                   "taux pour chaque statut.",
        "non-consommateur relatif": "leur taux de conversion est environ dix fois plus faible "
                                    "que celui des prospects : une trentaine de conversions "
                                    "seulement.",
        "non-consommateur absolu": "ils n'ont aucun besoin : aucun ne s'est converti en deux "
                                   "ans.",
        "client": "les clients sont déjà convertis : la question porte sur les autres statuts.",
    }), _best_target),
    expected=_best_target,
    solution_code="""
couts = statuses.conversion_cost_by_status(statuts, depenses, "2023-01-01", "2025-01-01")
vivier = statuses.status_at(statuts, datasets.REFERENCE_DATE)["statut"].value_counts()
couts["attendues"] = couts["taux_conversion"] * couts["statut"].map(vivier).astype(int)
reponse = couts.loc[couts["attendues"].idxmax(), "statut"]
""",
    hints=[
        "Conversions attendues = nombre de personnes du statut au 1er janvier 2025 × taux de "
        "conversion observé sur 2023-2024.",
        "Le vivier : statuses.status_at(statuts, datasets.REFERENCE_DATE)[\"statut\"]"
        ".value_counts() ; le taux : la colonne « taux_conversion » de "
        "conversion_cost_by_status.",
    ],
    wrong_answers=[
        (lambda: "consommateur concurrent", "presque"),
        (lambda: "non-consommateur relatif", "dix fois"),
        (lambda: "fidèles", "n'est pas une des réponses possibles"),
    ],
)

QUESTIONS = [q1, q2, q3, q4, q5, q6]
