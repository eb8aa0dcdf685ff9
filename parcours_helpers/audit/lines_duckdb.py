"""Account for the lines of a large CSV export with DuckDB: same results, a fraction of the time.

On an export of millions of lines, most of the pandas path's time goes into making one
Python string per cell and hashing them again and again. Here DuckDB reads the file on
every core and does the per-line work (joins, duplicates, counts) in its own engine;
Python only sees the *distinct* values of each column, and parses them with the very
functions of :mod:`parcours_helpers.audit.quality`, so both paths give the same
accounting, the same set-aside lines and the same purchases (tested on every fixture).

:func:`audit_lines` returns None when it cannot promise that (a blank first line, old
Mac line ends, an encoding other than UTF-8 or cp1252, a line with too many or too few
fields, no data line): the caller then uses the pandas path, which also writes the
French error messages. Blank lines, which DuckDB skips, are located in the bytes so that
the line numbers stay those of the file.

cp1252 files: DuckDB reads UTF-8 and Latin-1 only, and refuses the bytes 0x80–0x9F that
cp1252 uses for €, ’, œ… Those bytes are swapped, in a temporary copy deleted at the
end, for letters absent from the file; the swap is undone on every value Python reads
back, before any parsing, so no character is lost or changed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from parcours_helpers.audit.quality import (
    OLDEST_DATE,
    REASONS,
    date_part,
    detect_date_format,
    detect_decimal,
    format_label,
    parse_amounts,
    parse_day_texts,
    reparse_dates,
    retry_formats,
    set_aside_table,
)
from parcours_helpers.audit.reading import _is_total_line

#: Files smaller than this (bytes) are read by pandas: DuckDB only pays off on big files.
MIN_BYTES = 20_000_000
_EPOCH = np.datetime64("1970-01-01", "D")
#: Bytes deleted to keep only line ends and non-ASCII bytes (counted on the small rest).
_ASCII_BUT_LINE_ENDS = bytes(b for b in range(0x80) if b not in (10, 13))
_OLDEST_DAY = int((np.datetime64(OLDEST_DATE.date(), "D") - _EPOCH).astype("int64"))


def connect(temp_dir: str | Path | None = None):
    """A DuckDB connection in memory that writes nothing outside ``temp_dir``.

    DuckDB spills to disk when memory runs short, by default in a ``.tmp`` folder of the
    working directory: the client's data would land outside the audit's folders. The
    spill folder is ``temp_dir`` (a private temporary folder), or spilling is off. No
    extension is ever downloaded or loaded (offline laptops, nothing unexpected).
    """
    import duckdb

    config = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    if temp_dir is not None:
        config["temp_directory"] = str(temp_dir)
    con = duckdb.connect(config=config)
    if temp_dir is None:
        con.execute("SET temp_directory = ''")  # no spilling at all
    return con


def audit_lines(path: str | Path, cols: dict, layout: dict, *, date_format: str | None = None,
                decimal: str | None = None) -> dict | None:
    """Read, parse and classify every line of a CSV export; None when pandas must do it.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV export.
    cols : dict
        ``{"customer", "date", "amount", "order"}`` → column names (``order`` may be None:
        duplicates are then identical lines).
    layout : dict
        From :func:`parcours_helpers.audit.reading.csv_layout`.
    date_format, decimal : str, optional
        The user's overrides, as for :func:`parcours_helpers.audit.run_audit`.

    Returns
    -------
    dict or None
        As the pandas path of :func:`parcours_helpers.audit.pipeline.audit_lines`:
        ``rows_read``, ``counts`` (reason → lines), ``purchases`` (``client`` code,
        ``date``, ``montant`` of the kept lines in file order), ``customer_ids`` (code →
        identifier), ``returns_total``, ``set_aside`` and ``detected``.
    """
    import duckdb

    path = Path(path)
    data = path.read_bytes()
    # the line ends and the non-ASCII bytes, without the rest: one fast pass, then small
    kept = data.translate(None, delete=_ASCII_BUT_LINE_ENDS)
    carriage = kept.count(b"\r")
    if data.startswith((b"\n", b"\r\n")) or (carriage and data.count(b"\r\n") != carriage):
        return None  # blank first line or old Mac line ends: the pandas path decides
    n_lines = kept.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    with tempfile.TemporaryDirectory(prefix="parcours-audit-") as tmp:
        source, duck_encoding, undo = _duckdb_source(data, kept, layout["encoding"], path,
                                                     Path(tmp))
        if source is None:
            return None
        con = connect(Path(tmp) / "debordement")
        try:
            return _audit(con, source, duck_encoding, undo, (data, n_lines), cols, layout,
                          date_format, decimal)
        except duckdb.Error:
            return None  # the pandas path reads it, or explains in French why it cannot
        finally:
            con.close()


def blank_lines(arr: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Numbers (from 1) of the blank lines of a file (empty, or a lone CR).

    ``arr`` is the file's bytes as ``uint8``, ``ends`` the positions of its ``\\n``.
    DuckDB skips blank lines, pandas reads them as empty rows: knowing where they are
    keeps the line numbers of the report exact.

    Examples
    --------
    >>> data = np.frombuffer(b"a\\r\\n\\r\\nb\\n\\nc", dtype=np.uint8)
    >>> blank_lines(data, np.flatnonzero(data == 10)).tolist()
    [2, 4]
    """
    starts = np.concatenate([[0], ends[:-1] + 1])
    length = ends - starts
    blank = (length == 0) | ((length == 1) & (arr[starts] == 13))
    return (np.flatnonzero(blank) + 1).astype("int64")


