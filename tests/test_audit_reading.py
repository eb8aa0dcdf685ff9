"""Reading messy French exports: encodings, separators, line numbers, total line, errors."""

from pathlib import Path

import pandas as pd
import pytest

from parcours_helpers.audit.reading import (
    AuditInputError,
    read_export,
    sniff_encoding,
    sniff_separator,
)

FIXTURES = Path(__file__).parent / "fixtures"


def _write(tmp_path, name, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_cp1252_is_detected_and_the_euro_sign_survives(tmp_path):
    path = _write(tmp_path, "e.csv", "Client;Montant\r\nA;12,50 €\r\n".encode("cp1252"))
    assert sniff_encoding(path) == "cp1252"
    df, detected = read_export(path)
    assert df["Montant"].tolist() == ["12,50 €"]  # latin-1 would give "12,50 \x80"
    assert detected["encoding"] == "Windows-1252 (cp1252)"
    assert detected["line_endings"] == "CRLF (Windows)"


def test_utf8_with_and_without_bom(tmp_path):
    text = "Client;Montant\nÉlodie;3 €\n"
    bom = _write(tmp_path, "bom.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    plain = _write(tmp_path, "plain.csv", text.encode("utf-8"))
    assert sniff_encoding(bom) == "utf-8-sig"
    assert sniff_encoding(plain) == "utf-8"
    df, _ = read_export(bom)
    assert list(df.columns) == ["Client", "Montant"]  # no BOM glued to the first name


def test_accented_byte_far_down_the_file_still_switches_to_cp1252(tmp_path):
    lines = ["Client;Montant"] + ["A;1"] * 300_000 + ["Zoé;2"]
    path = _write(tmp_path, "long.csv", "\n".join(lines).encode("cp1252"))
    assert sniff_encoding(path) == "cp1252"


def test_file_neither_utf8_nor_cp1252_asks_for_the_encoding(tmp_path):
    path = _write(tmp_path, "x.csv", b"Client;Montant\nA\x81;1\nB\xe9;2\n")
    with pytest.raises(AuditInputError, match="--encoding"):
        sniff_encoding(path)


@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_separator_is_found(sep):
    header = sep.join(["Date", "Client", "Montant"])
    lines = [sep.join(["01/02/2024", "A", '"1,5"' if sep == "," else "1,5"])] * 3
    assert sniff_separator(header, lines) == sep


def test_semicolon_wins_over_decimal_commas():
    lines = ["01/02/2024;A;1,5", "02/02/2024;B;2,25"]
    assert sniff_separator("Date;Client;Montant", lines) == ";"


def test_line_numbers_count_the_header_and_the_empty_lines():
    df, detected = read_export(FIXTURES / "export_cp1252.csv")
    # header = line 1, an empty line 9 is skipped, the total line 12 is removed
    assert df.index.tolist() == [2, 3, 4, 5, 6, 7, 8, 10, 11]
    assert detected["empty_lines"] == 1
    assert detected["total_line"] == 12
    assert df.at[5, "Date"] == "31/02/2024 09:00"


def test_only_the_requested_columns_are_kept_but_all_are_reported():
    df, detected = read_export(FIXTURES / "export_cp1252.csv", columns=["Client", "Date"])
    assert list(df.columns) == ["Client", "Date"]
    assert "E-mail" in detected["columns"]


def test_excel_dates_and_numbers_become_export_text():
    df, detected = read_export(FIXTURES / "export_excel.xlsx")
    assert detected["format"] == "Excel (.xlsx)"
    assert df.at[2, "Date"] == "2024-01-05 10:00:00"
    assert df.at[2, "Montant"] == "100"
    assert df.at[3, "Montant"] == "12,50 €"
    assert df.at[4, "Date"] == ""
    assert detected["total_line"] == 6


def test_overrides_replace_the_guesses(tmp_path):
    path = _write(tmp_path, "p.csv", "Client|Montant\nA|1\n".encode("latin-1"))
    df, detected = read_export(path, sep="|", encoding="latin-1")
    assert df.columns.tolist() == ["Client", "Montant"]
    assert detected["encoding"] == "iso8859-1"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "vide"),
        (b"Client;Date;Montant\r\n", "ligne d'en-t\u00eate"),
        (b"Bonjour,\nceci est une lettre\n".replace(b",", b""), "ne ressemble pas \u00e0 un tableau"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "n'est pas un tableau"),
    ],
    ids=["vide", "entete-seule", "texte", "binaire"],
)
def test_bad_files_get_a_french_message(tmp_path, content, message):
    path = _write(tmp_path, "bad.csv", content)
    with pytest.raises(AuditInputError, match=message):
        read_export(path)


def test_missing_file_and_unknown_column(tmp_path):
    with pytest.raises(AuditInputError, match="introuvable"):
        read_export(tmp_path / "absent.csv")
    with pytest.raises(AuditInputError) as err:
        read_export(FIXTURES / "export_cp1252.csv", columns=["Client", "Montant"])
    text = str(err.value)
    assert "« Montant »" in text and "Colonnes présentes" in text and "« Montant TTC (€) »" in text


def test_unknown_encoding_name_is_refused(tmp_path):
    path = _write(tmp_path, "a.csv", b"a;b\n1;2\n")
    with pytest.raises(AuditInputError, match="Encodage inconnu"):
        read_export(path, encoding="klingon")


def test_empty_cells_are_empty_strings_not_nan():
    df, _ = read_export(FIXTURES / "export_cp1252.csv")
    assert df.at[6, "Client"] == ""
    assert not df.isna().any().any()
    assert isinstance(df, pd.DataFrame)
