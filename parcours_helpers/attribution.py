"""Multi-touch attribution: which touchpoints get the credit for an order?

Seven ways to share each order between the touchpoints that came before it,
side by side, in plain numpy/pandas:

* rule-based models: first touch, last touch, linear, time decay (half-life
  in days) and position-based (40 % first, 20 % middle, 40 % last);
* data-driven models: the Markov-chain *removal effect*, computed exactly with
  absorbing-chain algebra (the fundamental matrix, no simulation), and the
  Shapley value, computed exactly over every subset of channels.

The journeys table
------------------
Every function takes a *journeys* table in long format, one row per touch:

``id_parcours`` (str)
    The journey the touch belongs to. A converting journey is the touches of
    one person before one order; a non-converting journey is the touches of a
    person who never ordered (the Markov model needs both).
``ordre`` (int) and/or ``horodatage`` (datetime)
    The position of the touch in its journey. At least one is required;
    ``horodatage`` is required by :func:`time_decay`. When both are present the
    touches are sorted by ``horodatage``, then ``ordre``.
``canal`` (str)
    The touchpoint or channel credited (e.g. ``"blog"``, ``"chat"``).
``converti`` (bool)
    Whether the journey ended with an order; the same value on every row of a
    journey.
``date_conversion`` (datetime, optional)
    When the order happened; :func:`time_decay` measures the age of each touch
    from it (default: the journey's last touch).

:func:`build_journeys` builds that table from the course's ``evenements`` and
``commandes`` tables. Every model returns the number of orders credited to
each channel (a ``pandas.Series`` named after the model, indexed by ``canal``),
so that each model's credits add up to the number of converting journeys.
"""

from __future__ import annotations

import math
from itertools import pairwise

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from parcours_helpers.validation import require_columns, require_non_empty

#: French names of the models, in the order of :func:`compare_models`.
MODEL_NAMES = {
    "first_touch": "premier contact",
    "last_touch": "dernier contact",
    "linear": "linéaire",
    "time_decay": "décroissance temporelle",
    "position_based": "en U (40/20/40)",
    "markov": "Markov (effet de retrait)",
    "shapley": "Shapley",
}

#: What each model over-credits (too much) and under-credits (too little), in French.
MODEL_BIASES = {
    "first_touch": ("les canaux de découverte (le premier contact prend tout)",
                    "tout ce qui rassure et décide ensuite"),
    "last_touch": ("les canaux de fin de parcours, juste avant la commande",
                   "les canaux qui font connaître la marque"),
    "linear": ("les canaux touchés souvent, même s'ils ne décident de rien",
               "le déclic : un contact décisif compte autant qu'un contact anodin"),
    "time_decay": ("les contacts des derniers jours",
                   "la découverte dans les parcours longs"),
    "position_based": ("le premier et le dernier contact (règle fixée d'avance : 40/20/40)",
                       "les contacts du milieu, souvent ceux qui rassurent (chat, e-mail)"),
    "markov": ("les canaux carrefours par lesquels passent beaucoup de parcours",
               "l'ordre au-delà d'un pas ; il mesure une association, pas une cause"),
    "shapley": ("les canaux présents dans les petits parcours qui convertissent",
                "l'ordre et la répétition des contacts (seul l'ensemble des canaux compte)"),
}

START = "(début)"
CONVERSION = "(commande)"
NO_CONVERSION = "(sans commande)"

#: Largest number of channels the exact Shapley value enumerates (2**n subsets).
MAX_SHAPLEY_CHANNELS = 20

_TABLE = "le tableau des parcours"


# ---------------------------------------------------------------------------
# From the course data to journeys
# ---------------------------------------------------------------------------

