"""The report's French tables and figures, and the export of the notebook to HTML."""

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output  # noqa: E402

from parcours_helpers.audit import report  # noqa: E402
from parcours_helpers.audit.quality import REASONS  # noqa: E402

QUALITY = {
    "rows_read": 10, "rows_kept": 7, "customers": 3, "revenue_kept": 1234.5,
    "returns_total": -20.0,
    "rows_set_aside": {**{r: 0 for r in REASONS}, "return": 2, "bad_date": 1},
    "first_date": "2024-01-05", "last_date": "2024-02-15", "observation_end": "2024-03-01",
    "detected": {"format": "CSV", "encoding": "UTF-8", "separator": "point-virgule",
                 "line_endings": "LF", "decimal": ",", "date_format": "JJ/MM/AAAA",
                 "empty_lines": 0, "total_line": None, "overridden": ["sep"]},
    "columns_used": {"customer": "Client", "date": "Date", "amount": "Montant", "order": None},
    "pseudonymisation": {"method": "HMAC-SHA256", "key": "clé fournie (--salt)"},
}


def test_quality_summary_speaks_french_numbers():
    text = report.quality_summary(QUALITY)
    assert "**10 lignes**" in text and "**7**" in text and "70,0" in text
    assert "1\u202f234,50\u202f€" in text and "2 lignes de retour" in text


def test_detected_table_marks_forced_options():
    table = report.detected_table(QUALITY).set_index("élément")["valeur"]
    assert table["séparateur de colonnes"] == "point-virgule (imposé)"
    assert table["séparateur décimal"] == "virgule"
    assert table["ligne de total ignorée (n°)"] == "aucune"
    assert table["colonne n° de commande"] == "—"
    assert table["fin d'observation"] == "01/03/2024"


def test_set_aside_summary_counts_and_examples():
    set_aside = pd.DataFrame({
        "ligne": [3, 5, 9, 12], "motif": ["return", "bad_date", "return", "return"],
        "motif_fr": ["", "", "", ""], "colonne": ["Montant", "Date", "Montant", "Montant"],
        "valeur": ["-5 €", "", "-7 €", "-8 €"]})
    table = report.set_aside_summary(set_aside)
    assert table["motif"].tolist() == ["date illisible", "retour (montant négatif)"]
    assert table["lignes"].tolist() == [1, 3]
    assert table["exemples"].tolist() == ["l. 5 : (vide)", "l. 3 : -5 € ; l. 9 : -7 €"]


def test_set_aside_lines_lists_the_errors_but_not_the_returns():
    set_aside = pd.DataFrame({
        "ligne": [12, 3, 5, 9], "motif": ["duplicate", "return", "bad_date", "missing_customer"],
        "motif_fr": ["", "", "", ""], "colonne": ["N°", "Montant", "Date", ""],
        "valeur": ["A2", "-5 €", "", ""]})
    table = report.set_aside_lines(set_aside)
    assert table.values.tolist() == [
        [5, "date illisible", "Date", "(vide)"],
        [9, "client manquant", "—", "(vide)"],
        [12, "doublon", "N°", "A2"],
    ]
    assert len(report.set_aside_lines(set_aside, limit=1)) == 1


def _customers():
    return pd.DataFrame({
        "client": ["a", "b", "c", "d"], "nb_achats": [5, 1, 2, 3],
        "chiffre_affaires": [500.0, 100.0, 200.0, 200.0],
        "segment_rfm": pd.Categorical(["Champions", "Nouveaux", "Perdus", "Champions"],
                                      categories=report.SEGMENTS),
        "p_actif": [0.9, 1.0, 0.2, 0.6], "clv_12_mois": [300.0, 50.0, 10.0, 120.0],
    })


def test_segment_table_shares_add_up_to_100():
    table = report.segment_table(_customers())
    assert table.index.tolist() == report.SEGMENTS
    assert table.loc["Champions", "clients"] == 2
    assert table.loc["Champions", "part du CA (%)"] == 70.0
    assert table["part des clients (%)"].sum() == pytest.approx(100.0)


@pytest.mark.parametrize("plot, data", [
    (report.plot_segments, "customers"), (report.plot_p_alive, "customers"),
    (report.plot_clv, "customers"), (report.plot_monthly_revenue, "monthly"),
    (report.plot_monthly_customers, "monthly"),
])
def test_plots_return_axes_with_french_titles(plot, data):
    monthly = pd.DataFrame({"mois": pd.date_range("2024-01-01", periods=3, freq="MS"),
                            "chiffre_affaires": [10.0, 0.0, 5.0], "achats": [1, 0, 1],
                            "clients": [1, 0, 1], "nouveaux_clients": [1, 0, 0]})
    ax = plot(_customers() if data == "customers" else monthly)
    assert ax.get_title() and ax.get_xlabel()
    assert not any(w in ax.get_title().lower() for w in ("customer", "revenue", "month"))
    matplotlib.pyplot.close("all")


def test_export_html_drops_code_and_course_cells(tmp_path):
    course = new_markdown_cell("cellule de cours")
    course.metadata["tags"] = ["cours"]
    cell = new_code_cell("print('résultat')", execution_count=1)
    cell.outputs = [new_output("stream", name="stdout", text="résultat visible\n")]
    nb = new_notebook(cells=[course, new_markdown_cell("# Rapport"), cell])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    html = report.export_html(path, tmp_path / "r.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html
    assert "résultat visible" in html and "Rapport" in html
    assert "cellule de cours" not in html and "print(" not in html
    assert 'src="http' not in html


def test_french_table_formats_numbers_dates_and_escapes_text():
    from parcours_helpers.formats import NNBSP, french_table

    table = pd.DataFrame({
        "ligne": [7087, 12],
        "lignes": [6097, 3],
        "part (%)": [86.07, 0.04],
        "jour": pd.to_datetime(["2024-01-05", None]),
        "valeur": ["<script>alert(1)</script>", None],
    })
    html = french_table(table, plain=("ligne",)).data
    assert f"<td>6{NNBSP}097</td>" in html and "<td>86,1</td>" in html
    assert "<td>7087</td>" in html  # a line number stays as the client's editor shows it
    assert "<td>05/01/2024</td>" in html and "<td>—</td>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<th></th>" not in html  # no index column
