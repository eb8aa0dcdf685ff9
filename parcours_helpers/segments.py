"""Segment clients: one average journey hides groups; hybrid rules; a k-means to compare.

The chapter 05 pipeline, one small function per step:

1. :func:`client_history` — one row per person: what they bought, how, and how
   well they know the brand (orders, seniority, blog reading, collaborations,
   support contacts, channel mix).
2. :func:`plot_average_vs_distributions` — the "average client" against the
   distributions it summarises (several humps: several kinds of clients).
3. :func:`hybrid_segments` — explicit, documented rules crossing the relation to
   fashion (``maturite_mode``) with the knowledge of the brand, into
   ``"Nouveau"`` (Diego), ``"Habitué"`` (Max) and ``"Puriste"`` (Eric).
   :func:`segment_rule` is the same rule for one client; :func:`rules_table`
   writes the rules out in French.
4. :func:`rfm_channel_features`, :func:`kmeans`, :func:`cluster_clients` — a
   clustering on RFM and channel mix (a small seeded numpy k-means).
5. :func:`confusion_table`, :func:`match_clusters`, :func:`agreement_rate` — what
   agrees and what does not.
"""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from parcours_helpers import datasets, style
from parcours_helpers.validation import require_columns

#: The three segments of the case study, in the order of the course.
SEGMENTS = list(datasets.PERSONAS)
#: The touchpoints that count as a contact with customer support.
SUPPORT_TOUCHPOINTS = ("service client e-mail", "chat")
#: Order channels and the column of their share in :func:`client_history`.
CHANNEL_COLUMNS = {"e-shop": "part_eshop", "boutique": "part_boutique",
                   "click & collect": "part_click_collect"}
#: Default thresholds of the hybrid rules (see :func:`hybrid_segments`).
DEFAULT_RULES = {
    "min_collab_purist": 1,
    "min_blog_purist": 20,
    "min_orders_regular": 2,
    "min_blog_regular": 10,
}

#: Columns the hybrid rules read (see :func:`hybrid_segments`).
RULE_COLUMNS = ["maturite_mode", "nb_commandes", "lectures_blog", "achats_collaboration"]
#: The levels of ``maturite_mode`` (relation to fashion), from the least to the most expert.
MATURITY_LEVELS = ["débutant", "intermédiaire", "expert"]


# ---------------------------------------------------------------------------
# 1. One row per person: purchases, channels and knowledge of the brand
# ---------------------------------------------------------------------------

