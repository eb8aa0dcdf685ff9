"""Customer lifetime value on the shop: history, RFM, BG/NBD + Gamma-Gamma, channels, policies.

:mod:`parcours_helpers.ltv` turns a transaction log into the ``frequency / recency /
T / monetary_value`` summary; this module does the rest of chapter 04 with thin,
testable functions:

- the shop's customer history, the acquisition cost (CAC) per channel and the
  historical ("napkin") LTV;
- RFM scores and segments;
- fitting ``lifetimes``' BG/NBD, Pareto/NBD and Gamma-Gamma models, checking their
  assumptions and predicting P(alive), purchases and a discounted CLV;
- the calibration/holdout comparison, the value by acquisition channel and the
  service-policy comparison;
- a BG/NBD simulator (``lifetimes.generate_data`` relies on ``DataFrame.append``,
  removed in pandas 2).

Figures have French titles and labels and return the matplotlib ``Axes``.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter
from lifetimes.utils import ConvergenceError
from scipy.special import hyp2f1

from parcours_helpers import ltv, style
from parcours_helpers.validation import require_columns

#: RFM segments, from the best customers to the ones drifting away.
SEGMENTS = ["Champions", "Fidèles", "Récents", "Prometteurs", "À risque", "Hibernants"]
#: What each segment means, in plain words.
SEGMENT_RULES = {
    "Champions": "récence ≥ 4 et fréquence ≥ 4",
    "Fidèles": "récence ≥ 3 et fréquence ≥ 3 (hors champions)",
    "Récents": "récence ≥ 4 et fréquence ≤ 2",
    "Prometteurs": "récence = 3 et fréquence ≤ 2",
    "À risque": "récence ≤ 2 et fréquence ≥ 3",
    "Hibernants": "récence ≤ 2 et fréquence ≤ 2",
}
#: Days in a month for the CLV (as ``lifetimes``: 30 days).
DAYS_PER_MONTH = 30


# ---------------------------------------------------------------------------
# The shop's customers: history, acquisition cost, historical LTV
# ---------------------------------------------------------------------------

def order_values(orders: pd.DataFrame) -> pd.DataFrame:
    """Add each order's amount and margin net of refunds.

    A returned order keeps the share of its amount that was not refunded, and the
    same share of its gross margin.

    Parameters
    ----------
    orders : pandas.DataFrame
        Needs ``montant_ttc``, ``marge_brute`` and ``montant_rembourse`` (missing when
        nothing was refunded).

    Returns
    -------
    pandas.DataFrame
        A copy with two more columns: ``montant_net`` and ``marge_nette`` (€).

    Examples
    --------
    >>> o = pd.DataFrame({"montant_ttc": [100.0, 80.0], "marge_brute": [40.0, 30.0],
    ...                   "montant_rembourse": [None, 20.0]})
    >>> order_values(o)[["montant_net", "marge_nette"]].to_numpy().tolist()
    [[100.0, 40.0], [60.0, 22.5]]
    """
    require_columns(orders, ["montant_ttc", "marge_brute", "montant_rembourse"], "les commandes")
    out = orders.copy()
    refund = out["montant_rembourse"].fillna(0.0).astype("float64")
    kept = np.where(out["montant_ttc"] > 0, 1 - refund / out["montant_ttc"], 0.0)
    out["montant_net"] = out["montant_ttc"] - refund
    out["marge_nette"] = out["marge_brute"] * kept
    return out


def customer_history(orders: pd.DataFrame, people: pd.DataFrame,
                     reference_date) -> pd.DataFrame:
    """One row per customer: what they bought so far, and through which channel they came.

    Parameters
    ----------
    orders : pandas.DataFrame
        The ``commandes`` table: ``id_personne``, ``date_commande``, ``montant_ttc``,
        ``marge_brute``, ``montant_rembourse``.
    people : pandas.DataFrame
        The ``personnes`` table: ``id_personne`` and ``canal_acquisition``.
    reference_date : date-like
        The "today" of the analysis (recency and seniority are counted up to it).

    Returns
    -------
    pandas.DataFrame
        Sorted by ``id_personne``; columns ``id_personne``, ``canal_acquisition``,
        ``premiere_commande``, ``derniere_commande``, ``nb_commandes``, ``ca_net``
        (€), ``marge_nette`` (€), ``panier_moyen`` (€, net amount per order),
        ``recence_jours`` (days since the last order) and ``anciennete_jours``
        (days since the first order).

    Raises
    ------
    ValueError
        A missing column (French message).
    """
    require_columns(orders, ["id_personne", "date_commande"], "les commandes")
    require_columns(people, ["id_personne", "canal_acquisition"], "les personnes")
    ref = pd.Timestamp(reference_date)
    o = order_values(orders)
    g = o.groupby("id_personne", sort=True)
    hist = pd.DataFrame({
        "premiere_commande": g["date_commande"].min(),
        "derniere_commande": g["date_commande"].max(),
        "nb_commandes": g.size(),
        "ca_net": g["montant_net"].sum(),
        "marge_nette": g["marge_nette"].sum(),
    })
    hist["panier_moyen"] = hist["ca_net"] / hist["nb_commandes"]
    hist["recence_jours"] = (ref - hist["derniere_commande"].dt.normalize()).dt.days
    hist["anciennete_jours"] = (ref - hist["premiere_commande"].dt.normalize()).dt.days
    channel = people.set_index("id_personne")["canal_acquisition"]
    hist.insert(0, "canal_acquisition", hist.index.map(channel).astype("object"))
    return hist.reset_index()


def acquisition_costs(spend: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """Acquisition cost per channel: what the channel cost / the new customers it brought.

    Parameters
    ----------
    spend : pandas.DataFrame
        The ``depenses_marketing`` table: ``canal_marketing`` and ``depense_eur``.
    history : pandas.DataFrame
        One row per customer with ``canal_acquisition`` (see :func:`customer_history`).

    Returns
    -------
    pandas.DataFrame
        One row per channel that spent or brought customers, sorted by ``cac_eur``:
        ``canal_acquisition``, ``depense_eur``, ``nouveaux_clients``, ``cac_eur``
        (missing when the channel brought nobody).
    """
    require_columns(spend, ["canal_marketing", "depense_eur"], "les dépenses marketing")
    require_columns(history, ["canal_acquisition"], "l'historique des clients")
    cost = spend.groupby("canal_marketing", observed=True)["depense_eur"].sum()
    new = history["canal_acquisition"].value_counts()
    table = pd.DataFrame({"depense_eur": cost, "nouveaux_clients": new}).fillna(0.0)
    table["nouveaux_clients"] = table["nouveaux_clients"].astype("int64")
    table["cac_eur"] = table["depense_eur"] / table["nouveaux_clients"].replace(0, np.nan)
    table.index.name = "canal_acquisition"
    return table.reset_index().sort_values(["cac_eur", "canal_acquisition"]).reset_index(drop=True)


def napkin_ltv(average_basket: float, purchases_per_year: float, margin_rate: float,
               lifetime_years: float, acquisition_cost: float = 0.0) -> float:
    """The "napkin" LTV: basket × purchases per year × margin rate × years − acquisition cost.

    Examples
    --------
    >>> napkin_ltv(100, 2, 0.4, 3, 50)
    190.0
    """
    return float(average_basket * purchases_per_year * margin_rate * lifetime_years
                 - acquisition_cost)


def historical_ltv(history: pd.DataFrame, costs: pd.DataFrame) -> pd.DataFrame:
    """Margin earned so far minus the acquisition cost of the customer's channel.

    Parameters
    ----------
    history : pandas.DataFrame
        From :func:`customer_history` (``canal_acquisition``, ``marge_nette``).
    costs : pandas.DataFrame
        From :func:`acquisition_costs` (``canal_acquisition``, ``cac_eur``).

    Returns
    -------
    pandas.DataFrame
        ``history`` with ``cac_eur`` (0 for a channel without cost) and
        ``ltv_historique`` (€) = ``marge_nette`` − ``cac_eur``.
    """
    require_columns(history, ["canal_acquisition", "marge_nette"], "l'historique des clients")
    require_columns(costs, ["canal_acquisition", "cac_eur"], "les coûts d'acquisition")
    cac = costs.set_index("canal_acquisition")["cac_eur"]
    out = history.copy()
    out["cac_eur"] = out["canal_acquisition"].map(cac).astype("float64").fillna(0.0)
    out["ltv_historique"] = out["marge_nette"] - out["cac_eur"]
    return out


# ---------------------------------------------------------------------------
# RFM scores and segments
# ---------------------------------------------------------------------------

def _score(values: pd.Series, n: int) -> pd.Series:
    """Score 1..n by rank; ties get the same (lowest) score."""
    rank = values.rank(method="min")
    return np.ceil(n * rank / len(values)).clip(lower=1).astype("int64")


def rfm_scores(history: pd.DataFrame, n: int = 5, recency_col: str = "recence_jours",
               frequency_col: str = "nb_commandes", monetary_col: str = "ca_net") -> pd.DataFrame:
    """Give each customer a recency, frequency and monetary score from 1 (low) to ``n``.

    Customers are ranked on each criterion and the ranking is cut into ``n`` equal
    parts: the score says in which part (fifth, by default) a customer falls. Recent
    customers get a high recency score; tied customers get the same score.

    Parameters
    ----------
    history : pandas.DataFrame
        One row per customer with the three columns named below.
    n : int
        Number of levels (5: quintiles).
    recency_col, frequency_col, monetary_col : str
        Days since the last purchase, number of purchases, amount spent.

    Returns
    -------
    pandas.DataFrame
        ``history`` with ``score_r``, ``score_f``, ``score_m`` (1..n) and ``rfm`` (the
        three digits as text, e.g. ``"545"``).

    Examples
    --------
    >>> h = pd.DataFrame({"recence_jours": [10, 200, 50, 400],
    ...                   "nb_commandes": [5, 1, 2, 1], "ca_net": [500.0, 80.0, 150.0, 60.0]})
    >>> rfm_scores(h, n=4)["rfm"].tolist()
    ['444', '212', '333', '111']
    """
    require_columns(history, [recency_col, frequency_col, monetary_col], "l'historique des clients")
    out = history.copy()
    if out.empty:
        for c in ["score_r", "score_f", "score_m"]:
            out[c] = pd.Series(dtype="int64")
        out["rfm"] = pd.Series(dtype="object")
        return out
    out["score_r"] = _score(-out[recency_col], n)
    out["score_f"] = _score(out[frequency_col], n)
    out["score_m"] = _score(out[monetary_col], n)
    out["rfm"] = (out["score_r"].astype(str) + out["score_f"].astype(str)
                  + out["score_m"].astype(str))
    return out


def rfm_segment(score_r: int, score_f: int) -> str:
    """Name the segment of one (recency score, frequency score) pair, on a 1–5 scale.

    Examples
    --------
    >>> rfm_segment(5, 5), rfm_segment(2, 4), rfm_segment(5, 1)
    ('Champions', 'À risque', 'Récents')
    """
    if score_r >= 4 and score_f >= 4:
        return "Champions"
    if score_r >= 3 and score_f >= 3:
        return "Fidèles"
    if score_r >= 4:
        return "Récents"
    if score_r == 3:
        return "Prometteurs"
    return "À risque" if score_f >= 3 else "Hibernants"


def rfm_segments(scores: pd.DataFrame) -> pd.DataFrame:
    """Add the ``segment`` column (ordered category of :data:`SEGMENTS`) from the R and F scores.

    Parameters
    ----------
    scores : pandas.DataFrame
        Needs ``score_r`` and ``score_f`` (1–5), as given by :func:`rfm_scores`.

    Returns
    -------
    pandas.DataFrame
        A copy with ``segment``.
    """
    require_columns(scores, ["score_r", "score_f"], "les scores RFM")
    out = scores.copy()
    names = [rfm_segment(r, f) for r, f in zip(out["score_r"], out["score_f"], strict=True)]
    out["segment"] = pd.Categorical(names, categories=SEGMENTS, ordered=True)
    return out


def segment_summary(segments: pd.DataFrame, value_col: str = "ca_net") -> pd.DataFrame:
    """Size and weight of each RFM segment.

    Returns
    -------
    pandas.DataFrame
        One row per segment of :data:`SEGMENTS`: ``segment``, ``clients``,
        ``part_clients`` and ``part_valeur`` (shares 0–1 of customers and of
        ``value_col``), ``valeur_moyenne`` (€ per customer).
    """
    require_columns(segments, ["segment", value_col], "les segments RFM")
    g = segments.groupby("segment", observed=False)[value_col]
    table = pd.DataFrame({"clients": g.size(), "valeur": g.sum()}).reindex(SEGMENTS, fill_value=0)
    table["part_clients"] = table["clients"] / max(int(table["clients"].sum()), 1)
    total = table["valeur"].sum()
    table["part_valeur"] = table["valeur"] / total if total else 0.0
    table["valeur_moyenne"] = table["valeur"] / table["clients"].replace(0, np.nan)
    table.index.name = "segment"
    return table.drop(columns="valeur").reset_index()


def plot_rfm_segments(summary: pd.DataFrame, ax=None):
    """Bars: each segment's share of customers next to its share of revenue.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`segment_summary`.

    Returns
    -------
    matplotlib.axes.Axes
    """
    require_columns(summary, ["segment", "part_clients", "part_valeur"], "le résumé des segments")
    if ax is None:
        _, ax = style.new_figure(11, 5.5)
    y = np.arange(len(summary))
    h = 0.4
    ax.barh(y - h / 2, summary["part_clients"], h, color=style.GREY, label="part des clients")
    ax.barh(y + h / 2, summary["part_valeur"], h, color=style.HIGHLIGHT,
            label="part du chiffre d'affaires")
    ax.set_yticks(y, summary["segment"].astype(str))
    ax.invert_yaxis()
    style.format_axis(ax, "x", "%")
    style.titles(ax, "Segments RFM : poids en clients et en chiffre d'affaires",
                 "part du total (%)", None)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    return ax


# ---------------------------------------------------------------------------
# Models: fit, check, predict
# ---------------------------------------------------------------------------

def weekly_summary(transactions: pd.DataFrame, customer_col: str, date_col: str,
                   amount_col: str | None, observation_end) -> pd.DataFrame:
    """RFM summary with purchases grouped by day and times in weeks (days / 7), as in the papers.

    Weeks keep the models' parameters in a comfortable range for the optimiser.

    Returns
    -------
    pandas.DataFrame
        :func:`parcours_helpers.ltv.rfm_summary` with ``recency`` and ``T`` in weeks.
    """
    summary = ltv.rfm_summary(transactions, customer_col, date_col, amount_col,
                              observation_end=observation_end, freq="D")
    summary["recency"] = summary["recency"] / 7
    summary["T"] = summary["T"] / 7
    return summary


@contextmanager
def _quiet():
    """Silence the RuntimeWarnings the optimiser emits while exploring (log of 0…)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with np.errstate(all="ignore"):
            yield


