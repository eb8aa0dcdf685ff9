"""The whole audit on messy fixtures: exact accounting, quality.json, nothing leaked."""

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours_helpers.audit import (
    AuditInputError,
    accounting_table,
    load_results,
    monthly_table,
    run_audit,
    save_results,
)
from parcours_helpers.audit.quality import REASONS

FIXTURES = Path(__file__).parent / "fixtures"
QUALITY_KEYS = {"rows_read", "rows_kept", "rows_set_aside", "customers", "revenue_kept",
                "returns_total", "first_date", "last_date", "observation_end", "detected",
                "columns_used", "pseudonymisation", "models", "engine"}

# fixture -> (columns, rows_read, rows_kept, set aside, customers, revenue_kept, returns_total)
CASES = {
    "export_cp1252.csv": (("Client", "Date", "Montant TTC (€)", "N° commande"), 9, 4,
                          {"missing_customer": 1, "bad_date": 1, "bad_amount": 1, "return": 1,
                           "duplicate": 1}, 3, 3369.40, -89.90),
    "export_utf8_bom.csv": (("Client", "Date", "Montant", None), 5, 2,
                            {"bad_amount": 1, "return": 1, "duplicate": 1}, 2, 1015.50, -15.50),
    "export_tabulations.txt": (("Client", "Date", "Montant", "Commande"), 4, 3,
                               {"bad_date": 1}, 2, 1265.00, 0.0),
    "export_excel.xlsx": (("Client", "Date", "Montant", "N° commande"), 4, 2,
                          {"bad_date": 1, "return": 1}, 2, 112.50, -5.0),
}
# What must never reach an output: identifiers, names, e-mails, addresses of the fixtures.
SECRETS = ["CL1", "CL2", "cl1@exemple.fr", "Dupont", "Martin", "Lilas", "Bellecour", "X1", "C1,"]


@pytest.mark.parametrize("name", CASES)
def test_exact_accounting_on_each_fixture(name):
    cols, read, kept, aside, customers, revenue, returns = CASES[name]
    q = run_audit(FIXTURES / name, *cols, salt="test")["quality"]
    assert q["rows_read"] == read
    assert q["rows_kept"] == kept
    assert q["rows_set_aside"] == {r: aside.get(r, 0) for r in REASONS}
    assert q["rows_read"] == q["rows_kept"] + sum(q["rows_set_aside"].values())
    assert q["customers"] == customers
    assert q["revenue_kept"] == pytest.approx(revenue)
    assert q["returns_total"] == pytest.approx(returns)
    assert set(q) == QUALITY_KEYS


def test_what_was_detected_is_reported():
    q = run_audit(FIXTURES / "export_cp1252.csv", "Client", "Date", "Montant TTC (€)",
                  "N° commande", salt="t")["quality"]
    d = q["detected"]
    assert (d["encoding"], d["separator"], d["decimal"]) == ("Windows-1252 (cp1252)",
                                                             "point-virgule", ",")
    assert d["date_format"] == "JJ/MM/AAAA HH:MM"
    assert (d["empty_lines"], d["total_line"], d["overridden"]) == (1, 12, [])
    assert (q["first_date"], q["last_date"], q["observation_end"]) == (
        "2024-01-05", "2024-02-15", "2024-02-15")
    assert q["pseudonymisation"] == {"method": "HMAC-SHA256", "key": "clé fournie (--salt)"}
    assert q["models"]["fitted"] is False and "Trop peu" in q["models"]["message"]


def test_set_aside_lines_are_listed_by_source_line_with_reason_and_value():
    results = run_audit(FIXTURES / "export_cp1252.csv", "Client", "Date", "Montant TTC (€)",
                        "N° commande", salt="t")
    table = results["set_aside"]
    assert table[["ligne", "motif", "valeur"]].values.tolist() == [
        [5, "bad_date", "31/02/2024 09:00"],
        [6, "missing_customer", ""],
        [7, "bad_amount", "N/A"],
        [8, "duplicate", "A002"],
        [10, "return", "-89,90 €"],
    ]


def test_overrides_are_applied_and_reported():
    results = run_audit(FIXTURES / "export_tabulations.txt", "Client", "Date", "Montant",
                        "Commande", sep="tab", encoding="utf-8", date_format="%m/%d/%y",
                        decimal=".", salt="t")
    q = results["quality"]
    assert sorted(q["detected"]["overridden"]) == ["date_format", "decimal", "encoding", "sep"]
    assert q["detected"]["date_format"] == "MM/JJ/AA"
    # month first, as forced: 05/01/24 is 1 May, 07/01/24 is 1 July (only the day counts)
    assert (q["first_date"], q["last_date"]) == ("2024-05-01", "2024-07-01")
    assert q["revenue_kept"] == pytest.approx(1265.0)