def client_history(personnes: pd.DataFrame, commandes: pd.DataFrame, evenements: pd.DataFrame,
                   reference_date=datasets.REFERENCE_DATE) -> pd.DataFrame:
    """Summarise each person's history with the brand, one row per person.

    Parameters
    ----------
    personnes : pandas.DataFrame
        Needs ``id_personne``, ``maturite_mode`` and ``date_entree``. Every person
        gets a row, even with no order and no event.
    commandes : pandas.DataFrame
        Needs ``id_personne``, ``date_commande``, ``canal``, ``montant_ttc`` and
        ``collaboration`` (bool). Orders after ``reference_date`` are ignored.
    evenements : pandas.DataFrame
        Needs ``id_personne``, ``horodatage`` and ``point_de_contact``. Events after
        ``reference_date`` are ignored.
    reference_date : datetime-like
        The course's "today" (default ``datasets.REFERENCE_DATE``).

    Returns
    -------
    pandas.DataFrame
        Index ``id_personne`` (sorted); columns ``maturite_mode``, ``nb_commandes``,
        ``montant_total`` (€), ``panier_moyen`` (€, NaN without order),
        ``achats_collaboration`` (orders of a collaboration), ``lectures_blog``
        (blog events), ``contacts_service_client`` (e-mail and chat events),
        ``anciennete_jours`` (days from the first contact — entry date, first event
        or first order, whichever comes first — to ``reference_date``), and the
        channel mix ``part_eshop``, ``part_boutique``, ``part_click_collect``
        (shares of the orders, 0–1, NaN without order).

    Raises
    ------
    ValueError
        If a required column is missing, or an identifier appears twice in
        ``personnes``.

    Examples
    --------
    >>> people = pd.DataFrame({"id_personne": ["A"], "maturite_mode": ["expert"],
    ...                        "date_entree": pd.to_datetime(["2024-12-01"])})
    >>> orders = pd.DataFrame({"id_personne": ["A"], "date_commande": pd.to_datetime(["2024-12-11"]),
    ...                        "canal": ["boutique"], "montant_ttc": [120.0],
    ...                        "collaboration": [True]})
    >>> events = pd.DataFrame({"id_personne": ["A"], "horodatage": pd.to_datetime(["2024-12-05"]),
    ...                        "point_de_contact": ["blog"]})
    >>> h = client_history(people, orders, events, reference_date="2025-01-01")
    >>> h[["nb_commandes", "lectures_blog", "anciennete_jours", "part_boutique"]].to_dict("records")
    [{'nb_commandes': 1, 'lectures_blog': 1, 'anciennete_jours': 31, 'part_boutique': 1.0}]
    """
    require_columns(personnes, ["id_personne", "maturite_mode", "date_entree"], "les personnes")
    require_columns(commandes, ["id_personne", "date_commande", "canal", "montant_ttc",
                                "collaboration"], "les commandes")
    require_columns(evenements, ["id_personne", "horodatage", "point_de_contact"], "les événements")
    if personnes["id_personne"].duplicated().any():
        dup = personnes.loc[personnes["id_personne"].duplicated(), "id_personne"].iloc[0]
        raise ValueError(f"Les personnes contiennent deux fois l'identifiant « {dup} » : "
                         "il faut une ligne par personne.")
    ref = pd.Timestamp(reference_date)
    ids = pd.Index(sorted(personnes["id_personne"]), name="id_personne")
    orders = commandes[pd.to_datetime(commandes["date_commande"]) < ref]
    events = evenements[pd.to_datetime(evenements["horodatage"]) < ref]

    by_person = orders.groupby("id_personne", observed=True)
    out = pd.DataFrame(index=ids)
    out["maturite_mode"] = personnes.set_index("id_personne")["maturite_mode"].reindex(ids)
    out["nb_commandes"] = by_person.size().reindex(ids, fill_value=0).astype("int64")
    out["montant_total"] = by_person["montant_ttc"].sum().reindex(ids, fill_value=0.0)
    out["panier_moyen"] = out["montant_total"] / out["nb_commandes"].replace(0, np.nan)
    collab = orders["collaboration"].astype(bool)
    out["achats_collaboration"] = (collab.groupby(orders["id_personne"]).sum()
                                   .reindex(ids, fill_value=0).astype("int64"))
    point = events["point_de_contact"].astype(str)
    out["lectures_blog"] = _count_where(events, point == "blog", ids)
    out["contacts_service_client"] = _count_where(events, point.isin(SUPPORT_TOUCHPOINTS), ids)

    first = pd.concat([
        personnes.set_index("id_personne")["date_entree"].pipe(pd.to_datetime),
        pd.to_datetime(events["horodatage"]).groupby(events["id_personne"]).min(),
        pd.to_datetime(orders["date_commande"]).groupby(orders["id_personne"]).min(),
    ], axis=1).min(axis=1).reindex(ids)
    out["anciennete_jours"] = (ref - first.dt.normalize()).dt.days.astype("int64")

    counts = pd.crosstab(orders["id_personne"], orders["canal"].astype(str))
    for canal, col in CHANNEL_COLUMNS.items():
        n = counts[canal] if canal in counts.columns else pd.Series(0, index=counts.index)
        out[col] = (n.reindex(ids) / out["nb_commandes"].replace(0, np.nan)).astype(float)
    return out


def _count_where(events: pd.DataFrame, mask: pd.Series, ids: pd.Index) -> pd.Series:
    counts = mask.groupby(events["id_personne"]).sum()
    return counts.reindex(ids, fill_value=0).astype("int64")


# ---------------------------------------------------------------------------
# 2. The average client against the distributions
# ---------------------------------------------------------------------------

#: Columns of the "average client" figure and their French label with unit.
MUDDLE_COLUMNS = {
    "nb_commandes": "commandes par client (nombre)",
    "lectures_blog": "lectures du blog (nombre)",
    "contacts_service_client": "contacts au service client (nombre)",
    "panier_moyen": "panier moyen (€)",
}


