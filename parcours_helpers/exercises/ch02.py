"""Questions of chapter 02 — Inventaire des points de contact.

Compute a cost per contact, list the gaps of the inventory's coverage matrix,
choose the touchpoint that best reaches a persona, count the orders Facebook
closes, fill in the access audit grid of a described shop, and write a
function that scores a medium's affinity with a persona.
"""

from __future__ import annotations

import pandas as pd

from parcours_helpers import touchpoints as tp
from parcours_helpers.exercises import (
    Incorrect,
    Question,
    _Blank,
    expect_choice,
    expect_number,
    expect_set,
    lazy,
    load_table,
)

#: Touchpoints set aside as last touch in the chapter (the places where one pays).
PLACES_OF_PURCHASE = ["e-shop", "boutique", "click & collect"]

#: Sonia's workshop, described for the access audit (question 5).
SONIA = {
    "stationnement": "Un parking gratuit est juste devant l'immeuble.",
    "signalétique": "Aucun panneau : l'atelier est au fond d'une cour, rien ne l'indique depuis la rue.",
    "devanture": "On voit la porte vitrée depuis la cour, mais pas depuis la rue.",
    "entrée": "En entrant, on tombe sur les cartons de la dernière livraison.",
    "sortie": "Pour sortir, on repasse devant le présentoir des nouveautés : Sonia l'a placé là exprès.",
    "accessibilité": "L'entrée est de plain-pied, mais les allées sont trop étroites pour un fauteuil.",
}
_SONIA_NOTES = {"stationnement": 2, "signalétique": 0, "devanture": 1, "entrée": 0,
                "sortie": 2, "accessibilité": 1}




# --- q1: the flyer's cost per contact ------------------------------------------------

def _flyer_cost_per_contact() -> float:
    ev, inv = load_table("evenements"), load_table("points_de_contact")
    months = tp.months_covered(ev["horodatage"])
    cost = float(inv.set_index("point_de_contact").loc["flyer", "cout_mensuel_eur"]) * months
    return cost / int((ev["point_de_contact"] == "flyer").sum())


def _flyer_cost_per_person() -> float:
    ev, inv = load_table("evenements"), load_table("points_de_contact")
    cost = float(inv.set_index("point_de_contact").loc["flyer", "cout_mensuel_eur"]) * 24
    return cost / ev.loc[ev["point_de_contact"] == "flyer", "id_personne"].nunique()


q1 = Question(
    name="q1",
    checker=lazy(lambda e: expect_number(e, tol=0.01, unit=" €"), _flyer_cost_per_contact),
    expected=_flyer_cost_per_contact,
    solution_code="""
cout_mensuel = points_de_contact.set_index("point_de_contact").loc["flyer", "cout_mensuel_eur"]
nb_contacts = (evenements["point_de_contact"] == "flyer").sum()
reponse = cout_mensuel * 24 / nb_contacts
# ou : tp.usage_by_touchpoint(evenements, points_de_contact)
""",
    hints=[
        "Le coût sur la période, c'est le coût mensuel de l'inventaire multiplié par le nombre de "
        "mois couverts par les événements (2023 et 2024 : 24 mois).",
        "Divisez ce coût par le nombre de lignes de evenements dont le point de contact est "
        "« flyer » (des contacts, pas des personnes).",
    ],
    wrong_answers=[
        (lambda: _flyer_cost_per_contact() / 24, "trop petit"),
        (_flyer_cost_per_person, "trop grand"),
        (lambda: _flyer_cost_per_contact() / 2, "trop petit"),
    ],
)


# --- q2: the gaps of the inventory ---------------------------------------------------

def _inventory_gaps() -> set[tuple[str, str]]:
    g = tp.gaps(tp.coverage_matrix(load_table("points_de_contact")))
    return set(map(tuple, g.to_numpy().tolist()))


def _pairs(answer):
    """Accept a gaps table or a list of (stage, form) pairs; return a set of tuples."""
    if isinstance(answer, pd.DataFrame):
        if not {"etape", "forme"} <= set(answer.columns):
            raise Incorrect("votre tableau doit avoir les colonnes « etape » et « forme ».")
        return {(str(e), str(f)) for e, f in zip(answer["etape"], answer["forme"], strict=True)}
    if isinstance(answer, (str, bytes)):
        raise Incorrect("on attend une liste de paires (étape, forme).")
    try:
        return {tuple(str(x) for x in pair) for pair in answer}
    except TypeError:
        raise Incorrect("on attend une liste de paires (étape, forme), par exemple "
                        "[(\"besoin\", \"physique\"), …].") from None


def _check_q2(answer) -> None:
    expect_set(_inventory_gaps(), what="case vide")(_pairs(answer))


