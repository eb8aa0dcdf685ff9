"""Journeys as paths: each persona's sequences of stages and touchpoints, and their flows.

A person's journey read in time order is a sequence (``découverte → considération
→ achat``). Repeats in a row are collapsed (three blog visits in a row are one
step ``blog``), so that two people who go through the same steps have the same
path. This module builds those paths, counts the most frequent ones per persona,
turns them into stage-to-stage flows drawn as a Sankey-style diagram
(matplotlib only), and measures along the journey: days from the first contact
to the first order, support contacts before and after it, the channel mix and
the share of clients who become ambassadors (they referred someone).

Personas are read from ``personnes.persona_simulee`` (``"Nouveau"``,
``"Habitué"``, ``"Puriste"``) and shown by first name (Diego, Max, Eric, see
``datasets.PERSONAS``); people without a persona (non-clients) are left out of
the per-persona tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle

from ..datasets import PERSONAS, STAGES
from ..validation import require_columns
from .timeline import is_order

#: How paths are written: the steps joined by an arrow.
ARROW = " → "

#: Colour of each stage in the flow diagram (from the need to loyalty).
STAGE_COLOURS = {
    "besoin": "#9aa0a6",
    "découverte": "#1f6fb4",
    "considération": "#f1a340",
    "achat": "#c0392b",
    "livraison": "#8e6c8a",
    "usage": "#2e9c5a",
    "fidélisation": "#16a085",
}

_EVENTS = "les événements"
_PEOPLE = "les personnes"


def collapse_repeats(values: Iterable) -> list:
    """Drop the values equal to the one just before them.

    Examples
    --------
    >>> collapse_repeats(["blog", "blog", "chat", "blog", "blog"])
    ['blog', 'chat', 'blog']
    >>> collapse_repeats([])
    []
    """
    out: list = []
    for v in values:
        if not out or out[-1] != v:
            out.append(v)
    return out


def keep_first_appearance(values: Iterable) -> list:
    """Keep each value only where it first appears (the order of discovery).

    Examples
    --------
    >>> keep_first_appearance(["blog", "chat", "blog", "e-shop"])
    ['blog', 'chat', 'e-shop']
    """
    return list(dict.fromkeys(values))


def persona_names(people: pd.DataFrame) -> pd.Series:
    """First name of each person's persona (``Diego``, ``Max``, ``Eric``), NaN if none.

    Parameters
    ----------
    people : pandas.DataFrame
        Needs ``id_personne`` and ``persona_simulee``.

    Returns
    -------
    pandas.Series
        Indexed by ``id_personne``, named ``persona``.
    """
    require_columns(people, ["id_personne", "persona_simulee"], _PEOPLE)
    names = people["persona_simulee"].astype(object).map(PERSONAS)
    return pd.Series(names.to_numpy(), index=people["id_personne"].to_numpy(), name="persona")


def person_paths(events: pd.DataFrame, column: str = "etape", until_first_order: bool = True,
                 distinct: bool = False) -> pd.DataFrame:
    """Each person's path: the values of ``column`` in time order, repeats collapsed.

    Parameters
    ----------
    events : pandas.DataFrame
        The ``evenements`` table; needs ``id_personne``, ``horodatage``,
        ``etape``, ``id_commande`` and ``column``.
    column : str
        ``"etape"`` (stages), ``"point_de_contact"`` or ``"forme"``.
    until_first_order : bool
        Stop each path at the person's first order, included (the order's own
        event, see :func:`parcours_helpers.journeys.timeline.is_order`); people
        who never ordered keep their whole path.
    distinct : bool
        Keep each value only at its first appearance (the order in which the
        person discovered the stages or touchpoints) instead of only
        collapsing repeats in a row.

    Returns
    -------
    pandas.DataFrame
        ``id_personne``, ``etapes`` (tuple of values), ``parcours`` (values
        joined by " → "), ``nb_etapes``, ``commande`` (True if the path reaches
        an order); one row per person with at least one event, sorted by
        ``id_personne``.
    """
    needed = list(dict.fromkeys(["id_personne", "horodatage", "etape", "id_commande", column]))
    require_columns(events, needed, _EVENTS)
    e = events[needed].copy()
    e["_commande"] = is_order(e)
    e = e.sort_values(["id_personne", "horodatage"], kind="stable")
    if until_first_order:
        # Orders seen before (and including) each event; keep events up to the first order.
        before = e.groupby("id_personne")["_commande"].cumsum() - e["_commande"]
        e = e.loc[before == 0]
    ordered = e.groupby("id_personne", sort=True)["_commande"].any()
    e = e.assign(_valeur=e[column].astype(str))
    if distinct:  # same as keep_first_appearance, person by person
        e = e.drop_duplicates(["id_personne", "_valeur"])
    else:  # same as collapse_repeats: drop a value equal to the one just before it
        same = (e["_valeur"] == e["_valeur"].shift()) & (
            e["id_personne"] == e["id_personne"].shift())
        e = e.loc[~same]
    steps = e.groupby("id_personne", sort=True)["_valeur"].agg(tuple)
    out = pd.DataFrame({"etapes": steps, "commande": ordered}).reset_index()
    out["parcours"] = out["etapes"].map(ARROW.join)
    out["nb_etapes"] = out["etapes"].map(len)
    return out[["id_personne", "etapes", "parcours", "nb_etapes", "commande"]]


def top_paths(paths: pd.DataFrame, people: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The ``n`` most frequent paths of each persona.

    Parameters
    ----------
    paths : pandas.DataFrame
        Output of :func:`person_paths` (``id_personne``, ``parcours``).
    people : pandas.DataFrame
        Needs ``id_personne`` and ``persona_simulee``.
    n : int
        Paths kept per persona.

    Returns
    -------
    pandas.DataFrame
        ``persona`` (first name), ``rang`` (1 = most frequent), ``parcours``,
        ``nb_personnes``, ``part`` (share of the persona's people with a path,
        0–1). Ties are broken by the path's text. Personas in the order of
        ``datasets.PERSONAS``.
    """
    require_columns(paths, ["id_personne", "parcours"], "les parcours")
    p = paths.assign(persona=paths["id_personne"].map(persona_names(people))).dropna(
        subset=["persona"])
    counts = p.groupby(["persona", "parcours"]).size().rename("nb_personnes").reset_index()
    counts["part"] = counts["nb_personnes"] / counts.groupby("persona")["nb_personnes"].transform(
        "sum")
    counts["_ordre"] = counts["persona"].map({v: i for i, v in enumerate(PERSONAS.values())})
    counts = counts.sort_values(["_ordre", "nb_personnes", "parcours"],
                                ascending=[True, False, True], kind="stable")
    counts["rang"] = counts.groupby("persona").cumcount() + 1
    counts = counts.loc[counts["rang"] <= n]
    return counts[["persona", "rang", "parcours", "nb_personnes", "part"]].reset_index(drop=True)