def test_observation_end_sets_T_and_cannot_precede_a_purchase():
    results = run_audit(FIXTURES / "export_cp1252.csv", "Client", "Date", "Montant TTC (€)",
                        "N° commande", salt="t", observation_end="2024-03-01")
    assert results["quality"]["observation_end"] == "2024-03-01"
    c = results["customers"].set_index("nb_achats")
    assert c.loc[1, "T"].min() == 15  # CL4 bought once on 15/02, 15 days before 01/03
    with pytest.raises(AuditInputError, match="précède"):
        run_audit(FIXTURES / "export_cp1252.csv", "Client", "Date", "Montant TTC (€)",
                  salt="t", observation_end="2024-01-10")


def test_same_salt_same_pseudonyms_and_no_identity_in_any_output(tmp_path):
    for name, (cols, *_rest) in CASES.items():
        out = save_results(run_audit(FIXTURES / name, *cols, salt="s"), tmp_path / name)
        again = run_audit(FIXTURES / name, *cols, salt="s")["customers"]
        assert (load_results(out)["customers"]["client"] == again["client"]).all()
        for file in out.iterdir():
            text = file.read_text(encoding="utf-8")
            for secret in SECRETS:
                assert secret not in text, f"{secret} dans {name}/{file.name}"


def test_customers_csv_has_the_documented_columns(tmp_path):
    out = save_results(run_audit(FIXTURES / "export_cp1252.csv", "Client", "Date",
                                 "Montant TTC (€)", "N° commande", salt="s"), tmp_path)
    customers = pd.read_csv(out / "customers.csv")
    for col in ["client", "frequency", "recency", "T", "monetary_value", "segment_rfm",
                "p_actif", "clv_12_mois"]:
        assert col in customers.columns
    assert customers["client"].str.match(r"^C-[0-9a-f]{16}$").all()
    # CL1 bought on 05/01 and 07/01: one repeat day, recency 2 days, T 41 days
    cl1 = customers[customers["nb_achats"] == 2].iloc[0]
    assert (cl1["frequency"], cl1["recency"], cl1["T"]) == (1, 2, 41)
    quality = json.loads((out / "quality.json").read_text(encoding="utf-8"))
    assert quality["rows_read"] == 9


def test_nothing_kept_is_a_french_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Client;Date;Montant\nA;hier;1\nB;demain;2\n", encoding="utf-8")
    with pytest.raises(AuditInputError, match="Aucune ligne n'a pu être gardée"):
        run_audit(path, "Client", "Date", "Montant", salt="t")


def test_monthly_table_fills_empty_months():
    purchases = pd.DataFrame({"client": [1, 2, 1],
                              "date": pd.to_datetime(["2024-01-05", "2024-03-02", "2024-03-20"]),
                              "montant": [10.0, 20.0, 5.0]})
    table = monthly_table(purchases)
    assert table["mois"].dt.strftime("%Y-%m").tolist() == ["2024-01", "2024-02", "2024-03"]
    assert table["chiffre_affaires"].tolist() == [10.0, 0.0, 25.0]
    assert table["clients"].tolist() == [1, 0, 2]
    assert table["nouveaux_clients"].tolist() == [1, 0, 1]


def test_accounting_table_adds_up():
    q = {"rows_read": 10, "rows_kept": 7, "rows_set_aside": {r: 0 for r in REASONS}}
    q["rows_set_aside"]["return"] = 3
    table = accounting_table(q)
    assert table["lignes"].iloc[:-1].sum() == table["lignes"].iloc[-1] == 10
    assert table["part (%)"].iloc[0] == 70.0


# --- property: every line read is kept or set aside, once -------------------------------

