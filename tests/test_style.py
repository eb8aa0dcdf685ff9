import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from parcours_helpers import style  # noqa: E402
from parcours_helpers.datasets import FORMS, PERSONAS, STATUSES  # noqa: E402


def test_french_number_formats():
    assert style.french_number(1234.5, 1, "€") == "1\u202f234,5\u202f€"
    assert style.french_number(1234567) == "1\u202f234\u202f567"
    assert style.french_number(float("nan")) == ""


def test_french_date():
    assert style.french_date("2024-01-31") == "janv. 2024"
    assert style.french_date(pd.Timestamp("2023-08-01")) == "août 2023"


def test_every_form_persona_and_status_has_a_fixed_colour():
    assert set(FORMS) <= set(style.FORM_COLOURS)
    assert set(PERSONAS) | set(PERSONAS.values()) <= set(style.PERSONA_COLOURS)
    assert set(STATUSES) <= set(style.STATUS_COLOURS)
    assert len(set(style.FORM_COLOURS.values())) == len(style.FORM_COLOURS)


def test_apply_sets_projection_friendly_style():
    style.apply()
    assert plt.rcParams["font.size"] >= 12  # seaborn "talk" context
    assert plt.rcParams["axes.titleweight"] == "bold"


def test_axis_formatters_write_french_ticks():
    style.apply()
    fig, ax = plt.subplots()
    ax.plot([0, 1000, 2000], [0, 0.5, 1])
    style.format_euros(ax, "x")
    style.format_axis(ax, "y", "%")
    fig.canvas.draw()
    assert ax.xaxis.get_major_formatter()(1500, 0) == "1\u202f500\u202f€"
    assert ax.yaxis.get_major_formatter()(0.25, 0) == "25\u202f%"
    plt.close(fig)


def test_date_axis_uses_french_months():
    style.apply()
    fig, ax = plt.subplots()
    dates = pd.date_range("2024-01-01", periods=6, freq="MS")
    ax.plot(dates, range(6))
    style.format_dates(ax, interval=2)
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert "janv. 2024" in labels
    plt.close(fig)


def test_unknown_palette_is_a_french_error():
    with pytest.raises(ValueError, match="Palette inconnue"):
        style.palette("couleurs")


def test_figures_reach_the_notebook_even_when_mplbackend_is_agg(monkeypatch):
    """make test/execute set MPLBACKEND=Agg; a kernel must still store each figure."""
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient

    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from parcours_helpers import style\nstyle.apply()\n"
        "import matplotlib.pyplot as plt\nplt.plot([1, 2]);")])
    NotebookClient(nb, kernel_name="python3", timeout=60).execute()
    outputs = nb.cells[0].outputs
    assert any("image/png" in o.get("data", {}) for o in outputs), outputs