def stage_transitions(paths: pd.DataFrame, max_steps: int = 6, align: str = "end") -> pd.DataFrame:
    """Count the flows from one step to the next, for a flow (Sankey) diagram.

    Parameters
    ----------
    paths : pandas.DataFrame
        Output of :func:`person_paths` (``etapes``).
    max_steps : int
        Number of columns: the last ``max_steps`` steps of each path
        (``align="end"``) or its first ``max_steps`` (``align="start"``).
    align : {"end", "start"}
        ``"end"``: the last column is the last step of every path (e.g. the
        first order); a short path starts in a later column. ``"start"``: the
        first column is every path's first step.

    Returns
    -------
    pandas.DataFrame
        ``colonne`` (0 … max_steps-1, the column of ``de``), ``de``, ``vers``
        (the value in the next column, or None where a path ends or starts
        there: ``de`` None is an entry), ``nb_personnes``. Sorted by column,
        then values. Node sizes are the sums of ``nb_personnes`` by
        ``(colonne, de)`` plus the entries.
    """
    require_columns(paths, ["etapes"], "les parcours")
    if align not in ("end", "start"):
        raise ValueError(f"align doit valoir « end » ou « start », pas « {align} ».")
    if max_steps < 1:
        raise ValueError("Il faut au moins une colonne (max_steps ≥ 1).")
    rows = []
    for steps in paths["etapes"]:
        steps = list(steps)[-max_steps:] if align == "end" else list(steps)[:max_steps]
        if not steps:
            continue
        offset = max_steps - len(steps) if align == "end" else 0
        if offset > 0:
            rows.append((offset - 1, None, steps[0]))  # the path enters in column `offset`
        for k, value in enumerate(steps):
            nxt = steps[k + 1] if k + 1 < len(steps) else None
            rows.append((offset + k, value, nxt))
    t = pd.DataFrame(rows, columns=["colonne", "de", "vers"])
    t = t.fillna({"de": "", "vers": ""}).groupby(["colonne", "de", "vers"]).size()
    t = t.rename("nb_personnes").reset_index().replace({"de": {"": None}, "vers": {"": None}})
    return t.sort_values(["colonne", "de", "vers"], na_position="first",
                         key=_stage_key).reset_index(drop=True)


