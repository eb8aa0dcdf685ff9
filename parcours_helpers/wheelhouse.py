"""Download every wheel the kit needs, for Linux, macOS and Windows: a room without internet.

A trainer runs this once, on a machine with internet access::

    python -m parcours_helpers.wheelhouse --out wheelhouse
    python -m parcours_helpers.wheelhouse --out wheelhouse --system windows --python 3.12

then copies the kit's folder, ``wheelhouse/`` included, onto a USB stick. On each laptop,
with no network, from the kit's folder::

    PIP_NO_INDEX=1 PIP_FIND_LINKS=$PWD/wheelhouse make lab

or by hand (Windows: ``.venv\\Scripts\\python``)::

    python3 -m venv .venv
    .venv/bin/python -m pip install --no-index --find-links wheelhouse -e ".[test]"

The kit itself is installed from its folder (editable, like ``make lab`` does): the
wheelhouse holds its dependencies and the build tools (pip, setuptools, wheel).

``pip download --platform …`` chooses wheels for another system, but it evaluates the
environment markers of the requirements (``pywinpty; os_name == "nt"``) on the machine that
runs it. :func:`extra_requirements` therefore walks the installed dependency tree of the kit
and evaluates every marker for the target system, and the requirements that only the target
needs are added explicitly to its download.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent

#: Python versions a learner may have (the kit needs 3.11 or newer).
PYTHON_VERSIONS = ("3.11", "3.12", "3.13")

# Linux wheels are tagged with the oldest glibc they support; pip does not expand
# ``manylinux_2_28`` to older glibc versions by itself, so we list them (glibc 2.28 = Debian 10,
# Ubuntu 20.04 has 2.31).
_MANYLINUX = tuple(f"manylinux_2_{minor}_x86_64" for minor in range(28, 16, -1)) + (
    "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64", "linux_x86_64")


@dataclass(frozen=True)
class Target:
    """One system to download wheels for: pip platform tags and marker values."""

    name: str
    platforms: tuple[str, ...]
    markers: dict

    def environment(self, python: str) -> dict:
        """Marker environment of this system for ``python`` ("3.12")."""
        env = dict(default_environment())
        env.update(self.markers)
        env.update(python_version=python, python_full_version=f"{python}.0",
                   implementation_name="cpython", platform_python_implementation="CPython")
        return env


TARGETS = {
    "linux": Target("linux", _MANYLINUX,
                    {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                     "platform_machine": "x86_64"}),
    # macOS 12 (Monterey) or newer; pip expands macosx_12_0_* to older macOS and universal2.
    "macos-arm64": Target("macos-arm64", ("macosx_12_0_arm64",),
                          {"sys_platform": "darwin", "platform_system": "Darwin",
                           "os_name": "posix", "platform_machine": "arm64"}),
    "macos-x86_64": Target("macos-x86_64", ("macosx_12_0_x86_64",),
                           {"sys_platform": "darwin", "platform_system": "Darwin",
                            "os_name": "posix", "platform_machine": "x86_64"}),
    "windows": Target("windows", ("win_amd64",),
                      {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
                       "platform_machine": "AMD64"}),
}

#: Tools pip needs to install the kit from its source folder (``pip install -e .``).
BUILD_TOOLS = ("pip", "setuptools>=77", "wheel")  # as pyproject.toml build-system


def kit_requirements(pyproject: Path = ROOT / "pyproject.toml",
                     extras: tuple[str, ...] = ("test",)) -> list[str]:
    """Requirements of the kit read from ``pyproject.toml`` (dependencies + ``extras``)."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"])
    for extra in extras:
        reqs += project.get("optional-dependencies", {}).get(extra, [])
    return reqs


