"""Printable PDFs for paper workshops: the persona cards and an empty journey-map canvas.

::

    python -m parcours_helpers.printables --out printables

writes one A4 landscape card per persona (``fiche_persona_Diego.pdf``, …, and all of them in
``fiches_personas.pdf``), drawn by :func:`parcours_helpers.personas.plot_persona_card` from the
course data exactly as in chapter 05, and an A3 landscape canvas (``carte_de_parcours_vierge.pdf``: the stages of the
journey as columns, the lanes as rows), drawn by
:func:`parcours_helpers.journeys.journey_map.plot_journey_map_canvas` as in chapter 06.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd

from parcours_helpers import datasets, personas, segments, style
from parcours_helpers.journeys.journey_map import plot_journey_map_canvas

#: A3 landscape, in inches: the journey map is filled with sticky notes.
A3_LANDSCAPE = (16.54, 11.69)
CANVAS_FILE = "carte_de_parcours_vierge.pdf"
ALL_CARDS_FILE = "fiches_personas.pdf"
# No creation date in the PDF: the same data gives the same file.
_PDF_METADATA = {"CreationDate": None, "Creator": "parcours_helpers.printables"}


def _save(fig, path: Path) -> None:
    # the whole page, whatever the style says ("tight" would crop it to the drawing)
    with plt.rc_context({"savefig.bbox": "standard"}):
        fig.savefig(path, metadata=_PDF_METADATA)


def persona_profiles(tables: dict | None = None) -> pd.DataFrame:
    """One profile row per persona, computed from the course data as in chapter 05.

    Parameters
    ----------
    tables : dict, optional
        ``personnes``, ``commandes``, ``evenements`` and ``enquete`` tables; default
        the course data (``datasets.load``).

    Returns
    -------
    pandas.DataFrame
        :func:`parcours_helpers.personas.segment_profiles` of the hybrid segments of the
        clients (people with at least one order): index = segment, with ``prenom``.
    """
    if tables is None:
        tables = {name: datasets.load(name)
                  for name in ("personnes", "commandes", "evenements", "enquete")}
    history = segments.client_history(tables["personnes"], tables["commandes"],
                                      tables["evenements"])
    clients = history[history["nb_commandes"] > 0]
    ranking = segments.hybrid_segments(clients)
    return personas.segment_profiles(ranking["segment"], tables["personnes"],
                                     tables["commandes"], tables["evenements"],
                                     tables["enquete"])


def write_persona_cards(out: Path, profiles: pd.DataFrame, size: str = "A4") -> list[Path]:
    """Write one single-page PDF card per row of ``profiles``, and all of them in one file.

    Parameters
    ----------
    out : pathlib.Path
        Folder (created if needed).
    profiles : pandas.DataFrame
        Rows of :func:`parcours_helpers.personas.segment_profiles`; needs ``prenom`` and
        the fields of the card.
    size : {"A4", "A5", "diapositive"}
        Page size (landscape).

    Returns
    -------
    list of pathlib.Path
        ``fiche_persona_<prénom>.pdf`` for each row, in the order of ``profiles``, then
        ``fiches_personas.pdf`` (every card, one page each: a single print job).

    Raises
    ------
    ValueError
        If ``profiles`` is empty or a field of the card is missing.
    """
    out.mkdir(parents=True, exist_ok=True)
    paths = [personas.save_cards_pdf(profiles.iloc[[i]],
                                     out / f"fiche_persona_{profiles['prenom'].iloc[i]}.pdf",
                                     size=size)
             for i in range(len(profiles))]
    return paths + [personas.save_cards_pdf(profiles, out / ALL_CARDS_FILE, size=size)]


def write_journey_canvas(out: Path, stages=tuple(datasets.STAGES)) -> Path:
    """Write the empty journey-map canvas, A3 landscape, one page.

    Parameters
    ----------
    out : pathlib.Path
        Folder (created if needed).
    stages : sequence of str
        Column headers (default the seven stages of the course).

    Returns
    -------
    pathlib.Path
        ``out / "carte_de_parcours_vierge.pdf"``.
    """
    out.mkdir(parents=True, exist_ok=True)
    fig = plt.figure(figsize=A3_LANDSCAPE)
    fig.set_layout_engine("none")
    ax = fig.add_axes((0.03, 0.07, 0.95, 0.86))
    plot_journey_map_canvas(stages=stages, ax=ax,
                            title="Carte de parcours — atelier Maison Beaufil")
    fig.text(0.03, 0.035, "Persona : ………………………………        Équipe : ………………………………"
             "        Date : ……………………", fontsize=14, color="#333333")
    fig.text(0.03, 0.01, "Une note adhésive par action ; émotion de −2 (très mauvaise) "
             "à +2 (très bonne).", fontsize=11, color="#555555")
    path = out / CANVAS_FILE
    _save(fig, path)
    plt.close(fig)
    return path


def build(out: Path) -> list[Path]:
    """Write every printable into ``out``: the persona cards, then the canvas."""
    style.apply()
    return write_persona_cards(out, persona_profiles()) + [write_journey_canvas(out)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Écrit les PDF à imprimer pour un atelier sur papier : une fiche par "
                    "persona et une carte de parcours vierge.")
    parser.add_argument("--out", type=Path, default=Path("printables"),
                        help="dossier de sortie (défaut : printables)")
    args = parser.parse_args(argv)
    matplotlib.use("Agg")  # files only: no window, works on a server
    for path in build(args.out):
        print(f"écrit : {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