def _stage_key(s: pd.Series) -> pd.Series:
    """Sort stages in journey order, other values after them, alphabetically."""
    if s.name == "colonne":
        return s
    rank = {v: f"{i:02d}" for i, v in enumerate(STAGES)}
    return s.map(lambda v: "" if pd.isna(v) else rank.get(v, f"99{v}"))


def plot_stage_flows(transitions: pd.DataFrame, ax=None, title: str | None = None,
                     column_labels: Sequence[str] | None = None, min_label: float = 0.04):
    """Draw a Sankey-style flow diagram: columns = steps, bands = flows of people.

    Each column stacks one box per value (stage), as tall as the number of
    people there; a band joins a box to a box of the next column, as thick as
    the people who go that way. Paths that enter late or stop early leave a
    box without a band on that side.

    Parameters
    ----------
    transitions : pandas.DataFrame
        Output of :func:`stage_transitions`.
    ax : matplotlib.axes.Axes, optional
    title : str, optional
    column_labels : sequence of str, optional
        Labels under the columns; default « étape 1 », « étape 2 »…
    min_label : float
        Boxes smaller than this share of the column's people get no label.

    Returns
    -------
    matplotlib.axes.Axes
    """
    require_columns(transitions, ["colonne", "de", "vers", "nb_personnes"], "les transitions")
    if len(transitions) == 0:
        raise ValueError("Aucune transition à dessiner : le tableau des transitions est vide.")
    n_cols = int(transitions["colonne"].max()) + 1
    if transitions["vers"].notna().any():
        n_cols = max(n_cols, int(transitions.loc[transitions["vers"].notna(), "colonne"].max()) + 2)
    if ax is None:
        _fig, ax = plt.subplots(figsize=(max(12, 2.6 * n_cols), 7))

    # People in each box: what leaves it (de) in its column, or what enters it (vers).
    out_ = transitions.dropna(subset=["de"]).groupby(["colonne", "de"])["nb_personnes"].sum()
    in_ = transitions.dropna(subset=["vers"]).assign(colonne=lambda t: t["colonne"] + 1)
    in_ = in_.groupby(["colonne", "vers"])["nb_personnes"].sum()
    in_.index.names = ["colonne", "de"]
    size = pd.concat([out_, in_], axis=1).max(axis=1).fillna(0)
    total = float(size.groupby(level=0).sum().max())
    gap = 0.02 * total
    width = 0.18

    order = {v: i for i, v in enumerate(STAGES)}
    boxes = {}  # (col, value) -> [bottom, top, next free out, next free in]
    for col in range(n_cols):
        if col not in size.index.get_level_values(0):
            continue
        col_sizes = size.loc[col]
        values = sorted(col_sizes.index, key=lambda v: (order.get(v, 99), v))
        y = total + gap * (len(values) - 1)  # stack from the top
        for v in values:
            h = float(col_sizes[v])
            boxes[(col, v)] = [y - h, y, y, y]
            colour = STAGE_COLOURS.get(v, "#9aa0a6")
            ax.add_patch(Rectangle((col - width / 2, y - h), width, h, facecolor=colour,
                                   edgecolor="white", linewidth=1, zorder=3))
            share = h / float(col_sizes.sum())
            if share >= min_label:
                ax.text(col + width / 2 + 0.03, y - h / 2, f"{v}\n{int(h)}", va="center",
                        ha="left", fontsize=10, zorder=5,
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                              "edgecolor": "none", "alpha": 0.8})
            y -= h + gap

    t = transitions.dropna(subset=["de", "vers"])
    t = t.assign(_a=t["de"].map(lambda v: order.get(v, 99)),
                 _b=t["vers"].map(lambda v: order.get(v, 99)))
    xs = np.linspace(0, 1, 50)
    smooth = 3 * xs**2 - 2 * xs**3  # an S-shaped band
    for row in t.sort_values(["colonne", "_a", "_b"]).itertuples():
        src, dst = boxes[(row.colonne, row.de)], boxes[(row.colonne + 1, row.vers)]
        h = float(row.nb_personnes)
        top0, top1 = src[2], dst[3]
        src[2] -= h
        dst[3] -= h
        x = row.colonne + width / 2 + xs * (1 - width)
        upper = top0 + (top1 - top0) * smooth
        ax.fill_between(x, upper - h, upper, color=STAGE_COLOURS.get(row.vers, "#9aa0a6"),
                        alpha=0.35, linewidth=0, zorder=2)

    labels = list(column_labels) if column_labels is not None else [
        f"étape {k + 1}" for k in range(n_cols)]
    ax.set_xticks(range(n_cols), labels[:n_cols])
    ax.set_xlim(-0.5, n_cols - 0.5 + 0.6)
    ax.set_ylim(-gap, total + gap * (len(STAGES)))
    ax.set_yticks([])
    ax.grid(False)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_title(title or "Flux entre les étapes du parcours")
    ax.set_xlabel("position dans le parcours (étapes)")
    ax.set_ylabel("personnes (hauteur des boîtes)")
    return ax


