"""The distributions a user installs: `python -m build` makes the sdist and, from it, the
wheel (so the sdist must be complete), with no setuptools deprecation banner; both carry
the LICENSE and the example policy, and the wheel's `ownit policy example` prints it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

import ownit

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "server" / "ownit" / "policy.example.yaml"
VERSION = ownit.__version__


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The sdist and wheel built from this tree, and what the build printed."""
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    return out, output


def _wheel(out: Path) -> Path:
    return out / f"ownit-{VERSION}-py3-none-any.whl"


def test_build_prints_no_deprecation_or_missing_file_warning(dist: tuple[Path, str]) -> None:
    _, output = dist
    for phrase in ("deprecated", "did not match any files", "SetuptoolsDeprecationWarning"):
        assert phrase not in output, f"{phrase!r} in the build output:\n{output[-4000:]}"


def test_wheel_carries_license_example_policy_and_metadata(dist: tuple[Path, str]) -> None:
    out, _ = dist
    with zipfile.ZipFile(_wheel(out)) as wheel:
        names = set(wheel.namelist())
        info = f"ownit-{VERSION}.dist-info"
        assert wheel.read(f"{info}/licenses/LICENSE") == (ROOT / "LICENSE").read_bytes()
        assert wheel.read("ownit/policy.example.yaml") == EXAMPLE.read_bytes()
        assert "ownit/py.typed" in names
        metadata = wheel.read(f"{info}/METADATA").decode()
    assert f"\nVersion: {VERSION}\n" in metadata
    assert "\nLicense-Expression: MIT\n" in metadata
    assert "\nLicense-File: LICENSE\n" in metadata


def test_sdist_carries_license_changelog_and_example_policy(dist: tuple[Path, str]) -> None:
    out, _ = dist
    with tarfile.open(out / f"ownit-{VERSION}.tar.gz") as sdist:
        top = f"ownit-{VERSION}"
        names = set(sdist.getnames())
        for name in ("LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml"):
            assert f"{top}/{name}" in names, name
        member = sdist.extractfile(f"{top}/server/ownit/policy.example.yaml")
        assert member is not None and member.read() == EXAMPLE.read_bytes()


def test_the_installed_wheel_prints_its_example_policy(
    dist: tuple[Path, str], tmp_path: Path
) -> None:
    """The wheel unpacked first on sys.path (ahead of this checkout's editable install),
    run from a directory that is no repository."""
    out, _ = dist
    site = tmp_path / "site"
    with zipfile.ZipFile(_wheel(out)) as wheel:
        wheel.extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1"}
    where = subprocess.run(
        [sys.executable, "-c", "import ownit; print(ownit.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(site)
    proc = subprocess.run(
        [sys.executable, "-m", "ownit", "policy", "example"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == EXAMPLE.read_text(encoding="utf-8")


def test_root_example_policy_is_the_package_copy() -> None:
    """One copy: the file at the root (linked from the README) is a link to the package's."""
    root_copy = ROOT / "policy.example.yaml"
    assert root_copy.is_symlink()
    assert root_copy.resolve() == EXAMPLE.resolve()


def test_versions_agree() -> None:
    """pyproject takes the version from ownit.__version__; the extension's package.json
    (npm needs a literal) must say the same, and so must the version the CLI prints."""
    package = json.loads((ROOT / "client-extension" / "package.json").read_text())
    assert package["version"] == VERSION
    lock = json.loads((ROOT / "client-extension" / "package-lock.json").read_text())
    assert lock["version"] == VERSION
    assert lock["packages"][""]["version"] == VERSION
    printed = subprocess.run(
        [sys.executable, "-m", "ownit", "--version"], capture_output=True, text=True, check=True
    )
    assert printed.stdout.strip() == f"ownit {VERSION}"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in pyproject["project"]
    assert "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "ownit.__version__"}


def test_extension_license_is_the_project_license() -> None:
    assert (ROOT / "client-extension" / "LICENSE").read_bytes() == (ROOT / "LICENSE").read_bytes()
