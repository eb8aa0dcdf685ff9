"""Parse dates and amounts written the French way and account for every line.

Every data line of the export ends in exactly one place: kept as a purchase, or set
aside with one reason, checked in this order:

``missing_customer``  no customer identifier;
``bad_date``          date missing or unreadable (31/02/2024, "hier"…);
``bad_amount``        amount missing or unreadable ("N/A", "12,5,0");
``return``            negative amount: a refund, not a purchase (counted with its total);
``duplicate``         same order number as an earlier kept line (without an order
                      column: a line identical to an earlier one).

so that ``rows_read == rows_kept + sum(rows_set_aside.values())``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: Reasons a line is set aside, in the order they are checked.
REASONS = ["missing_customer", "bad_date", "bad_amount", "return", "duplicate"]
#: French label of each reason (for the report).
REASON_LABELS = {
    "missing_customer": "client manquant",
    "bad_date": "date illisible",
    "bad_amount": "montant illisible",
    "return": "retour (montant négatif)",
    "duplicate": "doublon",
}
#: Day-first date formats tried, most specific first (ISO last, for Excel and exports in ISO).
DATE_FORMATS = [
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
    "%d/%m/%y %H:%M:%S", "%d/%m/%y %H:%M", "%d/%m/%y",
    "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y",
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y",
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
]
_FORMAT_NAMES = {"%d": "JJ", "%m": "MM", "%Y": "AAAA", "%y": "AA", "%H": "HH", "%M": "MM",
                 "%S": "SS"}
# Characters dropped from an amount: currency sign, ordinary, no-break and narrow
# no-break spaces, thin space, apostrophe (Swiss thousands).
_AMOUNT_DROP = "€\u0020\u00a0\u202f\u2009'"
_MINUS = {"\u2212": "-", "\u2013": "-"}
_DEC_COMMA = re.compile(r",\d{1,2}$")
_DEC_POINT = re.compile(r"\.\d{1,2}$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}")


def format_label(fmt: str) -> str:
    """Write a strftime format the French way: ``"%d/%m/%Y"`` → ``"JJ/MM/AAAA"``."""
    out = fmt
    for code, name in _FORMAT_NAMES.items():
        out = out.replace(code, name)
    return out


def detect_decimal(values: pd.Series, sample: int = 5000) -> str:
    """Guess the decimal mark of amounts written as text: ``","`` or ``"."``.

    Looks at the values whose last mark is followed by one or two digits
    (``12,50`` → comma, ``12.5`` → point); with none (``1 234``), the French comma.
    """
    head = values.iloc[:sample].str.strip().str.rstrip("€ \u00a0\u202f")
    commas = int(head.str.contains(_DEC_COMMA).sum())
    points = int(head.str.contains(_DEC_POINT).sum())
    return "." if points > commas else ","


def parse_amounts(values: pd.Series, decimal: str | None = None) -> tuple[pd.Series, str]:
    """Convert French amount text to floats: ``"1 234,50 €"`` → ``1234.5``.

    Parameters
    ----------
    values : pandas.Series
        Amounts as text. Accepted: a ``€`` sign, thousands separated by a space, a
        no-break or narrow no-break space, or by the other mark than the decimal one
        (``1.234,50``), a leading ``-`` or ``−``.
    decimal : {",", "."}, optional
        The decimal mark; guessed with :func:`detect_decimal` when omitted.

    Returns
    -------
    (pandas.Series, str)
        Floats (NaN where the text is not an amount: empty, ``"N/A"``, infinite…),
        same index; and the decimal mark used.

    Examples
    --------
    >>> parse_amounts(pd.Series(["1\u202f234,50 €", "-3,5", "N/A"]))[0].tolist()
    [1234.5, -3.5, nan]
    """
    if decimal is None:
        decimal = detect_decimal(values)
    thousands = "." if decimal == "," else ","
    table = str.maketrans({**{c: None for c in _AMOUNT_DROP + thousands}, **_MINUS,
                           decimal: "."})
    # Each distinct text is converted once (an export repeats the same amounts a lot).
    codes, uniques = pd.factorize(values)
    cleaned = [u.translate(table) for u in np.asarray(uniques, dtype=object)]
    numbers = pd.to_numeric(np.array(cleaned, dtype=object), errors="coerce").astype("float64")
    numbers = np.where(np.isfinite(numbers), numbers, np.nan)
    return pd.Series(numbers[codes], index=values.index, dtype="float64"), decimal


def detect_date_format(values: pd.Series, sample: int = 2000) -> str | None:
    """Return the format of :data:`DATE_FORMATS` that reads most of the first values.

    Day-first formats come first, so ``03/04/2024`` is read as 3 April.
    """
    head = values.iloc[:sample]
    head = head[head.str.strip() != ""]
    if len(head) == 0:
        return None
    best, best_n = None, 0
    for fmt in DATE_FORMATS:
        n = int(pd.to_datetime(head, format=fmt, errors="coerce").notna().sum())
        if n > best_n:
            best, best_n = fmt, n
    return best


def parse_dates(values: pd.Series, date_format: str | None = None) -> tuple[pd.Series, str | None]:
    """Convert day-first date text to day timestamps; NaT where unreadable.

    Only the day counts in the audit: the time of day is dropped. Each distinct day text
    is parsed once (fast on millions of lines).

    Parameters
    ----------
    values : pandas.Series
        Dates as text: ``15/03/2024``, ``15/03/2024 14:30``, ``15/03/24``, ISO…
    date_format : str, optional
        A strftime format (``"%d/%m/%Y"``); guessed with :func:`detect_date_format`
        when omitted. Values not in the main format are tried with the other formats
        of :data:`DATE_FORMATS` (a file that mixes ``15/03/2024`` and ``15/03/24``).

    Returns
    -------
    (pandas.Series, str or None)
        Days (``datetime64[ns]`` at midnight, same index; NaT where unreadable or before
        1900) and the format detected.

    Examples
    --------
    >>> parse_dates(pd.Series(["03/04/2024 10:00", "05/04/24", "31/02/2024"]))[0].tolist()
    [Timestamp('2024-04-03 00:00:00'), Timestamp('2024-04-05 00:00:00'), NaT]
    """
    fmt = date_format or detect_date_format(values.iloc[:2000].str.strip())
    if fmt is None:
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]"), None
    part, width = date_part(fmt)
    # distinct texts -> distinct day texts (cut after the date) -> parsed once each
    codes, uniques = pd.factorize(values)
    day_codes, day_texts = pd.factorize(
        pd.Series([u[:width] for u in np.asarray(uniques, dtype=object)], dtype=object))
    days = parse_day_texts(day_texts, part)
    dates = pd.Series(days[day_codes[codes]] if len(uniques) else days[:0], index=values.index,
                      dtype="datetime64[ns]")
    missing = dates.isna().to_numpy()
    if missing.any():
        dates[missing] = reparse_dates(values[missing], retry_formats(fmt, date_format))
    return drop_too_old(dates), fmt


def date_part(fmt: str) -> tuple[str, int]:
    """The date part of a format and the width of its text (``"%d/%m/%Y %H:%M"`` → 10)."""
    part = re.split(r"[ T]", fmt)[0]
    return part, len(pd.Timestamp("2000-12-31").strftime(part))


def parse_day_texts(texts, part: str) -> np.ndarray:
    """Parse day texts (dates cut to the width of ``part``; surrounding blanks ignored).

    Returns ``datetime64[ns]`` values, NaT where the text does not match ``part``.
    """
    stripped = pd.Series([t.strip() for t in np.asarray(texts, dtype=object)], dtype=object)
    return np.asarray(pd.to_datetime(stripped, format=part, errors="coerce"),
                      dtype="datetime64[ns]")


def retry_formats(fmt: str, date_format: str | None) -> list[str]:
    """Formats tried in full on the values whose day part did not parse.

    A format given by the user is the only one tried; a guessed one is followed by all
    of :data:`DATE_FORMATS` (5/3/2024, 15/03/24 in a file of 15/03/2024 14:30…).
    """
    return [fmt] + ([] if date_format else DATE_FORMATS)


def reparse_dates(values: pd.Series, formats: list[str]) -> np.ndarray:
    """Parse full date texts with each format in turn (first that reads wins), as days.

    Returns ``datetime64[ns]`` at midnight, NaT where no format reads the text.
    """
    stripped = values.str.strip()
    retry = pd.Series(pd.NaT, index=stripped.index, dtype="datetime64[ns]")
    for other in formats:
        todo = retry.isna() & (stripped != "")
        if not todo.any():
            break
        got = pd.to_datetime(stripped[todo], format=other, errors="coerce")
        retry[todo] = got.astype("datetime64[ns]").dt.normalize()
    return retry.to_numpy()


#: Dates before this day are taken for typing errors (01/01/0024, 1/1/1800): unreadable.
OLDEST_DATE = pd.Timestamp("1900-01-01")


def drop_too_old(dates: pd.Series) -> pd.Series:
    """Set the dates before :data:`OLDEST_DATE` to NaT (in place) and return them."""
    too_old = (dates < OLDEST_DATE).to_numpy()
    if too_old.any():
        dates[too_old] = pd.NaT
    return dates


def identifier_codes(values: pd.Series, strip: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Integer code of each identifier; -1 where the cell is empty or blank.

    Parameters
    ----------
    values : pandas.Series
        Identifiers as text (customers, order numbers).
    strip : bool
        Ignore surrounding blanks (``" CL01"`` is ``"CL01"``, ``"  "`` is missing).
        Without it (faster on millions of distinct order numbers), only the empty cell
        ``""`` is missing.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The codes (int64, -1 for an empty or blank cell) and the distinct identifiers
        (``uniques[code]`` is the identifier).

    Examples
    --------
    >>> identifier_codes(pd.Series(["a", " a", "", "b", "  "]))[0].tolist()
    [0, 0, -1, 1, -1]
    """
    if not strip:
        sorted_codes = _sorted_codes(values)
        if sorted_codes is not None:
            return sorted_codes
    codes, uniques = pd.factorize(values)
    uniques = np.asarray(uniques, dtype=object)  # iterating a numpy array is much faster
    if strip:
        cleaned = pd.Series([u.strip() or None for u in uniques], dtype=object)
        recode, distinct = pd.factorize(cleaned)
        codes = recode[codes] if len(uniques) else codes
        return codes.astype("int64"), np.asarray(distinct, dtype=object)
    blank = uniques == ""
    if blank.any():
        codes = np.where(blank[codes], -1, codes)
    return codes.astype("int64"), uniques