# ---------------------------------------------------------------------------
# Measures along the journey, per persona
# ---------------------------------------------------------------------------

def _clients(people: pd.DataFrame) -> pd.DataFrame:
    """People with a persona, with their first name in ``persona``."""
    names = persona_names(people)
    out = pd.DataFrame({"id_personne": names.index, "persona": names.to_numpy()})
    return out.dropna(subset=["persona"]).reset_index(drop=True)


def first_order_delays(events: pd.DataFrame, orders: pd.DataFrame, people: pd.DataFrame,
                       new_clients_only: bool = True) -> pd.DataFrame:
    """Days from each client's first contact to their first order.

    Parameters
    ----------
    events : pandas.DataFrame
        Needs ``id_personne`` and ``horodatage``.
    orders : pandas.DataFrame
        Needs ``id_personne`` and ``date_commande``.
    people : pandas.DataFrame
        Needs ``id_personne``, ``persona_simulee`` and, when
        ``new_clients_only``, ``statut_initial``.
    new_clients_only : bool
        Leave out people who were already clients when the data starts
        (``statut_initial == "client"``): their real first contact is older.

    Returns
    -------
    pandas.DataFrame
        ``id_personne``, ``persona``, ``premier_contact``, ``premiere_commande``,
        ``jours`` (float, days between the two; 0 if the first contact is the
        order itself); one row per client with a persona and an order, sorted
        by ``id_personne``.
    """
    require_columns(events, ["id_personne", "horodatage"], _EVENTS)
    require_columns(orders, ["id_personne", "date_commande"], "les commandes")
    clients = _clients(people)
    if new_clients_only:
        require_columns(people, ["statut_initial"], _PEOPLE)
        old = set(people.loc[people["statut_initial"].astype(object) == "client", "id_personne"])
        clients = clients.loc[~clients["id_personne"].isin(old)]
    first_order = orders.groupby("id_personne")["date_commande"].min().rename("premiere_commande")
    first_contact = events.groupby("id_personne")["horodatage"].min().rename("premier_contact")
    out = clients.join(first_order, on="id_personne", how="inner").join(first_contact,
                                                                         on="id_personne")
    out["premier_contact"] = out["premier_contact"].fillna(out["premiere_commande"])
    out["premier_contact"] = out[["premier_contact", "premiere_commande"]].min(axis=1)
    out["jours"] = (out["premiere_commande"] - out["premier_contact"]).dt.total_seconds() / 86400
    out = out.sort_values("id_personne").reset_index(drop=True)
    return out[["id_personne", "persona", "premier_contact", "premiere_commande", "jours"]]


