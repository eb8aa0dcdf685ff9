"""The set-up a newcomer meets: one package list, a working `make lab`, a README that
points nowhere outside the repository."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for r in project["optional-dependencies"]["test"]}
    conda = set()
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    for line in text.split("dependencies:", 1)[1].splitlines():
        m = re.match(r"^\s{2}- ([A-Za-z0-9_.\-]+)", line) or re.match(
            r"^\s{6}- ([A-Za-z][A-Za-z0-9_.\-]*)", line)  # the pip: sub-list
        if m and m.group(1) not in {"python", "pip"}:
            conda.add(m.group(1).lower())
    assert conda == wanted, (
        f"environment.yml et pyproject.toml diffèrent : seulement dans environment.yml "
        f"{sorted(conda - wanted)}, seulement dans pyproject.toml {sorted(wanted - conda)}"
    )


def test_environment_yml_pins_lower_bounds_like_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = project["dependencies"] + project["optional-dependencies"]["test"]
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    for r in reqs:
        assert f"  - {r}\n" in text or f"      - {r}\n" in text, f"environment.yml n'a pas la même contrainte : {r}"


def test_required_layout_exists():
    for path in ["notebooks", "parcours_helpers", "data", "exercises", "tests",
                 "environment.yml", "pyproject.toml", "README.md", "Makefile", ".ci/run",
                 "LICENSE", "notebooks/00_bienvenue.ipynb"]:
        assert (ROOT / path).exists(), f"manque : {path}"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in readme and "make lab" in readme
    assert "make test" in (ROOT / ".ci/run").read_text(encoding="utf-8")


def test_nothing_points_outside_the_repository():
    for path in [ROOT / "README.md", *ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("exercises/*.ipynb"),
                 *ROOT.glob("data/*.md")]:
        assert "../shared" not in path.read_text(encoding="utf-8"), f"{path.name} pointe vers ../shared"


def test_gitignore_keeps_client_data_and_venv_out():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8")
    for pattern in [".venv/", "audit_*/", "wheelhouse/"]:
        assert pattern in ignored


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(sys.platform == "win32", reason="make lab is for Linux and macOS")
def test_make_lab_serves_the_welcome_notebook(tmp_path):
    port, token = _free_port(), "jeton-de-test"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config")}
    flags = (f"--IdentityProvider.token={token} --ServerApp.ip=127.0.0.1 "
             "--ServerApp.open_browser=False --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate")
    proc = subprocess.Popen(
        ["make", "-s", "lab", "NO_BROWSER=1", f"PORT={port}", f"LAB_FLAGS={flags}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/api/contents/notebooks/00_bienvenue.ipynb?token={token}"
    try:
        deadline, body, last_error = time.time() + 90, None, None
        while time.time() < deadline and body is None:
            if proc.poll() is not None:
                pytest.fail("make lab s'est arrêté : " + proc.stdout.read()[-2000:])
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:
                    body = json.load(resp)
            except OSError as exc:
                last_error = exc
                time.sleep(1)
        assert body is not None, f"JupyterLab ne répond pas sur le port {port} : {last_error}"
        assert body["type"] == "notebook"
        titles = [c["source"] for c in body["content"]["cells"] if c["cell_type"] == "markdown"]
        assert any("Bienvenue" in t for t in titles)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 15)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
