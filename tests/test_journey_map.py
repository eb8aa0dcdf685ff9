"""Tests of parcours_helpers.journeys.journey_map on a tiny shop computed by hand.

Two « Nouveau » (Diego) people, A1 and A2, and one « Habitué » (Max), B1, with no event:

* A1: besoin/recherche web; découverte/blog; considération/e-mail to the service about
  size (answered in 300 min); considération/e-shop; achat/e-shop (order O1, returned for
  size); livraison/livraison. Survey: went to the shop to touch the fabric.
* A2: découverte/blog; découverte/Facebook; considération/e-shop; considération/chat about
  payment (answered in 10 min); achat/boutique (order O2, a collaboration, kept).
  Survey: the size guide should be more precise.

With ``min_share=0.5`` and ``max_per_stage=1`` (two people: a touchpoint needs one of them),
the measured steps are: besoin/recherche web (1/2), découverte/blog (2/2; Facebook 1/2
is beyond the one step per stage), considération/e-shop (2/2) and the customer service
(chat + e-mail as one step, 2/2, always kept), achat/boutique (1/2, tie with the e-shop
broken by name), livraison/livraison (1/2).
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from parcours_helpers.journeys import journey_map as jm  # noqa: E402

EVENTS = [
    # id_personne, etape, point_de_contact, forme, motif, delai_reponse_min
    ("A1", "besoin", "recherche web", "virtuel", None, None),
    ("A1", "découverte", "blog", "virtuel", None, None),
    ("A1", "considération", "service client e-mail", "virtuel", "taille", 300.0),
    ("A1", "considération", "e-shop", "virtuel", None, None),
    ("A1", "achat", "e-shop", "virtuel", None, None),
    ("A1", "livraison", "livraison", "physique", None, None),
    ("A2", "découverte", "blog", "virtuel", None, None),
    ("A2", "découverte", "Facebook", "virtuel", None, None),
    ("A2", "considération", "e-shop", "virtuel", None, None),
    ("A2", "considération", "chat", "virtuel", "paiement", 10.0),
    ("A2", "achat", "boutique", "physique", None, None),
]


@pytest.fixture
def events():
    return pd.DataFrame(EVENTS, columns=["id_personne", "etape", "point_de_contact", "forme",
                                         "motif", "delai_reponse_min"])


@pytest.fixture
def orders():
    return pd.DataFrame({"id_commande": ["O1", "O2"], "id_personne": ["A1", "A2"],
                         "canal": ["e-shop", "boutique"], "collaboration": [False, True],
                         "retour": [True, False], "motif_retour": ["taille", None]})


@pytest.fixture
def people():
    return pd.DataFrame({"id_personne": ["A1", "A2", "B1"],
                         "persona_simulee": pd.Categorical(["Nouveau", "Nouveau", "Habitué"])})


@pytest.fixture
def survey():
    return pd.DataFrame({"id_personne": ["A1", "A2"], "temoignage": [
        "Je suis passé en boutique pour toucher les tissus avant d'acheter.",
        "Le guide des tailles mériterait d'être plus précis, j'ai hésité entre deux tailles."]})


@pytest.fixture
def diego(events, orders, people, survey):
    return jm.build_journey_map(events, orders, people, survey, "Diego", min_share=0.5,
                                max_per_stage=1, min_survey_share=0.5)


# ---------------------------------------------------------------------------
# build_journey_map
# ---------------------------------------------------------------------------

def test_steps_stages_and_evidence(diego):
    assert list(diego.columns) == jm.JOURNEY_MAP_COLUMNS
    assert diego[["etape", "point_de_contact"]].apply(tuple, axis=1).tolist() == [
        ("besoin", "recherche web"),
        ("découverte", "blog"),
        ("considération", "e-shop"),
        ("considération", jm.SUPPORT),
        ("considération", "boutique"),  # from the survey: touching the fabric
        ("achat", "boutique"),
        ("livraison", "livraison"),
    ]
    assert diego["niveau_de_preuve"].tolist() == [jm.MEASURED] * 4 + [jm.ASSUMED] + [
        jm.MEASURED] * 2
    assert diego["ordre"].tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert diego["persona"].unique().tolist() == ["Diego"]
    assert diego["part_personnes"].tolist() == [0.5, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5]
    assert diego.loc[4, "forme"] == "physique"


def test_emotions_follow_the_written_rules(diego):
    # besoin 0, découverte +1, considération 0, support -2 (e-mail median 300 min > 120),
    # the survey's shop visit +1, achat +1, parcel -1 (1 order in 2 returned ≥ 15 %).
    assert diego["emotion"].tolist() == [0, 1, 0, -2, 1, 1, -1]


def test_pain_points_and_opportunities(diego):
    support = diego.loc[3]
    # Motifs tie (1 size, 1 payment): the alphabetical first wins.
    assert support["point_de_douleur"] == (
        "demandes surtout sur : paiement (50\u202f%) ; réponse par e-mail en 5\u202fh (médiane)")
    assert support["opportunite"] == ("moyens de paiement affichés sur chaque fiche; "
                                      "réponse en moins d'une heure")
    parcel = diego.loc[6]
    assert parcel["point_de_douleur"] == "50\u202f% des commandes renvoyées (surtout : taille)"
    assert parcel["opportunite"] == jm.RETURN_OPPORTUNITIES["taille"]
    # The survey's size-guide theme falls on the measured e-shop step: it lends its pain.
    assert diego.loc[2, "point_de_douleur"] == "guide des tailles imprécis (enquête)"
    assert diego.loc[0, "point_de_douleur"] == "" and diego.loc[0, "opportunite"] == ""


def test_moments_of_truth_and_collaboration(diego):
    assert diego["moment_de_verite"].tolist() == ["", "", "zéro", "", "", "premier", "second"]
    # The only shop order is a collaboration: the purchase step says so.
    assert diego.loc[5, "action"] == "achète une collaboration en boutique"
    assert diego.loc[1, "action"] == jm.ACTIONS[("découverte", "blog")]


def test_persona_by_segment_name_and_thresholds(events, orders, people, survey, diego):
    same = jm.build_journey_map(events, orders, people, survey, "Nouveau", min_share=0.5,
                                max_per_stage=1, min_survey_share=0.5)
    pd.testing.assert_frame_equal(same, diego)
    # Two steps per stage: Facebook joins découverte, the e-shop joins achat.
    wider = jm.build_journey_map(events, orders, people, survey, "Diego", min_share=0.5,
                                 max_per_stage=2, min_survey_share=0.5)
    assert len(wider) == len(diego) + 2
    # Nobody uses a touchpoint at a stage more than both people: only the 2/2 steps.
    strict = jm.build_journey_map(events, orders, people, survey, "Diego", min_share=1.0,
                                  max_per_stage=1, min_survey_share=1.0)
    assert strict["point_de_contact"].tolist() == ["blog", "e-shop", jm.SUPPORT]


def test_a_persona_without_data_gives_an_empty_map(events, orders, people, survey):
    empty = jm.build_journey_map(events, orders, people, survey, "Max")
    assert len(empty) == 0 and list(empty.columns) == jm.JOURNEY_MAP_COLUMNS


def test_build_rejects_bad_input(events, orders, people, survey):
    with pytest.raises(ValueError, match="Persona inconnu"):
        jm.build_journey_map(events, orders, people, survey, "Paul")
    with pytest.raises(ValueError, match="entre 0 et 1"):
        jm.build_journey_map(events, orders, people, survey, "Diego", min_share=25)
    with pytest.raises(ValueError, match="motif"):
        jm.build_journey_map(events.drop(columns="motif"), orders, people, survey, "Diego")
    with pytest.raises(ValueError, match="temoignage"):
        jm.build_journey_map(events, orders, people, survey.drop(columns="temoignage"), "Diego")


# ---------------------------------------------------------------------------
# check_journey_map: a table filled by hand in a workshop
# ---------------------------------------------------------------------------

def hand_made():
    return pd.DataFrame({
        "etape": ["achat", "découverte"],
        "action": ["commande", "voit une affiche"],
        "point_de_contact": ["e-shop", "affiche"],
        "forme": ["virtuel", "physique"],
        "emotion": [1, 0],
        "niveau_de_preuve": [jm.ASSUMED, jm.ASSUMED],
    })


def test_check_fills_optional_columns_and_sorts_by_stage():
    t = jm.check_journey_map(hand_made())
    assert list(t.columns) == jm.JOURNEY_MAP_COLUMNS
    assert t["etape"].tolist() == ["découverte", "achat"]
    assert t["point_de_douleur"].tolist() == ["", ""]


@pytest.mark.parametrize("column,value,message", [
    ("emotion", 3, "entre -2 et \\+2"),
    ("etape", "rêverie", "Étape inconnue"),
    ("niveau_de_preuve", "intuition", "Niveau de preuve inconnu"),
])
def test_check_rejects_bad_values(column, value, message):
    t = hand_made()
    t.loc[0, column] = value
    with pytest.raises(ValueError, match=message):
        jm.check_journey_map(t)


def test_check_rejects_mixed_personas_and_unknown_moments():
    with pytest.raises(ValueError, match="plusieurs personas"):
        jm.check_journey_map(hand_made().assign(persona=["Diego", "Max"]))
    with pytest.raises(ValueError, match="Moment de vérité inconnu"):
        jm.check_journey_map(hand_made().assign(moment_de_verite=["troisième", ""]))
    with pytest.raises(ValueError, match="niveau_de_preuve"):
        jm.check_journey_map(hand_made().drop(columns="niveau_de_preuve"))


# ---------------------------------------------------------------------------
# Drawing
# ---------------------------------------------------------------------------

def texts(ax):
    return [t.get_text().replace("\n", " ") for t in ax.texts]


def hatched(ax):
    return [p for p in ax.patches if p.get_hatch()]


def test_plot_journey_map_draws_every_lane_and_marks_evidence(diego):
    ax = jm.plot_journey_map(diego)
    assert ax.get_title(loc="left") == "Carte de parcours de Diego"
    assert list(ax.lanes) == jm.LANES
    shown = texts(ax)
    assert "1. lit un article du blog" in shown  # the action lane, numbered in its stage
    assert any("réponse par e-mail" in t for t in shown)  # a pain point (wrapped)
    assert sum(t.startswith("→") for t in shown) == 3  # one opportunity per pain point
    assert sum("moment" in t for t in shown) == 3
    # The one assumed step: hatched action, touchpoint and form cards (not in the legend).
    assert len(hatched(ax)) == 3
    plt.close(ax.figure)
    ax = jm.plot_journey_map(diego.loc[diego["niveau_de_preuve"] == jm.MEASURED])
    assert hatched(ax) == []
    plt.close(ax.figure)


def test_an_empty_table_draws_the_empty_canvas():
    ax = jm.plot_journey_map(jm.empty_journey_map())
    assert ax.get_title(loc="left") == "Carte de parcours"
    assert [t for t in texts(ax) if t in jm.STAGES] == jm.STAGES
    assert list(ax.lanes) == jm.LANES
    plt.close(ax.figure)


def test_canvas_with_workshop_stages_and_lanes():
    ax = jm.plot_journey_map_canvas(["avant", "pendant", "après"], ["Faire", "Émotion"],
                                    title="Atelier")
    assert {"avant", "pendant", "après", "Faire", "Émotion", "+2", "−2"} <= set(texts(ax))
    assert ax.get_xlim()[1] == pytest.approx(3.02)
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="au moins une étape"):
        jm.plot_journey_map_canvas([], ["Faire"])
