import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from parcours_helpers import style  # noqa: E402
from parcours_helpers.datasets import STAGES  # noqa: E402
from parcours_helpers.journeys import plot_timeline  # noqa: E402
from parcours_helpers.journeys.timeline import (  # noqa: E402
    _labels,
    example_person,
    is_order,
    person_events,
)


def _title(ax):
    """The title whatever its location (style.apply() puts it on the left)."""
    return ax.get_title("left") or ax.get_title("center") or ax.get_title("right")


def _events():
    return pd.DataFrame({
        "id_personne": ["P1", "P1", "P1", "P1", "P2", "P3"],
        "horodatage": pd.to_datetime([
            "2024-03-10 10:00", "2024-01-05 09:00", "2024-02-01 12:00", "2024-03-20 08:00",
            "2024-01-01 00:00", "2024-05-01 00:00",
        ]),
        "point_de_contact": ["e-shop", "avis d'un proche", "boutique", "livraison", "flyer", "blog"],
        "forme": ["virtuel", "bouche-à-oreille", "physique", "physique", "physique", "virtuel"],
        "etape": ["achat", "besoin", "considération", "livraison", "découverte", "découverte"],
        "id_commande": ["C1", None, None, "C1", None, None],
    })


def _people():
    return pd.DataFrame({
        "id_personne": ["P3", "P2", "P1"],
        "persona_simulee": [None, None, "Nouveau"],
    })


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_person_events_sorted_in_time_with_order_flag():
    j = person_events(_events(), "P1")
    assert j["point_de_contact"].tolist() == ["avis d'un proche", "boutique", "e-shop", "livraison"]
    # the delivery carries the order number but is not the order itself
    assert j["commande"].tolist() == [False, False, True, False]
    assert list(j.index) == [0, 1, 2, 3]


def test_person_with_no_event_gives_empty_table_with_columns():
    j = person_events(_events(), "P9")
    assert j.empty
    assert {"horodatage", "etape", "forme", "commande"} <= set(j.columns)


def test_missing_column_is_named():
    with pytest.raises(ValueError, match="« etape »"):
        person_events(_events().drop(columns="etape"), "P1")


def test_is_order_on_empty_table():
    empty = _events().iloc[0:0]
    assert is_order(empty).empty


def test_example_person_is_first_matching_id():
    ev, people = _events(), _people()
    assert example_person(people, ev) == "P1"
    assert example_person(people, ev, ordered=False) == "P2"
    assert example_person(people, ev, touchpoints=["blog"]) == "P3"
    assert example_person(people, ev, criteria={"persona_simulee": "Nouveau"},
                          touchpoints=["boutique"], ordered=True) == "P1"
    assert example_person(people, ev, min_events=2) == "P1"
    assert example_person(people, ev, max_events=1) == "P2"


def test_example_person_tie_is_broken_alphabetically():
    ev = _events()
    ev["id_personne"] = ev["id_personne"].replace({"P3": "P0"})
    people = _people().replace({"P3": "P0"})
    # P0 and P2 both never ordered and have one event: the alphabetical first wins
    assert example_person(people, ev, ordered=False) == "P0"


def test_example_person_without_match_says_why():
    with pytest.raises(ValueError, match="« chat »"):
        example_person(_people(), _events(), touchpoints=["chat"])
    with pytest.raises(ValueError, match="au plus 0 événement"):
        example_person(_people(), _events(), max_events=0)
    with pytest.raises(ValueError, match="« persona_simulee »"):
        example_person(_people().drop(columns="persona_simulee"), _events(),
                       criteria={"persona_simulee": "Nouveau"})


def test_plot_timeline_draws_each_event_at_its_stage_and_colour():
    ax = plot_timeline(_events(), "P1")
    assert _title(ax) == "Parcours de la personne P1"
    assert ax.get_ylabel() == "étape du parcours"
    assert [t.get_text() for t in ax.get_yticklabels()] == STAGES
    # one scatter for the orders, then one per form present
    points = [c for c in ax.collections if len(c.get_offsets())]
    order_pts, *form_pts = points
    assert len(order_pts.get_offsets()) == 1
    assert order_pts.get_offsets()[0][1] == STAGES.index("achat")
    drawn_y = sorted(y for c in form_pts for _, y in c.get_offsets())
    assert drawn_y == sorted(STAGES.index(s) for s in ["achat", "besoin", "considération", "livraison"])
    colours = {matplotlib.colors.to_hex(c.get_facecolor()[0]) for c in form_pts}
    assert colours == {style.FORM_COLOURS[f] for f in ["virtuel", "bouche-à-oreille", "physique"]}
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["virtuel", "physique", "bouche-à-oreille", "commande"]
    assert len(ax.texts) == 4  # four stages, one event each: one name per event