def _line_numbers(rowids, blank: np.ndarray, n_rows: int) -> np.ndarray:
    """File line numbers of DuckDB's rows (header = line 1, blank lines skipped)."""
    rowids = np.asarray(rowids, dtype="int64")
    if not len(blank):
        return rowids + 2
    lines = np.arange(2, n_rows + len(blank) + 2, dtype="int64")
    return np.setdiff1d(lines, blank, assume_unique=True)[rowids]


def _duckdb_source(data: bytes, kept: bytes, encoding: str, path: Path, tmp: Path):
    """The file DuckDB reads, its encoding there, and the table that undoes a byte swap."""
    if encoding in ("utf-8", "utf-8-sig"):
        return path, "utf-8", None
    if encoding != "cp1252":
        return None, None, None
    present = np.bincount(np.frombuffer(kept, dtype=np.uint8), minlength=256) > 0
    c1 = [b for b in range(0x80, 0xA0) if present[b]]
    if not c1:
        return path, "latin-1", None  # no byte where cp1252 and Latin-1 differ
    free = [b for b in range(0xC0, 0x100) if not present[b]][: len(c1)]
    if len(free) < len(c1):
        return None, None, None
    swapped = tmp / "export.csv"
    swapped.write_bytes(data.translate(bytes.maketrans(bytes(c1), bytes(free))))
    undo = str.maketrans({chr(f): bytes([c]).decode("cp1252") for f, c in zip(free, c1,
                                                                              strict=True)})
    return swapped, "latin-1", undo


def _text(values, undo) -> pd.Series:
    """Values read back from DuckDB as Python text (NULL → ``""``, byte swap undone)."""
    values = pd.Series(np.asarray(values, dtype=object)).fillna("")
    if undo is not None and len(values):
        # one translate over all the values joined by a line break, which no value holds
        # here (a line break inside quotes sends the file to the pandas path)
        joined = "\n".join(values.to_numpy().tolist())
        swapped = joined.translate(undo)
        if swapped != joined:
            values = pd.Series(swapped.split("\n"), dtype=object)
    return values


