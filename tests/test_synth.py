"""policykg synth: synthetic documents that pass the same shapes and checks, the same for a seed."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import ROOT, copy_project, run_cli


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return h.hexdigest()


def test_synthetic_documents_are_valid_and_deterministic(tmp_path: Path) -> None:
    result = run_cli("synth", "--documents", "3", "--seed", "7", "--out", str(tmp_path / "a"), root=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", "progress stays quiet when output is not a terminal"
    assert (
        run_cli(
            "synth", "--documents", "3", "--seed", "7", "--out", str(tmp_path / "b"), root=ROOT
        ).returncode
        == 0
    )
    assert (
        run_cli(
            "synth", "--documents", "3", "--seed", "8", "--out", str(tmp_path / "c"), root=ROOT
        ).returncode
        == 0
    )
    assert digest(tmp_path / "a") == digest(tmp_path / "b") != digest(tmp_path / "c")
    assert sorted(p.name for p in (tmp_path / "a" / "graphs").iterdir()) == [
        "shared",
        "synth-0001",
        "synth-0002",
        "synth-0003",
    ]
    validate = run_cli("validate", root=tmp_path / "a")
    assert validate.returncode == 0, validate.stderr
    totals = run_cli("query", "budget/printed-totals", "-f", "csv", root=tmp_path / "a")
    rows = totals.stdout.strip().splitlines()[1:]
    assert len(rows) == 3 * 6 and all(row.endswith(",yes") for row in rows)


def test_synth_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep")
    result = run_cli("synth", "--documents", "1", "--out", str(tmp_path), root=ROOT)
    assert result.returncode == 2 and (tmp_path / "mine.txt").exists()


def test_queries_compare_documents_and_limit_to_one(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    assert run_cli("synth", "--documents", "3", "--seed", "3", "--out", str(root), root=ROOT).returncode == 0
    documents = run_cli("query", "compare/documents", "-f", "csv", root=root).stdout.strip().splitlines()
    assert len(documents) == 1 + 3 and all(",4,40," in row for row in documents[1:])
    a, b = "id:synth-0001", "id:synth-0002"
    between = run_cli(
        "query", "compare/budget-between-documents", "-p", f"a={a}", "-p", f"b={b}", "-f", "csv", root=root
    )
    rows = [row.split(",") for row in between.stdout.strip().splitlines()[1:]]
    assert len(rows) == 6 and all(int(r[3]) == int(r[2]) - int(r[1]) for r in rows)
    only = run_cli(
        "query",
        "compare/institutions-between-documents",
        "-p",
        f"a={a}",
        "-p",
        f"b={b}",
        "-f",
        "csv",
        root=root,
    )
    involved = {row.split(",")[0] for row in only.stdout.strip().splitlines()[1:]}
    assert only.returncode == 0 and "both" in involved and involved <= {"both", "a", "b"}
    everything = (
        run_cli("query", "browse/interventions-by-priority", "-f", "csv", root=root)
        .stdout.strip()
        .splitlines()
    )
    one = (
        run_cli("query", "browse/interventions-by-priority", "-p", f"document={a}", "-f", "csv", root=root)
        .stdout.strip()
        .splitlines()
    )
    assert len(everything) - 1 == 3 * 40 and len(one) - 1 == 40


def test_a_large_corpus_lists_its_resources_on_pages(tmp_path: Path) -> None:
    import re

    root = tmp_path / "corpus"
    assert run_cli("synth", "--documents", "14", "--out", str(root), root=ROOT).returncode == 0
    result = run_cli("build", "--no-views", root=root)
    assert result.returncode == 0, result.stderr
    site = root / "dist" / "site"
    pages = sorted((site / "browse").glob("intervention-*.html"))
    assert len(pages) == 2  # 14 documents × 40 interventions, 500 a page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="browse/intervention-1.html"' in home and "/intervention/i0-0.html" not in home
    for page in pages:
        for href in re.findall(r'href="([^"]+)"', page.read_text(encoding="utf-8")):
            assert (page.parent / href).resolve().exists(), href


def test_analyze_one_document_of_many(tmp_path: Path) -> None:
    import json

    root = tmp_path / "corpus"
    assert run_cli("synth", "--documents", "3", "--out", str(root), root=ROOT).returncode == 0
    whole = run_cli("analyze", root=root)
    one = run_cli("analyze", "--document", "id:synth-0002", root=root)
    assert whole.returncode == 0 and one.returncode == 0, one.stderr
    report = json.loads((root / "dist" / "analysis-synth-0002" / "report.json").read_text(encoding="utf-8"))
    corpus = json.loads((root / "dist" / "analysis" / "report.json").read_text(encoding="utf-8"))
    assert corpus["summary"]["interventions"] == 120, "the whole corpus's report stays beside it"
    assert report["summary"]["interventions"] == 40 and report["summary"]["priorities"] == 4
    assert all("/synth-0002/" in m["iri"] for c in report["communities"] for m in c["members"])


@pytest.mark.parametrize("count", ["0", "-3", "abc", "100001"])
def test_synth_refuses_what_is_not_a_number_of_documents(tmp_path: Path, count: str) -> None:
    result = run_cli("synth", "--documents", count, "--out", str(tmp_path / "out"), root=ROOT)
    assert result.returncode == 2 and "from 1 to 100000" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()


@pytest.mark.parametrize("inside", ["graphs/synth", "sources", "queries/x"])
def test_synth_keeps_out_of_the_projects_own_folders(tmp_path: Path, inside: str) -> None:
    project = tmp_path / "project"
    copy_project(project)
    result = run_cli("synth", "--documents", "1", "--out", str(project / inside), root=project)
    assert result.returncode == 2 and "would mix with its real data" in result.stderr
    assert not (project / "graphs" / "synth").exists() and not (project / "queries" / "x").exists()
    assert run_cli("validate", root=project).returncode == 0


def test_synth_replaces_what_it_wrote_and_counts_its_triples(tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    assert run_cli("synth", "--documents", "2", "--seed", "1", "--out", str(out), root=ROOT).returncode == 0
    again = run_cli("synth", "--documents", "3", "--seed", "2", "--out", str(out), root=ROOT)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in (out / "graphs").iterdir()) == [
        "shared",
        "synth-0001",
        "synth-0002",
        "synth-0003",
    ]
    held = sum(
        len(list(ox.parse(path=path, format=ox.RdfFormat.TURTLE))) for path in (out / "graphs").rglob("*.ttl")
    )
    assert f"({held} triples in its graphs, seed 2)" in again.stdout
    left = [p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")]
    assert left == ["corpus"], "nothing staged is left beside it"


def test_synth_outside_a_project_says_what_it_needs(tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    shutil.copytree(ROOT / "ontology", bare / "ontology")
    (bare / "graphs").mkdir()
    result = run_cli("synth", "--documents", "1", "--out", str(tmp_path / "out"), root=bare)
    assert result.returncode == 2 and "lacks queries" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == ["bare"]


def test_synth_does_not_replace_a_folder_inside_its_earlier_output(tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    assert run_cli("synth", "--documents", "1", "--out", str(out), root=ROOT).returncode == 0
    result = run_cli("synth", "--documents", "1", "--out", str(out / "sources"), root=ROOT)
    assert result.returncode == 2 and "not a synthetic project policykg wrote" in result.stderr
    assert sorted(p.name for p in (out / "sources").iterdir()) == ["synth-0001.txt"]
