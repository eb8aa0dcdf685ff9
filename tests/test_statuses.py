import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from parcours_helpers import statuses as st  # noqa: E402
from parcours_helpers.datasets import STATUSES  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _people():
    return pd.DataFrame({"id_personne": ["P6", "P1", "P2", "P3", "P4", "P5", "P7"]})


def _orders():
    return pd.DataFrame({
        "id_personne": ["P1", "P1", "P2"],
        "date_commande": pd.to_datetime(["2023-05-01 10:00", "2024-06-01 10:00",
                                         "2024-12-31 23:00"]),
    })


def _survey():
    # P1 ordered but says "aucun" besoin: the order wins (rule 1).
    # P3 buys elsewhere with a rare need: buying elsewhere wins (rule 2).
    return pd.DataFrame({
        "id_personne": ["P1", "P3", "P4", "P5", "P6"],
        "date_reponse": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01",
                                        "2024-05-01"]),
        "besoin": ["aucun", "rare", "aucun", "rare", "régulier"],
        "achete_ailleurs": [False, True, False, False, False],
    })


def test_classify_applies_the_rules_in_order():
    c = st.classify(_people(), _orders(), _survey()).set_index("id_personne")
    assert c["statut"].astype(str).to_dict() == {
        "P1": "client",
        "P2": "client",
        "P3": "consommateur concurrent",
        "P4": "non-consommateur absolu",
        "P5": "non-consommateur relatif",
        "P6": "prospect",
        "P7": "prospect",
    }
    assert c.loc["P6", "regle"] == 6 and c.loc["P7", "regle"] == 7  # P7 never answered
    assert c.loc["P1", "regle"] == 2 and c.loc["P3", "regle"] == 3
    assert c.loc["P1", "nb_commandes"] == 2 and c.loc["P7", "nb_commandes"] == 0
    assert pd.isna(c.loc["P7", "besoin"]) and pd.isna(c.loc["P7", "achete_ailleurs"])
    assert list(c["statut"].cat.categories) == STATUSES


def test_classify_at_an_earlier_date_ignores_later_orders_and_answers():
    c = st.classify(_people(), _orders(), _survey(), at="2024-03-01").set_index("id_personne")
    assert c.loc["P1", "nb_commandes"] == 1
    assert c.loc["P2", "statut"] == "prospect" and c.loc["P2", "regle"] == 7
    assert c.loc["P4", "regle"] == 7  # answered on 2024-03-01: not strictly before
    assert c.loc["P3", "statut"] == "consommateur concurrent"


def test_classify_latest_answer_wins_and_same_day_tie_takes_highest_need():
    survey = pd.DataFrame({
        "id_personne": ["P1", "P1", "P2", "P2"],
        "date_reponse": pd.to_datetime(["2023-01-01", "2024-01-01", "2024-01-01", "2024-01-01"]),
        "besoin": ["régulier", "aucun", "régulier", "rare"],
        "achete_ailleurs": [False, False, False, False],
    })
    people = pd.DataFrame({"id_personne": ["P1", "P2"]})
    no_orders = _orders().iloc[0:0]
    c = st.classify(people, no_orders, survey).set_index("id_personne")
    assert c.loc["P1", "statut"] == "non-consommateur absolu"
    assert c.loc["P2", "statut"] == "prospect"
    c2 = st.classify(people, no_orders, survey.iloc[::-1]).set_index("id_personne")
    assert c2["statut"].equals(c["statut"])


def test_classify_client_who_says_later_he_buys_elsewhere_has_left():
    people = pd.DataFrame({"id_personne": ["A", "B", "C", "D"]})
    orders = pd.DataFrame({
        "id_personne": ["A", "B", "C", "C", "D"],
        "date_commande": pd.to_datetime(["2023-03-01 10:00", "2023-03-01 10:00",
                                         "2023-03-01 10:00", "2024-09-01 10:00",
                                         "2024-06-01 10:00"]),
    })
    survey = pd.DataFrame({
        "id_personne": ["A", "B", "C", "D"],
        "date_reponse": pd.to_datetime(["2024-05-01", "2024-05-01", "2024-05-01",
                                        "2024-06-01"]),
        "besoin": ["occasionnel", "occasionnel", "occasionnel", "régulier"],
        "achete_ailleurs": [True, False, True, True],
    })
    c = st.classify(people, orders, survey).set_index("id_personne")
    # A: ordered, then said he buys elsewhere -> left (rule 1)
    assert c.loc["A", "statut"] == "consommateur concurrent" and c.loc["A", "regle"] == 1
    # B: ordered, still buys only here -> client
    assert c.loc["B", "statut"] == "client" and c.loc["B", "regle"] == 2
    # C: said "elsewhere" in May, but ordered again in September -> client again
    assert c.loc["C", "statut"] == "client" and c.loc["C", "nb_commandes"] == 2
    # D: answer on the day of the order is not "after" it -> client
    assert c.loc["D", "statut"] == "client"
    # before C's second order, C had left
    early = st.classify(people, orders, survey, at="2024-08-01").set_index("id_personne")
    assert early.loc["C", "statut"] == "consommateur concurrent"