def build_journeys(events: pd.DataFrame, orders: pd.DataFrame,
                   channel: str = "point_de_contact",
                   exclude: tuple[str, ...] = ("livraison",),
                   exclude_stages: tuple[str, ...] = ("livraison",)) -> pd.DataFrame:
    """Cut each person's events into journeys that end with an order, or not.

    For each order, the journey is the person's touches strictly after their
    previous order (or since their first event) and strictly before this order;
    for each person who never ordered, the journey is all their touches.
    Events that belong to an order (``id_commande`` filled in) and the
    touchpoints listed in ``exclude`` or at a stage listed in
    ``exclude_stages`` (what happens after the sale: the parcel, the pick-up of
    a click & collect order) are not touches. Orders with no touch before them keep one touch named
    ``"(aucun contact)"`` so that no order is silently dropped. Touches that
    follow a person's last order are not part of any journey.

    Parameters
    ----------
    events : pandas.DataFrame
        Columns ``id_personne``, ``horodatage``, ``id_commande`` and ``channel``.
    orders : pandas.DataFrame
        Columns ``id_commande``, ``id_personne``, ``date_commande``.
    channel : str
        The events' column to credit (default ``"point_de_contact"``).
    exclude : tuple of str
        Values of ``channel`` that are not touches.
    exclude_stages : tuple of str
        Stages (``etape``) whose events are not touches; used only when the
        events have an ``etape`` column.

    Returns
    -------
    pandas.DataFrame
        The journeys table (see the module docstring): ``id_parcours``,
        ``id_personne``, ``ordre`` (1, 2, …), ``horodatage``, ``canal``,
        ``converti``, ``date_conversion`` (empty when not converted), sorted by
        ``id_parcours`` then ``ordre``.

    Raises
    ------
    ValueError
        A required column is missing.
    """
    require_columns(events, ["id_personne", "horodatage", "id_commande", channel], "les événements")
    require_columns(orders, ["id_commande", "id_personne", "date_commande"], "les commandes")
    keep = events["id_commande"].isna() & ~events[channel].isin(exclude)
    if "etape" in events.columns:
        keep &= ~events["etape"].astype(object).isin(exclude_stages)
    touches = events.loc[keep, ["id_personne", "horodatage", channel]]
    touches = touches.rename(columns={channel: "canal"}).astype({"canal": str})
    touches = touches.sort_values(["id_personne", "horodatage"], kind="stable")

    o = orders[["id_commande", "id_personne", "date_commande"]].sort_values(
        ["id_personne", "date_commande", "id_commande"], kind="stable")

    # Each touch goes to the first order of its person placed strictly after it.
    merged = pd.merge_asof(
        touches.sort_values("horodatage", kind="stable"),
        o[["id_personne", "date_commande", "id_commande"]].sort_values("date_commande"),
        left_on="horodatage", right_on="date_commande", by="id_personne",
        direction="forward", allow_exact_matches=False,
    )
    converted = merged.dropna(subset=["id_commande"]).rename(
        columns={"id_commande": "id_parcours", "date_commande": "date_conversion"})
    converted["converti"] = True

    # Orders with no touch at all before them keep a placeholder touch.
    bare = o.loc[~o["id_commande"].isin(converted["id_parcours"])]
    bare = pd.DataFrame({
        "id_personne": bare["id_personne"], "horodatage": bare["date_commande"],
        "canal": "(aucun contact)", "date_conversion": bare["date_commande"],
        "id_parcours": bare["id_commande"], "converti": True,
    })

    never = touches.loc[~touches["id_personne"].isin(o["id_personne"])].copy()
    never["id_parcours"] = never["id_personne"] + "-sans-commande"
    never["converti"] = False
    never["date_conversion"] = pd.NaT

    cols = ["id_parcours", "id_personne", "horodatage", "canal", "converti", "date_conversion"]
    out = pd.concat([converted[cols], bare[cols], never[cols]], ignore_index=True)
    out = out.sort_values(["id_parcours", "horodatage", "canal"], kind="stable")
    out["ordre"] = out.groupby("id_parcours").cumcount() + 1
    return out[["id_parcours", "id_personne", "ordre", "horodatage", "canal", "converti",
                "date_conversion"]].reset_index(drop=True)


# ---------------------------------------------------------------------------
# Input check and paths
# ---------------------------------------------------------------------------

