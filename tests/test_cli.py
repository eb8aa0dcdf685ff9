"""The command ``parcours-audit``: outputs, French errors without traceback, the HTML report."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from parcours_helpers.cli import EXIT_INPUT, audit_main

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "exemple_export_client.csv"
CP1252 = ["--customer-col", "Client", "--date-col", "Date", "--amount-col", "Montant TTC (€)",
          "--order-col", "N° commande", "--salt", "test"]


def _run(*args: str) -> subprocess.CompletedProcess:
    """Run the command in a subprocess, as a consultant would."""
    return subprocess.run([sys.executable, "-m", "parcours_helpers.cli", *args],
                          capture_output=True, text=True, check=False, cwd=ROOT)


def test_tables_and_quality_are_written_in_the_output_folder_only(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(FIXTURES / "export_cp1252.csv", src)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    code = audit_main([str(src / "export_cp1252.csv"), "--output", str(tmp_path / "audit_x"),
                       *CP1252, "--no-report"])
    assert code == 0
    out = capsys.readouterr().out
    assert "Lignes lues : 9 ; gardées : 4" in out
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")
                     if p.name not in before)
    assert written == ["audit_x", "audit_x/customers.csv", "audit_x/monthly.csv",
                       "audit_x/quality.json", "audit_x/set_aside.csv"]
    quality = json.loads((tmp_path / "audit_x" / "quality.json").read_text(encoding="utf-8"))
    assert quality["rows_kept"] == 4


def test_existing_output_is_not_overwritten_without_force(tmp_path, capsys):
    out = tmp_path / "audit_x"
    out.mkdir()
    (out / "notes.txt").write_text("à garder", encoding="utf-8")
    args = [str(FIXTURES / "export_cp1252.csv"), "--output", str(out), *CP1252, "--no-report"]
    assert audit_main(args) == EXIT_INPUT
    assert "--force" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert audit_main([*args, "--force", "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    assert (out / "quality.json").exists()


@pytest.mark.parametrize(
    "content, expected",
    [
        (None, "Fichier introuvable"),
        (b"", "est vide"),
        (b"Client;Date;Montant\r\n", "ne contient que la ligne d'en-t\u00eate"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", "n'est pas un tableau"),
        (b"Bonjour\nune lettre, pas un tableau\n".replace(b",", b""), "ne ressemble pas"),
    ],
    ids=["absent", "vide", "entete-seule", "binaire", "texte"],
)
def test_bad_input_gives_a_french_message_and_no_traceback(tmp_path, content, expected):
    path = tmp_path / "export.csv"
    if content is not None:
        path.write_bytes(content)
    result = _run(str(path), "--output", str(tmp_path / "audit_x"), "--customer-col", "Client",
                  "--date-col", "Date", "--amount-col", "Montant", "--no-report")
    assert result.returncode == EXIT_INPUT
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "audit_x").exists()


def test_unknown_column_lists_the_columns_present(tmp_path):
    result = _run(str(FIXTURES / "export_cp1252.csv"), "--output", str(tmp_path / "a"),
                  "--customer-col", "Nom", "--date-col", "Date", "--amount-col", "Montant")
    assert result.returncode == EXIT_INPUT
    assert "Colonnes introuvables" in result.stderr and "« Nom »" in result.stderr
    assert "Colonnes présentes : « N° commande », « Date », « Client »" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_option_is_explained_in_french(tmp_path):
    result = _run(str(FIXTURES / "export_cp1252.csv"), "--output", str(tmp_path / "a"))
    assert result.returncode == EXIT_INPUT
    assert "options obligatoires manquantes" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def demo_audit(tmp_path_factory):
    """The full command, report included, on the bundled demo export."""
    out = tmp_path_factory.mktemp("demo") / "audit_demo"
    result = _run(str(DEMO), "--output", str(out), "--customer-col", "Client", "--date-col",
                  "Date", "--amount-col", "Montant TTC (€)", "--order-col", "N° commande",
                  "--salt", "demo")
    assert result.returncode == 0, result.stderr
    return out


def test_full_audit_writes_a_self_contained_french_report(demo_audit):
    names = sorted(p.name for p in demo_audit.iterdir())
    assert names == ["audit.ipynb", "customers.csv", "monthly.csv", "quality.json",
                     "report.html", "set_aside.csv"]
    html = (demo_audit / "report.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html
    assert "Rapport d'audit des ventes" in html and "Qualité des données" in html
    assert html.count("data:image/png;base64") >= 5
    assert 'src="http' not in html  # nothing fetched from the web
    assert "parcours-audit export_client.csv" not in html  # course cells are left out
    quality = json.loads((demo_audit / "quality.json").read_text(encoding="utf-8"))
    assert quality["rows_read"] == quality["rows_kept"] + sum(quality["rows_set_aside"].values())
    for file in demo_audit.iterdir():
        text = file.read_text(encoding="utf-8")
        assert "@exemple.fr" not in text and "CL00285" not in text, file.name


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium absent (apt install chromium)")
def test_report_renders_with_its_figures_in_headless_chromium(demo_audit, tmp_path):
    shot = tmp_path / "rapport.png"
    dom = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
         "--virtual-time-budget=5000", (demo_audit / "report.html").as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert dom.returncode == 0, dom.stderr[-500:]
    assert dom.stdout.count("<img") >= 5 and "Segments RFM" in dom.stdout
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={shot}",
         "--window-size=1200,3000", (demo_audit / "report.html").as_uri()],
        capture_output=True, timeout=120, check=False)
    from matplotlib.image import imread

    pixels = imread(shot)
    assert pixels.shape[0] == 3000
    assert pixels[..., :3].std() > 0.05  # not a blank page: text and figures are drawn


def test_bad_observation_end_is_a_french_error(tmp_path, capsys):
    code = audit_main([str(FIXTURES / "export_cp1252.csv"), "--output", str(tmp_path / "a"),
                       *CP1252, "--no-report", "--observation-end", "demain"])
    assert code == EXIT_INPUT
    assert "fin d'observation illisible" in capsys.readouterr().err


def test_salt_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PARCOURS_SALT", "sel-env")
    args = ["--customer-col", "Client", "--date-col", "Date", "--amount-col", "Montant TTC (€)",
            "--no-report", "--quiet"]
    for name in ("a", "b"):
        assert audit_main([str(FIXTURES / "export_cp1252.csv"), "--output",
                           str(tmp_path / name), *args]) == 0
    first, second = ((tmp_path / n / "customers.csv").read_text(encoding="utf-8") for n in "ab")
    assert first == second
    quality = json.loads((tmp_path / "a" / "quality.json").read_text(encoding="utf-8"))
    assert quality["pseudonymisation"]["key"] == "clé de la variable PARCOURS_SALT"
    assert "sel-env" not in (tmp_path / "a" / "quality.json").read_text(encoding="utf-8")


def test_slow_optional_module_is_blocked_only_inside_the_block():
    from parcours_helpers.audit.export import without_module as _without_module

    name = "module_absent_pour_le_test"
    with _without_module(name):
        with pytest.raises(ImportError):
            __import__(name)
        assert sys.modules[name] is None
    assert name not in sys.modules
    with _without_module("json"):  # already imported: left alone
        assert sys.modules["json"] is json


def test_bad_input_with_the_report_on_stops_its_kernel_and_writes_nothing(tmp_path):
    """The report's process starts before the audit: a failed audit must stop it."""
    path = tmp_path / "export.csv"
    path.write_bytes(b"Client;Date;Montant\r\n")
    result = _run(str(path), "--output", str(tmp_path / "audit_x"), "--customer-col", "Client",
                  "--date-col", "Date", "--amount-col", "Montant")
    assert result.returncode == EXIT_INPUT
    assert "ne contient que la ligne d'en-t\u00eate" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "audit_x").exists()


def test_report_process_stopped_before_the_results_writes_nothing(tmp_path):
    from parcours_helpers.audit.export import start_report

    finish = start_report(tmp_path / "audit")
    assert finish(False) is None
    assert finish(True) is None  # only the first call counts
    assert not (tmp_path / "audit").exists()


def test_report_failure_is_reported_in_french_with_its_cause(tmp_path, capsys, monkeypatch):
    """A report that cannot be produced leaves the tables and says why (exit code 3)."""
    from parcours_helpers.audit import export
    from parcours_helpers.cli import EXIT_REPORT

    missing = tmp_path / "absent.ipynb"
    with pytest.raises(export.ReportError, match="introuvable"):
        export.start_report(tmp_path / "a", notebook=missing)(True)
    original = export.start_report
    monkeypatch.setattr(export, "start_report", lambda out: original(out, notebook=missing))
    code = audit_main([str(FIXTURES / "export_cp1252.csv"), "--output", str(tmp_path / "b"),
                       *CP1252, "--quiet"])
    assert code == EXIT_REPORT
    err = capsys.readouterr().err
    assert "les résultats sont écrits" in err and "introuvable" in err
    assert (tmp_path / "b" / "quality.json").exists()
