"""Tests of parcours_helpers.ltv: RFM summaries, calibration/holdout, models, policies."""

import numpy as np
import pandas as pd
import pytest
from lifetimes.utils import summary_data_from_transaction_data

from parcours_helpers import ltv

# ---------------------------------------------------------------------------
# rfm_summary
# ---------------------------------------------------------------------------


def _tx():
    """Four customers, computable by hand (see test_rfm_summary_by_hand)."""
    return pd.DataFrame({
        "client": ["a", "a", "a", "a", "b", "c", "d"],
        "date": pd.to_datetime(["2024-01-01", "2024-01-01 15:00", "2024-01-08", "2024-01-10",
                                "2024-01-05", "2024-01-02", "2024-01-11"], format="ISO8601"),
        "montant": [10.0, 5.0, 20.0, 40.0, 30.0, 12.0, 8.0],
    })


def test_rfm_summary_by_hand():
    # a: purchases on days 1 (two, same day: 15 €), 8 (20 €) and 10 (40 €) → 2 repeat days,
    #    recency 9 days, T = 11 - 1 = 10 days, mean repeat day = (20 + 40) / 2 = 30 €.
    # b: one purchase on day 5 → T = 6; d: only purchase on the observation end → T = 0.
    got = ltv.rfm_summary(_tx(), "client", "date", "montant", observation_end="2024-01-11")
    want = pd.DataFrame(
        {"frequency": [2.0, 0.0, 0.0, 0.0], "recency": [9.0, 0.0, 0.0, 0.0],
         "T": [10.0, 6.0, 9.0, 0.0], "monetary_value": [30.0, 0.0, 0.0, 0.0]},
        index=pd.Index(["a", "b", "c", "d"], name="client"),
    )
    pd.testing.assert_frame_equal(got, want, check_index_type=False)


def test_rfm_summary_weeks_by_hand():
    # 2024-01-01 is a Monday: a buys in weeks 0 and 1 (two days in week 1: 20 + 40 = 60 €).
    got = ltv.rfm_summary(_tx(), "client", "date", "montant", observation_end="2024-01-11",
                          freq="W")
    assert got.loc["a"].tolist() == [1.0, 1.0, 1.0, 60.0]
    assert got.loc["b"].tolist() == [0.0, 0.0, 1.0, 0.0]
    assert got.loc["d"].tolist() == [0.0, 0.0, 0.0, 0.0]


def _random_transactions(seed, n=400, n_customers=60, days=200, int_ids=False):
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2023-03-01")
    ids = rng.integers(0, n_customers, n)
    return pd.DataFrame({
        "id": ids if int_ids else np.char.add("c", ids.astype(str)),
        "quand": start + pd.to_timedelta(rng.integers(0, days * 24, n), unit="h"),
        "euros": rng.gamma(2.0, 30.0, n).round(2),
    })


CASES = [
    # (seed, freq, with amounts, observation end, integer ids)
    (1, "D", True, None, False),
    (2, "D", False, None, False),
    (3, "D", True, "2023-12-31", True),
    (4, "W", True, None, False),
    (5, "W", False, "2024-02-15", False),
    (6, "W", True, "2023-09-17", True),  # a Sunday: the end of a week
]


@pytest.mark.parametrize("seed,freq,amounts,end,int_ids", CASES)
def test_rfm_summary_matches_lifetimes(seed, freq, amounts, end, int_ids):
    tx = _random_transactions(seed, int_ids=int_ids)
    amount_col = "euros" if amounts else None
    got = ltv.rfm_summary(tx, "id", "quand", amount_col, observation_end=end, freq=freq)
    want = summary_data_from_transaction_data(tx, "id", "quand", amount_col,
                                              observation_period_end=end, freq=freq)
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-10)


def test_rfm_summary_matches_lifetimes_when_only_purchase_is_on_observation_end():
    tx = _random_transactions(7, n=100, days=30)
    end = tx["quand"].max()
    tx = pd.concat([tx, pd.DataFrame({"id": ["tardif", "tardif"],
                                      "quand": [end.normalize(), end],
                                      "euros": [10.0, 5.0]})], ignore_index=True)
    for freq in ["D", "W"]:
        got = ltv.rfm_summary(tx, "id", "quand", "euros", observation_end=end.normalize(),
                              freq=freq)
        want = summary_data_from_transaction_data(tx, "id", "quand", "euros",
                                                  observation_period_end=end.normalize(),
                                                  freq=freq)
        pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-10)
        assert got.loc["tardif", "T"] == 0.0 and got.loc["tardif", "frequency"] == 0.0


