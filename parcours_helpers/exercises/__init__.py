"""The exercise framework: questions that check a learner's answer and help.

Each chapter has a module (``ch01``, ``ch02``…) that defines questions ``q1``,
``q2``… and a ``QUESTIONS`` list. In the exercise notebook a learner writes::

    from parcours_helpers.exercises.ch01 import q1, q2, ____
    reponse = ____          # the blank to replace
    q1.check(reponse)       # a French verdict that says what is wrong
    # q1.hint()             # a hint, then a second one
    # q1.solution()         # the solution, as code to read

Checks raise :class:`Incorrect` with a message; :meth:`Question.verdict` turns
that into ``(ok, message)`` so tests can prove that the solution passes and that
typical wrong answers fail with a useful message.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd


class _Blank:
    """The ``____`` placeholder a learner replaces with an answer."""

    def __repr__(self) -> str:
        return "____"


#: The blank left in exercise notebooks.
____ = _Blank()


class Incorrect(Exception):
    """Raised by a check with a French message that says what is wrong."""


UNANSWERED = "⏳ Pas encore de réponse : remplacez ____ par votre réponse, puis relancez la cellule."


@dataclass
class Question:
    """One checked question of an exercise notebook.

    Parameters
    ----------
    name : str
        The variable name in the notebook, e.g. ``"q1"`` (shown as "Question 1").
    checker : callable
        ``checker(answer)`` raises :class:`Incorrect` when the answer is wrong.
    expected : callable
        ``expected()`` returns a correct answer (used by ``solution`` and tests).
    solution_code : str
        The solution as code a learner reads.
    hints : list of str
        Hints, from gentle to explicit.
    wrong_answers : list of (callable, str)
        Typical wrong answers for the tests: a function returning the wrong
        answer, and a fragment its message must contain.
    """

    name: str
    checker: Callable[[Any], None]
    expected: Callable[[], Any]
    solution_code: str
    hints: list[str] = field(default_factory=list)
    wrong_answers: list[tuple[Callable[[], Any], str]] = field(default_factory=list)
    success: str = "Bravo, c'est juste !"

    @property
    def label(self) -> str:
        """The question's title in messages, e.g. "Question 1"."""
        return f"Question {self.name.lstrip('q')}"

    def verdict(self, answer: Any) -> tuple[bool | None, str]:
        """Return ``(True, message)``, ``(False, message)`` or ``(None, message)`` if blank."""
        if isinstance(answer, _Blank) or answer is None:
            return None, UNANSWERED
        try:
            self.checker(answer)
        except Incorrect as exc:
            return False, f"❌ {self.label} — {exc}"
        return True, f"✅ {self.label} — {self.success}"

    def check(self, answer: Any) -> None:
        """Print a French verdict on ``answer``; never raises."""
        try:
            _ok, message = self.verdict(answer)
        except Exception as exc:  # a learner's function may crash: say so, do not raise
            message = (f"❌ {self.label} — votre réponse a provoqué une erreur : "
                       f"{type(exc).__name__} : {exc}")
        print(message)

    def hint(self, n: int = 1) -> None:
        """Print hint number ``n`` (1 = gentle)."""
        if not self.hints:
            print("Pas d'indice pour cette question.")
            return
        n = max(1, min(n, len(self.hints)))
        more = f" (indice suivant : {self.name}.hint({n + 1}))" if n < len(self.hints) else ""
        print(f"💡 Indice {n}/{len(self.hints)} : {self.hints[n - 1]}{more}")

    def solution(self) -> None:
        """Print the solution code."""
        print(f"Solution — {self.label} :\n{self.solution_code.strip()}")


# ---------------------------------------------------------------------------
# Reusable checkers: each returns a function answer -> None that raises Incorrect.
# ---------------------------------------------------------------------------