def _summary_columns(summary: pd.DataFrame, cols: list[str]) -> None:
    require_columns(summary, cols, "le résumé RFM")
    if summary.empty:
        raise ValueError("Le résumé RFM est vide : aucun client sur lequel ajuster le modèle.")


def fit_bgnbd(summary: pd.DataFrame, penalizer: float = 0.0) -> BetaGeoFitter:
    """Fit the BG/NBD model on a ``frequency / recency / T`` summary.

    Returns
    -------
    lifetimes.BetaGeoFitter
        Fitted; its ``params_`` are ``r``, ``alpha``, ``a``, ``b``.
    """
    _summary_columns(summary, ["frequency", "recency", "T"])
    with _quiet():
        return BetaGeoFitter(penalizer_coef=penalizer).fit(
            summary["frequency"], summary["recency"], summary["T"])


def bgnbd_from_params(r: float, alpha: float, a: float, b: float) -> BetaGeoFitter:
    """A BG/NBD model with given parameters (e.g. published ones), without fitting.

    Examples
    --------
    >>> model = bgnbd_from_params(0.243, 4.414, 0.793, 2.426)
    >>> round(float(model.conditional_probability_alive(1, 1.71, 38.86)[0]), 3)
    0.212
    """
    model = BetaGeoFitter()
    model.params_ = pd.Series({"r": r, "alpha": alpha, "a": a, "b": b}, dtype="float64")
    model.predict = model.conditional_expected_number_of_purchases_up_to_time
    return model


