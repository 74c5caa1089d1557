"""Shared fixtures: the project as checked in, a loaded graph, and a scratch copy to break."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policykg.load import LoadedGraph, load_project
from policykg.project import Project

ROOT = Path(__file__).resolve().parents[1]
EDITED = ("ontology", "graphs", "queries", "sources")


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def loaded(project: Project) -> LoadedGraph:
    return load_project(project)


def copy_project(folder: Path, replace: tuple[str, str, str] | None = None) -> Project:
    """A copy of the project's edited folders in ``folder``; ``replace`` = (file, old, new) edits one file."""
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