q2 = Question(
    name="q2",
    checker=_check_q2,
    expected=lambda: sorted(_inventory_gaps()),
    solution_code="""
matrice = tp.coverage_matrix(points_de_contact)
reponse = tp.gaps(matrice)        # un tableau etape / forme convient aussi
""",
    hints=[
        "tp.coverage_matrix(points_de_contact) compte les points de contact de chaque case "
        "étape × forme de l'inventaire (pas des événements).",
        "Les trous sont les cases à 0 ; tp.gaps(matrice) les liste.",
    ],
    wrong_answers=[
        (lambda: tp.gaps(tp.coverage_matrix(load_table("evenements"))), "il manque 2 case vide"),
        (lambda: sorted(_inventory_gaps()) + [("achat", "virtuel")], "en trop"),
        (lambda: "besoin, physique", "paires"),
    ],
)


# --- q3: the touchpoint that best reaches Eric ---------------------------------------

def _reach_eric() -> pd.DataFrame:
    return tp.target_reach_score(load_table("personnes"), load_table("points_de_contact"), "Eric").dropna()


def _best_for_eric() -> str:
    s = _reach_eric().sort_values(["affinite", "point_de_contact"], ascending=[False, True])
    return str(s["point_de_contact"].iloc[0])


def _check_q3(answer) -> None:
    s = _reach_eric()
    explanations = {
        "facebook": "Facebook touche beaucoup de monde, mais les puristes y sont un peu moins "
                    "présents que la moyenne (affinité sous 1).",
        "publicité cinéma": "le cinéma ne touche qu'environ une personne sur dix : ce sont les "
                            "moufles sous les tropiques.",
        "affiche": "l'affiche touche une bonne part des puristes, mais presque autant le reste "
                   "du public : son affinité est faible.",
    }
    expect_choice(_best_for_eric(), s["point_de_contact"].tolist(), explanations)(answer)


q3 = Question(
    name="q3",
    checker=_check_q3,
    expected=_best_for_eric,
    solution_code="""
score = tp.target_reach_score(personnes, points_de_contact, "Eric")
reponse = score.sort_values("affinite", ascending=False)["point_de_contact"].iloc[0]
""",
    hints=[
        "tp.target_reach_score(personnes, points_de_contact, \"Eric\") donne, pour chaque point de "
        "contact, la part des puristes exposés et l'affinité.",
        "L'affinité compare la cible à tout le monde : on cherche la plus grande, pas la plus "
        "grande audience.",
    ],
    wrong_answers=[
        (lambda: "Facebook", "moins présents"),
        (lambda: "publicité cinéma", "moufles"),
        (lambda: "la radio", "n'est pas une des réponses possibles"),
    ],
)


# --- q4: orders closed by Facebook ---------------------------------------------------

def _facebook_last_touch(ignore=tuple(PLACES_OF_PURCHASE)) -> int:
    t = tp.awareness_vs_sales(load_table("evenements"), ignore=list(ignore))
    return int(t.set_index("point_de_contact").loc["Facebook", "nb_derniers_contacts"])


q4 = Question(
    name="q4",
    checker=lazy(lambda e: expect_number(e, tol=0, unit=" commandes"), _facebook_last_touch),
    expected=_facebook_last_touch,
    solution_code="""
notoriete = tp.awareness_vs_sales(evenements, ignore=["e-shop", "boutique", "click & collect"])
reponse = notoriete.set_index("point_de_contact").loc["Facebook", "nb_derniers_contacts"]
""",
    hints=[
        "Comme dans le chapitre : tp.awareness_vs_sales(evenements, ignore=[…]) avec les trois "
        "lieux où l'on paie.",
        "La colonne « nb_derniers_contacts » compte les commandes ; « nb_personnes_touchees » "
        "compte des personnes.",
    ],
    wrong_answers=[
        (lambda: _facebook_last_touch(ignore=()), "trop petit"),
        (lambda: int(load_table("evenements").loc[load_table("evenements")["point_de_contact"] == "Facebook",
                                             "id_personne"].nunique()), "trop grand"),
    ],
)


# --- q5: fill in the access audit grid ------------------------------------------------

def _sonia_grid() -> pd.DataFrame:
    grid = tp.access_audit_grid()
    grid["reponse"] = grid["theme"].map(SONIA)
    grid["note"] = grid["theme"].map(_SONIA_NOTES)
    return grid