def _checked(journeys: pd.DataFrame) -> pd.DataFrame:
    """Validate a journeys table and return it sorted within each journey."""
    require_columns(journeys, ["id_parcours", "canal", "converti"], _TABLE)
    if "ordre" not in journeys.columns and "horodatage" not in journeys.columns:
        raise ValueError(
            "Il faut ordonner les contacts de chaque parcours : ajoutez une colonne "
            "« ordre » (1, 2, 3…) ou « horodatage » au tableau des parcours.")
    require_non_empty(journeys, _TABLE)
    if journeys["canal"].isna().any():
        raise ValueError("La colonne « canal » du tableau des parcours a des valeurs manquantes : "
                         "chaque contact doit avoir un canal.")
    flags = journeys.groupby("id_parcours", sort=False)["converti"].nunique()
    if (flags > 1).any():
        bad = flags[flags > 1].index[0]
        raise ValueError(
            f"Le parcours « {bad} » est à la fois converti et non converti : la colonne "
            "« converti » doit avoir la même valeur sur toutes les lignes d'un parcours.")
    keys = [k for k in ("horodatage", "ordre") if k in journeys.columns]
    return journeys.sort_values(["id_parcours", *keys], kind="stable")


def journey_paths(journeys: pd.DataFrame) -> pd.DataFrame:
    """One row per journey: its channels in order and whether it converted.

    Parameters
    ----------
    journeys : pandas.DataFrame
        The journeys table (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        ``id_parcours``, ``canaux`` (tuple of channels in order), ``converti``.

    Examples
    --------
    >>> j = pd.DataFrame({"id_parcours": ["a", "a", "b"], "ordre": [1, 2, 1],
    ...                   "canal": ["blog", "chat", "blog"], "converti": [True, True, False]})
    >>> journey_paths(j)["canaux"].tolist()
    [('blog', 'chat'), ('blog',)]
    """
    j = _checked(journeys)
    # The table is sorted by journey: cut it where the journey changes (much faster
    # than a groupby with a Python function per group).
    ids = j["id_parcours"].to_numpy(dtype=object)
    channels = j["canal"].astype(str).to_numpy(dtype=object)
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.array([], int)
    ends = np.r_[starts[1:], len(ids)]
    return pd.DataFrame({
        "id_parcours": ids[starts],
        "canaux": [tuple(channels[a:b]) for a, b in zip(starts, ends, strict=True)],
        "converti": j["converti"].to_numpy()[starts].astype(bool),
    })


def path_counts(journeys: pd.DataFrame, sep: str = " > ") -> pd.DataFrame:
    """Count identical paths: how many converted, how many did not.

    Returns
    -------
    pandas.DataFrame
        ``parcours`` (channels joined by ``sep``), ``commandes``,
        ``sans_commande``, ``taux_conversion`` (0–1), sorted by decreasing number
        of journeys then path.
    """
    p = journey_paths(journeys)
    p["parcours"] = p["canaux"].map(sep.join)
    t = p.groupby("parcours")["converti"].agg(commandes="sum", total="size").reset_index()
    t["sans_commande"] = t["total"] - t["commandes"]
    t["taux_conversion"] = t["commandes"] / t["total"]
    t = t.sort_values(["total", "parcours"], ascending=[False, True], kind="stable")
    return t[["parcours", "commandes", "sans_commande", "taux_conversion"]].reset_index(drop=True)


def _channels(journeys: pd.DataFrame) -> list[str]:
    return sorted(journeys["canal"].astype(str).unique())


def _credit(touch_credits: pd.DataFrame, channels: list[str], name: str) -> pd.Series:
    """Sum per-touch credits (columns canal, credit) into one value per channel."""
    s = touch_credits.groupby("canal")["credit"].sum() if len(touch_credits) else pd.Series(
        dtype=float)
    s = s.reindex(channels, fill_value=0.0).astype(float)
    s.index.name = "canal"
    return s.rename(name)


def _converted_touches(journeys: pd.DataFrame) -> pd.DataFrame:
    """Touches of converting journeys, sorted, with position and length of the journey."""
    j = _checked(journeys)
    j = j.loc[j["converti"].astype(bool)].copy()
    j["position"] = j.groupby("id_parcours").cumcount()
    j["longueur"] = j.groupby("id_parcours")["canal"].transform("size")
    return j