_CELLS = st.tuples(
    st.sampled_from(["CL1", "CL2", "CL3", "", "  "]),
    st.sampled_from(["05/01/2024", "06/01/2024 10:00", "07/01/24", "31/02/2024", "", "hier"]),
    st.sampled_from(["12,50 €", "1 000,00", "-5,00 €", "N/A", "", "0"]),
    st.sampled_from(["A1", "A2", "A3", ""]),
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_CELLS, min_size=1, max_size=30), with_order=st.booleans())
def test_rows_read_equal_rows_kept_plus_rows_set_aside(tmp_path, rows, with_order):
    lines = ["Client;Date;Montant;Commande"] + [";".join(r) for r in rows]
    path = tmp_path / "p.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    try:
        q = run_audit(path, "Client", "Date", "Montant", "Commande" if with_order else None,
                      salt="p")["quality"]
    except AuditInputError as err:
        assert "Aucune ligne" in str(err) or "ligne d'en-tête" in str(err)
        return
    non_empty = sum(any(cell.strip() for cell in r) for r in rows)
    assert q["rows_read"] == non_empty
    assert q["rows_read"] == q["rows_kept"] + sum(q["rows_set_aside"].values())


def test_the_shops_own_orders_are_read_whole():
    """The bundled orders (ISO dates, decimal point, comma separator) lose no line."""
    root = Path(__file__).resolve().parent.parent
    orders = pd.read_csv(root / "data" / "commandes.csv")
    results = run_audit(root / "data" / "commandes.csv", "id_personne", "date_commande",
                        "montant_ttc", "id_commande", salt="t")
    q = results["quality"]
    assert q["rows_read"] == q["rows_kept"] == len(orders)
    assert q["customers"] == orders["id_personne"].nunique()
    assert q["revenue_kept"] == pytest.approx(orders["montant_ttc"].sum())
    assert (q["detected"]["separator"], q["detected"]["decimal"]) == ("virgule", ".")
    assert q["detected"]["date_format"] == "AAAA-MM-JJ HH:MM:SS"
    assert q["models"]["fitted"] is True
    assert results["customers"]["p_actif"].between(0, 1).all()


def test_demo_export_accounting_matches_what_was_injected():
    """The demo export: one refund line per returned order and the injected faults."""
    from parcours_helpers import datasets
    from parcours_helpers.audit.demo import INJECTED

    root = Path(__file__).resolve().parent.parent
    orders = datasets.load("commandes")
    q = run_audit(root / "data" / "exemple_export_client.csv", "Client", "Date",
                  "Montant TTC (€)", "N° commande", salt="t")["quality"]
    assert q["rows_set_aside"] == {**INJECTED, "return": int(orders["retour"].sum())}
    assert q["rows_kept"] == len(orders) - 8  # the 3 + 3 + 2 faulty sales lines
    assert q["returns_total"] == pytest.approx(-orders["montant_rembourse"].sum())
    assert (q["detected"]["empty_lines"], q["detected"]["total_line"]) == (1, 7087)


def test_write_csv_reads_back_as_pandas_own_csv(tmp_path):
    from parcours_helpers.audit.pipeline import write_csv

    table = pd.DataFrame({
        "client": ["C-1", "C-2", "C-3"],
        "n": [1, 2, 3],
        "whole": [1.0, 2.0, float("nan")],
        "x": [0.123456, 1e-5, 12345.5],
        "jour": pd.to_datetime(["2024-01-05", None, "2024-03-01"]),
        "texte": ['a,b', 'dit "oui"', None],
    })
    write_csv(table, tmp_path / "t.csv")
    table.assign(x=table["x"].round(4)).to_csv(tmp_path / "p.csv", index=False)
    lines = (tmp_path / "t.csv").read_text(encoding="utf-8").splitlines()
    assert lines[1] == 'C-1,1,1,0.1235,2024-01-05,"a,b"'
    assert lines[3] == "C-3,3,,12345.5,2024-03-01,"
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "t.csv"),
                                  pd.read_csv(tmp_path / "p.csv"))
    write_csv(table.iloc[:0], tmp_path / "vide.csv")
    assert pd.read_csv(tmp_path / "vide.csv").columns.tolist() == table.columns.tolist()


def test_monthly_table_counts_each_buyer_once_per_month_whatever_the_ids():
    dates = pd.to_datetime(["2024-01-05", "2024-01-20", "2024-03-02", "2024-03-20", "2024-03-21"])
    amounts = [10.0, 5.0, 20.0, 5.0, 1.0]
    for ids in (["b", "b", "a", "b", "a"], [7, 7, 10**9, 7, 10**9]):
        table = monthly_table(pd.DataFrame({"client": ids, "date": dates, "montant": amounts}))
        assert table["achats"].tolist() == [2, 0, 3]
        assert table["clients"].tolist() == [1, 0, 2]
        assert table["nouveaux_clients"].tolist() == [1, 0, 1]
        assert table["chiffre_affaires"].tolist() == [15.0, 0.0, 26.0]
