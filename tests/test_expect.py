"""policykg expect: each query's answer against its expected answer, and --update rewriting those that
differ, deterministically and nothing else."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO, run_cli

from policykg.expect import compare, read_manifest, render
from policykg.project import Project

DOCUMENT = "graphs/kernboodschap-digitalisering/document.ttl"
FOOTNOTES = "browse/footnotes"


def expected_answers(project: Project) -> dict[str, tuple[bytes, int, int]]:
    """Each expected answer's bytes, inode and modification time, by the path below queries/."""
    found = {}
    for path in sorted(project.queries_dir.rglob("*.srj")):
        status = path.stat()
        found[path.relative_to(project.queries_dir).as_posix()] = (
            path.read_bytes(),
            status.st_ino,
            status.st_mtime_ns,
        )
    return found


@pytest.fixture
def aligned(scratch: Project) -> Project:
    """A scratch project whose expected answers are those of its own data (the fixture's), whatever the
    repository's data and answers hold by now."""
    result = run_cli("expect", "--update", root=scratch.root)
    assert result.returncode == 0, result.stdout + result.stderr
    return scratch


def test_a_changed_answer_is_named_then_rewritten_alone_then_holds(aligned: Project) -> None:
    total = len(read_manifest(aligned))
    before = expected_answers(aligned)
    path = aligned.root / DOCUMENT
    text = path.read_text(encoding="utf-8")
    assert text.count("pkg:footnoteNumber 10 ;") == 1
    path.write_text(text.replace("pkg:footnoteNumber 10 ;", "pkg:footnoteNumber 11 ;"), encoding="utf-8")

    differs = run_cli("expect", root=aligned.root)
    assert differs.returncode == 1, differs.stderr
    lines = differs.stdout.splitlines()
    assert sum(line.startswith("ok ") for line in lines) == total - 1
    assert f"DIFFERS   {FOOTNOTES} (queries/{FOOTNOTES}.srj): 1 row missing, 1 extra" in differs.stdout
    missing = next(line for line in lines if line.lstrip().startswith("missing"))
    extra = next(line for line in lines if line.lstrip().startswith("extra"))
    assert "?number=10" in missing and "?number=11" in extra
    assert "?document=id:kernboodschap-digitalisering" in missing
    assert lines[-1].startswith(f"{total - 1} of {total} queries give their expected answer, 1 does not;")
    assert expected_answers(aligned) == before, "without --update nothing is written"

    # --root after the command, as for every command
    update = subprocess.run(
        [sys.executable, "-m", "policykg.cli", "expect", "--update", "--root", str(aligned.root)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert update.returncode == 0, update.stderr
    assert f"rewrote   {FOOTNOTES} (queries/{FOOTNOTES}.srj): 1 row missing, 1 extra" in update.stdout
    assert update.stdout.splitlines()[-1].startswith(f"rewrote 1 of {total} expected answers")
    after = expected_answers(aligned)
    assert {name for name in after if after[name] != before[name]} == {f"{FOOTNOTES}.srj"}
    data = after[f"{FOOTNOTES}.srj"][0]
    numbers = [b["number"]["value"] for b in json.loads(data)["results"]["bindings"]]
    assert "11" in numbers and "10" not in numbers
    assert render(json.loads(data)) == data
    assert not list(aligned.queries_dir.rglob("*.tmp")), "no temporary file is left behind"

    holds = run_cli("expect", root=aligned.root)
    assert holds.returncode == 0, holds.stdout
    assert holds.stdout.splitlines()[-1] == f"all {total} queries give their expected answer"


def test_an_unchanged_project_rewrites_nothing(aligned: Project) -> None:
    before = expected_answers(aligned)
    result = run_cli("expect", "--update", root=aligned.root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"all {len(before)} expected answers hold; nothing rewritten"
    assert expected_answers(aligned) == before, "not one file touched"


def test_a_missing_answer_is_written_byte_for_byte_as_it_was(aligned: Project) -> None:
    path = aligned.queries_dir / "budget" / "peak-year.srj"
    original = path.read_bytes()
    path.unlink()
    result = run_cli("expect", "--query", "budget/peak-year", "browse/footnotes", root=aligned.root)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "ok        browse/footnotes",
        "DIFFERS   budget/peak-year (queries/budget/peak-year.srj): it has no expected answer yet",
        "1 of 2 queries give their expected answer, 1 does not; where the data changed on purpose: "
        "policykg expect --update, then git diff -- queries/",
    ]
    assert run_cli("expect", "--update", "--query", "budget/peak-year", root=aligned.root).returncode == 0
    assert path.read_bytes() == original


def test_an_unknown_query_is_a_usage_error(aligned: Project) -> None:
    result = run_cli("expect", "--query", "budget/nope", root=aligned.root)
    assert result.returncode == 2
    assert "no query budget/nope in queries/manifest.ttl" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_library_keeps_its_answers_as_expect_writes_them() -> None:
    """Rewriting an expected answer that did not change gives the same bytes."""
    paths = sorted((REPO / "queries").rglob("*.srj"))
    assert paths
    for path in paths:
        data = path.read_bytes()
        assert render(json.loads(data)) == data, path


def srj(names: list[str], *rows: tuple[str, ...]) -> dict:
    bindings = [{n: {"type": "literal", "value": v} for n, v in zip(names, row, strict=True)} for row in rows]
    return {"head": {"vars": names}, "results": {"bindings": bindings}}


def test_compare_respects_order_only_where_the_query_orders() -> None:
    a = srj(["x"], ("1",), ("2",), ("2",))
    b = srj(["x"], ("2",), ("1",), ("2",))
    assert compare(a, b, ordered=False).same
    assert compare(a, b, ordered=True).problem == "the same rows in another order (first at row 1)"
    fewer = compare(srj(["x"], ("1",), ("2",)), a, ordered=False)
    assert [r[0][2] for r in fewer.missing] == ["2"] and fewer.extra == []
    assert "the variables differ" in compare(srj(["y"], ("1",)), srj(["x"], ("1",)), ordered=False).problem
    ask = {"head": {}, "boolean": True}
    assert compare(ask, ask, ordered=False).same
    assert [r[0] for r in compare(ask, {"head": {}, "boolean": False}, ordered=False).extra] == [
        ("boolean", True)
    ]
