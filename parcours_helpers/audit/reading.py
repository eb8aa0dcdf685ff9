"""Read a client's sales export as French back-offices and Excel write them.

The export is read as text (every cell a string), so that nothing is silently
converted: the quality step (:mod:`parcours_helpers.audit.quality`) parses dates and
amounts and sets aside what it cannot read, with the source line number. This module
only guesses how the file is written — encoding, separator — and finds the trailing
total line; each guess can be overridden.

Line numbers: the header is line 1 and data row ``i`` (0-based) is line ``i + 2`` of the
file (blank lines are read as empty rows, then dropped, so numbering stays exact; a cell
spanning several lines inside quotes would shift the numbers after it).
"""

from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

#: Bytes that cp1252 leaves undefined: a file containing them is not cp1252.
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
#: Separators tried, in order of preference when counts tie.
SEPARATORS = (";", "\t", ",", "|")
_SEP_NAMES = {";": "point-virgule", "\t": "tabulation", ",": "virgule", "|": "barre verticale"}
_ENCODING_NAMES = {"utf-8-sig": "UTF-8 avec BOM", "utf-8": "UTF-8", "cp1252": "Windows-1252 (cp1252)"}
_TOTAL_WORDS = re.compile(r"^\s*(sous-)?(total|totaux|somme)\b", re.IGNORECASE)
_CHUNK = 1 << 22


class AuditInputError(ValueError):
    """An export the audit cannot read; the message is French and meant for the user."""


