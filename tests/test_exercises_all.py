"""Every question of every chapter: its solution passes, typical wrong answers fail
with a useful message, and a blank answer is reported without raising."""

import importlib
import pkgutil

import pytest

import parcours_helpers.exercises as ex

MODULES = [m.name for m in pkgutil.iter_modules(ex.__path__) if m.name.startswith("ch")]
QUESTIONS = [
    pytest.param(mod, q, id=f"{mod}.{q.name}")
    for mod in MODULES
    for q in importlib.import_module(f"parcours_helpers.exercises.{mod}").QUESTIONS
]


def test_each_chapter_has_at_least_four_questions():
    for mod in MODULES:
        questions = importlib.import_module(f"parcours_helpers.exercises.{mod}").QUESTIONS
        assert len(questions) >= 4, f"{mod} n'a que {len(questions)} questions"


@pytest.mark.parametrize("mod,q", QUESTIONS)
def test_solution_passes(mod, q):
    ok, message = q.verdict(q.expected())
    assert ok is True, message


@pytest.mark.parametrize("mod,q", QUESTIONS)
def test_wrong_answers_fail_with_useful_message(mod, q):
    assert q.wrong_answers, f"{mod}.{q.name} n'a aucune mauvaise réponse typique testée"
    for make_wrong, fragment in q.wrong_answers:
        ok, message = q.verdict(make_wrong())
        assert ok is False, f"une mauvaise réponse passe : {message}"
        assert fragment in message, f"message attendu avec « {fragment} », obtenu : {message}"


@pytest.mark.parametrize("mod,q", QUESTIONS)
def test_blank_is_reported_not_raised(mod, q, capsys):
    q.check(ex.____)
    assert "Pas encore de réponse" in capsys.readouterr().out


@pytest.mark.parametrize("mod,q", QUESTIONS)
def test_hint_and_solution_print(mod, q, capsys):
    assert q.hints, f"{mod}.{q.name} n'a pas d'indice"
    q.hint()
    q.solution()
    out = capsys.readouterr().out
    assert "Indice 1" in out and "Solution" in out