def expect_number(expected: float, tol: float = 0.01, unit: str = "", relative: bool = False):
    """Check a number, within ``tol`` (absolute, or relative if ``relative``)."""

    def checker(answer):
        if isinstance(answer, (pd.Series, pd.DataFrame, list, tuple, dict, np.ndarray)):
            raise Incorrect(f"on attend un seul nombre, pas un objet de type {type(answer).__name__}.")
        try:
            value = float(answer)
        except (TypeError, ValueError):
            raise Incorrect(f"on attend un nombre, vous avez donné « {answer!r} ».") from None
        if math.isnan(value):
            raise Incorrect("votre réponse vaut NaN (valeur manquante) : un calcul a dû porter sur une colonne vide.")
        limit = tol * abs(expected) if relative else tol
        if abs(value - expected) > limit:
            direction = "trop grand" if value > expected else "trop petit"
            raise Incorrect(f"votre nombre ({_fmt(value)}{unit}) est {direction}.")

    return checker


def expect_share(expected: float, tol: float):
    """Check a share between 0 and 1; a percentage (the share × 100) gets its own message."""
    inner = expect_number(expected, tol=tol)

    def checker(answer):
        try:
            value = float(answer)
        except (TypeError, ValueError):
            value = None
        if value is not None and value > 1:
            raise Incorrect(f"votre réponse ({_fmt(value)}) dépasse 1 : on attend une part entre "
                            "0 et 1 (0,25 pour 25 %), pas un pourcentage.")
        inner(answer)

    return checker


def expect_choice(expected: str, choices: Iterable[str], explanations: dict[str, str] | None = None):
    """Check one answer among ``choices`` (case and accents are compared as written)."""
    choices = list(choices)
    explanations = explanations or {}

    def checker(answer):
        if not isinstance(answer, str):
            raise Incorrect(f"on attend un texte parmi : {_list(choices)}.")
        a = answer.strip().lower()
        if a not in [c.lower() for c in choices]:
            raise Incorrect(f"« {answer} » n'est pas une des réponses possibles : {_list(choices)}.")
        if a != expected.lower():
            raise Incorrect(explanations.get(a, f"« {answer} » n'est pas la bonne réponse."))

    return checker


def expect_mapping(expected: dict, what: str = "élément"):
    """Check a dict answer key by key (e.g. touchpoint → form) and name the wrong keys."""

    def checker(answer):
        if not isinstance(answer, dict):
            raise Incorrect(f"on attend un dictionnaire {{clé: valeur}}, pas un objet de type {type(answer).__name__}.")
        missing = [k for k in expected if k not in answer]
        if missing:
            raise Incorrect(f"il manque {len(missing)} {what}(s) : {_list(missing)}.")
        wrong = [k for k in expected if str(answer[k]).strip().lower() != str(expected[k]).lower()]
        if wrong:
            raise Incorrect(f"{len(wrong)} {what}(s) mal classé(s) sur {len(expected)} : {_list(wrong)}.")

    return checker


def expect_set(expected: Iterable, what: str = "élément"):
    """Check a collection whose order does not matter; names extra and missing items."""
    expected = set(expected)

    def checker(answer):
        if isinstance(answer, (str, bytes)) or not isinstance(answer, Iterable):
            raise Incorrect(f"on attend une liste de {what}s.")
        got = set(answer)
        extra, missing = got - expected, expected - got
        parts = []
        if missing:
            parts.append(f"il manque {len(missing)} {what}(s)")
        if extra:
            parts.append(f"{len(extra)} {what}(s) en trop, par exemple « {sorted(map(str, extra))[0]} »")
        if parts:
            raise Incorrect(" ; ".join(parts) + ".")

    return checker


