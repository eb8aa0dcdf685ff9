"""One row per (pseudonymised) customer: RFM summary, RFM segment, P(alive) and CLV.

The summary comes from :func:`parcours_helpers.ltv.rfm_summary`; the models are the
``lifetimes`` BG/NBD (will the customer buy again?) and Gamma-Gamma (how much per
purchase?) fitters. On a large export they are fitted on a random sample of customers
(fixed seed) and applied to all: the parameters of these models are stable long before
a few tens of thousands of customers.
"""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pandas as pd

from parcours_helpers.ltv import rfm_summary

#: Minimum customers, and repeat customers, to fit the models.
MIN_CUSTOMERS = 30
MIN_REPEAT = 10
#: Customers the models are fitted on at most (random sample, fixed seed).
FIT_SAMPLE = 10_000
#: Penalties tried in turn when fitting the models (the first that converges is kept).
PENALIZERS = (0.001, 0.01, 0.1)
#: Horizon of the CLV, in days.
CLV_DAYS = 365
#: Segments, best first (names shown to the client).
SEGMENTS = ["Champions", "Fidèles", "Nouveaux", "À développer", "À risque", "Perdus"]
#: Columns of :func:`customer_table`.
CUSTOMER_COLUMNS = [
    "client", "nb_achats", "chiffre_affaires", "premier_achat", "dernier_achat",
    "frequency", "recency", "T", "monetary_value", "score_r", "score_f", "score_m",
    "segment_rfm", "p_actif", "achats_prevus_12_mois", "clv_12_mois",
]


def rfm_scores(summary: pd.DataFrame) -> pd.DataFrame:
    """Score recency, frequency and value from 1 to 5 and name the RFM segment.

    Parameters
    ----------
    summary : pandas.DataFrame
        Columns ``frequency``, ``recency``, ``T``, ``monetary_value`` (days), as
        :func:`parcours_helpers.ltv.rfm_summary` returns them.

    Returns
    -------
    pandas.DataFrame
        Same index; columns ``score_r`` (5 = bought most recently), ``score_f`` (5 = most
        purchases), ``score_m`` (5 = highest mean repeat basket) and ``segment_rfm`` (one
        of :data:`SEGMENTS`, from R and F). Scores are quintiles of the ranks; tied
        customers get the lower score, so one-time buyers all score F = 1.
    """
    days_since = summary["T"] - summary["recency"]
    purchases = summary["frequency"] + 1

    def score(values: pd.Series) -> pd.Series:
        pct = values.rank(method="min", pct=True)
        return np.ceil(pct * 5).clip(1, 5).astype("int64")

    r, f, m = score(-days_since), score(purchases), score(summary["monetary_value"])
    segment = np.select(
        [
            (r >= 4) & (f >= 4),
            (r >= 3) & (f >= 3),
            (r >= 4) & (purchases == 1),
            r >= 3,
            f >= 3,
        ],
        SEGMENTS[:5],
        default="Perdus",
    )
    return pd.DataFrame({"score_r": r, "score_f": f, "score_m": m,
                         "segment_rfm": pd.Categorical(segment, categories=SEGMENTS)},
                        index=summary.index)


