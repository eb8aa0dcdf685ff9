"""The solution a learner is shown (`qN.solution()`) works in the exercise notebook itself.

`test_exercises_all.py` checks each question's expected answer; this test goes one step further:
it runs the exercise notebook top to bottom as a learner would, replacing each answer cell by the
question's `solution_code`, and asserts that `qN.check` accepts the result. A solution that
refers to a variable the notebook never defines, or that answers in the wrong unit, fails here.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "exercises").glob("[0-9][0-9]_*_exercices.ipynb"))
CHECK = re.compile(r"^\s*(q\d+)\.check\(", re.MULTILINE)


def _code_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    # IPython magics (%matplotlib inline) mean nothing to plain exec.
    return ["\n".join(line for line in s.splitlines() if not line.lstrip().startswith(("%", "!")))
            for s in sources]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_shown_solution_passes_in_its_notebook(path, monkeypatch):
    monkeypatch.chdir(path.parent)
    namespace: dict = {"__name__": "__exercise__"}
    answered = []
    for source in _code_cells(path):
        asked = CHECK.findall(source)
        if not asked:
            exec(compile(source, path.name, "exec"), namespace)
            continue
        for name in asked:
            question = namespace[name]
            exec(compile(question.solution_code, f"{path.name}:{name}", "exec"), namespace)
            ok, message = question.verdict(namespace["reponse"])
            assert ok is True, f"{path.name} {name} : la solution affichée est refusée : {message}"
            answered.append(name)
    assert len(answered) >= 4, f"{path.name} : {len(answered)} questions vérifiées seulement"