# ---------------------------------------------------------------------------
# Rule-based models
# ---------------------------------------------------------------------------

def first_touch(journeys: pd.DataFrame) -> pd.Series:
    """Give each order to the first touch of its journey.

    Parameters
    ----------
    journeys : pandas.DataFrame
        The journeys table (see the module docstring).

    Returns
    -------
    pandas.Series
        Orders credited per channel (index ``canal``), summing to the number of
        converting journeys; every channel of the table appears (0 if never first).

    Examples
    --------
    >>> j = pd.DataFrame({"id_parcours": ["a", "a"], "ordre": [1, 2],
    ...                   "canal": ["radio", "e-shop"], "converti": [True, True]})
    >>> first_touch(j).to_dict()
    {'e-shop': 0.0, 'radio': 1.0}
    """
    t = _converted_touches(journeys)
    t["credit"] = (t["position"] == 0).astype(float)
    return _credit(t, _channels(journeys), MODEL_NAMES["first_touch"])


def last_touch(journeys: pd.DataFrame) -> pd.Series:
    """Give each order to the last touch of its journey (see :func:`first_touch`)."""
    t = _converted_touches(journeys)
    t["credit"] = (t["position"] == t["longueur"] - 1).astype(float)
    return _credit(t, _channels(journeys), MODEL_NAMES["last_touch"])


def linear(journeys: pd.DataFrame) -> pd.Series:
    """Share each order equally between the touches of its journey.

    A journey of ``k`` touches gives ``1/k`` of its order to each touch; a
    channel touched twice gets two shares. Returns orders per channel, like
    :func:`first_touch`.
    """
    t = _converted_touches(journeys)
    t["credit"] = 1.0 / t["longueur"]
    return _credit(t, _channels(journeys), MODEL_NAMES["linear"])


def time_decay(journeys: pd.DataFrame, half_life_days: float = 7.0) -> pd.Series:
    """Share each order between its touches, the more recent the larger the share.

    A touch ``d`` days before the order weighs ``0.5 ** (d / half_life_days)``:
    a touch one half-life older counts half as much. Each journey's weights are
    then scaled to add up to 1.

    Parameters
    ----------
    journeys : pandas.DataFrame
        The journeys table with ``horodatage``; the order's time is
        ``date_conversion`` when present, else the journey's last touch.
    half_life_days : float
        The half-life, in days (Google Ads used 7 days).

    Returns
    -------
    pandas.Series
        Orders credited per channel (index ``canal``).

    Raises
    ------
    ValueError
        No ``horodatage`` column, or a half-life that is not positive.
    """
    require_columns(journeys, ["horodatage"], _TABLE)
    if not half_life_days > 0:
        raise ValueError(f"La demi-vie doit être un nombre de jours positif, pas {half_life_days}.")
    t = _converted_touches(journeys)
    end = t.groupby("id_parcours")["horodatage"].transform("max")
    if "date_conversion" in t.columns:
        end = t["date_conversion"].fillna(end)
    days = (end - t["horodatage"]).dt.total_seconds() / 86400
    t["poids"] = 0.5 ** (days / half_life_days)
    t["credit"] = t["poids"] / t.groupby("id_parcours")["poids"].transform("sum")
    return _credit(t, _channels(journeys), MODEL_NAMES["time_decay"])


