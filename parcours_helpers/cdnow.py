"""The CDNOW sample shipped with ``lifetimes``, and the published estimates it reproduces.

CDNOW was an online music shop. Fader, Hardie and Lee used a sample of 2 357 of its
customers (those who first bought in the first quarter of 1997, followed until the end
of June 1998) to present the BG/NBD and Gamma-Gamma models; ``lifetimes`` ships that
sample. The loaders read the files from the *installed* ``lifetimes`` package with
:mod:`importlib.resources`: ``lifetimes.datasets`` itself needs ``pkg_resources``,
which recent Python/setuptools no longer provide.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

from parcours_helpers import ltv

#: End of the 39-week calibration period and of the 39-week holdout period.
CALIBRATION_END = pd.Timestamp("1997-09-30")
OBSERVATION_END = pd.Timestamp("1998-06-30")

#: Published maximum-likelihood estimates on this sample (time unit: the week).
PUBLISHED = {
    "BG/NBD": {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426},
    "Pareto/NBD": {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669},
    "Gamma-Gamma": {"p": 6.25, "q": 3.74, "v": 15.44},
}
#: Where each set of published values comes from.
SOURCES = {
    "BG/NBD": "Fader, Hardie & Lee (2005), « Counting Your Customers the Easy Way: "
              "An Alternative to the Pareto/NBD Model », Marketing Science 24(2)",
    "Pareto/NBD": "Fader & Hardie (2005), « A Note on Deriving the Pareto/NBD Model "
                  "and Related Expressions »",
    "Gamma-Gamma": "Fader, Hardie & Lee (2005), « RFM and CLV: Using Iso-Value Curves "
                   "for Customer Base Analysis », Journal of Marketing Research 42(4) ; "
                   "Fader & Hardie (2013), « The Gamma-Gamma Model of Monetary Value »",
}

_PACKAGE = "lifetimes"


def _dataset(filename: str):
    """Path-like handle of a file in the installed lifetimes' ``datasets`` folder."""
    try:
        folder = resources.files(_PACKAGE) / "datasets"
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "Le paquet « lifetimes » n'est pas installé : installez le kit avec « make install »."
        ) from None
    path = folder / filename
    if not path.is_file():
        raise FileNotFoundError(
            f"Fichier « {filename} » introuvable dans le paquet lifetimes installé "
            "(version différente de 0.11.3 ?)."
        )
    return path


def load_cdnow_transactions() -> pd.DataFrame:
    """Load the CDNOW sample's purchases (6 919 rows, 2 357 customers, 1997-01-01 → 1998-06-30).

    Returns
    -------
    pandas.DataFrame
        One row per purchase, sorted by customer and date: ``id_client`` (int, the
        sample's customer number, 1 to 2 357), ``id_cdnow`` (int, the number in the full
        CDNOW file), ``date`` (datetime, a day), ``nb_cd`` (int, CDs bought) and
        ``montant_usd`` (float, amount in US dollars).

    Examples
    --------
    >>> tx = load_cdnow_transactions()
    >>> len(tx), tx["id_client"].nunique()
    (6919, 2357)
    """
    with _dataset("CDNOW_sample.txt").open("r", encoding="ascii") as handle:
        raw = pd.read_csv(handle, sep=r"\s+", header=None, dtype=str,
                          names=["id_cdnow", "id_client", "date", "nb_cd", "montant_usd"])
    return pd.DataFrame({
        "id_client": raw["id_client"].astype("int64"),
        "id_cdnow": raw["id_cdnow"].astype("int64"),
        "date": pd.to_datetime(raw["date"], format="%Y%m%d"),
        "nb_cd": raw["nb_cd"].astype("int64"),
        "montant_usd": raw["montant_usd"].astype("float64"),
    })


def load_cdnow_summary() -> pd.DataFrame:
    """Load the published RFM summary of the CDNOW sample's 39-week calibration period.

    This is the table the papers fitted their models on (``lifetimes``' file
    ``cdnow_customers_summary_with_transactions.csv``); times are in weeks.

    Returns
    -------
    pandas.DataFrame
        Index ``id_client`` (int, as in :func:`load_cdnow_transactions`); columns ``frequency`` (repeat purchases),
        ``recency`` and ``T`` (weeks), ``monetary_value`` (mean repeat purchase, US$).

    Examples
    --------
    >>> summary = load_cdnow_summary()
    >>> summary.shape
    (2357, 4)
    """
    with _dataset("cdnow_customers_summary_with_transactions.csv").open("r") as handle:
        raw = pd.read_csv(handle)
    summary = raw.rename(columns={"ID": "id_client", "x": "frequency", "t_x": "recency",
                                  "zbar": "monetary_value"}).set_index("id_client")
    return summary[["frequency", "recency", "T", "monetary_value"]].astype("float64")


def cdnow_calibration_holdout(transactions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Split CDNOW into 39 weeks of calibration and 39 weeks of holdout, times in weeks.

    As in the papers, purchases are grouped by day and durations are counted in days
    then divided by 7 (so ``T_cal`` is 38.86 weeks for a customer who first bought on
    1997-01-01).

    Parameters
    ----------
    transactions : pandas.DataFrame, optional
        Default :func:`load_cdnow_transactions`; needs ``id_client``, ``date`` and
        ``montant_usd``.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`parcours_helpers.ltv.calibration_holdout` with amounts,
        ``recency_cal``, ``T_cal`` and ``duration_holdout`` in weeks.
    """
    if transactions is None:
        transactions = load_cdnow_transactions()
    split = ltv.calibration_holdout(transactions, "id_client", "date", CALIBRATION_END,
                                    OBSERVATION_END, amount_col="montant_usd", freq="D")
    for col in ["recency_cal", "T_cal", "duration_holdout"]:
        split[col] = split[col] / 7
    return split


def published_comparison(estimates: dict[str, dict[str, float]]) -> pd.DataFrame:
    """Put fitted parameters next to the published ones.

    Parameters
    ----------
    estimates : dict
        ``{model: {parameter: value}}`` with the model names of :data:`PUBLISHED`
        (``"BG/NBD"``, ``"Pareto/NBD"``, ``"Gamma-Gamma"``); models left out are skipped.

    Returns
    -------
    pandas.DataFrame
        One row per parameter: ``modèle``, ``paramètre``, ``publié``, ``estimé ici``,
        ``écart`` (estimated − published).

    Raises
    ------
    ValueError
        Unknown model name or a missing parameter.
    """
    rows = []
    for model, fitted in estimates.items():
        if model not in PUBLISHED:
            raise ValueError(f"Modèle inconnu : « {model} ». Modèles publiés : "
                             + ", ".join(f"« {m} »" for m in PUBLISHED) + ".")
        for name, published in PUBLISHED[model].items():
            if name not in fitted:
                raise ValueError(f"Paramètre « {name} » manquant pour le modèle {model}.")
            rows.append({"modèle": model, "paramètre": name, "publié": published,
                         "estimé ici": float(fitted[name]),
                         "écart": float(fitted[name]) - published})
    return pd.DataFrame(rows, columns=["modèle", "paramètre", "publié", "estimé ici", "écart"])
