"""The web funnel of a shop whose site is the shop (chapter 07).

A web session reaches a deepest step of the funnel ``datasets.FUNNEL_STEPS``
(visite → fiche produit → panier → paiement → commande); a session that reached
a step also went through every step before it. From the table ``sessions_web``
this module counts the sessions reaching each step, the step-to-step conversion
and drop-off, finds the biggest leak, compares conversion across groups
(device, traffic source, load-time band) and draws the figures. It also holds
the self-assessment grid of a site that *is* the shop (mobile, speed, hosting,
security, personal data), which the learner scores from 0 to 2.

Rates are shares between 0 and 1 (format them with ``style.format_axis(ax, "y", "%")``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from parcours_helpers import style
from parcours_helpers.datasets import FUNNEL_STEPS
from parcours_helpers.validation import require_columns, require_non_empty

#: Table name used in error messages.
_SESSIONS = "les sessions web"
#: Columns of :func:`funnel_table` (after the optional group column).
FUNNEL_COLUMNS = ["etape", "sessions", "part_des_visites", "taux_passage", "abandon",
                  "sessions_perdues"]
#: Default load-time band edges, in seconds: < 1 s, 1–2 s, 2–3 s, 3–5 s, > 5 s.
LOAD_TIME_EDGES = (0.0, 1.0, 2.0, 3.0, 5.0, math.inf)
#: z value of a 95 % confidence interval.
_Z95 = 1.959964
#: Base colour of the funnel bars (the "virtual" colour of the course).
_BAR_COLOUR = style.FORM_COLOURS["virtuel"]
#: Colour of each device in the figures of the chapter.
DEVICE_COLOURS = {"mobile": "#d9822b", "ordinateur": "#1f6fb4", "tablette": "#7f8c8d"}


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------

def _steps(values: pd.Series) -> pd.Categorical:
    """Return ``values`` as an ordered Categorical of FUNNEL_STEPS, or raise in French."""
    missing = int(values.isna().sum())
    if missing:
        raise ValueError(
            f"{missing} session(s) n'ont pas d'étape dans « etape_max ». Chaque session doit "
            f"indiquer l'étape la plus avancée atteinte : "
            + ", ".join(f"« {s} »" for s in FUNNEL_STEPS) + "."
        )
    unknown = sorted(set(map(str, values.unique())) - set(FUNNEL_STEPS))
    if unknown:
        raise ValueError(
            "Étape(s) inconnue(s) dans « etape_max » : "
            + ", ".join(f"« {s} »" for s in unknown)
            + ". Étapes attendues, dans l'ordre : "
            + ", ".join(f"« {s} »" for s in FUNNEL_STEPS) + "."
        )
    return pd.Categorical(values.astype(str), categories=FUNNEL_STEPS, ordered=True)


def _group_values(sessions: pd.DataFrame, by: str) -> pd.Series:
    """Return the group column, refusing missing values (never a silent drop)."""
    values = sessions[by]
    missing = int(values.isna().sum())
    if missing:
        raise ValueError(
            f"{missing} session(s) n'ont pas de valeur dans la colonne « {by} ». "
            "Complétez-les (par exemple « inconnu ») avant de comparer les groupes."
        )
    return values


def _group_levels(values: pd.Series) -> list:
    """Groups in display order: every declared category, or the sorted values."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return list(values.cat.categories)
    return sorted(values.unique(), key=str)


# ---------------------------------------------------------------------------
# The funnel
# ---------------------------------------------------------------------------

def _one_funnel(codes: np.ndarray) -> pd.DataFrame:
    """Funnel of one group from the deepest-step codes (0 = visite … 4 = commande)."""
    per_step = np.bincount(codes, minlength=len(FUNNEL_STEPS)) if len(codes) else np.zeros(
        len(FUNNEL_STEPS), dtype=int)
    reached = per_step[::-1].cumsum()[::-1].astype("int64")  # a session reaches all earlier steps
    previous = np.concatenate([[np.nan], reached[:-1]])
    with np.errstate(divide="ignore", invalid="ignore"):
        share = reached / reached[0] if reached[0] else np.full(len(reached), np.nan)
        passage = np.where(previous > 0, reached / previous, np.nan)
    lost = np.concatenate([[0], reached[:-1] - reached[1:]]).astype("int64")
    return pd.DataFrame({
        "etape": pd.Categorical(FUNNEL_STEPS, categories=FUNNEL_STEPS, ordered=True),
        "sessions": reached,
        "part_des_visites": share,
        "taux_passage": passage,
        "abandon": 1 - passage,
        "sessions_perdues": lost,
    })


