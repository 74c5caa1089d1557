"""The repository's own data (graphs/, sources/): the tests that follow the data.

Every other test runs on the frozen copy in ``tests/fixtures/project/``. These run on what a curator
edits, and are expected to fail when the data changes until the change is finished: the graph must
validate, pass every check, be in canonical Turtle and account for every sentence of its sources, and
every query of the library must give the answer recorded beside it (``queries/**/*.srj``; after a
deliberate change, ``policykg expect --update`` rewrites them and ``git diff -- queries/`` shows what
changed). Run them alone with ``pytest -m dataset``.
"""

from __future__ import annotations

import hashlib

import pytest
from conftest import REPO, coverage_figures, run_cli

from policykg.expect import Expectation, check_one, describe, read_manifest
from policykg.library import list_queries
from policykg.load import LoadedGraph, load_project
from policykg.project import Project

pytestmark = pytest.mark.dataset

DATASET = Project(REPO)
ENTRIES = read_manifest(DATASET)
CHECKS = list_queries(DATASET.checks_dir)


@pytest.fixture(scope="module")
def dataset() -> LoadedGraph:
    """The repository's graph as researchers query it (with its entailments), loaded once for this module."""
    return load_project(DATASET, entailed=True)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_query_gives_its_expected_answer(entry: Expectation, dataset: LoadedGraph) -> None:
    outcome = check_one(dataset, entry)
    assert outcome.ok, f"{entry.name}: " + "\n".join(describe(outcome)) + "\n(policykg expect --update)"


@pytest.mark.parametrize("check", CHECKS, ids=[c.name for c in CHECKS])
def test_check_returns_no_rows(check, dataset: LoadedGraph) -> None:
    assert list(dataset.query(check.sparql())) == []


def test_the_data_validates() -> None:
    result = run_cli("validate", root=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("valid: ")


def test_the_data_is_canonical_turtle() -> None:
    result = run_cli("fmt", "--check", root=REPO)
    assert result.returncode == 0, result.stderr


def test_every_curated_document_is_compiled() -> None:
    """The Turtle of each curator's file is what compiling it gives now, byte for byte."""
    result = run_cli("compile", "--check", root=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("all ")


def test_every_sentence_of_the_sources_is_accounted_for() -> None:
    result = run_cli("coverage", root=REPO)
    assert result.returncode == 0, result.stdout
    assert coverage_figures(result.stdout)[3] > 95


def test_the_data_has_no_odd_files() -> None:
    assert DATASET.inputs().problems == []


def test_the_fiche_is_byte_for_byte_the_original() -> None:
    data = (DATASET.sources_dir / "kernboodschap-digitalisering.txt").read_bytes()
    assert (
        hashlib.sha256(data).hexdigest() == "77c1d6737fcf37d32a0af9778dffddf4e379f759db41167acc407646757ca5b5"
    )
