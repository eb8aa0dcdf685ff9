"""Re-execute notebooks from a clean kernel and save them with their outputs.

Contributors run ``make execute`` before committing a notebook, so that its
stored outputs are exactly what ``nbval`` will reproduce::

    python -m parcours_helpers.execute notebooks exercises
    python -m parcours_helpers.execute notebooks/01_definitions.ipynb
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute_notebook(path: Path, timeout: int = 300, cwd: Path | None = None) -> float:
    """Execute ``path`` in place from a fresh kernel; return the seconds it took.

    The kernel runs in ``cwd`` (default: the notebook's folder), where relative paths such as
    ``../data`` are resolved.
    """
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd or path.parent)}},
        record_timing=False,
    )
    client.execute()
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Ré-exécute et enregistre des notebooks.")
    parser.add_argument("paths", nargs="+", help="notebooks ou dossiers de notebooks")
    args = parser.parse_args(argv)
    notebooks: list[Path] = []
    for p in map(Path, args.paths):
        notebooks += sorted(p.glob("*.ipynb")) if p.is_dir() else [p]
    for nb in notebooks:
        seconds = execute_notebook(nb)
        print(f"{nb} : exécuté en {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