def _check_q5(answer) -> None:
    if not isinstance(answer, pd.DataFrame):
        raise Incorrect("on attend la grille remplie (un tableau), pas un objet de type "
                        f"{type(answer).__name__}.")
    for col in ["theme", "note"]:
        if col not in answer.columns:
            raise Incorrect(f"la grille n'a plus de colonne « {col} » : repartez de "
                            "tp.access_audit_grid().")
    if answer["note"].map(lambda v: isinstance(v, _Blank)).any():
        raise Incorrect("la colonne « note » contient encore ____ : remplacez-le par vos notes.")
    notes = dict(zip(answer["theme"].astype(str), answer["note"], strict=True))
    missing = [t for t in _SONIA_NOTES if t not in notes or pd.isna(notes[t])]
    if missing:
        raise Incorrect("pas de note pour : " + ", ".join(f"« {t} »" for t in missing) + ".")
    wrong = [t for t, n in _SONIA_NOTES.items() if float(notes[t]) != n]
    if wrong:
        raise Incorrect(f"{len(wrong)} thème(s) mal noté(s) sur {len(_SONIA_NOTES)} : "
                        + ", ".join(f"« {t} »" for t in wrong)
                        + ". Rappel : 0 = non, 1 = en partie, 2 = oui.")


q5 = Question(
    name="q5",
    checker=_check_q5,
    expected=_sonia_grid,
    solution_code="""
grille = tp.access_audit_grid()
grille["note"] = [2, 0, 1, 0, 2, 1]   # stationnement, signalétique, devanture, entrée, sortie, accessibilité
reponse = grille
tp.score_access_audit(grille)         # 6 points sur 12
""",
    hints=[
        "Les thèmes sont dans l'ordre de la grille : stationnement, signalétique, devanture, "
        "entrée, sortie, accessibilité.",
        "« En partie » vaut 1 : c'est le cas quand la réponse dit « oui, mais… ».",
    ],
    wrong_answers=[
        (lambda: _sonia_grid().assign(note=[2, 0, 1, 1, 2, 0]), "« entrée », « accessibilité »"),
        (lambda: tp.access_audit_grid(), "pas de note"),
        (lambda: [2, 0, 1, 0, 2, 1], "la grille remplie"),
        (lambda: tp.access_audit_grid().assign(note=[_Blank()] * 6), "contient encore ____"),
    ],
)


# --- q6: a function that scores a medium's affinity with a persona -------------------

def _people_case() -> pd.DataFrame:
    return pd.DataFrame({
        "id_personne": ["A", "B", "C", "D", "E"],
        "persona_simulee": ["Puriste", "Puriste", "Nouveau", "Nouveau", None],
        "expo_blog": [True, True, True, False, False],
        "expo_cinema": [False, True, False, False, True],
    })


#: (media, persona, expected affinity) on :func:`_people_case`.
_Q6_CASES = [
    ("blog", "Puriste", 1.0 / 0.6),   # 2/2 of the purists, 3/5 of everybody
    ("blog", "Nouveau", 0.5 / 0.6),
    ("cinema", "Puriste", 0.5 / 0.4),
    ("cinema", "Nouveau", 0.0),
]


def _solution_q6(personnes: pd.DataFrame, media: str, persona: str) -> float:
    expo = personnes["expo_" + media]
    cible = personnes["persona_simulee"] == persona
    return float(expo[cible].mean() / expo.mean())


def _check_q6(answer) -> None:
    if not callable(answer):
        raise Incorrect("on attend une fonction (def …), pas un objet de type "
                        f"{type(answer).__name__}.")
    for media, persona, want in _Q6_CASES:
        try:
            got = answer(_people_case(), media, persona)
        except Exception as exc:
            raise Incorrect(f"avec le média « {media} » et la persona « {persona} », votre "
                            f"fonction provoque une erreur : {type(exc).__name__} : {exc}") from None
        try:
            ok = abs(float(got) - want) <= 0.01
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise Incorrect(f"avec le média « {media} » et la persona « {persona} » (5 personnes "
                            f"dont une sans persona), votre fonction renvoie {got!r} au lieu de "
                            f"{round(want, 3)}.")


q6 = Question(
    name="q6",
    checker=_check_q6,
    expected=lambda: _solution_q6,
    solution_code="""
def affinite(personnes, media, persona):
    expo = personnes["expo_" + media]
    cible = personnes["persona_simulee"] == persona
    return expo[cible].mean() / expo.mean()

reponse = affinite
""",
    hints=[
        "La part de la cible exposée : la moyenne de la colonne expo_<media> sur les seules "
        "personnes de la persona (la moyenne de True/False est une part).",
        "Divisez-la par la même moyenne calculée sur tout le monde, y compris les personnes "
        "sans persona.",
    ],
    wrong_answers=[
        (lambda: (lambda p, m, s: float(p.loc[p["persona_simulee"] == s, "expo_" + m].mean())),
         "au lieu de 1.667"),
        (lambda: (lambda p, m, s: float(
            p.loc[p["persona_simulee"] == s, "expo_" + m].mean()
            / p.loc[p["persona_simulee"].notna(), "expo_" + m].mean())), "au lieu de 1.667"),
        (lambda: 1.67, "une fonction"),
    ],
)

QUESTIONS = [q1, q2, q3, q4, q5, q6]