def fit_models(summary: pd.DataFrame, seed: int = 0) -> tuple[dict, str | None]:
    """Fit BG/NBD and Gamma-Gamma on the summary; return them, or a French reason why not.

    Parameters
    ----------
    summary : pandas.DataFrame
        Columns ``frequency``, ``recency``, ``T``, ``monetary_value`` (days).
    seed : int
        Seed of the sample of :data:`FIT_SAMPLE` customers on large tables.

    Returns
    -------
    (dict, str or None)
        ``{"bgf": BetaGeoFitter, "ggf": GammaGammaFitter, "n_fit": int, "penalizer": float}``
        and None, or
        ``{}`` and the French message explaining why the models were not fitted (too
        few customers or repeat customers, or no convergence).
    """
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    if len(summary) < MIN_CUSTOMERS or len(repeat) < MIN_REPEAT:
        return {}, (
            f"Trop peu de données pour ajuster les modèles de probabilité d'activité et de "
            f"valeur : {len(summary)} client(s), dont {len(repeat)} ayant racheté ; il en faut "
            f"au moins {MIN_CUSTOMERS}, dont {MIN_REPEAT} ayant racheté. Le résumé RFM et les "
            "segments restent valables ; P(actif) et CLV sont laissés vides."
        )
    rng = np.random.default_rng(seed)
    sample = summary
    if len(summary) > FIT_SAMPLE:
        sample = summary.iloc[np.sort(rng.choice(len(summary), FIT_SAMPLE, replace=False))]
        repeat = sample[(sample["frequency"] > 0) & (sample["monetary_value"] > 0)]
    bgf = ggf = None
    failure = None
    # A heavier penalty keeps the optimiser away from degenerate corners (e.g. nobody
    # ever leaves); it is only tried when the lighter one does not converge.
    for penalizer in PENALIZERS:
        try:
            # lifetimes prints the optimiser's report when it fails: keep the console clean
            with warnings.catch_warnings(), np.errstate(all="ignore"), \
                    contextlib.redirect_stdout(io.StringIO()):
                warnings.simplefilter("ignore")
                bgf = BetaGeoFitter(penalizer_coef=penalizer)
                bgf.fit(sample["frequency"], sample["recency"], sample["T"])
                ggf = GammaGammaFitter(penalizer_coef=penalizer)
                ggf.fit(repeat["frequency"], repeat["monetary_value"])
            break
        except Exception as err:  # lifetimes raises ConvergenceError, LinAlgError, ValueError…
            bgf, failure = None, err
    if bgf is None:
        return {}, (
            "Les modèles de probabilité d'activité et de valeur n'ont pas convergé sur ces "
            f"données ({type(failure).__name__}) : P(actif) et CLV sont laissés vides."
        )
    return {"bgf": bgf, "ggf": ggf, "n_fit": len(sample), "penalizer": penalizer}, None


def expected_purchases(bgf, t: float, frequency, recency, T) -> np.ndarray:
    """BG/NBD expected purchases in the next ``t`` days, also where lifetimes gives NaN.

    lifetimes' closed form uses the hypergeometric function 2F1 with third argument
    ``a + b + x - 1``, negative for a customer without repeat purchase (``x = 0``) when
    ``a + b < 1``, and returns NaN there. For those customers the expectation is computed
    directly: with ``x = 0`` the posterior of the purchase rate is Gamma(r, α + T) and the
    dropout probability keeps its Beta(a, b) prior, so
    ``E = E_p[(1 - ((α + T) / (α + T + p t))^r) / p]``, integrated by Gauss-Jacobi
    quadrature (it matches the closed form wherever the latter is defined).

    Parameters
    ----------
    bgf : lifetimes.BetaGeoFitter
        A fitted model.
    t : float
        Horizon, in the summary's periods (days).
    frequency, recency, T : array-like
        The RFM summary's columns.

    Returns
    -------
    numpy.ndarray
        Expected purchases (floats), one per customer.
    """
    from scipy.special import roots_jacobi

    f, rec, age = (np.asarray(v, dtype="float64") for v in (frequency, recency, T))
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = np.asarray(bgf.conditional_expected_number_of_purchases_up_to_time(t, f, rec, age),
                         dtype="float64")
    redo = ~np.isfinite(out) & (f == 0)
    if redo.any():
        r, alpha, a, b = (float(bgf.params_[k]) for k in ("r", "alpha", "a", "b"))
        # a or b may sit at 0 after a penalised fit; Gauss-Jacobi needs them > 0
        a, b = max(a, 1e-6), max(b, 1e-6)
        nodes, weights = roots_jacobi(80, b - 1, a - 1)
        p = (1 + nodes) / 2
        ages = np.unique(age[redo])
        g = (1 - ((alpha + ages[:, None]) / (alpha + ages[:, None] + p * t)) ** r) / p
        values = (g * weights).sum(axis=1) / weights.sum()
        out[redo] = values[np.searchsorted(ages, age[redo])]
    return out