def test_rfm_summary_accepts_text_dates_like_lifetimes():
    tx = _tx().assign(date=lambda d: d["date"].dt.strftime("%Y-%m-%d %H:%M"))
    got = ltv.rfm_summary(tx, "client", "date", "montant")
    want = summary_data_from_transaction_data(tx, "client", "date", "montant")
    pd.testing.assert_frame_equal(got, want)


def test_rfm_summary_without_amount_has_three_columns():
    got = ltv.rfm_summary(_tx(), "client", "date")
    assert list(got.columns) == ["frequency", "recency", "T"]
    assert got.index.name == "client"


def test_rfm_summary_empty_table_gives_empty_summary():
    got = ltv.rfm_summary(_tx().iloc[:0], "client", "date", "montant")
    assert got.empty and list(got.columns) == ltv.SUMMARY_COLUMNS


def test_rfm_summary_column_T_is_not_the_transpose():
    summary = ltv.rfm_summary(_tx(), "client", "date", observation_end="2024-01-11")
    # summary.T is the transposed table (customers become columns) — the classic trap
    assert list(summary.T.columns) == ["a", "b", "c", "d"]
    assert summary["T"].tolist() == [10.0, 6.0, 9.0, 0.0]


@pytest.mark.parametrize("change,fragment", [
    (lambda d: d.drop(columns="date"), "Colonne manquante dans les transactions : « date »"),
    (lambda d: d.assign(date=["2024-01-01", "hier", "2024-01-02", "2024-01-03",
                              "2024-01-04", "2024-01-05", "2024-01-06"]),
     "date(s) illisible(s) dans la colonne « date », par exemple « hier »"),
    (lambda d: d.assign(date=d["date"].where(d.index != 2)), "1 date(s) manquante(s)"),
    (lambda d: d.assign(montant=d["montant"].where(d.index != 0)), "1 montant(s) manquant(s)"),
    (lambda d: d.assign(montant=-d["montant"]), "7 montant(s) négatif(s)"),
    (lambda d: d.assign(montant="dix"), "doit contenir des montants"),
    (lambda d: d.assign(client=d["client"].where(d.index != 3)), "1 transaction(s) sans client"),
])
def test_rfm_summary_rejects_bad_input_in_french(change, fragment):
    with pytest.raises(ValueError) as err:
        ltv.rfm_summary(change(_tx()), "client", "date", "montant")
    assert fragment in str(err.value)


def test_rfm_summary_rejects_observation_end_before_a_transaction():
    with pytest.raises(ValueError, match=r"précède 2 transaction\(s\), la dernière le 2024-01-11"):
        ltv.rfm_summary(_tx(), "client", "date", observation_end="2024-01-09")


def test_rfm_summary_accepts_same_day_observation_end_with_time():
    got = ltv.rfm_summary(_tx(), "client", "date", observation_end="2024-01-11 00:00")
    assert got.loc["d", "T"] == 0.0


def test_rfm_summary_rejects_unknown_freq_and_bad_end():
    with pytest.raises(ValueError, match="Période inconnue : « M »"):
        ltv.rfm_summary(_tx(), "client", "date", freq="M")
    with pytest.raises(ValueError, match="Date illisible pour la fin d'observation"):
        ltv.rfm_summary(_tx(), "client", "date", observation_end="demain")


def test_rfm_summary_refuses_ambiguous_day_first_text_dates():
    # "01/02/2024" is 1 February for a French reader and 2 January for pandas: refuse it
    tx = _tx().assign(date=lambda d: d["date"].dt.strftime("%d/%m/%Y"))
    with pytest.raises(ValueError, match="dayfirst=True"):
        ltv.rfm_summary(tx, "client", "date")


# ---------------------------------------------------------------------------
# calibration_holdout
# ---------------------------------------------------------------------------


def _cal_tx():
    return pd.DataFrame({
        "client": ["a", "a", "a", "a", "a", "b", "b", "c", "e"],
        "date": pd.to_datetime(["2024-01-01", "2024-01-04", "2024-01-10", "2024-01-10",
                                "2024-01-12", "2024-01-06", "2024-01-07 10:00", "2024-01-02",
                                "2024-01-09"], format="ISO8601"),
        "montant": [10.0, 20.0, 5.0, 15.0, 40.0, 7.0, 9.0, 3.0, 50.0],
    })


