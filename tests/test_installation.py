import pandas as pd

from parcours_helpers import installation


def test_check_lists_python_packages_and_data():
    table = installation.check()
    assert {"Python", "pandas", "lifetimes", "données du cours"} <= set(table["composant"])
    assert set(table["etat"]) <= {"OK", "À corriger"}
    assert (table.loc[table["composant"] == "pandas", "etat"] == "OK").all()


def test_missing_data_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("PARCOURS_DATA", str(tmp_path))
    table = installation.check()
    row = table[table["composant"] == "données du cours"].iloc[0]
    assert row["etat"] == "À corriger" and "make data" in row["que_faire"]
    assert "make data" in installation.summary(table)


def test_old_version_is_flagged():
    assert installation._as_tuple("0.11.3") >= installation._as_tuple("0.11")
    assert installation._as_tuple("2.9.1") < installation._as_tuple("3.0")
    table = pd.DataFrame([{"composant": "pandas", "etat": "À corriger", "que_faire": "Version trop ancienne."}])
    assert installation.summary(table).startswith("⚠️")
