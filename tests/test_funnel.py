import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from parcours_helpers import funnel, style  # noqa: E402
from parcours_helpers.datasets import FUNNEL_STEPS  # noqa: E402

NAN = float("nan")


def sessions(steps, **cols):
    return pd.DataFrame({"etape_max": steps, **cols})


# --- funnel_table -----------------------------------------------------------

def test_funnel_counts_every_session_at_all_earlier_steps():
    t = funnel.funnel_table(sessions(["visite", "visite", "fiche produit", "panier", "commande"]))
    assert list(t.columns) == funnel.FUNNEL_COLUMNS
    assert t["etape"].astype(str).tolist() == FUNNEL_STEPS
    assert t["sessions"].tolist() == [5, 3, 2, 1, 1]
    np.testing.assert_allclose(t["part_des_visites"], [1, 0.6, 0.4, 0.2, 0.2])
    np.testing.assert_allclose(t["taux_passage"], [NAN, 0.6, 2 / 3, 0.5, 1.0])
    np.testing.assert_allclose(t["abandon"], [NAN, 0.4, 1 / 3, 0.5, 0.0])
    assert t["sessions_perdues"].tolist() == [0, 2, 1, 1, 0]


def test_session_at_the_last_step_passes_every_step():
    t = funnel.funnel_table(sessions(["commande"]))
    assert t["sessions"].tolist() == [1, 1, 1, 1, 1]
    np.testing.assert_allclose(t["abandon"], [NAN, 0, 0, 0, 0])
    leak = funnel.biggest_leak(t)
    assert len(leak) == 1 and pd.isna(leak.loc[0, "vers"]) and leak.loc[0, "sessions_perdues"] == 0


def test_empty_sessions_give_zero_counts_and_undefined_rates():
    t = funnel.funnel_table(sessions(pd.Series([], dtype=str)))
    assert t["sessions"].tolist() == [0] * 5
    assert t["part_des_visites"].isna().all() and t["taux_passage"].isna().all()
    split = funnel.funnel_table(sessions(pd.Series([], dtype=str), appareil=pd.Series([], dtype=str)),
                                by="appareil")
    assert len(split) == 0 and list(split.columns) == ["appareil"] + funnel.FUNNEL_COLUMNS


def test_funnel_by_device_with_a_device_that_never_orders():
    s = sessions(["visite", "panier", "commande", "paiement"],
                 appareil=["mobile", "mobile", "ordinateur", "ordinateur"])
    t = funnel.funnel_table(s, by="appareil")
    mobile = t[t["appareil"] == "mobile"]
    assert mobile["sessions"].tolist() == [2, 1, 1, 0, 0]
    np.testing.assert_allclose(mobile["taux_passage"], [NAN, 0.5, 1.0, 0.0, NAN])
    desktop = t[t["appareil"] == "ordinateur"]
    assert desktop["sessions"].tolist() == [2, 2, 2, 2, 1]
    leak = funnel.biggest_leak(t, by="appareil").set_index("appareil")
    assert (leak.loc["mobile", "depuis"], leak.loc["mobile", "vers"]) == ("panier", "paiement")
    assert leak.loc["mobile", "abandon"] == 1.0
    assert (leak.loc["ordinateur", "depuis"], leak.loc["ordinateur", "vers"]) == ("paiement",
                                                                                 "commande")


def test_declared_device_without_session_is_kept_not_dropped():
    device = pd.Categorical(["mobile", "ordinateur"], categories=["mobile", "ordinateur",
                                                                  "tablette"])
    t = funnel.funnel_table(sessions(["visite", "commande"], appareil=device), by="appareil")
    tablet = t[t["appareil"] == "tablette"]
    assert tablet["sessions"].tolist() == [0] * 5 and tablet["taux_passage"].isna().all()
    assert t["appareil"].cat.categories.tolist() == ["mobile", "ordinateur", "tablette"]


def test_funnel_accepts_the_ordered_category_of_the_dataset():
    steps = pd.Categorical(["panier", "visite"], categories=FUNNEL_STEPS, ordered=True)
    assert funnel.funnel_table(sessions(steps))["sessions"].tolist() == [2, 1, 1, 0, 0]


