"""Customer lifetime value, step one: the RFM summary of a transaction log.

The summary functions reproduce ``lifetimes.utils.summary_data_from_transaction_data``
and ``calibration_and_holdout_data`` (same columns, same numbers) with vectorised
numpy, because the ``lifetimes`` versions are slow on large tables and partly broken
on pandas 3. The models (BG/NBD, Gamma-Gamma…), RFM scores and the value by
channel live in :mod:`parcours_helpers.ltv_models`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from parcours_helpers.validation import require_columns

#: Period lengths the summaries accept, in days ("D" = day, "W" = week starting Monday).
FREQ_DAYS = {"D": 1, "W": 7}
#: Columns of :func:`rfm_summary` (``monetary_value`` only with amounts).
SUMMARY_COLUMNS = ["frequency", "recency", "T", "monetary_value"]

_EPOCH_WEEKDAY_SHIFT = 3  # 1970-01-01 is a Thursday: (days + 3) // 7 counts Monday-weeks


# ---------------------------------------------------------------------------
# Input checks (French messages) shared by the summaries
# ---------------------------------------------------------------------------

def _check_freq(freq: str) -> int:
    if freq not in FREQ_DAYS:
        raise ValueError(
            f"Période inconnue : « {freq} ». Périodes possibles : « D » (jour) ou « W » (semaine)."
        )
    return FREQ_DAYS[freq]


def _first_rows(mask: np.ndarray, index: pd.Index, n: int = 3) -> str:
    rows = index[np.flatnonzero(mask)[:n]]
    return ", ".join(str(r) for r in rows)


def _parse_dates(values: pd.Series, what: str) -> pd.Series:
    """Parse a date column; raise a French error on missing or unreadable dates."""
    missing = values.isna().to_numpy()
    if missing.any():
        raise ValueError(
            f"{int(missing.sum())} date(s) manquante(s) dans la colonne « {what} » "
            f"(lignes {_first_rows(missing, values.index)}…) : complétez-les ou retirez ces lignes."
        )
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
    else:
        try:
            parsed = pd.to_datetime(values, format="ISO8601", errors="coerce")
        except (TypeError, ValueError, OverflowError):
            parsed = pd.Series(pd.NaT, index=values.index)
        bad = parsed.isna().to_numpy()
        if bad.any():
            example = values[bad].iloc[0]
            raise ValueError(
                f"{int(bad.sum())} date(s) illisible(s) dans la colonne « {what} », "
                f"par exemple « {example} » (ligne {values.index[bad][0]}). "
                "Écrivez les dates au format AAAA-MM-JJ (ex. 2024-03-15), ou convertissez "
                "d'abord la colonne avec pd.to_datetime(..., dayfirst=True) pour des dates JJ/MM/AAAA."
            )
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed


def _parse_one_date(value, what: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(
            f"Date illisible pour {what} : « {value} ». Écrivez-la au format AAAA-MM-JJ."
        ) from None
    if pd.isna(ts):
        raise ValueError(f"Date manquante pour {what}.")
    return ts.tz_localize(None) if ts.tz is not None else ts


def _parse_amounts(values: pd.Series, what: str) -> np.ndarray:
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        converted = pd.to_numeric(values, errors="coerce")
        bad = converted.isna().to_numpy() & values.notna().to_numpy()
        if bad.any() or pd.api.types.is_bool_dtype(values):
            example = values[bad].iloc[0] if bad.any() else values.iloc[0]
            raise ValueError(
                f"La colonne « {what} » doit contenir des montants (nombres), "
                f"par exemple « {example} » n'en est pas un."
            )
        values = converted
    amounts = values.to_numpy(dtype="float64")
    missing = np.isnan(amounts)
    if missing.any():
        raise ValueError(
            f"{int(missing.sum())} montant(s) manquant(s) dans la colonne « {what} » "
            f"(lignes {_first_rows(missing, values.index)}…) : un achat sans montant "
            "fausserait la valeur moyenne ; complétez-les ou retirez ces lignes."
        )
    negative = amounts < 0
    if negative.any():
        raise ValueError(
            f"{int(negative.sum())} montant(s) négatif(s) dans la colonne « {what} » "
            f"(lignes {_first_rows(negative, values.index)}…). Les remboursements se "
            "traitent à part : gardez ici les montants d'achat (positifs ou nuls)."
        )
    return amounts


def _periods(dates: pd.Series | pd.Timestamp, step: int) -> np.ndarray:
    """Number of each date's period (day or Monday-week) since 1970-01-01."""
    days = np.asarray(dates, dtype="datetime64[ns]").astype("datetime64[D]").astype("int64")
    if step == 1:
        return days
    return np.floor_divide(days + _EPOCH_WEEKDAY_SHIFT, step)


