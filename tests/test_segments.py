import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from parcours_helpers import segments

REF = pd.Timestamp("2025-01-01")


def people():
    return pd.DataFrame({
        "id_personne": ["B", "A", "C"],
        "maturite_mode": pd.Categorical(["débutant", "expert", "intermédiaire"],
                                        categories=["débutant", "intermédiaire", "expert"],
                                        ordered=True),
        "date_entree": pd.to_datetime(["2024-12-02", "2024-06-01", "2024-10-02"]),
    })


def orders():
    return pd.DataFrame({
        "id_personne": ["A", "A", "C"],
        "date_commande": pd.to_datetime(["2024-03-01 10:00:00", "2024-09-01 18:30:00",
                                         "2025-01-05 09:00:00"]),
        "canal": pd.Categorical(["e-shop", "boutique", "click & collect"]),
        "montant_ttc": [100.0, 50.0, 80.0],
        "collaboration": [True, False, False],
    })


def events():
    return pd.DataFrame({
        "id_personne": ["A", "A", "A", "A", "C"],
        "horodatage": pd.to_datetime(["2024-02-10 08:00:00", "2024-05-01 12:00:00",
                                      "2024-07-01 12:00:00", "2024-07-02 12:00:00",
                                      "2024-11-01 12:00:00"]),
        "point_de_contact": ["blog", "blog", "chat", "blog", "service client e-mail"],
    })


def test_client_history_on_paper():
    h = segments.client_history(people(), orders(), events(), reference_date=REF)
    assert list(h.index) == ["A", "B", "C"]
    a = h.loc["A"]
    assert a["nb_commandes"] == 2 and a["montant_total"] == 150.0 and a["panier_moyen"] == 75.0
    assert a["achats_collaboration"] == 1
    assert a["lectures_blog"] == 3 and a["contacts_service_client"] == 1
    # first contact: the blog read of 2024-02-10, before the entry date and the first order
    assert a["anciennete_jours"] == (REF - pd.Timestamp("2024-02-10")).days
    assert a["part_eshop"] == 0.5 and a["part_boutique"] == 0.5 and a["part_click_collect"] == 0.0


def test_person_without_order_or_event_keeps_a_row():
    h = segments.client_history(people(), orders(), events(), reference_date=REF)
    b = h.loc["B"]
    assert b["nb_commandes"] == 0 and b["montant_total"] == 0.0 and np.isnan(b["panier_moyen"])
    assert b["lectures_blog"] == 0 and b["contacts_service_client"] == 0
    assert b["anciennete_jours"] == 30
    assert np.isnan(b["part_eshop"])


def test_orders_after_reference_date_are_ignored():
    h = segments.client_history(people(), orders(), events(), reference_date=REF)
    c = h.loc["C"]
    assert c["nb_commandes"] == 0 and c["contacts_service_client"] == 1
    assert c["anciennete_jours"] == (REF - pd.Timestamp("2024-10-02")).days


def test_client_history_rejects_duplicates_and_missing_columns():
    dup = pd.concat([people(), people().iloc[[0]]])
    with pytest.raises(ValueError, match="deux fois l'identifiant « B »"):
        segments.client_history(dup, orders(), events())
    with pytest.raises(ValueError, match="« collaboration »"):
        segments.client_history(people(), orders().drop(columns="collaboration"), events())


@pytest.mark.parametrize("args,expected", [
    # (maturite_mode, nb_commandes, lectures_blog, achats_collaboration)
    (("expert", 1, 0, 1), "Puriste"),            # one collaboration purchase is enough
    (("expert", 1, 20, 0), "Puriste"),           # or 20 blog reads (threshold included)
    (("expert", 1, 19, 0), "Nouveau"),           # 19 reads, one order: not yet
    (("expert", 3, 19, 0), "Habitué"),           # an expert who comes back, no collab
    (("intermédiaire", 5, 400, 3), "Habitué"),   # not expert: never Puriste
    (("débutant", 2, 10, 0), "Habitué"),         # both thresholds included
    (("débutant", 2, 9, 0), "Nouveau"),          # knows the blog too little
    (("débutant", 1, 900, 0), "Nouveau"),        # one order only
    (("débutant", 0, 0, 0), "Nouveau"),          # no order at all
])
def test_segment_rule_cases(args, expected):
    assert segments.segment_rule(*args) == expected


def test_segment_rule_thresholds_are_parameters():
    assert segments.segment_rule("débutant", 1, 5, 0) == "Nouveau"
    assert segments.segment_rule("débutant", 1, 5, 0, min_orders_regular=1,
                                 min_blog_regular=5) == "Habitué"
    assert segments.segment_rule("expert", 1, 0, 1, min_collab_purist=2) == "Nouveau"