def test_calibration_holdout_by_hand():
    # calibration up to 2024-01-07 00:00 (the 10:00 purchase of b goes to the holdout),
    # holdout until 2024-01-14: 7 days.
    # a: cal days 1 and 4 → frequency 1, recency 3, T 6, value 20 €;
    #    holdout days 10 (two purchases, one period) and 12 → 2 periods, mean of the
    #    three transactions (5 + 15 + 40) / 3 = 20 €.
    # b: cal day 6 → T 1; holdout 1 period at 9 €. c: nothing in the holdout.
    # e: first purchase in the holdout → not in the table.
    got = ltv.calibration_holdout(_cal_tx(), "client", "date", "2024-01-07", "2024-01-14",
                                  amount_col="montant")
    want = pd.DataFrame(
        {"frequency_cal": [1.0, 0.0, 0.0], "recency_cal": [3.0, 0.0, 0.0],
         "T_cal": [6.0, 1.0, 5.0], "monetary_value_cal": [20.0, 0.0, 0.0],
         "frequency_holdout": [2.0, 1.0, 0.0], "monetary_value_holdout": [20.0, 9.0, 0.0],
         "duration_holdout": [7.0, 7.0, 7.0]},
        index=pd.Index(["a", "b", "c"], name="client"),
    )
    pd.testing.assert_frame_equal(got, want, check_index_type=False)


def test_calibration_holdout_in_weeks_without_amounts():
    # weeks start on Monday 2024-01-01; calibration ends in week 0, observation in week 2.
    got = ltv.calibration_holdout(_cal_tx(), "client", "date", "2024-01-07 23:59:59",
                                  "2024-01-14", freq="W")
    assert list(got.columns) == ["frequency_cal", "recency_cal", "T_cal",
                                 "frequency_holdout", "duration_holdout"]
    assert got.loc["a"].tolist() == [0.0, 0.0, 0.0, 1.0, 1.0]
    assert got.loc["b", "frequency_holdout"] == 0.0  # b's 10:00 purchase is now in calibration


def test_calibration_summary_equals_rfm_summary_of_the_calibration_period():
    tx = _random_transactions(11)
    end = pd.Timestamp("2023-07-01")
    got = ltv.calibration_holdout(tx, "id", "quand", end, "2023-09-30", amount_col="euros")
    cal = ltv.rfm_summary(tx[tx["quand"] <= end], "id", "quand", "euros", observation_end=end)
    np.testing.assert_allclose(got.iloc[:, :4].to_numpy(), cal.to_numpy())
    # every holdout purchase of a calibration customer is counted once per day
    hold = tx[(tx["quand"] > end) & tx["id"].isin(cal.index)]
    assert got["frequency_holdout"].sum() == hold.groupby("id")["quand"].apply(
        lambda d: d.dt.normalize().nunique()).sum()


@pytest.mark.parametrize("cal_end,obs_end,fragment", [
    ("2024-01-14", "2024-01-07", "doit être postérieure"),
    ("2023-12-01", "2024-01-14", "Aucune transaction avant la fin de la période de calibration"),
    ("2024-01-12", "2024-01-11", "doit être postérieure"),
    ("2024-01-05", "2024-01-10", "précède 1 transaction(s), la dernière le 2024-01-12"),
])
def test_calibration_holdout_rejects_bad_dates(cal_end, obs_end, fragment):
    with pytest.raises(ValueError) as err:
        ltv.calibration_holdout(_cal_tx(), "client", "date", cal_end, obs_end)
    assert fragment in str(err.value)


def test_calibration_holdout_rejects_empty_holdout():
    with pytest.raises(ValueError, match="la période de contrôle est vide"):
        ltv.calibration_holdout(_cal_tx(), "client", "date", "2024-01-12 12:00", "2024-01-20")


@pytest.mark.parametrize("dtype", ["str", "object"])
def test_rfm_summary_sorts_text_ids_like_lifetimes(dtype):
    # upper case before lower case, "é" after "z", "10" before "9": Python's order
    tx = pd.DataFrame({"id": pd.Series(["b", "B", "é", "z", "10", "9", "b"], dtype=dtype),
                       "date": pd.date_range("2024-01-01", periods=7, freq="D")})
    got = ltv.rfm_summary(tx, "id", "date")
    want = summary_data_from_transaction_data(tx, "id", "date")
    assert got.index.tolist() == ["10", "9", "B", "b", "z", "é"]
    pd.testing.assert_frame_equal(got, want, check_index_type=False)


def test_benchmark_script_runs_on_a_small_table(capsys):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_rfm.py"
    spec = importlib.util.spec_from_file_location("bench_rfm", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.main(["2000"])  # also checks that both functions agree
    out = capsys.readouterr().out
    assert "Mêmes résultats que lifetimes" in out and "2000" in out