def fit_pareto_nbd(summary: pd.DataFrame, penalizer: float = 0.0) -> ParetoNBDFitter:
    """Fit the Pareto/NBD model (``params_``: ``r``, ``alpha``, ``s``, ``beta``)."""
    _summary_columns(summary, ["frequency", "recency", "T"])
    with _quiet():
        return ParetoNBDFitter(penalizer_coef=penalizer).fit(
            summary["frequency"], summary["recency"], summary["T"])


def repeat_customers(summary: pd.DataFrame, value_col: str = "monetary_value") -> pd.DataFrame:
    """The customers Gamma-Gamma can learn from: at least one repeat purchase, a positive value."""
    _summary_columns(summary, ["frequency", value_col])
    return summary[(summary["frequency"] > 0) & (summary[value_col] > 0)]


def fit_gamma_gamma(summary: pd.DataFrame, value_col: str = "monetary_value",
                    penalizer: float = 0.0) -> GammaGammaFitter:
    """Fit the Gamma-Gamma model of the value per purchase on the repeat customers.

    Returns
    -------
    lifetimes.GammaGammaFitter
        Fitted; ``params_`` are ``p``, ``q`` and ``v`` (the papers' gamma).

    Raises
    ------
    ValueError
        Missing column, fewer than 3 repeat customers, or no convergence (the message
        suggests a small ``penalizer``).
    """
    repeat = repeat_customers(summary, value_col)
    if len(repeat) < 3:
        raise ValueError(
            f"Seulement {len(repeat)} client(s) avec un achat répété : le modèle Gamma-Gamma "
            "apprend la valeur d'un achat sur les clients revenus au moins une fois."
        )
    try:
        with _quiet():
            return GammaGammaFitter(penalizer_coef=penalizer).fit(repeat["frequency"],
                                                                  repeat[value_col])
    except ConvergenceError:
        raise ValueError(
            "Le modèle Gamma-Gamma n'a pas convergé (l'optimiseur s'arrête sur une perte de "
            "précision, fréquent quand les clients dépensent tous à peu près pareil). Relancez "
            "avec une petite pénalité, par exemple penalizer=0.0001."
        ) from None