def test_hybrid_segments_agrees_with_the_one_client_rule_everywhere():
    grid = list(itertools.product(["débutant", "intermédiaire", "expert"], [0, 1, 2, 5],
                                  [0, 9, 10, 19, 20], [0, 1, 2]))
    h = pd.DataFrame(grid, columns=segments.RULE_COLUMNS)
    out = segments.hybrid_segments(h)
    expected = [segments.segment_rule(*row) for row in grid]
    assert out["segment"].astype(str).tolist() == expected
    assert out["prenom"].tolist() == [{"Nouveau": "Diego", "Habitué": "Max",
                                       "Puriste": "Eric"}[s] for s in expected]
    strict = segments.hybrid_segments(h, min_collab_purist=2, min_blog_regular=0)
    assert strict["segment"].astype(str).tolist() == [
        segments.segment_rule(*row, min_collab_purist=2, min_blog_regular=0) for row in grid]


def test_hybrid_segments_says_which_rule_fired_and_keeps_index():
    h = pd.DataFrame({"maturite_mode": ["expert", "expert", "débutant", "débutant"],
                      "nb_commandes": [1, 1, 3, 0], "lectures_blog": [0, 25, 12, 30],
                      "achats_collaboration": [1, 0, 0, 0], "autre": [1, 2, 3, 4]},
                     index=pd.Index(["p1", "p2", "p3", "p4"], name="id_personne"))
    out = segments.hybrid_segments(h)
    assert list(out.index) == ["p1", "p2", "p3", "p4"]
    assert out["segment"].astype(str).tolist() == ["Puriste", "Puriste", "Habitué", "Nouveau"]
    assert out.loc["p1", "regle"] == "expert et ≥ 1 achat(s) de collaboration"
    assert out.loc["p2", "regle"] == "expert et ≥ 20 lectures du blog"
    assert out.loc["p3", "regle"] == "≥ 2 commandes ET ≥ 10 lectures du blog"
    assert out.loc["p4", "regle"].startswith("aucune des règles")
    assert list(out["segment"].cat.categories) == ["Nouveau", "Habitué", "Puriste"]
    assert "autre" not in out.columns


def test_hybrid_segments_on_empty_table_and_bad_input():
    empty = pd.DataFrame({c: [] for c in segments.RULE_COLUMNS})
    out = segments.hybrid_segments(empty)
    assert len(out) == 0 and "segment" in out.columns
    bad = pd.DataFrame({"maturite_mode": ["pro"], "nb_commandes": [1],
                        "lectures_blog": [0], "achats_collaboration": [0]})
    with pytest.raises(ValueError, match="Maturité mode inconnue : « pro »"):
        segments.hybrid_segments(bad)
    with pytest.raises(ValueError, match="« lectures_blog »"):
        segments.hybrid_segments(bad.drop(columns="lectures_blog"))


def test_rules_table_shows_the_thresholds():
    t = segments.rules_table(min_blog_purist=7)
    assert t["segment"].tolist() == ["Puriste", "Habitué", "Nouveau"]
    assert t["personnage"].tolist() == ["Eric", "Max", "Diego"]
    assert "≥ 7 lectures" in t.loc[0, "connaissance de la marque"]
    assert "≥ 2 commandes" in t.loc[1, "connaissance de la marque"]


def test_rfm_channel_features():
    rfm = pd.DataFrame({"frequency": [1.0, 0.0], "recency": [184.0, 0.0], "T": [306.0, 10.0],
                        "monetary_value": [50.0, 0.0]}, index=["A", "C"])
    hist = pd.DataFrame({"panier_moyen": [75.0, 80.0], "part_eshop": [0.5, 0.0],
                         "part_boutique": [0.5, 0.0], "part_click_collect": [0.0, 1.0]},
                        index=["C", "A"])
    f = segments.rfm_channel_features(rfm, hist)
    assert list(f.columns) == segments.FEATURE_COLUMNS
    assert f.loc["A", "jours_depuis_dernier_achat"] == 122.0
    assert f.loc["C", "jours_depuis_dernier_achat"] == 10.0
    assert f.loc["A", "panier_moyen"] == 80.0 and f.loc["A", "part_click_collect"] == 1.0
    with pytest.raises(ValueError, match="« Z »"):
        segments.rfm_channel_features(rfm.rename(index={"A": "Z"}), hist)


def test_kmeans_finds_two_obvious_groups_and_is_reproducible():
    X = np.array([[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10]], dtype=float)
    labels, centres, inertia = segments.kmeans(X, 2, seed=3)
    assert labels[0] == labels[1] == labels[2] != labels[3] == labels[4] == labels[5]
    assert sorted(centres[:, 0].round(3).tolist()) == [0.333, 10.333]
    # each group: squared distances to the centre (1/3, 1/3) sum to 4/3
    assert inertia == pytest.approx(8 / 3)
    again = segments.kmeans(X, 2, seed=3)
    assert (again[0] == labels).all()


