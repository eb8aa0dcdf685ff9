"""Questions of chapter 05 — Segmenter : à chaque client sa famille.

Count a segment, apply the hybrid rules by hand, measure the agreement with the
simulated personas, tune a threshold, build a per-segment profile table (the
order-weighted average basket) and read what the k-means found.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from parcours_helpers import datasets, ltv, segments
from parcours_helpers.exercises import (
    Incorrect,
    Question,
    expect_choice,
    expect_frame,
    expect_mapping,
    expect_number,
    lazy,
    load_table,
)


@lru_cache(maxsize=1)
def _clients() -> pd.DataFrame:
    history = segments.client_history(load_table("personnes"), load_table("commandes"),
                                      load_table("evenements"))
    return history[history["nb_commandes"] > 0]


@lru_cache(maxsize=16)
def _segments(**thresholds) -> pd.Series:
    return segments.hybrid_segments(_clients(), **thresholds)["segment"]


def _truth() -> pd.Series:
    return load_table("personnes").set_index("id_personne")["persona_simulee"]


# --- q1: how many Puristes ---------------------------------------------------------------

def _n_purists() -> int:
    return int((_segments() == "Puriste").sum())


q1 = Question(
    name="q1",
    checker=lazy(lambda v: expect_number(v, tol=0, unit=" clients"), _n_purists),
    expected=_n_purists,
    solution_code="""
classement = segments.hybrid_segments(clients)
reponse = (classement["segment"] == "Puriste").sum()
""",
    hints=[
        "Appliquez les règles à la table clients préparée plus haut : "
        "classement = segments.hybrid_segments(clients).",
        "Comptez les lignes dont la colonne « segment » vaut \"Puriste\" : "
        "(classement[\"segment\"] == \"Puriste\").sum().",
    ],
    wrong_answers=[
        (lambda: int((_truth() == "Puriste").sum()), "trop petit"),
        (lambda: int((_clients()["maturite_mode"] == "expert").sum()), "trop grand"),
    ],
)


# --- q2: apply the rules by hand ----------------------------------------------------------

#: Clients to classify by hand (question 2): maturity, orders, blog reads, collaborations.
CLIENTS = {
    "a": ("expert", 1, 8, 1),
    "b": ("débutant", 4, 15, 0),
    "c": ("intermédiaire", 5, 3, 0),
    "d": ("expert", 3, 12, 0),
    "e": ("débutant", 1, 40, 0),
}


def _by_hand() -> dict:
    return {k: segments.segment_rule(*v) for k, v in CLIENTS.items()}


q2 = Question(
    name="q2",
    checker=lazy(lambda v: expect_mapping(v, what="client"), _by_hand),
    expected=_by_hand,
    solution_code="""
reponse = {"a": "Puriste",   # expert ET une collaboration : règle 1
           "b": "Habitué",   # 4 commandes ET 15 lectures : règle 2
           "c": "Nouveau",   # 5 commandes mais 3 lectures seulement : aucune règle
           "d": "Habitué",   # expert sans collaboration ni 20 lectures : la règle 1 échoue, la 2 s'applique
           "e": "Nouveau"}   # 40 lectures, mais débutant et une seule commande
""",
    hints=[
        "Essayez les règles de segments.rules_table() dans l'ordre : Puriste d'abord, puis "
        "Habitué ; tous les autres sont des Nouveaux.",
        "Être expert ne suffit pas pour être Puriste (il faut aussi une collaboration ou 20 "
        "lectures du blog) ; et beaucoup de commandes ne suffisent pas pour être Habitué.",
    ],
    wrong_answers=[
        (lambda: {**_by_hand(), "d": "Puriste"}, "« d »"),
        (lambda: {**_by_hand(), "c": "Habitué"}, "« c »"),
        (lambda: {k: v for k, v in _by_hand().items() if k != "e"}, "il manque 1 client"),
    ],
)


# --- q3: agreement with the simulated personas -------------------------------------------

def _agreement_pct() -> float:
    return 100 * segments.agreement_rate(_segments(), _truth())


def _agreement_over_everyone() -> float:
    seg = _segments().astype(str).reindex(_truth().index)
    return 100 * float((seg == _truth().astype(str)).mean())


q3 = Question(
    name="q3",
    checker=lazy(lambda v: expect_number(v, tol=0.1, unit=" %"), _agreement_pct),
    expected=_agreement_pct,
    solution_code="""
