"""The whole audit of one export, from the file to the results written in a folder.

:func:`run_audit` reads, checks, pseudonymises and summarises; :func:`save_results`
writes ``quality.json``, ``customers.csv``, ``set_aside.csv`` and ``monthly.csv``;
:func:`load_results` reads them back (the report notebook uses it when the command
``parcours-audit`` has already done the work).
"""

from __future__ import annotations

import json
import threading
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
from parcours_helpers.audit.reading import AuditInputError, csv_layout, is_excel, read_export

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
    engine: str = "auto",
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
    engine : {"auto", "pandas", "duckdb"}
        Who reads and classifies the lines (see :func:`audit_lines`); the results are the
        same, only the time differs.

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
    if decimal not in (None, ",", "."):
        raise AuditInputError(f"Séparateur décimal inconnu : « {decimal} » (« , » ou « . »).")
    if engine not in ENGINES:
        raise AuditInputError(f"Moteur inconnu : « {engine} » ({', '.join(ENGINES)}).")
    # lifetimes and scipy take most of a second to import: do it while the lines are read
    # (DuckDB releases the GIL while it works)
    preload = threading.Thread(target=_import_models, daemon=True)
    preload.start()
    lines = audit_lines(path, cols, sep=sep, encoding=encoding, date_format=date_format,
                        decimal=decimal, engine=engine)
    preload.join()
    purchases, customer_ids = lines["purchases"], lines["customer_ids"]
    if len(purchases) == 0:
        raise AuditInputError(
            f"Aucune ligne n'a pu être gardée comme achat ({lines['rows_read']} ligne(s) "
            "lue(s), toutes écartées) : vérifiez les colonnes choisies et le format des dates "
            "et des montants (options --date-format et --decimal)."
        )
    # Customers are handled by integer code; only the kept ones get a pseudonym, once each.
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
    quality = {
        "rows_read": lines["rows_read"],
        "rows_kept": int(len(purchases)),
        "rows_set_aside": lines["counts"],
        "customers": int(len(customers)),
        "revenue_kept": round(float(purchases["montant"].sum()), 2),
        "returns_total": round(lines["returns_total"], 2),
        "first_date": f"{purchases['date'].min():%Y-%m-%d}",
        "last_date": f"{purchases['date'].max():%Y-%m-%d}",
        "observation_end": f"{end:%Y-%m-%d}",
        "detected": {
            **lines["detected"],
            "overridden": [name for name, value in (("sep", sep), ("encoding", encoding),
                                                     ("date_format", date_format),
                                                     ("decimal", decimal)) if value],
        },
        "columns_used": cols,
        "pseudonymisation": {"method": "HMAC-SHA256", "key": key_source},
        "models": {k: models[k] for k in ("fitted", "message", "n_fit", "penalizer", "params")},
        "engine": lines["engine"],
    }
    return {"quality": quality, "set_aside": lines["set_aside"], "customers": customers,
            "monthly": monthly_table(purchases)}


def _import_models() -> None:
    try:
        import lifetimes  # noqa: F401
        import scipy.special  # noqa: F401
    except ImportError:
        pass  # customer_table imports them again and reports the error


#: Engines that read and classify the lines (see :func:`audit_lines`).
ENGINES = ("auto", "pandas", "duckdb")


