"""The command line: help on every subcommand, exit codes, and messages instead of tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from policykg.cli import make_parser

SUBCOMMANDS = [
    "build",
    "validate",
    "fmt",
    "coverage",
    "stats",
    "query",
    "queries",
    "links",
    "views",
    "analyze",
    "export",
    "release",
    "site",
    "serve",
    "publish",
    "synth",
    "expect",
    "find",
    "new-document",
    "anchor",
    "compile",
    "convert",
]


def test_every_subcommand_is_listed() -> None:
    parser = make_parser()
    choices = next(a for a in parser._actions if a.dest == "command").choices
    assert sorted(choices) == sorted(SUBCOMMANDS)


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_help_on_each_subcommand(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: policykg {command}")


def test_usage_errors_exit_2_with_one_clear_line() -> None:
    result = run_cli("frobnicate")
    assert result.returncode == 2
    assert "invalid choice: 'frobnicate'" in result.stderr
    assert "Traceback" not in result.stderr
    result = run_cli("fmt", "--bogus")
    assert result.returncode == 2


def test_no_project_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("validate", root=tmp_path)
    assert result.returncode == 2
    assert "no policykg project" in result.stderr and "ontology/ and graphs/" in result.stderr


def test_validate_the_project() -> None:
    result = run_cli("validate", root=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("valid: ")


def test_stats_counts_classes_and_priorities() -> None:
    result = run_cli("stats", root=ROOT)
    assert result.returncode == 0, result.stderr
    assert "pkg:Intervention" in result.stdout and "Digital Security" in result.stdout
    result = run_cli("stats", "--json", root=ROOT)
    import json

    stats = json.loads(result.stdout)
    assert stats["classes"]["pkg:Priority"] == 5 + 6
    assert len(stats["priorities"]) == 5
    assert sum(p["interventions"] for p in stats["priorities"]) == stats["classes"]["pkg:Intervention"]


@pytest.mark.parametrize("command", ["validate", "stats", "links", "coverage"])
def test_root_may_follow_the_command(command: str, tmp_path: Path) -> None:
    """--root is accepted after the command as before it, and names the project from anywhere."""
    import subprocess
    import sys

    after = subprocess.run(
        [sys.executable, "-m", "policykg.cli", command, "--root", str(ROOT)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert after.returncode == 0, after.stderr
    before = run_cli(command, root=ROOT)
    assert after.stdout == before.stdout


def test_a_document_that_is_not_an_iri_gets_the_form_to_use(tmp_path: Path) -> None:
    result = run_cli("analyze", "--document", "nlcs", "--out", str(tmp_path / "out"), root=ROOT)
    assert result.returncode == 2
    assert (
        "'nlcs' is not an IRI; name it by its IRI, in full or as a prefixed name such as id:nlcs"
        in result.stderr
    )
    assert "Traceback" not in result.stderr
