import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from parcours_helpers import touchpoints as tp  # noqa: E402
from parcours_helpers.datasets import FORMS, STAGES  # noqa: E402


def _title(ax):
    """The title whatever its location (style.apply() puts it on the left)."""
    return ax.get_title("left") or ax.get_title("center") or ax.get_title("right")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _inventory():
    return pd.DataFrame({
        "point_de_contact": ["flyer", "blog", "boutique", "publicité cinéma", "parrainage"],
        "forme": ["physique", "virtuel", "physique", "physique", "bouche-à-oreille"],
        "etape": ["découverte", "découverte", "achat", "découverte", "besoin"],
        "media": ["affichage", "blog", None, "cinéma", None],
        "canal_marketing": ["flyers", "blog", None, "cinema", "parrainage"],
        "cout_mensuel_eur": [300.0, 100.0, 2000.0, 500.0, 0.0],
        "audience_mensuelle": [3000, 10000, 0, 20000, 50],
        "lieu_zone": ["Paris 11e", "web", "Paris 11e", "Paris", ""],
    })


def _events():
    # P1: blog, blog, then order in the shop; P2: flyer then order on line;
    # P3: blog only; P4: an order with no touch before it.
    return pd.DataFrame({
        "id_personne": ["P1", "P1", "P1", "P2", "P2", "P2", "P3", "P4"],
        "horodatage": pd.to_datetime([
            "2024-01-01 10:00", "2024-01-03 10:00", "2024-01-04 10:00",
            "2024-02-01 10:00", "2024-02-02 10:00", "2024-02-05 10:00",
            "2024-03-31 10:00", "2024-02-10 10:00",
        ]),
        "point_de_contact": ["blog", "blog", "boutique", "flyer", "e-shop", "livraison", "blog",
                             "e-shop"],
        "forme": ["virtuel", "virtuel", "physique", "physique", "virtuel", "physique", "virtuel",
                  "virtuel"],
        "etape": ["découverte", "considération", "achat", "découverte", "achat", "livraison",
                  "découverte", "achat"],
        "id_commande": [None, None, "C1", None, "C2", "C2", None, "C3"],
    })


def test_inventory_is_in_journey_order_with_cost_per_thousand():
    inv = tp.inventory(_inventory())
    assert inv["point_de_contact"].tolist() == ["parrainage", "blog", "flyer", "publicité cinéma",
                                                "boutique"]
    flyer = inv.set_index("point_de_contact").loc["flyer"]
    assert flyer["cout_pour_1000_eur"] == 100.0  # 300 € for 3 000 people
    assert np.isnan(inv.set_index("point_de_contact").loc["boutique", "cout_pour_1000_eur"])
    assert "lieu_zone" in inv.columns


def test_inventory_refuses_unknown_form_duplicates_and_missing_columns():
    bad = _inventory()
    bad.loc[0, "forme"] = "papier"
    with pytest.raises(ValueError, match="« papier ».*« virtuel »"):
        tp.inventory(bad)
    with pytest.raises(ValueError, match="plusieurs fois.*« blog »"):
        tp.inventory(pd.concat([_inventory(), _inventory().iloc[[1]]]))
    with pytest.raises(ValueError, match="« audience_mensuelle »"):
        tp.inventory(_inventory().drop(columns="audience_mensuelle"))


def test_inventory_of_empty_table():
    assert tp.inventory(_inventory().iloc[0:0]).empty


def test_months_covered():
    assert tp.months_covered(pd.Series(pd.to_datetime(["2024-01-31", "2024-01-01"]))) == 1
    assert tp.months_covered(pd.Series(pd.to_datetime(["2023-12-31", "2024-01-01"]))) == 2
    assert tp.months_covered(pd.Series([], dtype="datetime64[ns]")) == 0


def test_usage_counts_contacts_people_and_cost_per_contact():
    use = tp.usage_by_touchpoint(_events(), _inventory()).set_index("point_de_contact")
    # blog: 3 contacts by 2 people; 3 months (jan–mar) × 100 € = 300 €
    assert use.loc["blog", "nb_contacts"] == 3 and use.loc["blog", "nb_personnes"] == 2
    assert use.loc["blog", "cout_periode_eur"] == 300.0
    assert use.loc["blog", "cout_par_contact_eur"] == 100.0
    assert use.loc["blog", "cout_par_personne_eur"] == 150.0
    assert use.loc["blog", "contacts_par_personne"] == 1.5
    # cinema never used: 0 contact, cost per contact undefined (not infinite)
    assert use.loc["publicité cinéma", "nb_contacts"] == 0
    assert np.isnan(use.loc["publicité cinéma", "cout_par_contact_eur"])
    # e-shop and livraison are in the events, not in the inventory: kept, flagged
    assert not use.loc["e-shop", "dans_inventaire"] and use.loc["e-shop", "nb_contacts"] == 2
    assert np.isnan(use.loc["livraison", "cout_periode_eur"])
    assert use.loc["flyer", "dans_inventaire"]