def support_contacts(events: pd.DataFrame, orders: pd.DataFrame,
                     people: pd.DataFrame) -> pd.DataFrame:
    """Each client's support contacts before and after their first order.

    A support contact is an event with a ``motif`` (a chat or an e-mail to the
    customer service about size, payment, returns, delivery or style advice).

    Parameters
    ----------
    events : pandas.DataFrame
        Needs ``id_personne``, ``horodatage``, ``motif``.
    orders : pandas.DataFrame
        Needs ``id_personne`` and ``date_commande``.
    people : pandas.DataFrame
        Needs ``id_personne`` and ``persona_simulee``.

    Returns
    -------
    pandas.DataFrame
        ``id_personne``, ``persona``, ``avant`` and ``apres`` (number of
        contacts strictly before / from the first order on), ``motif_avant``
        (the most frequent motif before, ties broken alphabetically, NaN if
        none); one row per client with a persona and an order.
    """
    require_columns(events, ["id_personne", "horodatage", "motif"], _EVENTS)
    require_columns(orders, ["id_personne", "date_commande"], "les commandes")
    first_order = orders.groupby("id_personne")["date_commande"].min().rename("premiere")
    clients = _clients(people).join(first_order, on="id_personne", how="inner")
    s = events.loc[events["motif"].notna(), ["id_personne", "horodatage", "motif"]]
    s = s.merge(clients, on="id_personne")
    s["avant"] = s["horodatage"] < s["premiere"]
    counts = s.groupby("id_personne")["avant"].agg(avant="sum", total="size")
    out = clients.join(counts, on="id_personne").fillna({"avant": 0, "total": 0})
    out["avant"] = out["avant"].astype(int)
    out["apres"] = (out["total"] - out["avant"]).astype(int)
    before = s.loc[s["avant"]].astype({"motif": str})
    top = (before.groupby(["id_personne", "motif"]).size().rename("n").reset_index()
           .sort_values(["id_personne", "n", "motif"], ascending=[True, False, True])
           .drop_duplicates("id_personne").set_index("id_personne")["motif"])
    out["motif_avant"] = out["id_personne"].map(top)
    out = out.sort_values("id_personne").reset_index(drop=True)
    return out[["id_personne", "persona", "avant", "apres", "motif_avant"]]


def channel_mix(events: pd.DataFrame, people: pd.DataFrame,
                column: str = "forme") -> pd.DataFrame:
    """Share of each persona's events by ``column`` (form, touchpoint…).

    Parameters
    ----------
    events : pandas.DataFrame
        Needs ``id_personne`` and ``column``.
    people : pandas.DataFrame
        Needs ``id_personne`` and ``persona_simulee``.
    column : str
        ``"forme"``, ``"point_de_contact"``…

    Returns
    -------
    pandas.DataFrame
        One row per persona (index ``persona``, in the order of
        ``datasets.PERSONAS``), one column per value, shares 0–1 summing to 1
        per row.
    """
    require_columns(events, ["id_personne", column], _EVENTS)
    e = events[["id_personne", column]].merge(_clients(people), on="id_personne")
    mix = pd.crosstab(e["persona"], e[column].astype(str), normalize="index")
    mix = mix.reindex([p for p in PERSONAS.values() if p in mix.index])
    mix.columns.name = column
    return mix


