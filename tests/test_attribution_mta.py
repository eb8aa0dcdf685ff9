"""Cross-check our attribution models against `mta`, a maintained package (test-only dependency).

`mta` (MIT, pure Python) implements the same models. Its conventions differ in two places, so
the journeys here are built where both conventions agree:

* `mta` credits each *distinct* channel of a journey in its linear model, we credit each touch:
  journeys here never repeat a channel;
* `mta`'s analytical Markov model sums the probabilities of the converting paths *observed*,
  our absorbing-chain algebra sums over every path of the chain: the journeys here form a tree
  (each channel has one predecessor), so the chain cannot make a path that was not observed.

Its time-decay model weights positions 1, 2, 3…, ours uses a half-life in days: not compared.
"""

import contextlib
import io
import itertools

import pandas as pd
import pytest

from parcours_helpers import attribution

mta = pytest.importorskip("mta", reason="mta (dépendance de test) n'est pas installé")


def _long(paths: list[tuple[list[str], int, int]]) -> pd.DataFrame:
    """Expand (channels, conversions, non-conversions) into our long journeys table."""
    rows, n = [], 0
    for channels, conversions, nulls in paths:
        for converted, count in ((True, conversions), (False, nulls)):
            for _ in range(count):
                n += 1
                rows += [{"id_parcours": f"p{n:04d}", "ordre": i + 1, "canal": c,
                          "converti": converted} for i, c in enumerate(channels)]
    return pd.DataFrame(rows)


def _mta(paths: list[tuple[list[str], int, int]]):
    data = pd.DataFrame({
        "path": [" > ".join(c) for c, _, _ in paths],
        "total_conversions": [conv for _, conv, _ in paths],
        "total_null": [null for _, _, null in paths],
    })
    with contextlib.redirect_stdout(io.StringIO()):  # mta prints timings
        return mta.MTA(data=data, allow_loops=False, add_timepoints=False)


def _compare(ours: pd.Series, theirs: dict[str, float]) -> None:
    theirs = pd.Series(theirs, dtype=float).reindex(ours.index, fill_value=0.0)
    pd.testing.assert_series_equal(ours.sort_index(), theirs.sort_index(),
                                   check_names=False, check_index_type=False, atol=1e-9)


def _all_paths_without_repeats(channels: list[str], max_len: int) -> list[list[str]]:
    return [list(p) for k in range(1, max_len + 1) for p in itertools.permutations(channels, k)]


# Every ordered path of up to 3 distinct channels among 4, with varied counts.
PATHS = [(p, (i * 7) % 5 + (i % 2), (i * 3) % 4)
         for i, p in enumerate(_all_paths_without_repeats(["blog", "e-shop", "chat", "Facebook"], 3))]


@pytest.mark.parametrize("ours,theirs", [
    (attribution.first_touch, lambda m: m.first_touch(normalize=False)),
    (attribution.last_touch, lambda m: m.last_touch(normalize=False)),
    (attribution.linear, lambda m: m.linear(share="same", normalize=False)),
    (attribution.position_based, lambda m: m.position_based(40, 40, normalize=False)),
    (attribution.shapley, lambda m: m.shapley(normalize=False)),
], ids=["premier contact", "dernier contact", "linéaire", "en U", "Shapley"])
def test_rule_based_and_shapley_credits_match_mta(ours, theirs):
    model = _mta(PATHS)
    with contextlib.redirect_stdout(io.StringIO()):
        theirs(model)
    name = list(model.attribution)[-1]
    _compare(ours(_long(PATHS)), model.attribution[name])


def test_credits_add_up_to_the_orders_like_mta():
    journeys = _long(PATHS)
    orders = sum(conv for _, conv, _ in PATHS)
    for model in (attribution.first_touch, attribution.linear, attribution.shapley):
        assert model(journeys).sum() == pytest.approx(orders)


# A tree of journeys: each channel always follows the same channel (or starts the journey).
TREE = [
    (["Facebook"], 2, 9),
    (["Facebook", "blog"], 3, 5),
    (["Facebook", "blog", "e-shop"], 6, 2),
    (["recherche web"], 1, 6),
    (["recherche web", "chat"], 4, 3),
]


def test_markov_removal_effects_match_mta_on_a_tree_of_journeys():
    model = _mta(TREE)
    with contextlib.redirect_stdout(io.StringIO()):
        model.markov(sim=False, normalize=False)
    effects = attribution.removal_effects(_long(TREE)).set_index("canal")["effet_de_retrait"]
    _compare(effects, model.attribution["markov"])
    # And the orders credited are those effects rescaled to the number of orders.
    credit = attribution.markov(_long(TREE))
    assert credit.sum() == pytest.approx(sum(conv for _, conv, _ in TREE))
