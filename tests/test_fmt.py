"""Canonical Turtle: every checked-in file is canonical, and fmt makes any file so, the same way every time."""

from __future__ import annotations

import hashlib

from conftest import ROOT, run_cli

from policykg.canonical import format_turtle
from policykg.project import Project

MESSY = """# A header comment that must survive.

@prefix pkg: <https://w3id.org/policykg/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://w3id.org/policykg/id/example/> .
ex:b rdfs:label "B"@nl, "B"@en ; a pkg:Theme .   ex:a a pkg:Theme ; rdfs:label "A"@en , "A"@nl .
"""


def test_checked_in_files_are_canonical() -> None:
    result = run_cli("fmt", "--check", root=ROOT)
    assert result.returncode == 0, result.stderr


def test_fmt_rewrites_a_messy_file_and_keeps_its_header(scratch: Project) -> None:
    path = scratch.graphs_dir / "shared" / "example.ttl"
    path.write_text(MESSY, encoding="utf-8")
    check = run_cli("fmt", "--check", root=scratch.root)
    assert check.returncode == 1
    assert "graphs/shared/example.ttl: not canonical" in check.stderr
    assert path.read_text(encoding="utf-8") == MESSY, "--check must not change files"
    assert run_cli("fmt", root=scratch.root).returncode == 0
    formatted = path.read_text(encoding="utf-8")
    assert formatted.startswith("# A header comment that must survive.\n\nPREFIX ")
    assert formatted.index("ex:a\n") < formatted.index("ex:b\n")
    assert run_cli("fmt", "--check", root=scratch.root).returncode == 0


def test_fmt_is_deterministic_across_runs(scratch: Project) -> None:
    digests = []
    for _ in range(2):
        for path in scratch.turtle_files():
            path.write_text(path.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
        assert run_cli("fmt", root=scratch.root).returncode == 0
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in scratch.turtle_files()})
    assert digests[0] == digests[1]


def test_format_is_a_fixed_point() -> None:
    once = format_turtle(MESSY)
    assert format_turtle(once) == once
