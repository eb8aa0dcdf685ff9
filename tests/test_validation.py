import pandas as pd
import pytest

from parcours_helpers.validation import require_columns, require_non_empty


def test_missing_column_is_named_with_expected_and_present():
    df = pd.DataFrame({"client": [1], "date": ["2024-01-01"]})
    with pytest.raises(ValueError) as exc:
        require_columns(df, ["client", "montant"], "les commandes")
    msg = str(exc.value)
    assert "« montant »" in msg and "Colonnes attendues" in msg and "« date »" in msg
    assert "les commandes" in msg


def test_present_columns_pass_and_non_frame_is_refused():
    require_columns(pd.DataFrame({"a": []}), ["a"])
    with pytest.raises(TypeError, match="DataFrame"):
        require_columns([1, 2], ["a"], "les ventes")


def test_empty_table():
    with pytest.raises(ValueError, match="est vide"):
        require_non_empty(pd.DataFrame({"a": []}), "les ventes")
