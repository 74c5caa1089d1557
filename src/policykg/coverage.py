"""Which sentences of each source text the graph's passages anchor, and which none does.

A passage is located in its source with its Web Annotation text quote selector
(https://www.w3.org/TR/annotation-model/#text-quote-selector). A sentence counts as anchored when passages
cover at least half of its characters (white space aside). Sentences left out on purpose are listed, each
with a reason, in ``sources/<name>.unmodelled.tsv``, read by these rules (the messages state them too):

- a line whose first character is ``#`` is a comment; a comment holds no tab;
- a blank line is skipped;
- every other line is a row: a quote, a tab, the reason; neither may be empty;
- a row matches a sentence when its quote occurs in it exactly as written (case, accents, punctuation),
  within that one sentence, and does not start or end inside a word;
- every row must match at least one sentence that no passage anchors, else it is stale;
- several rows may match the same sentence: each of them counts, and the first one's reason is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import PolicyKGError, Problem, os_message
from .load import LoadedGraph
from .namespaces import sparql_prologue

ANCHOR_SHARE = 0.5
"""The share of a sentence's characters that passages must cover for it to count as anchored."""

_BREAK_RE = re.compile(r"[.!?][¹²³⁴⁵⁶⁷⁸⁹⁰]*\s+(?=[A-Z0-9À-Ý\"'(\[¹²³⁴⁵⁶⁷⁸⁹⁰-])")

PASSAGES = """
SELECT ?passage ?exact ?prefix ?suffix WHERE {
  ?passage oa:hasSource ?document ; oa:hasSelector ?selector .
  ?selector oa:exact ?exact .
  OPTIONAL { ?selector oa:prefix ?prefix . }
  OPTIONAL { ?selector oa:suffix ?suffix . }
  FILTER(?document = <%s>)
}
"""


@dataclass(frozen=True)
class Sentence:
    """A sentence (or heading, bullet, table row) of a source text, by character offsets."""

    start: int
    end: int
    line: int
    text: str


@dataclass(frozen=True)
class StaleRow:
    """A row of the list of sentences left out that matches no sentence left unanchored: its line, its quote,
    and the line of an anchored sentence it matches, if any."""

    line: int
    quote: str
    anchored_line: int | None = None


@dataclass
class DocumentCoverage:
    """The coverage of one source text."""

    source: Path
    sentences: list[Sentence]
    anchored: list[Sentence] = field(default_factory=list)
    left_out: list[tuple[Sentence, str]] = field(default_factory=list)
    unaccounted: list[Sentence] = field(default_factory=list)
    stale: list[StaleRow] = field(default_factory=list)

    @property
    def percentage(self) -> float:
        return 100.0 * len(self.anchored) / len(self.sentences) if self.sentences else 100.0


def split_sentences(text: str) -> list[Sentence]:
    """Split a text into sentences: each line on its own, lines split after . ! or ? before a capital.

    >>> [s.text for s in split_sentences("Kop\\n\\nEen zin. Nog een t.b.v. iets.\\n1. Titel")]
    ['Kop', 'Een zin.', 'Nog een t.b.v. iets.', '1. Titel']
    """
    sentences = []
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        pieces: list[tuple[int, int]] = []
        begin = 0
        for match in _BREAK_RE.finditer(line):
            cut = match.end()
            if len(line[begin:cut].strip()) > 3:
                pieces.append((begin, cut))
                begin = cut
        pieces.append((begin, len(line)))
        for a, b in pieces:
            stripped = line[a:b].strip()
            if stripped:
                lead = len(line[a:b]) - len(line[a:b].lstrip())
                start = offset + a + lead
                sentences.append(Sentence(start, start + len(stripped), number, stripped))
        offset += len(line) + 1
    return sentences


def locate_passage(text: str, exact: str, prefix: str = "", suffix: str = "") -> tuple[int, int] | None:
    """The character span a text quote selector picks in ``text``, or None where it matches nothing.

    >>> locate_passage("a b a c", "a", suffix=" c")
    (4, 5)
    """
    index = text.find(prefix + exact + suffix)
    if index < 0:
        return None
    start = index + len(prefix)
    return start, start + len(exact)


def read_unmodelled(path: Path, where: str | None = None) -> list[tuple[int, str, str]]:
    """The rows of a list of sentences left out: (line, quote, reason), read by the rules above.

    Every malformed line is reported at once, as ``where`` (default: ``path``) and its line.
    """
    if not path.exists():
        return []
    where = where or str(path)
    heading = "cannot read the list of sentences left out"
    try:
        content = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise PolicyKGError(heading, [Problem(where, f"not UTF-8 text (byte {error.start})")]) from None
    except OSError as error:
        raise PolicyKGError(heading, [Problem(where, f"cannot read: {os_message(error)}")]) from None
    entries = []
    problems = []
    for number, line in enumerate(content.removeprefix("\ufeff").split("\n"), start=1):
        line = line.removesuffix("\r")
        if line.startswith("#"):
            if "\t" in line:
                problems.append(
                    Problem(
                        where,
                        "a line whose first character is # is a comment, but this one holds a tab like a row;"
                        " to leave out a sentence that starts with #, quote it from after the #",
                        line=number,
                    )
                )
            continue
        if not line.strip():
            continue
        quote, tab, reason = line.partition("\t")
        if not tab:
            message = (
                "no tab: a row is a quote from one sentence, a tab, then the reason (# starts a comment)"
            )
        elif not quote.strip():
            message = "the quote before the tab is empty: quote a part of the sentence left out"
        elif not reason.strip():
            message = "the reason after the tab is empty: say why the sentence is not modelled"
        else:
            entries.append((number, quote.strip(), reason.strip()))
            continue
        problems.append(Problem(where, message, line=number))
    if problems:
        raise PolicyKGError(heading, problems)
    return entries