def frequency_value_correlation(summary: pd.DataFrame, value_col: str = "monetary_value") -> float:
    """Pearson correlation between repeat purchases and mean value, on repeat customers.

    Gamma-Gamma assumes the two are independent: a value near 0 is reassuring.
    """
    repeat = repeat_customers(summary, value_col)
    if len(repeat) < 3:
        return float("nan")
    return float(np.corrcoef(repeat["frequency"], repeat[value_col])[0, 1])


def plot_frequency_value(summary: pd.DataFrame, value_col: str = "monetary_value",
                         unit: str = "€", ax=None):
    """Mean value per purchase by number of repeat purchases (boxes), for repeat customers.

    Returns
    -------
    matplotlib.axes.Axes
    """
    repeat = repeat_customers(summary, value_col)
    if ax is None:
        _, ax = style.new_figure(11, 5)
    groups = repeat["frequency"].clip(upper=6).astype(int)
    labels = sorted(groups.unique())
    data = [repeat.loc[groups == k, value_col].to_numpy() for k in labels]
    ax.boxplot(data, showfliers=False)
    ax.set_xticks(range(1, len(labels) + 1), [f"{k}" if k < 6 else "6 et +" for k in labels])
    style.format_axis(ax, "y", unit)
    rho = frequency_value_correlation(summary, value_col)
    style.titles(ax, f"Valeur d'un achat selon le nombre de rachats (corrélation {rho:.2f})"
                 .replace(".", ","), "nombre d'achats répétés", f"valeur moyenne d'un achat ({unit})")
    return ax