def position_based(journeys: pd.DataFrame, first: float = 0.4, last: float = 0.4) -> pd.Series:
    """Give ``first`` of each order to the first touch, ``last`` to the last touch.

    The rest (20 % by default) is shared equally between the touches in between.
    A journey of one touch gives it the whole order; a journey of two touches
    shares it ``first : last`` (50/50 by default).

    Parameters
    ----------
    journeys : pandas.DataFrame
        The journeys table (see the module docstring).
    first, last : float
        Shares (0–1) of the first and last touch; ``first + last <= 1``.

    Returns
    -------
    pandas.Series
        Orders credited per channel (index ``canal``).
    """
    if first < 0 or last < 0 or first + last > 1:
        raise ValueError("Les parts du premier et du dernier contact doivent être positives "
                         f"et leur somme au plus 1 (ici {first} + {last}).")
    t = _converted_touches(journeys)
    pos, n = t["position"], t["longueur"]
    middle = (1.0 - first - last) / (n - 2).clip(lower=1)
    credit = np.where(pos == 0, first, np.where(pos == n - 1, last, middle))
    both = first + last
    two = (first / both if both else 0.5, last / both if both else 0.5)
    credit = np.where(n == 2, np.where(pos == 0, two[0], two[1]), credit)
    t["credit"] = np.where(n == 1, 1.0, credit)
    name = MODEL_NAMES["position_based"]
    if (first, last) != (0.4, 0.4):
        name = f"en U ({first:.0%}/{1 - first - last:.0%}/{last:.0%})"
    return _credit(t, _channels(journeys), name)


# ---------------------------------------------------------------------------
# Markov chain: transition matrix and exact removal effects
# ---------------------------------------------------------------------------

def transition_matrix(journeys: pd.DataFrame) -> pd.DataFrame:
    """Estimate the first-order Markov chain of the journeys.

    Each journey is read as ``(début) → canal 1 → … → canal k → (commande)``
    or ``→ (sans commande)``; the probability of going from state ``a`` to
    state ``b`` is the number of ``a → b`` steps over the number of steps that
    leave ``a``.

    Parameters
    ----------
    journeys : pandas.DataFrame
        The journeys table (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        Square table of probabilities, rows = from, columns = to, over the
        states ``(début)``, the channels (sorted), ``(commande)`` and
        ``(sans commande)``. Each row of a transient state sums to 1; the two
        absorbing states stay where they are (probability 1 to themselves).
    """
    paths = journey_paths(journeys)
    states = [START, *_channels(journeys), CONVERSION, NO_CONVERSION]
    steps = [
        step
        for path, converted in zip(paths["canaux"], paths["converti"], strict=True)
        for step in pairwise([START, *path, CONVERSION if converted else NO_CONVERSION])
    ]
    counts = (pd.DataFrame(steps, columns=["de", "vers"]).value_counts()
              .unstack(fill_value=0).reindex(index=states, columns=states, fill_value=0)
              .astype(float))
    for absorbing in (CONVERSION, NO_CONVERSION):
        counts.loc[absorbing, absorbing] = 1.0
    return counts.div(counts.sum(axis=1), axis=0)


def conversion_probability(matrix: pd.DataFrame) -> float:
    """Probability that a journey starting at ``(début)`` ends with an order.

    Absorbing-chain algebra: with ``Q`` the transitions between transient
    states (``(début)`` and the channels) and ``R`` the transitions from them
    to the absorbing states, the fundamental matrix ``N = (I - Q)^-1`` counts
    the expected visits to each state, and ``B = N R`` gives the probability of
    ending in each absorbing state. The answer is ``B[(début), (commande)]``.
    Exact: no simulation.

    Parameters
    ----------
    matrix : pandas.DataFrame
        A transition matrix as returned by :func:`transition_matrix`.

    Returns
    -------
    float
    """
    transient = [s for s in matrix.index if s not in (CONVERSION, NO_CONVERSION)]
    q = matrix.loc[transient, transient].to_numpy()
    r = matrix.loc[transient, [CONVERSION, NO_CONVERSION]].to_numpy()
    fundamental = np.linalg.inv(np.eye(len(transient)) - q)
    absorption = fundamental @ r
    return float(absorption[transient.index(START), 0])


def remove_channel(matrix: pd.DataFrame, channel: str) -> pd.DataFrame:
    """Return the chain in which every step into ``channel`` ends the journey instead.

    The probability of stepping into ``channel`` is moved to ``(sans commande)``:
    a journey that would have gone through the channel is lost.
    """
    if channel not in matrix.index or channel in (START, CONVERSION, NO_CONVERSION):
        raise ValueError(f"Canal inconnu dans la chaîne de Markov : « {channel} ».")
    m = matrix.copy()
    m[NO_CONVERSION] += m[channel]
    m[channel] = 0.0
    m.loc[channel] = 0.0
    m.loc[channel, NO_CONVERSION] = 1.0
    return m