def _sorted_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """Codes of identifiers already in increasing order (blank cells aside), else None.

    Order numbers usually come sorted: then equal numbers are neighbours and the codes
    are a running count of changes, much cheaper than hashing millions of strings.
    """
    arr = values.to_numpy(dtype=object)
    filled = np.flatnonzero(arr != "")
    if len(filled) < 2:
        return None
    present = arr[filled]
    try:
        if not (present[1:] >= present[:-1]).all():
            return None
    except TypeError:  # mixed types: let factorize handle them
        return None
    change = np.empty(len(present), dtype=bool)
    change[0] = True
    np.not_equal(present[1:], present[:-1], out=change[1:])
    codes = np.full(len(arr), -1, dtype="int64")
    codes[filled] = np.cumsum(change) - 1
    return codes, present[change]


def line_codes(lines: pd.DataFrame) -> np.ndarray:
    """Integer code of each whole line (identical lines share a code)."""
    hashed = pd.util.hash_pandas_object(lines, index=False).to_numpy()
    return pd.factorize(hashed)[0].astype("int64")


def classify(
    customer_codes: np.ndarray,
    dates: pd.Series,
    amounts: pd.Series,
    duplicate_keys: np.ndarray | None = None,
) -> pd.Series:
    """Give each line its fate: ``"kept"`` or the first reason of :data:`REASONS` that applies.

    Parameters
    ----------
    customer_codes : numpy.ndarray
        Customer codes from :func:`identifier_codes` (-1 = missing customer).
    dates, amounts : pandas.Series
        Parsed dates (NaT = unreadable) and amounts (NaN = unreadable); their index
        (line numbers) is the result's.
    duplicate_keys : numpy.ndarray, optional
        One integer per line — order-number codes (-1 = no number, never a duplicate) or
        :func:`line_codes`: a line whose key was already seen on a line still kept is a
        duplicate. None: no duplicate check.

    Returns
    -------
    pandas.Series
        Categorical ``"kept"`` / reason (categories ``["kept", *REASONS]``), same index.

    Examples
    --------
    >>> d = pd.to_datetime(pd.Series(["2024-01-01", None, "2024-01-02", "2024-01-02"]))
    >>> a = pd.Series([10.0, 5.0, -2.0, 10.0])
    >>> classify(np.array([0, 1, 1, 0]), d, a, np.array([7, 8, 9, 7])).tolist()
    ['kept', 'bad_date', 'return', 'duplicate']
    """
    n = len(customer_codes)
    fate = np.zeros(n, dtype="int8")  # 0 = kept, k = REASONS[k - 1]
    checks = [
        np.asarray(customer_codes) < 0,
        dates.isna().to_numpy(),
        amounts.isna().to_numpy(),
        (amounts < 0).to_numpy(),
    ]
    for k, mask in enumerate(checks, start=1):
        fate[(fate == 0) & mask] = k
    if duplicate_keys is not None:
        pending = np.flatnonzero((fate == 0) & (np.asarray(duplicate_keys) >= 0))
        seen = pd.Series(duplicate_keys[pending]).duplicated(keep="first").to_numpy()
        fate[pending[seen]] = len(REASONS)
    return pd.Series(pd.Categorical.from_codes(fate, categories=["kept", *REASONS]),
                     index=dates.index)


