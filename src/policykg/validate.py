"""Validate the graph: SHACL shapes (https://www.w3.org/TR/shacl/) and SPARQL checks that must return no rows.

Every problem is reported at once, each with the focus resource, its label, the file and line where it is
described, the path and a message.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
import rdflib.collection
from pyshacl import validate as shacl_validate
from rdflib.namespace import SH

from .errors import PolicyKGError, Problem
from .library import list_queries, syntax_problem
from .load import LoadedGraph, parse_problem, to_rdflib
from .namespaces import shorten, sparql_prologue


@dataclass
class ValidationReport:
    """What validation found: the problems, and how many resources and checks were looked at."""

    problems: list[Problem]
    shapes_checked: int
    checks_run: int

    @property
    def conforms(self) -> bool:
        return not self.problems


def load_shapes(loaded: LoadedGraph) -> rdflib.Graph:
    """The shapes graph from ``ontology/shapes.ttl``."""
    path = loaded.project.shapes_file
    graph = rdflib.Graph(bind_namespaces="none")
    try:
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
            graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    except SyntaxError as error:
        raise PolicyKGError(
            "the shapes are not valid Turtle", [parse_problem(loaded.project, path, error)]
        ) from None
    except OSError as error:
        raise PolicyKGError(f"cannot read the shapes {path}: {error.strerror}") from None
    return graph


def problem_for(
    loaded: LoadedGraph, where: str, focus: str | None, message: str, path: str | None = None
) -> Problem:
    """A Problem about ``focus``, placed at the file and line that describe it."""
    line = None
    if focus:
        located = loaded.locate(focus)
        if located:
            where, line = loaded.project.relative(located[0]), located[1]
    label = loaded.label(focus) if focus else None
    return Problem(where, message, line=line, focus=focus, label=label, path=path)


@dataclass(frozen=True)
class ShapeResult:
    """One SHACL validation result: the focus node, the path (as text), the message and the offending value."""

    focus: rdflib.term.Node
    path: str | None
    message: str
    value: rdflib.term.Node | None


def render_path(graph: rdflib.Graph, path: rdflib.term.Node) -> str:
    """A SHACL property path (https://www.w3.org/TR/shacl/#property-paths) in SPARQL path syntax.

    >>> g = rdflib.Graph().parse(data="@prefix sh: <http://www.w3.org/ns/shacl#> . "
    ...     "@prefix pkg: <https://w3id.org/policykg/def#> . "
    ...     "pkg:x pkg:p [ sh:inversePath pkg:hasPriority ] , [ sh:alternativePath ( pkg:a pkg:b ) ] .",
    ...     format="turtle")
    >>> p = rdflib.URIRef("https://w3id.org/policykg/def#p")
    >>> sorted(render_path(g, o) for o in g.objects(None, p))
    ['(pkg:a|pkg:b)', '^pkg:hasPriority']
    """
    if isinstance(path, rdflib.URIRef):
        return shorten(str(path))
    for predicate, template in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = graph.value(path, predicate)
        if inner is not None:
            return template.format(render_path(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return (
            "("
            + "|".join(render_path(graph, p) for p in rdflib.collection.Collection(graph, alternatives))
            + ")"
        )
    if graph.value(path, rdflib.RDF.first) is not None:
        return "/".join(render_path(graph, p) for p in rdflib.collection.Collection(graph, path))
    return "?"


def check_shapes(data: rdflib.Graph, shapes: rdflib.Graph) -> list[ShapeResult]:
    """Validate ``data`` against ``shapes`` with pySHACL and return every top-level result.

    ``data`` must include the ontology, so that sh:targetClass and sh:class see rdfs:subClassOf
    (https://www.w3.org/TR/shacl/#targetClass). Where a result comes from a nested shape (sh:node), the
    messages of the nested results are added to its own.
    """
    _conforms, report, _text = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        advanced=True,
    )
    results = []
    for result in report.objects(None, SH.result):
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        shape = report.value(result, SH.sourceShape)
        message = messages[0] if messages else "violates " + shorten(str(shape))
        details = sorted(
            {
                str(m)
                for detail in report.objects(result, SH.detail)
                for m in report.objects(detail, SH.resultMessage)
            }
        )
        if details:
            message += ": " + "; ".join(details)
        path = report.value(result, SH.resultPath)
        results.append(
            ShapeResult(
                report.value(result, SH.focusNode),
                None
                if path is None
                else render_path(report if (path, None, None) in report else shapes, path),
                message,
                report.value(result, SH.value),
            )
        )
    return results


def run_shapes(loaded: LoadedGraph) -> tuple[list[Problem], int]:
    """Run the SHACL shapes over the merged graph (ontology included, so subclasses are targeted)."""
    shapes = load_shapes(loaded)
    problems = []
    for result in check_shapes(loaded.rdflib_graph, shapes):
        message = result.message
        if result.value is not None and not isinstance(result.value, rdflib.BNode):
            value = result.value
            shown = value.n3() if isinstance(value, rdflib.Literal) else shorten(str(value))
            message += f" (value {shown})"
        focus = str(result.focus) if isinstance(result.focus, rdflib.URIRef) else None
        problems.append(problem_for(loaded, "shapes", focus, message, result.path))
    n_shapes = len(set(shapes.subjects(rdflib.RDF.type, SH.NodeShape)))
    return sorted(set(problems)), n_shapes


def run_checks(loaded: LoadedGraph) -> tuple[list[Problem], int]:
    """Run every query in ``queries/checks/``; each row it returns is a problem.

    A check selects ``?focus`` (the resource at fault) and ``?message``; it may add ``?path``.
    """
    project = loaded.project
    problems: list[Problem] = []
    checks = list_queries(project.checks_dir)
    prologue_lines = sparql_prologue().count("\n")
    for check in checks:
        where = project.relative(check.path)
        try:
            solutions = loaded.query(check.sparql())
        except SyntaxError as error:
            problems.append(syntax_problem(where, error, prologue_lines))
            continue
        if not isinstance(solutions, ox.QuerySolutions):
            problems.append(Problem(where, "a check must be a SELECT query"))
            continue
        for row in solutions:
            focus = row["focus"]
            message = row["message"]
            path = row["path"] if "path" in [v.value for v in solutions.variables] else None
            problems.append(
                problem_for(
                    loaded,
                    where,
                    focus.value if isinstance(focus, ox.NamedNode) else None,
                    f"{check.title}: {message.value}" if message is not None else check.title,
                    shorten(path.value) if isinstance(path, ox.NamedNode) else None,
                )
            )
    return problems, len(checks)


def validate_graph(loaded: LoadedGraph) -> ValidationReport:
    """Run the shapes and the checks; return every problem found."""
    shape_problems, n_shapes = run_shapes(loaded)
    check_problems, n_checks = run_checks(loaded)
    return ValidationReport(shape_problems + check_problems, n_shapes, n_checks)