def _bgnbd_expected_purchases(params, t, x, tx, T) -> np.ndarray:
    """BG/NBD expected purchases in (T, T + t] (Fader, Hardie & Lee 2005, eq. 10).

    Same formula as ``lifetimes``, which takes the log of the hypergeometric term
    and returns NaN when that term is negative (when a + b + x < 1, e.g. a + b < 1
    for one-time buyers); here the term keeps its sign.
    """
    r, alpha, a, b = (float(params[k]) for k in ("r", "alpha", "a", "b"))
    x, tx, T = (np.asarray(v, dtype="float64") for v in (x, tx, T))
    t = np.broadcast_to(np.asarray(t, dtype="float64"), x.shape)
    c = a + b + x - 1
    z = t / (alpha + T + t)
    ratio = (alpha + T) / (alpha + T + t)
    with np.errstate(all="ignore"):
        term = ratio ** (r + x) * hyp2f1(r + x, b + x, c, z)
        bad = ~np.isfinite(term)
        if bad.any():  # Euler's transformation: 2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a,c-b;c;z)
            xa, ca, za, ra = x[bad], c[bad], z[bad], ratio[bad]
            h = hyp2f1(ca - r - xa, ca - b - xa, ca, za)
            log_abs = (r + xa) * np.log(ra) + (ca - r - b - 2 * xa) * np.log1p(-za) + np.log(np.abs(h))
            term[bad] = np.sign(h) * np.exp(log_abs)
        numerator = (a + b + x - 1) / (a - 1) * (1 - term)
        denominator = 1 + (x > 0) * (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x)
    return numerator / denominator


def expected_purchases(model, t, frequency, recency, T) -> np.ndarray:
    """Expected purchases in the next ``t`` periods for customers (x, t_x, T).

    For a BG/NBD model, uses :func:`_bgnbd_expected_purchases` (no NaN when
    a + b < 1); otherwise the model's own
    ``conditional_expected_number_of_purchases_up_to_time``.
    """
    if isinstance(model, BetaGeoFitter) and set(model.params_.index) == {"r", "alpha", "a", "b"}:
        return _bgnbd_expected_purchases(model.params_, t, frequency, recency, T)
    with _quiet():
        out = model.conditional_expected_number_of_purchases_up_to_time(t, frequency, recency, T)
    return np.asarray(out, dtype="float64")


def holdout_comparison(model, split: pd.DataFrame, max_purchases: int = 7) -> pd.DataFrame:
    """Mean holdout purchases, actual and predicted, by number of calibration repeat purchases.

    Parameters
    ----------
    model : fitted lifetimes model (BG/NBD or Pareto/NBD)
        Fitted on the calibration columns.
    split : pandas.DataFrame
        From :func:`parcours_helpers.ltv.calibration_holdout`: ``frequency_cal``,
        ``recency_cal``, ``T_cal``, ``frequency_holdout``, ``duration_holdout``.
    max_purchases : int
        Customers with more calibration purchases are grouped in the last row.

    Returns
    -------
    pandas.DataFrame
        ``achats_calibration`` (0 … ``max_purchases``, the last meaning "or more"),
        ``clients``, ``reel`` and ``predit`` (mean purchases in the holdout period).
    """
    require_columns(split, ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout",
                            "duration_holdout"], "le découpage calibration/contrôle")
    predicted = expected_purchases(model, split["duration_holdout"], split["frequency_cal"],
                                   split["recency_cal"], split["T_cal"])
    frame = pd.DataFrame({
        "achats_calibration": split["frequency_cal"].clip(upper=max_purchases).astype("int64"),
        "reel": split["frequency_holdout"].to_numpy(),
        "predit": np.asarray(predicted, dtype="float64"),
    })
    g = frame.groupby("achats_calibration")
    return pd.DataFrame({"clients": g.size(), "reel": g["reel"].mean(),
                         "predit": g["predit"].mean()}).reset_index()