def _sorted_codes(ids: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of the ids, numbered in sorted order of the ids (as ``groupby``).

    Text ids are hashed without sorting, then only the distinct ids are sorted as
    fixed-width numpy strings: much faster than ``pd.factorize(sort=True)`` on
    millions of rows (the order is the same: by code point, as Python compares text).
    """
    if pd.api.types.infer_dtype(ids, skipna=False) != "string":
        codes, uniques = pd.factorize(ids, sort=True)
        return codes, pd.Index(uniques)
    codes, uniques = pd.factorize(ids)
    order = np.argsort(np.asarray(uniques, dtype=str), kind="stable")
    rank = np.empty(len(order), dtype="int64")
    rank[order] = np.arange(len(order))
    return rank[codes], pd.Index(uniques).take(order)


def _validated(transactions, customer_col, date_col, amount_col, table="les transactions"):
    """Check the columns and return (customer ids, parsed dates, amounts or None)."""
    columns = [customer_col, date_col] + ([amount_col] if amount_col is not None else [])
    require_columns(transactions, columns, table)
    ids = transactions[customer_col]
    no_id = ids.isna().to_numpy()
    if no_id.any():
        raise ValueError(
            f"{int(no_id.sum())} transaction(s) sans client dans la colonne « {customer_col} » "
            f"(lignes {_first_rows(no_id, ids.index)}…) : impossible de les rattacher à un client."
        )
    dates = _parse_dates(transactions[date_col], date_col)
    amounts = _parse_amounts(transactions[amount_col], amount_col) if amount_col is not None else None
    return ids, dates, amounts


def _check_not_after(dates: pd.Series, end: pd.Timestamp, what: str) -> None:
    """Raise when a transaction falls on a day after ``end`` (never drop it silently)."""
    last = dates.max()
    if last.normalize() > end.normalize():
        n_after = int((dates.dt.normalize() > end.normalize()).sum())
        raise ValueError(
            f"{what.capitalize()} ({end:%Y-%m-%d}) précède {n_after} transaction(s), "
            f"la dernière le {last:%Y-%m-%d}. Choisissez une date de fin postérieure, "
            "ou filtrez d'abord les transactions (df[df[colonne_date] <= fin])."
        )


# ---------------------------------------------------------------------------
# RFM summary (frequency, recency, T, monetary value)
# ---------------------------------------------------------------------------

def rfm_summary(
    transactions: pd.DataFrame,
    customer_col: str,
    date_col: str,
    amount_col: str | None = None,
    observation_end=None,
    freq: str = "D",
) -> pd.DataFrame:
    """Summarise a transaction log into one row per customer: frequency, recency, T, value.

    Gives exactly the numbers of ``lifetimes.utils.summary_data_from_transaction_data``
    (without ``include_first_transaction``), several times faster. Transactions are
    first grouped by period of ``freq`` (several purchases on one day count once, their
    amounts are added up); then, per customer:

    - ``frequency``: number of *repeat* periods with a purchase (the first one is not
      counted);
    - ``recency``: periods between the first and the last purchase (0 if only one);
    - ``T``: periods between the first purchase and ``observation_end`` (the customer's
      "age");
    - ``monetary_value``: mean of the repeat periods' totals, 0 when ``frequency`` is 0.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per purchase, with at least ``customer_col`` and ``date_col`` (dates, or
        ISO text such as ``"2024-03-15"`` or ``"2024-03-15 14:30"``) and, optionally,
        ``amount_col`` (amounts ≥ 0).
    customer_col, date_col : str
        Column names of the customer id and of the purchase date.
    amount_col : str, optional
        Column of the purchase amount; adds the ``monetary_value`` column.
    observation_end : date-like, optional
        End of the observation (the "today" of the analysis); default: the last
        purchase date. No transaction may fall on a later day.
    freq : {"D", "W"}
        Period unit: day, or week (Monday to Sunday, as pandas' ``"W"``).

    Returns
    -------
    pandas.DataFrame
        Index: the customer ids (named ``customer_col``, sorted). Columns (floats):
        ``frequency``, ``recency``, ``T`` and, with ``amount_col``, ``monetary_value``.
        Read the column T with ``summary["T"]``: ``summary.T`` is the transpose.

    Raises
    ------
    ValueError
        Missing column, missing customer id, missing or unreadable date, missing,
        non-numeric or negative amount, unknown ``freq``, ``observation_end`` before a
        transaction.

    Examples
    --------
    >>> tx = pd.DataFrame({"client": ["a", "a", "a", "b"],
    ...                    "date": ["2024-01-01", "2024-01-01", "2024-01-08", "2024-01-05"],
    ...                    "montant": [10.0, 5.0, 20.0, 30.0]})
    >>> rfm_summary(tx, "client", "date", "montant",
    ...             observation_end="2024-01-11")  # doctest: +NORMALIZE_WHITESPACE
            frequency  recency     T  monetary_value
    client
    a             1.0      7.0  10.0            20.0
    b             0.0      0.0   6.0             0.0
    """
    step = _check_freq(freq)
    ids, dates, amounts = _validated(transactions, customer_col, date_col, amount_col)
    columns = SUMMARY_COLUMNS if amount_col is not None else SUMMARY_COLUMNS[:3]
    if len(transactions) == 0:
        index = pd.Index(ids.iloc[:0].to_numpy(), name=customer_col)
        return pd.DataFrame({c: np.array([], dtype="float64") for c in columns}, index=index)
    if observation_end is None:
        end = dates.max()
    else:
        end = _parse_one_date(observation_end, "la fin d'observation")
        _check_not_after(dates, end, "la fin d'observation")

    codes, uniques = _sorted_codes(ids)
    periods = _periods(dates, step)
    end_period = int(_periods(pd.Series([end]), step)[0])
    p_min = int(periods.min())
    span = int(periods.max()) - p_min + 1
    key = codes.astype("int64") * span + (periods - p_min)

    if amounts is None:
        unique_keys = np.unique(key)
    else:
        order = np.argsort(key)  # equal keys are summed: their order does not matter
        sorted_key = key[order]
        starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
        unique_keys = sorted_key[starts]
        period_totals = np.add.reduceat(amounts[order], starts)

    # unique_keys are sorted: by customer, then by period within a customer
    customer_of = unique_keys // span
    period_of = unique_keys % span + p_min
    firsts = np.flatnonzero(np.r_[True, customer_of[1:] != customer_of[:-1]])
    lasts = np.r_[firsts[1:], len(unique_keys)] - 1
    n_periods = lasts - firsts + 1
    first_period, last_period = period_of[firsts], period_of[lasts]

    out = {
        "frequency": (n_periods - 1).astype("float64"),
        "recency": (last_period - first_period).astype("float64"),
        "T": (end_period - first_period).astype("float64"),
    }
    if amounts is not None:
        repeat_totals = period_totals.copy()
        repeat_totals[firsts] = 0.0
        repeat_sum = np.add.reduceat(repeat_totals, firsts)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = repeat_sum / (n_periods - 1)
        out["monetary_value"] = np.where(n_periods > 1, mean, 0.0)
    return pd.DataFrame(out, index=pd.Index(uniques, name=customer_col))[columns]


# ---------------------------------------------------------------------------
# Calibration / holdout split (checking a model on a period it has not seen)
# ---------------------------------------------------------------------------

def calibration_holdout(
    transactions: pd.DataFrame,
    customer_col: str,
    date_col: str,
    calibration_end,
    observation_end,
    amount_col: str | None = None,
    freq: str = "D",
) -> pd.DataFrame:
    """Summarise a calibration period and count what each customer did in the holdout period.

    Reproduces ``lifetimes.utils.calibration_and_holdout_data`` (which fails on
    pandas 3): a model is fitted on the calibration summary, then its predictions
    for the holdout period are compared with what customers really did.

    - Calibration: the transactions up to ``calibration_end`` (inclusive, to the
      instant: pass ``"2024-06-30 23:59:59"`` to keep the whole day), summarised by
      :func:`rfm_summary` with ``observation_end=calibration_end``; columns get the
      suffix ``_cal``.
    - Holdout: the transactions after ``calibration_end`` up to the day of
      ``observation_end``, for the customers already seen in calibration (a customer
      whose first purchase is in the holdout is not in the table).

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per purchase: ``customer_col``, ``date_col`` and optionally
        ``amount_col`` (see :func:`rfm_summary`).
    customer_col, date_col : str
        Column names of the customer id and of the purchase date.
    calibration_end, observation_end : date-like
        End of the calibration period and end of the holdout period
        (``observation_end`` must be later, and no transaction may fall after it).
    amount_col : str, optional
        Column of the amount; adds ``monetary_value_cal`` and ``monetary_value_holdout``.
    freq : {"D", "W"}
        Period unit (day or week).

    Returns
    -------
    pandas.DataFrame
        Index: customer ids seen in calibration (sorted). Columns (floats):
        ``frequency_cal``, ``recency_cal``, ``T_cal``, [``monetary_value_cal``],
        ``frequency_holdout`` (periods with a purchase in the holdout),
        [``monetary_value_holdout``: mean amount of the holdout *transactions*, as in
        lifetimes; 0 without purchase], ``duration_holdout`` (holdout length in periods).

    Raises
    ------
    ValueError
        The checks of :func:`rfm_summary`; ``observation_end`` not after
        ``calibration_end``; no transaction in the calibration or in the holdout period.

    Examples
    --------
    >>> tx = pd.DataFrame({"client": ["a", "a", "a", "b"],
    ...                    "date": pd.to_datetime(["2024-01-01", "2024-01-05",
    ...                                            "2024-01-12", "2024-01-03"])})
    >>> calibration_holdout(tx, "client", "date", "2024-01-07", "2024-01-14")
    ... # doctest: +NORMALIZE_WHITESPACE
            frequency_cal  recency_cal  T_cal  frequency_holdout  duration_holdout
    client
    a                 1.0          4.0    6.0                1.0               7.0
    b                 0.0          0.0    4.0                0.0               7.0
    """
    step = _check_freq(freq)
    ids, dates, amounts = _validated(transactions, customer_col, date_col, amount_col)
    cal_end = _parse_one_date(calibration_end, "la fin de la période de calibration")
    obs_end = _parse_one_date(observation_end, "la fin de la période de contrôle")
    if obs_end <= cal_end:
        raise ValueError(
            f"La fin de la période de contrôle ({obs_end:%Y-%m-%d}) doit être postérieure "
            f"à la fin de la période de calibration ({cal_end:%Y-%m-%d})."
        )
    _check_not_after(dates, obs_end, "la fin de la période de contrôle")
    in_cal = (dates <= cal_end).to_numpy()
    in_holdout = ~in_cal
    if not in_cal.any():
        raise ValueError(
            f"Aucune transaction avant la fin de la période de calibration ({cal_end:%Y-%m-%d}) : "
            "le modèle n'aurait rien pour apprendre. Choisissez une date plus tardive."
        )
    if not in_holdout.any():
        raise ValueError(
            f"Aucune transaction entre le {cal_end:%Y-%m-%d} et le {obs_end:%Y-%m-%d} : "
            "la période de contrôle est vide. Vérifiez les deux dates."
        )
    cal_tx = pd.DataFrame({"id": ids[in_cal], "date": dates[in_cal]})
    if amounts is not None:
        cal_tx["amount"] = amounts[in_cal]
    summary = rfm_summary(cal_tx, "id", "date", "amount" if amounts is not None else None,
                          observation_end=cal_end, freq=freq)
    summary.columns = [f"{c}_cal" for c in summary.columns]
    summary.index.name = customer_col

    holdout = pd.DataFrame({"id": ids[in_holdout].to_numpy(),
                            "period": _periods(dates[in_holdout], step)})
    counts = holdout.drop_duplicates().groupby("id").size()
    summary["frequency_holdout"] = counts.reindex(summary.index, fill_value=0).astype("float64")
    if amounts is not None:
        holdout["amount"] = amounts[in_holdout]
        means = holdout.groupby("id")["amount"].mean()
        summary["monetary_value_holdout"] = means.reindex(summary.index, fill_value=0.0)
    end_periods = _periods(pd.Series([cal_end, obs_end]), step)
    summary["duration_holdout"] = float(end_periods[1] - end_periods[0])
    return summary
