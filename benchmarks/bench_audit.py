"""Time the whole client audit against a bare ``pandas.read_csv`` of the same export.

Generates (once, seeded) a French export of 3 million order lines like a shop's
back-office writes it: cp1252, ``;`` separator, CRLF, day-first dates with a time,
amounts with a decimal comma, a no-break space between thousands and a ``€`` sign,
a few messy lines (returns, bad dates, missing customers, unreadable amounts,
duplicated lines) and a trailing total line. The file goes to ``benchmarks/_data/``
(git-ignored). Then, each in its own subprocess so that peak memory is measured
separately:

1. ``pandas.read_csv(path, sep=";", encoding="cp1252")`` — the bare read (default C
   engine, nothing parsed), the reference of the speed budget;
2. the same with ``engine="pyarrow"`` (for information, only when pyarrow is installed);
3. the audit without the report, ``parcours-audit … --no-report`` in-process (reading,
   checks, pseudonymisation, RFM, models, the tables and quality.json);
4. the whole audit, ``parcours-audit … --output <tmp>`` (the above, then the report
   notebook executed by papermill and exported to HTML).

Both clocks start after ``import pandas``: the audit's time includes importing the kit,
lifetimes and (with the report) papermill. It prints the seconds, the peak resident
memory (``VmHWM`` of the child, papermill's kernel not included: it only draws the
figures from the small result tables) and the ratios to the bare read. Budget: ratio ≤ 2 and
audit peak memory < 3 GB. Above 20 MB the audit reads the lines with DuckDB
(:mod:`parcours_helpers.audit.lines_duckdb`); ``quality.json`` says which engine ran. With the
report, its kernel starts in a separate lower-priority process during the audit, so what the
report adds is the tail after the results are written (loading them, five figures, HTML
export). Mind that the reference depends on the environment: with pyarrow installed,
pandas 3 reads text columns into Arrow strings and the bare read gets about three times
faster. Run from the kit's folder::

    python benchmarks/bench_audit.py              # 3 000 000 lines
    python benchmarks/bench_audit.py 300000       # another size
    python benchmarks/bench_audit.py --repeat 5   # 5 rounds: medians and per-round ratios
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 2025
HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
NBSP = "\u00a0"  # cp1252 has the no-break space, not the narrow one (U+202F)
COLUMNS = ["N° commande", "Date", "Client", "Montant TTC (€)", "Canal"]


def _french_amounts(cents: np.ndarray) -> pd.Series:
    """Format integer cents as ``1 234,50 €`` (no-break space thousands, decimal comma)."""
    sign = np.where(cents < 0, "-", "")
    cents = np.abs(cents)
    euros, rest = cents // 100, cents % 100
    thousands, units = euros // 1000, euros % 1000
    big = pd.Series(thousands).astype(str) + NBSP + pd.Series(units).astype(str).str.zfill(3)
    text = pd.Series(euros).astype(str).where(thousands == 0, big)
    return sign + text + "," + pd.Series(rest).astype(str).str.zfill(2) + " €"


def generate(path: Path, n_rows: int, seed: int = SEED) -> Path:
    """Write a messy French export of ``n_rows`` data lines (+ header and total line).

    Columns: ``N° commande``, ``Date`` (``JJ/MM/AAAA HH:MM``), ``Client``,
    ``Montant TTC (€)``, ``Canal``. About 0.5 % returns (negative amounts), 0.05 %
    each of bad dates, missing customers and unreadable amounts, 0.1 % duplicated
    lines, and a final ``Total`` line.
    """
    rng = np.random.default_rng(seed)
    n_customers = max(1, n_rows // 10)
    weights = rng.gamma(0.6, 1.0, n_customers)
    customers = rng.choice(n_customers, n_rows, p=weights / weights.sum())
    days = np.sort(rng.integers(0, 1096, n_rows))
    minutes = rng.integers(8 * 60, 22 * 60, n_rows)
    day_text = pd.date_range("2022-01-01", periods=1096, freq="D").strftime("%d/%m/%Y").to_numpy()
    minute_text = np.array([f"{m // 60:02d}:{m % 60:02d}" for m in range(1440)], dtype=object)
    dates = pd.Series(day_text[days]) + " " + pd.Series(minute_text[minutes])
    cents = np.round(rng.gamma(2.0, 4500.0, n_rows)).astype(np.int64) + 100
    cents[rng.random(n_rows) < 0.005] *= -1
    amounts = _french_amounts(cents)
    ids = pd.Series(customers).astype(str).str.zfill(7).radd("CL")
    orders = pd.Series(np.arange(1, n_rows + 1)).astype(str).str.zfill(8).radd("CMD")
    channels = pd.Series(np.array(["e-shop", "boutique", "click & collect"], dtype=object)[
        rng.choice(3, n_rows, p=[0.6, 0.3, 0.1])])
    bad = rng.random((3, n_rows)) < 0.0005
    dates[bad[0]] = "31/02/2024"
    ids[bad[1]] = ""
    amounts[bad[2]] = "N/A"
    lines = orders + ";" + dates + ";" + ids + ";" + amounts + ";" + channels
    dup = np.flatnonzero(rng.random(n_rows) < 0.001)
    lines = lines.to_numpy(dtype=object)
    lines = np.insert(lines, dup + 1, lines[dup])  # an exact copy right after the line
    total = _french_amounts(np.array([cents[cents > 0].sum()]))[0]
    text = "\r\n".join([";".join(COLUMNS), *lines, f";;Total;{total};"]) + "\r\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("cp1252"))
    return path


# Peak memory: VmHWM of the child itself (ru_maxrss would carry over the parent's peak
# across fork + exec, e.g. the 2.6 GB of generating the file in the same run).
_PEAK = """
def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