def plot_holdout(comparison: pd.DataFrame, unit: str = "semaines", ax=None):
    """Actual vs predicted mean holdout purchases by calibration purchases (lines).

    Returns
    -------
    matplotlib.axes.Axes
    """
    require_columns(comparison, ["achats_calibration", "reel", "predit"], "la comparaison")
    if ax is None:
        _, ax = style.new_figure(11, 5.5)
    x = comparison["achats_calibration"]
    ax.plot(x, comparison["reel"], marker="o", color=style.GREY, label="réel")
    ax.plot(x, comparison["predit"], marker="s", linestyle="--", color=style.HIGHLIGHT,
            label="prédit par le modèle")
    last = int(x.max())
    ax.set_xticks(x, [str(k) if k < last else f"{k} et +" for k in x])
    style.titles(ax, "Période de contrôle : achats réels et prédits",
                 "achats répétés pendant la calibration",
                 "achats moyens pendant le contrôle")
    ax.legend(loc="upper left")
    return ax


def monthly_rate(annual_rate: float) -> float:
    """Monthly discount rate equivalent to an annual one: (1 + a)^(1/12) − 1.

    Examples
    --------
    >>> round(monthly_rate(0.10), 5)
    0.00797
    """
    return (1 + annual_rate) ** (1 / 12) - 1


def customer_predictions(purchase_model, value_model, summary: pd.DataFrame, months: int = 12,
                         annual_discount_rate: float = 0.10, days_per_period: float = 1.0,
                         value_col: str = "monetary_value") -> pd.DataFrame:
    """P(alive), expected purchases, expected value per purchase and discounted CLV.

    The CLV adds, month by month, the purchases expected that month × the value
    expected per purchase, divided by (1 + monthly rate)^month, as
    ``lifetimes``' ``customer_lifetime_value`` (months of 30 days).

    Parameters
    ----------
    purchase_model : fitted BetaGeoFitter or ParetoNBDFitter
    value_model : fitted GammaGammaFitter
        Fitted on ``value_col`` (an amount or a margin: the CLV is in that unit).
    summary : pandas.DataFrame
        ``frequency``, ``recency``, ``T`` (in the models' time unit) and ``value_col``.
    months : int
        Horizon of the CLV.
    annual_discount_rate : float
        E.g. 0.10: one euro in a year is worth 1 / 1.10 today.
    days_per_period : float
        Length of the time unit in days (1 for days, 7 for weeks).

    Returns
    -------
    pandas.DataFrame
        Same index as ``summary``: ``p_vivant`` (0–1), ``achats_attendus`` (over
        ``months``), ``valeur_par_achat`` and ``clv`` (discounted).
    """
    _summary_columns(summary, ["frequency", "recency", "T", value_col])
    f, r, t = summary["frequency"], summary["recency"], summary["T"]
    step = DAYS_PER_MONTH / days_per_period
    rate = monthly_rate(annual_discount_rate)
    value = value_model.conditional_expected_average_profit(f, summary[value_col])
    value = np.asarray(value, dtype="float64")
    clv = np.zeros(len(summary))
    previous = np.zeros(len(summary))
    for m in range(1, months + 1):
        cumulative = expected_purchases(purchase_model, m * step, f, r, t)
        clv += value * (cumulative - previous) / (1 + rate) ** m
        previous = cumulative
    alive = np.asarray(purchase_model.conditional_probability_alive(f, r, t), dtype="float64")
    return pd.DataFrame({"p_vivant": alive, "achats_attendus": previous,
                         "valeur_par_achat": value, "clv": clv}, index=summary.index)


def plot_p_alive(predictions: pd.DataFrame, ax=None):
    """Histogram of P(alive) (share of customers per band of 10 points).

    Returns
    -------
    matplotlib.axes.Axes
    """
    require_columns(predictions, ["p_vivant"], "les prédictions")
    if ax is None:
        _, ax = style.new_figure(11, 5)
    weights = np.full(len(predictions), 1 / max(len(predictions), 1))
    ax.hist(predictions["p_vivant"], bins=np.linspace(0, 1, 11), weights=weights,
            color=style.FORM_COLOURS["virtuel"], edgecolor="white")
    style.format_axis(ax, "x", "%")
    style.format_axis(ax, "y", "%")
    style.titles(ax, "Qui est encore client ? Répartition de P(vivant)",
                 "probabilité d'être encore client (%)", "part des clients (%)")
    return ax


# ---------------------------------------------------------------------------
# Value by acquisition channel, and who loses money
# ---------------------------------------------------------------------------