def test_usage_is_sorted_by_contacts_then_name_and_takes_explicit_months():
    use = tp.usage_by_touchpoint(_events(), _inventory(), n_months=24)
    assert use["point_de_contact"].tolist()[:3] == ["blog", "e-shop", "boutique"]
    assert use.set_index("point_de_contact").loc["flyer", "cout_periode_eur"] == 7200.0


def test_usage_with_no_event():
    use = tp.usage_by_touchpoint(_events().iloc[0:0], _inventory(), n_months=12)
    assert len(use) == 5 and (use["nb_contacts"] == 0).all()
    assert use["cout_par_contact_eur"].isna().all()
    assert use["cout_periode_eur"].sum() == 12 * 2900


def test_coverage_matrix_counts_distinct_touchpoints_and_keeps_every_cell():
    m = tp.coverage_matrix(_inventory())
    assert list(m.index) == STAGES and list(m.columns) == FORMS
    assert m.loc["découverte", "physique"] == 2
    assert m.loc["découverte", "virtuel"] == 1
    assert m.loc["usage", "virtuel"] == 0
    assert m.to_numpy().sum() == 5
    # on events, a touchpoint counts once per cell however many times it is used
    assert tp.coverage_matrix(_events()).loc["découverte", "virtuel"] == 1


def test_coverage_of_empty_table_is_all_zero():
    m = tp.coverage_matrix(_inventory().iloc[0:0])
    assert m.shape == (7, 3) and m.to_numpy().sum() == 0


def test_coverage_refuses_unknown_stage():
    bad = _inventory()
    bad.loc[0, "etape"] = "paiement"
    with pytest.raises(ValueError, match="« paiement »"):
        tp.coverage_matrix(bad)


def test_gaps_lists_empty_cells_in_order():
    g = tp.gaps(tp.coverage_matrix(_inventory()))
    assert len(g) == 21 - 4
    assert tuple(g.iloc[0]) == ("besoin", "virtuel")
    assert ("découverte", "virtuel") not in set(map(tuple, g.to_numpy()))
    full = pd.DataFrame(1, index=STAGES, columns=FORMS)
    assert tp.gaps(full).empty and list(tp.gaps(full).columns) == ["etape", "forme"]
    with pytest.raises(TypeError, match="coverage_matrix"):
        tp.gaps([[0]])


def test_plot_coverage_frames_the_gaps():
    m = tp.coverage_matrix(_inventory())
    ax = tp.plot_coverage(m)
    assert _title(ax) and ax.get_xlabel() == "forme du point de contact"
    assert len(ax.patches) == len(tp.gaps(m))


def _people():
    return pd.DataFrame({
        "id_personne": ["A", "B", "C", "D"],
        "persona_simulee": ["Puriste", "Puriste", "Nouveau", None],
        "expo_blog": [True, True, True, False],
        "expo_cinema": [False, False, True, True],
        "expo_affichage": [True, False, False, False],
    })


def test_target_reach_score_uses_the_persona_media_habits():
    s = tp.target_reach_score(_people(), _inventory(), "Puriste").set_index("point_de_contact")
    assert s.loc["blog", "part_cible_exposee"] == 1.0
    assert s.loc["blog", "part_ensemble_exposee"] == 0.75
    assert s.loc["blog", "affinite"] == round(1 / 0.75, 3)
    # "cinéma" in the inventory matches the column expo_cinema (accents ignored)
    assert s.loc["publicité cinéma", "part_cible_exposee"] == 0.0
    assert s.loc["flyer", "part_cible_exposee"] == 0.5
    assert np.isnan(s.loc["boutique", "part_cible_exposee"])


