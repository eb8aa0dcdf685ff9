"""The two engines of the audit (pandas, DuckDB) give the same results, line for line.

DuckDB only runs on big exports in normal use; here it is forced on every fixture and
on variants of them (line ends, blank lines, empty rows, quotes, accented identifiers),
and compared with the pandas path on everything the audit writes.
"""

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours_helpers.audit import AuditInputError, lines_duckdb, run_audit
from parcours_helpers.audit.pipeline import write_csv

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
CP1252 = ("Client", "Date", "Montant TTC (€)", "N° commande")
CASES = {
    "export_cp1252.csv": (FIXTURES / "export_cp1252.csv", CP1252),
    "export_utf8_bom.csv": (FIXTURES / "export_utf8_bom.csv", ("Client", "Date", "Montant", None)),
    "export_tabulations.txt": (FIXTURES / "export_tabulations.txt",
                               ("Client", "Date", "Montant", "Commande")),
    "commandes.csv": (ROOT / "data" / "commandes.csv",
                      ("id_personne", "date_commande", "montant_ttc", "id_commande")),
    "exemple_export_client.csv": (ROOT / "data" / "exemple_export_client.csv", CP1252),
}


def _both(path, cols, **options):
    pandas_run = run_audit(path, *cols, salt="moteurs", engine="pandas", **options)
    duckdb_run = run_audit(path, *cols, salt="moteurs", engine="duckdb", **options)
    return pandas_run, duckdb_run


def assert_same_results(pandas_run, duckdb_run):
    """Everything the audit writes is equal; only the engine's name differs."""
    assert pandas_run["quality"].pop("engine") == "pandas"
    assert duckdb_run["quality"].pop("engine") == "duckdb"
    assert duckdb_run["quality"] == pandas_run["quality"]
    for table in ("set_aside", "customers", "monthly"):
        pd.testing.assert_frame_equal(duckdb_run[table], pandas_run[table])


@pytest.mark.parametrize("name", CASES)
def test_duckdb_gives_the_pandas_results_on_every_fixture(name):
    path, cols = CASES[name]
    assert_same_results(*_both(path, cols))


def _cp1252_variant(tmp_path, transform) -> Path:
    text = (FIXTURES / "export_cp1252.csv").read_bytes().decode("cp1252")
    path = tmp_path / "variante.csv"
    path.write_bytes(transform(text).encode("cp1252"))
    return path


@pytest.mark.parametrize("transform", [
    lambda t: t.replace("\r\n", "\n"),                              # LF line ends
    lambda t: t.replace("\r\n\r\n", "\r\n"),                        # no blank line
    lambda t: t + "\r\n\r\n",                                       # blank lines at the end
    lambda t: t.replace(";;Total", ";;;;\r\n\r\n;;Total"),          # empty row, blank, total
    lambda t: t.replace("CL1;", "Clé’œ–1;").replace("CL2;", '"CL;2";'),  # cp1252-only, quotes
    lambda t: t.rsplit("\r\n;;Total", 1)[0],                        # no total, no final CRLF
    lambda t: t.replace("\r\n\r\n", '\r\n;"";;x@y.fr;""\r\n')       # only an unused cell
    .replace(";;Total;;", "A009;11/01/2024;CL5;Total général;"),     # "Total" in an unused one
], ids=["lf", "sans-ligne-vide", "lignes-vides-finales", "ligne-de-separateurs",
        "accents-et-guillemets", "sans-total", "colonnes-non-lues"])
def test_duckdb_gives_the_pandas_results_on_variants(tmp_path, transform):
    path = _cp1252_variant(tmp_path, transform)
    assert_same_results(*_both(path, CP1252))


def test_overrides_give_the_same_results():
    path, cols = CASES["export_tabulations.txt"]
    assert_same_results(*_both(path, cols, sep="tab", encoding="utf-8", decimal=".",
                               date_format="%m/%d/%y"))


@pytest.mark.parametrize("content, why", [
    (b"Client;Date;Montant\rCL1;05/01/2024;10\r", "fins de ligne Mac"),
    (b'Client;Date;Montant\r\n"CL\r\n1";05/01/2024;10\r\n', "retour à la ligne entre guillemets"),
    (b"Client;Date;Montant\r\nCL1;05/01/2024;10;en trop\r\n", "champ en trop"),
])
def test_what_duckdb_cannot_promise_is_left_to_pandas(tmp_path, content, why):
    path = tmp_path / "cas.csv"
    path.write_bytes(content)
    try:
        expected = run_audit(path, "Client", "Date", "Montant", salt="m", engine="pandas")
    except AuditInputError as err:
        with pytest.raises(AuditInputError) as got:
            run_audit(path, "Client", "Date", "Montant", salt="m", engine="duckdb")
        assert str(got.value) == str(err), why
        return
    got = run_audit(path, "Client", "Date", "Montant", salt="m", engine="duckdb")
    assert got["quality"]["engine"] == "pandas", why
    assert got["quality"] == expected["quality"]