def _audit(con, source, encoding, undo, file, cols, layout, date_format, decimal):
    header = layout["header"]
    names = [f"c{i}" for i in range(len(header))]
    col = {key: names[header.index(name)] for key, name in cols.items() if name is not None}
    sep = layout["sep"].replace("'", "''")
    columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    cells = ", ".join(f"coalesce({n}, '') AS {n}" for n in names)
    # the pandas path only reads the columns it needs (all of them without an order column,
    # to find identical lines): empty rows and the total line are judged on those
    scope = names if col.get("order") is None else list(dict.fromkeys(col.values()))
    empty = " AND ".join(f"coalesce({n}, '') = ''" for n in scope)
    # e: a row empty in every column read (";;;"), dropped as pandas drops it
    con.execute(
        f"CREATE TABLE l AS SELECT {cells}, ({empty}) AS e FROM read_csv('{_sql_path(source)}', "
        f"delim='{sep}', header=true, quote='\"', escape='\"', all_varchar=true, "
        f"auto_detect=false, encoding='{encoding}', columns={columns})")
    n_raw = con.execute("SELECT count(*) FROM l").fetchone()[0]
    # DuckDB skips blank lines: find them in the bytes, so that line numbers stay exact
    data, n_file_lines = file
    blank = np.empty(0, dtype="int64")
    if n_file_lines - 1 - n_raw:
        arr = np.frombuffer(data, dtype=np.uint8)
        blank = blank_lines(arr, np.flatnonzero(arr == 10))
        if len(blank) != n_file_lines - 1 - n_raw:
            return None  # a line break inside quotes: pandas numbers the lines
    con.execute("DELETE FROM l WHERE e")
    n_lines = con.execute("SELECT count(*) FROM l").fetchone()[0]
    if n_lines == 0:
        return None
    detected = {**layout["detected"], "empty_lines": int(n_raw - n_lines + len(blank)),
                "total_line": None}
    last = con.execute(f"SELECT rowid, {', '.join(scope)} FROM l ORDER BY rowid DESC LIMIT 1"
                       ).fetchone()
    if _is_total_line(_text(last[1:], undo)):
        detected["total_line"] = int(_line_numbers([last[0]], blank, n_raw)[0])
        con.execute(f"DELETE FROM l WHERE rowid = {int(last[0])}")
        n_lines -= 1
        if n_lines == 0:
            return None
    amount, date, customer = col["amount"], col["date"], col["customer"]

    # what the pandas path guesses from the first lines, guessed from the same lines
    head = con.execute(f"SELECT {amount}, {date} FROM l ORDER BY rowid LIMIT 5000").fetchnumpy()
    decimal_used = decimal or detect_decimal(_text(head[amount], undo))
    fmt = date_format or detect_date_format(_text(head[date], undo).iloc[:2000].str.strip())

    # amounts: each distinct text parsed once by parse_amounts
    distinct = con.execute(f"SELECT DISTINCT {amount} AS a FROM l").fetchnumpy()["a"]
    numbers = parse_amounts(_text(distinct, undo), decimal_used)[0].to_numpy()
    amap = pd.DataFrame({"a": distinct, "num": numbers})  # NaN becomes NULL in DuckDB
    con.register("amap", amap)

    # dates: distinct day texts (cut at the date's width), then the failures in full
    if fmt is None:
        con.execute("CREATE TABLE dmap AS SELECT NULL::VARCHAR AS d, NULL::BIGINT AS day")
    else:
        part, width = date_part(fmt)
        day_texts = con.execute(f"SELECT DISTINCT left({date}, {width}) AS t FROM l"
                                ).fetchnumpy()["t"]
        days = _day_numbers(parse_day_texts(_text(day_texts, undo), part))
        con.register("daymap", pd.DataFrame({"t": day_texts, "day": days}))
        con.execute(f"CREATE TABLE dmap AS SELECT DISTINCT {date} AS d, day FROM l "
                    f"JOIN daymap ON left({date}, {width}) = daymap.t")
        failed = con.execute("SELECT d FROM dmap WHERE day IS NULL").fetchnumpy()["d"]
        if len(failed):
            again = _day_numbers(reparse_dates(_text(failed, undo),
                                               retry_formats(fmt, date_format)))
            con.register("retry", pd.DataFrame({"d": failed, "day": again}))
            con.execute("UPDATE dmap SET day = retry.day FROM retry WHERE dmap.d = retry.d")
        con.execute(f"UPDATE dmap SET day = NULL WHERE day < {_OLDEST_DAY}")

    # customers: coded in order of first appearance, blank → -1 (as identifier_codes)
    firsts = con.execute(f"SELECT {customer} AS c, min(rowid) AS f FROM l GROUP BY c ORDER BY f"
                         ).fetchnumpy()["c"]
    stripped = pd.Series([v.strip() or None for v in _text(firsts, undo).to_numpy()],
                         dtype=object)
    codes, customer_ids = pd.factorize(stripped)
    con.register("cmap", pd.DataFrame({"c": firsts, "code": codes.astype("int64")}))

    key = col.get("order")
    partition = key if key else ", ".join(names)
    has_key = f"{key} <> ''" if key else "TRUE"
    con.execute(f"""
        CREATE TABLE f AS
        WITH checked AS (
            SELECT l.rowid AS r, cmap.code, dmap.day, amap.num, {partition},
                   CASE WHEN cmap.code < 0 THEN 1 WHEN dmap.day IS NULL THEN 2
                        WHEN amap.num IS NULL THEN 3 WHEN amap.num < 0 THEN 4 ELSE 0 END AS fate
            FROM l
            JOIN cmap ON l.{customer} = cmap.c
            JOIN amap ON l.{amount} = amap.a
            LEFT JOIN dmap ON l.{date} = dmap.d
        )
        SELECT r, code, day, num,
               CASE WHEN fate = 0 AND {has_key} AND row_number() OVER (
                        PARTITION BY fate = 0 AND {has_key}, {partition} ORDER BY r) > 1
                    THEN 5 ELSE fate END AS fate
        FROM checked""")
    counts = dict(con.execute("SELECT fate, count(*) FROM f GROUP BY fate").fetchall())
    kept = con.execute("SELECT code, day, num FROM f WHERE fate = 0 ORDER BY r").fetchnumpy()
    returns = con.execute("SELECT num FROM f WHERE fate = 4 ORDER BY r").fetchnumpy()["num"]
    shown = [cols["date"], cols["amount"]] + ([cols["order"]] if key else [])
    aside = con.execute(
        f"SELECT f.r, f.fate, l.{date}, l.{amount}{', l.' + key if key else ''} "
        "FROM f JOIN l ON f.r = l.rowid WHERE f.fate > 0 ORDER BY f.r").fetchnumpy()
    lines = pd.Index(_line_numbers(aside["r"], blank, n_raw), name="ligne")
    fate = pd.Series(pd.Categorical.from_codes(np.asarray(aside["fate"], dtype="int8"),
                                               categories=["kept", *REASONS]), index=lines)
    raw = pd.DataFrame({name: _text(aside[c], undo).to_numpy()
                        for name, c in zip(shown, [date, amount, key], strict=False)},
                       index=lines)
    detected.update(decimal=decimal_used, date_format=format_label(fmt) if fmt else None)
    return {
        "rows_read": int(n_lines),
        "counts": {reason: int(counts.get(k, 0)) for k, reason in enumerate(REASONS, start=1)},
        "purchases": pd.DataFrame({
            "client": np.asarray(kept["code"], dtype="int64"),
            "date": (_EPOCH + np.asarray(kept["day"], dtype="int64")).astype("datetime64[ns]"),
            "montant": np.asarray(kept["num"], dtype="float64"),
        }),
        "customer_ids": np.asarray(customer_ids, dtype=object),
        "returns_total": float(np.asarray(returns, dtype="float64").sum()),
        "set_aside": set_aside_table(fate, raw, cols),
        "detected": detected,
    }


def _day_numbers(days: np.ndarray) -> pd.arrays.IntegerArray:
    """datetime64 days → days since 1970 as nullable integers (NaT → missing)."""
    values = np.asarray(days, dtype="datetime64[D]")
    numbers = pd.array((values - _EPOCH).astype("int64"), dtype="Int64")
    numbers[np.isnat(values)] = pd.NA
    return numbers


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