def audit_lines(path, cols: dict, *, sep=None, encoding=None, date_format=None, decimal=None,
                engine: str = "auto") -> dict:
    """Read the export and give every line its fate: kept as a purchase or set aside.

    ``engine="auto"`` uses DuckDB (:mod:`parcours_helpers.audit.lines_duckdb`) for a CSV
    of more than :data:`~parcours_helpers.audit.lines_duckdb.MIN_BYTES` bytes, pandas
    otherwise and whenever DuckDB cannot promise the same result (it then hands over);
    ``"duckdb"`` tries DuckDB whatever the size (tests compare the two).

    Parameters
    ----------
    path : str or pathlib.Path
        The export.
    cols : dict
        ``{"customer", "date", "amount", "order"}`` → column names (``order`` may be None).
    sep, encoding, date_format, decimal : str, optional
        The user's overrides (see :func:`run_audit`).
    engine : {"auto", "pandas", "duckdb"}

    Returns
    -------
    dict
        ``rows_read`` (data lines, header, blank lines and total line excluded),
        ``counts`` (reason → lines set aside, every reason of ``REASONS``),
        ``purchases`` (DataFrame of the kept lines in file order: ``client`` integer code,
        ``date`` datetime64 day, ``montant`` float), ``customer_ids`` (object array:
        ``customer_ids[code]`` is the identifier), ``returns_total`` (sum of the negative
        amounts), ``set_aside`` (DataFrame from
        :func:`~parcours_helpers.audit.quality.set_aside_table`), ``detected`` (what was
        detected, for quality.json) and ``engine`` (``"pandas"`` or ``"duckdb"``).
    """
    from parcours_helpers.audit import lines_duckdb

    path = Path(path)
    wanted = [c for c in dict.fromkeys(cols.values()) if c is not None]
    big = path.is_file() and path.stat().st_size >= lines_duckdb.MIN_BYTES
    if engine != "pandas" and (big or engine == "duckdb") and path.is_file() \
            and path.stat().st_size > 0 and not is_excel(path):
        layout = csv_layout(path, wanted, sep, encoding)
        lines = lines_duckdb.audit_lines(path, cols, layout, date_format=date_format,
                                         decimal=decimal)
        if lines is not None:
            return {**lines, "engine": "duckdb"}
    return {**_audit_lines_pandas(path, cols, wanted, sep, encoding, date_format, decimal),
            "engine": "pandas"}


def _audit_lines_pandas(path, cols, wanted, sep, encoding, date_format, decimal) -> dict:
    raw, detected = read_export(path, columns=wanted, sep=sep, encoding=encoding,
                                all_columns=cols["order"] is None)
    amounts, decimal_used = parse_amounts(raw[cols["amount"]], decimal)
    dates, fmt = parse_dates(raw[cols["date"]], date_format)
    customer_codes, customer_ids = identifier_codes(raw[cols["customer"]])
    keys = (identifier_codes(raw[cols["order"]], strip=False)[0] if cols["order"]
            else line_codes(raw))
    fate = classify(customer_codes, dates, amounts, keys)
    set_aside = set_aside_table(fate, raw, cols)
    del raw, keys
    kept = (fate == "kept").to_numpy()
    counts = fate.value_counts()
    return {
        "rows_read": int(len(fate)),
        "counts": {r: int(counts.get(r, 0)) for r in REASONS},
        "purchases": pd.DataFrame({
            "client": customer_codes[kept],
            "date": dates.to_numpy()[kept],
            "montant": amounts.to_numpy()[kept],
        }),
        "customer_ids": customer_ids,
        "returns_total": float(amounts[(fate == "return").to_numpy()].sum()),
        "set_aside": set_aside,
        "detected": {**detected, "decimal": decimal_used,
                     "date_format": format_label(fmt) if fmt else None},
    }


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
    """Write a table as UTF-8 CSV (comma, decimal point) that pandas reads back identically.

    Whole-number float columns are written as integers, other floats rounded to 4
    decimals, dates as ``AAAA-MM-JJ``, booleans as ``true``/``false``; missing values are
    empty cells; text is quoted only where it holds a comma, a quote or a line break.
    DuckDB writes it: ten times faster than ``DataFrame.to_csv`` on the hundreds of
    thousands of customers of a big export.
    """
    from parcours_helpers.audit.lines_duckdb import connect

    out, cells = {}, []
    for col in table.columns:
        values = table[col]
        name = f"c{len(out)}"
        cells.append(f"CAST({name} AS DATE)" if pd.api.types.is_datetime64_any_dtype(values)
                     else name)
        if pd.api.types.is_float_dtype(values):
            arr = values.to_numpy(dtype="float64")
            finite = arr[np.isfinite(arr)]
            if len(finite) and (finite == np.round(finite)).all() and np.abs(finite).max() < 2**53:
                values = pd.array(np.where(np.isfinite(arr), arr, 0).astype("int64"),
                                  dtype="Int64")
                values[~np.isfinite(arr)] = pd.NA
            else:
                values = np.round(arr, 4)
        elif isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        out[name] = values
    frame = pd.DataFrame(out, index=range(len(table)))
    names = ", ".join(f'{cell} AS "{str(c).replace(chr(34), chr(34) * 2)}"'
                      for cell, c in zip(cells, table.columns, strict=True))
    with connect() as con:
        con.register("frame", frame)
        con.execute(f"COPY (SELECT {names} FROM frame) TO '{str(path).replace(chr(39), chr(39) * 2)}' "
                    "(FORMAT csv, HEADER, DELIMITER ',')")


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