def sniff_encoding(path: Path) -> str:
    """Guess the encoding of a text file: ``"utf-8-sig"``, ``"utf-8"`` or ``"cp1252"``.

    UTF-8 is tried on the whole file (a stray accented byte may sit a million lines
    down); cp1252 is the fallback, never latin-1, which accepts any byte and turns the
    euro sign (0x80) into a control character.

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    str
        A Python codec name.

    Raises
    ------
    AuditInputError
        When the file is neither UTF-8 nor cp1252 (e.g. UTF-16, or a binary file).
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, bom, undefined = True, False, False
    with open(path, "rb") as f:
        first = True
        while chunk := f.read(_CHUNK):
            if first:
                if b"\x00" in chunk[:4096]:
                    raise AuditInputError(
                        f"Le fichier « {path.name} » n'est pas un tableau texte (CSV) lisible : "
                        "il contient des octets nuls (fichier binaire, ou encodé en UTF-16). "
                        "Enregistrez-le en « CSV UTF-8 » ou en .xlsx."
                    )
                bom, first = chunk.startswith(codecs.BOM_UTF8), False
            undefined = undefined or any(b in chunk for b in _CP1252_UNDEFINED)
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            if not utf8 and undefined:
                break
    if utf8:
        return "utf-8-sig" if bom else "utf-8"
    if undefined:
        raise AuditInputError(
            f"Encodage du fichier « {path.name} » non reconnu (ni UTF-8, ni Windows-1252). "
            "Précisez-le avec --encoding (par exemple --encoding latin-1)."
        )
    return "cp1252"


def sniff_separator(header: str, sample_lines: list[str]) -> str:
    """Guess the column separator from the header and the first data lines.

    The separator is the candidate found in the header that splits the most lines
    into as many fields as the header (quotes respected); ties go to ``;`` then tab,
    ``,`` and ``|``.

    Raises
    ------
    AuditInputError
        When no candidate appears in the header: the file is not a table.
    """
    best, best_score = None, -1
    for sep in SEPARATORS:
        if sep not in header:
            continue
        n_fields = len(next(csv.reader([header], delimiter=sep)))
        score = sum(len(row) == n_fields for row in csv.reader(sample_lines, delimiter=sep))
        if score > best_score:
            best, best_score = sep, score
    if best is None:
        raise AuditInputError(
            "Le fichier ne ressemble pas à un tableau : aucun séparateur de colonnes "
            "(point-virgule, virgule, tabulation) dans la première ligne. Vérifiez qu'il "
            "s'agit bien d'un export CSV avec une ligne d'en-tête, ou précisez --sep."
        )
    return best


def _first_lines(path: Path, encoding: str, n: int = 50) -> list[str]:
    lines = []
    with open(path, encoding=encoding, newline="") as f:
        for line in f:
            lines.append(line.rstrip("\r\n"))
            if len(lines) >= n:
                break
    return lines


def is_excel(path: Path) -> bool:
    """True for an .xlsx workbook (a zip file), whatever its extension."""
    with open(path, "rb") as f:
        return f.read(4) == b"PK\x03\x04"


def read_export(
    path: str | Path,
    columns: list[str] | None = None,
    sep: str | None = None,
    encoding: str | None = None,
    all_columns: bool = False,
) -> tuple[pd.DataFrame, dict]:
    """Read a CSV or .xlsx export as text, guessing encoding and separator.

    Parameters
    ----------
    path : str or pathlib.Path
        The export: CSV (``;``, ``,``, tab; UTF-8 with or without BOM, or cp1252; CRLF or
        LF) or an Excel workbook (first sheet).
    columns : list of str, optional
        Columns needed; each must exist in the header. Only those are read (faster),
        unless ``all_columns``. None: all columns.
    sep, encoding : str, optional
        Override the guesses (``"\\t"`` or ``"tab"`` for a tab).
    all_columns : bool
        Read every column (to find identical lines) while checking ``columns``.

    Returns
    -------
    (pandas.DataFrame, dict)
        The table, every cell a string (empty cells are ``""``), with a column ``ligne``
        (the line number in the source file) as index; empty lines and a trailing total
        line are removed. The dict says what was detected: ``format``, ``encoding``,
        ``separator``, ``columns`` (all columns of the file), ``empty_lines`` (count) and
        ``total_line`` (its line number, or None).

    Raises
    ------
    AuditInputError
        Missing or empty file, header without data, not a table, unknown column (the
        message lists the columns present), unreadable encoding.
    """
    path = Path(path)
    if not path.exists():
        raise AuditInputError(f"Fichier introuvable : « {path} ». Vérifiez le chemin.")
    if path.is_dir():
        raise AuditInputError(f"« {path} » est un dossier, pas un fichier d'export.")
    if path.stat().st_size == 0:
        raise AuditInputError(f"Le fichier « {path.name} » est vide (0 octet).")
    if is_excel(path):
        df, detected = _read_excel(path)
    else:
        df, detected = _read_csv(path, columns, sep, encoding, all_columns)
    _check_columns(detected["columns"], columns or [], path)
    if columns and not all_columns:
        df = df[columns]
    df.index = pd.RangeIndex(2, len(df) + 2, name="ligne")
    if len(df.columns):
        # a blank line is empty in every column: compare the other columns only where the
        # first one is empty (one pass over the file instead of one per column)
        empty = np.array(df.iloc[:, 0] == "", dtype=bool)
        maybe = np.flatnonzero(empty)
        if len(maybe):
            empty[maybe] = (df.iloc[maybe] == "").all(axis=1).to_numpy()
        empty = pd.Series(empty, index=df.index)
    else:
        empty = pd.Series(True, index=df.index)
    detected["empty_lines"] = int(empty.sum())
    if empty.any():
        df = df[~empty.to_numpy()]
    detected["total_line"] = None
    if len(df) and _is_total_line(df.iloc[-1]):
        detected["total_line"] = int(df.index[-1])
        df = df.iloc[:-1]
    if len(df) == 0:
        raise AuditInputError(
            f"Le fichier « {path.name} » ne contient que la ligne d'en-tête : aucune ligne "
            "de données à analyser."
        )
    return df, detected


def csv_layout(path: Path, columns: list[str] | None, sep: str | None = None,
               encoding: str | None = None) -> dict:
    """How a CSV export is written, from its first lines: encoding, separator, header.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file.
    columns : list of str, optional
        Columns that must exist in the header.
    sep, encoding : str, optional
        Override the guesses.

    Returns
    -------
    dict
        ``encoding`` and ``sep`` (Python names, e.g. ``"cp1252"``, ``";"``), ``header``
        (the column names) and ``detected`` (the French description used by the report:
        ``format``, ``encoding``, ``separator``, ``line_endings``, ``columns``).

    Raises
    ------
    AuditInputError
        Unreadable encoding, no line of text, no separator, unknown column.
    """
    encoding = _normalise_encoding(encoding) if encoding else sniff_encoding(path)
    try:
        lines = _first_lines(path, encoding)
    except (UnicodeDecodeError, LookupError) as err:
        raise AuditInputError(
            f"Impossible de lire « {path.name} » avec l'encodage « {encoding} » ({err}). "
            "Essayez --encoding utf-8 ou --encoding cp1252."
        ) from None
    lines = [line for line in lines if line.strip()]
    if not lines:
        raise AuditInputError(f"Le fichier « {path.name} » est vide (aucune ligne de texte).")
    header = lines[0].lstrip("\ufeff")
    sep = _normalise_sep(sep) if sep else sniff_separator(header, lines[1:])
    header_cols = next(csv.reader([header], delimiter=sep))
    _check_columns(header_cols, columns or [], path)
    detected = {
        "format": "CSV",
        "encoding": _ENCODING_NAMES.get(encoding, encoding),
        "separator": _SEP_NAMES.get(sep, sep),
        "line_endings": "CRLF (Windows)" if _has_crlf(path) else "LF",
        "columns": [str(c) for c in header_cols],
    }
    return {"encoding": encoding, "sep": sep, "header": header_cols, "detected": detected}


def _read_csv(path, columns, sep, encoding, all_columns=False):
    layout = csv_layout(path, columns, sep, encoding)
    sep, encoding = layout["sep"], layout["encoding"]
    try:
        # dtype=object (plain Python strings): without pyarrow, pandas' own string dtype
        # makes the later factorize passes about a third slower on millions of cells.
        df = pd.read_csv(
            path, sep=sep, encoding=encoding, dtype=object, na_filter=False,
            skip_blank_lines=False, engine="c",
            usecols=None if all_columns or not columns else columns,
        )
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as err:
        raise AuditInputError(
            f"Le fichier « {path.name} » n'a pas pu être lu comme un tableau "
            f"(séparateur « {_SEP_NAMES.get(sep, sep)} », encodage {encoding}) : {err}. "
            "Vérifiez le fichier ou précisez --sep et --encoding."
        ) from None
    return df, layout["detected"]


def _read_excel(path):
    try:
        raw = pd.read_excel(path, dtype=object, engine="openpyxl")
    except Exception as err:  # openpyxl raises many types for a broken workbook
        raise AuditInputError(
            f"Le classeur Excel « {path.name} » n'a pas pu être lu ({type(err).__name__}). "
            "Ouvrez-le dans Excel et enregistrez-le de nouveau en .xlsx, ou exportez-le en CSV."
        ) from None
    df = pd.DataFrame({str(c): raw[c].map(_excel_cell).astype(str) for c in raw.columns})
    detected = {"format": "Excel (.xlsx)", "encoding": None, "separator": None,
                "line_endings": None, "columns": [str(c) for c in raw.columns]}
    return df, detected


def _excel_cell(value) -> str:
    """Write an Excel cell as a French export would: ISO dates, numbers with a decimal comma.

    Number cells get the decimal comma so that they agree with amounts typed as text
    (``"12,50 €"``) in the same column.
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number).replace(".", ",")
    return str(value).strip()