_BARE = _PEAK + """
import sys, time, json
import pandas as pd
t0 = time.perf_counter()
df = pd.read_csv(sys.argv[1], sep=";", encoding="cp1252"{engine})
seconds = time.perf_counter() - t0
print(json.dumps({{"seconds": seconds, "rows": len(df),
                  "peak_mb": peak_mb()}}))
"""

_AUDIT = _PEAK + """
import sys, time, json
import pandas  # imported before the clock starts, as for the bare read
t0 = time.perf_counter()
from parcours_helpers.cli import audit_main
code = audit_main([sys.argv[1], "--output", sys.argv[2], "--force", "--salt", "banc-d-essai",
                   "--customer-col", "Client", "--date-col", "Date",
                   "--amount-col", "Montant TTC (€)", "--order-col", "N° commande", "--quiet",
                   *sys.argv[3:]])
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "code": code,
                  "peak_mb": peak_mb()}))
"""


def _run(script: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                         check=False)
    if out.returncode != 0:
        raise SystemExit(f"Échec du sous-processus :\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=3_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    path = DATA / f"export_client_{args.rows}.csv"
    if not path.exists():
        t0 = time.perf_counter()
        generate(path, args.rows)
        print(f"Fichier généré en {time.perf_counter() - t0:.1f} s : {path}")
    size_mb = path.stat().st_size / 1e6
    print(f"Fichier : {path.name}, {size_mb:.0f} Mo, {args.repeat} tour(s)")
    arrow = importlib.util.find_spec("pyarrow") is not None
    runs = {"bare": [], "arrow": [], "tables": [], "audit": []}
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "audit")
        # one round = each measure once, in turn: a busy moment of a shared machine then
        # weighs on the reference and on the audit alike, and the ratios are per round
        for _ in range(args.repeat):
            runs["bare"].append(_run(_BARE.format(engine=""), str(path)))
            if arrow:
                runs["arrow"].append(_run(_BARE.format(engine=', engine="pyarrow"'), str(path)))
            runs["tables"].append(_run(_AUDIT, str(path), out, "--no-report"))
            runs["audit"].append(_run(_AUDIT, str(path), out))
        quality = json.loads((Path(tmp) / "audit" / "quality.json").read_text(encoding="utf-8"))
    _show("read_csv (moteur C)", runs["bare"])
    if arrow:
        _show("read_csv (moteur pyarrow)", runs["arrow"])
    else:
        print("read_csv (moteur pyarrow) : pyarrow absent, non mesuré")
    for key, label in (("tables", "audit sans rapport"), ("audit", "audit complet")):
        _show(label, runs[key])
        ratios = [r["seconds"] / b["seconds"] for r, b in zip(runs[key], runs["bare"],
                                                               strict=True)]
        print(f"{'':<26}  rapport à read_csv par tour : médiane {statistics.median(ratios):.2f}"
              f" (de {min(ratios):.2f} à {max(ratios):.2f}) ; budget ≤ 2 ; "
              f"codes de sortie {sorted({r['code'] for r in runs[key]})}")
    print(f"lignes lues {quality['rows_read']}, gardées {quality['rows_kept']}, "
          f"écartées {quality['rows_set_aside']}, modèles ajustés : "
          f"{quality['models']['fitted']}, moteur : {quality.get('engine')}")
    return 0 if all(r["code"] == 0 for r in runs["audit"] + runs["tables"]) else 1


def _show(label: str, runs: list[dict]) -> None:
    seconds = [r["seconds"] for r in runs]
    print(f"{label:<26}: médiane {statistics.median(seconds):6.2f} s (meilleur "
          f"{min(seconds):.2f} s), pic {max(r['peak_mb'] for r in runs):6.0f} Mo")


if __name__ == "__main__":
    sys.exit(main())