def test_auto_uses_duckdb_only_on_big_exports(monkeypatch):
    path, cols = CASES["exemple_export_client.csv"]
    assert run_audit(path, *cols, salt="a")["quality"]["engine"] == "pandas"
    monkeypatch.setattr(lines_duckdb, "MIN_BYTES", 1000)
    assert run_audit(path, *cols, salt="a")["quality"]["engine"] == "duckdb"


def test_an_unknown_engine_is_a_french_error():
    path, cols = CASES["export_cp1252.csv"]
    with pytest.raises(AuditInputError, match="Moteur inconnu"):
        run_audit(path, *cols, engine="spark")


_CELLS = st.tuples(
    st.sampled_from(["CL1", " CL1", "CL2", "Clé€", "", "  ", '""']),
    st.sampled_from(["05/01/2024", "06/01/2024 10:00", "07/01/24", "31/02/2024", "", "hier",
                     "01/01/1850"]),
    st.sampled_from(["12,50 €", "1 000,00", "-5,00 €", "N/A", "", "0", "1.234,5"]),
    st.sampled_from(["A1", "A2", "A3", "", "A1 ", '""']),
    st.sampled_from(["", "web", '""', "Total"]),  # a column the audit does not use
)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.one_of(_CELLS, st.just(("", "", "", "", ""))), min_size=1,
                    max_size=25),
       with_order=st.booleans(), crlf=st.booleans())
def test_both_engines_agree_on_random_exports(tmp_path, rows, with_order, crlf):
    end = "\r\n" if crlf else "\n"
    lines = ["Client;Date;Montant;Commande;Canal"] + [";".join(r) for r in rows]
    path = tmp_path / "h.csv"
    path.write_bytes((end.join(lines) + end).encode("cp1252"))
    order = "Commande" if with_order else None
    try:
        expected = run_audit(path, "Client", "Date", "Montant", order, salt="h", engine="pandas")
    except AuditInputError as err:
        with pytest.raises(AuditInputError) as got:
            run_audit(path, "Client", "Date", "Montant", order, salt="h", engine="duckdb")
        assert str(got.value) == str(err)
        return
    got = run_audit(path, "Client", "Date", "Montant", order, salt="h", engine="duckdb")
    assert_same_results(expected, got)


def test_blank_lines_are_found_in_the_bytes():
    import numpy as np

    data = np.frombuffer(b"h\r\n\r\na\n\n\r\nb\r\n", dtype=np.uint8)
    assert lines_duckdb.blank_lines(data, np.flatnonzero(data == 10)).tolist() == [2, 4, 5]


def test_write_csv_keeps_accents_quotes_and_missing_values(tmp_path):
    table = pd.DataFrame({
        "segment": pd.Categorical(["À risque", "Fidèles", None]),
        "texte": ['virgule, ici', 'dit "oui"', None],
        "vrai": [True, False, True],
        "jour": pd.to_datetime(["2024-01-05", "2024-02-29", None]),
    })
    write_csv(table, tmp_path / "t.csv")
    back = pd.read_csv(tmp_path / "t.csv", parse_dates=["jour"])
    assert back["segment"].tolist()[:2] == ["À risque", "Fidèles"]
    assert back["texte"].tolist()[:2] == ['virgule, ici', 'dit "oui"']
    assert back["vrai"].tolist() == [True, False, True]
    assert back["jour"].tolist()[:2] == list(table["jour"][:2])
    assert back.iloc[2].isna().tolist() == [True, True, False, True]


def test_the_duckdb_path_writes_nothing_outside_the_output_folder(tmp_path, monkeypatch):
    """No spill folder in the working directory, no copy of the export left in /tmp."""
    import tempfile

    from parcours_helpers.cli import audit_main

    monkeypatch.setattr(lines_duckdb, "MIN_BYTES", 0)
    monkeypatch.chdir(tmp_path)
    leftovers = set(Path(tempfile.gettempdir()).glob("parcours-audit-*"))
    code = audit_main([str(FIXTURES / "export_cp1252.csv"), "--output", "sortie", "--no-report",
                       "--customer-col", "Client", "--date-col", "Date",
                       "--amount-col", "Montant TTC (€)", "--order-col", "N° commande",
                       "--salt", "t", "--quiet"])
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sortie"]
    assert set(Path(tempfile.gettempdir()).glob("parcours-audit-*")) == leftovers
    quality = (tmp_path / "sortie" / "quality.json").read_text(encoding="utf-8")
    assert '"engine": "duckdb"' in quality


def test_duckdb_never_spills_into_the_working_directory():
    con = lines_duckdb.connect()
    assert con.execute("SELECT current_setting('temp_directory')").fetchone()[0] == ""
    assert con.execute("SELECT current_setting('autoinstall_known_extensions')").fetchone()[0] \
        is False
