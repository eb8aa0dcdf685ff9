"""Questions of chapter 07 — Un parcours 100 % digital.

The web funnel by device, the step where visitors drop out, the share of
sessions reaching a step (a learner's function), conversion by load time
within one device, and a cohort's retention.
"""

from __future__ import annotations

import pandas as pd

from parcours_helpers import cohorts, datasets, funnel
from parcours_helpers.datasets import FUNNEL_STEPS
from parcours_helpers.exercises import (
    Incorrect,
    Question,
    expect_choice,
    expect_frame,
    expect_share,
    load_table,
)
from parcours_helpers.style import french_number


def _sessions() -> pd.DataFrame:
    return load_table("sessions_web").copy()


def _orders() -> pd.DataFrame:
    return load_table("commandes").copy()



# --- q1: conversion rate of mobile sessions ---------------------------------------

def _mobile_rate() -> float:
    s = _sessions()
    mobile = s[s["appareil"] == "mobile"]
    return float((mobile["etape_max"] == "commande").mean())


def _desktop_rate() -> float:
    s = _sessions()
    desktop = s[s["appareil"] == "ordinateur"]
    return float((desktop["etape_max"] == "commande").mean())


def _all_rate() -> float:
    return float((_sessions()["etape_max"] == "commande").mean())


q1 = Question(
    name="q1",
    checker=expect_share(_mobile_rate(), tol=0.0005),
    expected=_mobile_rate,
    solution_code="""
mobile = sessions[sessions["appareil"] == "mobile"]
reponse = (mobile["etape_max"] == "commande").mean()
# ou : funnel.conversion_by(sessions, "appareil")  (colonne taux_conversion, ligne mobile)
""",
    hints=["Gardez les sessions dont « appareil » vaut « mobile », puis comptez la part dont "
           "« etape_max » est « commande ».",
           "La moyenne d'une colonne de vrai/faux est une part : "
           "(mobile[\"etape_max\"] == \"commande\").mean()."],
    wrong_answers=[
        (lambda: 100 * _mobile_rate(), "pas un pourcentage"),
        (_desktop_rate, "trop grand"),
        (_all_rate, "trop grand"),
    ],
)


# --- q2: the step where the largest share of mobile visitors leave ----------------

def _mobile_leak() -> str:
    s = _sessions()
    table = funnel.funnel_table(s[s["appareil"] == "mobile"])
    return funnel.biggest_leak(table).loc[0, "depuis"]


q2 = Question(
    name="q2",
    checker=expect_choice(_mobile_leak(), FUNNEL_STEPS, explanations={
        "visite": "c'est à l'entrée du site qu'on perd le plus de sessions en NOMBRE ; la question "
                  "porte sur le TAUX d'abandon (la part des visiteurs présents qui s'en vont).",
        "panier": "« panier » est l'étape que les visiteurs n'atteignent pas ; la question demande "
                  "l'étape où ils s'arrêtent, celle d'avant.",
        "commande": "à l'étape « commande », le parcours est terminé : personne n'abandonne après.",
        "paiement": "au paiement, l'abandon mobile existe (environ un sur trois) mais il y a pire.",
    }),
    expected=_mobile_leak,
    solution_code="""
mobile = sessions[sessions["appareil"] == "mobile"]
entonnoir_mobile = funnel.funnel_table(mobile)
funnel.biggest_leak(entonnoir_mobile)          # colonne « depuis »
reponse = "fiche produit"
""",
    hints=["Faites l'entonnoir des seules sessions mobiles avec funnel.funnel_table, puis "
           "regardez la colonne « abandon ».",
           "funnel.biggest_leak(entonnoir_mobile) donne le passage le plus abandonné : la réponse "
           "est l'étape de la colonne « depuis »."],
    wrong_answers=[
        (lambda: "visite", "NOMBRE"),
        (lambda: "panier", "celle d'avant"),
        (lambda: "caisse", "n'est pas une des réponses possibles"),
    ],
)


# --- q3: a function: share of sessions that reached a step ------------------------

def reached_share(sessions: pd.DataFrame, step: str) -> float:
    """Share of sessions whose deepest step is ``step`` or a later one (reference answer)."""
    rank = {s: i for i, s in enumerate(FUNNEL_STEPS)}
    return float(sessions["etape_max"].astype(str).map(rank).ge(rank[step]).mean())


_CASES = [
    (["visite", "panier", "commande", "commande"], "panier"),        # 3 / 4
    (["visite", "fiche produit", "paiement", "visite"], "visite"),   # 4 / 4
    (["visite", "fiche produit", "paiement", "visite"], "paiement"),  # 1 / 4
    (["fiche produit", "commande"], "fiche produit"),                # 2 / 2
    (["visite", "visite", "panier"], "commande"),                    # 0 / 3
]


def _check_reached_share(answer) -> None:
    """Run the learner's function on small tables and say which case fails, in French."""
    if not callable(answer):
        raise Incorrect("on attend une fonction (def part_atteinte(sessions, etape): …), pas un "
                        f"objet de type {type(answer).__name__}.")
    for steps, step in _CASES:
        frame = pd.DataFrame({"etape_max": steps})
        want = reached_share(frame, step)
        case = f"avec etape_max = {steps} et etape = « {step} »"
        try:
            got = float(answer(frame.copy(), step))
        except Exception as exc:
            raise Incorrect(f"{case}, votre fonction provoque une erreur : "
                            f"{type(exc).__name__} : {exc}") from None
        if abs(got - want) > 1e-9:
            raise Incorrect(f"{case}, votre fonction renvoie {french_number(got, 2)} au lieu "
                            f"de {french_number(want, 2)}. "
                            "Une session arrêtée plus loin dans l'entonnoir a aussi franchi "
                            "cette étape.")