def test_classify_empty_people_and_bad_input():
    assert st.classify(_people().iloc[0:0], _orders(), _survey()).empty
    with pytest.raises(ValueError, match="« achete_ailleurs »"):
        st.classify(_people(), _orders(), _survey().drop(columns="achete_ailleurs"))
    bad = _survey()
    bad.loc[0, "besoin"] = "souvent"
    with pytest.raises(ValueError, match="« souvent »"):
        st.classify(_people(), _orders(), bad)
    with pytest.raises(ValueError, match="plusieurs fois.*« P1 »"):
        st.classify(pd.concat([_people(), _people().iloc[[1]]]), _orders(), _survey())


def test_rules_table_matches_rules():
    r = st.rules_table()
    assert r["ordre"].tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert r["statut"].tolist()[:2] == ["consommateur concurrent", "client"]
    assert set(r["statut"]) == set(STATUSES)
    assert r["condition"].str.len().gt(10).all()


def test_status_counts_lists_every_status():
    c = st.classify(_people(), _orders(), _survey())
    counts = st.status_counts(c).set_index("statut")
    assert list(counts.index) == STATUSES
    assert counts.loc["client", "nb_personnes"] == 2
    assert counts.loc["prospect", "part"] == round(2 / 7, 3)
    assert counts["nb_personnes"].sum() == 7
    empty = st.status_counts(c.iloc[0:0])
    assert (empty["nb_personnes"] == 0).all() and empty["part"].isna().all()
    with pytest.raises(ValueError, match="« fan »"):
        st.status_counts(pd.DataFrame({"statut": ["fan"]}))


def _history():
    return pd.DataFrame({
        "id_personne": ["A", "A", "B", "C", "C", "D", "E", "E"],
        "date_effet": pd.to_datetime(["2023-01-01", "2023-06-01", "2023-01-01", "2023-01-01",
                                      "2024-02-01", "2024-03-01", "2023-01-01", "2023-01-01"]),
        "statut": ["prospect", "client", "prospect", "non-consommateur relatif", "client",
                   "prospect", "consommateur concurrent", "consommateur concurrent"],
    })


def test_status_at_reads_the_last_change():
    s = st.status_at(_history(), "2023-12-31").set_index("id_personne")["statut"].astype(str)
    assert s.to_dict() == {"A": "client", "B": "prospect", "C": "non-consommateur relatif",
                           "E": "consommateur concurrent"}
    # a change dated on the day already holds
    assert st.status_at(_history(), "2023-06-01").set_index("id_personne").loc["A", "statut"] == "client"
    assert st.status_at(_history(), "2022-01-01").empty


def test_transition_matrix_counts_moves_and_newcomers():
    m = st.transition_matrix(_history(), "2023-01-01", "2025-01-01")
    assert list(m.index) == [st.ABSENT, *STATUSES] and list(m.columns) == STATUSES
    assert m.loc["prospect", "client"] == 1 and m.loc["prospect", "prospect"] == 1
    assert m.loc["non-consommateur relatif", "client"] == 1
    assert m.loc[st.ABSENT, "prospect"] == 1  # D joined in 2024
    assert m.loc["consommateur concurrent", "consommateur concurrent"] == 1
    assert m.to_numpy().sum() == 5
    shares = st.transition_matrix(_history(), "2023-01-01", "2025-01-01", normalize=True)
    assert shares.loc["prospect", "client"] == 0.5
    assert shares.loc["client"].isna().all()  # nobody was a client on day one


def test_transition_matrix_refuses_dates_in_wrong_order_and_handles_empty():
    with pytest.raises(ValueError, match="précéder"):
        st.transition_matrix(_history(), "2024-01-01", "2023-01-01")
    m = st.transition_matrix(_history().iloc[0:0], "2023-01-01", "2024-01-01")
    assert m.shape == (6, 5) and m.to_numpy().sum() == 0


