"""The curator's commands: ``new-document``, ``anchor``, ``compile`` and ``convert``. Options only; the work is
in :mod:`policykg.curate`."""

from __future__ import annotations

import argparse
from pathlib import Path

from .errors import EXIT_OK, EXIT_USAGE, PolicyKGError, Problem
from .project import Project, find_project


def _slug(project: Project, slug: str) -> str:
    from .curate.compile import curated_slugs

    if slug.startswith(("http://", "https://")):
        slug = slug.rstrip("/").rsplit("/", 1)[-1]
    known = curated_slugs(project)
    if slug not in known:
        listed = ", ".join(known) or "none yet; start one with policykg new-document SLUG --source FILE"
        raise PolicyKGError(
            f"no curator's file for document {slug!r}; documents with one: {listed}", exit_code=EXIT_USAGE
        )
    return slug


def cmd_new_document(args: argparse.Namespace) -> int:
    from .curate.scaffold import new_document

    project = find_project(args.root)
    written = new_document(
        project,
        args.slug,
        Path(args.source),
        title_nl=args.title_nl,
        title_en=args.title_en,
        date=args.date,
        publisher=args.publisher,
        language=args.language,
    )
    print(f"document {args.slug} started:")
    for path in written:
        print(f"  {project.relative(path)}")
    if not args.title_en:
        print("note: the English title repeats the Dutch one until you give --title-en or edit the file")
    print(f'next: policykg anchor --document {args.slug} "a quote from the text"')
    return EXIT_OK


def cmd_anchor(args: argparse.Namespace) -> int:
    from .curate.compile import compile_document
    from .curate.scaffold import add_passage
    from .curate.values import line_range
    from .curate.write import write_compiled

    project = find_project(args.root)
    slug = _slug(project, args.document)
    if (args.quote is None) == (args.lines is None):
        raise PolicyKGError("give a quote or --lines A-B, not both and not neither", exit_code=EXIT_USAGE)
    lines = None
    if args.lines is not None:
        lines = line_range(args.lines)
        if lines is None:
            raise PolicyKGError(f"--lines {args.lines!r}: write FIRST-LAST, as 12-14", exit_code=EXIT_USAGE)
    added = add_passage(project, slug, args.quote, lines=lines, occurrence=args.occurrence, name=args.name)
    anchor = added.anchor
    where = (
        f"line {anchor.line}" if anchor.line == anchor.end_line else f"lines {anchor.line}-{anchor.end_line}"
    )
    verb = "is already passage" if added.existed else "added as passage"
    print(f"{added.iri}")
    print(f"  {verb} {added.name}, {where}: «{anchor.exact}»")
    if anchor.prefix or anchor.suffix:
        print("  the text repeats: oa:prefix and oa:suffix pick this occurrence")
    if not added.existed:
        compiled = compile_document(project, slug)
        if compiled.problems:
            raise PolicyKGError(
                f"the passage was added, but {slug}.yaml does not compile yet; fix these, then policykg compile",
                compiled.problems,
            )
        write_compiled(project, compiled)
    return EXIT_OK


def cmd_compile(args: argparse.Namespace) -> int:
    from .curate.write import compile_all, stale_files, write_compiled

    project = find_project(args.root)
    slugs = [_slug(project, s) for s in args.documents] or None
    results = compile_all(project, slugs)
    if args.check:
        stale = [_problem(project, p) for c in results for p in stale_files(project, c)]
        stale += [Problem(project.relative(path), why) for path, why in orphans(project)]
        if stale:
            raise PolicyKGError(
                f"{len(stale)} generated file(s) differ from their curator's file; run: policykg compile",
                stale,
            )
        print(f"all {len(results)} curated document(s) are compiled")
        return EXIT_OK
    for compiled in results:
        changed = write_compiled(project, compiled)
        removed = [p for p in changed if p.name not in compiled.files]
        written = [p for p in changed if p.name in compiled.files]
        gone = f", {len(removed)} removed" if removed else ""
        print(f"{compiled.slug}: {len(written)} of {len(compiled.files)} file(s) written{gone}")
        for path in changed:
            print(f"  {project.relative(path)}{' (removed)' if path in removed else ''}")
    return EXIT_OK


def _problem(project: Project, path: Path) -> Problem:
    return Problem(project.relative(path), "out of date with its curator's file")