def test_plot_timeline_uses_french_dates_and_given_axes():
    fig, ax = plt.subplots()
    out = plot_timeline(_events(), "P1", ax=ax, annotate=False, title="Le parcours de Diego")
    assert out is ax and _title(ax) == "Le parcours de Diego"
    fig.canvas.draw()
    ticks = " ".join(t.get_text() for t in ax.get_xticklabels())
    assert "janv." in ticks or "févr." in ticks or "mars" in ticks
    assert not ax.texts


def test_plot_timeline_single_event_and_long_journey():
    ax = plot_timeline(_events(), "P2")
    assert len(ax.collections[1].get_offsets()) == 1
    rng = np.random.default_rng(0)
    n = 40
    long = pd.DataFrame({
        "id_personne": ["L"] * n,
        "horodatage": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, n), "D"),
        "point_de_contact": ["blog"] * n,
        "forme": ["virtuel"] * n,
        "etape": rng.choice(STAGES, n),
        "id_commande": [None] * n,
    })
    ax = plot_timeline(long, "L")
    assert not ax.texts  # too many events to annotate
    ax.figure.canvas.draw()
    assert any("2023" in t.get_text() for t in ax.get_xticklabels())


def test_plot_timeline_person_without_event_is_a_clear_error():
    with pytest.raises(ValueError, match="Aucun événement pour la personne « P9 ».*« P1 »"):
        plot_timeline(_events(), "P9")
    with pytest.raises(ValueError, match="vide"):
        plot_timeline(_events().iloc[0:0], "P1")


def test_plot_timeline_unknown_stage_is_refused():
    ev = _events()
    ev.loc[0, "etape"] = "paiement"
    with pytest.raises(ValueError, match="« paiement »"):
        plot_timeline(ev, "P1")


def test_labels_group_close_events_of_a_stage():
    # days 0, 1, 2 on stage 2 (blog, chat, blog), day 50 on stage 2, day 1 on stage 0
    x = [0.0, 1.0, 2.0, 50.0, 1.0]
    y = [2.0, 2.0, 2.0, 2.0, 0.0]
    names = ["blog", "chat", "blog", "e-shop", "flyer"]
    labels = _labels(x, y, names, gap=5)
    assert labels == [(0.0, 2.0, "blog, chat (3 contacts)"), (1.0, 0.0, "flyer"),
                      (50.0, 2.0, "e-shop")]
    many = _labels([0.0, 1.0, 2.0], [1.0] * 3, ["a", "b", "c"], gap=5)
    assert many == [(0.0, 1.0, "a, b,\nc (3 contacts)")]
    assert _labels([], [], []) == []


def test_plot_timeline_after_style_apply_keeps_labels_apart():
    with matplotlib.rc_context():  # the course style, undone after the test
        style.apply()
        ev = pd.DataFrame({
            "id_personne": ["P"] * 4,
            "horodatage": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-02-20", "2024-06-01"]),
            "point_de_contact": ["Facebook", "affiche, très longue étiquette", "Facebook", "blog"],
            "forme": ["virtuel", "physique", "virtuel", "virtuel"],
            "etape": ["découverte"] * 4,
            "id_commande": [None] * 4,
        })
        ax = plot_timeline(ev, "P")
        assert _title(ax) == "Parcours de la personne P"
        # the second label would run into the third: one of them goes below the line
        assert sorted(t.get_va() for t in ax.texts[1:3]) == ["bottom", "top"]
        ticks = [t for t in ax.get_xticklabels() if t.get_text()]
        assert 2 <= len(ticks) <= 7


def test_journey_summary_on_paper():
    from parcours_helpers.journeys.timeline import journey_summary

    s = journey_summary(_events(), ["P1", "P2", "P9"])
    assert list(s.index) == ["P1", "P2", "P9"]
    # P1: avis (5 jan), boutique (1 feb), order on the e-shop (10 mar), delivery (20 mar)
    assert s.loc["P1", "nb_contacts"] == 4 and s.loc["P1", "nb_commandes"] == 1
    assert s.loc["P1", "nb_contacts_avant_commande"] == 2
    assert s.loc["P1", "jours_avant_commande"] == 65.0  # 5 jan 09:00 → 10 mar 10:00
    assert s.loc["P1", "formes"] == "virtuel, physique, bouche-à-oreille"
    assert s.loc["P1", "etapes_jamais_atteintes"] == "découverte, usage, fidélisation"
    # P2 never ordered: every contact counts as "before", no delay
    assert s.loc["P2", "nb_contacts_avant_commande"] == 1
    assert np.isnan(s.loc["P2", "jours_avant_commande"]) and pd.isna(s.loc["P2", "premiere_commande"])
    # P9 has no event: a row of zeros, every stage missing
    assert s.loc["P9", "nb_contacts"] == 0 and s.loc["P9", "formes"] == ""
    assert s.loc["P9", "etapes_jamais_atteintes"] == ", ".join(STAGES)
    assert journey_summary(_events(), []).empty
