"""Questions of chapter 04 — La valeur vie client.

Compute a napkin LTV, one customer's RFM row by hand, the same customer's
``frequency / recency / T`` (the ``lifetimes`` trap: repeat purchases only, and a
different recency), read P(alive) from the published BG/NBD model, compute the
share of customers whose margin does not yet cover their acquisition cost, and
write the rule that decides whether a retention offer is worth its cost.
"""

from __future__ import annotations

import math

import pandas as pd

from parcours_helpers import cdnow, datasets, ltv
from parcours_helpers import ltv_models as lm
from parcours_helpers.exercises import (
    Incorrect,
    Question,
    expect_function,
    expect_number,
    lazy,
    load_table,
)

#: The customer of questions 2 and 3 (four orders, one partly refunded).
CUSTOMER = "P00115"
#: The CDNOW customer of question 4 and the published BG/NBD parameters (weeks).
CDNOW_CUSTOMER = 2
BGNBD_PUBLISHED = cdnow.PUBLISHED["BG/NBD"]




def expect_numbers(expected: dict[str, float], tol: float = 0.01, what: str = "valeur"):
    """Check a dict of numbers key by key; the message names each wrong key and its direction."""

    def checker(answer):
        if not isinstance(answer, dict):
            raise Incorrect("on attend un dictionnaire {nom: nombre}, pas un objet de type "
                            f"{type(answer).__name__}.")
        missing = [k for k in expected if k not in answer]
        if missing:
            raise Incorrect(f"il manque {len(missing)} {what}(s) : "
                            + ", ".join(f"« {k} »" for k in missing) + ".")
        wrong = []
        for key, want in expected.items():
            try:
                got = float(answer[key])
            except (TypeError, ValueError):
                raise Incorrect(f"« {key} » doit être un nombre, pas « {answer[key]!r} ».") from None
            if math.isnan(got) or abs(got - want) > tol:
                direction = "trop grand" if got > want else "trop petit"
                wrong.append(f"« {key} » ({direction})")
        if wrong:
            raise Incorrect(f"{len(wrong)} {what}(s) fausse(s) sur {len(expected)} : "
                            + ", ".join(wrong) + ".")

    return checker


# --- q1: the napkin LTV -------------------------------------------------------------

q1 = Question(
    name="q1",
    checker=expect_number(156.0, tol=0.5, unit=" €"),
    expected=lambda: lm.napkin_ltv(90, 2, 0.40, 3, 60),
    solution_code="""
reponse = 90 * 2 * 0.40 * 3 - 60   # panier × achats par an × marge × années − coût d'acquisition
# ou : lm.napkin_ltv(90, 2, 0.40, 3, 60)
""",
    hints=[
        "Multipliez le panier par le nombre d'achats par an, par le taux de marge, puis par la "
        "durée de vie en années.",
        "N'oubliez pas de retirer le coût d'acquisition, payé une seule fois, à la fin.",
    ],
    wrong_answers=[
        (lambda: 90 * 2 * 0.40 * 3, "trop grand"),       # forgot the acquisition cost
        (lambda: 90 * 2 * 3 - 60, "trop grand"),         # revenue instead of margin
        (lambda: 90 * 2 * 0.40 - 60, "trop petit"),      # one year only
    ],
)


# --- q2: an RFM row by hand ---------------------------------------------------------

def _customer_orders() -> pd.DataFrame:
    orders = load_table("commandes")
    return orders[orders["id_personne"] == CUSTOMER]


def _rfm_row() -> dict[str, float]:
    o = lm.order_values(_customer_orders())
    last = o["date_commande"].max().normalize()
    return {"recence_jours": float((datasets.REFERENCE_DATE - last).days),
            "nb_commandes": float(len(o)), "ca_net": float(o["montant_net"].sum())}


def _rfm_row_without_refunds() -> dict[str, float]:
    return {**_rfm_row(), "ca_net": float(_customer_orders()["montant_ttc"].sum())}