def plot_average_vs_distributions(history: pd.DataFrame, columns: dict[str, str] | None = None,
                                  hue: str | None = None, bins: int = 20, fig=None):
    """Draw each column's distribution with the "average client" as a vertical line.

    Parameters
    ----------
    history : pandas.DataFrame
        A table from :func:`client_history` (one row per client); needs the keys
        of ``columns`` (and ``hue`` if given). Missing values are left out of each
        panel (a client without order has no average basket).
    columns : dict, optional
        ``{column: "French label (unit)"}``; default :data:`MUDDLE_COLUMNS`.
        Columns named ``part_*`` are shares (0–1) shown in %.
    hue : str, optional
        A column of segment names (``"Nouveau"``…): the histogram is then stacked
        by segment in the persona colours.
    bins : int
        Number of bars of each histogram.
    fig : matplotlib.figure.Figure, optional
        Figure to draw on (default: a new 2-column figure).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If a column is missing or the table is empty.
    """
    columns = dict(columns or MUDDLE_COLUMNS)
    require_columns(history, list(columns) + ([hue] if hue else []), "l'historique des clients")
    if len(history) == 0:
        raise ValueError("L'historique des clients est vide : il faut au moins un client.")
    nrows = int(np.ceil(len(columns) / 2))
    if fig is None:
        fig = plt.figure(figsize=(13, 4.2 * nrows))
    axes = fig.subplots(nrows, 2, squeeze=False).ravel()
    for ax, (col, label) in zip(axes, columns.items(), strict=False):
        values = history[col].astype(float)
        edges = _edges(values.dropna(), bins)
        if hue:
            groups = [g for g in SEGMENTS if (history[hue] == g).any()]
            data = [values[history[hue] == g].dropna() for g in groups]
            ax.hist(data, bins=edges, stacked=True, label=groups,
                    color=[style.PERSONA_COLOURS[g] for g in groups], alpha=0.85)
        else:
            ax.hist(values.dropna(), bins=edges, color=style.GREY)
        mean = values.mean()
        ax.axvline(mean, color=style.HIGHLIGHT, linestyle="--", linewidth=3)
        share = col.startswith("part_")
        text = (style.french_number(100 * mean, 0, "%") if share
                else style.french_number(mean, 1, "€" if "€" in label else ""))
        right_half = mean > (edges[0] + edges[-1]) / 2
        ax.annotate(f"client moyen : {text}", xy=(mean, 1), xycoords=("data", "axes fraction"),
                    xytext=(-6 if right_half else 6, -4), textcoords="offset points",
                    va="top", ha="right" if right_half else "left",
                    color=style.HIGHLIGHT, fontweight="bold",
                    bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.85,
                          "edgecolor": "none"})
        if share:
            style.format_axis(ax, "x", "%")
        elif "€" in label:
            style.format_euros(ax, "x")
        style.titles(ax, label.split(" (")[0].capitalize(), label, "clients (nombre)")
    for ax in axes[len(columns):]:
        ax.set_visible(False)
    if hue:
        axes[0].legend(title="segment", loc="center right")
    fig.suptitle("Le « client moyen » face à la répartition réelle des clients",
                 fontweight="bold", x=0.01, ha="left")
    return fig


def _edges(values: pd.Series, bins: int) -> np.ndarray:
    """Bar edges: one bar per whole number for small counts, else ``bins`` bars."""
    if len(values) and np.allclose(values, values.round()) and values.max() - values.min() <= 40:
        return np.arange(values.min() - 0.5, values.max() + 1.5)
    return np.histogram_bin_edges(values, bins=bins)


# ---------------------------------------------------------------------------
# 3. Hybrid rules: relation to fashion × knowledge of the brand
# ---------------------------------------------------------------------------