def scrub(text: str) -> str:
    """Mask e-mail addresses and French phone numbers in a cell shown in the report."""
    return _PHONE.sub("[téléphone masqué]", _EMAIL.sub("[e-mail masqué]", str(text)))


def set_aside_table(fate: pd.Series, raw: pd.DataFrame, columns: dict[str, str | None]) -> pd.DataFrame:
    """List the set-aside lines with their reason and the offending value, never the customer.

    Parameters
    ----------
    fate : pandas.Series
        Output of :func:`classify`; index = line numbers in the source file.
    raw : pandas.DataFrame
        The export as text, same index.
    columns : dict
        ``{"date": ..., "amount": ..., "order": ... or None}``: column names in ``raw``.

    Returns
    -------
    pandas.DataFrame
        Columns ``ligne`` (line number in the file), ``motif`` (reason code), ``motif_fr``,
        ``colonne`` and ``valeur`` (the offending cell, e-mails and phones masked; empty
        for a missing customer), sorted by line.
    """
    aside = fate[fate != "kept"]
    source = {
        "missing_customer": None,
        "bad_date": columns["date"],
        "bad_amount": columns["amount"],
        "return": columns["amount"],
        "duplicate": columns.get("order"),
    }
    reasons = aside.astype(str).to_numpy()
    cols = np.array([source[r] or "" for r in reasons], dtype=object)
    values = np.full(len(aside), "", dtype=object)
    rows_raw = raw.loc[aside.index]
    for col in set(cols) - {""}:
        hit = cols == col
        values[hit] = rows_raw[col].to_numpy(dtype=object)[hit]
    values[(reasons == "duplicate") & (cols == "")] = "ligne identique à une ligne précédente"
    rows = list(zip(aside.index.astype("int64"), reasons,
                    [REASON_LABELS[r] for r in reasons], cols,
                    [scrub(v) for v in values], strict=True))
    table = pd.DataFrame(rows, columns=["ligne", "motif", "motif_fr", "colonne", "valeur"])
    return table.sort_values("ligne", ignore_index=True)
