"""Load the course's bundled tables (``data/*.csv``) by name, with typed columns.

The tables describe *Maison Beaufil*, a fictional Paris menswear brand simulated
by :mod:`parcours_helpers.simulation`. ``SCHEMAS`` is the contract between the
simulator, the data card (``data/README.md``) and the chapters: every table, its
columns in order and each column's type.

Types: ``"str"``, ``"int"``, ``"float"``, ``"bool"``, ``"date"`` (a day),
``"datetime"`` (a timestamp), ``"category"`` and ``"ordered:<a>|<b>|…"`` (an
ordered category, such as the journey stages).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

#: The fixed "today" of the course: the day after the two simulated years.
REFERENCE_DATE = pd.Timestamp("2025-01-01")
#: First and last day of the simulated activity.
START_DATE = pd.Timestamp("2023-01-01")
END_DATE = pd.Timestamp("2024-12-31")

#: The journey stages, from the need to after use, in order.
STAGES = ["besoin", "découverte", "considération", "achat", "livraison", "usage", "fidélisation"]
#: The three forms a touchpoint can take.
FORMS = ["virtuel", "physique", "bouche-à-oreille"]
#: The web funnel steps, in order.
FUNNEL_STEPS = ["visite", "fiche produit", "panier", "paiement", "commande"]
#: The statuses of chapter 03 (the client-consumer is split into ours and a competitor's).
STATUSES = ["client", "consommateur concurrent", "prospect",
            "non-consommateur relatif", "non-consommateur absolu"]
#: The three personas of the case study (segment name → first name).
PERSONAS = {"Nouveau": "Diego", "Habitué": "Max", "Puriste": "Eric"}

_STAGES = "ordered:" + "|".join(STAGES)
_FUNNEL = "ordered:" + "|".join(FUNNEL_STEPS)
_MATURITY = "ordered:débutant|intermédiaire|expert"
_NEED = "ordered:aucun|rare|occasionnel|régulier"

SCHEMAS: dict[str, dict[str, str]] = {
    "personnes": {
        "id_personne": "str",
        "age": "int",
        "csp": "category",
        "ville": "category",
        "parisien": "bool",
        "expo_blog": "bool",
        "expo_facebook": "bool",
        "expo_instagram": "bool",
        "expo_radio": "bool",
        "expo_cinema": "bool",
        "expo_presse": "bool",
        "expo_affichage": "bool",
        "maturite_mode": _MATURITY,
        "statut_initial": "category",
        "persona_simulee": "category",
        "canal_acquisition": "category",
        "parrain": "str",
        "date_entree": "date",
    },
    "statuts": {
        "id_personne": "str",
        "date_effet": "date",
        "statut": "category",
    },
    "evenements": {
        "id_evenement": "str",
        "id_personne": "str",
        "horodatage": "datetime",
        "point_de_contact": "category",
        "forme": "category",
        "etape": _STAGES,
        "appareil": "category",
        "motif": "category",
        "delai_reponse_min": "float",
        "id_commande": "str",
    },
    "sessions_web": {
        "id_session": "str",
        "id_personne": "str",
        "debut": "datetime",
        "appareil": "category",
        "source": "category",
        "temps_chargement_s": "float",
        "etape_max": _FUNNEL,
    },
    "commandes": {
        "id_commande": "str",
        "id_personne": "str",
        "date_commande": "datetime",
        "canal": "category",
        "montant_ttc": "float",
        "marge_brute": "float",
        "nb_articles": "int",
        "collaboration": "bool",
        "nom_collaboration": "category",
        "retour": "bool",
        "motif_retour": "category",
        "montant_rembourse": "float",
    },
    "enquete": {
        "id_personne": "str",
        "date_reponse": "date",
        "satisfaction": "int",
        "nps": "int",
        "source_info": "category",
        "besoin": _NEED,
        "achete_ailleurs": "bool",
        "temoignage": "str",
    },
    "points_de_contact": {
        "point_de_contact": "str",
        "forme": "category",
        "etape": _STAGES,
        "media": "category",
        "canal_marketing": "category",
        "cout_mensuel_eur": "float",
        "audience_mensuelle": "int",
        "lieu_zone": "str",
    },
    "depenses_marketing": {
        "mois": "date",
        "canal_marketing": "category",
        "depense_eur": "float",
    },
    "collaborations": {
        "nom_collaboration": "str",
        "date_lancement": "date",
        "date_fin": "date",
    },
}


def data_dir() -> Path:
    """Return the folder of the bundled tables.

    ``$PARCOURS_DATA`` wins when set; otherwise ``data/`` next to the package
    (the repository's ``data/`` folder in an editable install).
    """
    override = os.environ.get("PARCOURS_DATA")
    if override:
        return Path(override).expanduser()
    return Path(__file__).resolve().parent.parent / "data"


def list_tables() -> list[str]:
    """Names of the bundled tables, in the order of the data card."""
    return list(SCHEMAS)


def load(name: str, data_path: str | Path | None = None) -> pd.DataFrame:
    """Load one bundled table with its documented types.

    Parameters
    ----------
    name : str
        One of :func:`list_tables` (e.g. ``"commandes"``).
    data_path : str or Path, optional
        Folder to read from; default :func:`data_dir`.

    Returns
    -------
    pandas.DataFrame
        The columns of ``SCHEMAS[name]``, in order: dates parsed, categories as
        ``category`` dtype, booleans as ``bool``, missing text as ``NaN``.

    Raises
    ------
    KeyError
        Unknown table name (the message lists the known ones).
    FileNotFoundError
        The CSV file is missing (the message says how to get it back).

    Examples
    --------
    >>> orders = load("commandes")
    >>> orders["date_commande"].dtype
    dtype('<M8[us]')
    """
    if name not in SCHEMAS:
        known = ", ".join(f"« {t} »" for t in SCHEMAS)
        raise KeyError(f"Table inconnue : « {name} ». Tables disponibles : {known}.")
    folder = Path(data_path) if data_path is not None else data_dir()
    path = folder / f"{name}.csv"
    if not path.exists():
        raise FileNotFoundError(
            f"Fichier de données introuvable : {path}. "
            "Régénérez les données du cours avec « make data » "
            "(ou « python -m parcours_helpers.simulation --out data ») depuis le dossier du kit. "
            "Si vos données sont ailleurs, indiquez leur dossier dans la variable "
            "d'environnement PARCOURS_DATA."
        )
    return apply_schema(pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""]), name)


def apply_schema(raw: pd.DataFrame, name: str) -> pd.DataFrame:
    """Cast a table read as text to the types of ``SCHEMAS[name]``."""
    schema = SCHEMAS[name]
    missing = [c for c in schema if c not in raw.columns]
    if missing:
        raise ValueError(
            f"La table « {name} » n'a pas les colonnes attendues ; il manque : "
            + ", ".join(f"« {c} »" for c in missing)
            + ". Régénérez les données avec « make data »."
        )
    out = {}
    for col, kind in schema.items():
        s = raw[col]
        if kind == "str":
            out[col] = s
        elif kind == "int":
            out[col] = pd.to_numeric(s).astype("int64")
        elif kind == "float":
            out[col] = pd.to_numeric(s).astype("float64")
        elif kind == "bool":
            out[col] = s.map({"True": True, "False": False}).astype(bool)
        elif kind == "date":
            out[col] = pd.to_datetime(s, format="%Y-%m-%d")
        elif kind == "datetime":
            out[col] = pd.to_datetime(s, format="%Y-%m-%d %H:%M:%S")
        elif kind == "category":
            out[col] = s.astype("category")
        elif kind.startswith("ordered:"):
            levels = kind.removeprefix("ordered:").split("|")
            out[col] = pd.Categorical(s, categories=levels, ordered=True)
        else:  # pragma: no cover - guarded by tests on SCHEMAS
            raise ValueError(f"Type inconnu dans le schéma : {kind}")
    return pd.DataFrame(out)


def load_all(data_path: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Load every bundled table; returns ``{name: DataFrame}``."""
    return {name: load(name, data_path) for name in SCHEMAS}
