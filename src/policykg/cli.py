"""The ``policykg`` command: parses options and calls the module that does each job.

Exit codes: 0 success, 1 invalid input or graph, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence

from . import __version__
from .errors import EXIT_INVALID, EXIT_OK, EXIT_USAGE, PolicyKGError
from .project import Project, find_project


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit with code 2 and one clear line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def cmd_build(project: Project, args: argparse.Namespace) -> int:
    from .build import build_project

    started = time.perf_counter()
    result = build_project(project)
    summary = result.summary
    print(
        f"built {project.relative(result.dist)}/ in {time.perf_counter() - started:.2f} s: "
        f"{summary['triples']} triples, valid"
    )
    for path in result.files:
        print(f"  {project.relative(path)}")
    return EXIT_OK


def cmd_validate(project: Project, args: argparse.Namespace) -> int:
    from .load import load_project
    from .validate import validate_graph

    loaded = load_project(project)
    report = validate_graph(loaded)
    if not report.conforms:
        raise PolicyKGError(f"the graph is invalid: {len(report.problems)} problem(s)", report.problems)
    print(f"valid: {len(loaded)} triples, {report.shapes_checked} shapes, {report.checks_run} checks")
    return EXIT_OK


def cmd_fmt(project: Project, args: argparse.Namespace) -> int:
    from .canonical import format_files
    from .errors import Problem

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


def cmd_coverage(project: Project, args: argparse.Namespace) -> int:
    from .coverage import format_coverage, measure_coverage
    from .load import load_project

    results = measure_coverage(load_project(project))
    print(format_coverage(results, verbose=args.verbose))
    return EXIT_INVALID if any(r.unaccounted or r.stale for r in results) else EXIT_OK


def cmd_stats(project: Project, args: argparse.Namespace) -> int:
    from .load import load_project
    from .stats import compute_stats, format_stats

    stats = compute_stats(load_project(project))
    print(json.dumps(stats, indent=2, ensure_ascii=False) if args.json else format_stats(stats))
    return EXIT_OK


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
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "validate",
        help="check the graph against the shapes and the checks",
        description="Run the SHACL shapes of ontology/shapes.ttl and the SPARQL checks of "
        "queries/checks/ (which must return no rows); report every problem with its file, "
        "line, resource and label. Exit 1 when the graph is invalid.",
    )
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
        "stats",
        help="triples, resources per class and per priority",
        description="Count the triples, the resources of each class, and per priority its "
        "interventions, institutions, frameworks and themes.",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_stats)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        project = find_project(args.root)
        return args.func(project, args)
    except PolicyKGError as error:
        print(f"policykg {args.command}: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("policykg: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug: say so in one line, with the details on request
        if os.environ.get("POLICYKG_DEBUG"):
            raise
        print(
            f"policykg {args.command}: internal error: {type(error).__name__}: {error} "
            "(set POLICYKG_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