def extra_requirements(requirements: list[str], target: Target, python: str) -> list[str]:
    """Requirements the target needs but the machine running pip would skip.

    Walks the dependency tree of the installed distributions, starting from
    ``requirements``, and evaluates each marker both for ``target`` (with ``python``)
    and for the running interpreter. A requirement true for the target and false here
    is returned, as written in its package's metadata (markers removed).

    Parameters
    ----------
    requirements : list of str
        Top-level requirement strings (``"jupyterlab>=4.0"``).
    target : Target
        The system to download for.
    python : str
        Python version of the target, ``"3.12"``.

    Returns
    -------
    list of str
        Sorted requirement strings without markers; empty when the target needs nothing
        more than this machine.
    """
    target_env = target.environment(python)
    host_env = default_environment()
    seen: set[tuple[str, frozenset]] = set()
    extra: set[str] = set()
    # each entry: a requirement and the extras of the package that asked for it
    todo = [(Requirement(r), frozenset()) for r in requirements]
    while todo:
        req, parent_extras = todo.pop()
        if not _applies(req, target_env, parent_extras):
            continue
        if not _applies(req, host_env, parent_extras):
            extra.add(f"{req.name}{req.specifier}")
        key = (canonicalize_name(req.name), frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            requires = md.requires(req.name) or []
        except md.PackageNotFoundError:
            continue  # not installed here: pip resolves its plain dependencies itself
        todo += [(Requirement(line), frozenset(req.extras)) for line in requires]
    return sorted(extra)


def _applies(req: Requirement, env: dict, extras: frozenset) -> bool:
    """Whether ``req`` is needed in ``env`` when its parent was asked with ``extras``."""
    if req.marker is None:
        return True
    return any(req.marker.evaluate({**env, "extra": e}) for e in (extras or {""}))


def download_command(out: Path, target: Target, python: str, requirements: list[str]) -> list[str]:
    """The ``pip download`` command line for one system and one Python version."""
    cmd = [sys.executable, "-m", "pip", "download", "--only-binary=:all:",
           "--python-version", python, "--implementation", "cp", "--dest", str(out),
           "--quiet", "--disable-pip-version-check"]
    for platform in target.platforms:
        cmd += ["--platform", platform]
    return cmd + list(requirements)


def build(out: Path, systems: list[str], pythons: list[str], root: Path = ROOT) -> dict:
    """Fill ``out`` with the wheels of every system × Python version the kit needs.

    Returns
    -------
    dict
        ``{"wheels": number of files, "megaoctets": total size, "secondes": duration}``.

    Raises
    ------
    subprocess.CalledProcessError
        If pip cannot find a wheel (its message names the package).
    """
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    requirements = kit_requirements(root / "pyproject.toml") + list(BUILD_TOOLS)
    for system in systems:
        target = TARGETS[system]
        for python in pythons:
            reqs = requirements + extra_requirements(requirements, target, python)
            print(f"{system}, Python {python} : téléchargement…", flush=True)
            subprocess.run(download_command(out, target, python, reqs), check=True)
    files = sorted(out.glob("*.whl"))
    return {"wheels": len(files),
            "megaoctets": round(sum(f.stat().st_size for f in files) / 1e6, 1),
            "secondes": round(time.perf_counter() - start, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Télécharge toutes les roues (wheels) du kit pour installer une salle "
                    "sans internet.")
    parser.add_argument("--out", type=Path, default=Path("wheelhouse"),
                        help="dossier de destination (défaut : wheelhouse)")
    parser.add_argument("--system", nargs="+", choices=sorted(TARGETS), default=sorted(TARGETS),
                        help="systèmes visés (défaut : tous)")
    parser.add_argument("--python", nargs="+", default=list(PYTHON_VERSIONS),
                        help="versions de Python visées (défaut : 3.11 3.12 3.13)")
    args = parser.parse_args(argv)
    try:
        summary = build(args.out, args.system, args.python)
    except subprocess.CalledProcessError as exc:
        print(f"Échec du téléchargement ({exc.returncode}) : voir le message de pip ci-dessus.",
              file=sys.stderr)
        return 1
    print(f"{summary['wheels']} roues, {summary['megaoctets']} Mo, "
          f"en {summary['secondes']} s, dans {args.out}/")
    print(f"Installation hors ligne, depuis le dossier du kit : python -m pip install "
          f'--no-index --find-links {args.out} -e ".[test]"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
