"""Tests of parcours_helpers.attribution on journeys whose credit is computed by hand.

The hand computations are written in the comments. A cross-check against the
``mta`` package (MIT) runs when it is installed; the hand-computed tests and the
second, independent implementations below (path enumeration and power iteration
for Markov, the unanimity-game shortcut for Shapley) stand on their own.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours_helpers import attribution as att

DAY = pd.Timedelta(days=1)
T0 = pd.Timestamp("2024-03-01 10:00:00")


def journeys_from(paths, times=None):
    """Long journeys table from {id: (channels, converted)}; ordre = 1, 2, …"""
    rows = []
    for jid, (channels, converted) in paths.items():
        for k, c in enumerate(channels, start=1):
            row = {"id_parcours": jid, "ordre": k, "canal": c, "converti": converted}
            if times is not None:
                row["horodatage"] = T0 + times[jid][k - 1] * DAY
            rows.append(row)
    return pd.DataFrame(rows)


# Four journeys used throughout:
#   p1: radio (day 0) > blog (day 7) > e-shop (day 14)  → order (at day 14)
#   p2: blog (day 0) > chat (day 7)                     → order (at day 7)
#   p3: blog                                             → no order
#   p4: radio                                            → no order
PATHS = {
    "p1": (["radio", "blog", "e-shop"], True),
    "p2": (["blog", "chat"], True),
    "p3": (["blog"], False),
    "p4": (["radio"], False),
}
TIMES = {"p1": [0, 7, 14], "p2": [0, 7], "p3": [0], "p4": [3]}


@pytest.fixture
def journeys():
    return journeys_from(PATHS, TIMES)


def as_dict(series):
    return {k: round(float(v), 10) for k, v in series.items()}


def approx(d):
    return pytest.approx({k: float(v) for k, v in d.items()})


# ---------------------------------------------------------------------------
# Rule-based models, by hand
# ---------------------------------------------------------------------------

def test_first_touch_by_hand(journeys):
    # p1 starts with radio, p2 with blog; p3 and p4 did not convert.
    assert as_dict(att.first_touch(journeys)) == approx(
        {"blog": 1, "chat": 0, "e-shop": 0, "radio": 1})


def test_last_touch_by_hand(journeys):
    # p1 ends with e-shop, p2 with chat.
    assert as_dict(att.last_touch(journeys)) == approx(
        {"blog": 0, "chat": 1, "e-shop": 1, "radio": 0})


def test_linear_by_hand(journeys):
    # p1: 1/3 to radio, blog, e-shop; p2: 1/2 to blog and chat.
    # blog = 1/3 + 1/2 = 5/6.
    assert as_dict(att.linear(journeys)) == approx(
        {"blog": 5 / 6, "chat": 1 / 2, "e-shop": 1 / 3, "radio": 1 / 3})


def test_linear_counts_each_touch_of_a_repeated_channel():
    # blog > e-shop > blog: blog is touched twice, so gets 2/3.
    j = journeys_from({"a": (["blog", "e-shop", "blog"], True)})
    assert as_dict(att.linear(j)) == approx({"blog": 2 / 3, "e-shop": 1 / 3})


def test_position_based_by_hand(journeys):
    # p1 (3 touches): radio 40 %, blog 20 %, e-shop 40 %.
    # p2 (2 touches): 40/40 rescaled to 50/50, blog 0.5 and chat 0.5.
    assert as_dict(att.position_based(journeys)) == approx(
        {"blog": 0.7, "chat": 0.5, "e-shop": 0.4, "radio": 0.4})


def test_position_based_single_touch_and_long_middle():
    # a: one touch gets everything. b: A > B > C > D: 0.4 / 0.1 / 0.1 / 0.4.
    j = journeys_from({"a": (["A"], True), "b": (["A", "B", "C", "D"], True)})
    assert as_dict(att.position_based(j)) == approx({"A": 1.4, "B": 0.1, "C": 0.1, "D": 0.4})


def test_position_based_rejects_shares_over_one(journeys):
    with pytest.raises(ValueError, match="au plus 1"):
        att.position_based(journeys, first=0.7, last=0.5)


def test_time_decay_by_hand(journeys):
    # Half-life 7 days. p1: ages at the order (day 14) are 14, 7, 0 days, weights
    # 0.25, 0.5, 1 (sum 1.75): radio 1/7, blog 2/7, e-shop 4/7.
    # p2: ages 7 and 0 days, weights 0.5 and 1: blog 1/3, chat 2/3.
    # blog = 2/7 + 1/3 = 13/21.
    assert as_dict(att.time_decay(journeys, half_life_days=7)) == approx(
        {"blog": 13 / 21, "chat": 2 / 3, "e-shop": 4 / 7, "radio": 1 / 7})


def test_time_decay_uses_date_conversion_when_given(journeys):
    # p2's order 7 days after chat: ages 14 and 7, weights 0.25 and 0.5 → still 1/3, 2/3
    # (only ratios matter); p1's order 7 days after e-shop: ages 21, 14, 7 → same shares.
    j = journeys.assign(date_conversion=journeys["id_parcours"].map(
        {"p1": T0 + 21 * DAY, "p2": T0 + 14 * DAY}))
    assert as_dict(att.time_decay(j, 7)) == approx(as_dict(att.time_decay(journeys, 7)))
    # A half-life of 1 day: p2 weights 2**-7 and 1 → chat gets 1 / (1 + 1/128).
    assert att.time_decay(journeys, 1)["chat"] == pytest.approx(128 / 129)


def test_time_decay_needs_timestamps_and_positive_half_life(journeys):
    with pytest.raises(ValueError, match="horodatage"):
        att.time_decay(journeys.drop(columns="horodatage"))
    with pytest.raises(ValueError, match="demi-vie"):
        att.time_decay(journeys, half_life_days=0)


# ---------------------------------------------------------------------------
# Markov chain, by hand
# ---------------------------------------------------------------------------

def test_transition_matrix_by_hand(journeys):
    # start → radio 2 (p1, p4), → blog 2 (p2, p3): 1/2 each.
    # radio → blog 1 (p1), → no order 1 (p4). blog → e-shop, chat, no order: 1/3 each.
    m = att.transition_matrix(journeys)
    assert m.loc[att.START, "radio"] == pytest.approx(0.5)
    assert m.loc["radio", "blog"] == pytest.approx(0.5)
    assert m.loc["radio", att.NO_CONVERSION] == pytest.approx(0.5)
    assert m.loc["blog", ["e-shop", "chat", att.NO_CONVERSION]].tolist() == pytest.approx(
        [1 / 3] * 3)
    assert m.loc["e-shop", att.CONVERSION] == 1.0
    assert m.loc[att.CONVERSION, att.CONVERSION] == 1.0
    transient = [s for s in m.index if s not in (att.CONVERSION, att.NO_CONVERSION)]
    assert m.loc[transient].sum(axis=1).tolist() == pytest.approx([1.0] * len(transient))


def test_conversion_probability_by_hand(journeys):
    # P(blog) = 1/3·1 (e-shop) + 1/3·1 (chat) + 1/3·0 = 2/3; P(radio) = 1/2·P(blog) = 1/3;
    # P(start) = 1/2·P(radio) + 1/2·P(blog) = 1/6 + 1/3 = 1/2.
    assert att.conversion_probability(att.transition_matrix(journeys)) == pytest.approx(0.5)


def test_removal_effects_by_hand(journeys):
    # Without radio: P = 1/2·0 + 1/2·2/3 = 1/3 → effect 1 - (1/3)/(1/2) = 1/3.
    # Without blog: every path goes through blog → P = 0 → effect 1.
    # Without e-shop: P(blog) = 1/3, P(radio) = 1/6, P = 1/12 + 1/6 = 1/4 → effect 1/2.
    # Without chat: same as e-shop by symmetry → 1/2.
    eff = att.removal_effects(journeys).set_index("canal")
    assert eff["effet_de_retrait"].to_dict() == approx(
        {"blog": 1.0, "chat": 0.5, "e-shop": 0.5, "radio": 1 / 3})
    assert eff.loc["radio", "proba_commande_sans"] == pytest.approx(1 / 3)
    assert eff["proba_commande"].tolist() == pytest.approx([0.5] * 4)


def test_markov_credit_by_hand(journeys):
    # Effects sum to 1/3 + 1 + 1/2 + 1/2 = 7/3; 2 orders are shared in proportion:
    # radio 2·(1/3)/(7/3) = 2/7, blog 2·1/(7/3) = 6/7, e-shop = chat = 2·(1/2)/(7/3) = 3/7.
    assert as_dict(att.markov(journeys)) == approx(
        {"blog": 6 / 7, "chat": 3 / 7, "e-shop": 3 / 7, "radio": 2 / 7})


def test_markov_with_a_loop_is_exact():
    # a: A > B > A > order; b: B > no order.
    # start → A 1/2, → B 1/2; A → B 1/2, → order 1/2; B → A 1/2, → no order 1/2.
    # pA = 1/2 + 1/2·pB, pB = 1/2·pA → pA = 1/2 + pA/4 → pA = 2/3, pB = 1/3.
    # P = 1/2·2/3 + 1/2·1/3 = 1/2. Without B: pA = 1/2, P = 1/4 → effect 1/2.
    # Without A: P = 0 → effect 1. Credit of the single order: A 2/3, B 1/3.
    j = journeys_from({"a": (["A", "B", "A"], True), "b": (["B"], False)})
    assert att.conversion_probability(att.transition_matrix(j)) == pytest.approx(0.5)
    eff = att.removal_effects(j).set_index("canal")["effet_de_retrait"]
    assert eff.to_dict() == approx({"A": 1.0, "B": 0.5})
    assert as_dict(att.markov(j)) == approx({"A": 2 / 3, "B": 1 / 3})


def test_remove_channel_rejects_unknown_channel(journeys):
    with pytest.raises(ValueError, match="Canal inconnu"):
        att.remove_channel(att.transition_matrix(journeys), "télévision")


# ---------------------------------------------------------------------------
# Shapley value, by hand
# ---------------------------------------------------------------------------

def test_shapley_two_channels_by_hand():
    # Orders: one journey {A}, one journey {A, B}; one journey {B} without order.
    # v(∅) = 0, v({A}) = 1, v({B}) = 0, v({A, B}) = 2.
    # φ_A = 1/2·(v(A) - v(∅)) + 1/2·(v(AB) - v(B)) = 1/2·1 + 1/2·2 = 1.5
    # φ_B = 1/2·(v(B) - v(∅)) + 1/2·(v(AB) - v(A)) = 0 + 1/2·1 = 0.5
    j = journeys_from({"a": (["A"], True), "b": (["A", "B"], True), "c": (["B"], False)})
    assert as_dict(att.shapley(j)) == approx({"A": 1.5, "B": 0.5})


def test_shapley_by_hand(journeys):
    # Orders: {radio, blog, e-shop} and {blog, chat}. Each order is a unanimity game
    # whose value is shared equally by its channels: 1/3 each, then 1/2 each.
    assert as_dict(att.shapley(journeys)) == approx(
        {"blog": 5 / 6, "chat": 1 / 2, "e-shop": 1 / 3, "radio": 1 / 3})


def test_shapley_ignores_repetition_unlike_linear():
    # blog > e-shop > blog: the set is {blog, e-shop}, so 1/2 each (linear gives 2/3, 1/3).
    j = journeys_from({"a": (["blog", "e-shop", "blog"], True)})
    assert as_dict(att.shapley(j)) == approx({"blog": 0.5, "e-shop": 0.5})


def test_shapley_refuses_too_many_channels(monkeypatch, journeys):
    monkeypatch.setattr(att, "MAX_SHAPLEY_CHANNELS", 3)
    with pytest.raises(ValueError, match="Trop de canaux"):
        att.shapley(journeys)


# ---------------------------------------------------------------------------
# Edge cases and input checks
# ---------------------------------------------------------------------------

def test_no_conversion_gives_zero_credit_everywhere():
    j = journeys_from({"a": (["A", "B"], False), "b": (["B"], False)}, {"a": [0, 1], "b": [0]})
    table = att.compare_models(j)
    assert (table.to_numpy() == 0).all()
    assert sorted(table.index) == ["A", "B"]


def test_compare_models_columns_sum_to_orders(journeys):
    table = att.compare_models(journeys)
    assert list(table.columns) == list(att.MODEL_NAMES.values())
    assert table.sum().tolist() == pytest.approx([2.0] * 7)
    assert table.index[0] == "blog"  # largest Markov credit first


def test_ties_in_time_are_broken_by_ordre():
    j = pd.DataFrame({"id_parcours": ["a", "a"], "ordre": [2, 1], "canal": ["B", "A"],
                      "horodatage": [T0, T0], "converti": [True, True]})
    assert att.first_touch(j)["A"] == 1.0
    assert att.last_touch(j)["B"] == 1.0


def test_empty_table_is_refused():
    empty = pd.DataFrame(columns=["id_parcours", "ordre", "canal", "converti"])
    with pytest.raises(ValueError, match="vide"):
        att.linear(empty)


def test_missing_column_is_named(journeys):
    with pytest.raises(ValueError, match="« converti »"):
        att.first_touch(journeys.drop(columns="converti"))


def test_order_column_is_required(journeys):
    with pytest.raises(ValueError, match="« ordre »"):
        att.first_touch(journeys.drop(columns=["ordre", "horodatage"]))


def test_inconsistent_conversion_flag_is_refused(journeys):
    bad = journeys.copy()
    bad.loc[0, "converti"] = False  # first touch of p1 says "not converted"
    with pytest.raises(ValueError, match="« p1 »"):
        att.linear(bad)


def test_path_counts():
    j = journeys_from({"a": (["A", "B"], True), "b": (["A", "B"], False),
                       "c": (["A", "B"], True), "d": (["B"], False)})
    t = att.path_counts(j)
    assert t["parcours"].tolist() == ["A > B", "B"]
    assert t["commandes"].tolist() == [2, 0]
    assert t["sans_commande"].tolist() == [1, 1]
    assert t["taux_conversion"].tolist() == pytest.approx([2 / 3, 0.0])


def test_model_biases_cover_every_model():
    t = att.model_biases()
    assert t["modèle"].tolist() == list(att.MODEL_NAMES.values())
    assert t[["sur-crédite", "sous-crédite"]].map(len).min().min() > 10


def test_plot_attribution_returns_axes(journeys):
    import matplotlib

    matplotlib.use("Agg")
    ax = att.plot_attribution(att.compare_models(journeys))
    assert ax.get_title().startswith("Part des commandes")
    assert len(ax.texts) == 4 * 7  # one share per channel and model
    matplotlib.pyplot.close("all")


# ---------------------------------------------------------------------------
# build_journeys on hand-made events and orders
# ---------------------------------------------------------------------------

def test_build_journeys_cuts_at_each_order():
    t = pd.Timestamp("2024-01-01 09:00:00")
    events = pd.DataFrame({
        "id_personne": ["P1"] * 7 + ["P2"] * 2,
        "horodatage": [t, t + DAY, t + 2 * DAY, t + 3 * DAY, t + 4 * DAY, t + 5 * DAY,
                       t + 6 * DAY, t, t + DAY],
        "point_de_contact": ["blog", "chat", "e-shop", "livraison", "newsletter", "e-shop",
                             "blog", "blog", "Facebook"],
        "id_commande": [None, None, "O1", None, None, "O2", None, None, None],
    })
    orders = pd.DataFrame({"id_commande": ["O1", "O2", "O3"], "id_personne": ["P1", "P1", "P3"],
                           "date_commande": [t + 2 * DAY, t + 5 * DAY, t + 2 * DAY]})
    j = att.build_journeys(events, orders)
    paths = att.journey_paths(j).set_index("id_parcours")
    # O1: blog, chat (before day 2). The order's own e-shop event and the delivery are
    # not touches. O2: newsletter. The blog of day 6 follows the last order: no journey.
    # O3: no touch at all → a placeholder. P2 never ordered: blog, Facebook, not converted.
    assert paths["canaux"].to_dict() == {
        "O1": ("blog", "chat"), "O2": ("newsletter",), "O3": ("(aucun contact)",),
        "P2-sans-commande": ("blog", "Facebook")}
    assert paths["converti"].to_dict() == {"O1": True, "O2": True, "O3": True,
                                           "P2-sans-commande": False}
    assert j.loc[j["id_parcours"] == "O1", "date_conversion"].eq(t + 2 * DAY).all()
    assert j.loc[j["id_parcours"] == "O1", "ordre"].tolist() == [1, 2]
    assert j.loc[~j["converti"], "date_conversion"].isna().all()


def test_build_journeys_leaves_out_post_sale_stages():
    # A click & collect pick-up (stage « livraison », no order number) follows order O1:
    # it must not become the first touch of the next order O2.
    t = pd.Timestamp("2024-01-01 09:00:00")
    events = pd.DataFrame({
        "id_personne": ["P1"] * 5,
        "horodatage": [t, t + DAY, t + 2 * DAY, t + 3 * DAY, t + 4 * DAY],
        "point_de_contact": ["blog", "click & collect", "click & collect", "newsletter",
                             "e-shop"],
        "etape": ["découverte", "achat", "livraison", "fidélisation", "achat"],
        "id_commande": [None, "O1", None, None, "O2"],
    })
    orders = pd.DataFrame({"id_commande": ["O1", "O2"], "id_personne": ["P1", "P1"],
                           "date_commande": [t + DAY, t + 4 * DAY]})
    paths = att.journey_paths(att.build_journeys(events, orders)).set_index("id_parcours")
    assert paths["canaux"].to_dict() == {"O1": ("blog",), "O2": ("newsletter",)}
    kept = att.journey_paths(att.build_journeys(events, orders, exclude_stages=()))
    assert kept.set_index("id_parcours").loc["O2", "canaux"] == ("click & collect", "newsletter")


def test_build_journeys_names_missing_columns():
    with pytest.raises(ValueError, match="événements"):
        att.build_journeys(pd.DataFrame({"id_personne": []}), pd.DataFrame())


# ---------------------------------------------------------------------------
# Second, independent implementations
# ---------------------------------------------------------------------------

def brute_force_conversion(matrix, removed=None):
    """Sum, over every path from the start to the order, of the product of its
    probabilities (depth-first enumeration; only for graphs without cycles)."""
    def walk(state, prob, seen):
        if state == att.CONVERSION:
            return prob
        if state == att.NO_CONVERSION or state == removed:
            return 0.0
        assert state not in seen, "cycle: brute force needs an acyclic graph"
        row = matrix.loc[state]
        return sum(walk(nxt, prob * p, seen | {state}) for nxt, p in row.items() if p > 0)
    return walk(att.START, 1.0, frozenset())


def power_iteration_conversion(matrix, steps=4000):
    """Push the start distribution through the chain until it is all absorbed."""
    p = matrix.to_numpy()
    x = np.zeros(len(matrix))
    x[list(matrix.index).index(att.START)] = 1.0
    for _ in range(steps):
        x = x @ p
    return x[list(matrix.index).index(att.CONVERSION)]


def test_markov_matches_brute_force_path_enumeration(journeys):
    m = att.transition_matrix(journeys)
    base = brute_force_conversion(m)
    assert att.conversion_probability(m) == pytest.approx(base)
    effects = att.removal_effects(journeys).set_index("canal")["effet_de_retrait"]
    for channel, effect in effects.items():
        assert effect == pytest.approx(1 - brute_force_conversion(m, removed=channel) / base)


def test_markov_matches_power_iteration_with_a_loop():
    j = journeys_from({"a": (["A", "B", "A", "C"], True), "b": (["B", "A"], False),
                       "c": (["C", "B"], True), "d": (["A"], True)})
    m = att.transition_matrix(j)
    assert att.conversion_probability(m) == pytest.approx(power_iteration_conversion(m))
    for channel in ["A", "B", "C"]:
        mc = att.remove_channel(m, channel)
        assert att.conversion_probability(mc) == pytest.approx(power_iteration_conversion(mc))


journey_strategy = st.dictionaries(
    keys=st.text(alphabet="pqrstuvwxyz", min_size=1, max_size=4),
    values=st.tuples(st.lists(st.sampled_from(list("ABCDE")), min_size=1, max_size=5),
                     st.booleans()),
    min_size=1, max_size=8,
)


@settings(max_examples=20, deadline=None)
@given(journey_strategy)
def test_properties_on_random_journeys(paths):
    j = journeys_from(paths, {k: list(range(len(v[0]))) for k, v in paths.items()})
    n_orders = sum(conv for _, conv in paths.values())
    table = att.compare_models(j)
    # Every model shares exactly the orders, never a negative credit.
    assert table.sum().tolist() == pytest.approx([float(n_orders)] * 7, abs=1e-9)
    assert (table.to_numpy() >= -1e-12).all()
    # Shapley with v(S) = orders whose channel set ⊆ S is a sum of unanimity games:
    # each order split equally between its distinct channels.
    by_hand = pd.Series(0.0, index=table.index)
    for channels, conv in paths.values():
        if conv:
            for c in set(channels):
                by_hand[c] += 1 / len(set(channels))
    assert table[att.MODEL_NAMES["shapley"]].to_dict() == pytest.approx(by_hand.to_dict())
    # Exact Markov probability equals the limit of the chain.
    m = att.transition_matrix(j)
    assert att.conversion_probability(m) == pytest.approx(power_iteration_conversion(m), abs=1e-9)


# ---------------------------------------------------------------------------
# Extra: cross-check against the maintained `mta` package (test-only dependency)
# ---------------------------------------------------------------------------

def mta_model(j):
    """Feed our journeys to mta: one row per distinct path with its counts."""
    mta = pytest.importorskip("mta")
    p = att.journey_paths(j)
    p["path"] = p["canaux"].map(" > ".join)
    agg = p.groupby("path")["converti"].agg(total_conversions="sum", total_null="size")
    agg["total_null"] -= agg["total_conversions"]
    data = agg.reset_index().astype({"total_conversions": int, "total_null": int})
    return mta.MTA(data=data, allow_loops=True, add_timepoints=False)


CROSS_PATHS = {  # one repeated channel, several lengths, non-converting journeys
    "a": (["radio", "blog", "chat", "e-shop"], True),
    "b": (["blog", "e-shop", "blog"], True),
    "c": (["Instagram", "e-shop"], True),
    "d": (["blog"], True),
    "e": (["Instagram"], False),
    "f": (["radio", "blog"], False),
    "g": (["blog", "chat", "e-shop"], True),
}


def test_rule_based_and_shapley_match_mta(capsys):
    j = journeys_from(CROSS_PATHS)
    m = mta_model(j)
    m.first_touch(normalize=False).last_touch(normalize=False)
    m.linear(share="proportional", normalize=False).position_based(normalize=False)
    m.shapley(normalize=False)
    ours = {
        "first_touch": att.first_touch(j), "last_touch": att.last_touch(j),
        "linear": att.linear(j), "pos_based": att.position_based(j), "shapley": att.shapley(j),
    }
    for name, series in ours.items():
        theirs = {c: m.attribution[name].get(c, 0.0) for c in series.index}
        assert as_dict(series) == pytest.approx(theirs), name


def test_markov_removal_effects_match_mta_when_every_path_is_observed(capsys):
    # mta's analytical Markov sums the probabilities of the *observed* converting paths,
    # which equals the exact absorbing-chain value only when every converting path of the
    # graph was observed. Here: A > C and B > C, the only converting paths of the graph.
    # By hand: P = 3/5·2/3·3/4 + 2/5·1·3/4 = 3/5; without A: 3/10 → 1/2; without B: 1/2;
    # without C: 0 → 1.
    j = journeys_from({"a1": (["A", "C"], True), "a2": (["A", "C"], True),
                       "b1": (["B", "C"], True), "n1": (["A"], False),
                       "n2": (["B", "C"], False)})
    effects = att.removal_effects(j).set_index("canal")["effet_de_retrait"]
    assert effects.to_dict() == approx({"A": 0.5, "B": 0.5, "C": 1.0})
    m = mta_model(j).markov(sim=False, normalize=False)
    assert effects.to_dict() == pytest.approx(dict(m.attribution["markov"]))
