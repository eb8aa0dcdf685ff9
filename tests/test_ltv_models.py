"""Tests of parcours_helpers.ltv_models: history, RFM, models, channels, service policies."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from lifetimes import BetaGeoFitter, GammaGammaFitter  # noqa: E402

from parcours_helpers import cdnow, ltv  # noqa: E402
from parcours_helpers import ltv_models as lm  # noqa: E402

REF = pd.Timestamp("2025-01-01")


def _orders():
    return pd.DataFrame({
        "id_commande": ["C1", "C2", "C3", "C4"],
        "id_personne": ["P2", "P1", "P1", "P2"],
        "date_commande": pd.to_datetime(["2024-12-01 10:00", "2024-01-01 09:00",
                                         "2024-12-22 18:00", "2024-12-21 08:00"]),
        "montant_ttc": [100.0, 200.0, 50.0, 80.0],
        "marge_brute": [40.0, 90.0, 20.0, 30.0],
        "montant_rembourse": [np.nan, 100.0, np.nan, np.nan],
    })


def _people():
    return pd.DataFrame({"id_personne": ["P1", "P2", "P3"],
                         "canal_acquisition": ["blog", "radio", None]})


# ---------------------------------------------------------------------------
# History, acquisition cost, historical LTV
# ---------------------------------------------------------------------------


def test_order_values_by_hand():
    got = lm.order_values(_orders())
    # C2: half refunded → 100 € kept, half of the 90 € margin
    assert got["montant_net"].tolist() == [100.0, 100.0, 50.0, 80.0]
    assert got["marge_nette"].tolist() == [40.0, 45.0, 20.0, 30.0]


def test_customer_history_by_hand():
    got = lm.customer_history(_orders(), _people(), REF).set_index("id_personne")
    assert got.index.tolist() == ["P1", "P2"]  # P3 never bought
    p1 = got.loc["P1"]
    assert p1["canal_acquisition"] == "blog"
    assert p1["nb_commandes"] == 2
    assert p1["ca_net"] == 150.0 and p1["marge_nette"] == 65.0 and p1["panier_moyen"] == 75.0
    assert p1["recence_jours"] == 10  # 22 Dec → 1 Jan
    assert p1["anciennete_jours"] == 366  # 2024 is a leap year
    assert got.loc["P2", "recence_jours"] == 11


def test_customer_history_names_a_missing_column():
    with pytest.raises(ValueError, match="canal_acquisition"):
        lm.customer_history(_orders(), _people().drop(columns="canal_acquisition"), REF)


def test_acquisition_costs_by_hand():
    history = lm.customer_history(_orders(), _people(), REF)
    spend = pd.DataFrame({"canal_marketing": ["blog", "blog", "radio", "cinema"],
                          "depense_eur": [30.0, 20.0, 300.0, 100.0]})
    got = lm.acquisition_costs(spend, history).set_index("canal_acquisition")
    assert got.loc["blog", "cac_eur"] == 50.0
    assert got.loc["radio", "cac_eur"] == 300.0
    assert got.loc["cinema", "nouveaux_clients"] == 0
    assert np.isnan(got.loc["cinema", "cac_eur"])  # spent, but brought nobody
    assert got.index.tolist() == ["blog", "radio", "cinema"]  # cheapest first, NaN last


def test_napkin_and_historical_ltv():
    assert lm.napkin_ltv(80, 1.5, 0.45, 3) == pytest.approx(162.0)
    assert lm.napkin_ltv(80, 1.5, 0.45, 3, acquisition_cost=200) == pytest.approx(-38.0)
    history = lm.customer_history(_orders(), _people(), REF)
    costs = pd.DataFrame({"canal_acquisition": ["blog"], "cac_eur": [15.0]})
    got = lm.historical_ltv(history, costs).set_index("id_personne")
    assert got.loc["P1", "ltv_historique"] == 50.0  # 65 € of margin − 15 €
    assert got.loc["P2", "cac_eur"] == 0.0  # a channel without known cost


# ---------------------------------------------------------------------------
# RFM
# ---------------------------------------------------------------------------


def test_rfm_scores_by_hand_with_ties():
    h = pd.DataFrame({"recence_jours": [5, 30, 30, 300, 100],
                      "nb_commandes": [6, 1, 1, 2, 1],
                      "ca_net": [600.0, 50.0, 80.0, 200.0, 90.0]})
    got = lm.rfm_scores(h)
    # ranks of −recency: 5 days is best (5/5); the two 30-day customers tie at rank 3
    assert got["score_r"].tolist() == [5, 3, 3, 1, 2]
    # three single-order customers tie at the lowest rank
    assert got["score_f"].tolist() == [5, 1, 1, 4, 1]
    assert got["score_m"].tolist() == [5, 1, 2, 4, 3]
    assert got["rfm"].tolist() == ["555", "311", "312", "144", "213"]


def test_rfm_scores_empty_and_missing_column():
    empty = lm.rfm_scores(pd.DataFrame({"recence_jours": [], "nb_commandes": [], "ca_net": []}))
    assert empty.empty and "rfm" in empty.columns
    with pytest.raises(ValueError, match="ca_net"):
        lm.rfm_scores(pd.DataFrame({"recence_jours": [1], "nb_commandes": [1]}))


@pytest.mark.parametrize("r,f,segment", [
    (5, 5, "Champions"), (4, 4, "Champions"), (3, 5, "Fidèles"), (5, 3, "Fidèles"),
    (4, 1, "Récents"), (3, 2, "Prometteurs"), (2, 3, "À risque"), (1, 5, "À risque"),
    (2, 2, "Hibernants"), (1, 1, "Hibernants"),
])
def test_rfm_segment_rules(r, f, segment):
    assert lm.rfm_segment(r, f) == segment


@given(st.integers(1, 5), st.integers(1, 5))
def test_every_score_pair_has_a_segment(r, f):
    assert lm.rfm_segment(r, f) in lm.SEGMENTS


def test_segment_summary_shares_add_up():
    scores = pd.DataFrame({"score_r": [5, 5, 1, 3], "score_f": [5, 1, 1, 3],
                           "ca_net": [500.0, 100.0, 100.0, 300.0]})
    got = lm.segment_summary(lm.rfm_segments(scores)).set_index("segment")
    assert got.index.tolist() == lm.SEGMENTS
    assert got["part_clients"].sum() == pytest.approx(1.0)
    assert got.loc["Champions", "part_valeur"] == pytest.approx(0.5)
    assert got.loc["À risque", "clients"] == 0 and np.isnan(got.loc["À risque", "valeur_moyenne"])


# ---------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------


def _cdnow_days():
    """The CDNOW summary in days, with the published parameters set by hand (no fit)."""
    s = cdnow.load_cdnow_summary()
    days = s.assign(recency=s["recency"] * 7, T=s["T"] * 7)
    bg = lm.bgnbd_from_params(0.243, 4.414 * 7, 0.793, 2.426)
    gg = GammaGammaFitter()
    gg.params_ = pd.Series({"p": 6.25, "q": 3.74, "v": 15.44})
    return days, bg, gg


def test_customer_predictions_match_lifetimes_clv():
    days, bg, gg = _cdnow_days()
    got = lm.customer_predictions(bg, gg, days, months=12, annual_discount_rate=0.10)
    want = gg.customer_lifetime_value(bg, days["frequency"], days["recency"], days["T"],
                                      days["monetary_value"], time=12,
                                      discount_rate=lm.monthly_rate(0.10), freq="D")
    np.testing.assert_allclose(got["clv"], want, rtol=1e-10)
    assert got.index.equals(days.index)
    # BG/NBD: a customer who never came back is "alive" with probability 1 (its known quirk)
    assert got.loc[days["frequency"] == 0, "p_vivant"].eq(1.0).all()
    assert got["p_vivant"].between(0, 1).all()


def test_discount_lowers_clv():
    days, bg, gg = _cdnow_days()
    none = lm.customer_predictions(bg, gg, days.head(50), annual_discount_rate=0.0)
    some = lm.customer_predictions(bg, gg, days.head(50), annual_discount_rate=0.2)
    assert (some["clv"] < none["clv"]).all()
    np.testing.assert_allclose(none["clv"], none["achats_attendus"] * none["valeur_par_achat"])


def test_bgnbd_from_params_gives_published_p_alive():
    # CDNOW customer 1: 2 repeat purchases, last at week 30.43, observed 38.86 weeks
    model = lm.bgnbd_from_params(0.243, 4.414, 0.793, 2.426)
    assert isinstance(model, BetaGeoFitter)
    assert model.conditional_probability_alive(2, 30.43, 38.86) == pytest.approx(0.7266, abs=1e-4)
    assert model.conditional_probability_alive(0, 0, 38.86) == 1.0  # the BG/NBD quirk


def test_monthly_rate_compounds_to_the_annual_rate():
    assert (1 + lm.monthly_rate(0.12)) ** 12 == pytest.approx(1.12)


def test_fit_gamma_gamma_needs_repeat_customers():
    s = pd.DataFrame({"frequency": [0.0, 0.0, 1.0, 2.0], "monetary_value": [0.0, 0.0, 10.0, 12.0]})
    with pytest.raises(ValueError, match="Seulement 2 client"):
        lm.fit_gamma_gamma(s)
    assert lm.repeat_customers(s).index.tolist() == [2, 3]


def test_frequency_value_correlation_sign():
    s = pd.DataFrame({"frequency": [0.0, 1.0, 2.0, 3.0, 4.0],
                      "monetary_value": [0.0, 10.0, 20.0, 30.0, 40.0]})
    assert lm.frequency_value_correlation(s) == pytest.approx(1.0)
    assert lm.frequency_value_correlation(s.assign(monetary_value=[0, 40, 30, 20, 10.0])) \
        == pytest.approx(-1.0)


def test_fit_on_an_empty_summary_says_so():
    with pytest.raises(ValueError, match="vide"):
        lm.fit_bgnbd(pd.DataFrame({"frequency": [], "recency": [], "T": []}))


class _Constant:
    """A stand-in model predicting frequency_cal + 1 purchases (answers computable by hand)."""

    def conditional_expected_number_of_purchases_up_to_time(self, t, frequency, recency, T):
        return frequency + 1.0


def test_holdout_comparison_by_hand():
    split = pd.DataFrame({"frequency_cal": [0.0, 0.0, 1.0, 3.0, 5.0],
                          "recency_cal": 0.0, "T_cal": 10.0,
                          "frequency_holdout": [0.0, 1.0, 2.0, 4.0, 2.0],
                          "duration_holdout": 10.0})
    got = lm.holdout_comparison(_Constant(), split, max_purchases=3)
    assert got["achats_calibration"].tolist() == [0, 1, 3]
    assert got["clients"].tolist() == [2, 1, 2]
    assert got["reel"].tolist() == [0.5, 2.0, 3.0]
    assert got["predit"].tolist() == [1.0, 2.0, 5.0]  # 4 and 6, on average 5


def test_weekly_summary_is_daily_summary_over_seven():
    tx = _orders()
    daily = ltv.rfm_summary(tx, "id_personne", "date_commande", "montant_ttc", REF)
    weekly = lm.weekly_summary(tx, "id_personne", "date_commande", "montant_ttc", REF)
    np.testing.assert_allclose(weekly["T"] * 7, daily["T"])
    np.testing.assert_allclose(weekly["recency"] * 7, daily["recency"])
    assert weekly["frequency"].equals(daily["frequency"])


# ---------------------------------------------------------------------------
# Channels and service policies
# ---------------------------------------------------------------------------


def test_channel_value_by_hand():
    customers = pd.DataFrame({
        "canal_acquisition": ["blog", "blog", "radio", "radio"],
        "marge_nette": [50.0, 10.0, 100.0, 300.0],
        "clv": [20.0, 5.0, 50.0, 50.0],
        "cac_eur": [30.0, 30.0, 250.0, 250.0],
    })
    got = lm.channel_value(customers).set_index("canal_acquisition")
    # blog: 50 + 20 − 30 = 40 and 10 + 5 − 30 = −15 → mean 12.5, one loser in two
    assert got.loc["blog", "valeur_nette_moyenne"] == 12.5
    assert got.loc["blog", "part_perdants"] == 0.5
    # radio: −100 and +100 → mean 0, one loser
    assert got.loc["radio", "valeur_nette_moyenne"] == 0.0
    assert got.loc["radio", "part_perdants"] == 0.5
    assert got.index.tolist() == ["radio", "blog"]


def _values():
    return pd.DataFrame({"clv": [100.0, 50.0, 30.0, 20.0, 0.0]})


def test_service_policies_by_hand():
    got = lm.service_policies(_values(), cost_uniform=10, cost_premium=20, cost_basic=5,
                              share_premium=0.2, effect_premium=0.5, effect_basic=-0.5)
    uniform, by_value = got.iloc[0], got.iloc[1]
    assert uniform["cout_service"] == 50 and uniform["valeur_clients"] == 200
    assert uniform["resultat"] == 150
    # one premium customer (100 → 150), four basic ones (100 → 50); cost 20 + 4 × 5
    assert by_value["cout_service"] == 40 and by_value["valeur_clients"] == 200
    assert by_value["resultat"] == 160 and by_value["clients_moins_bien_servis"] == 4


def test_policy_sensitivity_falls_as_basic_service_hurts_more():
    got = lm.policy_sensitivity(_values(), [0.0, -0.1, -0.3, -0.6])
    assert got["ecart_resultat"].is_monotonic_decreasing
    assert got["ecart_resultat"].iloc[0] > 0 > got["ecart_resultat"].iloc[-1]


# ---------------------------------------------------------------------------
# Simulation (lifetimes.generate_data needs DataFrame.append)
# ---------------------------------------------------------------------------


def test_lifetimes_transaction_generator_breaks_on_recent_pandas():
    from lifetimes.generate_data import beta_geometric_nbd_model_transactional_data
    with pytest.raises(AttributeError, match="append"):
        beta_geometric_nbd_model_transactional_data(30, 0.2, 4.0, 0.8, 2.4, size=3)


def test_simulate_bgnbd_is_consistent_and_seeded():
    sim = lm.simulate_bgnbd(2000, 0.5, 5.0, 0.8, 2.5, T=52, seed=3)
    assert sim.equals(lm.simulate_bgnbd(2000, 0.5, 5.0, 0.8, 2.5, T=52, seed=3))
    assert (sim["recency"] <= sim["T"]).all()
    assert (sim.loc[sim["frequency"] == 0, "recency"] == 0).all()
    assert sim.loc[sim["frequency"] == 0, "alive"].all()  # nobody leaves before a repeat
    with pytest.raises(ValueError):
        lm.simulate_bgnbd(10, 0.5, 5.0, 0.8, 2.5, T=0)


def test_bgnbd_recovers_simulated_parameters():
    sim = lm.simulate_bgnbd(6000, 0.243, 4.414, 0.793, 2.426, T=39, seed=1)
    fitted = lm.fit_bgnbd(sim).params_
    assert fitted["r"] == pytest.approx(0.243, rel=0.15)
    assert fitted["alpha"] == pytest.approx(4.414, rel=0.15)
    assert fitted["a"] == pytest.approx(0.793, rel=0.25)
    assert fitted["b"] == pytest.approx(2.426, rel=0.25)


# ---------------------------------------------------------------------------
# Figures: French titles, Axes returned
# ---------------------------------------------------------------------------


def test_plots_return_axes_with_french_titles():
    scores = lm.rfm_segments(pd.DataFrame({"score_r": [5, 1], "score_f": [5, 1],
                                           "ca_net": [10.0, 5.0]}))
    days, bg, gg = _cdnow_days()
    axes = [
        lm.plot_rfm_segments(lm.segment_summary(scores)),
        lm.plot_frequency_value(days),
        lm.plot_holdout(pd.DataFrame({"achats_calibration": [0, 1], "reel": [0.2, 0.5],
                                      "predit": [0.25, 0.45]})),
        lm.plot_p_alive(pd.DataFrame({"p_vivant": [0.1, 0.5, 1.0]})),
        lm.plot_channel_value(pd.DataFrame({"canal_acquisition": ["a", "b"],
                                            "valeur_nette_moyenne": [-10.0, 50.0],
                                            "part_perdants": [0.8, 0.1]})),
        lm.plot_policy_sensitivity(lm.policy_sensitivity(_values(), [0.0, -0.5])),
    ]
    for ax in axes:
        assert isinstance(ax, plt.Axes)
        assert ax.get_title() and "the " not in ax.get_title().lower()
    plt.close("all")


# ---------------------------------------------------------------------------
# BG/NBD expected purchases when a + b < 1 (lifetimes returns NaN there)
# ---------------------------------------------------------------------------


def _bg(r, alpha, a, b):
    return lm.bgnbd_from_params(r, alpha, a, b)


def test_expected_purchases_equal_lifetimes_where_lifetimes_works():
    x, tx, T = np.array([0.0, 1, 3, 10]), np.array([0.0, 5, 20, 30]), np.array([20.0, 30, 35, 38])
    model = _bg(0.243, 4.414, 0.793, 2.426)
    want = model.conditional_expected_number_of_purchases_up_to_time(39, x, tx, T)
    np.testing.assert_allclose(lm.expected_purchases(model, 39, x, tx, T), want, rtol=1e-10)


def test_expected_purchases_stay_finite_when_a_plus_b_is_below_one():
    x, tx, T = np.array([0.0, 0, 2]), np.array([0.0, 0, 30]), np.array([10.0, 90, 60])
    model = _bg(3.5, 84.0, 0.108, 0.782)
    with np.errstate(all="ignore"):
        theirs = model.conditional_expected_number_of_purchases_up_to_time(52, x, tx, T)
    assert np.isnan(theirs[:2]).all()  # the trap
    ours = lm.expected_purchases(model, 52, x, tx, T)
    assert np.isfinite(ours).all() and (ours > 0).all()
    # continuity: a + b just below and just above 1 give nearly the same answer
    below = lm.expected_purchases(_bg(3.5, 84.0, 0.2, 0.799), 52, x, tx, T)
    above = lm.expected_purchases(_bg(3.5, 84.0, 0.2, 0.801), 52, x, tx, T)
    np.testing.assert_allclose(below, above, rtol=1e-2)
    # more time, more purchases
    assert (lm.expected_purchases(model, 104, x, tx, T) > ours).all()
