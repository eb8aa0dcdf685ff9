"""Write the fictional demo export: Maison Beaufil's orders as a messy French back-office file.

The file ``data/exemple_export_client.csv`` lets the audit notebook and the command be
tried without a client's data. Everything in it is simulated (no real person). It is
written like the exports consultants receive: Windows-1252, ``;`` separator, CRLF line
ends, day-first dates with a time (a few in ``JJ/MM/AA``), amounts with a decimal
comma, a no-break space between thousands and a ``€`` sign, one refund line per returned
order, a column of (fictional) e-mail addresses that must never reach the report, and a
handful of faulty lines (dates, customers, amounts, duplicated lines, an empty line) and
a trailing total line. Regenerate it with::

    python -m parcours_helpers.audit.demo
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

#: Columns of the demo export.
DEMO_COLUMNS = ["N° commande", "Date", "Client", "E-mail", "Canal", "Montant TTC (€)"]
#: The key used by the notebook for the demo (pseudonyms reproducible across runs).
DEMO_SALT = "demo-maison-beaufil"
#: Faulty lines injected, by kind (the expected accounting follows from them).
INJECTED = {"bad_date": 3, "missing_customer": 3, "bad_amount": 2, "duplicate": 4}


def french_amount(x: float) -> str:
    """``1234.5`` → ``"1 234,50 €"`` (no-break space before thousands and before €).

    Examples
    --------
    >>> french_amount(-1234.5)
    '-1\\xa0234,50\\xa0€'
    """
    text = f"{abs(x):,.2f}".replace(",", "\u00a0").replace(".", ",")
    return ("-" if x < 0 else "") + text + "\u00a0€"


def demo_lines(commandes: pd.DataFrame, seed: int = 8) -> pd.DataFrame:
    """Build the demo export's lines (text cells) from the shop's orders.

    Parameters
    ----------
    commandes : pandas.DataFrame
        The ``commandes`` table (``id_commande``, ``id_personne``, ``date_commande``,
        ``canal``, ``montant_ttc``, ``retour``, ``montant_rembourse``).
    seed : int
        Seed of the faulty lines' choice.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DEMO_COLUMNS`, all text, in date order, faulty lines included
        (without the empty and total lines, added by :func:`write_demo_export`).
    """
    rng = np.random.default_rng(seed)
    orders = commandes.sort_values(["date_commande", "id_commande"])
    sales = pd.DataFrame({
        "N° commande": orders["id_commande"].str.replace("C", "BF-", regex=False),
        "when": orders["date_commande"],
        "Client": orders["id_personne"].str.replace("P", "CL", regex=False),
        "Canal": orders["canal"].astype(str),
        "amount": orders["montant_ttc"],
    })
    back = orders[orders["retour"]]
    refunds = pd.DataFrame({
        "N° commande": back["id_commande"].str.replace("C", "BF-", regex=False),
        "when": back["date_commande"] + pd.Timedelta(days=12),
        "Client": back["id_personne"].str.replace("P", "CL", regex=False),
        "Canal": "remboursement",
        "amount": -back["montant_rembourse"],
    })
    lines = pd.concat([sales, refunds]).sort_values(["when", "N° commande"], ignore_index=True)
    lines["E-mail"] = lines["Client"].str.lower() + "@exemple.fr"
    lines["Date"] = lines["when"].dt.strftime("%d/%m/%Y %H:%M")
    short = rng.choice(len(lines), 40, replace=False)
    lines.loc[short, "Date"] = lines.loc[short, "when"].dt.strftime("%d/%m/%y")
    lines["Montant TTC (€)"] = lines["amount"].map(french_amount)
    sales_rows = np.flatnonzero(lines["amount"].to_numpy() > 0)
    faulty = rng.choice(sales_rows, sum(INJECTED.values()) - INJECTED["duplicate"], replace=False)
    bad_dates, no_customer, bad_amounts = np.split(faulty, [3, 6])
    lines.loc[bad_dates, "Date"] = ["31/02/2024", "", "hier"]
    lines.loc[no_customer, ["Client", "E-mail"]] = ""
    lines.loc[bad_amounts, "Montant TTC (€)"] = ["N/A", ""]
    lines = lines[DEMO_COLUMNS]
    clean = np.setdiff1d(sales_rows, faulty)
    copies = np.sort(rng.choice(clean, INJECTED["duplicate"], replace=False))
    parts, start = [], 0
    for row in copies:
        parts += [lines.iloc[start:row + 1], lines.iloc[[row]]]
        start = row + 1
    parts.append(lines.iloc[start:])
    return pd.concat(parts, ignore_index=True)


def write_demo_export(path: str | Path, commandes: pd.DataFrame | None = None, seed: int = 8
                      ) -> Path:
    """Write the demo export (cp1252, ``;``, CRLF, an empty line, a total line).

    Parameters
    ----------
    path : str or pathlib.Path
        Where to write.
    commandes : pandas.DataFrame, optional
        The orders; default the bundled ``commandes`` table.
    seed : int
        Seed of the faulty lines.

    Returns
    -------
    pathlib.Path
    """
    if commandes is None:
        from parcours_helpers import datasets

        commandes = datasets.load("commandes")
    lines = demo_lines(commandes, seed)
    text = [";".join(DEMO_COLUMNS)] + [";".join(row) for row in lines.to_numpy()]
    text.insert(len(text) // 2, "")
    total = commandes["montant_ttc"].sum()
    text.append(f";;Total;;;{french_amount(total)}")
    path = Path(path)
    path.write_bytes(("\r\n".join(text) + "\r\n").encode("cp1252"))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Écrit l'export de démonstration (fictif).")
    parser.add_argument("--out", default="data/exemple_export_client.csv")
    args = parser.parse_args(argv)
    path = write_demo_export(args.out)
    print(f"Export de démonstration écrit : {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
