"""Time each notebook of the course from a clean kernel (budget: 60 s each).

Runs a temporary copy of every notebook, so the committed ones are left untouched::

    MPLBACKEND=Agg .venv/bin/python benchmarks/bench_notebooks.py [notebooks exercises]

Prints one line per notebook and exits with status 1 when one goes over the budget.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from parcours_helpers.execute import execute_notebook

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 60.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", default=["notebooks", "exercises"])
    args = parser.parse_args(argv)
    over = 0
    total = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for folder in args.folders:
            # Run copies, but from the repository's folder so ../data resolves as for a learner.
            copy = Path(tmp) / folder
            shutil.copytree(ROOT / folder, copy)
            for nb in sorted(copy.glob("*.ipynb")):
                seconds = execute_notebook(nb, cwd=ROOT / folder)
                total += seconds
                flag = "" if seconds <= BUDGET_S else f"  > {BUDGET_S:.0f} s !"
                over += seconds > BUDGET_S
                print(f"{folder}/{nb.name:<45} {seconds:6.1f} s{flag}", flush=True)
    print(f"total {total:.1f} s ; au-dessus du budget : {over}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