def segment_rule(maturite_mode: str, nb_commandes: int, lectures_blog: int,
                 achats_collaboration: int, *,
                 min_collab_purist: int = DEFAULT_RULES["min_collab_purist"],
                 min_blog_purist: int = DEFAULT_RULES["min_blog_purist"],
                 min_orders_regular: int = DEFAULT_RULES["min_orders_regular"],
                 min_blog_regular: int = DEFAULT_RULES["min_blog_regular"]) -> str:
    """Apply the hybrid rules to ONE client and return its segment.

    The rules are read in order; the first that holds wins:

    1. **Puriste** — fashion maturity ``"expert"`` AND (at least
       ``min_collab_purist`` collaboration purchases OR at least
       ``min_blog_purist`` blog reads): a sharp taste that follows the content
       closely and buys the special pieces.
    2. **Habitué** — at least ``min_orders_regular`` orders AND at least
       ``min_blog_regular`` blog reads: knows the brand and its content, and
       comes back.
    3. **Nouveau** — everyone else: still discovering the brand.

    Seniority (days since the first contact) is deliberately not a criterion: in
    the course's shop most people have known the brand since the start of the
    data, so it separates no one.

    Parameters
    ----------
    maturite_mode : str
        ``"débutant"``, ``"intermédiaire"`` or ``"expert"``.
    nb_commandes, lectures_blog, achats_collaboration : int
        As in :func:`client_history`.
    min_collab_purist, min_blog_purist, min_orders_regular, min_blog_regular : int
        The thresholds (keyword only; defaults in :data:`DEFAULT_RULES`).

    Returns
    -------
    str
        ``"Nouveau"``, ``"Habitué"`` or ``"Puriste"``.

    Examples
    --------
    >>> segment_rule("expert", 1, 2, 1)
    'Puriste'
    >>> segment_rule("débutant", 3, 12, 0)
    'Habitué'
    >>> segment_rule("débutant", 3, 4, 0)
    'Nouveau'
    """
    if str(maturite_mode) == "expert" and (achats_collaboration >= min_collab_purist
                                           or lectures_blog >= min_blog_purist):
        return "Puriste"
    if nb_commandes >= min_orders_regular and lectures_blog >= min_blog_regular:
        return "Habitué"
    return "Nouveau"


def hybrid_segments(history: pd.DataFrame, *,
                    min_collab_purist: int = DEFAULT_RULES["min_collab_purist"],
                    min_blog_purist: int = DEFAULT_RULES["min_blog_purist"],
                    min_orders_regular: int = DEFAULT_RULES["min_orders_regular"],
                    min_blog_regular: int = DEFAULT_RULES["min_blog_regular"]) -> pd.DataFrame:
    """Put every client in a segment with the hybrid rules, and say which rule fired.

    The same rules as :func:`segment_rule` (Puriste, then Habitué, then Nouveau),
    applied to a whole table at once.

    Parameters
    ----------
    history : pandas.DataFrame
        One row per client, e.g. from :func:`client_history`; needs
        ``maturite_mode``, ``nb_commandes``, ``lectures_blog`` and
        ``achats_collaboration``. Its index is kept.
    min_collab_purist, min_blog_purist, min_orders_regular, min_blog_regular : int
        The thresholds (keyword only; defaults in :data:`DEFAULT_RULES`).

    Returns
    -------
    pandas.DataFrame
        Same index; the four rule columns, plus ``segment`` (ordered category
        ``"Nouveau"``, ``"Habitué"``, ``"Puriste"``), ``prenom`` (Diego, Max, Eric)
        and ``regle`` (the rule that fired, in French).

    Raises
    ------
    ValueError
        If a column is missing or ``maturite_mode`` holds an unknown value.

    Examples
    --------
    >>> h = pd.DataFrame({"maturite_mode": ["expert", "débutant"], "nb_commandes": [1, 4],
    ...                   "lectures_blog": [25, 12], "achats_collaboration": [0, 0]})
    >>> hybrid_segments(h)["segment"].tolist()
    ['Puriste', 'Habitué']
    """
    require_columns(history, RULE_COLUMNS, "l'historique des clients")
    maturity = history["maturite_mode"].astype(str)
    unknown = sorted(set(maturity) - set(MATURITY_LEVELS))
    if unknown:
        raise ValueError(f"Maturité mode inconnue : « {unknown[0]} ». Valeurs attendues : "
                         + ", ".join(f"« {m} »" for m in MATURITY_LEVELS) + ".")
    expert = (maturity == "expert").to_numpy()
    collab = expert & (history["achats_collaboration"] >= min_collab_purist).to_numpy()
    blog = expert & ~collab & (history["lectures_blog"] >= min_blog_purist).to_numpy()
    regular = (~collab & ~blog & (history["nb_commandes"] >= min_orders_regular).to_numpy()
               & (history["lectures_blog"] >= min_blog_regular).to_numpy())
    texts = _rule_texts(min_collab_purist, min_blog_purist, min_orders_regular, min_blog_regular)
    segment = np.select([collab | blog, regular], ["Puriste", "Habitué"], default="Nouveau")
    reason = np.select([collab, blog, regular],
                       [f"expert et {texts['collab']}", f"expert et {texts['blog']}",
                        texts["regular"]],
                       default="aucune des règles précédentes : découvre encore la marque")
    out = history[RULE_COLUMNS].copy()
    out["segment"] = pd.Categorical(segment, categories=SEGMENTS, ordered=True)
    out["prenom"] = [datasets.PERSONAS[s] for s in segment]
    out["regle"] = reason
    return out