def test_plot_status_flow_draws_one_band_per_nonzero_move():
    m = st.transition_matrix(_history(), "2023-01-01", "2025-01-01")
    ax = st.plot_status_flow(m, "janv. 2023", "janv. 2025")
    assert len(ax.collections) == int((m.to_numpy() > 0).sum())
    assert [t.get_text() for t in ax.get_xticklabels()] == ["janv. 2023", "janv. 2025"]
    texts = [t.get_text() for t in ax.texts]
    assert texts == [f"{st.ABSENT} (1)", "consommateur concurrent (1)", "prospect (2)",
                     "non-consommateur relatif (1)",  # left column, then right column
                     "client (2)", "consommateur concurrent (1)", "prospect (2)"]
    assert ax.get_title()
    with pytest.raises(ValueError, match="transition_matrix"):
        st.plot_status_flow(m * -1)


def test_plot_status_flow_empty_matrix():
    m = st.transition_matrix(_history().iloc[0:0], "2023-01-01", "2024-01-01")
    ax = st.plot_status_flow(m)
    assert not ax.collections and not ax.texts


def _spend():
    return pd.DataFrame({
        "mois": pd.to_datetime(["2022-12-01", "2023-01-01", "2023-02-01", "2025-01-01"]),
        "canal_marketing": ["blog", "blog", "radio", "blog"],
        "depense_eur": [999.0, 200.0, 100.0, 999.0],
    })


def test_conversion_cost_shares_budget_per_head_and_ranks():
    c = st.conversion_cost_by_status(_history(), _spend(), "2023-01-01", "2025-01-01")
    c = c.set_index("statut")
    # 300 € over the 4 non-clients of day one (A, B, C, E): 75 € per head
    assert c.loc["prospect", "nb_personnes"] == 2 and c.loc["prospect", "nb_convertis"] == 1
    assert c.loc["prospect", "budget_alloue_eur"] == 150.0
    assert c.loc["prospect", "cout_par_conversion_eur"] == 150.0
    assert c.loc["non-consommateur relatif", "cout_par_conversion_eur"] == 75.0
    assert c.loc["non-consommateur relatif", "priorite"] == 1
    assert c.loc["prospect", "priorite"] == 2
    # no conversion: cost undefined, last; empty statuses too
    assert np.isnan(c.loc["consommateur concurrent", "cout_par_conversion_eur"])
    assert c.loc["consommateur concurrent", "priorite"] == 3
    assert c.loc["non-consommateur absolu", "nb_personnes"] == 0
    assert c["budget_alloue_eur"].sum() == 300.0
    assert "client" not in c.index


def test_conversion_cost_ties_share_a_rank():
    hist = pd.DataFrame({
        "id_personne": ["A", "A", "B", "B"],
        "date_effet": pd.to_datetime(["2023-01-01", "2023-05-01", "2023-01-01", "2023-05-01"]),
        "statut": ["prospect", "client", "consommateur concurrent", "client"],
    })
    c = st.conversion_cost_by_status(hist, _spend(), "2023-01-01", "2024-01-01")
    top = c[c["priorite"] == 1]
    assert top["statut"].tolist() == ["consommateur concurrent", "prospect"]
    assert (top["cout_par_conversion_eur"] == 150.0).all()


def test_conversion_cost_missing_column_and_empty_history():
    with pytest.raises(ValueError, match="« depense_eur »"):
        st.conversion_cost_by_status(_history(), _spend().drop(columns="depense_eur"),
                                     "2023-01-01", "2025-01-01")
    c = st.conversion_cost_by_status(_history().iloc[0:0], _spend(), "2023-01-01", "2025-01-01")
    assert (c["nb_personnes"] == 0).all() and (c["budget_alloue_eur"] == 0).all()


def test_status_over_time_counts_people_present_on_each_date():
    t = st.status_over_time(_history(), "2023-01-01", "2024-04-01", freq="QS")
    assert list(t.columns) == STATUSES
    assert t.index[0] == pd.Timestamp("2023-01-01") and t.index[-1] == pd.Timestamp("2024-04-01")
    first, last = t.iloc[0], t.iloc[-1]
    # day one: A, B prospects; C relative; E competitor (listed twice, counted once)
    assert first.to_dict() == {"client": 0, "consommateur concurrent": 1, "prospect": 2,
                               "non-consommateur relatif": 1, "non-consommateur absolu": 0}
    # April 2024: A and C clients, B and D prospects, E competitor
    assert last.to_dict() == {"client": 2, "consommateur concurrent": 1, "prospect": 2,
                              "non-consommateur relatif": 0, "non-consommateur absolu": 0}
    assert t.loc["2023-07-01", "client"] == 1  # A converted on 2023-06-01
    assert t.sum(axis=1).is_monotonic_increasing  # nobody leaves the base


