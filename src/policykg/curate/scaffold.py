"""Start a document, and add passages to its curator's file.

``new_document`` copies the source text byte for byte into ``sources/``, writes the curator's file with the
document resource and an empty ``.unmodelled.tsv``, and compiles it. ``add_passage`` anchors a quote (see
:mod:`policykg.curate.anchor`) and adds it under ``passages:``.
"""

from __future__ import annotations

import datetime
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import EXIT_USAGE, PolicyKGError, Problem, os_message
from ..namespaces import ID
from ..project import Project, read_file
from .anchor import Anchor, QuoteError, SourceText
from .compile import compile_document, curator_file, read_source, source_path
from .format import is_name, parse_curator_file, read_curator_file
from .values import yaml_text
from .write import write_compiled

UNMODELLED_HEADER = """\
# Sentences of {name} that no passage anchors, on purpose.
# One per line: a quote from the sentence, a tab, the reason. A line whose first character is # is a comment.
# policykg coverage reads this file; see docs/curators.md.
"""


def is_slug(slug: str) -> bool:
    """A document's short name: lower-case letters, digits and single hyphens, at most 80 characters, and
    not ``shared`` (the folder of what documents share).

    >>> is_slug("nota-cyber-2026"), is_slug("Nota"), is_slug("a--b"), is_slug("-a"), is_slug("../x")
    (True, False, False, False, False)
    """
    parts = slug.split("-")
    return (
        0 < len(slug) <= 80
        and slug != "shared"
        and all(p and all(c.isascii() and (c.islower() or c.isdigit()) for c in p) for p in parts)
    )


