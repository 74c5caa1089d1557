"""coverage: every sentence of the fiche is anchored or left out with a reason; gaps and stale reasons fail."""

from __future__ import annotations

import re

from conftest import ROOT, run_cli

from policykg.coverage import split_sentences
from policykg.project import Project

PASSAGES = "graphs/kernboodschap-digitalisering/passages.ttl"


def test_the_fiche_is_fully_accounted_for() -> None:
    result = run_cli("coverage", root=ROOT)
    assert result.returncode == 0, result.stdout
    last = result.stdout.strip().splitlines()[-1]
    match = re.fullmatch(
        r"coverage: (\d+) of (\d+) sentences anchored, (\d+) left out with a reason, 0 unaccounted for: ([\d.]+)%",
        last,
    )
    assert match, last
    anchored, total, left_out, share = int(match[1]), int(match[2]), int(match[3]), float(match[4])
    assert anchored + left_out == total
    assert share == round(100 * anchored / total, 1) and share > 95


def test_a_sentence_nobody_anchors_is_reported(scratch: Project) -> None:
    path = scratch.root / PASSAGES
    text = path.read_text(encoding="utf-8")
    exact = 'oa:exact "We voeren waar nodig gerichte analyses uit van risicovolle strategische afhankelijkheden binnen het digitale domein." ;'
    assert exact in text
    path.write_text(text.replace(exact, 'oa:exact "We voeren waar nodig" ;'), encoding="utf-8")
    result = run_cli("coverage", root=scratch.root)
    assert result.returncode == 1
    assert "MISSING   line 146: '- We voeren waar nodig gerichte analyses" in result.stdout
    assert result.stdout.strip().splitlines()[-1].endswith("%")


def test_a_stale_reason_is_reported(scratch: Project) -> None:
    path = scratch.sources_dir / "kernboodschap-digitalisering.unmodelled.tsv"
    path.write_text(
        path.read_text(encoding="utf-8") + "Onze samenleving\tanchored after all\n", encoding="utf-8"
    )
    result = run_cli("coverage", root=scratch.root)
    assert result.returncode == 1
    assert "STALE" in result.stdout and "'Onze samenleving'" in result.stdout


def test_sentences_split_on_full_stops_not_abbreviations() -> None:
    text = (
        "Dit betreft een indicatie. Hoe de kosten gefinancierd worden, evt. uit budgetten, is onzeker.¹ Klaar"
    )
    assert [s.text for s in split_sentences(text)] == [
        "Dit betreft een indicatie.",
        "Hoe de kosten gefinancierd worden, evt. uit budgetten, is onzeker.¹",
        "Klaar",
    ]