def customer_table(purchases: pd.DataFrame, observation_end=None, seed: int = 0
                   ) -> tuple[pd.DataFrame, dict]:
    """Build the customers table from the kept purchases.

    Parameters
    ----------
    purchases : pandas.DataFrame
        Kept purchases with columns ``client`` (pseudonym), ``date`` (datetime64) and
        ``montant`` (float ≥ 0).
    observation_end : date-like, optional
        End of observation; default the last purchase date.
    seed : int
        Seed of the models' fitting sample.

    Returns
    -------
    (pandas.DataFrame, dict)
        One row per customer sorted by ``client``, columns :data:`CUSTOMER_COLUMNS`
        (``frequency``, ``recency``, ``T`` in days; ``p_actif``, ``achats_prevus_12_mois``
        and ``clv_12_mois`` NaN when the models could not be fitted); and a dict about the
        models: ``fitted`` (bool), ``message`` (French, or None), ``n_fit`` (customers
        in the fitting sample), ``penalizer`` and ``params``.
    """
    summary = rfm_summary(purchases, "client", "date", "montant", observation_end=observation_end)
    grouped = purchases.groupby("client", sort=True)
    totals = grouped["montant"].agg(["size", "sum"])
    dates = grouped["date"].agg(["min", "max"])
    table = pd.DataFrame({
        "nb_achats": totals["size"].astype("int64"),
        "chiffre_affaires": totals["sum"].round(2),
        "premier_achat": dates["min"].dt.normalize(),
        "dernier_achat": dates["max"].dt.normalize(),
    }, index=summary.index)
    table = table.join(summary).join(rfm_scores(summary))
    models, message = fit_models(summary, seed=seed) if len(summary) else ({}, "Aucun client.")
    info = {"fitted": bool(models), "message": message, "n_fit": models.get("n_fit", 0),
            "penalizer": models.get("penalizer"), "params": {}}
    if models:
        try:
            table = table.join(_predictions(models["bgf"], models["ggf"], summary))
            info["params"] = {
                "bg_nbd": {k: float(v) for k, v in models["bgf"].params_.items()},
                "gamma_gamma": {k: float(v) for k, v in models["ggf"].params_.items()},
            }
        except Exception as err:  # a degenerate fit: report it, never crash the audit
            info.update(fitted=False, message=(
                "Les modèles ont été ajustés mais leurs prévisions sont inutilisables sur ces "
                f"données ({type(err).__name__}) : P(actif) et CLV sont laissés vides."))
    if not info["fitted"]:
        for col in ["p_actif", "achats_prevus_12_mois", "clv_12_mois"]:
            table[col] = np.nan
    table.index.name = "client"
    return table.reset_index()[CUSTOMER_COLUMNS], info


def _predictions(bgf, ggf, summary: pd.DataFrame) -> pd.DataFrame:
    """P(alive), expected purchases and CLV over :data:`CLV_DAYS` for each customer.

    Raises FloatingPointError when the fitted models give non-finite values.
    """
    f, r, t, m = (summary[c].to_numpy() for c in ["frequency", "recency", "T", "monetary_value"])
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        alive = np.asarray(bgf.conditional_probability_alive(f, r, t), dtype="float64")
        expected = expected_purchases(bgf, CLV_DAYS, f, r, t)
        basket = np.array(ggf.conditional_expected_average_profit(pd.Series(f), pd.Series(m)),
                            dtype="float64")
    # With q <= 1 the Gamma-Gamma population mean does not exist and the formula turns
    # negative for customers without repeat purchase: use the mean observed repeat basket.
    bad = ~np.isfinite(basket) | (basket < 0)
    if bad.any():
        basket[bad] = m[f > 0].mean() if (f > 0).any() else np.nan
    clv = expected * basket
    if not (np.isfinite(alive).all() and np.isfinite(clv).all()):
        raise FloatingPointError("valeurs non finies")
    return pd.DataFrame({"p_actif": alive, "achats_prevus_12_mois": expected,
                         "clv_12_mois": clv}, index=summary.index)


def customers_at_risk(customers: pd.DataFrame, n: int = 10, threshold: float = 0.5) -> pd.DataFrame:
    """The valuable customers who are probably leaving: P(actif) below ``threshold``.

    Parameters
    ----------
    customers : pandas.DataFrame
        Output of :func:`customer_table` (columns ``client``, ``nb_achats``,
        ``chiffre_affaires``, ``dernier_achat``, ``p_actif``, ``segment_rfm``).
    n : int
        How many to return.
    threshold : float
        P(actif) under which a customer is at risk.

    Returns
    -------
    pandas.DataFrame
        The ``n`` customers with at least 2 purchases and ``p_actif < threshold``, by
        decreasing ``chiffre_affaires`` (ties by ``client``), with those columns.
    """
    cols = ["client", "nb_achats", "chiffre_affaires", "dernier_achat", "segment_rfm", "p_actif"]
    risky = customers[(customers["nb_achats"] >= 2) & (customers["p_actif"] < threshold)]
    risky = risky.sort_values(["chiffre_affaires", "client"], ascending=[False, True])
    return risky[cols].head(n).reset_index(drop=True)