def rules_table(*, min_collab_purist: int = DEFAULT_RULES["min_collab_purist"],
                min_blog_purist: int = DEFAULT_RULES["min_blog_purist"],
                min_orders_regular: int = DEFAULT_RULES["min_orders_regular"],
                min_blog_regular: int = DEFAULT_RULES["min_blog_regular"]) -> pd.DataFrame:
    """Write the hybrid rules as a French table, in the order they are tried.

    Returns
    -------
    pandas.DataFrame
        Columns ``ordre``, ``segment``, ``personnage``, ``rapport à la mode``,
        ``connaissance de la marque``; one row per rule.

    Examples
    --------
    >>> rules_table()["segment"].tolist()
    ['Puriste', 'Habitué', 'Nouveau']
    """
    texts = _rule_texts(min_collab_purist, min_blog_purist, min_orders_regular, min_blog_regular)
    return pd.DataFrame({
        "ordre": [1, 2, 3],
        "segment": ["Puriste", "Habitué", "Nouveau"],
        "personnage": ["Eric", "Max", "Diego"],
        "rapport à la mode": ["expert", "peu importe", "peu importe"],
        "connaissance de la marque": [f"{texts['collab']} OU {texts['blog']}",
                                      texts["regular"], "tous les autres clients"],
    })


def _rule_texts(min_collab_purist, min_blog_purist, min_orders_regular,
                min_blog_regular) -> dict[str, str]:
    return {"collab": f"≥ {min_collab_purist} achat(s) de collaboration",
            "blog": f"≥ {min_blog_purist} lectures du blog",
            "regular": (f"≥ {min_orders_regular} commandes ET ≥ {min_blog_regular} "
                        "lectures du blog")}


# ---------------------------------------------------------------------------
# 4. A clustering on RFM and channel mix, for comparison
# ---------------------------------------------------------------------------

#: Columns of :func:`rfm_channel_features`, the k-means inputs.
FEATURE_COLUMNS = ["achats_repetes", "jours_depuis_dernier_achat", "panier_moyen",
                   "part_eshop", "part_boutique", "part_click_collect"]


