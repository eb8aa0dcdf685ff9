import pandas as pd
import pytest

from parcours_helpers.exercises import (
    Incorrect,
    Question,
    ____,
    expect_choice,
    expect_frame,
    expect_function,
    expect_mapping,
    expect_number,
    expect_set,
)


def fails(checker, answer) -> str:
    with pytest.raises(Incorrect) as exc:
        checker(answer)
    return str(exc.value)


def test_number_says_direction_and_type():
    c = expect_number(10.0, tol=0.5, unit=" €")
    c(10.4)
    assert "trop grand" in fails(c, 11)
    assert "trop petit" in fails(c, 9)
    assert "un nombre" in fails(c, "dix")
    assert "un seul nombre" in fails(c, [10])
    assert "NaN" in fails(c, float("nan"))


def test_relative_tolerance():
    c = expect_number(1000.0, tol=0.01, relative=True)
    c(1009)
    fails(c, 1011)


def test_choice_uses_explanations():
    c = expect_choice("virtuel", ["virtuel", "physique"], {"physique": "un site web n'a pas de lieu"})
    c("Virtuel")
    assert "pas de lieu" in fails(c, "physique")
    assert "pas une des réponses" in fails(c, "radio")


def test_mapping_names_wrong_keys():
    c = expect_mapping({"blog": "virtuel", "flyer": "physique"}, "point de contact")
    c({"blog": "virtuel", "flyer": "physique"})
    assert "« flyer »" in fails(c, {"blog": "virtuel", "flyer": "virtuel"})
    assert "il manque 1" in fails(c, {"blog": "virtuel"})


def test_set_names_extra_and_missing():
    c = expect_set(["a", "b"], "client")
    c(["b", "a"])
    msg = fails(c, ["a", "c"])
    assert "il manque 1" in msg and "en trop" in msg


def test_frame_counts_rows_and_finds_column():
    expected = pd.DataFrame({"client": ["x", "y"], "total": [1.0, 2.0]})
    c = expect_frame(expected, key="client", what_rows="client")
    c(expected.iloc[::-1])
    assert "1 clients, il en faut 2" in fails(c, expected.head(1))
    assert "« total »" in fails(c, expected.assign(total=[1.0, 3.0]))
    assert "manquante" in fails(c, expected.drop(columns="total"))
    c(expected.set_index("client"))  # the key may be the index


def test_function_runs_cases():
    c = expect_function([((2, 3), 5), ((0, 0), 0)])
    c(lambda a, b: a + b)
    assert "renvoie 6" in fails(c, lambda a, b: a * b)
    assert "ZeroDivisionError" in fails(c, lambda a, b: 1 / (a - 2))


def test_question_verdict_and_check_never_raise(capsys):
    q = Question("q3", expect_number(2.0), lambda: 2.0, "x = 2", ["Indice A", "Indice B"])
    assert q.verdict(2.0)[0] is True
    assert q.verdict(____)[0] is None
    q.check(lambda: 1 / 0)  # a crash inside the check is reported, not raised
    q.hint()
    q.hint(5)
    q.solution()
    out = capsys.readouterr().out
    assert "Question 3" in out and "Indice 1/2" in out and "Indice 2/2" in out and "x = 2" in out


def test_expect_share_explains_a_percentage_given_for_a_share():
    from parcours_helpers.exercises import Incorrect, expect_share

    check = expect_share(0.25, tol=0.01)
    check(0.251)
    with pytest.raises(Incorrect, match="pas un pourcentage"):
        check(25)
    with pytest.raises(Incorrect, match="trop petit"):
        check(0.2)


def test_lazy_checker_computes_its_expected_value_only_when_used():
    from parcours_helpers.exercises import Incorrect, expect_number, lazy

    calls = []
    check = lazy(expect_number, lambda: calls.append(1) or 3)
    assert calls == []
    check(3)
    with pytest.raises(Incorrect):
        check(4)
    assert len(calls) == 2


def test_load_table_reads_each_table_once():
    from parcours_helpers.exercises import load_table

    assert load_table("collaborations") is load_table("collaborations")
