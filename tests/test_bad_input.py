"""Bad input gives a clear error (file and line, resource and label), exit 1, and leaves dist/ untouched."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from conftest import run_cli

from policykg.project import Project

INTERVENTIONS = "graphs/kernboodschap-digitalisering/interventions.ttl"
PASSAGES = "graphs/kernboodschap-digitalisering/passages.ttl"
BUDGET = "graphs/kernboodschap-digitalisering/budget.ttl"


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def edit(project: Project, name: str, old: str, new: str, count: int = 1) -> None:
    path = project.root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(project: Project, name: str, needle: str) -> int:
    lines = (project.root / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


@pytest.fixture
def built(scratch: Project) -> Project:
    result = run_cli("build", root=scratch.root)
    assert result.returncode == 0, result.stderr
    return scratch


def assert_fails_cleanly(project: Project, *expected: str) -> str:
    before = snapshot(project.dist_dir)
    result = run_cli("build", root=project.root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for text in expected:
        assert re.search(text, result.stderr), (text, result.stderr)
    assert snapshot(project.dist_dir) == before, "dist/ changed"
    staged = [p for p in project.root.iterdir() if p.name.startswith(".dist") and p.name != ".dist.lock"]
    assert not staged, "staging left behind"
    return result.stderr


def test_malformed_turtle_names_file_and_line_in_every_file(built: Project) -> None:
    edit(
        built,
        INTERVENTIONS,
        "pkg:underPriority priority:digitale-veiligheid ;",
        "pkg:underPriority priority:x ;;; ,",
    )
    edit(built, BUDGET, "qb:dataSet budget:table ;", 'qb:dataSet "unterminated ;')
    stderr = assert_fails_cleanly(built, r"2 file\(s\) are not valid Turtle")
    assert re.search(re.escape(INTERVENTIONS) + r":\d+:\d+: ", stderr)
    assert re.search(re.escape(BUDGET) + r":\d+:\d+: ", stderr)


def test_undeclared_predicate(built: Project) -> None:
    edit(
        built,
        INTERVENTIONS,
        "pkg:addresses\n        theme:cybersecurity ,\n        theme:encryptie",
        "pkg:adresses\n        theme:cybersecurity ,\n        theme:encryptie",
    )
    line = line_of(built, INTERVENTIONS, "intervention:end-to-end-encryptie")
    assert_fails_cleanly(
        built,
        re.escape(
            f"{INTERVENTIONS}:{line}: <https://w3id.org/policykg/id/kernboodschap-digitalisering/"
            'intervention/end-to-end-encryptie> "Investing in end-to-end encryption" pkg:adresses:'
        ),
        "uses pkg:adresses, which the ontology does not declare",
    )


def test_missing_english_label(built: Project) -> None:
    edit(built, INTERVENTIONS, '"Investing in end-to-end encryption"@en ,\n', "")
    line = line_of(built, INTERVENTIONS, "intervention:end-to-end-encryptie")
    assert_fails_cleanly(
        built,
        re.escape(f"{INTERVENTIONS}:{line}: ")
        + r".*end-to-end-encryptie> \"Investeren in end-to-end-encryptie\" "
        r"rdfs:label: .*language tag en",
    )


def test_quote_not_in_source(built: Project) -> None:
    edit(
        built,
        PASSAGES,
        'oa:exact "Daarnaast investeren we in end-to-end-encryptie."',
        'oa:exact "Daarnaast investeren we in quantum."',
    )
    assert_fails_cleanly(built, r"passage/s-e2ee>.*oa:exact does not occur in the source")


def test_budget_row_that_breaks_its_total(built: Project) -> None:
    path = built.root / BUDGET
    text = path.read_text(encoding="utf-8")
    block = re.search(r"budget:digitale-overheid-2026\n(.*?)\n\.\n", text, re.S)
    assert block and "pkg:amount 745.0" in block.group(0)
    path.write_text(text.replace(block.group(0), block.group(0).replace("745.0", "750.0")), encoding="utf-8")
    assert_fails_cleanly(built, r"budget/total-2026>.*printed total 1705 but the rows add up to 1710")


def test_missing_source_file(built: Project) -> None:
    (built.root / "sources" / "kernboodschap-digitalisering.txt").unlink()
    assert_fails_cleanly(
        built, r"pkg:sourceFile names 'kernboodschap-digitalisering.txt', which is not a file"
    )


def test_every_problem_at_once(built: Project) -> None:
    edit(built, INTERVENTIONS, '"Investing in end-to-end encryption"@en ,\n', "")
    edit(
        built,
        PASSAGES,
        'oa:exact "Daarnaast investeren we in end-to-end-encryptie."',
        'oa:exact "Daarnaast investeren we in quantum."',
    )
    stderr = assert_fails_cleanly(built, r"the graph is invalid: 2 problem\(s\)")
    assert "language tag en" in stderr and "does not occur in the source" in stderr