def _rfm_row_from_first_order() -> dict[str, float]:
    first = _customer_orders()["date_commande"].min().normalize()
    return {**_rfm_row(), "recence_jours": float((datasets.REFERENCE_DATE - first).days)}


q2 = Question(
    name="q2",
    checker=lazy(lambda e: expect_numbers(e, tol=0.01), _rfm_row),
    expected=_rfm_row,
    solution_code=f"""
c = commandes[commandes["id_personne"] == "{CUSTOMER}"]
net = c["montant_ttc"] - c["montant_rembourse"].fillna(0)
reponse = {{
    "recence_jours": (datasets.REFERENCE_DATE - c["date_commande"].max().normalize()).days,
    "nb_commandes": len(c),
    "ca_net": net.sum(),
}}
""",
    hints=[
        f"Gardez les seules commandes de {CUSTOMER} : "
        f"commandes[commandes[\"id_personne\"] == \"{CUSTOMER}\"].",
        "La récence se compte en jours entre le jour de la DERNIÈRE commande "
        "(.dt.normalize() enlève l'heure) et datasets.REFERENCE_DATE ; le montant net retire "
        "montant_rembourse (vide = 0, d'où .fillna(0)).",
    ],
    wrong_answers=[
        (_rfm_row_without_refunds, "« ca_net » (trop grand)"),
        (_rfm_row_from_first_order, "« recence_jours » (trop grand)"),
        (lambda: {k: v for k, v in _rfm_row().items() if k != "ca_net"}, "il manque 1 valeur"),
    ],
)


# --- q3: the same customer as lifetimes sees it -------------------------------------

def _lifetimes_row() -> dict[str, float]:
    summary = ltv.rfm_summary(_customer_orders(), "id_personne", "date_commande",
                              observation_end=datasets.REFERENCE_DATE)
    return {k: float(v) for k, v in summary.loc[CUSTOMER].items()}


def _lifetimes_row_counting_first() -> dict[str, float]:
    return {**_lifetimes_row(), "frequency": _lifetimes_row()["frequency"] + 1}


def _lifetimes_row_with_rfm_recency() -> dict[str, float]:
    return {**_lifetimes_row(), "recency": _rfm_row()["recence_jours"]}


q3 = Question(
    name="q3",
    checker=lazy(lambda e: expect_numbers(e, tol=0.01), _lifetimes_row),
    expected=_lifetimes_row,
    solution_code=f"""
c = commandes[commandes["id_personne"] == "{CUSTOMER}"]
resume = ltv.rfm_summary(c, "id_personne", "date_commande",
                         observation_end=datasets.REFERENCE_DATE)
reponse = resume.loc["{CUSTOMER}"].to_dict()
# à la main : frequency = jours d'achat − 1 ; recency = dernier − premier achat (jours) ;
# T = 1er janvier 2025 − premier achat (jours)
""",
    hints=[
        "frequency ne compte que les achats RÉPÉTÉS : le premier achat n'est pas compté.",
        "recency est ici le temps entre le premier et le dernier achat (pas depuis le dernier "
        "achat !) ; T le temps entre le premier achat et le 1er janvier 2025. Vérifiez avec "
        "ltv.rfm_summary(…, observation_end=datasets.REFERENCE_DATE).",
    ],
    wrong_answers=[
        (_lifetimes_row_counting_first, "« frequency » (trop grand)"),
        (_lifetimes_row_with_rfm_recency, "« recency » (trop petit)"),
    ],
)


# --- q4: read P(alive) --------------------------------------------------------------

def _p_alive() -> float:
    row = cdnow.load_cdnow_summary().loc[CDNOW_CUSTOMER]
    model = lm.bgnbd_from_params(**BGNBD_PUBLISHED)
    return float(model.conditional_probability_alive(row["frequency"], row["recency"],
                                                     row["T"])[0])


