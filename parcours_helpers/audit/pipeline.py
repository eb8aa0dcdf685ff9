"""The whole audit of one export, from the file to the results written in a folder.

:func:`run_audit` reads, checks, pseudonymises and summarises; :func:`save_results`
writes ``quality.json``, ``customers.csv``, ``set_aside.csv`` and ``monthly.csv``;
:func:`load_results` reads them back (the report notebook uses it when the command
``parcours-audit`` has already done the work).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from parcours_helpers.audit.customers import customer_table
from parcours_helpers.audit.pseudonymise import pseudonym_array, resolve_key
from parcours_helpers.audit.quality import (
    REASONS,
    classify,
    format_label,
    identifier_codes,
    line_codes,
    parse_amounts,
    parse_dates,
    set_aside_table,
)
from parcours_helpers.audit.reading import AuditInputError, read_export

#: Files written by :func:`save_results` (the report adds ``report.html``).
RESULT_FILES = ["quality.json", "customers.csv", "set_aside.csv", "monthly.csv"]


def run_audit(
    path: str | Path,
    customer_col: str,
    date_col: str,
    amount_col: str,
    order_col: str | None = None,
    *,
    sep: str | None = None,
    encoding: str | None = None,
    date_format: str | None = None,
    decimal: str | None = None,
    observation_end=None,
    salt: str | None = None,
    seed: int = 0,
) -> dict:
    """Audit a sales export: account for every line, pseudonymise, summarise customers.

    Parameters
    ----------
    path : str or pathlib.Path
        The export (CSV or .xlsx), one line per purchase.
    customer_col, date_col, amount_col : str
        Columns of the customer identifier, the purchase date and the amount.
    order_col : str, optional
        Column of the order number (duplicates = same number); without it, duplicates
        are identical lines.
    sep, encoding, date_format, decimal : str, optional
        Override what is detected (``date_format`` as strftime, e.g. ``"%d/%m/%Y"``;
        ``decimal`` ``","`` or ``"."``).
    observation_end : date-like, optional
        End of observation for ``T``; default the last valid date.
    salt : str, optional
        Pseudonymisation key; else ``$PARCOURS_SALT``; else random and unsaved.
    seed : int
        Seed of the models' fitting sample.

    Returns
    -------
    dict
        ``quality`` (the dict written to quality.json), ``set_aside`` (DataFrame from
        :func:`~parcours_helpers.audit.quality.set_aside_table`), ``customers``
        (DataFrame from :func:`~parcours_helpers.audit.customers.customer_table`) and
        ``monthly`` (DataFrame from :func:`monthly_table`).

    Raises
    ------
    AuditInputError
        Unreadable file, unknown column, no valid purchase, bad option (French message).
    """
    cols = {"customer": customer_col, "date": date_col, "amount": amount_col, "order": order_col}
    wanted = [c for c in dict.fromkeys(cols.values()) if c is not None]
    if decimal not in (None, ",", "."):
        raise AuditInputError(f"Séparateur décimal inconnu : « {decimal} » (« , » ou « . »).")
    raw, detected = read_export(path, columns=wanted, sep=sep, encoding=encoding,
                                all_columns=order_col is None)
    amounts, decimal_used = parse_amounts(raw[amount_col], decimal)
    dates, fmt = parse_dates(raw[date_col], date_format)
    customer_codes, customer_ids = identifier_codes(raw[customer_col])
    keys = identifier_codes(raw[order_col], strip=False)[0] if order_col else line_codes(raw)
    fate = classify(customer_codes, dates, amounts, keys)
    kept = (fate == "kept").to_numpy()
    set_aside = set_aside_table(fate, raw, cols)
    del raw, keys
    if not kept.any():
        raise AuditInputError(
            f"Aucune ligne n'a pu être gardée comme achat ({len(fate)} ligne(s) lue(s), toutes "
            "écartées) : vérifiez les colonnes choisies et le format des dates et des montants "
            "(options --date-format et --decimal)."
        )
    # Customers are handled by integer code; only the kept ones get a pseudonym, once each.
    purchases = pd.DataFrame({
        "client": customer_codes[kept],
        "date": dates.to_numpy()[kept],
        "montant": amounts.to_numpy()[kept],
    })
    key, key_source = resolve_key(salt)
    used = np.flatnonzero(np.bincount(purchases["client"].to_numpy(), minlength=len(customer_ids)))
    names = np.empty(len(customer_ids), dtype=object)
    names[used] = pseudonym_array(customer_ids[used], key)
    del customer_ids
    end = _observation_end(observation_end, purchases["date"])
    customers, models = customer_table(purchases, observation_end=end, seed=seed)
    pseudonyms = names[customers["client"].to_numpy()]
    customers["client"] = pseudonyms
    # pseudonyms have one length: numpy sorts them as fixed-width text much faster
    order = np.argsort(pseudonyms.astype(str), kind="stable") if len(pseudonyms) else []
    customers = customers.iloc[order].reset_index(drop=True)
    counts = fate.value_counts()
    returns = (fate == "return").to_numpy()
    quality = {
        "rows_read": int(len(fate)),
        "rows_kept": int(kept.sum()),
        "rows_set_aside": {r: int(counts.get(r, 0)) for r in REASONS},
        "customers": int(len(customers)),
        "revenue_kept": round(float(purchases["montant"].sum()), 2),
        "returns_total": round(float(amounts[returns].sum()), 2),
        "first_date": f"{purchases['date'].min():%Y-%m-%d}",
        "last_date": f"{purchases['date'].max():%Y-%m-%d}",
        "observation_end": f"{end:%Y-%m-%d}",
        "detected": {
            **detected,
            "decimal": decimal_used,
            "date_format": format_label(fmt) if fmt else None,
            "overridden": [name for name, value in (("sep", sep), ("encoding", encoding),
                                                     ("date_format", date_format),
                                                     ("decimal", decimal)) if value],
        },
        "columns_used": cols,
        "pseudonymisation": {"method": "HMAC-SHA256", "key": key_source},
        "models": {k: models[k] for k in ("fitted", "message", "n_fit", "penalizer", "params")},
    }
    return {"quality": quality, "set_aside": set_aside, "customers": customers,
            "monthly": monthly_table(purchases)}


def _observation_end(value, dates: pd.Series) -> pd.Timestamp:
    last = dates.max().normalize()
    if value is None or value == "":
        return last
    try:
        end = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise AuditInputError(
            f"Date de fin d'observation illisible : « {value} ». Écrivez-la AAAA-MM-JJ."
        ) from None
    if end.normalize() < last:
        raise AuditInputError(
            f"La fin d'observation ({end:%Y-%m-%d}) précède le dernier achat gardé "
            f"({last:%Y-%m-%d}). Choisissez une date postérieure ou omettez --observation-end."
        )
    return end.normalize()


def monthly_table(purchases: pd.DataFrame) -> pd.DataFrame:
    """Revenue, purchases, active and new customers per calendar month.

    Parameters
    ----------
    purchases : pandas.DataFrame
        Columns ``client``, ``date`` (datetime64), ``montant``.

    Returns
    -------
    pandas.DataFrame
        Columns ``mois`` (first day of the month), ``chiffre_affaires``, ``achats``,
        ``clients`` (distinct buyers), ``nouveaux_clients`` (first purchase that month),
        one row per month from the first to the last, months without sales at 0.
    """
    # months as integers (months since 1970) and counts with numpy: the same table as
    # grouping by period, several times faster on millions of purchases
    month = purchases["date"].to_numpy().astype("datetime64[M]").astype("int64")
    start = month.min() if len(month) else 0
    idx = month - start
    n = int(idx.max()) + 1 if len(idx) else 0
    client = purchases["client"].to_numpy()
    if client.dtype.kind in "iu" and len(client) and 0 <= client.min() \
            and client.max() < 4 * len(client) + 1000:
        client_code = client.astype("int64")  # already small codes (run_audit's case)
    else:
        client_code = pd.factorize(client)[0].astype("int64")
    n_clients = int(client_code.max()) + 1 if len(idx) else 0
    first = np.full(n_clients, n, dtype="int64")
    np.minimum.at(first, client_code, idx)
    first = first[first < n]  # codes that are not a client stay at n
    if n_clients * n <= 50_000_000:  # a client x month grid of booleans
        seen = np.zeros(n_clients * n, dtype=bool)
        seen[client_code * n + idx] = True
        active = np.repeat(np.arange(n), seen.reshape(n_clients, n).sum(axis=0))
    else:
        active = pd.unique(client_code * n + idx) % n
    revenue = purchases.groupby(idx)["montant"].sum().round(2)
    months = pd.period_range(pd.Period(np.datetime64(int(start), "M"), freq="M"), periods=n,
                             freq="M")
    table = pd.DataFrame({
        "mois": months.to_timestamp(),
        "chiffre_affaires": revenue.reindex(range(n), fill_value=0.0).to_numpy(dtype="float64"),
        "achats": np.bincount(idx, minlength=n).astype("int64"),
        "clients": np.bincount(active, minlength=n).astype("int64"),
        "nouveaux_clients": np.bincount(first, minlength=n).astype("int64"),
    })
    return table


def save_results(results: dict, output: str | Path) -> Path:
    """Write the results in ``output`` (created if needed); return the folder.

    Writes ``quality.json`` (UTF-8, indented), ``customers.csv``, ``set_aside.csv`` and
    ``monthly.csv`` (UTF-8, comma-separated, decimal point).
    """
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    (out / "quality.json").write_text(
        json.dumps(results["quality"], ensure_ascii=False, indent=2), encoding="utf-8")
    write_csv(results["customers"], out / "customers.csv")
    results["set_aside"].to_csv(out / "set_aside.csv", index=False)
    results["monthly"].to_csv(out / "monthly.csv", index=False, date_format="%Y-%m-%d")
    return out


def write_csv(table: pd.DataFrame, path: str | Path) -> None:
    """Write a table as UTF-8 CSV (comma, decimal point), several times faster than
    ``DataFrame.to_csv`` on hundreds of thousands of rows, and read back identically.

    Whole-number float columns are written as integers, other floats with at most 4
    decimals (12 significant digits), dates as ``AAAA-MM-JJ``; missing values are empty
    cells. Text is quoted only where it holds a comma, a quote or a line break.
    """
    columns, formats = [], []
    for col in table.columns:
        values = table[col]
        missing = values.isna().to_numpy()
        if pd.api.types.is_datetime64_any_dtype(values):
            cells, fmt = values.to_numpy().astype("datetime64[D]").astype(str).tolist(), "%s"
        elif pd.api.types.is_bool_dtype(values):
            cells, fmt = values.astype(object).tolist(), "%s"
        elif pd.api.types.is_integer_dtype(values):
            cells, fmt = values.to_numpy().tolist(), "%d"
        elif pd.api.types.is_float_dtype(values):
            arr = values.to_numpy(dtype="float64")
            finite = arr[np.isfinite(arr)]
            if len(finite) and (finite == np.round(finite)).all() and np.abs(finite).max() < 2**53:
                cells, fmt = arr.tolist(), "%.0f"
            else:
                cells, fmt = np.round(arr, 4).tolist(), "%.12g"
        else:
            cells, fmt = values.astype(object).where(~missing, "").astype(str).tolist(), "%s"
            if any(c in "\0".join(cells) for c in ',"\n\r'):
                cells = [_csv_text(v) for v in cells]
        if missing.any():
            cells = ["" if m else fmt % c for c, m in zip(cells, missing, strict=True)]
            fmt = "%s"
        columns.append(cells)
        formats.append(fmt)
    header = ",".join(_csv_text(str(c)) for c in table.columns)
    row = ",".join(formats)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(header + "\n")
        if len(table):
            f.write("\n".join(map(row.__mod__, zip(*columns, strict=True))) + "\n")


def _csv_text(value) -> str:
    text = "" if value is None or value is pd.NA or value != value else str(value)
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def load_results(folder: str | Path) -> dict:
    """Read back what :func:`save_results` wrote (same keys as :func:`run_audit`)."""
    folder = Path(folder)
    customers = pd.read_csv(folder / "customers.csv", parse_dates=["premier_achat",
                                                                  "dernier_achat"])
    from parcours_helpers.audit.customers import SEGMENTS

    customers["segment_rfm"] = pd.Categorical(customers["segment_rfm"], categories=SEGMENTS)
    return {
        "quality": json.loads((folder / "quality.json").read_text(encoding="utf-8")),
        "set_aside": pd.read_csv(folder / "set_aside.csv", dtype={"valeur": str},
                                 keep_default_na=False),
        "customers": customers,
        "monthly": pd.read_csv(folder / "monthly.csv", parse_dates=["mois"]),
    }


def accounting_table(quality: dict) -> pd.DataFrame:
    """The line accounting as a French table: one row per fate, with counts and shares.

    Returns
    -------
    pandas.DataFrame
        Columns ``devenir`` (French label), ``lignes`` and ``part (%)`` (percentage of the
        lines read, one decimal), then a total row equal to ``rows_read``.
    """
    from parcours_helpers.audit.quality import REASON_LABELS

    read = quality["rows_read"]
    rows = [("gardées comme achats", quality["rows_kept"])]
    rows += [(f"écartées : {REASON_LABELS[r]}", n) for r, n in quality["rows_set_aside"].items()]
    rows.append(("total des lignes lues", read))
    table = pd.DataFrame(rows, columns=["devenir", "lignes"])
    table["part (%)"] = np.round(100 * table["lignes"] / max(read, 1), 1)
    return table
