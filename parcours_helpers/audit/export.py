"""Run the report notebook on an audit's results and export it to one self-contained page.

Kept apart from :mod:`parcours_helpers.audit.report` (figures, hence matplotlib,
seaborn and scipy.stats) so that the command ``parcours-audit`` can run and export the
report without importing them: the notebook's kernel draws the figures.

:func:`start_report` starts the kernel and runs the notebook's first cells (imports,
parameters) *while the audit is still working*, then waits for the results: the
kernel's start-up, about 2.5 s, no longer adds to the consultant's wait.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

#: Notebook of the report (in the kit's folder, next to the package).
NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "08_audit_client.ipynb"
#: Cell tags left out of the client's report (course material, papermill parameters).
HIDDEN_TAGS = {"cours", "parameters", "injected-parameters"}
_REMOTE_SCRIPT = re.compile(r'<script[^>]*\ssrc="https?://[^"]*"[^>]*>\s*</script>', re.DOTALL)


def export_html(notebook: str | Path, html: str | Path) -> Path:
    """Export an executed report notebook to a self-contained HTML page, without code.

    Cells tagged ``cours``, ``parameters`` or ``injected-parameters`` are left out; the
    figures are embedded in the page (base64 PNG).

    Parameters
    ----------
    notebook : str or pathlib.Path
        The executed notebook.
    html : str or pathlib.Path
        Where to write the page.

    Returns
    -------
    pathlib.Path
    """
    import nbformat

    body = _page(nbformat.read(str(notebook), as_version=4))
    html = Path(html)
    html.write_text(body, encoding="utf-8")
    return html


def _page(nb) -> str:
    """The HTML page of a notebook, without code, hidden cells and remote scripts."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    remover = TagRemovePreprocessor(remove_cell_tags=HIDDEN_TAGS, enabled=True)
    nb, _ = remover.preprocess(nb, {})
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {
        "name": "Audit des ventes — rapport"}})
    body = re.sub(r"<html(\s+lang=\"[^\"]*\")?>", '<html lang="fr">', body, count=1)
    # Self-contained: drop the scripts fetched from the web (require.js, MathJax), unused here.
    return _REMOTE_SCRIPT.sub("", body)


#: Optional module that jsonschema (under nbformat, papermill and nbconvert) imports when
#: installed, only to check the "iri" string format, which notebooks never use; importing
#: it builds a grammar and costs about 2 s at every report.
SLOW_OPTIONAL = "rfc3987_syntax"


@contextlib.contextmanager
def without_module(name: str):
    """Make ``import name`` fail inside the block (when not imported yet), then undo it."""
    blocked = name not in sys.modules
    if blocked:
        sys.modules[name] = None  # the import system raises ImportError for a None entry
    try:
        yield
    finally:
        if blocked and sys.modules.get(name, 0) is None:
            del sys.modules[name]


class ReportError(RuntimeError):
    """The report could not be produced; the message (French) says why."""


def start_report(out: str | Path, notebook: str | Path = NOTEBOOK) -> Callable[[bool], Path | None]:
    """Start the report notebook on the results that will be written in ``out``.

    A separate Python process, at a lower priority where the system allows it (Linux,
    macOS), injects the parameter ``resultats`` (papermill's own injection), starts the
    kernel and runs the cells up to the parameters, then waits: all this uses the CPU
    time the audit leaves free. Call the returned function with ``True`` once the
    results are saved in ``out``: the other cells run, the executed notebook is saved as
    ``audit.ipynb`` and exported to ``report.html``, whose path is returned. Call it
    with ``False`` (the audit failed) to stop without a report. Calls after the first
    do nothing.

    Raises
    ------
    ReportError
        From the call with ``True``: no report notebook, a cell that failed… (French
        message with the cause).
    """
    out, notebook = Path(out), Path(notebook)
    proc = subprocess.Popen(
        [sys.executable, "-m", "parcours_helpers.audit.export", str(out), str(notebook)],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, encoding="utf-8",
        preexec_fn=_lower_priority if hasattr(os, "nice") else None,
    )
    done = []

    def finish(wanted: bool = True) -> Path | None:
        if done:
            return None
        done.append(wanted)
        if not wanted:  # no need to wait for anything: a started kernel stops by itself
            proc.kill()
            proc.communicate()
            return None
        _, errors = proc.communicate("go\n")
        if proc.returncode != 0:
            lines = [line for line in errors.strip().splitlines() if line.strip()]
            raise ReportError(lines[-1] if lines else f"code de sortie {proc.returncode}")
        return out / "report.html"

    return finish


def _report_process(argv: list[str]) -> int:
    """The report's process: prepare, wait for ``go`` on the standard input, finish."""
    out, notebook = Path(argv[0]), Path(argv[1])
    go = threading.Event()
    state = {"wanted": True, "error": None}

    def run() -> None:
        try:
            _run_report(out, notebook, go, state)
        except BaseException as err:  # reported by the main thread
            state["error"] = err

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    state["wanted"] = sys.stdin.readline().strip() == "go"
    if not state["wanted"]:
        # no "go" (the caller stopped or died): leave now rather than wait for the kernel
        # to finish starting; a kernel already started sees its parent gone and stops
        os._exit(0)
    go.set()
    thread.join()
    err = state["error"]
    if state["wanted"] and err is not None:
        first = (str(err).strip().splitlines() or [""])[0]
        print(f"{type(err).__name__} : {first}", file=sys.stderr)
        return 1
    return 0


def _lower_priority() -> None:
    os.nice(10)


def _run_report(out: Path, notebook: Path, go: threading.Event, state: dict) -> Path | None:
    with without_module(SLOW_OPTIONAL):
        import nbconvert  # noqa: F401  (export_html needs it: import it under the same guard)
        import nbformat
        from nbclient import NotebookClient
        from papermill.iorw import load_notebook_node
        from papermill.parameterize import parameterize_notebook

    if not notebook.exists():
        go.wait()
        raise FileNotFoundError(f"notebook du rapport introuvable ({notebook.name})")
    # papermill's own reading (every cell gets its tags list) and parameter injection
    nb = parameterize_notebook(load_notebook_node(str(notebook)),
                               {"resultats": str(out.resolve())}, kernel_name="python3")
    tags = [set(cell.metadata.get("tags", [])) for cell in nb.cells]
    waits = next(i for i, t in enumerate(tags) if "injected-parameters" in t) + 1
    client = NotebookClient(nb, kernel_name="python3", timeout=600, shutdown_kernel="immediate",
                            resources={"metadata": {"path": str(notebook.parent)}})
    client.reset_execution_trackers()
    # The kernel's own warnings (e.g. "running over TCP without encryption", a local
    # kernel) are not for the consultant; a failing cell is reported by nbclient. The
    # kernel inherits the lower priority of this process.
    with client.setup_kernel(stderr=subprocess.DEVNULL):
        for index, cell in enumerate(nb.cells):
            if index == waits:
                _page(nbformat.v4.new_notebook())  # loads the templates while we wait
                go.wait()
                if not state["wanted"]:
                    return None
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
    executed = out / "audit.ipynb"
    nbformat.write(nb, str(executed))
    return export_html(executed, out / "report.html")


if __name__ == "__main__":
    sys.exit(_report_process(sys.argv[1:]))