def expect_frame(expected: pd.DataFrame, key: str | list[str] | None = None,
                 columns: Iterable[str] | None = None, tol: float = 1e-6, what_rows: str = "ligne"):
    """Check a DataFrame: its columns, its number of rows, then its values.

    ``key`` names the column(s) that identify a row (sorted on before comparing);
    ``columns`` restricts the comparison to those columns.
    """
    columns = list(columns) if columns is not None else list(expected.columns)

    def checker(answer):
        if isinstance(answer, pd.Series):
            answer = answer.reset_index()
        if not isinstance(answer, pd.DataFrame):
            raise Incorrect(f"on attend un tableau (DataFrame), pas un objet de type {type(answer).__name__}.")
        got = answer.reset_index() if key is not None and _needs_reset(answer, key) else answer
        missing = [c for c in columns if c not in got.columns]
        if missing:
            raise Incorrect(f"colonne(s) manquante(s) : {_list(missing)} ; votre tableau a : {_list(map(str, got.columns))}.")
        if len(got) != len(expected):
            raise Incorrect(f"votre tableau a {len(got)} {what_rows}s, il en faut {len(expected)}.")
        a, e = got[columns], expected[columns]
        if key is not None:
            keys = [key] if isinstance(key, str) else list(key)
            a = a.sort_values(keys).reset_index(drop=True)
            e = e.sort_values(keys).reset_index(drop=True)
        else:
            a, e = a.reset_index(drop=True), e.reset_index(drop=True)
        for col in columns:
            if not _series_equal(a[col], e[col], tol):
                raise Incorrect(f"la colonne « {col} » n'a pas les bonnes valeurs"
                                + _first_diff(a[col], e[col], tol) + ".")

    return checker


def expect_function(cases: list[tuple[tuple, Any]], tol: float = 1e-6, name: str = "votre fonction"):
    """Check a function the learner wrote by running it on ``(args, expected)`` cases."""

    def checker(answer):
        if not callable(answer):
            raise Incorrect(f"on attend une fonction (def …), pas un objet de type {type(answer).__name__}.")
        for args, want in cases:
            try:
                got = answer(*args)
            except Exception as exc:
                raise Incorrect(f"{name} a provoqué une erreur avec {_args(args)} : {type(exc).__name__} : {exc}") from None
            if not _values_equal(got, want, tol):
                raise Incorrect(f"avec {_args(args)}, {name} renvoie {got!r} au lieu de {want!r}.")

    return checker


def _needs_reset(df: pd.DataFrame, key) -> bool:
    keys = [key] if isinstance(key, str) else list(key)
    return any(k not in df.columns for k in keys)


def _values_equal(a, b, tol) -> bool:
    if isinstance(b, float) or isinstance(a, float):
        try:
            return abs(float(a) - float(b)) <= tol
        except (TypeError, ValueError):
            return False
    return a == b


def _series_equal(a: pd.Series, b: pd.Series, tol: float) -> bool:
    if pd.api.types.is_numeric_dtype(b) and pd.api.types.is_numeric_dtype(a) and not pd.api.types.is_bool_dtype(b):
        return bool(np.allclose(a.to_numpy(dtype=float), b.to_numpy(dtype=float), atol=tol, equal_nan=True))
    return bool((a.astype(str).to_numpy() == b.astype(str).to_numpy()).all())


def _first_diff(a: pd.Series, b: pd.Series, tol: float) -> str:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if not _values_equal(x, y, tol) and not (pd.isna(x) and pd.isna(y)):
            return f" (ligne {i + 1} : {x!r} au lieu de {y!r})"
    return ""


def _fmt(x: float) -> str:
    return f"{x:,.4g}".replace(",", " ").replace(".", ",")


def _list(items) -> str:
    return ", ".join(f"« {i} »" for i in items)


def _args(args: tuple) -> str:
    return ", ".join(repr(a) for a in args)


# ---------------------------------------------------------------------------
# For the chapter modules: data read once, checkers built on first use.
# ---------------------------------------------------------------------------

@lru_cache(maxsize=16)
def load_table(name: str) -> pd.DataFrame:
    """The course table ``name`` (see :mod:`parcours_helpers.datasets`), read once per session.

    Questions share the cached frame: they must not modify it in place.
    """
    from parcours_helpers import datasets

    return datasets.load(name)


def lazy(make_checker, value):
    """A checker built on first use, so that importing a chapter module reads no data.

    ``make_checker`` is a checker factory (e.g. :func:`expect_number`) and ``value`` a
    function without arguments that computes what the factory expects.
    """

    def checker(answer):
        make_checker(value())(answer)

    return checker