verite = personnes.set_index("id_personne")["persona_simulee"]
reponse = 100 * segments.agreement_rate(classement["segment"], verite)
""",
    hints=[
        "La persona simulée est la colonne « persona_simulee » de la table personnes ; "
        "mettez l'identifiant en index pour l'aligner sur le classement.",
        "segments.agreement_rate(classement[\"segment\"], verite) donne une part entre 0 et 1 ; "
        "multipliez par 100. Ne comptez que les clients : les autres n'ont pas de persona.",
    ],
    wrong_answers=[
        (_agreement_over_everyone, "trop petit"),
        (lambda: _agreement_pct() / 100, "trop petit"),
    ],
)


# --- q4: tune the blog threshold of the Habitués ------------------------------------------

THRESHOLDS = range(5, 16)


def _best_threshold() -> int:
    rates = {t: segments.agreement_rate(_segments(min_blog_regular=t), _truth())
             for t in THRESHOLDS}
    return max(rates, key=lambda t: (rates[t], -t))  # ties: the smallest threshold


q4 = Question(
    name="q4",
    checker=lazy(lambda v: expect_number(v, tol=0, unit=" lectures"), _best_threshold),
    expected=_best_threshold,
    solution_code="""
taux = {}
for seuil in range(5, 16):
    essai = segments.hybrid_segments(clients, min_blog_regular=seuil)
    taux[seuil] = segments.agreement_rate(essai["segment"], verite)
reponse = max(taux, key=taux.get)
pd.Series(taux).round(3)   # pour voir la courbe
""",
    hints=[
        "Une boucle sur range(5, 16) : pour chaque seuil, "
        "segments.hybrid_segments(clients, min_blog_regular=seuil), puis le taux d'accord.",
        "Rangez les taux dans un dictionnaire {seuil: taux} et prenez la clé du plus grand : "
        "max(taux, key=taux.get).",
    ],
    wrong_answers=[
        (lambda: segments.DEFAULT_RULES["min_blog_regular"], "trop grand"),
        (lambda: 5, "trop petit"),
    ],
)


# --- q5: one profile row per segment ------------------------------------------------------

def _profile_table() -> pd.DataFrame:
    table = _clients().join(_segments())
    by = table.groupby("segment", observed=True)
    out = pd.DataFrame({
        "clients": by.size(),
        "panier_moyen": by["montant_total"].sum() / by["nb_commandes"].sum(),
        "contacts_par_client": by["contacts_service_client"].mean(),
    })
    out.index = out.index.astype(str)
    return out.rename_axis("segment").reset_index()


def _basket_per_client() -> pd.DataFrame:
    table = _clients().join(_segments())
    wrong = _profile_table()
    means = table.groupby("segment", observed=True)["panier_moyen"].mean()
    wrong["panier_moyen"] = means.rename(index=str).reindex(wrong["segment"]).to_numpy()
    return wrong


def _check_profile(answer) -> None:
    if isinstance(answer, pd.DataFrame) and "segment" not in answer.columns:
        answer = answer.reset_index()
    if isinstance(answer, pd.DataFrame) and "segment" in answer.columns:
        answer = answer.assign(segment=answer["segment"].astype(str))
    elif isinstance(answer, pd.DataFrame):
        raise Incorrect("il faut une colonne (ou un index) « segment » : une ligne par segment.")
    expect_frame(_profile_table(), key="segment", tol=0.01, what_rows="ligne")(answer)


q5 = Question(
    name="q5",
    checker=_check_profile,
    expected=_profile_table,
    solution_code="""
