"""Every course and exercise notebook follows the house structure and is committed executed.

nbval re-runs the notebooks and compares their outputs; these checks cover what nbval cannot see:
that outputs are there at all, that cells were run in order from a clean kernel, that navigation
links resolve, and that each chapter has its summary, its sources and its exercises.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))
ALL = CHAPTERS + EXERCISES


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _code(path: Path) -> list[dict]:
    return [c for c in _cells(path) if c["cell_type"] == "code" and _source(c).strip()]


def _ids(paths):
    return [p.relative_to(ROOT).as_posix() for p in paths]


def test_course_has_its_welcome_page_and_chapters_numbered_without_gaps():
    numbers = [int(p.name[:2]) for p in CHAPTERS]
    assert numbers[0] == 0, "le notebook 00_bienvenue.ipynb manque"
    assert numbers == list(range(len(numbers))), f"numérotation des chapitres trouée : {numbers}"


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_notebook_is_committed_executed_in_order_without_errors(path):
    code = _code(path)
    counts = [c.get("execution_count") for c in code]
    assert None not in counts, f"{path.name} : des cellules n'ont pas été exécutées (make execute)"
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name} : cellules exécutées dans le désordre {counts} ; relancer make execute"
    )
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{path.name} : une cellule se termine par une erreur"


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_first_code_cell_applies_the_house_style(path):
    assert "style.apply()" in _source(_code(path)[0]), f"{path.name} : style.apply() d'abord"


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_notebook_has_no_install_and_no_absolute_path(path):
    for cell in _code(path):
        src = _source(cell)
        assert "pip install" not in src, f"{path.name} : pas de pip install dans un notebook"
        assert not re.search(r"['\"](/home|/Users|/work|/root|[A-Z]:\\\\)", src), (
            f"{path.name} : chemin absolu dans une cellule"
        )


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_every_relative_notebook_link_resolves(path):
    text = "\n".join(_source(c) for c in _cells(path) if c["cell_type"] == "markdown")
    links = re.findall(r"\]\(([^)#\s]+\.(?:ipynb|md|csv))(?:#[^)]*)?\)", text)
    assert links, f"{path.name} : aucun lien de navigation"
    for link in links:
        if link.startswith("http"):
            continue
        assert (path.parent / link).resolve().exists(), f"{path.name} : lien cassé vers {link}"


@pytest.mark.parametrize("path", CHAPTERS[1:], ids=_ids(CHAPTERS[1:]))
def test_chapter_has_navigation_summary_sources_and_exercises(path):
    cells = [c for c in _cells(path) if c["cell_type"] == "markdown"]
    first, last = _source(cells[0]), _source(cells[-1])
    for where, text in (("en haut", first), ("en bas", last)):
        assert "sommaire" in text and "00_bienvenue.ipynb" in text, (
            f"{path.name} : la ligne de navigation manque {where}"
        )
    text = "\n".join(_source(c) for c in cells)
    assert re.search(r"#+ .*À retenir", text), f"{path.name} : section « À retenir » absente"
    assert re.search(r"#+ .*Pour aller plus loin", text), f"{path.name} : sources absentes"
    exercise = f"{path.stem}_exercices.ipynb"
    if (ROOT / "exercises" / exercise).exists():
        assert f"exercises/{exercise}" in text, f"{path.name} : pas de lien vers {exercise}"
