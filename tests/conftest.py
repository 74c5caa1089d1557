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


@pytest.fixture
def scratch(tmp_path: Path) -> Project:
    """A copy of the project's edited folders, free to break."""
    for name in EDITED:
        shutil.copytree(ROOT / name, tmp_path / name)
    return Project(tmp_path)


def run_cli(*args: str, root: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the policykg command in a fresh interpreter, as a person would."""
    command = [sys.executable, "-m", "policykg.cli", *args]
    if root is not None:
        command[3:3] = ["--root", str(root)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