def order_channel_mix(orders: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Share of each persona's orders by order channel (``e-shop``, ``boutique``…).

    Returns
    -------
    pandas.DataFrame
        Index ``persona``, one column per ``canal``, shares 0–1 per row.
    """
    require_columns(orders, ["id_personne", "canal"], "les commandes")
    return channel_mix(orders, people, column="canal")


def ambassador_share(people: pd.DataFrame, orders: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of each persona's clients who referred at least one person.

    A person is an ambassador when their ``id_personne`` appears in another
    person's ``parrain`` column.

    Parameters
    ----------
    people : pandas.DataFrame
        Needs ``id_personne``, ``persona_simulee`` and ``parrain``.
    orders : pandas.DataFrame, optional
        If given (needs ``id_personne``), only people with an order count as
        clients.

    Returns
    -------
    pandas.DataFrame
        ``persona``, ``clients``, ``ambassadeurs``, ``filleuls`` (people they
        referred), ``part_ambassadeurs`` (0–1); personas in the order of
        ``datasets.PERSONAS``.
    """
    require_columns(people, ["id_personne", "persona_simulee", "parrain"], _PEOPLE)
    clients = _clients(people)
    if orders is not None:
        require_columns(orders, ["id_personne"], "les commandes")
        clients = clients.loc[clients["id_personne"].isin(orders["id_personne"])]
    referrals = people["parrain"].dropna().astype(str).value_counts()
    clients = clients.assign(filleuls=clients["id_personne"].map(referrals).fillna(0).astype(int))
    out = clients.groupby("persona").agg(clients=("id_personne", "size"),
                                         ambassadeurs=("filleuls", lambda s: int((s > 0).sum())),
                                         filleuls=("filleuls", "sum"))
    out = out.reindex([p for p in PERSONAS.values() if p in out.index]).reset_index()
    out["part_ambassadeurs"] = out["ambassadeurs"] / out["clients"]
    return out


def persona_summary(events: pd.DataFrame, orders: pd.DataFrame,
                    people: pd.DataFrame) -> pd.DataFrame:
    """The journey of each persona in a few numbers, one row per persona.

    Returns
    -------
    pandas.DataFrame
        ``persona``, ``clients``, ``jours_median_1re_commande`` (new clients
        only), ``contacts_support_avant`` and ``contacts_support_apres`` (mean
        per client), ``motif_principal_avant``, ``canal_de_commande_principal``,
        ``part_commandes_en_ligne`` (e-shop and click & collect, 0–1),
        ``part_ambassadeurs`` (0–1).
    """
    delays = first_order_delays(events, orders, people)
    support = support_contacts(events, orders, people)
    orders_mix = order_channel_mix(orders, people)
    amb = ambassador_share(people, orders).set_index("persona")
    rows = []
    for persona in amb.index:
        sp = support.loc[support["persona"] == persona]
        motifs = sp["motif_avant"].dropna()
        mix = orders_mix.loc[persona] if persona in orders_mix.index else pd.Series(dtype=float)
        online = float(mix.get("e-shop", 0.0) + mix.get("click & collect", 0.0))
        rows.append({
            "persona": persona,
            "clients": int(amb.loc[persona, "clients"]),
            "jours_median_1re_commande": float(
                delays.loc[delays["persona"] == persona, "jours"].median()),
            "contacts_support_avant": float(sp["avant"].mean()),
            "contacts_support_apres": float(sp["apres"].mean()),
            "motif_principal_avant": (motifs.value_counts().sort_index()
                                      .sort_values(ascending=False, kind="stable").index[0]
                                      if len(motifs) else None),
            "canal_de_commande_principal": mix.idxmax() if len(mix) else None,
            "part_commandes_en_ligne": online,
            "part_ambassadeurs": float(amb.loc[persona, "part_ambassadeurs"]),
        })
    return pd.DataFrame(rows)