def removal_effects(journeys: pd.DataFrame) -> pd.DataFrame:
    """The removal effect of each channel: the share of orders lost without it.

    ``effet_de_retrait = 1 - P(commande sans le canal) / P(commande)``, both
    probabilities computed exactly by :func:`conversion_probability`.

    Parameters
    ----------
    journeys : pandas.DataFrame
        The journeys table (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        ``canal``, ``proba_commande`` (with every channel, the same on every
        row), ``proba_commande_sans`` (channel removed), ``effet_de_retrait``
        (0–1; 0 everywhere when nothing converted), sorted by channel.
    """
    matrix = transition_matrix(journeys)
    base = conversion_probability(matrix)
    rows = []
    for channel in _channels(journeys):
        without = conversion_probability(remove_channel(matrix, channel))
        effect = 1.0 - without / base if base > 0 else 0.0
        rows.append({"canal": channel, "proba_commande": base,
                     "proba_commande_sans": without, "effet_de_retrait": effect})
    return pd.DataFrame(rows)


def markov(journeys: pd.DataFrame) -> pd.Series:
    """Share the orders in proportion to each channel's removal effect.

    ``credit(canal) = commandes × effet(canal) / somme des effets``, with the
    exact effects of :func:`removal_effects`.

    Returns
    -------
    pandas.Series
        Orders credited per channel (index ``canal``).
    """
    effects = removal_effects(journeys).set_index("canal")["effet_de_retrait"]
    n_orders = journey_paths(journeys)["converti"].sum()
    total = effects.sum()
    credit = effects * n_orders / total if total > 0 else effects * 0.0
    credit.index.name = "canal"
    return credit.astype(float).rename(MODEL_NAMES["markov"])


# ---------------------------------------------------------------------------
# Shapley value, exact over every subset of channels
# ---------------------------------------------------------------------------

def shapley(journeys: pd.DataFrame) -> pd.Series:
    """Shapley value of each channel, computed exactly over all channel subsets.

    The channels are the players of a cooperative game. The worth of a
    coalition ``S`` of channels is the usual characteristic function of
    attribution: ``v(S)`` = the number of converting journeys whose *set* of
    channels is included in ``S`` (the orders ``S`` could have brought on its
    own). The Shapley value of channel ``c`` averages its marginal gain
    ``v(S ∪ {c}) - v(S)`` over every coalition ``S`` without ``c``, with weight
    ``|S|! (n - |S| - 1)! / n!`` (the share of the ``n!`` orders of arrival in
    which exactly ``S`` comes before ``c``). The values add up to ``v(all)``,
    the number of orders. Order and repetition of the touches do not count.

    Subsets are coded as integers: bit ``i`` is set when channel ``i`` is in.

    Parameters
    ----------
    journeys : pandas.DataFrame
        The journeys table (see the module docstring).

    Returns
    -------
    pandas.Series
        Orders credited per channel (index ``canal``).

    Raises
    ------
    ValueError
        More than ``MAX_SHAPLEY_CHANNELS`` channels (2**n subsets to visit).
    """
    channels = _channels(journeys)
    n = len(channels)
    if n > MAX_SHAPLEY_CHANNELS:
        raise ValueError(f"Trop de canaux ({n}) pour un calcul exact de Shapley : "
                         f"regroupez-les en {MAX_SHAPLEY_CHANNELS} au plus.")
    bit = {c: 1 << i for i, c in enumerate(channels)}
    paths = journey_paths(journeys)
    paths = paths.loc[paths["converti"]]
    # Number of orders per exact set of channels, each set coded as an integer.
    set_codes = paths["canaux"].map(lambda path: sum(bit[c] for c in set(path)))
    orders_by_set = set_codes.value_counts()

    coalitions = np.arange(2 ** n)
    # worth[S] = v(S) = the orders whose set T is included in S: start from the count
    # of each exact set, then add, one channel at a time, what S gets from S without
    # that channel (a sum over subsets in n passes).
    worth = np.zeros(2 ** n)
    worth[orders_by_set.index.to_numpy(dtype=np.int64)] = orders_by_set.to_numpy(dtype=float)
    for i in range(n):
        has_i = (coalitions & (1 << i)) != 0
        worth[has_i] += worth[coalitions[has_i] ^ (1 << i)]

    size = np.bitwise_count(coalitions).astype(int)
    weight = np.array([math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n)
                       if k < n else 0.0 for k in range(n + 1)])
    values = {}
    for c in channels:
        without_c = coalitions[(coalitions & bit[c]) == 0]
        gain = worth[without_c | bit[c]] - worth[without_c]
        values[c] = float((weight[size[without_c]] * gain).sum())
    s = pd.Series(values, dtype=float)
    s.index.name = "canal"
    return s.rename(MODEL_NAMES["shapley"])


