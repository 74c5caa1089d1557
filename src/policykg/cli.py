"""The ``policykg`` command: parses options and calls the module that does each job.

Exit codes: 0 success, 1 invalid input or graph, 2 usage error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .errors import EXIT_INVALID, EXIT_OK, EXIT_USAGE, PolicyKGError
from .project import Project, find_project


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit with code 2 and one clear line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def cmd_build(args: argparse.Namespace) -> int:
    project = find_project(args.root)
    from .build import build_project
    from .cli_curate import require_compiled

    require_compiled(project)

    started = time.perf_counter()
    result = build_project(
        project, with_views=not args.no_views, with_site=not args.no_site, engine=args.shacl_engine
    )
    summary = result.summary
    print(
        f"built {project.relative(result.dist)}/ in {time.perf_counter() - started:.2f} s: "
        f"{summary['triples']} triples, valid"
    )
    for path in result.files:
        print(f"  {project.relative(path)}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    project = find_project(args.root)
    from .cli_curate import require_compiled
    from .load import load_project

    require_compiled(project)
    from .validate import validate_graph

    loaded = load_project(project)
    report = validate_graph(loaded, args.shacl_engine)
    if not report.conforms:
        raise PolicyKGError(f"the graph is invalid: {len(report.problems)} problem(s)", report.problems)
    if not report.checks_run:
        print(
            f"warning: no checks in {project.relative(project.checks_dir)}/; only the shapes ran",
            file=sys.stderr,
        )
    print(f"valid: {len(loaded)} triples, {report.shapes_checked} shapes, {report.checks_run} checks")
    return EXIT_OK


def cmd_fmt(args: argparse.Namespace) -> int:
    project = find_project(args.root)
    from .canonical import format_files
    from .cli_curate import require_compiled
    from .errors import Problem

    if args.check:
        require_compiled(project)

    result = format_files(project, check=args.check)
    if args.check and result.changed:
        raise PolicyKGError(
            f"{len(result.changed)} of {len(result.checked)} Turtle file(s) are not in canonical form;"
            " run: policykg fmt",
            [Problem(project.relative(p), "not canonical") for p in result.changed],
        )
    if args.check:
        print(f"all {len(result.checked)} Turtle files are canonical")
    else:
        print(f"formatted {len(result.changed)} of {len(result.checked)} Turtle file(s)")
        for path in result.changed:
            print(f"  {project.relative(path)}")
    return EXIT_OK


def cmd_coverage(args: argparse.Namespace) -> int:
    project = find_project(args.root)
    from .coverage import format_coverage, measure_coverage
    from .load import load_project

    results = measure_coverage(load_project(project))
    print(format_coverage(results, verbose=args.verbose))
    return EXIT_INVALID if any(r.unaccounted or r.stale for r in results) else EXIT_OK


def cmd_find(args: argparse.Namespace) -> int:
    project = find_project(args.root)
    from .curate.find import MAX_TEXT, find_resources, format_hits, words
    from .load import load_project

    if len(args.text) > MAX_TEXT:
        raise PolicyKGError(
            f"the text to find is {len(args.text)} characters long; give a name or part of one, at most"
            f" {MAX_TEXT} characters",
            exit_code=EXIT_USAGE,
        )
    if not words(args.text):
        raise PolicyKGError(
            f"{args.text!r} has no words to look for; give a name, e.g. policykg find NCSC",
            exit_code=EXIT_USAGE,
        )
    hits = find_resources(load_project(project), args.text, limit=args.limit)
    if args.json:
        print(json.dumps([h.to_json() for h in hits], indent=2, ensure_ascii=False))
    elif hits:
        print(format_hits(hits))
    if not hits:
        raise PolicyKGError(
            f"no shared resource (institution, law, strategy, theme, target group, level, period) has a label"
            f" like {args.text!r}; try fewer words, or another language"
        )
    return EXIT_OK


def positive_count(text: str) -> int:
    """A whole number of at least 1.

    >>> positive_count("5")
    5
    """
    if not re.fullmatch(r"[0-9]+", text.strip()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a whole number of at least 1")
    return int(text)


def cmd_links(args: argparse.Namespace) -> int:
    project = find_project(args.root)
    from .identifiers import format_links, report_links
    from .load import load_project

    report = report_links(load_project(project))
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else format_links(report))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    project = find_project(args.root)
    from .load import load_project
    from .stats import compute_stats, format_stats

    stats = compute_stats(load_project(project))
    print(json.dumps(stats, indent=2, ensure_ascii=False) if args.json else format_stats(stats))
    return EXIT_OK


def cmd_query(args: argparse.Namespace) -> int:
    from .query import find_query, open_engine, prepare, require_document, review_query
    from .results import format_table, label_answer

    values = parse_params(args.param)
    standalone = args.endpoint and args.query.endswith(".rq")
    project = None if standalone and args.root is None and not _has_project() else find_project(args.root)
    if project is None:
        from pathlib import Path

        from .library import read_query

        query = read_query(Path(args.query), Path(args.query).stem)
    else:
        query = find_query(project, args.query)
    sparql, prologue_lines = prepare(query, values)
    where = str(query.path) if project is None else project.relative(query.path)
    # a query of the library is reviewed by policykg expect (and the tests); one's own every time it runs
    in_library = project is not None and query.path.resolve().is_relative_to(project.queries_dir.resolve())
    if args.strict or not in_library:
        for warning in review_query(sparql, project, where, prologue_lines, strict=args.strict):
            print(f"warning: {warning}", file=sys.stderr)
    engine = open_engine(
        project,
        args.endpoint,
        where=where,
        prologue_lines=prologue_lines,
        timeout=args.timeout,
        allow_service=args.allow_service,
    )
    if "document" in values and "document" in query.params:
        require_document(engine, values["document"])
    if args.format == "table":
        answer = engine.answer(sparql)
        if not args.no_labels:
            answer = label_answer(engine, answer, args.lang)
        print(format_table(answer, width=args.width))
    else:
        sys.stdout.buffer.write(engine.serialize(sparql, args.format))
        sys.stdout.flush()
    return EXIT_OK


def _has_project() -> bool:
    try:
        find_project(None)
    except PolicyKGError:
        return False
    return True


def expand_iri(value: str) -> str:
    """An IRI from a full IRI, ``<IRI>`` or a prefixed name such as ``id:kernboodschap-digitalisering``."""
    from .library import format_term

    try:
        term = format_term(value)
    except ValueError as error:
        raise PolicyKGError(str(error), exit_code=EXIT_USAGE) from None
    if not term.startswith("<"):
        raise PolicyKGError(
            f"{value!r} is not an IRI; name it by its IRI, in full or as a prefixed name such as id:{value}",
            exit_code=EXIT_USAGE,
        )
    return term[1:-1]


def document_count(text: str) -> int:
    """How many synthetic documents: a whole number from 1 to 100,000 (about 100 million triples).

    >>> document_count("30")
    30
    >>> document_count("0")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: 0 is not a number of documents from 1 to 100000
    """
    if not re.fullmatch(r"[0-9]+", text.strip()) or not 1 <= int(text) <= 100_000:
        raise argparse.ArgumentTypeError(f"{text} is not a number of documents from 1 to 100000")
    return int(text)


def parse_params(pairs: list[str]) -> dict[str, str]:
    """``NAME=VALUE`` options as a dict; a malformed one is a usage error.

    >>> parse_params(["intervention=https://w3id.org/x", "year=2026"])
    {'intervention': 'https://w3id.org/x', 'year': '2026'}
    """
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise PolicyKGError(f"--param takes NAME=VALUE, not {pair!r}", exit_code=EXIT_USAGE)
        values[name.strip()] = value.strip()
    return values


def cmd_queries(args: argparse.Namespace) -> int:
    from .library import list_queries

    project = find_project(args.root)
    queries = list_queries(project.queries_dir)
    by_category: dict[str, list] = {}
    for query in queries:
        by_category.setdefault(query.category or "other", []).append(query)
    for category in sorted(by_category):
        print(f"{category}/")
        for query in by_category[category]:
            params = "".join(f" [--param {k}=…]" for k in query.params)
            print(f"  {query.name:<48} {query.title}{params}")
            if args.verbose:
                for key in ("question-en", "question-nl"):
                    if key in query.header:
                        print(f"  {'':<48}   {query.header[key]}")
    print(f"{len(queries)} queries; run one with: policykg query NAME")
    return EXIT_OK


def product_name(name: str, document: str | None) -> str:
    """The folder under dist/ of a product, of one document when ``document`` is given, so that it sits
    beside the whole corpus's rather than replacing it.

    >>> product_name("analysis", "https://w3id.org/policykg/id/synth-0002"), product_name("views", None)
    ('analysis-synth-0002', 'views')
    """
    return f"{name}-{document.rstrip('/').rsplit('/', 1)[-1]}" if document else name


def _write_product(
    args: argparse.Namespace, name: str, write: Callable[[Project, Path], list[Path]]
) -> tuple[Project, Path, list[Path]]:
    """Write one build product into ``--out`` or ``dist/{name}``, staged and swapped in whole."""
    from contextlib import nullcontext

    from .output import locked, staged_directory

    project = find_project(args.root)
    target = Path(args.out) if args.out else project.dist_dir / name
    # inside dist/, a build swapping dist/ whole must wait for this product, and the other way round
    with (
        locked(project.dist_dir) if not args.out else nullcontext(),
        staged_directory(target, trusted=not args.out) as staged,
    ):
        files = write(project, staged)
    return project, target, files


def cmd_site(args: argparse.Namespace) -> int:
    from .load import load_project
    from .site import write_site

    def write(project: Project, folder: Path) -> list[Path]:
        dist = project.dist_dir if project.dist_dir.is_dir() else None
        return write_site(load_project(project), folder, dist, all_pages=args.all_pages)

    project, target, files = _write_product(args, "site", write)
    print(
        f"wrote the site ({len(files)} pages) to {project.relative(target)}/; serve it with: policykg serve"
    )
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import Settings, open_store, serve

    project = find_project(args.root)
    origins = tuple(o.strip() for o in args.cors.split(",") if o.strip()) if args.cors else ()
    settings = Settings(
        timeout=args.timeout,
        max_rows=args.max_rows,
        workers=args.workers,
        cache=args.cache * 1_000_000,
        max_body=args.max_body,
        cors=origins,
    )

    def announce(url: str, site: object) -> None:
        isolated = getattr(getattr(site, "pool", None), "isolated", False)
        print(f"serving the site and the SPARQL endpoint at {url} (endpoint: {url}sparql); Ctrl-C stops")
        if not isolated:
            print(
                "note: the query workers could not be closed off from the network (no seccomp here); "
                "SERVICE is still refused by the query check",
                file=sys.stderr,
            )
        sys.stdout.flush()

    serve(
        project.dist_dir / "site",
        open_store(project.dist_dir),
        host=args.host,
        port=args.port,
        settings=settings,
        announce=announce,
    )
    print("stopped")
    return EXIT_OK


def cmd_publish(args: argparse.Namespace) -> int:
    from .publish import publish_graph

    project = find_project(args.root)
    result = publish_graph(
        project.dist_dir / "policykg.nt",
        args.endpoint,
        graph=args.graph,
        auth=args.auth,
        timeout=args.timeout,
    )
    print(
        f"published {result.sent} triples into <{result.graph}> at {result.endpoint} (HTTP {result.status}); "
        f"the store holds {result.stored}"
    )
    return EXIT_OK


def cmd_release(args: argparse.Namespace) -> int:
    from .cli_curate import require_compiled
    from .release import check_version, write_release

    check_version(args.version)
    project = find_project(args.root)
    require_compiled(project)
    release = write_release(
        project,
        args.version,
        force=args.force,
        out=Path(args.out) if args.out else None,
        engine=args.shacl_engine,
    )
    source = "the build in dist/" if release.reused else "a fresh build of the sources"
    print(
        f"released {args.version} to {project.relative(release.folder)}/ from {source}: {release.triples} triples"
    )
    for path in release.files:
        print(f"  {project.relative(path)}")
    return EXIT_OK


def cmd_synth(args: argparse.Namespace) -> int:
    from .output import MARKER, staged_directory
    from .synth import SYNTH_NEEDS, synthesize

    project = find_project(args.root)
    out = Path(args.out).resolve()
    missing = [name for name in SYNTH_NEEDS if not (project.root / name).exists()]
    if missing:
        raise PolicyKGError(
            f"synth copies the ontology, the query library and the shared periods and levels of the project at "
            f"{project.root}, which lacks {', '.join(missing)}: run it in a policykg project (or give --root)",
            exit_code=EXIT_USAGE,
        )
    for folder in (project.ontology_dir, project.graphs_dir, project.queries_dir, project.sources_dir):
        if out == folder.resolve() or folder.resolve() in out.parents:
            raise PolicyKGError(
                f"refusing to write synthetic documents into {project.relative(folder)}/ of the project at "
                f"{project.root}: they would mix with its real data; choose a folder outside it",
                exit_code=EXIT_USAGE,
            )
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        # a folder inside an earlier synthetic project passes check_target (its parent is ours): synth
        # replaces only what it wrote itself
        raise PolicyKGError(
            f"refusing to replace {out}: it is not a synthetic project policykg wrote; choose an empty or new folder",
            exit_code=EXIT_USAGE,
        )
    try:
        with staged_directory(out) as staged:
            triples = synthesize(project, staged, args.documents, seed=args.seed)
    except OSError as error:
        raise PolicyKGError(
            f"cannot write the synthetic project to {out}: {error.strerror or error}"
            + (f" ({error.filename})" if error.filename else ""),
            exit_code=EXIT_USAGE,
        ) from error
    print(
        f"wrote {args.documents} synthetic documents ({triples} triples in its graphs, seed {args.seed}) to {out}/"
    )
    print(f"it is a project of its own: policykg --root {out} build")
    return EXIT_OK


def cmd_views(args: argparse.Namespace) -> int:
    from .load import load_project
    from .views import write_views

    document = expand_iri(args.document) if args.document else None
    project, target, files = _write_product(
        args,
        product_name("views", document),
        lambda p, folder: write_views(load_project(p), folder, document=document),
    )
    print(f"wrote {len(files) - 1} views and their index: {project.relative(target / 'index.html')}")
    print("open it in a browser; it needs no server and loads nothing from elsewhere")
    return EXIT_OK


def cmd_analyze(args: argparse.Namespace) -> int:
    from .analyze import analyze_graph, summarize_report, write_report
    from .load import load_project

    reports = []

    def write(project: Project, folder: Path) -> list[Path]:
        loaded = load_project(project)
        reports.append(analyze_graph(loaded, loaded.require_document(document) if document else None))
        return write_report(reports[0], folder)

    document = expand_iri(args.document) if args.document else None
    project, target, files = _write_product(args, product_name("analysis", document), write)
    print(summarize_report(reports[0]))
    for path in files:
        print(f"  {project.relative(target / path.name)}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from .export import export_network
    from .load import load_project

    project = find_project(args.root)
    document = expand_iri(args.document) if args.document else None
    paths = export_network(load_project(project), args.format, args.relation, document, args.out)
    for path in paths:
        print(f"wrote {project.relative(path)}")
    return EXIT_OK


def cmd_expect(args: argparse.Namespace) -> int:
    from .expect import expect
    from .library import list_queries
    from .load import load_project
    from .query import prepare, review_query

    project = find_project(args.root)
    for query in list_queries(project.queries_dir):  # what policykg query NAME does not check each time
        if not args.query or query.name in args.query:
            sparql, prologue_lines = prepare(query)
            for warning in review_query(sparql, project, project.relative(query.path), prologue_lines):
                print(f"warning: {warning}", file=sys.stderr)
    report, code = expect(load_project(project, entailed=True), args.query, update=args.update)
    print(report)
    return code


def add_engine_option(p: argparse.ArgumentParser) -> None:
    from .validate import ENGINES

    p.add_argument(
        "--shacl-engine",
        choices=ENGINES,
        default=ENGINES[0],
        help="the SHACL engine: rudof (fast, the default) or pyshacl (the reference)",
    )


def make_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = _Parser(
        prog="policykg",
        description="Turn policy documents into a linked-data knowledge graph: build, validate, query.",
    )
    parser.add_argument("--version", action="version", version=f"policykg {__version__}")
    parser.add_argument(
        "--root",
        help="the project folder (default: $POLICYKG_ROOT, or the nearest folder "
        "with ontology/ and graphs/ from here up)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser(
        "build",
        help="load, validate and write the graph to dist/",
        description="Load ontology/ and graphs/, validate them, and write dist/: the merged "
        "graph as Turtle, N-Triples and JSON-LD, and a summary. dist/ is replaced only when "
        "everything succeeds.",
    )
    p.add_argument("--no-views", action="store_true", help="skip the views and charts (faster)")
    p.add_argument("--no-site", action="store_true", help="skip the static site (faster; serve needs it)")
    add_engine_option(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "validate",
        help="check the graph against the shapes and the checks",
        description="Run the SHACL shapes of ontology/shapes.ttl and the SPARQL checks of "
        "queries/checks/ (which must return no rows); report every problem with its file, "
        "line, resource and label. Exit 1 when the graph is invalid.",
    )
    add_engine_option(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser(
        "fmt",
        help="rewrite the Turtle files in canonical form",
        description="Rewrite every Turtle file of ontology/ and graphs/ in one canonical, "
        "deterministic form. With --check, change nothing and exit 1 if a file is not canonical.",
    )
    p.add_argument("--check", action="store_true", help="only report files that are not canonical")
    p.set_defaults(func=cmd_fmt)

    p = sub.add_parser(
        "coverage",
        help="which source sentences the passages anchor",
        description="List the sentences of each source text that no passage anchors and that "
        "are not listed, with a reason, in sources/<name>.unmodelled.tsv; the last line gives "
        "the percentage anchored. Exit 1 when a sentence is unaccounted for.",
    )
    p.add_argument("--verbose", "-v", action="store_true", help="list the anchored sentences too")
    p.set_defaults(func=cmd_coverage)

    p = sub.add_parser(
        "find",
        help="find shared resources (institutions, laws, strategies, themes …) by name",
        description="Look up the shared resources (institutions, laws, strategies, themes, target groups, "
        "levels, periods) whose labels (rdfs:label, skos:prefLabel, skos:altLabel, any language) match TEXT, "
        "ignoring case and accents: exact labels first, then whole words or the start of a word, then any "
        "part of a label, then similar labels. For each: its IRI, types, Dutch and English labels, the label "
        "that matched, and the documents that use it. Exit 1 when nothing matches.",
    )
    p.add_argument("text", metavar="TEXT", help="a name or part of one, e.g. NCSC or 'algemene verordening'")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument(
        "--limit", type=positive_count, default=10, metavar="N", help="show at most N hits (default 10)"
    )
    p.set_defaults(func=cmd_find)

    p = sub.add_parser(
        "stats",
        help="triples, resources per class and per priority",
        description="Count the triples, the resources of each class, and per priority its "
        "interventions, institutions, frameworks and themes.",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser(
        "links",
        help="outside identifiers per kind of resource, and what was looked for",
        description="Per kind of resource (institution, law, strategy …): how many carry which outside "
        "identifier (TOOI, Wikidata, ELI, CELEX, BWB, parliamentary file), which were looked for and "
        "not found according to sources/identifiers.tsv, and which were not looked for.",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_links)

    p = sub.add_parser(
        "query",
        help="run a query of the library, or a .rq file, on the graph or an endpoint",
        description="Run a SPARQL query: a name from the library (see: policykg queries) or a .rq file. "
        "By default it runs on the project's graph in the embedded store; --endpoint runs the same query "
        "on any SPARQL 1.1 endpoint. Answers follow the W3C result formats; the table puts labels beside "
        "IRIs. Updates are refused.",
    )
    p.add_argument("query", metavar="NAME|FILE.rq", help="a library query name or a path to a .rq file")
    p.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a parameter of the query (repeatable); an IRI, a prefixed name, a number or text",
    )
    p.add_argument(
        "--format",
        "-f",
        default="table",
        choices=["table", "csv", "tsv", "json", "xml", "turtle", "ntriples"],
        help="table (default) for reading; csv, tsv, json, xml for SELECT/ASK; turtle, ntriples "
        "for CONSTRUCT/DESCRIBE",
    )
    p.add_argument("--endpoint", metavar="URL", help="a SPARQL 1.1 endpoint to run the query on instead")
    p.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="how long to wait for an endpoint (default 30)",
    )
    p.add_argument(
        "--lang",
        choices=["en", "nl"],
        help="the language of every label column of the table, the query's own and those it adds "
        "(default: the query's as it chose them, the added ones in English)",
    )
    p.add_argument("--no-labels", action="store_true", help="show the answer as it is, no labels added")
    p.add_argument(
        "--allow-service",
        action="store_true",
        help="let the query call other endpoints with SERVICE (refused by default: it reaches the network)",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="refuse a query that draws warnings (pkg: terms the ontology does not declare, selected "
        "variables nothing binds): exit 1 without running it",
    )
    p.add_argument(
        "--width",
        type=int,
        metavar="COLUMNS",
        help="the table's width (default: the terminal's, else $COLUMNS, else 120)",
    )
    p.set_defaults(func=cmd_query)

    p = sub.add_parser(
        "site",
        help="write the static linked-data site (dist/site)",
        description="Write dist/site/: a page for every resource at its IRI's path with its data as Turtle, "
        "JSON-LD and N-Triples, the ontology's documentation, the query gallery, the downloads with a VoID "
        "and DCAT description, and the views. policykg build writes it too.",
    )
    p.add_argument("--out", metavar="DIR", help="where to write the site (default: dist/site)")
    p.add_argument(
        "--all-pages",
        action="store_true",
        help="write a page for every resource, also above 20,000 resources, where the parts of documents "
        "are otherwise rendered on request by policykg serve (for a static host)",
    )
    p.set_defaults(func=cmd_site)

    p = sub.add_parser(
        "serve",
        help="serve the site, resource IRIs and a read-only SPARQL endpoint on localhost",
        description="Serve dist/site with content negotiation for resource IRIs (303 to the page or the "
        "data) and a read-only SPARQL 1.1 endpoint at /sparql. Run policykg build first.",
    )
    p.add_argument("--port", type=int, default=8000, help="the port (default 8000; 0 picks a free one)")
    p.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds a query may run (default 10)")
    p.add_argument("--max-rows", type=int, default=10_000, help="rows an answer may have (default 10000)")
    p.add_argument(
        "--workers", type=int, default=2, help="queries run at once, each in its own process (default 2)"
    )
    p.add_argument(
        "--cache",
        type=int,
        default=64,
        metavar="MB",
        help="megabytes of answers kept for repeated queries (default 64; 0: none)",
    )
    p.add_argument(
        "--max-body", type=int, default=1_000_000, help="bytes a query request may have (default 1000000)"
    )
    p.add_argument(
        "--cors",
        default="*",
        metavar="ORIGINS",
        help="origins whose pages may query the endpoint and read the data, comma-separated "
        "(default *: any; '' : none)",
    )
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "publish",
        help="load the built graph into a triple store (SPARQL 1.1 Graph Store Protocol)",
        description="Replace a named graph in any store that speaks the SPARQL 1.1 Graph Store HTTP "
        "Protocol (Fuseki, Oxigraph, Virtuoso, GraphDB) with dist/policykg.nt, then check that the store "
        "holds the same number of triples. Run policykg build first.",
    )
    p.add_argument(
        "--endpoint",
        required=True,
        metavar="URL",
        help="the Graph Store endpoint, e.g. http://localhost:7878/store (Oxigraph), "
        "http://localhost:8890/sparql-graph-crud-auth (Virtuoso), http://localhost:3030/ds/data (Fuseki)",
    )
    p.add_argument(
        "--graph",
        default="https://w3id.org/policykg/dataset",
        metavar="IRI",
        help="the named graph to replace (default https://w3id.org/policykg/dataset)",
    )
    p.add_argument(
        "--auth",
        metavar="USER:PASSWORD",
        help="credentials for Basic or Digest authentication (or user:password@ in the endpoint URL); sent only to the endpoint's own origin",
    )
    p.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the store (default 120)")
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser(
        "release",
        help="write a versioned release: dumps, SHA256SUMS and a VoID/DCAT description",
        description="Write dist/releases/VERSION/: the graph as policykg-VERSION.ttl, .nt and .jsonld (the "
        "same bytes as dist/policykg.*, copied when dist/ is newer than every source, else built and "
        "validated afresh without touching dist/), SHA256SUMS for sha256sum -c, and void.ttl describing the "
        "release (version, date, licence, citation, download URLs and checksums). An existing release is "
        "refused unless --force.",
    )
    p.add_argument(
        "version", metavar="VERSION", help="the release's semantic version, as 1.0.0 or 1.1.0-rc.1"
    )
    p.add_argument("--force", action="store_true", help="replace the release if it exists")
    p.add_argument("--out", metavar="DIR", help="the folder of releases (default: dist/releases)")
    add_engine_option(p)
    p.set_defaults(func=cmd_release)

    p = sub.add_parser(
        "synth",
        help="generate synthetic documents for measuring scale (a project of their own)",
        description="Write a project of synthetic policy documents that pass the same shapes and checks: "
        "priorities, nested interventions, skewed use of shared institutions and frameworks, budgets that add "
        "up, dependencies, source texts. Deterministic for a seed; kept apart from the real data.",
    )
    p.add_argument(
        "--documents",
        type=document_count,
        required=True,
        metavar="N",
        help="how many documents (1 to 100000)",
    )
    p.add_argument("--seed", type=int, default=1, help="the random seed (default 1)")
    p.add_argument("--out", required=True, metavar="DIR", help="the folder to write the synthetic project to")
    p.set_defaults(func=cmd_synth)

    p = sub.add_parser(
        "views",
        help="write interactive graph views and charts (HTML, SVG, PNG)",
        description="Write dist/views/: an overview, one view per priority, the overlaps, the dependencies, "
        "one view per institution and per law or strategy, an index with the budget charts. The pages open "
        "from the file system and load nothing from elsewhere.",
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        help="where to write the views (default: dist/views, or dist/views-{document})",
    )
    p.add_argument(
        "--document",
        metavar="IRI",
        help="the views of one document only: its priorities, interventions and what they touch (an IRI or id:…)",
    )
    p.set_defaults(func=cmd_views)

    p = sub.add_parser(
        "analyze",
        help="report on overlaps and dependencies (Markdown, HTML, JSON)",
        description="Project the graph into networkx graphs and report what bridges the priorities, which "
        "priorities are most entangled, dependency cycles and chains, what stalls if something stalls, and "
        "groups of interventions that belong together; every finding cites its passages.",
    )
    p.add_argument("--out", metavar="DIR", help="where to write the report (default: dist/analysis)")
    p.add_argument("--document", metavar="IRI", help="report on one document only (an IRI or id:…)")
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser(
        "export",
        help="export the network for Gephi, R or UCINET (GraphML, GEXF, CSV matrix, CSV edges)",
        description="Write the interventions and every relation from them, with basis, reason and passage, "
        "as GraphML or GEXF (networkx), a CSV matrix of interventions × the other ends with a labels file "
        "beside it, or a CSV edge list.",
    )
    p.add_argument(
        "--format", required=True, choices=["graphml", "gexf", "csv-matrix", "edges-csv"], help="the format"
    )
    p.add_argument(
        "--relation",
        action="extend",
        nargs="+",
        default=[],
        metavar="R",
        help="only these relations: involves, pkg:involves or the full IRI (repeatable; default: all)",
    )
    p.add_argument("--document", metavar="IRI", help="one document only (an IRI or id:…)")
    p.add_argument(
        "--out",
        metavar="FILE",
        help="the file to write ('-': standard output; default: dist/exports/NAME, named after the options)",
    )
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "queries",
        help="list the query library by category",
        description="List the queries of queries/ by category, with their titles and parameters.",
    )
    p.add_argument("--verbose", "-v", action="store_true", help="show the question each query answers")
    p.set_defaults(func=cmd_queries)

    p = sub.add_parser(
        "expect",
        help="compare every query's answer with its expected answer (.srj); --update rewrites them",
        description="Run every query of queries/manifest.ttl on the project and compare its answer with "
        "the expected answer beside it (.srj): in order where the query orders its rows, as a multiset "
        "otherwise. Print ok or what differs per query; exit 1 when any differs. With --update, rewrite the "
        "expected answers that differ (review them with git diff).",
    )
    p.add_argument("--update", action="store_true", help="rewrite the expected answers that differ")
    p.add_argument(
        "--query",
        action="extend",
        nargs="+",
        default=[],
        metavar="NAME",
        help="only these queries (names as policykg queries lists them; repeatable)",
    )
    p.set_defaults(func=cmd_expect)
    from .cli_curate import add_curator_commands

    add_curator_commands(sub)
    for command in sub.choices.values():
        # --root before or after the command: given after it, it is the command's; not given, the
        # program's (SUPPRESS leaves the program's value in place)
        command.add_argument(
            "--root", default=argparse.SUPPRESS, help="the project folder (as before the command)"
        )
    return parser


OFFLINE = {
    "new-document",
    "anchor",
    "compile",
    "convert",
    "build",
    "validate",
    "fmt",
    "coverage",
    "find",
    "stats",
    "links",
    "queries",
    "query",
    "views",
    "site",
    "synth",
    "analyze",
    "export",
    "expect",
    "release",
}
"""Commands that never need the network: run as the ``policykg`` program, they are closed off from it, so
no query they run (a library query in the site's gallery, a file given to ``query``) can reach another
host, whatever a check before the engine made of it."""
CLOSE_OFF = False
"""Set by :func:`run`: close off the process (not when :func:`main` runs inside another program)."""


def offline(args: argparse.Namespace) -> bool:
    """Whether a command runs without the network: not ``serve`` or ``publish``, nor ``query`` on an
    endpoint or with ``--allow-service``."""
    if args.command not in OFFLINE:
        return False
    return not (getattr(args, "endpoint", None) or getattr(args, "allow_service", False))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = make_parser()
    args = parser.parse_args(argv)
    if CLOSE_OFF and offline(args):
        from .processes import isolate

        isolate()
    try:
        return args.func(args)
    except PolicyKGError as error:
        print(f"policykg {args.command}: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("policykg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (| head): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as error:  # a bug: say so in one line, with the details on request
        if os.environ.get("POLICYKG_DEBUG"):
            raise
        print(
            f"policykg {args.command}: internal error: {type(error).__name__}: {error} "
            "(set POLICYKG_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return EXIT_INVALID


def run() -> None:
    """The ``policykg`` command: :func:`main`, then the process ends without taking its stores apart.
    Freeing a store node by node takes about a second at a million triples, more above, and serves nothing
    when the process is about to end; every file has been written and closed by then."""
    from . import load

    global CLOSE_OFF
    CLOSE_OFF = True
    load.KEPT_STORES = []
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError):  # the reader went away (| head): nothing more to say
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