def cmd_convert(args: argparse.Namespace) -> int:
    from .curate.compile import compile_document, curator_file
    from .curate.convert import convert_document
    from .curate.scaffold import is_slug

    project = find_project(args.root)
    if not is_slug(args.document):
        raise PolicyKGError(
            f"{args.document!r} is not a document's slug (lower-case letters, digits, hyphens)",
            exit_code=EXIT_USAGE,
        )
    folder = project.graphs_dir / args.document
    if not folder.is_dir() or folder.is_symlink() or not any(folder.glob("*.ttl")):
        raise PolicyKGError(
            f"no Turtle in a folder {project.relative(folder)}/ to convert", exit_code=EXIT_USAGE
        )
    path = curator_file(project, args.document)
    if path.exists() or path.is_symlink():
        raise PolicyKGError(f"{project.relative(path)} exists already", exit_code=EXIT_USAGE)
    text = convert_document(project, args.document)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    try:
        compiled = compile_document(project, args.document)
    except BaseException:
        path.unlink()
        raise
    if compiled.problems:
        path.unlink()
        raise PolicyKGError("the converted file does not compile; nothing was kept", compiled.problems)
    print(
        f"wrote {project.relative(path)} ({len(text.splitlines())} lines); check it, remove the hand-written"
    )
    print(f"Turtle of {project.relative(folder)}/, then run policykg compile")
    return EXIT_OK


def orphans(project: Project) -> list[tuple[Path, str]]:
    """Generated Turtle whose curator's file is gone."""
    from .curate.compile import curated_slugs, is_generated

    curated = set(curated_slugs(project))
    return [
        (
            path,
            f"it was compiled from {path.parent.name}.yaml, which is missing: restore it, or remove the file",
        )
        for path in sorted(project.graphs_dir.glob("*/*.ttl"))
        if path.parent.name not in curated and is_generated(path)
    ]


def require_compiled(project: Project) -> None:
    """Stop when a curator's file does not compile, or its generated Turtle is out of date."""
    from .curate.compile import curated_slugs
    from .curate.write import quick_stale

    stale = [item for slug in curated_slugs(project) for item in quick_stale(project, slug)]
    stale += orphans(project)
    if stale:
        raise PolicyKGError(
            f"{len(stale)} generated file(s) are out of date with their curator's file; run: policykg compile",
            [Problem(project.relative(path), f"out of date: {why}") for path, why in stale],
        )


def add_curator_commands(sub: argparse._SubParsersAction) -> None:
    """The curator's subcommands."""
    p = sub.add_parser(
        "new-document",
        help="start a document: its source text, curator's file and folder",
        description="Copy the source text byte for byte into sources/SLUG.txt, write "
        "graphs/SLUG/SLUG.yaml with the document resource, an empty sources/SLUG.unmodelled.tsv, and "
        "compile it. Refuses a slug that exists and a source that is not UTF-8.",
    )
    p.add_argument("slug", help="the document's short name: lower-case letters, digits, hyphens")
    p.add_argument("--source", required=True, help="the document's text (UTF-8)")
    p.add_argument("--title-nl", help="its Dutch title (default: the first line of the text)")
    p.add_argument("--title-en", help="its English title (default: the Dutch one)")
    p.add_argument("--date", help="the date it was issued, YYYY-MM-DD (dcterms:issued)")
    p.add_argument(
        "--publisher", help="who issued it, as a prefixed IRI such as inst:kabinet (dcterms:publisher)"
    )
    p.add_argument("--language", default="nl", help="the language of the text (default nl)")
    p.set_defaults(func=cmd_new_document)

    p = sub.add_parser(
        "anchor",
        help="find a quote in a document's text and add it as a passage",
        description="Find QUOTE in the document's source, tolerating curly against straight quotes, "
        "dashes, soft hyphens (and the ¬ that stands for one), ligatures and line breaks; add the source's "
        "exact characters as a passage to the curator's file (with the occurrence where the text repeats), "
        "compile, and print the passage's IRI. When nothing matches, name the nearest places, their line and "
        "the first character that differs.",
    )
    p.add_argument("quote", nargs="?", help="the text to find")
    p.add_argument("--document", required=True, help="the document's slug (or IRI)")
    p.add_argument("--lines", help="anchor whole lines instead of a quote: FIRST-LAST, as 12-14")
    p.add_argument("--occurrence", type=int, help="which occurrence, where the quote occurs more than once")
    p.add_argument("--name", help="the passage's name (default: made from its first words)")
    p.set_defaults(func=cmd_anchor)

    p = sub.add_parser(
        "compile",
        help="write the Turtle of each curated document from its curator's file",
        description="Compile graphs/SLUG/SLUG.yaml into the canonical Turtle beside it: passages anchored, "
        "qualified relations and mentions derived. With --check, write nothing and exit 1 when a generated "
        "file is out of date.",
    )
    p.add_argument("documents", nargs="*", metavar="SLUG", help="only these documents (default: all)")
    p.add_argument("--check", action="store_true", help="only report generated files that are out of date")
    p.set_defaults(func=cmd_compile)

    p = sub.add_parser(
        "convert",
        help="write the curator's file of a document written in Turtle",
        description="Write graphs/SLUG/SLUG.yaml from the Turtle of graphs/SLUG/, so that compiling it gives "
        "the same triples (plus the mentions a stated edge's passage makes by naming a shared resource).",
    )
    p.add_argument("document", metavar="SLUG")
    p.set_defaults(func=cmd_convert)