def _has_crlf(path: Path) -> bool:
    with open(path, "rb") as f:
        return b"\r\n" in f.read(65536)


def _check_columns(present: list[str], wanted: list[str], path: Path) -> None:
    missing = [c for c in wanted if c not in present]
    if missing:
        word = "Colonne introuvable" if len(missing) == 1 else "Colonnes introuvables"
        listed = ", ".join(f"« {c} »" for c in present)
        raise AuditInputError(
            f"{word} dans « {path.name} » : {', '.join(f'« {c} »' for c in missing)}. "
            f"Colonnes présentes : {listed}."
        )


def _is_total_line(row: pd.Series) -> bool:
    """A last line is a total when a cell starts with "Total" (or "Somme", "Sous-total")."""
    return any(_TOTAL_WORDS.match(str(v)) for v in row.to_numpy())


def _normalise_sep(sep: str) -> str:
    return {"tab": "\t", "\\t": "\t", "tabulation": "\t"}.get(sep.lower(), sep)


def _normalise_encoding(encoding: str) -> str:
    name = encoding.lower().replace("_", "-")
    if name in {"utf-8-bom", "utf8-bom", "utf-8-sig", "utf8-sig"}:
        return "utf-8-sig"
    try:
        return codecs.lookup(name).name if name not in {"utf-8", "utf8"} else "utf-8"
    except LookupError:
        raise AuditInputError(
            f"Encodage inconnu : « {encoding} ». Exemples : utf-8, cp1252, latin-1."
        ) from None