def channel_value(customers: pd.DataFrame, past_col: str = "marge_nette",
                  future_col: str = "clv", cost_col: str = "cac_eur") -> pd.DataFrame:
    """Value net of acquisition cost per acquisition channel, and the share losing money.

    A customer's net value = margin already earned + future CLV − acquisition cost;
    the customer "loses money" when it is negative.

    Parameters
    ----------
    customers : pandas.DataFrame
        One row per customer: ``canal_acquisition`` and the three columns named.

    Returns
    -------
    pandas.DataFrame
        One row per channel, sorted by ``valeur_nette_moyenne``: ``canal_acquisition``,
        ``clients``, ``cac_eur``, ``marge_passee_moyenne``, ``clv_moyenne``,
        ``valeur_nette_moyenne`` (€ per customer) and ``part_perdants`` (0–1).
    """
    require_columns(customers, ["canal_acquisition", past_col, future_col, cost_col],
                    "les clients")
    c = customers.assign(_net=customers[past_col] + customers[future_col] - customers[cost_col])
    g = c.groupby("canal_acquisition", observed=True)
    table = pd.DataFrame({
        "clients": g.size(),
        "cac_eur": g[cost_col].mean(),
        "marge_passee_moyenne": g[past_col].mean(),
        "clv_moyenne": g[future_col].mean(),
        "valeur_nette_moyenne": g["_net"].mean(),
        "part_perdants": g["_net"].apply(lambda s: float((s < 0).mean())),
    })
    table.index.name = "canal_acquisition"
    return table.reset_index().sort_values(
        ["valeur_nette_moyenne", "canal_acquisition"]).reset_index(drop=True)


def plot_channel_value(table: pd.DataFrame, ax=None):
    """Horizontal bars of the mean net value per customer by channel, share of losers as labels.

    Returns
    -------
    matplotlib.axes.Axes
    """
    require_columns(table, ["canal_acquisition", "valeur_nette_moyenne", "part_perdants"],
                    "la valeur par canal")
    if ax is None:
        _, ax = style.new_figure(11, 6.5)
    values = table["valeur_nette_moyenne"]
    colours = [style.HIGHLIGHT if v < 0 else style.FORM_COLOURS["bouche-à-oreille"] for v in values]
    y = np.arange(len(table))
    ax.barh(y, values, color=colours)
    ax.set_yticks(y, table["canal_acquisition"].astype(str))
    ax.axvline(0, color="black", linewidth=1)
    span = float(values.max() - min(values.min(), 0)) or 1.0
    for yi, v, share in zip(y, values, table["part_perdants"], strict=True):
        text = f"{style.french_number(100 * share)} % perdants"
        ax.text(max(v, 0) + 0.02 * span, yi, text, va="center", fontsize=12)
    ax.set_xlim(min(values.min(), 0) - 0.05 * span, values.max() + 0.45 * span)
    style.format_euros(ax, "x")
    style.titles(ax, "Valeur nette moyenne d'un client selon son canal d'acquisition",
                 "marge passée + CLV 12 mois − coût d'acquisition (€ par client)", None)
    return ax


# ---------------------------------------------------------------------------
# Service policy: serve everyone alike, or by value?
# ---------------------------------------------------------------------------

def service_policies(customers: pd.DataFrame, value_col: str = "clv",
                     cost_uniform: float = 20.0, cost_premium: float = 40.0,
                     cost_basic: float = 10.0, share_premium: float = 0.2,
                     effect_premium: float = 0.10, effect_basic: float = -0.10) -> pd.DataFrame:
    """Compare two service policies over the CLV horizon, under stated assumptions.

    - « Tous pareil »: every customer gets the same service, costing ``cost_uniform``
      each; their value is ``value_col``.
    - « Selon la valeur »: the ``share_premium`` most valuable customers get a
      premium service (``cost_premium`` each) that raises their value by
      ``effect_premium`` (e.g. +10 %); the others get a basic service
      (``cost_basic``) that changes their value by ``effect_basic`` (e.g. −10 %).

    The effects are assumptions, not measurements: vary them (see
    :func:`policy_sensitivity`).

    Returns
    -------
    pandas.DataFrame
        Two rows (``politique``): ``cout_service`` (€), ``valeur_clients`` (€),
        ``resultat`` (€ = value − cost) and ``clients_moins_bien_servis``.
    """
    require_columns(customers, [value_col], "les clients")
    value = customers[value_col].to_numpy(dtype="float64")
    n = len(value)
    n_premium = int(round(share_premium * n))
    order = np.argsort(-value, kind="stable")
    premium = np.zeros(n, dtype=bool)
    premium[order[:n_premium]] = True
    by_value = np.where(premium, value * (1 + effect_premium), value * (1 + effect_basic))
    rows = [
        ("Tous pareil", cost_uniform * n, value.sum(), 0),
        ("Selon la valeur", cost_premium * n_premium + cost_basic * (n - n_premium),
         by_value.sum(), n - n_premium),
    ]
    table = pd.DataFrame(rows, columns=["politique", "cout_service", "valeur_clients",
                                        "clients_moins_bien_servis"])
    table["resultat"] = table["valeur_clients"] - table["cout_service"]
    return table[["politique", "cout_service", "valeur_clients", "resultat",
                  "clients_moins_bien_servis"]]