q4 = Question(
    name="q4",
    checker=lazy(lambda e: expect_number(e, tol=0.005), _p_alive),
    expected=_p_alive,
    solution_code=f"""
modele = lm.bgnbd_from_params(**cdnow.PUBLISHED["BG/NBD"])
client = resume_cdnow.loc[{CDNOW_CUSTOMER}]
p = modele.conditional_probability_alive(client["frequency"], client["recency"], client["T"])
reponse = float(p[0])   # environ 0,21 : un seul rachat, tout au début, puis plus rien
""",
    hints=[
        "Construisez le modèle avec lm.bgnbd_from_params(**cdnow.PUBLISHED[\"BG/NBD\"]) puis "
        "appelez sa méthode conditional_probability_alive(frequency, recency, T).",
        "Le résultat est un tableau d'un seul nombre : prenez [0]. Une probabilité est entre "
        "0 et 1 (pas en %).",
    ],
    wrong_answers=[
        (lambda: 100 * _p_alive(), "trop grand"),     # a percentage
        (lambda: 1.0, "trop grand"),                  # "he bought, so he is alive"
        (lambda: 1 - _p_alive(), "trop grand"),       # P(gone)
    ],
)


# --- q5: the share of customers not yet paid back -----------------------------------

def _customers() -> pd.DataFrame:
    history = lm.customer_history(load_table("commandes"), load_table("personnes"),
                                  datasets.REFERENCE_DATE)
    return lm.historical_ltv(history, lm.acquisition_costs(load_table("depenses_marketing"), history))


def _share_losing() -> float:
    return float((_customers()["ltv_historique"] < 0).mean())


def _share_losing_on_revenue() -> float:
    c = _customers()
    return float(((c["ca_net"] - c["cac_eur"]) < 0).mean())


q5 = Question(
    name="q5",
    checker=lazy(lambda e: expect_number(e, tol=0.002), _share_losing),
    expected=_share_losing,
    solution_code="""
historique = lm.customer_history(commandes, personnes, datasets.REFERENCE_DATE)
couts = lm.acquisition_costs(depenses, historique)
clients = lm.historical_ltv(historique, couts)
reponse = (clients["ltv_historique"] < 0).mean()
""",
    hints=[
        "Enchaînez lm.customer_history, lm.acquisition_costs puis lm.historical_ltv : la "
        "colonne ltv_historique vaut marge nette − coût d'acquisition du canal.",
        "La part des valeurs négatives est la moyenne de (colonne < 0) ; donnez une part entre "
        "0 et 1.",
    ],
    wrong_answers=[
        (lambda: 100 * _share_losing(), "trop grand"),   # a percentage
        (_share_losing_on_revenue, "trop petit"),        # revenue instead of margin
    ],
)


# --- q6: is a retention offer worth it? ---------------------------------------------

def offre_rentable(p_vivant, marge_attendue, cout_offre):
    """The solution of q6: the expected margin must exceed the offer's cost."""
    return p_vivant * marge_attendue > cout_offre


_CASES = [
    ((0.9, 50.0, 15.0), True),
    ((0.2, 50.0, 15.0), False),
    ((0.5, 30.0, 15.0), False),   # exactly the cost: not worth the trouble
    ((1.0, 10.0, 5.0), True),
    ((0.0, 500.0, 1.0), False),
]

q6 = Question(
    name="q6",
    checker=expect_function(_CASES, name="votre fonction"),
    expected=lambda: offre_rentable,
    solution_code="""
def offre_rentable(p_vivant, marge_attendue, cout_offre):
    # ce que l'offre rapporte en moyenne doit dépasser ce qu'elle coûte
    return p_vivant * marge_attendue > cout_offre

reponse = offre_rentable
""",
    hints=[
        "Un client parti ne rapporte rien : la marge attendue ne compte que s'il est encore "
        "client, avec la probabilité p_vivant.",
        "Comparez p_vivant × marge_attendue au coût de l'offre ; en cas d'égalité, l'offre ne "
        "rapporte rien de plus : renvoyez False.",
    ],
    wrong_answers=[
        (lambda: (lambda p, m, c: m > c), "avec 0.2, 50.0, 15.0"),
        (lambda: (lambda p, m, c: p * m >= c), "avec 0.5, 30.0, 15.0"),
    ],
)

QUESTIONS = [q1, q2, q3, q4, q5, q6]
