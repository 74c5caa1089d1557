"""Shared fixtures.

The tool's tests run on a project of their own: the repository's ontology/ and queries/ (the tool's
vocabulary and query library) with the frozen data of ``tests/fixtures/project/`` (graphs/ and sources/),
so that a curator who adds or changes documents in graphs/ breaks none of them. Only the tests of
``tests/test_dataset.py`` (marked ``dataset``) look at the repository's own data.
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from policykg.load import LoadedGraph, load_project
from policykg.project import Project

REPO = Path(__file__).resolve().parents[1]
"""The repository: its ontology and query library, and its real data."""
FIXTURE = REPO / "tests" / "fixtures" / "project"
"""The frozen data the tool's tests assert facts about: a copy of graphs/ and sources/."""
TOOL = ("ontology", "queries")
DATA = ("graphs", "sources")
EDITED = TOOL + DATA


def assemble(folder: Path, data: Path = FIXTURE) -> Path:
    """A project in ``folder``: the repository's ontology/ and queries/ with graphs/ and sources/ of ``data``."""
    for name in TOOL:
        shutil.copytree(REPO / name, folder / name)
    for name in DATA:
        shutil.copytree(data / name, folder / name)
    return folder


def _fixture_root() -> Path:
    """The fixture project, assembled once per test run in a temporary folder removed at exit."""
    parent = Path(tempfile.mkdtemp(prefix="policykg-tests-"))
    atexit.register(shutil.rmtree, parent, ignore_errors=True)
    return assemble(parent / "project")


ROOT = _fixture_root()
"""The project the tool's tests run on (read only: tests that change it work on a copy)."""


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def loaded(project: Project) -> LoadedGraph:
    return load_project(project)


def copy_project(folder: Path, replace: tuple[str, str, str] | None = None) -> Project:
    """A copy of the fixture project's edited folders in ``folder``; ``replace`` = (file, old, new) edits
    one file."""
    for name in EDITED:
        shutil.copytree(ROOT / name, folder / name)
    if replace:
        path = folder / replace[0]
        text = path.read_text(encoding="utf-8")
        assert replace[1] in text, replace
        path.write_text(text.replace(replace[1], replace[2]), encoding="utf-8")
    return Project(folder)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project built without views, once for the session: the root that the server tests
    serve (read only)."""
    root = tmp_path_factory.mktemp("built-project")
    copy_project(root)
    result = run_cli("build", "--no-views", root=root)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def scratch(tmp_path: Path) -> Project:
    """A copy of the project's edited folders, free to break."""
    return copy_project(tmp_path)


def run_cli(*args: str, root: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the policykg command in a fresh interpreter, as a person would."""
    command = [sys.executable, "-m", "policykg.cli", *args]
    if root is not None:
        command[3:3] = ["--root", str(root)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


COVERAGE_LINE = (
    r"coverage: (\d+) of (\d+) sentences anchored, (\d+) left out with a reason, 0 unaccounted for: ([\d.]+)%"
)


def coverage_figures(stdout: str) -> tuple[int, int, int, float]:
    """Anchored, total, left out and the share anchored, from ``policykg coverage``'s last line, which must
    report nothing unaccounted for."""
    import re

    last = stdout.strip().splitlines()[-1]
    match = re.fullmatch(COVERAGE_LINE, last)
    assert match, last
    return int(match[1]), int(match[2]), int(match[3]), float(match[4])
