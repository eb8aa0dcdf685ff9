"""Input validation shared by every helper: one place, French messages."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def require_columns(df: pd.DataFrame, columns: Iterable[str], table: str = "le tableau") -> None:
    """Raise a French ``ValueError`` when ``df`` lacks one of ``columns``.

    Parameters
    ----------
    df : pandas.DataFrame
        The table to check.
    columns : iterable of str
        Column names that must be present.
    table : str
        How to name the table in the message (e.g. ``"les commandes"``).

    Raises
    ------
    TypeError
        If ``df`` is not a DataFrame.
    ValueError
        If a column is missing; the message names the missing columns and lists
        the expected ones and those present.

    Examples
    --------
    >>> import pandas as pd
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a"])
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a", "b"], "les ventes")
    Traceback (most recent call last):
    ...
    ValueError: Colonne manquante dans les ventes : « b ». Colonnes attendues : « a », « b ». Colonnes présentes : « a ».
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(
            f"{table[0].upper() + table[1:]} doit être un tableau pandas (DataFrame), "
            f"pas un objet de type {type(df).__name__}."
        )
    columns = list(columns)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        word = "Colonne manquante" if len(missing) == 1 else "Colonnes manquantes"
        raise ValueError(
            f"{word} dans {table} : {_quote(missing)}. "
            f"Colonnes attendues : {_quote(columns)}. "
            f"Colonnes présentes : {_quote(map(str, df.columns))}."
        )


def require_non_empty(df: pd.DataFrame, table: str = "le tableau") -> None:
    """Raise a French ``ValueError`` when ``df`` has no row."""
    if len(df) == 0:
        raise ValueError(f"{table[0].upper() + table[1:]} est vide : il faut au moins une ligne.")


def _quote(names: Iterable[str]) -> str:
    names = list(names)
    return ", ".join(f"« {n} »" for n in names) if names else "(aucune)"