# ---------------------------------------------------------------------------
# All models side by side
# ---------------------------------------------------------------------------

def compare_models(journeys: pd.DataFrame, half_life_days: float = 7.0) -> pd.DataFrame:
    """Run the seven models on the same journeys and put them side by side.

    Parameters
    ----------
    journeys : pandas.DataFrame
        The journeys table (see the module docstring), with ``horodatage``.
    half_life_days : float
        Half-life of the time-decay model, in days.

    Returns
    -------
    pandas.DataFrame
        Index ``canal``; one column per model (the French names of
        ``MODEL_NAMES``), orders credited to each channel; every column sums to
        the number of orders. Sorted by decreasing Markov credit, then channel.
    """
    table = pd.concat([
        first_touch(journeys), last_touch(journeys), linear(journeys),
        time_decay(journeys, half_life_days), position_based(journeys),
        markov(journeys), shapley(journeys),
    ], axis=1)
    table.columns = list(MODEL_NAMES.values())
    table = table.reset_index().sort_values([MODEL_NAMES["markov"], "canal"],
                                            ascending=[False, True], kind="stable")
    return table.set_index("canal")


def model_biases() -> pd.DataFrame:
    """What each model gives too much and too little credit to, in French.

    Returns
    -------
    pandas.DataFrame
        ``modèle``, ``sur-crédite``, ``sous-crédite``; one row per model.
    """
    return pd.DataFrame([
        {"modèle": MODEL_NAMES[k], "sur-crédite": over, "sous-crédite": under}
        for k, (over, under) in MODEL_BIASES.items()
    ])


def plot_attribution(table: pd.DataFrame, ax=None, title: str | None = None):
    """Draw a models × channels heat map of the share of orders each model credits.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`compare_models` (index ``canal``, one column per model).
    ax : matplotlib.axes.Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    require_non_empty(table, "le tableau d'attribution")
    shares = table / table.sum(axis=0).replace(0, np.nan)
    if ax is None:
        _fig, ax = plt.subplots(figsize=(2.0 * shares.shape[1] + 4, 0.55 * len(shares) + 2.5))
    image = ax.imshow(shares.to_numpy(dtype=float), cmap="Blues", aspect="auto",
                      vmin=0, vmax=max(0.01, float(np.nanmax(shares.to_numpy(dtype=float)))))
    for (i, j), v in np.ndenumerate(shares.to_numpy(dtype=float)):
        if np.isnan(v):
            continue
        colour = "white" if v > 0.6 * image.get_clim()[1] else "black"
        ax.text(j, i, f"{100 * v:.0f} %".replace(".", ","), ha="center", va="center",
                fontsize=11, color=colour)
    ax.set_xticks(range(shares.shape[1]), [c.replace(" (", "\n(") for c in shares.columns],
                  fontsize=11)
    ax.set_yticks(range(len(shares)), shares.index, fontsize=11)
    ax.xaxis.tick_top()
    ax.grid(False)
    ax.set_title(title or "Part des commandes attribuée à chaque canal, selon le modèle",
                 pad=12)
    ax.set_xlabel("modèle d'attribution")
    ax.set_ylabel("point de contact")
    ax.xaxis.set_label_position("top")
    return ax
