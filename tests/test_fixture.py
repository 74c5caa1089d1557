"""The tool's tests run on the fixture project, so that what a curator does to graphs/ and sources/ breaks
only the tests that follow the data (tests/test_dataset.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import DATA, FIXTURE, REPO, ROOT, TOOL, run_cli

DATA_FACTS = ("test_model.py", "test_checks.py", "test_coverage.py", "test_fmt.py", "test_queries.py")
"""Tool tests that assert facts of the fiche, run again below beside the tests of the data."""


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_the_project_of_the_tests_is_the_fixture_data_with_the_tools_library() -> None:
    for name in DATA:
        assert files(ROOT / name) == files(FIXTURE / name), name
    for name in TOOL:
        assert files(ROOT / name) == files(REPO / name), name


def test_a_second_document_fails_the_dataset_tests_alone(tmp_path: Path) -> None:
    """A copy of the repository with a second document in graphs/: the tests of the data fail (the
    expected answers no longer hold), the tool's tests that assert facts of the fiche still pass."""
    repo = tmp_path / "repo"
    for name in (*TOOL, *DATA):
        shutil.copytree(REPO / name, repo / name)
    shutil.copy(REPO / "pyproject.toml", repo)
    (repo / "tests").mkdir()
    shutil.copytree(FIXTURE, repo / "tests" / "fixtures" / "project")
    for name in ("conftest.py", "test_dataset.py", *DATA_FACTS):
        shutil.copy(REPO / "tests" / name, repo / "tests")
    synthetic = tmp_path / "synthetic"
    assert (
        run_cli("synth", "--documents", "1", "--seed", "11", "--out", str(synthetic), root=ROOT).returncode
        == 0
    )
    shutil.copytree(synthetic / "graphs" / "synth-0001", repo / "graphs" / "synth-0001")
    shutil.copy(synthetic / "graphs" / "shared" / "synthetic.ttl", repo / "graphs" / "shared")
    shutil.copy(synthetic / "sources" / "synth-0001.txt", repo / "sources")

    report = tmp_path / "report.xml"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", "tests"]
        + [f"--junitxml={report}", f"--basetemp={tmp_path / 'basetemp'}"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    cases = ET.parse(report).getroot().iter("testcase")
    failed = {
        f"{case.get('classname')}::{case.get('name')}"
        for case in cases
        if case.find("failure") is not None or case.find("error") is not None
    }
    assert failed, "a second document changes what the library's queries answer"
    assert {name.split("::")[0] for name in failed} == {"tests.test_dataset"}, sorted(failed)
    assert "tests.test_dataset::test_query_gives_its_expected_answer[budget/printed-totals]" in failed
