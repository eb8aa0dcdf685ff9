"""Tests of the printable PDFs (parcours_helpers.printables)."""

from __future__ import annotations

import re

import matplotlib
import pandas as pd
import pytest

from parcours_helpers import printables, style

matplotlib.use("Agg")

# matplotlib writes each page object uncompressed: "/Type /Page" (and one "/Type /Pages")
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def pdf_pages(path) -> int:
    """Number of pages of a PDF written by matplotlib (0 if it is not a PDF)."""
    data = path.read_bytes()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-64:]:
        return 0
    return len(_PAGE.findall(data))


def _mediabox(path) -> tuple[float, float]:
    m = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", path.read_bytes())
    return float(m.group(1)), float(m.group(2))


def _row(prenom: str, segment: str) -> pd.Series:
    return pd.Series({
        "prenom": prenom, "portrait": "37 ans (âge médian)", "clients": 10,
        "panier_moyen": 90.0, "commandes_par_client": 1.5, "part_paris": 0.4, "nps": -10.0,
        "part_eshop": 0.7, "part_boutique": 0.3, "part_click_collect": 0.0,
        "points_de_contact": "blog", "contacts_sc_par_client": 3.0,
        "besoins": "taille (60 %)", "citation": "Très bien."}, name=segment)


def test_pdf_pages_counts_pages_and_refuses_other_files(tmp_path):
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    path = tmp_path / "deux.pdf"
    with PdfPages(path) as pdf:
        for _ in range(2):
            fig = plt.figure()
            pdf.savefig(fig)
            plt.close(fig)
    assert pdf_pages(path) == 2
    (tmp_path / "faux.pdf").write_bytes(b"pas un PDF")
    assert pdf_pages(tmp_path / "faux.pdf") == 0


def test_one_single_page_card_per_profile_row(tmp_path):
    style.apply()
    profiles = pd.DataFrame([_row("Diego", "Nouveau"), _row("Max", "Habitué")])
    paths = printables.write_persona_cards(tmp_path / "fiches", profiles)
    assert [p.name for p in paths] == ["fiche_persona_Diego.pdf", "fiche_persona_Max.pdf",
                                       "fiches_personas.pdf"]
    assert [pdf_pages(p) for p in paths] == [1, 1, 2]
    # A4 landscape: 11.69 × 8.27 in = 842 × 595 points
    assert _mediabox(paths[0]) == pytest.approx((842, 595), abs=1)


def test_no_profile_no_card(tmp_path):
    with pytest.raises(ValueError, match="vide"):
        printables.write_persona_cards(tmp_path, pd.DataFrame(columns=["prenom"]))


def test_card_with_a_missing_field_says_which(tmp_path):
    profiles = pd.DataFrame([_row("Diego", "Nouveau").drop("citation")])
    with pytest.raises(ValueError, match="citation"):
        printables.write_persona_cards(tmp_path, profiles)


def test_canvas_is_one_a3_landscape_page(tmp_path):
    path = printables.write_journey_canvas(tmp_path, stages=["avant", "pendant", "après"])
    assert path.name == "carte_de_parcours_vierge.pdf"
    assert pdf_pages(path) == 1
    # A3 landscape: 16.54 × 11.69 in = 1191 × 842 points
    assert _mediabox(path) == pytest.approx((1191, 842), abs=1)


def test_same_data_gives_the_same_file(tmp_path):
    first = printables.write_journey_canvas(tmp_path / "a").read_bytes()
    second = printables.write_journey_canvas(tmp_path / "b").read_bytes()
    assert first == second


def test_command_writes_a_card_per_persona_and_the_canvas(tmp_path, capsys):
    assert printables.main(["--out", str(tmp_path)]) == 0
    pages = {p.name: pdf_pages(p) for p in tmp_path.glob("*.pdf")}
    assert pages == {"carte_de_parcours_vierge.pdf": 1, "fiche_persona_Diego.pdf": 1,
                     "fiche_persona_Eric.pdf": 1, "fiche_persona_Max.pdf": 1,
                     "fiches_personas.pdf": 3}
    assert capsys.readouterr().out.count("écrit :") == 5
