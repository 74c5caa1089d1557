"""coverage: every sentence of the fiche is anchored or left out with a reason; gaps and stale reasons fail."""

from __future__ import annotations

from conftest import ROOT, coverage_figures, run_cli

from policykg.coverage import split_sentences
from policykg.project import Project

PASSAGES = "graphs/kernboodschap-digitalisering/passages.ttl"


def test_the_fiche_is_fully_accounted_for() -> None:
    result = run_cli("coverage", root=ROOT)
    assert result.returncode == 0, result.stdout
    anchored, total, left_out, share = coverage_figures(result.stdout)
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


UNMODELLED = "kernboodschap-digitalisering.unmodelled.tsv"


def add_rows(project: Project, rows: str) -> str:
    path = project.sources_dir / UNMODELLED
    text = path.read_text(encoding="utf-8")
    path.write_text(text + rows, encoding="utf-8")
    return f"sources/{UNMODELLED}:{text.count(chr(10)) + 1}"


def test_rows_that_match_the_same_sentence_all_count(scratch: Project) -> None:
    """A second row for a sentence another row already explains is not stale: it matches the sentence."""
    add_rows(scratch, "Zoals gezegd: niet alleen offline\tthe same sentence, quoted in part\n")
    result = run_cli("coverage", root=scratch.root)
    assert result.returncode == 0, result.stdout
    assert "STALE" not in result.stdout
    assert (
        "left out  line 78: 'Zoals gezegd: niet alleen offline maar ook online.' — Restates" in result.stdout
    )


def test_a_stale_row_says_what_a_row_must_match(scratch: Project) -> None:
    where = add_rows(scratch, "Onze samenleving\tanchored after all\nZoals gezeg\tcut inside a word\n")
    result = run_cli("coverage", root=scratch.root)
    assert result.returncode == 1
    line = int(where.rsplit(":", 1)[1])
    assert (
        f"STALE     {UNMODELLED}:{line}: 'Onze samenleving' matches only sentences that passages anchor (line "
    ) in result.stdout
    assert "a row must match a sentence that no passage anchors: remove the row" in result.stdout
    assert (
        f"STALE     {UNMODELLED}:{line + 1}: 'Zoals gezeg' matches no sentence that no passage anchors; a row's"
        " quote must occur in one such sentence exactly as written there (case, accents, punctuation), not"
        " starting or ending inside a word"
    ) in result.stdout


def test_a_quote_that_starts_inside_a_word_explains_nothing(scratch: Project) -> None:
    path = scratch.sources_dir / UNMODELLED
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Dit doen we door:\t", "it doen we door:\t"), encoding="utf-8")
    result = run_cli("coverage", root=scratch.root)
    assert result.returncode == 1
    assert "MISSING   line 82: 'Dit doen we door:'" in result.stdout
    assert "STALE" in result.stdout and "'it doen we door:'" in result.stdout


def test_a_comment_is_a_line_whose_first_character_is_hash_and_holds_no_tab(scratch: Project) -> None:
    where = add_rows(scratch, "#no space, still a comment\n### Dit doen we door:\tlooks like a row\n")
    result = run_cli("coverage", root=scratch.root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line = int(where.rsplit(":", 1)[1]) + 1
    assert (
        f"sources/{UNMODELLED}:{line}: a line whose first character is # is a comment, but this one holds a tab"
    ) in result.stderr
    assert f"sources/{UNMODELLED}:{line - 1}:" not in result.stderr


def test_every_malformed_row_is_reported_with_its_line(scratch: Project) -> None:
    where = add_rows(scratch, "no tab in this row\nDit doen we door:\t  \n\tno quote\n")
    line = int(where.rsplit(":", 1)[1])
    result = run_cli("coverage", root=scratch.root)
    assert result.returncode == 1
    assert "policykg coverage: cannot read the list of sentences left out" in result.stderr
    assert (
        f"sources/{UNMODELLED}:{line}: no tab: a row is a quote from one sentence, a tab, then the reason"
        in (result.stderr)
    )
    assert f"sources/{UNMODELLED}:{line + 1}: the reason after the tab is empty" in result.stderr
    assert f"sources/{UNMODELLED}:{line + 2}: the quote before the tab is empty" in result.stderr
    assert "Traceback" not in result.stderr