def test_target_reach_score_order_and_first_name():
    s = tp.target_reach_score(_people(), _inventory(), "Eric")  # Eric is the Puriste
    assert s["point_de_contact"].tolist()[:3] == ["blog", "flyer", "publicité cinéma"]
    assert s["part_cible_exposee"].iloc[-2:].isna().all()
    tie = tp.target_reach_score(_people(), _inventory(), "Nouveau")
    # blog and cinema both reach the Nouveau (1.0): tie broken by name
    assert tie["point_de_contact"].tolist()[:2] == ["blog", "publicité cinéma"]


def test_target_reach_score_unknown_persona_lists_present_ones():
    with pytest.raises(ValueError, match="« Habitué ».*« Nouveau », « Puriste »"):
        tp.target_reach_score(_people(), _inventory(), "Habitué")


def test_awareness_vs_sales_on_paper():
    t = tp.awareness_vs_sales(_events()).set_index("point_de_contact")
    # 4 people; blog touched P1 and P3
    assert t.loc["blog", "part_personnes_touchees"] == 0.5
    # 3 orders: C1 after blog, C2 after flyer, C3 after nothing
    assert t.loc["blog", "nb_derniers_contacts"] == 1
    assert t.loc["flyer", "part_derniers_contacts"] == round(1 / 3, 3)
    assert t.loc[tp.NO_TOUCH, "nb_derniers_contacts"] == 1
    assert t["nb_derniers_contacts"].sum() == 3
    # a touchpoint that only sells (the shop) was never a last touch
    assert t.loc["boutique", "nb_derniers_contacts"] == 0
    assert t.loc["blog", "ecart"] == round(1 / 3 - 0.5, 3)


def test_awareness_vs_sales_ties_do_not_depend_on_row_order():
    ev = pd.DataFrame({
        "id_personne": ["P1", "P1", "P1"],
        "horodatage": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 10:00", "2024-01-02 09:00"]),
        "point_de_contact": ["newsletter", "Facebook", "e-shop"],
        "etape": ["découverte", "découverte", "achat"],
        "id_commande": [None, None, "C1"],
    })
    a = tp.awareness_vs_sales(ev).set_index("point_de_contact")
    b = tp.awareness_vs_sales(ev.iloc[[1, 0, 2]]).set_index("point_de_contact")
    assert a.loc["newsletter", "nb_derniers_contacts"] == 1
    assert b.loc["newsletter", "nb_derniers_contacts"] == 1


def test_awareness_vs_sales_empty_and_plot():
    empty = tp.awareness_vs_sales(_events().iloc[0:0])
    assert empty.empty
    ax = tp.plot_awareness_vs_sales(tp.awareness_vs_sales(_events()), highlight="blog")
    bold = [t for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    assert [t.get_text() for t in bold] == ["blog"]
    assert len(ax.patches) == 2 * 6


def test_access_audit_grid_and_score():
    grid = tp.access_audit_grid()
    assert list(grid.columns) == ["theme", "question", "reponse", "note"]
    assert {"stationnement", "signalétique", "devanture", "entrée", "sortie"} <= set(grid["theme"])
    assert grid["note"].isna().all() and grid["question"].str.endswith("?").all()
    grid["note"] = [2, 1, 0, 2, 2, 1]
    s = tp.score_access_audit(grid).set_index("theme")
    assert s.loc["total", "note"] == 8 and s.loc["total", "note_max"] == 12
    assert s.loc["total", "part"] == round(8 / 12, 3)
    assert s.loc["devanture", "a_travailler"] and not s.loc["stationnement", "a_travailler"]


def test_score_access_audit_refuses_blanks_and_out_of_scale():
    grid = tp.access_audit_grid()
    with pytest.raises(ValueError, match="sans note.*« stationnement »"):
        tp.score_access_audit(grid)
    grid["note"] = [2, 1, 0, 2, 2, 5]
    with pytest.raises(ValueError, match="hors barème.*« accessibilité »"):
        tp.score_access_audit(grid)
    with pytest.raises(ValueError, match="« note »"):
        tp.score_access_audit(grid.drop(columns="note"))
    empty = tp.score_access_audit(tp.access_audit_grid().iloc[0:0])
    assert empty["theme"].tolist() == ["total"] and empty["note"].iloc[0] == 0


def test_awareness_vs_sales_can_ignore_the_places_of_purchase():
    ev = pd.DataFrame({
        "id_personne": ["P1", "P1", "P1", "P2", "P2"],
        "horodatage": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03",
                                      "2024-01-01", "2024-01-02"]),
        "point_de_contact": ["Facebook", "e-shop", "e-shop", "e-shop", "e-shop"],
        "etape": ["découverte", "considération", "achat", "considération", "achat"],
        "id_commande": [None, None, "C1", None, "C2"],
    })
    plain = tp.awareness_vs_sales(ev).set_index("point_de_contact")
    assert plain.loc["e-shop", "nb_derniers_contacts"] == 2
    t = tp.awareness_vs_sales(ev, ignore=["e-shop"]).set_index("point_de_contact")
    # P1's browsing of the e-shop is skipped: Facebook becomes the last touch
    assert t.loc["Facebook", "nb_derniers_contacts"] == 1
    # P2 only browsed the e-shop: no touch left before the order
    assert t.loc[tp.NO_TOUCH, "nb_derniers_contacts"] == 1
    # the e-shop still counts in the people reached
    assert t.loc["e-shop", "nb_personnes_touchees"] == 2
    assert t.loc["e-shop", "nb_derniers_contacts"] == 0