def _exact_step_only(sessions, step):
    return float((sessions["etape_max"] == step).mean())


def _steps_after_only(sessions, step):
    rank = {s: i for i, s in enumerate(FUNNEL_STEPS)}
    return float(sessions["etape_max"].map(rank).gt(rank[step]).mean())


q3 = Question(
    name="q3",
    checker=_check_reached_share,
    expected=lambda: reached_share,
    solution_code="""
def part_atteinte(sessions, etape):
    rang = {e: i for i, e in enumerate(datasets.FUNNEL_STEPS)}
    rangs = sessions["etape_max"].astype(str).map(rang)
    return (rangs >= rang[etape]).mean()

reponse = part_atteinte
""",
    hints=["Une session arrêtée au « paiement » a aussi atteint la « visite », la « fiche "
           "produit » et le « panier » : comparer etape_max == etape ne suffit pas.",
           "Donnez un rang à chaque étape avec datasets.FUNNEL_STEPS (visite = 0 … commande = 4), "
           "puis comptez la part des sessions dont le rang est supérieur ou égal à celui de "
           "l'étape."],
    wrong_answers=[
        (lambda: _exact_step_only, "au lieu de"),
        (lambda: _steps_after_only, "au lieu de"),
        (lambda: 0.5, "on attend une fonction"),
    ],
)


# --- q4: conversion by load-time band, mobile sessions only -----------------------

def _mobile_by_speed() -> pd.DataFrame:
    s = _sessions()
    table = funnel.conversion_by_load_time(s[s["appareil"] == "mobile"])
    return table[["tranche_chargement", "sessions", "taux_conversion"]]


def _check_mobile_by_speed(answer) -> None:
    """Name the usual slip (every device kept) before comparing the table."""
    total = len(_sessions())
    if (isinstance(answer, pd.DataFrame) and "sessions" in answer.columns
            and "appareil" not in answer.columns and answer["sessions"].sum() == total):
        raise Incorrect(f"votre tableau compte toutes les sessions ({french_number(total)}) : "
                        "gardez seulement les sessions mobiles avant de calculer.")
    expect_frame(_mobile_by_speed(), key="tranche_chargement",
                 columns=["tranche_chargement", "sessions", "taux_conversion"],
                 tol=1e-4, what_rows="tranche")(answer)


q4 = Question(
    name="q4",
    checker=_check_mobile_by_speed,
    expected=_mobile_by_speed,
    solution_code="""
mobile = sessions[sessions["appareil"] == "mobile"]
reponse = funnel.conversion_by_load_time(mobile)
""",
    hints=["Filtrez d'abord les sessions mobiles, puis passez-les à "
           "funnel.conversion_by_load_time.",
           "reponse = funnel.conversion_by_load_time(sessions[sessions[\"appareil\"] == "
           "\"mobile\"])"],
    wrong_answers=[
        (lambda: funnel.conversion_by_load_time(_sessions()), "gardez seulement les sessions"),
        (lambda: _mobile_by_speed().assign(sessions=1), "« sessions » n'a pas les bonnes"),
        (lambda: funnel.conversion_by(_sessions(), "appareil"), "colonne(s) manquante(s)"),
        (lambda: funnel.conversion_by_load_time(
            _sessions()[_sessions()["appareil"] == "mobile"], edges=(0, 2, 4, float("inf"))),
         "il en faut 5"),
    ],
)


# --- q5: retention of the January 2024 cohort, three months later ----------------

def _retention_jan_2024_m3() -> float:
    table = cohorts.retention_table(_orders(), end=datasets.END_DATE)
    return float(table.loc["2024-01", 3])


def _retention_jan_2023_m3() -> float:
    table = cohorts.retention_table(_orders(), end=datasets.END_DATE)
    return float(table.loc["2023-01", 3])


def _retention_jan_2024_m2() -> float:
    table = cohorts.retention_table(_orders(), end=datasets.END_DATE)
    return float(table.loc["2024-01", 2])


q5 = Question(
    name="q5",
    checker=expect_share(_retention_jan_2024_m3(), tol=0.0005),
    expected=_retention_jan_2024_m3,
    solution_code="""
retention = cohorts.retention_table(commandes, end=datasets.END_DATE)
reponse = retention.loc["2024-01", 3]
""",
    hints=["cohorts.retention_table(commandes) donne une ligne par mois de première commande "
           "et une colonne par nombre de mois écoulés.",
           "La cohorte de janvier 2024 est la ligne \"2024-01\" ; trois mois après, la colonne 3 : "
           "retention.loc[\"2024-01\", 3]."],
    wrong_answers=[
        (lambda: 100 * _retention_jan_2024_m3(), "pas un pourcentage"),
        (_retention_jan_2023_m3, "trop grand"),
        (_retention_jan_2024_m2, "trop grand"),
    ],
)


QUESTIONS = [q1, q2, q3, q4, q5]
