"""Export the executed report notebook to one self-contained HTML page.

Kept apart from :mod:`parcours_helpers.audit.report` (figures, hence matplotlib,
seaborn and scipy.stats) so that the command ``parcours-audit`` can export the report
without importing them: the notebook's kernel draws the figures.
"""

from __future__ import annotations

import re
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
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(str(notebook), as_version=4)
    remover = TagRemovePreprocessor(remove_cell_tags=HIDDEN_TAGS, enabled=True)
    nb, _ = remover.preprocess(nb, {})
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {
        "name": "Audit des ventes — rapport"}})
    body = re.sub(r"<html(\s+lang=\"[^\"]*\")?>", '<html lang="fr">', body, count=1)
    # Self-contained: drop the scripts fetched from the web (require.js, MathJax), unused here.
    body = _REMOTE_SCRIPT.sub("", body)
    html = Path(html)
    html.write_text(body, encoding="utf-8")
    return html