def test_plot_cost_per_contact_skips_unknown_costs_and_sorts():
    use = tp.usage_by_touchpoint(_events(), _inventory())
    ax = tp.plot_cost_per_contact(use)
    names = [t.get_text() for t in ax.get_yticklabels()]
    # costs known: blog 100 €, flyer 300 €, boutique 2000 € per contact; cinema never used,
    # parrainage never used, e-shop and livraison not in the inventory
    assert names == ["blog", "flyer", "boutique"]
    assert ax.get_xscale() == "log" and "€" in ax.get_xlabel()
    assert len(ax.texts) == 3
    with pytest.raises(ValueError, match="Aucun point de contact"):
        tp.plot_cost_per_contact(use[use["nb_contacts"] == 0])
    with pytest.raises(ValueError, match="« cout_par_contact_eur »"):
        tp.plot_cost_per_contact(use.drop(columns="cout_par_contact_eur"))


def test_media_habits_by_persona_then_everybody():
    h = tp.media_habits(_people())
    assert list(h.index) == ["Nouveau", "Puriste", "ensemble"]
    assert list(h.columns) == ["blog", "cinema", "affichage"]
    assert h.loc["Puriste", "affichage"] == 0.5 and h.loc["Nouveau", "cinema"] == 1.0
    # everybody includes the person without a persona (D)
    assert h.loc["ensemble", "cinema"] == 0.5
    with pytest.raises(ValueError, match="expo_"):
        tp.media_habits(_people()[["id_personne", "persona_simulee"]])
    with pytest.raises(ValueError, match="« persona_simulee »"):
        tp.media_habits(_people().drop(columns="persona_simulee"))


def _survey():
    return pd.DataFrame({
        "id_personne": ["P1", "P2", "P3", "P4", "P9"],
        "source_info": ["blog", "blog", "proches", "presse", "blog"],
    })


def test_declared_vs_observed_on_paper():
    # first contacts in _events(): P1 blog, P2 flyer, P3 blog, P4 e-shop; P9 has no event
    t = tp.declared_vs_observed(_survey(), _events()).set_index("source_declaree")
    assert list(t.index) == ["blog", "presse", "proches"]  # 2 respondents, then by name
    assert t.loc["blog", "nb_repondants"] == 2  # P9 left out: no event to compare with
    assert t.loc["blog", "part_premier_contact"] == 0.5  # P1 yes, P2 (flyer first) no
    # P2 never read the blog at all
    assert t.loc["blog", "part_jamais_rencontre"] == 0.5
    # tie between blog (P1) and flyer (P2) as first contact: broken by name
    assert t.loc["blog", "premier_contact_le_plus_frequent"] == "blog"
    assert t.loc["proches", "part_jamais_rencontre"] == 1.0
    assert t.loc["presse", "premier_contact_le_plus_frequent"] == "e-shop"


def test_declared_vs_observed_refuses_unknown_source_and_handles_empty():
    bad = _survey().assign(source_info=["blog", "blog", "télévision", "presse", "blog"])
    with pytest.raises(ValueError, match="« télévision ».*« moteur de recherche »"):
        tp.declared_vs_observed(bad, _events())
    with pytest.raises(ValueError, match="« source_info »"):
        tp.declared_vs_observed(_survey().drop(columns="source_info"), _events())
    empty = tp.declared_vs_observed(_survey().iloc[0:0], _events())
    assert empty.empty and "part_premier_contact" in empty.columns
    custom = tp.declared_vs_observed(_survey().iloc[[3]], _events(), {"presse": ["e-shop"]})
    assert custom.loc[0, "part_premier_contact"] == 1.0