def test_kmeans_edge_cases():
    X = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 9.0]])
    labels, centres, inertia = segments.kmeans(X, 1)
    assert (labels == 0).all() and np.allclose(centres[0], X.mean(axis=0))
    same = np.ones((4, 2))
    labels, _, inertia = segments.kmeans(same, 2)
    assert inertia == 0.0 and len(labels) == 4
    with pytest.raises(ValueError, match="entre 1 et 3"):
        segments.kmeans(X, 4)
    with pytest.raises(ValueError, match="NaN"):
        segments.kmeans([[1.0], [np.nan]], 1)


def test_cluster_clients_names_groups_by_size_and_handles_constant_column():
    f = pd.DataFrame({"x": [0.0, 0.1, 0.2, 5.0, 5.1], "constante": [1.0] * 5},
                     index=list("abcde"))
    out = segments.cluster_clients(f, k=2, seed=0)
    assert out.loc[["a", "b", "c"], "groupe"].eq("groupe 1").all()
    assert out.loc[["d", "e"], "groupe"].eq("groupe 2").all()
    with pytest.raises(ValueError, match="non numérique"):
        segments.cluster_clients(f.assign(nom="x"), k=2)


def test_confusion_table_counts_orders_and_keeps_zeros():
    truth = pd.Series(["Puriste", "Nouveau", "Nouveau", "Habitué"], index=list("abcd"))
    found = pd.Series(["groupe 2", "groupe 1", "groupe 1", "groupe 1", "groupe 3"],
                      index=list("abcde"))
    t = segments.confusion_table(truth, found, "simulé", "k-means")
    assert list(t.index) == ["Nouveau", "Habitué", "Puriste"]
    assert list(t.columns) == ["groupe 1", "groupe 2"]  # "e" has no truth: not counted
    assert t.loc["Nouveau", "groupe 1"] == 2 and t.loc["Puriste", "groupe 1"] == 0
    assert int(t.to_numpy().sum()) == 4
    assert t.index.name == "simulé" and t.columns.name == "k-means"
    with pytest.raises(ValueError, match="aucun client en commun"):
        segments.confusion_table(truth, pd.Series(["x"], index=["z"]))


def test_match_clusters_finds_the_best_one_to_one_pairing():
    # greedy on the biggest cell (Nouveau/g1 = 10) would give 10 + 0 = 10; best is 9 + 9 = 18
    t = pd.DataFrame([[10, 9], [9, 0]], index=["Nouveau", "Habitué"], columns=["g1", "g2"])
    assert segments.match_clusters(t) == {"g2": "Nouveau", "g1": "Habitué"}
    # more clusters than segments: g2 gets no segment
    three = pd.DataFrame([[5, 0, 0], [0, 0, 4]], index=["Nouveau", "Puriste"],
                         columns=["g1", "g2", "g3"])
    assert segments.match_clusters(three) == {"g1": "Nouveau", "g3": "Puriste"}
    # more segments than clusters: the LAST row (Puriste) must be reachable too
    two = pd.DataFrame([[1, 0], [0, 1], [7, 8]], index=["Nouveau", "Habitué", "Puriste"],
                       columns=["g1", "g2"])
    # pairings (g1, g2): Nouveau+Puriste = 1 + 8 = 9 beats Puriste+Habitué = 7 + 1 = 8
    assert segments.match_clusters(two) == {"g1": "Nouveau", "g2": "Puriste"}
    with pytest.raises(ValueError, match="au plus 8"):
        segments.match_clusters(pd.DataFrame(np.eye(9)))


def test_agreement_rate():
    a = pd.Series(["Nouveau", "Habitué", "Puriste"], index=[1, 2, 3])
    b = pd.Series(["Nouveau", "Puriste", "Puriste", "Nouveau"], index=[1, 2, 3, 4])
    assert segments.agreement_rate(a, b) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="aucun client en commun"):
        segments.agreement_rate(a, pd.Series(["Nouveau"], index=[9]))


def test_plot_average_vs_distributions():
    h = pd.DataFrame({"nb_commandes": [1, 1, 6, 7], "contacts_service_client": [3, 4, 0, 0],
                      "lectures_blog": [5, 6, 12, 44],
                      "panier_moyen": [60.0, np.nan, 150.0, 140.0],
                      "segment": ["Nouveau", "Nouveau", "Habitué", "Puriste"]})
    fig = segments.plot_average_vs_distributions(h)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 4
    mean_line = axes[0].lines[0]
    assert mean_line.get_xdata()[0] == pytest.approx(3.75)
    assert "client moyen" in axes[0].texts[0].get_text()
    assert axes[3].get_xlabel() == "panier moyen (€)"
    # a client without order has no basket: the mean is over the 3 others
    assert axes[3].lines[0].get_xdata()[0] == pytest.approx((60 + 150 + 140) / 3)
    plt.close(fig)
    fig = segments.plot_average_vs_distributions(h, {"nb_commandes": "commandes (nombre)"},
                                                 hue="segment")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["Nouveau", "Habitué", "Puriste"]
    plt.close(fig)
    with pytest.raises(ValueError, match="vide"):
        segments.plot_average_vs_distributions(h.iloc[:0])