def rfm_channel_features(rfm: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """Join RFM (recency, frequency, money) and the channel mix, one row per buyer.

    Parameters
    ----------
    rfm : pandas.DataFrame
        From ``parcours_helpers.ltv.rfm_summary`` (index = client id); needs
        ``frequency`` (repeat purchases), ``recency`` (age at the last purchase)
        and ``T`` (age at the end of observation), in days.
    history : pandas.DataFrame
        From :func:`client_history` (index = client id); needs ``panier_moyen``,
        ``part_eshop``, ``part_boutique`` and ``part_click_collect``.

    Returns
    -------
    pandas.DataFrame
        Index = the clients of ``rfm`` (sorted); columns :data:`FEATURE_COLUMNS`:
        ``achats_repetes`` (``frequency``), ``jours_depuis_dernier_achat``
        (``T - recency``), ``panier_moyen`` (€, every order counted, including the
        first) and the three channel shares.

    Raises
    ------
    ValueError
        If a column is missing or a client of ``rfm`` has no order in ``history``.
    """
    require_columns(rfm, ["frequency", "recency", "T"], "le tableau RFM")
    require_columns(history, ["panier_moyen", *CHANNEL_COLUMNS.values()],
                    "l'historique des clients")
    ids = rfm.index.sort_values()
    mix = history.reindex(ids)
    lost = mix["panier_moyen"].isna()
    if lost.any():
        raise ValueError(f"{int(lost.sum())} client(s) du tableau RFM n'ont aucune commande dans "
                         f"l'historique, par exemple « {ids[lost.to_numpy()][0]} » : les deux "
                         "tableaux doivent venir des mêmes commandes.")
    out = pd.DataFrame(index=ids)
    out["achats_repetes"] = rfm.loc[ids, "frequency"].astype(float)
    out["jours_depuis_dernier_achat"] = (rfm.loc[ids, "T"] - rfm.loc[ids, "recency"]).astype(float)
    for col in FEATURE_COLUMNS[2:]:
        out[col] = mix[col].astype(float)
    return out


def kmeans(X, k: int, seed: int = 0, n_init: int = 10, max_iter: int = 100):
    """Group the rows of ``X`` into ``k`` clusters (Lloyd's k-means, k-means++ start).

    Runs ``n_init`` times from starts drawn with ``numpy.random.default_rng(seed)``
    and keeps the run with the smallest inertia: the same ``seed`` always gives
    the same answer.

    Parameters
    ----------
    X : array-like, shape (n, p)
        Numbers only, no missing value (standardise columns first if their units
        differ).
    k : int
        Number of clusters, 1 ≤ k ≤ n.
    seed : int
        Seed of the random starts.
    n_init : int
        Number of starts.
    max_iter : int
        Maximum number of iterations per start.

    Returns
    -------
    labels : numpy.ndarray of int, shape (n,)
        Cluster of each row, 0 … k-1.
    centres : numpy.ndarray, shape (k, p)
        Mean of each cluster.
    inertia : float
        Sum of squared distances of the rows to their centre.

    Raises
    ------
    ValueError
        If ``X`` has a missing value or ``k`` is out of range.

    Examples
    --------
    >>> labels, centres, inertia = kmeans([[0.0], [0.2], [10.0], [10.2]], k=2)
    >>> sorted(centres.ravel().round(1).tolist()), round(inertia, 2)
    ([0.1, 10.1], 0.04)
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) == 0:
        raise ValueError("Le k-means attend un tableau de nombres à deux dimensions, non vide.")
    if np.isnan(X).any():
        raise ValueError("Le k-means ne sait pas traiter les valeurs manquantes (NaN) : "
                         "retirez ou complétez ces lignes d'abord.")
    if not 1 <= k <= len(X):
        raise ValueError(f"Le nombre de groupes doit être entre 1 et {len(X)} (le nombre de "
                         f"lignes), pas {k}.")
    rng = np.random.default_rng(seed)
    best = None
    for _ in range(n_init):
        centres = _kmeans_pp(X, k, rng)
        for _ in range(max_iter):
            labels = _sq_dist(X, centres).argmin(axis=1)
            new = centres.copy()
            for j in range(k):
                members = X[labels == j]
                if len(members):
                    new[j] = members.mean(axis=0)
            if np.allclose(new, centres):
                break
            centres = new
        labels = _sq_dist(X, centres).argmin(axis=1)
        inertia = float(_sq_dist(X, centres)[np.arange(len(X)), labels].sum())
        if best is None or inertia < best[2] - 1e-12:
            best = (labels, centres, inertia)
    return best


def _sq_dist(X: np.ndarray, centres: np.ndarray) -> np.ndarray:
    return ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)


def _kmeans_pp(X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    centres = [X[rng.integers(len(X))]]
    for _ in range(1, k):
        d = _sq_dist(X, np.array(centres)).min(axis=1)
        total = d.sum()
        idx = rng.choice(len(X), p=d / total) if total > 0 else rng.integers(len(X))
        centres.append(X[idx])
    return np.array(centres, dtype=float)


def cluster_clients(features: pd.DataFrame, k: int = 3, seed: int = 0,
                    n_init: int = 10) -> pd.DataFrame:
    """Cluster clients with :func:`kmeans` on standardised columns.

    Each column is centred and divided by its standard deviation (a constant
    column becomes 0), so that euros and shares weigh alike. Groups are named
    ``"groupe 1"`` … ``"groupe k"`` from the largest to the smallest (ties: the
    order of the k-means).

    Parameters
    ----------
    features : pandas.DataFrame
        One row per client, numeric columns only, no missing value (e.g. from
        :func:`rfm_channel_features`).
    k : int
        Number of groups.
    seed, n_init : int
        Passed to :func:`kmeans`.

    Returns
    -------
    pandas.DataFrame
        ``features`` with one more column ``groupe``.

    Raises
    ------
    ValueError
        If a column is not numeric or holds a missing value, or ``k`` is out of range.
    """
    bad = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
    if bad:
        raise ValueError(f"Colonne non numérique pour le k-means : « {bad[0]} ».")
    X = features.to_numpy(dtype=float)
    sd = X.std(axis=0)
    Z = (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    labels, _, _ = kmeans(Z, k, seed=seed, n_init=n_init)
    sizes = np.bincount(labels, minlength=k)
    order = sorted(range(k), key=lambda j: (-sizes[j], j))
    names = {j: f"groupe {rank + 1}" for rank, j in enumerate(order)}
    out = features.copy()
    out["groupe"] = [names[j] for j in labels]
    return out


# ---------------------------------------------------------------------------
# 5. Compare two ways of grouping the same clients
# ---------------------------------------------------------------------------

def confusion_table(rows: pd.Series, cols: pd.Series, rows_name: str | None = None,
                    cols_name: str | None = None) -> pd.DataFrame:
    """Count the clients of each (row label, column label) pair.

    Parameters
    ----------
    rows, cols : pandas.Series
        Two labellings of the same clients, aligned on the index. Segment names
        are put in the course order (Nouveau, Habitué, Puriste); other labels in
        sorted order. Clients missing from one side are not counted.
    rows_name, cols_name : str, optional
        Names of the axes (default: the series' names).

    Returns
    -------
    pandas.DataFrame
        Counts, with every label of each side (zeros included) and no totals.

    Raises
    ------
    ValueError
        If the two series share no client.
    """
    both = pd.concat([rows.rename("r").astype(object), cols.rename("c").astype(object)],
                     axis=1, join="inner").dropna()
    if both.empty:
        raise ValueError("Les deux classements n'ont aucun client en commun : "
                         "vérifiez qu'ils ont le même index (l'identifiant client).")
    table = pd.crosstab(both["r"], both["c"])
    table = table.reindex(index=_ordered(both["r"]), columns=_ordered(both["c"]), fill_value=0)
    table.index.name = rows_name or rows.name
    table.columns.name = cols_name or cols.name
    return table


def _ordered(labels: pd.Series) -> list:
    present = set(labels)
    known = [s for s in SEGMENTS if s in present]
    return known + sorted(present - set(known), key=str)


def match_clusters(table: pd.DataFrame) -> dict:
    """Name each cluster after the segment it overlaps most, one segment per cluster.

    Tries every one-to-one pairing of the table's columns (clusters) with its rows
    (segments) and keeps the one that puts the most clients on the diagonal
    (ties: the first pairing in the order of the rows).

    Parameters
    ----------
    table : pandas.DataFrame
        A :func:`confusion_table` with segments as rows and clusters as columns;
        at most 8 of each.

    Returns
    -------
    dict
        ``{cluster: segment}`` in the order of the columns; clusters left
        without a segment (more clusters than segments) are absent.

    Raises
    ------
    ValueError
        If the table has more than 8 rows or columns.

    Examples
    --------
    >>> t = pd.DataFrame([[1, 9], [8, 2]], index=["Nouveau", "Habitué"],
    ...                  columns=["groupe 1", "groupe 2"])
    >>> match_clusters(t)
    {'groupe 1': 'Habitué', 'groupe 2': 'Nouveau'}
    """
    if max(table.shape) > 8:
        raise ValueError("Trop de groupes ou de segments à apparier (au plus 8 de chaque).")
    rows, cols = list(table.index), list(table.columns)
    values = table.to_numpy()
    if len(rows) > len(cols):  # pick which rows the clusters go to
        pairs = [list(zip(picked, range(len(cols)), strict=True))
                 for picked in itertools.permutations(range(len(rows)), len(cols))]
    else:  # pick which cluster each row goes to
        pairs = [list(zip(range(len(rows)), picked, strict=True))
                 for picked in itertools.permutations(range(len(cols)), len(rows))]
    best = max(pairs, key=lambda p: sum(values[i, j] for i, j in p))  # first best wins
    return {cols[j]: rows[i] for i, j in sorted(best, key=lambda ij: ij[1])}


def agreement_rate(a: pd.Series, b: pd.Series) -> float:
    """Share (0–1) of the clients present in both series that get the same label.

    Raises
    ------
    ValueError
        If the two series share no client.

    Examples
    --------
    >>> agreement_rate(pd.Series(["Nouveau", "Habitué"]), pd.Series(["Nouveau", "Puriste"]))
    0.5
    """
    both = pd.concat([a.rename("a").astype(object), b.rename("b").astype(object)],
                     axis=1, join="inner").dropna()
    if both.empty:
        raise ValueError("Les deux classements n'ont aucun client en commun : "
                         "vérifiez qu'ils ont le même index (l'identifiant client).")
    return float((both["a"] == both["b"]).mean())