table = clients.join(classement["segment"])
par_segment = table.groupby("segment", observed=True)
reponse = pd.DataFrame({
    "clients": par_segment.size(),
    # le panier moyen d'un segment : tout ce qu'il a dépensé / toutes ses commandes
    "panier_moyen": par_segment["montant_total"].sum() / par_segment["nb_commandes"].sum(),
    "contacts_par_client": par_segment["contacts_service_client"].mean(),
})
reponse
""",
    hints=[
        "Joignez le segment à l'historique (clients.join(classement[\"segment\"])), puis "
        "groupez par segment.",
        "Le panier moyen d'un segment, c'est la somme de « montant_total » divisée par la somme "
        "de « nb_commandes » — pas la moyenne des paniers moyens des clients, qui donnerait "
        "autant de poids à un client d'une commande qu'à un client de dix.",
    ],
    wrong_answers=[
        (_basket_per_client, "« panier_moyen »"),
        (lambda: _profile_table().drop(columns="contacts_par_client"), "contacts_par_client"),
        (lambda: _profile_table().iloc[:2], "il en faut 3"),
    ],
)


# --- q6: what the k-means found -----------------------------------------------------------

CHANNELS = list(segments.CHANNEL_COLUMNS)


@lru_cache(maxsize=1)
def _groups() -> pd.DataFrame:
    rfm = ltv.rfm_summary(load_table("commandes"), "id_personne", "date_commande", "montant_ttc",
                          observation_end=datasets.REFERENCE_DATE)
    features = segments.rfm_channel_features(rfm, _clients())
    return segments.cluster_clients(features, k=3, seed=0)


def _group3_channel() -> str:
    means = _groups().groupby("groupe")[list(segments.CHANNEL_COLUMNS.values())].mean()
    column = means.loc["groupe 3"].idxmax()
    return {col: canal for canal, col in segments.CHANNEL_COLUMNS.items()}[column]


_EXPLAIN = {
    "e-shop": "l'e-shop est le canal le plus fréquent chez presque tout le monde ; regardez "
              "quelle part de canal est forte dans le groupe 3 et faible ailleurs.",
    "boutique": "la boutique est le canal du groupe 2 ; regardez la ligne du groupe 3.",
    "click & collect": "le click & collect est le canal du groupe 3 ; relisez la ligne du "
                       "groupe 3 du tableau des moyennes.",
}


q6 = Question(
    name="q6",
    checker=lazy(lambda v: expect_choice(v, CHANNELS, {k: e for k, e in _EXPLAIN.items()
                                                        if k != v}), _group3_channel),
    expected=_group3_channel,
    solution_code="""
rfm = ltv.rfm_summary(commandes, "id_personne", "date_commande", "montant_ttc",
                      observation_end=datasets.REFERENCE_DATE)
variables = segments.rfm_channel_features(rfm, clients)
groupes = segments.cluster_clients(variables, k=3, seed=0)
groupes.groupby("groupe").mean().round(2)   # la ligne « groupe 3 » : part_click_collect ≈ 0,7
reponse = "click & collect"
""",
    hints=[
        "Refaites le k-means du chapitre : ltv.rfm_summary, segments.rfm_channel_features, "
        "puis segments.cluster_clients(variables, k=3, seed=0).",
        "Faites la moyenne de chaque colonne par groupe (groupby(\"groupe\").mean()) et lisez "
        "les trois colonnes part_… de la ligne « groupe 3 ».",
    ],
    wrong_answers=[
        (lambda: "e-shop", "canal le plus fréquent"),
        (lambda: "boutique", "groupe 2"),
        (lambda: "drive", "n'est pas une des réponses possibles"),
    ],
)


QUESTIONS = [q1, q2, q3, q4, q5, q6]