def policy_sensitivity(customers: pd.DataFrame, effects_basic, value_col: str = "clv",
                       **assumptions) -> pd.DataFrame:
    """Result of « selon la valeur » minus « tous pareil » for several basic-service effects.

    Parameters
    ----------
    effects_basic : iterable of float
        Effects of the basic service on value (e.g. ``[0, -0.05, -0.10, -0.20]``).
    **assumptions
        The other arguments of :func:`service_policies`.

    Returns
    -------
    pandas.DataFrame
        ``effet_service_basique`` and ``ecart_resultat`` (€; positive: serving by value
        pays more, under these assumptions).
    """
    rows = []
    for effect in effects_basic:
        t = service_policies(customers, value_col, effect_basic=float(effect), **assumptions)
        rows.append((float(effect), float(t["resultat"].iloc[1] - t["resultat"].iloc[0])))
    return pd.DataFrame(rows, columns=["effet_service_basique", "ecart_resultat"])


def plot_policy_sensitivity(sensitivity: pd.DataFrame, ax=None):
    """Line: gain of serving by value as the basic service hurts more (negative = loss).

    Returns
    -------
    matplotlib.axes.Axes
    """
    require_columns(sensitivity, ["effet_service_basique", "ecart_resultat"], "la sensibilité")
    if ax is None:
        _, ax = style.new_figure(11, 5)
    x, y = sensitivity["effet_service_basique"], sensitivity["ecart_resultat"]
    ax.plot(x, y, marker="o", color=style.FORM_COLOURS["virtuel"])
    ax.axhline(0, color="black", linewidth=1)
    ax.fill_between(x, y, 0, where=y >= 0, color=style.FORM_COLOURS["bouche-à-oreille"],
                    alpha=0.2, interpolate=True)
    ax.fill_between(x, y, 0, where=y < 0, color=style.HIGHLIGHT, alpha=0.2, interpolate=True)
    style.format_axis(ax, "x", "%")
    style.format_euros(ax, "y")
    style.titles(ax, "Servir selon la valeur rapporte-t-il plus ?",
                 "effet du service basique sur la valeur des autres clients (%)",
                 "écart de résultat (€)")
    return ax


# ---------------------------------------------------------------------------
# Simulating BG/NBD customers (lifetimes.generate_data needs DataFrame.append)
# ---------------------------------------------------------------------------

def simulate_bgnbd(n_customers: int, r: float, alpha: float, a: float, b: float,
                   T: float, seed: int = 0) -> pd.DataFrame:
    """Simulate customers who follow the BG/NBD story, observed for ``T`` periods.

    Each customer buys at a personal rate λ ~ Gamma(r, 1/alpha) and, after each
    purchase, leaves for good with a personal probability p ~ Beta(a, b). Time 0 is
    the first purchase, which is not counted (as in ``frequency``).

    Returns
    -------
    pandas.DataFrame
        One row per customer: ``frequency``, ``recency``, ``T`` (continuous times,
        not rounded to days), ``lambda``, ``p`` and ``alive`` (bool).

    Examples
    --------
    >>> sim = simulate_bgnbd(1000, 0.25, 4.0, 0.8, 2.5, T=39, seed=1)
    >>> sim.shape, bool((sim["recency"] <= sim["T"]).all())
    ((1000, 6), True)
    """
    if n_customers < 0 or T <= 0:
        raise ValueError("Il faut un nombre de clients positif et une durée T > 0.")
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1.0 / alpha, n_customers)
    p = rng.beta(a, b, n_customers)
    freq = np.zeros(n_customers)
    rec = np.zeros(n_customers)
    alive = np.ones(n_customers, dtype=bool)
    now = np.zeros(n_customers)
    active = np.arange(n_customers)
    while active.size:
        now[active] += rng.exponential(1.0, active.size) / lam[active]
        in_time = now[active] < T
        buyers = active[in_time]
        freq[buyers] += 1
        rec[buyers] = now[buyers]
        leaves = rng.random(buyers.size) < p[buyers]
        alive[buyers[leaves]] = False
        active = buyers[~leaves]
    return pd.DataFrame({"frequency": freq, "recency": rec, "T": float(T), "lambda": lam,
                         "p": p, "alive": alive})


def model_params(model, digits: int = 3) -> dict[str, float]:
    """A fitted lifetimes model's parameters as a plain dict, rounded."""
    return {k: round(float(v), digits) for k, v in model.params_.items()}

