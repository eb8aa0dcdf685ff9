"""Check that a learner's installation is complete: packages, versions, data."""

from __future__ import annotations

import sys
from importlib import metadata

import pandas as pd

from . import datasets

#: Package (distribution name) → minimum version the course was tested with.
REQUIREMENTS = {
    "pandas": "3.0",
    "numpy": "2.0",
    "matplotlib": "3.9",
    "seaborn": "0.13",
    "lifetimes": "0.11.3",
    "jupyterlab": "4.0",
    "nbval": "0.11",
}

FIX = ("Depuis le dossier du kit, relancez « make lab » (ou, avec conda, "
       "« conda env update -f environment.yml »).")


def _as_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for p in version.split("."):
        digits = "".join(ch for ch in p if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def check() -> pd.DataFrame:
    """Return one row per requirement: ``composant``, ``version``, ``minimum``, ``etat``, ``que_faire``.

    ``etat`` is ``"OK"`` or ``"À corriger"``; ``que_faire`` says how to fix a problem in French.
    """
    rows = [{
        "composant": "Python",
        "version": ".".join(map(str, sys.version_info[:3])),
        "minimum": "3.11",
        "etat": "OK" if sys.version_info >= (3, 11) else "À corriger",
        "que_faire": "" if sys.version_info >= (3, 11) else "Installez Python 3.11 ou plus récent.",
    }]
    for name, minimum in REQUIREMENTS.items():
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            rows.append({"composant": name, "version": "absent", "minimum": minimum,
                         "etat": "À corriger", "que_faire": f"{name} n'est pas installé. {FIX}"})
            continue
        ok = _as_tuple(version) >= _as_tuple(minimum)
        rows.append({"composant": name, "version": version, "minimum": minimum,
                     "etat": "OK" if ok else "À corriger",
                     "que_faire": "" if ok else f"Version trop ancienne. {FIX}"})
    folder = datasets.data_dir()
    missing = [t for t in datasets.list_tables() if not (folder / f"{t}.csv").exists()]
    rows.append({
        "composant": "données du cours",
        "version": f"{len(datasets.list_tables()) - len(missing)}/{len(datasets.list_tables())} tables",
        "minimum": "toutes",
        "etat": "OK" if not missing else "À corriger",
        "que_faire": "" if not missing else (
            "Tables absentes : " + ", ".join(missing)
            + ". Lancez « make data » depuis le dossier du kit, ou indiquez le dossier des "
              "données dans la variable d'environnement PARCOURS_DATA."),
    })
    return pd.DataFrame(rows)


def summary(table: pd.DataFrame | None = None) -> str:
    """One French sentence: everything is fine, or what to fix."""
    table = check() if table is None else table
    bad = table[table["etat"] != "OK"]
    if bad.empty:
        return "✅ Installation complète : vous pouvez suivre le cours."
    return "⚠️ À corriger : " + " ".join(f"{r.composant} — {r.que_faire}" for r in bad.itertuples())