@pytest.mark.parametrize("frame, fragment", [
    (pd.DataFrame({"etape": ["visite"]}), "etape_max"),
    (sessions(["visite", "achat"]), "« achat »"),
    (sessions(["visite", None]), "1 session(s) n'ont pas d'étape"),
])
def test_funnel_rejects_bad_input_in_french(frame, fragment):
    with pytest.raises(ValueError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        funnel.funnel_table(frame)


def test_funnel_refuses_missing_group_values():
    with pytest.raises(ValueError, match="1 session.*« appareil »"):
        funnel.funnel_table(sessions(["visite", "visite"], appareil=["mobile", None]), by="appareil")


# --- biggest_leak -------------------------------------------------------------

def leaky():
    # reached: 10, 6, 5, 2, 2 -> drop-off 40 %, 17 %, 60 %, 0 %; lost 4, 1, 3, 0
    return funnel.funnel_table(sessions(["visite"] * 4 + ["fiche produit"] + ["panier"] * 3
                                        + ["commande"] * 2))


def test_biggest_leak_by_rate_and_by_count_can_differ():
    by_rate = funnel.biggest_leak(leaky())
    assert by_rate.loc[0, ["depuis", "vers"]].tolist() == ["panier", "paiement"]
    assert by_rate.loc[0, "sessions_perdues"] == 3
    assert by_rate.loc[0, "abandon"] == pytest.approx(0.6)
    by_count = funnel.biggest_leak(leaky(), criterion="count")
    assert by_count.loc[0, ["depuis", "vers"]].tolist() == ["visite", "fiche produit"]
    assert by_count.loc[0, "sessions_perdues"] == 4


def test_biggest_leak_tie_goes_to_the_earliest_passage():
    t = funnel.funnel_table(sessions(["visite", "visite", "fiche produit", "commande"]))
    assert t["abandon"].tolist()[1:3] == [0.5, 0.5]
    assert funnel.biggest_leak(t).loc[0, "depuis"] == "visite"


def test_biggest_leak_needs_by_for_a_split_table_and_a_known_criterion():
    split = funnel.funnel_table(sessions(["visite", "panier"], appareil=["mobile", "tablette"]),
                                by="appareil")
    with pytest.raises(ValueError, match='by="appareil"'):
        funnel.biggest_leak(split)
    with pytest.raises(ValueError, match="Critère inconnu"):
        funnel.biggest_leak(leaky(), criterion="taux")
    with pytest.raises(ValueError, match="sessions_perdues"):
        funnel.biggest_leak(pd.DataFrame({"etape": FUNNEL_STEPS}))


# --- conversion by group and by load time ----------------------------------------

def test_conversion_by_group_counts_and_wilson_interval():
    s = sessions(["commande", "visite", "commande", "commande", "panier"],
                 source=["blog", "blog", "radio", "radio", "radio"])
    c = funnel.conversion_by(s, "source")
    assert c["source"].tolist() == ["blog", "radio"]
    assert c["sessions"].tolist() == [2, 3] and c["conversions"].tolist() == [1, 2]
    np.testing.assert_allclose(c["taux_conversion"], [0.5, 2 / 3])
    # Wilson 95 % interval of 1/2, computed by hand: 0.5 ± 0.4055
    assert c.loc[0, "ic_bas"] == pytest.approx(0.0945, abs=1e-3)
    assert c.loc[0, "ic_haut"] == pytest.approx(0.9055, abs=1e-3)
    assert (c["ic_bas"] <= c["taux_conversion"]).all() and (c["taux_conversion"] <= c["ic_haut"]).all()


def test_conversion_to_another_step_and_an_empty_group():
    device = pd.Categorical(["mobile", "mobile"], categories=["mobile", "tablette"])
    c = funnel.conversion_by(sessions(["panier", "visite"], appareil=device), "appareil",
                             step="panier")
    assert c["sessions"].tolist() == [2, 0] and c["conversions"].tolist() == [1, 0]
    assert c.loc[0, "taux_conversion"] == 0.5 and math.isnan(c.loc[1, "taux_conversion"])
    assert math.isnan(c.loc[1, "ic_bas"])
    with pytest.raises(ValueError, match="« achat »"):
        funnel.conversion_by(sessions(["visite"], appareil=["mobile"]), "appareil", step="achat")


def test_zero_conversion_has_an_interval_starting_at_zero():
    c = funnel.conversion_by(sessions(["visite"] * 4, appareil=["mobile"] * 4), "appareil")
    assert c.loc[0, "taux_conversion"] == 0 and c.loc[0, "ic_bas"] == pytest.approx(0, abs=1e-12)
    assert 0 < c.loc[0, "ic_haut"] < 1


def test_load_time_bands_include_the_lower_edge():
    bands = funnel.load_time_band(pd.Series([0.0, 0.99, 1.0, 2.5, 3.0, 4.99, 5.0, 12.0]))
    assert bands.tolist() == ["< 1 s", "< 1 s", "1–2 s", "2–3 s", "3–5 s", "3–5 s", "> 5 s",
                              "> 5 s"]
    assert bands.cat.ordered and bands.cat.categories.tolist() == ["< 1 s", "1–2 s", "2–3 s",
                                                                   "3–5 s", "> 5 s"]
    custom = funnel.load_time_band(pd.Series([1.0, 3.0]), edges=(0, 2.5, math.inf))
    assert custom.tolist() == ["< 2,5 s", "> 2,5 s"]


@pytest.mark.parametrize("values, edges, fragment", [
    ([1.0, -0.5], funnel.LOAD_TIME_EDGES, "négatif"),
    ([1.0, None], funnel.LOAD_TIME_EDGES, "manquant"),
    ([1.0], (1, 2, math.inf), "commencer à 0"),
    ([1.0], (0, 3, 2, math.inf), "croissantes"),
    ([7.0], (0, 1, 5), "inf"),
])
def test_load_time_band_rejects_bad_input(values, edges, fragment):
    with pytest.raises(ValueError, match=fragment):
        funnel.load_time_band(pd.Series(values, dtype=float), edges)


def test_conversion_by_load_time_keeps_every_band_with_its_size():
    s = sessions(["commande", "visite", "commande", "visite", "visite"],
                 temps_chargement_s=[0.5, 0.8, 1.5, 6.0, 7.5])
    c = funnel.conversion_by_load_time(s)
    assert c["tranche_chargement"].astype(str).tolist() == ["< 1 s", "1–2 s", "2–3 s", "3–5 s",
                                                            "> 5 s"]
    assert c["sessions"].tolist() == [2, 1, 0, 0, 2]
    assert c["conversions"].tolist() == [1, 1, 0, 0, 0]
    assert c["sessions"].sum() == len(s)
    with pytest.raises(ValueError, match="temps_chargement_s"):
        funnel.conversion_by_load_time(sessions(["visite"]))


# --- figures ------------------------------------------------------------------

def test_plot_funnel_highlights_the_step_after_the_biggest_leak():
    ax = funnel.plot_funnel(leaky())
    bars = ax.patches
    assert len(bars) == 5
    assert [round(b.get_width(), 2) for b in bars] == [1.0, 0.6, 0.5, 0.2, 0.2]
    colours = [to_hex(b.get_facecolor()) for b in bars]
    assert colours[3] == style.HIGHLIGHT and colours.count(style.HIGHLIGHT) == 1
    assert ax.get_title() and "%" in ax.get_xlabel()
    assert "panier → paiement" in ax.get_legend().get_texts()[0].get_text()
    plt.close("all")


def test_plot_funnels_one_panel_per_device():
    s = sessions(["visite", "commande", "panier"], appareil=["mobile", "ordinateur", "mobile"])
    fig = funnel.plot_funnels(funnel.funnel_table(s, by="appareil"), by="appareil")
    titles = [a.get_title() for a in fig.axes]
    assert len(fig.axes) == 2 and titles[0].startswith("mobile (2 visites")
    assert fig.get_suptitle() == "Entonnoir de conversion par appareil"
    plt.close("all")


def test_plot_conversion_shows_rates_and_sample_sizes():
    c = funnel.conversion_by_load_time(sessions(["commande", "visite"],
                                                temps_chargement_s=[0.5, 2.2]))
    ax = funnel.plot_conversion(c, "tranche_chargement",
                                xlabel="temps de chargement (secondes)")
    texts = [t.get_text() for t in ax.texts]
    assert "n = 1" in texts and "n = 0" in texts
    assert "%" in ax.get_ylabel() and "secondes" in ax.get_xlabel()
    assert len(ax.patches) == 5
    plt.close("all")


def test_plot_conversion_writes_the_rate_above_its_error_bar():
    # 1 conversion out of 2: rate 0.5, Wilson upper bound 0.9055, far above the bar
    c = funnel.conversion_by_load_time(sessions(["commande", "visite"],
                                                temps_chargement_s=[0.5, 0.6]))
    ax = funnel.plot_conversion(c, "tranche_chargement")
    label = next(t for t in ax.texts if t.get_text().startswith("50,0"))
    assert label.get_position()[1] > c.loc[0, "ic_haut"] > 0.9
    plt.close("all")


# --- the checklist --------------------------------------------------------------

def test_site_checklist_is_a_blank_french_grid():
    grid = funnel.site_checklist()
    assert list(grid.columns) == ["theme", "critere", "comment_verifier", "poids", "score"]
    assert grid["score"].isna().all() and len(grid) >= 10
    assert grid["poids"].between(1, 3).all() and grid["critere"].is_unique
    text = " ".join(grid["critere"])
    for word in ["responsive", "mobile-first", "LCP", "2,5 s", "test de charge", "HTTPS",
                 "Sauvegardes", "RGPD"]:
        assert word in text, word
    assert {"Mobile", "Vitesse", "Hébergement", "Sécurité"} <= set(grid["theme"])


def scored(scores, weights=(3, 1, 2)):
    return pd.DataFrame({"critere": ["a", "b", "c"][: len(scores)],
                         "poids": list(weights)[: len(scores)], "score": scores})


@pytest.mark.parametrize("scores, expected", [
    ([2, 2, 2], 1.0), ([0, 0, 0], 0.0), ([1, 1, 1], 0.5),
    ([2, 0, 1], (3 * 2 + 0 + 2 * 1) / 12),
])
def test_score_checklist_weighted_share(scores, expected):
    assert funnel.score_checklist(scored(scores)) == pytest.approx(expected)


def test_score_checklist_on_the_real_grid_does_not_modify_it():
    grid = funnel.site_checklist()
    grid["score"] = 2
    before = grid.copy()
    assert funnel.score_checklist(grid) == 1.0
    pd.testing.assert_frame_equal(grid, before)


@pytest.mark.parametrize("grid, fragment", [
    (scored([2, None, 1]), "1 critère(s) sans note, par exemple « b »"),
    (scored([2, 3, 1]), "hors barème pour « b » (note 3)"),
    (scored([2, 1.5, 1]), "« b » (note 1,5)"),
    (scored([2, "oui", 1]), "valeur(s) reçue(s) : « oui »"),
    (scored([2, 1, -1]), "« c » (note -1)"),
    (scored([2, 1, 1], weights=(3, 0, 1)), "poids"),
    (scored([]), "vide"),
    (pd.DataFrame({"critere": ["a"], "poids": [1]}), "« score »"),
])
def test_score_checklist_rejects_bad_scores_in_french(grid, fragment):
    with pytest.raises(ValueError) as exc:
        funnel.score_checklist(grid)
    assert fragment in str(exc.value)


def test_checklist_priorities_rank_missing_points():
    prio = funnel.checklist_priorities(scored([1, 0, 0], weights=(3, 1, 2)))
    # missing points: a 3 x 1 = 3, b 1 x 2 = 2, c 2 x 2 = 4
    assert prio["critere"].tolist() == ["c", "a", "b"]
    assert prio["points_manquants"].tolist() == [4, 3, 2]
    assert funnel.checklist_priorities(scored([2, 2, 2])).empty


# --- speed compared within a device ------------------------------------------------

def test_conversion_by_load_time_within_device_keeps_every_band_of_every_device():
    s = sessions(["commande", "visite", "commande", "visite", "commande"],
                 temps_chargement_s=[0.5, 4.0, 1.2, 1.8, 6.0],
                 appareil=["mobile", "mobile", "ordinateur", "ordinateur", "mobile"])
    c = funnel.conversion_by_load_time(s, edges=(0, 2, math.inf), within="appareil")
    assert list(c.columns[:2]) == ["appareil", "tranche_chargement"]
    assert c["appareil"].tolist() == ["mobile", "mobile", "ordinateur", "ordinateur"]
    assert c["tranche_chargement"].astype(str).tolist() == ["< 2 s", "> 2 s"] * 2
    # mobile: fast 1/1, slow 1/2; ordinateur: fast 1/2, slow none
    assert c["sessions"].tolist() == [1, 2, 2, 0]
    assert c["conversions"].tolist() == [1, 1, 1, 0]
    np.testing.assert_allclose(c["taux_conversion"], [1.0, 0.5, 0.5, NAN])
    assert c["sessions"].sum() == len(s)


def test_conversion_by_load_time_within_rejects_a_missing_group_or_column():
    s = sessions(["commande", "visite"], temps_chargement_s=[0.5, 4.0], appareil=["mobile", None])
    with pytest.raises(ValueError, match="1 session\\(s\\) n'ont pas de valeur"):
        funnel.conversion_by_load_time(s, within="appareil")
    with pytest.raises(ValueError, match="« appareil »"):
        funnel.conversion_by_load_time(s.drop(columns="appareil"), within="appareil")


def test_plot_conversion_lines_one_line_per_device_skipping_empty_bands():
    s = sessions(["commande", "visite", "commande", "visite"],
                 temps_chargement_s=[0.5, 4.0, 1.2, 1.8],
                 appareil=["mobile", "mobile", "ordinateur", "ordinateur"])
    c = funnel.conversion_by_load_time(s, edges=(0, 2, math.inf), within="appareil")
    ax = funnel.plot_conversion_lines(c, "tranche_chargement", "appareil",
                                      xlabel="temps de chargement (secondes)")
    lines = ax.get_lines()
    assert [ln.get_label() for ln in lines] == ["mobile", "ordinateur"]
    assert list(lines[1].get_xdata()) == [0]  # the empty "> 2 s" band has no point
    assert to_hex(lines[0].get_color()) == funnel.DEVICE_COLOURS["mobile"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["< 2 s", "> 2 s"]
    assert "%" in ax.get_ylabel() and "secondes" in ax.get_xlabel()
    plt.close("all")


# --- the checklist by theme -------------------------------------------------------

def test_score_by_theme_by_hand_and_consistent_with_the_total():
    grid = pd.DataFrame({"theme": ["Mobile", "Sécurité", "Mobile"], "critere": ["a", "b", "c"],
                         "poids": [3, 2, 1], "score": [2, 1, 0]})
    t = funnel.score_by_theme(grid)
    assert t["theme"].tolist() == ["Mobile", "Sécurité"]  # order of first appearance
    assert t["criteres"].tolist() == [2, 1]
    assert t["points"].tolist() == [6, 2] and t["points_max"].tolist() == [8, 4]
    np.testing.assert_allclose(t["score"], [0.75, 0.5])
    assert t["points"].sum() / t["points_max"].sum() == pytest.approx(
        funnel.score_checklist(grid))


def test_score_by_theme_checks_the_grid():
    with pytest.raises(ValueError, match="« theme »"):
        funnel.score_by_theme(scored([2, 1, 0]))
    grid = funnel.site_checklist()
    with pytest.raises(ValueError, match="sans note"):
        funnel.score_by_theme(grid)