def test_status_over_time_empty_and_bad_dates():
    t = st.status_over_time(_history().iloc[0:0], "2023-01-01", "2023-03-01")
    assert t.shape == (3, 5) and t.to_numpy().sum() == 0
    with pytest.raises(ValueError, match="précéder"):
        st.status_over_time(_history(), "2024-01-01", "2023-01-01")
    with pytest.raises(ValueError, match="« date_effet »"):
        st.status_over_time(_history().drop(columns="date_effet"), "2023-01-01", "2023-03-01")


def test_plot_status_over_time_draws_one_area_per_status():
    t = st.status_over_time(_history(), "2023-01-01", "2024-04-01")
    ax = st.plot_status_over_time(t)
    assert len(ax.collections) == len(STATUSES)
    assert [x.get_text() for x in ax.get_legend().get_texts()] == STATUSES[::-1]
    assert ax.get_ylabel() == "personnes"
    with pytest.raises(ValueError, match="« prospect »"):
        st.plot_status_over_time(t.drop(columns="prospect"))


def test_plot_transition_matrix_writes_every_count():
    m = st.transition_matrix(_history(), "2023-01-01", "2025-01-01")
    ax = st.plot_transition_matrix(m)
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == m.size
    assert texts[:5] == ["0", "0", "1", "0", "0"]  # newcomers: D is a prospect
    assert [t.get_text() for t in ax.get_yticklabels()] == list(m.index)
    with pytest.raises(ValueError, match="transition_matrix"):
        st.plot_transition_matrix(m * -1)
    empty = st.transition_matrix(_history().iloc[0:0], "2023-01-01", "2024-01-01")
    assert len(st.plot_transition_matrix(empty).texts) == empty.size


def test_estimate_unknown_spreads_the_unknown_like_the_respondents():
    classified = pd.DataFrame({
        "statut": ["client", "consommateur concurrent", "prospect", "prospect",
                   "non-consommateur absolu", "prospect", "prospect", "prospect", "prospect"],
        "regle": [2, 3, 6, 6, 4, 7, 7, 7, 7],
    })
    e = st.estimate_unknown(classified).set_index("statut")
    assert list(e.index) == [s for s in STATUSES if s != "client"]
    # 4 respondents: 1 competitor, 2 prospects, 1 absolute; 4 unknown people
    assert e.loc["prospect", "part_repondants"] == 0.5
    assert e.loc["prospect", "nb_inconnus_estime"] == 2
    assert e.loc["prospect", "nb_total_estime"] == 4
    assert e.loc["consommateur concurrent", "nb_inconnus_estime"] == 1
    assert e.loc["non-consommateur relatif", "nb_repondants"] == 0
    assert e["nb_inconnus_estime"].sum() == 4


def test_estimate_unknown_without_respondents_and_bad_input():
    nobody = pd.DataFrame({"statut": ["prospect", "client"], "regle": [7, 2]})
    e = st.estimate_unknown(nobody)
    assert e["part_repondants"].isna().all() and e["nb_inconnus_estime"].isna().all()
    with pytest.raises(ValueError, match="« regle »"):
        st.estimate_unknown(nobody.drop(columns="regle"))


def test_plot_status_counts_one_bar_per_status_in_order():
    counts = st.status_counts(st.classify(_people(), _orders(), _survey()))
    ax = st.plot_status_counts(counts)
    assert [t.get_text() for t in ax.get_yticklabels()] == STATUSES
    assert [round(p.get_width()) for p in ax.patches] == [2, 1, 2, 1, 1]
    with pytest.raises(ValueError, match="« nb_personnes »"):
        st.plot_status_counts(counts.drop(columns="nb_personnes"))


def test_plot_conversion_cost_labels_costs_and_no_conversion():
    c = st.conversion_cost_by_status(_history(), _spend(), "2023-01-01", "2025-01-01")
    ax = st.plot_conversion_cost(c)
    texts = [t.get_text().strip() for t in ax.texts]
    assert texts == ["75\u202f€", "150\u202f€", "aucune conversion", "aucune conversion"]
    assert ax.get_xlim()[1] == pytest.approx(1.25 * 150)
    nothing = c.assign(cout_par_conversion_eur=np.nan)
    assert st.plot_conversion_cost(nothing).get_xlim() == (0.0, 1.0)
    with pytest.raises(ValueError, match="« cout_par_conversion_eur »"):
        st.plot_conversion_cost(c.drop(columns="cout_par_conversion_eur"))