def _write_new(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet, through a temporary file beside it."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)


def new_document(
    project: Project,
    slug: str,
    source: Path,
    *,
    title_nl: str | None = None,
    title_en: str | None = None,
    date: str | None = None,
    publisher: str | None = None,
    language: str = "nl",
) -> list[Path]:
    """Scaffold document ``slug`` from the text at ``source``; returns the files written."""
    if not is_slug(slug):
        raise PolicyKGError(
            f"{slug!r} cannot name a document: use lower-case letters, digits and single hyphens, "
            "as nota-digitale-weerbaarheid",
            exit_code=EXIT_USAGE,
        )
    folder = project.graphs_dir / slug
    text_path = project.sources_dir / f"{slug}.txt"
    taken = [p for p in (folder, text_path) if p.exists()]
    if taken:
        raise PolicyKGError(
            f"document {slug} exists already: {', '.join(project.relative(p) for p in taken)}; "
            "choose another slug, or remove those to start again",
            exit_code=EXIT_USAGE,
        )
    try:
        data = read_file(source)
    except OSError as error:
        raise PolicyKGError(
            f"cannot read the source {source}: {os_message(error)}", exit_code=EXIT_USAGE
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise PolicyKGError(
            f"the source {source} is not UTF-8 text",
            [
                Problem(
                    str(source),
                    f"byte {error.start} (0x{data[error.start]:02x}) is not valid UTF-8; "
                    "convert the file to UTF-8 (as iconv -f WINDOWS-1252 -t UTF-8 does)",
                    line=line,
                )
            ],
            exit_code=EXIT_USAGE,
        ) from None
    if not text.strip():
        raise PolicyKGError(f"the source {source} is empty", exit_code=EXIT_USAGE)
    if date is not None:
        try:
            if len(date) != 10 or date[4] != "-" or date[7] != "-":
                raise ValueError(date)
            datetime.date.fromisoformat(date)
        except ValueError:
            raise PolicyKGError(
                f"--date {date!r} is not a date: write YYYY-MM-DD", exit_code=EXIT_USAGE
            ) from None
    if publisher is not None and (
        ":" not in publisher or any(c.isspace() or c in "{}[],#'\"" for c in publisher)
    ):
        raise PolicyKGError(
            f"--publisher {publisher!r}: name the publisher by its IRI, as inst:kabinet "
            "(policykg find NAME gives it; add a new one to graphs/shared/institutions.ttl first)",
            exit_code=EXIT_USAGE,
        )
    title_nl = title_nl or text.removeprefix("\ufeff").strip().splitlines()[0].strip()
    title_en = title_en or title_nl
    entry = [
        f"  id:{slug}:",
        "    a: pkg:PolicyDocument",
        f"    label: {{nl: {yaml_text(title_nl)}, en: {yaml_text(title_en)}}}",
        f"    title: {{nl: {yaml_text(title_nl)}, en: {yaml_text(title_en)}}}",
        f"    sourceFile: {yaml_text(text_path.name)}",
        f"    dcterms:language: {yaml_text(language)}",
    ]
    if date:
        entry.append(f"    dcterms:issued: {{value: {yaml_text(date)}, datatype: xsd:date}}")
    if publisher:
        entry.append(f"    dcterms:publisher: {publisher}")
    lines = [
        f"# The curator's file of {slug}: policykg compile writes the Turtle beside it.",
        f'# Add a passage with: policykg anchor --document {slug} "a quote". See docs/curators.md.',
        "",
        "passages:",
        "",
        "document:",
        *entry,
        "",
        "priorities:",
        "",
        "interventions:",
        "",
    ]
    folder.mkdir(parents=True)
    written = []
    try:
        _write_new(text_path, data)
        written.append(text_path)
        yaml_path = curator_file(project, slug)
        _write_new(yaml_path, "\n".join(lines).encode("utf-8"))
        written.append(yaml_path)
        unmodelled = project.sources_dir / f"{slug}.unmodelled.tsv"
        if not unmodelled.exists():
            _write_new(unmodelled, UNMODELLED_HEADER.format(name=text_path.name).encode("utf-8"))
            written.append(unmodelled)
        compiled = compile_document(project, slug)
        if compiled.problems:
            raise PolicyKGError(f"the new document {slug} does not compile", compiled.problems)
        written += write_compiled(project, compiled)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        for path in folder.glob("*"):
            path.unlink()
        folder.rmdir()
        raise
    return written


def passage_name(quote: str, taken: set[str]) -> str:
    """A passage name from the first words of a quote, unique among ``taken``.

    >>> passage_name("Wij investeren in één digitale overheid.", {"wij-investeren-in-een"})
    'wij-investeren-in-een-2'
    """
    ascii_text = unicodedata.normalize("NFKD", quote).encode("ascii", "ignore").decode().lower()
    words, word = [], []
    for char in ascii_text + " ":
        if char.isalnum():
            word.append(char)
        elif word:
            words.append("".join(word))
            word = []
    base = "-".join(words[:4])[:40].strip("-") or "passage"
    if not base[0].isalpha():
        base = f"p-{base}"
    name, number = base, 2
    while name in taken:
        name, number = f"{base}-{number}", number + 1
    return name


@dataclass
class Added:
    """What ``add_passage`` did: the passage's name, its anchor, and whether it was there already."""

    name: str
    iri: str
    anchor: Anchor
    existed: bool


def add_passage(
    project: Project,
    slug: str,
    quote: str | None = None,
    *,
    lines: tuple[int, int] | None = None,
    occurrence: int | None = None,
    name: str | None = None,
) -> Added:
    """Anchor a quote (or whole lines) in document ``slug``'s source and add it to its curator's file."""
    path = curator_file(project, slug)
    if not path.is_file():
        raise PolicyKGError(
            f"document {slug} has no curator's file {project.relative(path)}; start one with "
            f"policykg new-document {slug} --source FILE",
            exit_code=EXIT_USAGE,
        )
    where = project.relative(path)
    curated = read_curator_file(path, slug, where)
    if curated.problems:
        raise PolicyKGError(f"{where} cannot be read", curated.problems)
    source = SourceText(read_source(project, curated))
    try:
        anchor = (
            source.anchor_lines(*lines)
            if lines is not None
            else source.anchor(quote or "", occurrence=occurrence)
        )
    except QuoteError as error:
        where_text = project.relative(source_path(project, curated))
        raise PolicyKGError(str(error), [Problem(where_text, place) for place in error.places]) from None
    for existing in curated.passages.values():
        try:
            other = (
                source.anchor_lines(*existing.lines)
                if existing.lines
                else source.anchor(existing.quote, occurrence=existing.occurrence)
            )
        except QuoteError:
            continue
        if (other.start, other.end) == (anchor.start, anchor.end):
            return Added(existing.name, f"{ID}{slug}/passage/{existing.name}", anchor, True)
    if name is not None and (name in curated.passages or not is_name(name) or len(name) > 80):
        raise PolicyKGError(
            f"passage name {name!r} is taken, or is not letters, digits and hyphens starting with a letter",
            exit_code=EXIT_USAGE,
        )
    name = name or passage_name(anchor.exact, set(curated.passages))
    if lines is not None:
        value = f'{{lines: "{lines[0]}-{lines[1]}"}}'
    else:
        value = yaml_text(anchor.exact)
        starts = [s for s, _ in source.spans(anchor.exact)]
        if len(starts) > 1:
            value = f"{{quote: {value}, occurrence: {starts.index(anchor.start) + 1}}}"
    _insert_passage(path, name, value, slug)
    return Added(name, f"{ID}{slug}/passage/{name}", anchor, False)


def _insert_passage(path: Path, name: str, value: str, slug: str) -> None:
    """Add ``name: value`` at the end of the ``passages:`` block of a curator's file, indented as its other
    entries; the file is replaced only if it still reads without a problem."""
    original = read_file(path).decode("utf-8")
    lines = original.splitlines()
    start = next(
        (i for i, line in enumerate(lines) if line.split("#", 1)[0].rstrip().startswith("passages:")), None
    )
    if start is None:
        lines[:0] = ["passages:", ""]
        start = 0
    elif lines[start].split("#", 1)[0].strip() in ("passages: {}", "passages: null", "passages: ~"):
        lines[start] = "passages:"
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][:1] in (" ", "\t", "#")):
        end += 1
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    entries = [line for line in lines[start + 1 : end] if line.strip() and not line.lstrip().startswith("#")]
    indent = entries[0][: len(entries[0]) - len(entries[0].lstrip())] if entries else "  "
    lines.insert(end, f"{indent}{name}: {value}")
    text = "\n".join(lines) + "\n"
    check = parse_curator_file(text, slug, str(path))
    if check.problems or name not in check.passages:
        raise PolicyKGError(
            f"the passage could not be added to {path.name} without breaking it; add it by hand under passages:",
            check.problems,
        )
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