def quote_matches(quote: str, sentence: str) -> bool:
    """Whether ``quote`` occurs in ``sentence`` as written, not starting or ending inside a word.

    >>> quote_matches("Om", "Om"), quote_matches("Om", "Omdat het kan."), quote_matches("het kan.", "Omdat het kan.")
    (True, False, True)
    """
    start = sentence.find(quote)
    while start >= 0:
        end = start + len(quote)
        cut_before = start > 0 and sentence[start - 1].isalnum() and quote[0].isalnum()
        cut_after = end < len(sentence) and sentence[end].isalnum() and quote[-1].isalnum()
        if not cut_before and not cut_after:
            return True
        start = sentence.find(quote, start + 1)
    return False


def measure_document(loaded: LoadedGraph, document: str, source: Path) -> DocumentCoverage:
    """Measure one document's coverage of its source text."""
    text = source.read_text(encoding="utf-8")
    covered = bytearray(len(text))
    for row in loaded.query(sparql_prologue() + PASSAGES % document):
        prefix = row["prefix"].value if row["prefix"] is not None else ""
        suffix = row["suffix"].value if row["suffix"] is not None else ""
        span = locate_passage(text, row["exact"].value, prefix, suffix)
        if span:
            covered[span[0] : span[1]] = b"\x01" * (span[1] - span[0])
    result = DocumentCoverage(source, split_sentences(text))
    listed = source.with_name(source.stem + ".unmodelled.tsv")
    unmodelled = read_unmodelled(listed, loaded.project.relative(listed))
    used: set[int] = set()
    for sentence in result.sentences:
        chars = [i for i in range(sentence.start, sentence.end) if not text[i].isspace()]
        share = sum(covered[i] for i in chars) / len(chars) if chars else 1.0
        if share >= ANCHOR_SHARE:
            result.anchored.append(sentence)
            continue
        # every row that matches counts as used; the first one's reason is shown
        matching = [(n, r) for n, q, r in unmodelled if quote_matches(q, sentence.text)]
        used.update(n for n, _ in matching)
        if matching:
            result.left_out.append((sentence, matching[0][1]))
        else:
            result.unaccounted.append(sentence)
    for n, q, _ in unmodelled:
        if n not in used:
            anchored = next((s.line for s in result.anchored if quote_matches(q, s.text)), None)
            result.stale.append(StaleRow(n, q, anchored))
    return result


def measure_coverage(loaded: LoadedGraph) -> list[DocumentCoverage]:
    """Measure every document that names its source file."""
    results = []
    rows = loaded.query(sparql_prologue() + "SELECT ?d ?f WHERE { ?d pkg:sourceFile ?f } ORDER BY ?f")
    for row in rows:
        source = loaded.project.sources_dir / row["f"].value
        results.append(measure_document(loaded, row["d"].value, source))
    return results


def stale_message(row: StaleRow) -> str:
    """What is wrong with a stale row, and what a row must match."""
    if row.anchored_line is not None:
        return (
            f"{row.quote!r} matches only sentences that passages anchor (line {row.anchored_line}), and a row"
            " must match a sentence that no passage anchors: remove the row"
        )
    return (
        f"{row.quote!r} matches no sentence that no passage anchors; a row's quote must occur in one such"
        " sentence exactly as written there (case, accents, punctuation), not starting or ending inside a"
        " word: correct the quote, or remove the row"
    )


def format_coverage(results: list[DocumentCoverage], *, verbose: bool = False) -> str:
    """A report for people; its last line gives the percentage of sentences anchored."""
    lines = []
    total = anchored = left = open_ = 0
    for r in results:
        name = r.source.name
        lines.append(f"{name}: {len(r.sentences)} sentences, {len(r.anchored)} anchored")
        if verbose:
            lines += [f"  anchored  line {s.line}: {s.text[:90]}" for s in r.anchored]
        lines += [f"  left out  line {s.line}: {s.text[:70]!r} — {why}" for s, why in r.left_out]
        lines += [f"  MISSING   line {s.line}: {s.text[:90]!r}" for s in r.unaccounted]
        lines += [
            f"  STALE     {r.source.stem}.unmodelled.tsv:{row.line}: {stale_message(row)}" for row in r.stale
        ]
        total += len(r.sentences)
        anchored += len(r.anchored)
        left += len(r.left_out)
        open_ += len(r.unaccounted)
    share = 100.0 * anchored / total if total else 100.0
    lines.append(
        f"coverage: {anchored} of {total} sentences anchored, {left} left out with a reason,"
        f" {open_} unaccounted for: {share:.1f}%"
    )
    return "\n".join(lines)
