"""Tests of parcours_helpers.journeys.paths on a tiny shop whose answers are computed by hand.

The shop (times in days after T0):

* P1, Diego (« Nouveau »), prospect at the start:
  d0 blog (découverte), d1 blog (considération), d2 chat about size (considération),
  d3 e-shop order O1 (achat), d4 parcel (livraison), d5 chat about returns (usage),
  d6 shop order O3 (achat, physique).
* P2, Max (« Habitué »), already a client at the start:
  d0 Facebook (découverte), d1 e-shop (considération), d2 click & collect order O2 (achat).
* P3, Eric (« Puriste »): d0 blog (découverte), d1 blog (considération); no order.
* P4, no persona, referred by P1: d0 parrainage (découverte).
* P5, Diego, referred by P1: d0 Instagram (découverte), d1 blog (considération); no order.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from parcours_helpers.datasets import STAGES  # noqa: E402
from parcours_helpers.journeys import paths  # noqa: E402

T0 = pd.Timestamp("2024-03-01 09:00:00")
DAY = pd.Timedelta(days=1)

EVENTS = [
    # id_personne, day, point_de_contact, forme, etape, motif, id_commande
    ("P1", 0, "blog", "virtuel", "découverte", None, None),
    ("P1", 1, "blog", "virtuel", "considération", None, None),
    ("P1", 2, "chat", "virtuel", "considération", "taille", None),
    ("P1", 3, "e-shop", "virtuel", "achat", None, "O1"),
    ("P1", 4, "livraison", "physique", "livraison", None, None),
    ("P1", 5, "chat", "virtuel", "usage", "retours", None),
    ("P1", 6, "boutique", "physique", "achat", None, "O3"),
    ("P2", 0, "Facebook", "virtuel", "découverte", None, None),
    ("P2", 1, "e-shop", "virtuel", "considération", None, None),
    ("P2", 2, "click & collect", "physique", "achat", None, "O2"),
    ("P3", 0, "blog", "virtuel", "découverte", None, None),
    ("P3", 1, "blog", "virtuel", "considération", None, None),
    ("P4", 0, "parrainage", "bouche-à-oreille", "découverte", None, None),
    ("P5", 0, "Instagram", "virtuel", "découverte", None, None),
    ("P5", 1, "blog", "virtuel", "considération", None, None),
]


@pytest.fixture
def events():
    e = pd.DataFrame(EVENTS, columns=["id_personne", "jour", "point_de_contact", "forme",
                                      "etape", "motif", "id_commande"])
    e["horodatage"] = T0 + e.pop("jour") * DAY
    # Shuffle the rows: every function must sort by time itself.
    return e.sample(frac=1, random_state=3).reset_index(drop=True)


@pytest.fixture
def orders():
    return pd.DataFrame({
        "id_commande": ["O1", "O2", "O3"],
        "id_personne": ["P1", "P2", "P1"],
        "date_commande": [T0 + 3 * DAY, T0 + 2 * DAY, T0 + 6 * DAY],
        "canal": ["e-shop", "click & collect", "boutique"],
    })


@pytest.fixture
def people():
    return pd.DataFrame({
        "id_personne": ["P1", "P2", "P3", "P4", "P5"],
        "persona_simulee": pd.Categorical(["Nouveau", "Habitué", "Puriste", None, "Nouveau"]),
        "statut_initial": ["prospect", "client", "prospect", "prospect", "prospect"],
        "parrain": [None, None, None, "P1", "P1"],
    })


# ---------------------------------------------------------------------------
# Small building blocks
# ---------------------------------------------------------------------------

def test_collapse_repeats_and_first_appearance():
    assert paths.collapse_repeats(["a", "a", "b", "a", "a"]) == ["a", "b", "a"]
    assert paths.keep_first_appearance(["a", "a", "b", "a", "c"]) == ["a", "b", "c"]
    assert paths.collapse_repeats([]) == [] and paths.keep_first_appearance([]) == []


def test_persona_names(people):
    names = paths.persona_names(people)
    assert names.name == "persona"
    assert names.drop("P4").to_dict() == {"P1": "Diego", "P2": "Max", "P3": "Eric",
                                          "P5": "Diego"}
    assert pd.isna(names["P4"])


# ---------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------

def test_person_paths_of_stages_stop_at_first_order(events):
    p = paths.person_paths(events).set_index("id_personne")
    assert p["parcours"].to_dict() == {
        "P1": "découverte → considération → achat",  # the second « considération » is collapsed
        "P2": "découverte → considération → achat",
        "P3": "découverte → considération",
        "P4": "découverte",
        "P5": "découverte → considération",
    }
    assert p["nb_etapes"].to_dict() == {"P1": 3, "P2": 3, "P3": 2, "P4": 1, "P5": 2}
    assert p["commande"].to_dict() == {"P1": True, "P2": True, "P3": False, "P4": False,
                                       "P5": False}
    assert p.loc["P1", "etapes"] == ("découverte", "considération", "achat")


def test_person_paths_of_touchpoints_whole_or_distinct(events):
    until = paths.person_paths(events, column="point_de_contact").set_index("id_personne")
    assert until.loc["P1", "parcours"] == "blog → chat → e-shop"
    whole = paths.person_paths(events, column="point_de_contact", until_first_order=False)
    whole = whole.set_index("id_personne")
    assert whole.loc["P1", "etapes"] == ("blog", "chat", "e-shop", "livraison", "chat", "boutique")
    distinct = paths.person_paths(events, column="point_de_contact", until_first_order=False,
                                  distinct=True).set_index("id_personne")
    assert distinct.loc["P1", "etapes"] == ("blog", "chat", "e-shop", "livraison", "boutique")


def test_person_paths_names_the_missing_column(events):
    with pytest.raises(ValueError, match="horodatage"):
        paths.person_paths(events.drop(columns="horodatage"))


def test_person_paths_of_no_event_is_empty(events):
    p = paths.person_paths(events.iloc[:0])
    assert len(p) == 0
    assert list(p.columns) == ["id_personne", "etapes", "parcours", "nb_etapes", "commande"]


def test_top_paths_ranks_ties_by_text(events, people):
    top = paths.top_paths(paths.person_paths(events), people, n=5)
    # P4 has no persona: left out. Diego (P1, P5) has two paths once each: a tie,
    # broken by the text (the shorter prefix sorts first).
    assert top["persona"].tolist() == ["Diego", "Diego", "Max", "Eric"]
    assert top["rang"].tolist() == [1, 2, 1, 1]
    assert top["parcours"].tolist()[:2] == ["découverte → considération",
                                            "découverte → considération → achat"]
    assert top["nb_personnes"].tolist() == [1, 1, 1, 1]
    assert top["part"].tolist() == [0.5, 0.5, 1.0, 1.0]
    assert paths.top_paths(paths.person_paths(events), people, n=1)["persona"].tolist() == [
        "Diego", "Max", "Eric"]


# ---------------------------------------------------------------------------
# Flows between stages
# ---------------------------------------------------------------------------

def records(t):
    return [(int(r.colonne), None if pd.isna(r.de) else r.de,
             None if pd.isna(r.vers) else r.vers, int(r.nb_personnes)) for r in t.itertuples()]


def test_stage_transitions_aligned_on_the_end(events):
    t = paths.stage_transitions(paths.person_paths(events), max_steps=3, align="end")
    # Paths of 3 steps fill columns 0-2; paths of 2 enter in column 1 (an entry
    # None → découverte from column 0); P4's single step enters in column 2.
    assert records(t) == [
        (0, None, "découverte", 2),
        (0, "découverte", "considération", 2),
        (1, None, "découverte", 1),
        (1, "découverte", "considération", 2),
        (1, "considération", "achat", 2),
        (2, "découverte", None, 1),
        (2, "considération", None, 2),
        (2, "achat", None, 2),
    ]


def test_stage_transitions_aligned_on_the_start(events):
    t = paths.stage_transitions(paths.person_paths(events), max_steps=2, align="start")
    assert sorted(records(t), key=str) == sorted([
        (0, "découverte", "considération", 4),
        (0, "découverte", None, 1),
        (1, "considération", None, 4),
    ], key=str)
    # Everyone is counted once in the first column.
    assert t.loc[t["colonne"] == 0, "nb_personnes"].sum() == 5


def test_stage_transitions_rejects_bad_arguments(events):
    p = paths.person_paths(events)
    with pytest.raises(ValueError, match="align"):
        paths.stage_transitions(p, align="milieu")
    with pytest.raises(ValueError, match="colonne"):
        paths.stage_transitions(p, max_steps=0)


def test_plot_stage_flows_draws_boxes_and_refuses_empty(events):
    t = paths.stage_transitions(paths.person_paths(events), max_steps=3)
    ax = paths.plot_stage_flows(t, column_labels=["avant-avant", "avant", "dernière"])
    # One box per (column, stage): 1 + 2 + 3 = 6 rectangles.
    assert len(ax.patches) == 6
    assert [lbl.get_text() for lbl in ax.get_xticklabels()] == ["avant-avant", "avant",
                                                                 "dernière"]
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="vide"):
        paths.plot_stage_flows(t.iloc[:0])


# ---------------------------------------------------------------------------
# Measures along the journey
# ---------------------------------------------------------------------------

def test_first_order_delays(events, orders, people):
    d = paths.first_order_delays(events, orders, people)
    # P2 was already a client: left out by default. P1: day 0 → day 3.
    assert d["id_personne"].tolist() == ["P1"]
    assert d["jours"].tolist() == [3.0]
    d = paths.first_order_delays(events, orders, people, new_clients_only=False)
    assert d.set_index("id_personne")["jours"].to_dict() == {"P1": 3.0, "P2": 2.0}


def test_support_contacts_before_and_after(events, orders, people):
    s = paths.support_contacts(events, orders, people).set_index("id_personne")
    assert s.index.tolist() == ["P1", "P2"]  # clients with a persona and an order
    assert s.loc["P1", ["avant", "apres", "motif_avant"]].tolist() == [1, 1, "taille"]
    assert s.loc["P2", ["avant", "apres"]].tolist() == [0, 0]
    assert pd.isna(s.loc["P2", "motif_avant"])


def test_channel_mix_by_form(events, people):
    mix = paths.channel_mix(events, people)
    assert mix.index.tolist() == ["Diego", "Max", "Eric"]
    # Diego: P1's 7 events (5 virtual, 2 physical) + P5's 2 virtual ones.
    assert mix.loc["Diego", "virtuel"] == pytest.approx(7 / 9)
    assert mix.loc["Max", "physique"] == pytest.approx(1 / 3)
    assert mix.loc["Eric", "virtuel"] == 1.0
    assert "bouche-à-oreille" not in mix.columns  # only P4, who has no persona
    np.testing.assert_allclose(mix.sum(axis=1), 1.0)


def test_order_channel_mix(orders, people):
    mix = paths.order_channel_mix(orders, people)
    assert mix.index.tolist() == ["Diego", "Max"]
    assert mix.loc["Diego"].to_dict() == {"boutique": 0.5, "click & collect": 0.0, "e-shop": 0.5}
    assert mix.loc["Max", "click & collect"] == 1.0


def test_ambassador_share(people, orders):
    a = paths.ambassador_share(people).set_index("persona")
    # P1 referred P4 and P5: one ambassador among Diego's two people, two referrals.
    assert a.loc["Diego", ["clients", "ambassadeurs", "filleuls"]].tolist() == [2, 1, 2]
    assert a.loc["Diego", "part_ambassadeurs"] == 0.5
    assert a.loc["Max", "part_ambassadeurs"] == 0.0
    with_orders = paths.ambassador_share(people, orders).set_index("persona")
    assert with_orders.index.tolist() == ["Diego", "Max"]  # Eric never ordered
    assert with_orders.loc["Diego", "part_ambassadeurs"] == 1.0


def test_ambassador_share_names_the_missing_column(people):
    with pytest.raises(ValueError, match="parrain"):
        paths.ambassador_share(people.drop(columns="parrain"))


def test_persona_summary(events, orders, people):
    s = paths.persona_summary(events, orders, people).set_index("persona")
    assert s.index.tolist() == ["Diego", "Max"]
    diego = s.loc["Diego"]
    assert diego["clients"] == 1
    assert diego["jours_median_1re_commande"] == 3.0
    assert (diego["contacts_support_avant"], diego["contacts_support_apres"]) == (1.0, 1.0)
    assert diego["motif_principal_avant"] == "taille"
    assert diego["part_commandes_en_ligne"] == 0.5  # e-shop yes, the shop no
    assert diego["part_ambassadeurs"] == 1.0
    assert np.isnan(s.loc["Max", "jours_median_1re_commande"])  # an old client only
    assert s.loc["Max", "part_commandes_en_ligne"] == 1.0  # click & collect is ordered online


# ---------------------------------------------------------------------------
# Invariants on random paths
# ---------------------------------------------------------------------------

STAGE_LISTS = st.lists(st.lists(st.sampled_from(STAGES), min_size=1, max_size=8), min_size=1,
                       max_size=20)


@given(st.lists(st.sampled_from(["a", "b", "c"]), max_size=12))
def test_collapse_repeats_keeps_the_values_and_no_two_in_a_row(values):
    out = paths.collapse_repeats(values)
    assert set(out) == set(values)
    assert all(x != y for x, y in zip(out, out[1:], strict=False))


@settings(max_examples=50, deadline=None)
@given(STAGE_LISTS, st.integers(1, 6), st.sampled_from(["start", "end"]))
def test_every_path_is_counted_once_per_column(steps, max_steps, align):
    p = pd.DataFrame({"etapes": [tuple(s) for s in steps]})
    t = paths.stage_transitions(p, max_steps=max_steps, align=align)
    # People in play in each column = flows out of it (a None exit included) ...
    out_ = t.dropna(subset=["de"]).groupby("colonne")["nb_personnes"].sum()
    kept = [s[-max_steps:] if align == "end" else s[:max_steps] for s in steps]
    for col in range(max_steps):
        if align == "end":
            expected = sum(len(s) >= max_steps - col for s in kept)
        else:
            expected = sum(len(s) > col for s in kept)
        assert out_.get(col, 0) == expected
    # ... and everybody leaves the last column of their path exactly once.
    assert t.loc[t["vers"].isna(), "nb_personnes"].sum() == len(steps)
