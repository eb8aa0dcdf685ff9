import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from parcours_helpers import cohorts  # noqa: E402
from parcours_helpers.style import NNBSP  # noqa: E402

NAN = float("nan")


def orders(rows):
    return pd.DataFrame(rows, columns=["id_personne", "date_commande"]).assign(
        date_commande=lambda d: pd.to_datetime(d["date_commande"]))


def example():
    # a: Jan, Feb, Apr; b: Jan; c: twice in Feb; d: Mar. Last order: April.
    return orders([("a", "2024-01-05"), ("b", "2024-01-20"), ("a", "2024-02-10"),
                   ("c", "2024-02-01"), ("c", "2024-02-15"), ("d", "2024-03-03"),
                   ("a", "2024-04-01")])


def test_retention_table_by_hand():
    t = cohorts.retention_table(example())
    assert [str(p) for p in t.index] == ["2024-01", "2024-02", "2024-03"]
    assert t.columns.tolist() == [0, 1, 2, 3]
    np.testing.assert_allclose(t.to_numpy(), [
        [0.0, 0.5, 0.0, 0.5],   # Jan (a, b): a again in Feb and April
        [1.0, 0.0, 0.0, NAN],   # Feb (c): a second order in Feb; May not observed
        [0.0, 0.0, NAN, NAN],   # Mar (d)
    ])
    assert t.loc["2024-01", 1] == 0.5


def test_row_order_does_not_matter():
    shuffled = example().sample(frac=1, random_state=3)
    pd.testing.assert_frame_equal(cohorts.retention_table(shuffled),
                                  cohorts.retention_table(example()))


def test_cohort_with_one_customer():
    t = cohorts.retention_table(orders([("z", "2023-11-30"), ("z", "2024-01-02")]))
    assert [str(p) for p in t.index] == ["2023-11"]
    np.testing.assert_allclose(t.to_numpy(), [[0.0, 0.0, 1.0]])  # across the new year


def test_single_order_gives_a_single_zero_cell():
    t = cohorts.retention_table(orders([("z", "2024-06-10")]))
    assert t.shape == (1, 1) and t.iloc[0, 0] == 0.0


def test_end_date_extends_the_observed_window():
    t = cohorts.retention_table(example(), end="2024-05-31")
    assert t.columns.tolist() == [0, 1, 2, 3, 4]
    assert t.loc["2024-02", 3] == 0.0 and t.loc["2024-01", 4] == 0.0
    assert np.isnan(t.loc["2024-03", 3])
    cut = cohorts.retention_table(example(), end="2024-02-29")
    assert [str(p) for p in cut.index] == ["2024-01", "2024-02"]  # March cohort not born yet
    assert cut.loc["2024-01", 1] == 0.5 and cut.columns.tolist() == [0, 1]


def test_quarters_and_text_dates():
    raw = pd.DataFrame({"client": ["a", "a", "b"],
                        "jour": ["2024-01-05", "2024-04-10", "2024-02-01"]})
    t = cohorts.retention_table(raw, customer_col="client", date_col="jour", period="Q")
    assert [str(p) for p in t.index] == ["2024Q1"]
    np.testing.assert_allclose(t.to_numpy(), [[0.0, 0.5]])


def test_cohort_sizes_count_distinct_customers():
    sizes = cohorts.cohort_sizes(example())
    assert sizes.name == "clients" and sizes.index.name == "cohorte"
    assert sizes.tolist() == [2, 1, 1]
    assert [str(p) for p in sizes.index] == ["2024-01", "2024-02", "2024-03"]


@pytest.mark.parametrize("frame, kwargs, fragment", [
    (orders([]), {}, "vide"),
    (orders([("a", "2024-01-01")]).rename(columns={"date_commande": "date"}), {},
     "« date_commande »"),
    (orders([("a", "2024-01-01"), (None, "2024-02-01")]), {}, "1 commande(s) sans client"),
    (orders([("a", "2024-01-01"), ("b", None)]), {}, "1 commande(s) sans date"),
    (pd.DataFrame({"id_personne": ["a"], "date_commande": ["pas une date"]}), {},
     "doit contenir des dates"),
    (orders([("a", "2024-01-01")]), {"period": "Y"}, "Période inconnue"),
    (orders([("a", "2024-03-01")]), {"end": "2024-01-01"}, "précède la première commande"),
])
def test_retention_rejects_bad_input_in_french(frame, kwargs, fragment):
    with pytest.raises(ValueError) as exc:
        cohorts.retention_table(frame, **kwargs)
    assert fragment in str(exc.value)


def test_period_labels_are_french():
    assert cohorts.period_label(pd.Period("2024-08", freq="M")) == "août 2024"
    assert cohorts.period_label(pd.Period("2024Q3", freq="Q")) == "T3 2024"
    assert cohorts.period_label(pd.Period("2024-01-03", freq="W")) == "sem. du 01/01/2024"


def test_plot_retention_labels_and_percent_annotations():
    t = cohorts.retention_table(example())
    ax = cohorts.plot_retention(t, sizes=cohorts.cohort_sizes(example()))
    rows = [lab.get_text() for lab in ax.get_yticklabels()]
    assert rows == ["janv. 2024 (n = 2)", "févr. 2024 (n = 1)", "mars 2024 (n = 1)"]
    cells = [txt.get_text() for txt in ax.texts]
    assert f"50{NNBSP}%" in cells and f"100{NNBSP}%" in cells
    assert len(cells) == int(t.notna().sum().sum())  # unobserved cells stay blank
    assert "mois" in ax.get_xlabel() and "cohorte" in ax.get_ylabel() and ax.get_title()
    plt.close("all")


def test_plot_retention_rejects_a_frame_that_is_not_a_retention_table():
    with pytest.raises(ValueError, match="retention_table"):
        cohorts.plot_retention(pd.DataFrame({0: [0.1]}))


def test_average_retention_weights_cohorts_by_their_customers():
    avg = cohorts.average_retention(cohorts.retention_table(example()),
                                    cohorts.cohort_sizes(example()))
    # offset 0: (2 x 0 + 1 x 1 + 1 x 0) / 4; offset 1: (2 x 0.5 + 0 + 0) / 4;
    # offset 2: Jan and Feb only (0 + 0) / 3; offset 3: Jan only, 0.5
    np.testing.assert_allclose(avg["part_qui_recommande"], [0.25, 0.25, 0.0, 0.5])
    assert avg["clients_observes"].tolist() == [4, 4, 3, 2]


def test_average_retention_needs_every_cohort_size():
    t = cohorts.retention_table(example())
    with pytest.raises(ValueError, match="« mars 2024 »"):
        cohorts.average_retention(t, cohorts.cohort_sizes(example()).iloc[:2])
