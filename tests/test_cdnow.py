"""Tests of parcours_helpers.cdnow: the CDNOW sample and the published estimates."""

import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from parcours_helpers import cdnow, ltv_models


def test_transactions_are_the_published_sample():
    tx = cdnow.load_cdnow_transactions()
    assert tx.shape == (6919, 5)
    assert tx["id_client"].nunique() == 2357
    assert tx["date"].min() == pd.Timestamp("1997-01-01")
    assert tx["date"].max() == pd.Timestamp("1998-06-30")
    assert tx["montant_usd"].ge(0).all()


def test_calibration_split_matches_the_published_summary():
    split = cdnow.cdnow_calibration_holdout()
    published = cdnow.load_cdnow_summary()
    assert split.index.equals(published.index)
    np.testing.assert_array_equal(split["frequency_cal"], published["frequency"])
    # the published file rounds times to 2 decimals of a week
    np.testing.assert_allclose(split["recency_cal"], published["recency"], atol=0.005)
    np.testing.assert_allclose(split["T_cal"], published["T"], atol=0.005)
    assert split["duration_holdout"].eq(39.0).all()
    # customer 1 first bought on 1997-01-01: T = 272 days = 38.86 weeks
    assert split.loc[1, "T_cal"] == pytest.approx(272 / 7)


def test_loader_works_where_pkg_resources_is_gone():
    # lifetimes.datasets imports pkg_resources, absent from setuptools >= 81 and from
    # fresh Python 3.12+ environments: simulate that in a child interpreter.
    code = textwrap.dedent("""
        import sys
        sys.modules["pkg_resources"] = None  # makes "import pkg_resources" fail
        try:
            import lifetimes.datasets  # noqa: F401
            print("lifetimes.datasets: importé")
        except ImportError:
            print("lifetimes.datasets: échec")
        from parcours_helpers import cdnow
        print(len(cdnow.load_cdnow_transactions()), len(cdnow.load_cdnow_summary()))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    assert out[0] == "lifetimes.datasets: échec"
    assert out[1] == "6919 2357"


def test_published_comparison_table():
    table = cdnow.published_comparison({"BG/NBD": {"r": 0.25, "alpha": 4.4, "a": 0.8,
                                                   "b": 2.4, "extra": 1.0}})
    assert list(table.columns) == ["modèle", "paramètre", "publié", "estimé ici", "écart"]
    assert table["paramètre"].tolist() == ["r", "alpha", "a", "b"]
    assert table.loc[0, "écart"] == pytest.approx(0.25 - 0.243)


@pytest.mark.parametrize("estimates,fragment", [
    ({"BGNBD": {}}, "Modèle inconnu : « BGNBD »"),
    ({"Gamma-Gamma": {"p": 6.0, "q": 3.0}}, "Paramètre « v » manquant"),
])
def test_published_comparison_rejects_bad_input(estimates, fragment):
    with pytest.raises(ValueError) as err:
        cdnow.published_comparison(estimates)
    assert fragment in str(err.value)


def test_models_reproduce_the_published_estimates():
    summary = cdnow.load_cdnow_summary()
    fitted = {
        "BG/NBD": ltv_models.fit_bgnbd(summary).params_,
        "Pareto/NBD": ltv_models.fit_pareto_nbd(summary).params_,
        "Gamma-Gamma": ltv_models.fit_gamma_gamma(summary).params_,
    }
    table = cdnow.published_comparison(fitted)
    assert len(table) == 11
    # published values have 3 significant decimals: relative gaps stay below 0.3 %
    relative = (table["écart"] / table["publié"]).abs()
    assert relative.max() < 3e-3, table
