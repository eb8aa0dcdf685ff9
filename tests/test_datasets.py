"""Tests of the dataset loader and of the bundled tables' contract."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from parcours_helpers import datasets


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return datasets.load_all()


def test_every_table_loads_with_the_schema_columns_in_order(tables):
    assert list(tables) == datasets.list_tables()
    for name, schema in datasets.SCHEMAS.items():
        assert list(tables[name].columns) == list(schema), name
        assert len(tables[name]) > 0, name


def test_every_column_has_the_schema_type(tables):
    for name, schema in datasets.SCHEMAS.items():
        df = tables[name]
        for col, kind in schema.items():
            s = df[col]
            if kind in ("date", "datetime"):
                assert pd.api.types.is_datetime64_dtype(s), (name, col)
            elif kind == "int":
                assert pd.api.types.is_integer_dtype(s), (name, col)
            elif kind == "float":
                assert pd.api.types.is_float_dtype(s), (name, col)
            elif kind == "bool":
                assert pd.api.types.is_bool_dtype(s), (name, col)
            elif kind == "category":
                assert isinstance(s.dtype, pd.CategoricalDtype), (name, col)
                assert not s.dtype.ordered
            elif kind.startswith("ordered:"):
                levels = kind.removeprefix("ordered:").split("|")
                assert isinstance(s.dtype, pd.CategoricalDtype) and s.dtype.ordered
                assert list(s.dtype.categories) == levels
                # every written value is one of the levels (none turned into NaN)
                assert s.notna().all(), (name, col)
            else:
                assert kind == "str"
                assert pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)


def test_stages_are_ordered(tables):
    etape = tables["evenements"]["etape"]
    assert list(etape.cat.categories) == datasets.STAGES
    assert (etape.min(), etape.max()) == ("besoin", "fidélisation")
    assert (tables["sessions_web"]["etape_max"] > "visite").any()


def test_dates_are_daily_and_datetimes_have_seconds(tables):
    assert (tables["statuts"]["date_effet"].dt.normalize()
            == tables["statuts"]["date_effet"]).all()
    assert (tables["depenses_marketing"]["mois"].dt.day == 1).all()
    assert (tables["commandes"]["date_commande"].dt.second != 0).any()


def test_parcours_data_overrides_the_folder(tmp_path, monkeypatch):
    shutil.copy(datasets.data_dir() / "collaborations.csv", tmp_path / "collaborations.csv")
    (tmp_path / "collaborations.csv").write_text(
        "nom_collaboration,date_lancement,date_fin\nEssai,2023-02-01,2023-02-14\n",
        encoding="utf-8")
    monkeypatch.setenv("PARCOURS_DATA", str(tmp_path))
    assert datasets.data_dir() == tmp_path
    df = datasets.load("collaborations")
    assert df["nom_collaboration"].tolist() == ["Essai"]
    assert df["date_fin"].iloc[0] == pd.Timestamp("2023-02-14")


def test_data_path_argument_wins(tmp_path):
    (tmp_path / "collaborations.csv").write_text(
        "nom_collaboration,date_lancement,date_fin\nAutre,2024-01-01,2024-01-20\n",
        encoding="utf-8")
    df = datasets.load("collaborations", data_path=tmp_path)
    assert df["nom_collaboration"].tolist() == ["Autre"]


def test_missing_file_gives_french_message_with_make_data(tmp_path):
    with pytest.raises(FileNotFoundError, match="make data") as info:
        datasets.load("commandes", data_path=tmp_path)
    assert "introuvable" in str(info.value)


def test_unknown_table_lists_the_tables():
    with pytest.raises(KeyError) as info:
        datasets.load("clients")
    message = str(info.value)
    assert "Table inconnue" in message
    for name in datasets.SCHEMAS:
        assert name in message


def test_missing_column_is_reported(tmp_path):
    (tmp_path / "collaborations.csv").write_text(
        "nom_collaboration,date_lancement\nEssai,2023-02-01\n", encoding="utf-8")
    with pytest.raises(ValueError, match="date_fin"):
        datasets.load("collaborations", data_path=tmp_path)


def test_data_card_documents_every_table_and_column():
    card = (datasets.data_dir() / "README.md").read_text(encoding="utf-8")
    for name, schema in datasets.SCHEMAS.items():
        assert f"`{name}`" in card or f"{name}.csv" in card, name
        for col in schema:
            assert re.search(rf"`{re.escape(col)}`", card), f"{name}.{col} absent du README"


def test_data_card_states_licence_fiction_and_regeneration():
    card = (datasets.data_dir() / "README.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in card
    assert "fictive" in card or "fictif" in card
    assert "make data" in card
