"""Tests of the offline wheelhouse (parcours_helpers.wheelhouse).

The fast tests check the requirements and the pip command lines without network. The slow
test installs the kit into a new virtual environment from a real wheelhouse with the package
index disabled; it runs only when ``PARCOURS_WHEELHOUSE`` names a wheelhouse folder
(built by ``make wheelhouse``), e.g.::

    PARCOURS_WHEELHOUSE=wheelhouse .venv/bin/python -m pytest -q tests/test_wheelhouse.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parcours_helpers import wheelhouse

ROOT = Path(__file__).resolve().parent.parent
# a system that is not the one running the tests, to see markers evaluated for the target
OTHER = "windows" if sys.platform != "win32" else "linux"


def test_kit_requirements_reads_dependencies_and_extras(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\ndependencies = ["pandas>=3.0", "numpy"]\n'
                         '[project.optional-dependencies]\ntest = ["pytest>=8"]\n'
                         'doc = ["sphinx"]\n', encoding="utf-8")
    assert wheelhouse.kit_requirements(pyproject) == ["pandas>=3.0", "numpy", "pytest>=8"]
    assert wheelhouse.kit_requirements(pyproject, extras=()) == ["pandas>=3.0", "numpy"]


def test_kit_requirements_of_the_real_kit_include_the_course_libraries():
    names = {r.split(">")[0].split("=")[0] for r in wheelhouse.kit_requirements()}
    assert {"jupyterlab", "pandas", "lifetimes", "pytest"} <= names


def test_marker_true_only_on_the_target_is_added():
    target = wheelhouse.TARGETS[OTHER]
    marker = 'sys_platform == "win32"' if OTHER == "windows" else 'sys_platform == "linux"'
    reqs = [f"paquet-absent-xyz>=1.0; {marker}", "autre-paquet-absent-xyz"]
    assert wheelhouse.extra_requirements(reqs, target, "3.12") == ["paquet-absent-xyz>=1.0"]


def test_marker_false_on_the_target_is_left_out():
    target = wheelhouse.TARGETS[OTHER]
    marker = 'sys_platform != "win32"' if OTHER == "windows" else 'sys_platform != "linux"'
    assert wheelhouse.extra_requirements([f"paquet-absent-xyz; {marker}"], target, "3.12") == []


def test_python_version_of_the_target_is_used():
    target = wheelhouse.TARGETS[OTHER]
    req = ['paquet-absent-xyz; python_version >= "3.99"']
    assert wheelhouse.extra_requirements(req, target, "3.99") == ["paquet-absent-xyz"]
    assert wheelhouse.extra_requirements(req, target, "3.11") == []


@pytest.mark.skipif(sys.platform == "win32", reason="cherche ce que Windows ajoute")
def test_dependency_tree_is_walked_for_windows():
    # pytest (installed here) needs colorama on Windows only; jupyter_server needs pywinpty
    extra = wheelhouse.extra_requirements(["pytest>=8", "jupyterlab>=4.0"],
                                          wheelhouse.TARGETS["windows"], "3.12")
    names = {e.split(">")[0].split("!")[0].split("=")[0] for e in extra}
    assert {"colorama", "pywinpty"} <= names


def test_same_system_as_here_needs_nothing_more():
    if sys.platform != "linux" or os.uname().machine != "x86_64":
        pytest.skip("compare avec la cible Linux x86_64")
    py = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert wheelhouse.extra_requirements(wheelhouse.kit_requirements(),
                                         wheelhouse.TARGETS["linux"], py) == []


def test_download_command_asks_binaries_for_the_target(tmp_path):
    cmd = wheelhouse.download_command(tmp_path, wheelhouse.TARGETS["macos-arm64"], "3.12",
                                      ["pandas>=3.0"])
    assert cmd[1:4] == ["-m", "pip", "download"]
    assert "--only-binary=:all:" in cmd
    assert cmd[cmd.index("--python-version") + 1] == "3.12"
    assert cmd[cmd.index("--platform") + 1] == "macosx_12_0_arm64"
    assert cmd[cmd.index("--dest") + 1] == str(tmp_path)
    assert cmd[-1] == "pandas>=3.0"


def test_linux_target_lists_older_glibc_tags():
    platforms = wheelhouse.TARGETS["linux"].platforms
    assert "manylinux_2_28_x86_64" in platforms
    assert "manylinux_2_17_x86_64" in platforms
    assert "manylinux2014_x86_64" in platforms


def test_unknown_system_is_refused(capsys):
    with pytest.raises(SystemExit):
        wheelhouse.main(["--system", "amiga"])
    assert "amiga" in capsys.readouterr().err


# --------------------------------------------------------------------------- slow, real install

WHEELHOUSE = os.environ.get("PARCOURS_WHEELHOUSE")


@pytest.mark.skipif(not WHEELHOUSE, reason="installation hors ligne lente : donnez le dossier "
                    "des roues dans PARCOURS_WHEELHOUSE (make wheelhouse le remplit)")
def test_kit_installs_from_the_wheelhouse_without_index(tmp_path):
    wheels = Path(WHEELHOUSE).resolve()
    assert any(wheels.glob("*.whl")), f"aucune roue dans {wheels}"
    # a copy of the kit, so that the editable install writes nothing into the repository
    kit = tmp_path / "kit"
    kit.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, kit / name)
    for folder in ("parcours_helpers", "data"):
        shutil.copytree(ROOT / folder, kit / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    # no pip configuration and no PIP_* variable: only the wheelhouse can be used
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    start = time.perf_counter()
    result = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-index", "--find-links", str(wheels),
         "-e", f"{kit}[test]"], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    check = subprocess.run(
        [str(python), "-c", "from parcours_helpers import installation; "
         "v = installation.check(); print(installation.summary(v)); "
         "assert (v['etat'] == 'OK').all(), v"],
        env=env, capture_output=True, text=True, cwd=kit)
    assert check.returncode == 0, check.stdout + check.stderr
    print(f"installation hors ligne : {seconds:.0f} s")
