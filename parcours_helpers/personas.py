"""Persona profiles: one row per segment mixing numbers, demography and testimonials.

:func:`segment_profiles` joins three kinds of data into one table per segment:
quantitative (orders, channels, support contacts), demographic (age, occupation,
city) and qualitative (survey satisfaction, NPS and a typical testimonial, chosen by
:func:`typical_quote`). :func:`plot_persona_card` draws one row as a persona card
on a given matplotlib Axes, so that the same function serves a notebook, a slide
or a printed PDF.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.colors import to_rgb
from matplotlib.patches import FancyBboxPatch, Rectangle

from parcours_helpers import datasets, style
from parcours_helpers.segments import CHANNEL_COLUMNS, SUPPORT_TOUCHPOINTS
from parcours_helpers.validation import require_columns

#: Touchpoints left out of a persona's "favourite touchpoints" (not a choice of the client).
NOT_A_CHOICE = ("livraison",)
#: Page sizes of a persona card (inches, landscape): a 16:9 slide, A4 and A5.
CARD_SIZES = {"diapositive": (13.0, 7.3), "A4": (11.69, 8.27), "A5": (8.27, 5.83)}

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def net_promoter_score(scores) -> float:
    """Net Promoter Score: % of promoters (9–10) minus % of detractors (0–6), in points.

    Parameters
    ----------
    scores : array-like of int
        Answers to "would you recommend us?" on a 0–10 scale; missing values are
        left out.

    Returns
    -------
    float
        Between -100 and 100; NaN when there is no answer.

    Raises
    ------
    ValueError
        If a score is outside 0–10.

    Examples
    --------
    >>> net_promoter_score([10, 9, 8, 7, 3])
    20.0
    """
    s = pd.Series(scores, dtype="float64").dropna()
    if ((s < 0) | (s > 10)).any():
        raise ValueError("Une note de recommandation (NPS) doit être entre 0 et 10.")
    if s.empty:
        return float("nan")
    return float(100 * ((s >= 9).mean() - (s <= 6).mean()))


def split_sentences(text: str) -> list[str]:
    """Split a testimonial into sentences (after ``.``, ``!``, ``?`` or ``…``).

    Examples
    --------
    >>> split_sentences("Très bien. Je reviendrai !")
    ['Très bien.', 'Je reviendrai !']
    """
    if not isinstance(text, str):
        return []
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def typical_quote(testimonials: pd.Series, segment_of: pd.Series, segment: str,
                  min_count: int = 3) -> str:
    """Pick the sentence most typical of one segment's testimonials, deterministically.

    Each testimonial is cut into sentences. A sentence's *lift* is its share among
    the segment's respondents divided by its share among all respondents: above 1,
    the segment says it more than the others. The quote is the sentence with the
    highest lift among those said by at least ``min_count`` respondents of the
    segment (ties: the most said, then alphabetical order). If no sentence reaches
    ``min_count``, the most said sentence of the segment is taken.

    Parameters
    ----------
    testimonials : pandas.Series
        Free text, index = respondent id (a respondent may appear several times).
    segment_of : pandas.Series
        Segment of each respondent, index = respondent id.
    segment : str
        The segment whose quote is wanted.
    min_count : int
        Minimum number of the segment's respondents who said the sentence.

    Returns
    -------
    str
        One sentence, as written; ``""`` when the segment has no testimonial.

    Examples
    --------
    >>> t = pd.Series(["Super. Rapide.", "Rapide.", "Cher."], index=["a", "b", "c"])
    >>> seg = pd.Series(["X", "X", "Y"], index=["a", "b", "c"])
    >>> typical_quote(t, seg, "X", min_count=1)
    'Rapide.'
    """
    frame = pd.DataFrame({"texte": testimonials})
    frame["segment"] = segment_of.reindex(frame.index).to_numpy()
    frame = frame.dropna()
    if frame.empty:
        return ""
    frame["phrase"] = frame["texte"].map(lambda t: sorted(set(split_sentences(t))))
    said = frame.explode("phrase").dropna(subset=["phrase"])
    mine = said[said["segment"] == segment]
    if mine.empty:
        return ""
    n_mine = (frame["segment"] == segment).sum()
    counts = mine["phrase"].value_counts()
    overall = said["phrase"].value_counts().reindex(counts.index)
    table = pd.DataFrame({"phrase": counts.index.to_numpy(), "n": counts.to_numpy(),
                          "lift": ((counts / n_mine) / (overall / len(frame))).to_numpy()})
    eligible = table[table["n"] >= min_count]
    if eligible.empty:
        eligible = table.assign(lift=0.0)
    best = eligible.sort_values(["lift", "n", "phrase"], ascending=[False, False, True])
    return str(best["phrase"].iloc[0])


def segment_profiles(segment_of: pd.Series, personnes: pd.DataFrame, commandes: pd.DataFrame,
                     evenements: pd.DataFrame, enquete: pd.DataFrame,
                     min_quote_count: int = 3) -> pd.DataFrame:
    """Build one profile row per segment from orders, demography and the survey.

    Parameters
    ----------
    segment_of : pandas.Series
        Segment of each client (``"Nouveau"``, ``"Habitué"``, ``"Puriste"`` or any
        label), index = ``id_personne``. Persons without a segment (NaN or empty
        text) are left out.
    personnes : pandas.DataFrame
        Needs ``id_personne``, ``age``, ``csp``, ``parisien`` (bool) and
        ``maturite_mode``.
    commandes : pandas.DataFrame
        Needs ``id_personne``, ``canal``, ``montant_ttc`` and ``collaboration``.
    evenements : pandas.DataFrame
        Needs ``id_personne``, ``point_de_contact`` and ``motif`` (the reason of a
        support contact).
    enquete : pandas.DataFrame
        Needs ``id_personne``, ``satisfaction`` (1–5), ``nps`` (0–10) and
        ``temoignage``.
    min_quote_count : int
        Passed to :func:`typical_quote`.

    Returns
    -------
    pandas.DataFrame
        Index ``segment`` (course order first). Columns: ``prenom``, ``clients``,
        ``age_median`` (years), ``csp_principale``, ``maturite_principale``,
        ``part_paris`` (0–1), ``commandes_par_client``, ``panier_moyen`` (€ per
        order), ``part_collaboration`` (share of orders), ``part_eshop``,
        ``part_boutique``, ``part_click_collect`` (shares of orders),
        ``contacts_sc_par_client`` (e-mail and chat contacts per client),
        ``besoins`` (the two most frequent reasons of support contacts, with their
        share), ``points_de_contact`` (the three most frequent touchpoints, support
        and delivery left out), ``repondants`` (survey answers), ``satisfaction``
        (mean, out of 5), ``nps`` (points), ``citation`` (see
        :func:`typical_quote`) and ``portrait`` (one line of text).

    Raises
    ------
    ValueError
        If a column is missing, or no client has a segment.
    """
    require_columns(personnes, ["id_personne", "age", "csp", "parisien", "maturite_mode"],
                    "les personnes")
    require_columns(commandes, ["id_personne", "canal", "montant_ttc", "collaboration"],
                    "les commandes")
    require_columns(evenements, ["id_personne", "point_de_contact", "motif"], "les événements")
    require_columns(enquete, ["id_personne", "satisfaction", "nps", "temoignage"], "l'enquête")
    seg = segment_of.astype(object).where(segment_of.notna() & (segment_of.astype(str) != ""))
    seg = seg.dropna().astype(str)
    seg.index.name = "id_personne"
    if seg.empty:
        raise ValueError("Aucun client n'a de segment : impossible de dresser des profils.")

    people = personnes.set_index("id_personne").reindex(seg.index)
    orders = commandes[commandes["id_personne"].isin(seg.index)].copy()
    orders["segment"] = orders["id_personne"].map(seg)
    events = evenements[evenements["id_personne"].isin(seg.index)].copy()
    events["segment"] = events["id_personne"].map(seg)
    events["point_de_contact"] = events["point_de_contact"].astype(str)
    survey = enquete[enquete["id_personne"].isin(seg.index)].copy()
    survey["segment"] = survey["id_personne"].map(seg)
    support = events[events["point_de_contact"].isin(SUPPORT_TOUCHPOINTS)]
    chosen = events[~events["point_de_contact"].isin(SUPPORT_TOUCHPOINTS + NOT_A_CHOICE)]
    quotes = survey.set_index("id_personne")["temoignage"]

    rows = {}
    for name in _segment_order(seg):
        ids = seg.index[seg == name]
        who = people.loc[ids]
        mine = orders[orders["segment"] == name]
        n_orders = len(mine)
        answers = survey[survey["segment"] == name]
        row = {
            "prenom": datasets.PERSONAS.get(name, name),
            "clients": len(ids),
            "age_median": float(who["age"].median()),
            "csp_principale": _mode(who["csp"]),
            "maturite_principale": _mode(who["maturite_mode"]),
            "part_paris": float(who["parisien"].astype(bool).mean()),
            "commandes_par_client": n_orders / len(ids),
            "panier_moyen": mine["montant_ttc"].sum() / n_orders if n_orders else np.nan,
            "part_collaboration": (mine["collaboration"].astype(bool).mean()
                                   if n_orders else np.nan),
        }
        canal = mine["canal"].astype(str)
        for c, col in CHANNEL_COLUMNS.items():
            row[col] = float((canal == c).mean()) if n_orders else np.nan
        sup = support[support["segment"] == name]
        row["contacts_sc_par_client"] = len(sup) / len(ids)
        row["besoins"] = _top_shares(sup["motif"].dropna().astype(str), 2)
        row["points_de_contact"] = ", ".join(
            _top(chosen.loc[chosen["segment"] == name, "point_de_contact"], 3))
        row["repondants"] = len(answers)
        row["satisfaction"] = float(answers["satisfaction"].mean()) if len(answers) else np.nan
        row["nps"] = net_promoter_score(answers["nps"])
        row["citation"] = typical_quote(quotes, seg, name, min_count=min_quote_count)
        row["portrait"] = _portrait(row)
        rows[name] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "segment"
    return out


def _segment_order(seg: pd.Series) -> list[str]:
    present = set(seg)
    known = [s for s in datasets.PERSONAS if s in present]
    return known + sorted(present - set(known))


def _mode(values: pd.Series) -> str:
    counts = values.dropna().astype(str).value_counts()
    if counts.empty:
        return ""
    top = counts[counts == counts.max()].index
    return sorted(top)[0]


def _top(values: pd.Series, n: int) -> list[str]:
    counts = values.dropna().astype(str).value_counts()
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [k for k, _ in ranked[:n]]


def _top_shares(values: pd.Series, n: int) -> str:
    if values.empty:
        return "aucun contact au service client"
    counts = values.value_counts()
    return ", ".join(f"{k} ({style.french_number(100 * counts[k] / len(values), 0, '%')})"
                     for k in _top(values, n))


def _portrait(row: dict) -> str:
    age = style.french_number(row["age_median"], 0)
    paris = style.french_number(100 * row["part_paris"], 0, "%")
    return (f"{age} ans (âge médian) · surtout {row['csp_principale']} · "
            f"niveau en mode : {row['maturite_principale']} · {paris} à Paris")


# ---------------------------------------------------------------------------
# The persona card
# ---------------------------------------------------------------------------

_CARD_FIELDS = ["prenom", "portrait", "clients", "panier_moyen", "commandes_par_client",
                "part_paris", "nps", *CHANNEL_COLUMNS.values(), "points_de_contact",
                "contacts_sc_par_client", "besoins", "citation"]
#: Size (inches) of the Axes of a slide card, where fonts have their nominal size.
_REFERENCE_AXES = (12.4, 6.8)
_TITLES = {"Nouveau": "le Nouveau", "Habitué": "l'Habitué", "Puriste": "le Puriste"}


def card_figure(size: str = "diapositive"):
    """Create an empty figure of a persona card's size, with one Axes filling it.

    Parameters
    ----------
    size : {"diapositive", "A4", "A5"}
        A key of :data:`CARD_SIZES` (all landscape).

    Returns
    -------
    fig : matplotlib.figure.Figure
        Without constrained layout. To keep the exact page size when saving, pass
        ``bbox_inches=fig.bbox_inches`` (the course style crops figures
        otherwise), or use :func:`save_cards_pdf`.
    ax : matplotlib.axes.Axes
        The card's Axes, with a small white margin around it.

    Raises
    ------
    ValueError
        If ``size`` is unknown.
    """
    if size not in CARD_SIZES:
        raise ValueError(f"Format de fiche inconnu : « {size} ». Formats possibles : "
                         + ", ".join(f"« {k} »" for k in CARD_SIZES) + ".")
    fig = plt.figure(figsize=CARD_SIZES[size])
    fig.set_layout_engine("none")  # stays off at savefig, whatever the rcParams say
    ax = fig.add_axes((0.02, 0.03, 0.96, 0.94))
    return fig, ax


def plot_persona_card(profile_row: pd.Series, ax=None, colour: str | None = None,
                      size: str = "diapositive"):
    """Draw one segment's persona card on ``ax`` (a panel of text, key numbers and bars).

    The card shows the first name and segment, a portrait line, five key numbers
    (clients, average basket, orders per client, share in Paris, NPS), the order
    channels as bars, the favourite touchpoints, the support needs and a quote.
    Font sizes follow the size of ``ax``: they are those of a 13 × 7.3 in card
    (a slide, :data:`CARD_SIZES`), scaled down for a smaller Axes — an A5 page gives print-sized
    text. The card draws only on ``ax``, so it fills a notebook cell, a slide or
    one page of a PDF alike.

    Parameters
    ----------
    profile_row : pandas.Series
        One row of :func:`segment_profiles` (its name is the segment); needs
        ``prenom``, ``portrait``, ``clients``, ``panier_moyen``,
        ``commandes_par_client``, ``part_paris``, ``nps``, ``part_eshop``,
        ``part_boutique``, ``part_click_collect``, ``points_de_contact``,
        ``contacts_sc_par_client``, ``besoins`` and ``citation``.
    ax : matplotlib.axes.Axes, optional
        Where to draw, preferably landscape (width about 1.4 to 1.8 times the
        height); default the Axes of ``card_figure(size)``.
    colour : str, optional
        Main colour; default ``style.PERSONA_COLOURS`` of the segment (or of the
        first name), grey otherwise.
    size : {"diapositive", "A4", "A5"}
        Page size when ``ax`` is not given (see :func:`card_figure`).

    Returns
    -------
    matplotlib.axes.Axes
        The card's Axes (its figure is ``ax.figure``).

    Raises
    ------
    ValueError
        If a field is missing from ``profile_row`` or ``size`` is unknown.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> row = pd.Series({"prenom": "Diego", "portrait": "37 ans", "clients": 10,
    ...     "panier_moyen": 90.0, "commandes_par_client": 1.5, "part_paris": 0.4,
    ...     "nps": -10.0, "part_eshop": 0.7, "part_boutique": 0.3, "part_click_collect": 0.0,
    ...     "points_de_contact": "blog", "contacts_sc_par_client": 3.0,
    ...     "besoins": "taille (60 %)", "citation": "Très bien."}, name="Nouveau")
    >>> ax = plot_persona_card(row, size="A5")
    >>> ax.figure.get_size_inches().round(2).tolist()
    [8.27, 5.83]
    >>> plt.close(ax.figure)
    """
    missing = [f for f in _CARD_FIELDS if f not in profile_row.index]
    if missing:
        raise ValueError("Champ(s) manquant(s) pour la fiche persona : "
                         + ", ".join(f"« {f} »" for f in missing)
                         + ". Passez une ligne du tableau de segment_profiles.")
    if ax is None:
        _, ax = card_figure(size)
    k = _font_scale(ax)

    def fs(points: float) -> float:
        return points * k

    segment = str(profile_row.name)
    prenom = str(profile_row["prenom"])
    colour = colour or style.PERSONA_COLOURS.get(
        segment, style.PERSONA_COLOURS.get(prenom, style.GREY))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    t = ax.transAxes

    # header band
    ax.add_patch(Rectangle((0, 0.80), 1, 0.20, transform=t, color=colour, clip_on=False))
    title = f"{prenom} — {_TITLES.get(segment, segment)}"
    ax.text(0.025, 0.935, title, transform=t, fontsize=fs(30), fontweight="bold",
            color="white", va="center", ha="left")
    ax.text(0.025, 0.85, str(profile_row["portrait"]), transform=t, fontsize=fs(15),
            color="white", va="center", ha="left")

    # key numbers
    numbers = [
        (style.french_number(profile_row["clients"], 0), "clients"),
        (style.french_number(profile_row["panier_moyen"], 0, "€"), "panier moyen"),
        (style.french_number(profile_row["commandes_par_client"], 1), "commandes\npar client"),
        (style.french_number(100 * profile_row["part_paris"], 0, "%"), "à Paris"),
        (_signed(profile_row["nps"]), "NPS (points)"),
    ]
    width = 1 / len(numbers)
    for i, (value, label) in enumerate(numbers):
        x = i * width + 0.01
        ax.add_patch(FancyBboxPatch((x, 0.55), width - 0.02, 0.2, transform=t,
                                    boxstyle="round,pad=0,rounding_size=0.02",
                                    facecolor=_light(colour), edgecolor="none"))
        ax.text(x + (width - 0.02) / 2, 0.685, value, transform=t, fontsize=fs(26),
                fontweight="bold", color=colour, ha="center", va="center")
        ax.text(x + (width - 0.02) / 2, 0.595, label, transform=t, fontsize=fs(13),
                color="#333333", ha="center", va="center", linespacing=1.0)

    # channels: one bar per order channel
    ax.text(0.01, 0.48, "Canaux d'achat (part des commandes)", transform=t, fontsize=fs(15),
            fontweight="bold", va="center")
    for j, (canal, col) in enumerate(CHANNEL_COLUMNS.items()):
        y = 0.405 - j * 0.07
        share = float(profile_row[col]) if pd.notna(profile_row[col]) else 0.0
        ax.text(0.01, y, canal, transform=t, fontsize=fs(14), va="center")
        ax.add_patch(Rectangle((0.20, y - 0.022), 0.22, 0.044, transform=t,
                               facecolor="#eeeeee", edgecolor="none"))
        if share > 0:
            ax.add_patch(Rectangle((0.20, y - 0.022), 0.22 * share, 0.044, transform=t,
                                   facecolor=colour, edgecolor="none"))
        ax.text(0.43, y, style.french_number(100 * share, 0, "%"), transform=t,
                fontsize=fs(14), va="center")
    ax.text(0.01, 0.17, "Points de contact favoris", transform=t, fontsize=fs(15),
            fontweight="bold", va="center")
    ax.text(0.01, 0.105, textwrap.fill(str(profile_row["points_de_contact"]), 50),
            transform=t, fontsize=fs(14), va="center")

    # needs and quote
    ax.text(0.53, 0.48, "Besoins (contacts au service client)", transform=t,
            fontsize=fs(15), fontweight="bold", va="center")
    per_client = style.french_number(float(profile_row["contacts_sc_par_client"]), 1)
    needs = f"{per_client} contacts par client ; motifs : {profile_row['besoins']}"
    ax.text(0.53, 0.43, textwrap.fill(needs, 52), transform=t, fontsize=fs(14), va="top",
            linespacing=1.3)
    quote = str(profile_row["citation"]).strip()
    if quote:
        ax.text(0.53, 0.27, "Ce qu'en disent ces clients", transform=t, fontsize=fs(15),
                fontweight="bold", va="center")
        ax.text(0.53, 0.22, textwrap.fill(f"« {quote} »", 48), transform=t,
                fontsize=fs(15), style="italic", color="#222222", va="top", linespacing=1.3)
        ax.text(0.99, 0.0, "— un client du segment, enquête de satisfaction",
                transform=t, fontsize=fs(11), color="#555555", ha="right", va="bottom")
    return ax


def save_cards_pdf(profiles: pd.DataFrame, path, size: str = "A5") -> Path:
    """Write one persona card per row of ``profiles`` into a PDF, one page per card.

    Each page has exactly the size of ``size`` (landscape), ready to print.

    Parameters
    ----------
    profiles : pandas.DataFrame
        A table from :func:`segment_profiles` (index = segment); the columns listed
        in :func:`plot_persona_card`.
    path : str or pathlib.Path
        The PDF file to write (its folder must exist).
    size : {"diapositive", "A4", "A5"}
        Page size, see :data:`CARD_SIZES`.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        If ``profiles`` is empty, a field is missing or ``size`` is unknown.
    """
    if len(profiles) == 0:
        raise ValueError("Le tableau des profils est vide : aucune fiche à imprimer.")
    path = Path(path)
    with PdfPages(path) as pdf:
        for _, row in profiles.iterrows():
            ax = plot_persona_card(row, size=size)
            pdf.savefig(ax.figure, bbox_inches=ax.figure.bbox_inches)
            plt.close(ax.figure)
    return path


def _font_scale(ax) -> float:
    """Font scale of a card drawn on ``ax``: 1 for the slide card's Axes, smaller below."""
    width, height = ax.figure.get_size_inches() * ax.get_position().size
    return float(min(1.0, width / _REFERENCE_AXES[0], height / _REFERENCE_AXES[1]))


def _signed(x) -> str:
    if x is None or pd.isna(x):
        return "—"
    text = style.french_number(float(x), 0).replace("-", "\u2212")  # a true minus sign
    return f"+{text}" if float(x) > 0 else text


def _light(colour: str, amount: float = 0.85) -> tuple:
    r, g, b = to_rgb(colour)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)