def funnel_table(sessions: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Count the sessions reaching each funnel step, with conversion and drop-off.

    A session whose deepest step (``etape_max``) is « panier » also reached
    « visite » and « fiche produit »: the count of a step is the number of
    sessions whose deepest step is that step or a later one.

    Parameters
    ----------
    sessions : pandas.DataFrame
        One row per web session, with column ``etape_max`` (one of
        ``datasets.FUNNEL_STEPS``, text or category) and, if ``by`` is given,
        that column (e.g. ``appareil`` or ``source``).
    by : str, optional
        Column to split the funnel by. A categorical column keeps every declared
        category, even one without session (its counts are 0 and its rates NaN).

    Returns
    -------
    pandas.DataFrame
        One row per step (per group if ``by``), in funnel order, columns:
        ``by`` (if given), ``etape`` (ordered category), ``sessions`` (sessions
        reaching the step), ``part_des_visites`` (sessions / sessions of
        « visite »), ``taux_passage`` (sessions / sessions of the previous step,
        NaN for « visite » or when the previous step has no session),
        ``abandon`` (1 − ``taux_passage``) and ``sessions_perdues`` (sessions of
        the previous step that went no further; 0 for « visite »).

    Raises
    ------
    ValueError
        A column is missing, a session has no step or an unknown step, or a
        session has no value in ``by``.

    Examples
    --------
    >>> s = pd.DataFrame({"etape_max": ["visite", "panier", "commande", "commande"]})
    >>> funnel_table(s)[["etape", "sessions", "taux_passage"]].round(2)
               etape  sessions  taux_passage
    0         visite         4           NaN
    1  fiche produit         3          0.75
    2         panier         3          1.00
    3       paiement         2          0.67
    4       commande         2          1.00
    """
    require_columns(sessions, ["etape_max"] + ([by] if by else []), _SESSIONS)
    codes = np.asarray(_steps(sessions["etape_max"]).codes, dtype="int64")
    if by is None:
        return _one_funnel(codes)
    groups = _group_values(sessions, by)
    parts = []
    for level in _group_levels(groups):
        part = _one_funnel(codes[(groups == level).to_numpy()])
        part.insert(0, by, level)
        parts.append(part)
    if not parts:
        return pd.DataFrame({by: [], **{c: [] for c in FUNNEL_COLUMNS}})
    out = pd.concat(parts, ignore_index=True)
    if isinstance(groups.dtype, pd.CategoricalDtype):
        out[by] = pd.Categorical(out[by], categories=groups.cat.categories,
                                 ordered=groups.cat.ordered)
    return out


def _check_funnel(table: pd.DataFrame, by: str | None) -> None:
    """Check a :func:`funnel_table` output, and that ``by`` matches its shape."""
    require_columns(table, FUNNEL_COLUMNS + ([by] if by else []),
                    "le tableau de l'entonnoir (sortie de funnel_table)")
    if by is None and table["etape"].duplicated().any():
        raise ValueError(
            "Le tableau contient plusieurs entonnoirs (une même étape apparaît plusieurs fois) : "
            "indiquez la colonne qui les sépare, par exemple by=\"appareil\"."
        )


def biggest_leak(table: pd.DataFrame, by: str | None = None,
                 criterion: str = "rate") -> pd.DataFrame:
    """Find the step-to-step passage where the funnel loses the most visitors.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`funnel_table` (with its ``by`` column if it was split).
    by : str, optional
        The group column of ``table`` (same as given to :func:`funnel_table`).
    criterion : {"rate", "count"}
        ``"rate"`` (default): the highest drop-off rate ``abandon``, i.e. the
        passage where the largest share of the visitors present leave;
        ``"count"``: the most sessions lost ``sessions_perdues``. Ties go to the
        earliest passage of the funnel.

    Returns
    -------
    pandas.DataFrame
        One row per group (one row if ``by`` is None), columns: ``by`` (if
        given), ``depuis`` (the step visitors reached), ``vers`` (the next step,
        which they did not reach), ``sessions_perdues`` and ``abandon``. A group
        that loses nobody (or has no session) gets NaN in ``depuis``, ``vers``
        and ``abandon``.

    Raises
    ------
    ValueError
        ``table`` is not a funnel table, ``by`` is missing for a split table,
        or ``criterion`` is unknown.

    Examples
    --------
    >>> s = pd.DataFrame({"etape_max": ["visite", "visite", "panier", "commande"]})
    >>> biggest_leak(funnel_table(s))
       depuis           vers  sessions_perdues  abandon
    0  visite  fiche produit                 2      0.5
    """
    criteria = {"rate": "abandon", "count": "sessions_perdues"}
    if criterion not in criteria:
        raise ValueError(f"Critère inconnu : « {criterion} ». Critères possibles : "
                         "« rate » (taux d'abandon) ou « count » (sessions perdues).")
    _check_funnel(table, by)
    column = criteria[criterion]
    groups = [(None, table)] if by is None else [
        (level, part) for level, part in table.groupby(by, sort=True, observed=False)
    ]
    rows = []
    for level, part in groups:
        if len(part) == 0:  # a category absent from a filtered table
            continue
        part = part.reset_index(drop=True)
        values = part[column].iloc[1:].astype(float)
        if values.notna().any() and values.max() > 0:
            i = values.idxmax()  # first maximum: the earliest passage wins ties
            row = {"depuis": str(part.loc[i - 1, "etape"]), "vers": str(part.loc[i, "etape"]),
                   "sessions_perdues": int(part.loc[i, "sessions_perdues"]),
                   "abandon": float(part.loc[i, "abandon"])}
        else:
            row = {"depuis": np.nan, "vers": np.nan, "sessions_perdues": 0, "abandon": np.nan}
        rows.append(({by: level} if by else {}) | row)
    out = pd.DataFrame(rows, columns=([by] if by else []) + ["depuis", "vers",
                                                            "sessions_perdues", "abandon"])
    if by is not None and isinstance(table[by].dtype, pd.CategoricalDtype):
        out[by] = pd.Categorical(out[by], categories=table[by].cat.categories,
                                 ordered=table[by].cat.ordered)
    return out


# ---------------------------------------------------------------------------
# Conversion by group (device, source, load-time band)
# ---------------------------------------------------------------------------

def _wilson(k: np.ndarray, n: np.ndarray, z: float = _Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion k/n (NaN where n == 0)."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


def conversion_by(sessions: pd.DataFrame, by: str, step: str = "commande") -> pd.DataFrame:
    """Share of sessions reaching ``step``, per group, with counts and a 95 % interval.

    Parameters
    ----------
    sessions : pandas.DataFrame
        One row per session, columns ``etape_max`` and ``by``.
    by : str
        Group column (``appareil``, ``source``, a load-time band…). A
        categorical column keeps every declared category, even without session.
    step : str
        The step that counts as a conversion, default « commande ».

    Returns
    -------
    pandas.DataFrame
        One row per group, in category (or sorted) order, columns: ``by``,
        ``sessions`` (sessions of the group), ``conversions`` (sessions that
        reached ``step``), ``taux_conversion`` (conversions / sessions, NaN when
        the group has no session), ``ic_bas`` and ``ic_haut`` (the 95 % Wilson
        interval of the rate: the range the rate would likely fall in with
        other visitors; wide when the group is small).

    Raises
    ------
    ValueError
        Missing column, unknown step, missing step or group value.

    Examples
    --------
    >>> s = pd.DataFrame({"etape_max": ["visite", "commande", "panier", "commande"],
    ...                   "appareil": ["mobile", "mobile", "ordinateur", "ordinateur"]})
    >>> conversion_by(s, "appareil")[["appareil", "sessions", "conversions", "taux_conversion"]]
         appareil  sessions  conversions  taux_conversion
    0      mobile         2            1              0.5
    1  ordinateur         2            1              0.5
    """
    require_columns(sessions, ["etape_max", by], _SESSIONS)
    if step not in FUNNEL_STEPS:
        raise ValueError(f"Étape inconnue : « {step} ». Étapes possibles : "
                         + ", ".join(f"« {s} »" for s in FUNNEL_STEPS) + ".")
    reached = np.asarray(_steps(sessions["etape_max"]).codes) >= FUNNEL_STEPS.index(step)
    groups = _group_values(sessions, by)
    levels = _group_levels(groups)
    n = np.array([(groups == lv).sum() for lv in levels], dtype="int64")
    k = np.array([reached[(groups == lv).to_numpy()].sum() for lv in levels], dtype="int64")
    low, high = _wilson(k, n)
    out = pd.DataFrame({by: levels, "sessions": n, "conversions": k,
                        "taux_conversion": np.where(n > 0, k / np.maximum(n, 1), np.nan),
                        "ic_bas": low, "ic_haut": high})
    if isinstance(groups.dtype, pd.CategoricalDtype):
        out[by] = pd.Categorical(out[by], categories=groups.cat.categories,
                                 ordered=groups.cat.ordered)
    return out


def _band_label(low: float, high: float) -> str:
    if low == 0 and math.isinf(high):
        return "toutes durées"
    if low == 0:
        return f"< {style.french_number(high, _decimals(high))} s"
    if math.isinf(high):
        return f"> {style.french_number(low, _decimals(low))} s"
    return (f"{style.french_number(low, _decimals(low))}–"
            f"{style.french_number(high, _decimals(high))} s")


def _decimals(x: float) -> int:
    return 0 if float(x).is_integer() else 1


def load_time_band(seconds: pd.Series, edges: Sequence[float] = LOAD_TIME_EDGES) -> pd.Series:
    """Put each page load time into a band such as « 1–2 s » (ordered category).

    Parameters
    ----------
    seconds : pandas.Series
        Load times in seconds (no missing or negative value).
    edges : sequence of float
        Increasing band edges, starting at 0; the last may be ``math.inf``.
        A band includes its lower edge and excludes its upper edge:
        « 1–2 s » holds 1 ≤ t < 2.

    Returns
    -------
    pandas.Series
        Ordered categorical of band labels (``< 1 s``, ``1–2 s``, …,
        ``> 5 s``), same index as ``seconds``, named ``tranche_chargement``.

    Raises
    ------
    ValueError
        Bad edges, missing, negative or out-of-range load times.

    Examples
    --------
    >>> load_time_band(pd.Series([0.4, 1.0, 6.2])).tolist()
    ['< 1 s', '1–2 s', '> 5 s']
    """
    edges = [float(e) for e in edges]
    if len(edges) < 2 or edges[0] != 0 or any(b <= a for a, b in zip(edges, edges[1:],
                                                                       strict=False)):
        raise ValueError("Les bornes des tranches doivent commencer à 0 et être croissantes, "
                         f"par exemple (0, 1, 2, 3, 5, inf) ; reçu : {edges}.")
    values = pd.to_numeric(seconds, errors="coerce")
    bad = int(values.isna().sum())
    if bad:
        raise ValueError(f"{bad} temps de chargement manquant(s) ou non numérique(s) : "
                         "chaque session doit avoir un temps en secondes.")
    if (values < 0).any():
        raise ValueError("Un temps de chargement ne peut pas être négatif "
                         f"(minimum reçu : {values.min()} s).")
    if (values >= edges[-1]).any():
        raise ValueError(f"Des temps de chargement dépassent la dernière borne ({edges[-1]} s) : "
                         "terminez les bornes par inf.")
    labels = [_band_label(a, b) for a, b in zip(edges, edges[1:], strict=False)]
    bands = pd.cut(values, bins=edges, right=False, labels=labels, ordered=True)
    return pd.Series(bands, index=seconds.index, name="tranche_chargement")


def conversion_by_load_time(sessions: pd.DataFrame,
                            edges: Sequence[float] = LOAD_TIME_EDGES,
                            step: str = "commande", within: str | None = None) -> pd.DataFrame:
    """Conversion rate by page load-time band, with the sessions of each band.

    Slow pages are often slow for a reason that also lowers conversion (mobile
    phones load slower *and* convert less): ``within`` splits the comparison
    by such a column, so that speed is compared between sessions of the same
    device.

    Parameters
    ----------
    sessions : pandas.DataFrame
        One row per session, columns ``etape_max``, ``temps_chargement_s`` and,
        if given, ``within``.
    edges : sequence of float
        Band edges in seconds (see :func:`load_time_band`).
    step : str
        The step that counts as a conversion, default « commande ».
    within : str, optional
        Column to compare within (e.g. ``"appareil"``): one block of bands per
        value, in category (or sorted) order.

    Returns
    -------
    pandas.DataFrame
        One row per band (every band, even an empty one; per group if
        ``within``), columns ``within`` (if given), ``tranche_chargement`` and
        ``sessions``, ``conversions``, ``taux_conversion``, ``ic_bas``,
        ``ic_haut`` as in :func:`conversion_by`.

    Raises
    ------
    ValueError
        Missing column, bad load times or edges, unknown step, a session
        without value in ``within``.

    Examples
    --------
    >>> s = pd.DataFrame({"etape_max": ["commande", "visite", "commande", "visite"],
    ...                   "temps_chargement_s": [0.5, 4.0, 1.2, 1.8],
    ...                   "appareil": ["mobile", "mobile", "ordinateur", "ordinateur"]})
    >>> t = conversion_by_load_time(s, edges=(0, 2, math.inf), within="appareil")
    >>> t[["appareil", "tranche_chargement", "sessions", "taux_conversion"]]
         appareil tranche_chargement  sessions  taux_conversion
    0      mobile              < 2 s         1              1.0
    1      mobile              > 2 s         1              0.0
    2  ordinateur              < 2 s         2              0.5
    3  ordinateur              > 2 s         0              NaN
    """
    require_columns(sessions, ["etape_max", "temps_chargement_s"] + ([within] if within else []),
                    _SESSIONS)
    bands = load_time_band(sessions["temps_chargement_s"], edges)
    banded = sessions.assign(tranche_chargement=bands)
    if within is None:
        return conversion_by(banded, "tranche_chargement", step)
    groups = _group_values(sessions, within)
    parts = []
    for level in _group_levels(groups):
        part = conversion_by(banded[(groups == level).to_numpy()], "tranche_chargement", step)
        part.insert(0, within, level)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        {within: [], "tranche_chargement": [], "sessions": [], "conversions": [],
         "taux_conversion": [], "ic_bas": [], "ic_haut": []})
    if isinstance(groups.dtype, pd.CategoricalDtype):
        out[within] = pd.Categorical(out[within], categories=groups.cat.categories,
                                     ordered=groups.cat.ordered)
    return out


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------

def plot_funnel(table: pd.DataFrame, ax=None, title: str | None = None,
                highlight_leak: bool = True):
    """Draw one funnel as horizontal bars: share of visits reaching each step.

    Each bar is labelled with its share of the visits, its sessions and the
    passage rate from the previous step; the step after the biggest leak (by
    drop-off rate) is drawn in the highlight colour.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`funnel_table` for ONE funnel (filter a split table
        to one group first).
    ax : matplotlib.axes.Axes, optional
    title : str, optional
        Default « Entonnoir de conversion du site ».
    highlight_leak : bool
        Colour the step that loses the largest share of visitors.

    Returns
    -------
    matplotlib.axes.Axes
    """
    _check_funnel(table, None)
    if ax is None:
        _fig, ax = style.new_figure(11, 5)
    table = table.reset_index(drop=True)
    steps = [str(s) for s in table["etape"]]
    shares = table["part_des_visites"].fillna(0).to_numpy()
    colours = [_BAR_COLOUR] * len(steps)
    leak = biggest_leak(table).iloc[0]
    if highlight_leak and isinstance(leak["vers"], str):
        colours[steps.index(leak["vers"])] = style.HIGHLIGHT
    y = np.arange(len(steps))
    ax.barh(y, shares, color=colours, height=0.65)
    for i, row in table.iterrows():
        text = (f"{style.french_number(100 * row['part_des_visites'], 1, '%')} des visites"
                if pd.notna(row["part_des_visites"]) else "aucune visite")
        text += f" · {style.french_number(row['sessions'])} sessions"
        if pd.notna(row["taux_passage"]):
            text += (f"\n({style.french_number(100 * row['taux_passage'], 0, '%')} "
                     "de l'étape précédente)")
        ax.text(shares[i] + 0.01, i, text, va="center", fontsize="x-small")
    ax.set_yticks(y, steps)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.55)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
    style.format_axis(ax, "x", "%")
    ax.grid(axis="y", visible=False)
    style.titles(ax, title or "Entonnoir de conversion du site",
                 "part des visites qui atteignent l'étape (%)", "étape")
    if highlight_leak and isinstance(leak["vers"], str):
        ax.legend(handles=[plt.Rectangle((0, 0), 1, 1, color=style.HIGHLIGHT)],
                  labels=[f"plus grosse fuite : {leak['depuis']} → {leak['vers']}"],
                  loc="lower right", fontsize="x-small")
    return ax


def plot_funnels(table: pd.DataFrame, by: str, title: str | None = None):
    """Draw one funnel per group (e.g. per device), stacked, on the same scale.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of ``funnel_table(sessions, by=by)``.
    by : str
        The group column (e.g. ``"appareil"``).
    title : str, optional
        Figure title; default « Entonnoir de conversion par <by> ».

    Returns
    -------
    matplotlib.figure.Figure
        One panel per group, titled with the group and its number of visits.
    """
    _check_funnel(table, by)
    levels = _group_levels(table[by])
    if not levels:
        raise ValueError("Le tableau de l'entonnoir est vide : aucun groupe à dessiner.")
    fig, axes = plt.subplots(len(levels), 1, figsize=(11, 3.6 * len(levels)), sharex=True,
                             squeeze=False)
    for ax, level in zip(axes[:, 0], levels, strict=True):
        part = table[table[by] == level].drop(columns=by)
        visits = int(part["sessions"].iloc[0])
        plot_funnel(part, ax=ax, title=f"{level} ({style.french_number(visits)} visites)")
        if ax is not axes[-1, 0]:
            ax.set_xlabel("")
    fig.suptitle(title or f"Entonnoir de conversion par {by}", fontweight="bold",
                 x=0.02, ha="left")
    return fig


def plot_conversion(table: pd.DataFrame, by: str, ax=None, title: str | None = None,
                    xlabel: str | None = None):
    """Bar chart of a conversion rate per group with its 95 % interval and sample size.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`conversion_by` or :func:`conversion_by_load_time`.
    by : str
        Its group column (e.g. ``"tranche_chargement"``, ``"source"``).
    ax : matplotlib.axes.Axes, optional
    title, xlabel : str, optional
        French title and x-axis label (with the unit, e.g. « (secondes) »).

    Returns
    -------
    matplotlib.axes.Axes
        Bars of ``taux_conversion`` (y axis in %), error bars of the interval,
        and « n = … sessions » written under each bar.
    """
    require_columns(table, [by, "sessions", "taux_conversion", "ic_bas", "ic_haut"],
                    "le tableau de conversion (sortie de conversion_by)")
    if ax is None:
        _fig, ax = style.new_figure()
    x = np.arange(len(table))
    rate = table["taux_conversion"].to_numpy(dtype=float)
    err = np.vstack([rate - table["ic_bas"].to_numpy(dtype=float),
                     table["ic_haut"].to_numpy(dtype=float) - rate])
    ax.bar(x, np.nan_to_num(rate), color=_BAR_COLOUR, width=0.65)
    ax.errorbar(x, rate, yerr=err, fmt="none", ecolor="#333333", capsize=6, linewidth=1.5)
    top = np.nanmax(table["ic_haut"].to_numpy(dtype=float)) if table["sessions"].sum() else 1
    high = table["ic_haut"].to_numpy(dtype=float)
    for xi, (r, n) in enumerate(zip(rate, table["sessions"], strict=True)):
        label = style.french_number(100 * r, 1, "%") if not np.isnan(r) else "—"
        above = 0 if np.isnan(r) else max(r, high[xi])  # the label clears the error bar
        ax.text(xi, above + 0.02 * top, label, ha="center",
                va="bottom", fontsize="x-small", fontweight="bold")
        ax.text(xi, -0.06 * top, f"n = {style.french_number(n)}", ha="center", va="top",
                fontsize="x-small", color="#555555")
    ax.set_xticks(x, [str(v) for v in table[by]])
    ax.tick_params(axis="x", pad=22)
    ax.set_ylim(0, top * 1.15)
    style.format_axis(ax, "y", "%")
    ax.grid(axis="x", visible=False)
    style.titles(ax, title or f"Taux de conversion par {by}", xlabel or by,
                 "taux de conversion (%)")
    return ax


def plot_conversion_lines(table: pd.DataFrame, x: str, hue: str, ax=None,
                          title: str | None = None, xlabel: str | None = None,
                          colours: dict[str, str] | None = None):
    """One line per group of a conversion rate along ordered bands, with intervals.

    Meant for ``conversion_by_load_time(sessions, within="appareil")``: one
    line per device across the load-time bands, so that speed is compared
    within each device. Points of bands without session are left out.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``x``, ``hue``, ``taux_conversion``, ``ic_bas`` and ``ic_haut``.
    x : str
        The band column (e.g. ``"tranche_chargement"``), drawn in its order.
    hue : str
        The group column (e.g. ``"appareil"``): one line each.
    ax : matplotlib.axes.Axes, optional
    title, xlabel : str, optional
        French title and x-axis label (with the unit).
    colours : dict, optional
        Group → colour; default :data:`DEVICE_COLOURS`, then the seaborn palette.

    Returns
    -------
    matplotlib.axes.Axes
        Lines of ``taux_conversion`` (y axis in %) with shaded 95 % intervals.

    Raises
    ------
    ValueError
        A column is missing.
    """
    require_columns(table, [x, hue, "taux_conversion", "ic_bas", "ic_haut"],
                    "le tableau de conversion (sortie de conversion_by_load_time)")
    if ax is None:
        _fig, ax = style.new_figure()
    bands = _group_levels(table[x])
    position = {str(b): i for i, b in enumerate(bands)}
    levels = _group_levels(table[hue])
    colours = {**DEVICE_COLOURS, **(colours or {})}
    spare = iter(sns.color_palette("deep", len(levels)))
    for level in levels:
        part = table[(table[hue] == level) & table["taux_conversion"].notna()]
        xs = [position[str(b)] for b in part[x]]
        colour = colours.get(str(level)) or next(spare)
        ax.plot(xs, part["taux_conversion"], marker="o", linewidth=2.5, color=colour,
                label=str(level))
        ax.fill_between(xs, part["ic_bas"], part["ic_haut"], color=colour, alpha=0.15,
                        linewidth=0)
    ax.set_xticks(range(len(bands)), [str(b) for b in bands])
    ax.set_ylim(bottom=0)
    style.format_axis(ax, "y", "%")
    ax.legend(title=hue, fontsize="x-small", title_fontsize="x-small")
    style.titles(ax, title or f"Taux de conversion par {x} et par {hue}", xlabel or x,
                 "taux de conversion (%)")
    return ax


# ---------------------------------------------------------------------------
# The self-assessment grid of a site that is the shop
# ---------------------------------------------------------------------------

_CHECKLIST = [
    # (theme, criterion, how to check, weight)
    ("Mobile", "Le site s'affiche et se commande sur un téléphone sans zoomer (site responsive)",
     "Passer une commande test sur deux téléphones différents", 3),
    ("Mobile", "Les pages sont pensées d'abord pour le petit écran (mobile-first) : gros boutons, "
     "formulaire de paiement court", "Compter les champs et les écrans du paiement sur mobile", 2),
    ("Vitesse", "La page produit s'affiche vite sur mobile : LCP sous 2,5 s (Core Web Vitals)",
     "PageSpeed Insights ou Search Console, rapport « Signaux Web essentiels »", 3),
    ("Vitesse", "La page réagit vite et ne saute pas pendant le chargement : INP sous 200 ms, "
     "CLS sous 0,1", "PageSpeed Insights, données des vrais visiteurs", 2),
    ("Vitesse", "Images compressées et à la bonne taille, mise en cache, réseau de diffusion (CDN)",
     "Poids de la page produit dans l'outil de développement du navigateur", 1),
    ("Hébergement", "L'hébergement tient les pics de visites (soldes, newsletter, passage radio) : "
     "un test de charge a été fait", "Test de charge (k6, JMeter ou l'outil de l'hébergeur)", 3),
    ("Hébergement", "Une surveillance prévient quand le site tombe (disponibilité suivie)",
     "Outil de surveillance qui envoie une alerte par SMS ou e-mail", 2),
    ("Sécurité", "HTTPS partout avec redirection, et en-têtes de sécurité (HSTS, CSP…)",
     "Observatory de Mozilla ou securityheaders.com", 2),
    ("Sécurité", "CMS, extensions et serveur à jour ; double authentification pour l'admin",
     "Liste des mises à jour en attente dans l'administration", 3),
    ("Sécurité", "Sauvegardes automatiques stockées ailleurs, et restauration déjà essayée",
     "Restaurer une sauvegarde sur un site de test", 3),
    ("Sécurité", "Paiement confié à un prestataire certifié (PCI DSS) avec 3-D Secure",
     "Contrat et tableau de bord du prestataire de paiement", 2),
    ("Données personnelles", "Bandeau de consentement RGPD : refuser est aussi simple "
     "qu'accepter, aucun traceur avant l'accord", "Recommandations de la CNIL sur les cookies", 2),
    ("Données personnelles", "Politique de confidentialité et mentions légales à jour",
     "Relire les pages ; registre des traitements", 1),
    ("Parcours", "Réassurance visible avant le paiement : guide des tailles, frais et délais de "
     "livraison, retours", "Parcourir une fiche produit comme un nouveau client", 2),
    ("Parcours", "Chaque étape de l'entonnoir est mesurée (outil d'analyse d'audience)",
     "Retrouver visite → commande dans l'outil d'analyse", 2),
]

#: Allowed scores of the grid: 0 = absent, 1 = partial, 2 = done.
CHECKLIST_SCORES = (0, 1, 2)


def site_checklist() -> pd.DataFrame:
    """Return the self-assessment grid of a site that is the shop, ready to score.

    Returns
    -------
    pandas.DataFrame
        One row per criterion, columns ``theme`` (Mobile, Vitesse, Hébergement,
        Sécurité, Données personnelles, Parcours), ``critere`` (the criterion in
        French), ``comment_verifier`` (how to check it), ``poids`` (weight, 1 to
        3, 3 = the shop cannot sell without it) and ``score`` (empty, float NaN:
        the learner writes 0 = absent, 1 = partial, 2 = done).

    Examples
    --------
    >>> grid = site_checklist()
    >>> grid["score"].isna().all()
    np.True_
    """
    grid = pd.DataFrame(_CHECKLIST, columns=["theme", "critere", "comment_verifier", "poids"])
    grid["score"] = np.nan
    return grid


def _checked_scores(grid: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Validate a scored grid; return (weights, scores) as floats or raise in French."""
    require_columns(grid, ["critere", "poids", "score"], "la grille")
    require_non_empty(grid, "la grille")
    weights = pd.to_numeric(grid["poids"], errors="coerce")
    if weights.isna().any() or (weights <= 0).any():
        bad = grid.loc[weights.isna() | (weights <= 0), "critere"].astype(str).tolist()
        raise ValueError("Chaque poids doit être un nombre strictement positif ; à corriger pour : "
                         + ", ".join(f"« {c} »" for c in bad) + ".")
    raw = grid["score"]
    blank = raw.isna()
    if blank.any():
        names = grid.loc[blank, "critere"].astype(str).tolist()
        raise ValueError(
            f"Il reste {len(names)} critère(s) sans note, par exemple « {names[0]} ». "
            "Notez chaque critère : 0 (absent), 1 (partiel) ou 2 (fait)."
        )
    scores = pd.to_numeric(raw, errors="coerce")
    if scores.isna().any():
        values = raw[scores.isna()].astype(str).tolist()
        raise ValueError("Les notes doivent être des nombres 0, 1 ou 2 ; valeur(s) reçue(s) : "
                         + ", ".join(f"« {v} »" for v in values) + ".")
    off = ~scores.isin(CHECKLIST_SCORES)
    if off.any():
        pairs = [f"« {c} » (note {style.french_number(float(s), 1 if s % 1 else 0)})"
                 for c, s in zip(grid.loc[off, "critere"], scores[off], strict=True)]
        raise ValueError("Note hors barème pour " + ", ".join(pairs)
                         + " : la note doit être 0 (absent), 1 (partiel) ou 2 (fait).")
    return weights.astype(float), scores.astype(float)


def score_checklist(grid: pd.DataFrame) -> float:
    """Weighted score of a filled grid, as a share of the maximum (0 to 1).

    Parameters
    ----------
    grid : pandas.DataFrame
        Output of :func:`site_checklist` with ``score`` filled: columns
        ``critere``, ``poids`` (> 0) and ``score`` (0, 1 or 2 on every row).

    Returns
    -------
    float
        ``sum(poids × score) / sum(poids × 2)``: 1 when every criterion is done,
        0 when none is.

    Raises
    ------
    ValueError
        Empty grid, missing column, a blank, non-numeric or out-of-range score
        (the message names the criteria to fix), or a non-positive weight.

    Examples
    --------
    >>> grid = pd.DataFrame({"critere": ["a", "b"], "poids": [3, 1], "score": [2, 0]})
    >>> score_checklist(grid)
    0.75
    """
    weights, scores = _checked_scores(grid)
    return float((weights * scores).sum() / (weights * max(CHECKLIST_SCORES)).sum())


def checklist_priorities(grid: pd.DataFrame) -> pd.DataFrame:
    """The criteria to work on first: those not done, by points they cost.

    Parameters
    ----------
    grid : pandas.DataFrame
        A scored grid (see :func:`score_checklist`).

    Returns
    -------
    pandas.DataFrame
        The rows with a score below 2, with a new column ``points_manquants``
        (``poids × (2 − score)``), sorted by it (largest first, then by the
        grid's order); index reset.

    Raises
    ------
    ValueError
        As :func:`score_checklist`.
    """
    weights, scores = _checked_scores(grid)
    out = grid.assign(points_manquants=weights * (max(CHECKLIST_SCORES) - scores))
    out = out[scores < max(CHECKLIST_SCORES)]
    return out.sort_values("points_manquants", ascending=False, kind="stable").reset_index(
        drop=True)


def score_by_theme(grid: pd.DataFrame) -> pd.DataFrame:
    """Weighted score of a filled grid, theme by theme, to see where the site is weak.

    Parameters
    ----------
    grid : pandas.DataFrame
        A scored grid (see :func:`score_checklist`) with a ``theme`` column.

    Returns
    -------
    pandas.DataFrame
        One row per theme, in the grid's order of first appearance, columns
        ``theme``, ``criteres`` (number of criteria), ``points`` (sum of
        ``poids × score``), ``points_max`` (sum of ``poids × 2``) and
        ``score`` (``points / points_max``, 0 to 1).

    Raises
    ------
    ValueError
        As :func:`score_checklist`, or the ``theme`` column is missing.

    Examples
    --------
    >>> grid = pd.DataFrame({"theme": ["Mobile", "Mobile", "Sécurité"], "critere": ["a", "b", "c"],
    ...                      "poids": [3, 1, 2], "score": [2, 0, 1]})
    >>> score_by_theme(grid)
          theme  criteres  points  points_max  score
    0    Mobile         2     6.0         8.0   0.75
    1  Sécurité         1     2.0         4.0   0.50
    """
    require_columns(grid, ["theme"], "la grille")
    weights, scores = _checked_scores(grid)
    parts = pd.DataFrame({"theme": grid["theme"].to_numpy(),
                          "points": (weights * scores).to_numpy(),
                          "points_max": (weights * max(CHECKLIST_SCORES)).to_numpy()})
    out = parts.groupby("theme", sort=False).agg(criteres=("points", "size"),
                                                 points=("points", "sum"),
                                                 points_max=("points_max", "sum")).reset_index()
    out["score"] = out["points"] / out["points_max"]
    return out
