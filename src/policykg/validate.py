"""Validate the graph: SHACL shapes (https://www.w3.org/TR/shacl/) and SPARQL checks that must return no rows.

Every problem is reported at once, each with the focus resource, its label, the file and line where it is
described, the path and a message.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.request import url2pathname

import pyoxigraph as ox
import rdflib
import rdflib.collection
from rdflib.namespace import SH

from .errors import PolicyKGError, Problem
from .library import list_queries, syntax_problem
from .load import LoadedGraph, find_line, parse_problem, to_rdflib
from .namespaces import shorten, sparql_prologue
from .progress import progress
from .project import read_file

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@dataclass
class ValidationReport:
    """What validation found: the problems, and how many resources and checks were looked at."""

    problems: list[Problem]
    shapes_checked: int
    checks_run: int

    @property
    def conforms(self) -> bool:
        return not self.problems


ENGINES = ("rudof", "pyshacl")
"""The SHACL engines: rudof (Rust, the default: fast enough for millions of triples) and pySHACL (Python,
the reference). The shape fixtures in tests/shapes/ run on both, so they agree on what is a violation."""

BATCH_TRIPLES = 20_000
"""Above this many triples the graph is validated in batches of files of about this size, each with the
neighbourhood its shapes look at; below it, in one go."""


@dataclass(frozen=True)
class Shapes:
    """The shapes graph: its Turtle text (for rudof) and the parsed graph (for pySHACL and messages)."""

    text: str
    graph: rdflib.Graph

    @property
    def count(self) -> int:
        return len(set(self.graph.subjects(rdflib.RDF.type, SH.NodeShape)))

    def inverse_predicates(self) -> set[str]:
        """Every predicate inside an inverse path (sh:inversePath) of the shapes."""
        found: set[str] = set()
        stack = list(self.graph.objects(None, SH.inversePath))
        while stack:
            node = stack.pop()
            if isinstance(node, rdflib.URIRef):
                found.add(str(node))
            else:
                stack.extend(o for _p, o in self.graph.predicate_objects(node))
        return found - {str(rdflib.RDF.nil)}

    def message(self, shape: str) -> str | None:
        """The sh:message of a named shape, if it has one."""
        value = self.graph.value(rdflib.URIRef(shape), SH.message) if shape.startswith("http") else None
        return str(value) if value is not None else None


def read_shapes(path: Path) -> Shapes:
    """Read a shapes graph from Turtle; a syntax error is a Problem with the file and line."""
    text = path.read_text(encoding="utf-8")
    graph = rdflib.Graph(bind_namespaces="none")
    for t in ox.parse(text, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return Shapes(text, graph)


def load_shapes(loaded: LoadedGraph) -> Shapes:
    """The shapes graph from ``ontology/shapes.ttl``."""
    path = loaded.project.shapes_file
    try:
        return read_shapes(path)
    except SyntaxError as error:
        raise PolicyKGError(
            "the shapes are not valid Turtle", [parse_problem(loaded.project, path, error)]
        ) from None
    except OSError as error:
        raise PolicyKGError(f"cannot read the shapes {path}: {error.strerror}") from None


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
    """One SHACL validation result: the focus node (an IRI, or ``_:label``), the path in SPARQL syntax, the
    message and the offending value as Turtle would write it."""

    focus: str
    path: str | None
    message: str
    value: str | None

    def key(self) -> tuple[str, str, str, str]:
        """The order results are reported in (a missing path or value first)."""
        return (self.focus, self.path or "", self.message, self.value or "")


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


_IRI_RE = re.compile(r"<?(https?://[^\s<>()|/]+(?:/[^\s<>()|/]+)*)>?")


def rudof_path(text: str) -> str:
    """A path as rudof writes it, in the SPARQL path syntax :func:`render_path` uses.

    >>> rudof_path("^(https://w3id.org/policykg/def#hasPriority)")
    '^pkg:hasPriority'
    >>> rudof_path("(http://www.w3.org/ns/oa#hasSelector / http://www.w3.org/ns/oa#exact)")
    'oa:hasSelector/oa:exact'
    >>> rudof_path("(https://w3id.org/policykg/def#a | https://w3id.org/policykg/def#b)")
    '(pkg:a|pkg:b)'
    """
    text = _IRI_RE.sub(lambda m: shorten(m.group(1)), text).replace(" / ", "/").replace(" | ", "|")
    inverse = re.fullmatch(r"\^\(([^()|/]+)\)", text)
    if inverse:
        return "^" + inverse.group(1)
    if re.fullmatch(r"\([^()|]+\)", text) and "/" in text:
        return text[1:-1]
    return text


def rudof_value(text: str | None) -> str | None:
    """A value as rudof writes it, shortened like the rest of a message: IRIs prefixed, literals as is.

    >>> rudof_value("https://w3id.org/policykg/id/x"), rudof_value('"12"^^xsd:integer')
    ('id:x', '"12"^^xsd:integer')
    """
    if text is None or text.startswith(('"', "_:")):
        return text
    return shorten(text.strip("<>"))


def shapes_with_rudof(data: str, shapes: Shapes) -> list[ShapeResult]:
    """Validate N-Triples ``data`` against ``shapes`` with rudof (https://rudof-project.github.io/).

    Where rudof writes its own message (qualified and unique-language constraints), the named shape's
    sh:message is used, so both engines speak alike.
    """
    import pyrudof

    engine = pyrudof.Rudof(pyrudof.RudofConfig())
    engine.read_data(data, format=pyrudof.RDFFormat.NTriples, reader_mode=pyrudof.ReaderMode.Strict)
    engine.read_shacl(shapes.text, reader_mode=pyrudof.ReaderMode.Strict)
    results = []
    for v in engine.validate_shacl().violations:
        message = str(v.message or "")
        if len(message) >= 2 and message[0] == message[-1] == '"':
            message = message[1:-1]
        message = shapes.message(str(v.source_shape)) or message
        focus = str(v.focus_node)
        path = rudof_path(str(v.path)) if v.path else None
        results.append(ShapeResult(focus, path, message, rudof_value(v.value)))
    return results


def shapes_with_pyshacl(data: str, shapes: Shapes) -> list[ShapeResult]:
    """Validate N-Triples ``data`` against ``shapes`` with pySHACL; results from a nested shape (sh:node)
    get the messages of the nested results added to their own."""
    from pyshacl import validate as shacl_validate  # imported here: rudof's workers do without it

    graph = rdflib.Graph(bind_namespaces="none").parse(data=data, format="nt")
    _conforms, report, _text = shacl_validate(
        graph,
        shacl_graph=shapes.graph,
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
        focus = report.value(result, SH.focusNode)
        value = report.value(result, SH.value)
        results.append(
            ShapeResult(
                focus.n3() if isinstance(focus, rdflib.BNode) else str(focus),
                None
                if path is None
                else render_path(report if (path, None, None) in report else shapes.graph, path),
                message,
                None
                if value is None
                else value.n3()
                if not isinstance(value, rdflib.URIRef)
                else shorten(str(value)),
            )
        )
    return results


def check_shapes(data: str, shapes: Shapes, engine: str = "rudof") -> list[ShapeResult]:
    """Validate N-Triples ``data`` against ``shapes`` (https://www.w3.org/TR/shacl/) with ``engine``.

    ``data`` must include the ontology, so that sh:targetClass and sh:class see rdfs:subClassOf
    (https://www.w3.org/TR/shacl/#targetClass).
    """
    if engine not in ENGINES:
        raise PolicyKGError(f"unknown SHACL engine {engine!r}; choose one of {', '.join(ENGINES)}")
    run = shapes_with_rudof if engine == "rudof" else shapes_with_pyshacl
    return sorted(set(run(data, shapes)), key=ShapeResult.key)


def plan_batches(loaded: LoadedGraph, limit: int | None = None) -> list[list[ox.NamedNode]]:
    """The files of graphs/ (named graphs) in batches of about ``limit`` (default :data:`BATCH_TRIPLES`)
    triples, in the order of their names. The ontology goes with every batch, whole, and the source
    texts describe the documents, which their own files describe too."""
    limit = limit or BATCH_TRIPLES
    files = {path.resolve().as_uri() for path in loaded.project.graph_files()}
    sizes = loaded.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY STR(?g)"
    )
    batches: list[list[ox.NamedNode]] = [[]]
    filled = 0
    for row in sizes:
        if row["g"].value not in files:
            continue
        n = int(row["n"].value)
        if batches[-1] and filled + n > limit:
            batches.append([])
            filled = 0
        batches[-1].append(row["g"])
        filled += n
    return [b for b in batches if b]


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


class Neighbourhoods:
    """Cuts out of the store, for a batch of files, the resources they describe (the focus) and what
    the shapes may look at about them.

    That is every triple about a focus resource in any file, the triples pointing at it with the
    ``inverse`` predicates (those of the shapes' inverse paths), the types of what it points at (for
    sh:class), and the description of blank nodes it points at (nested shapes, lists); the shapes of
    policykg look no further. Only the inverse paths' predicates are followed backwards: a resource that
    every document points at (an institution) would otherwise pull the whole corpus into its batch.

    Most of a batch is its own files, dumped whole by the store; only resources described in several
    files, and what the batch points at outside itself, are looked up one by one.
    """

    def __init__(self, loaded: LoadedGraph, inverse: set[str]) -> None:
        self.store = store = loaded.store
        rows = store.query(
            "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?s HAVING (COUNT(DISTINCT ?g) > 1)"
        )
        self.spread: set[Any] = {row["s"] for row in rows}
        """resources described in more than one file"""
        self.backward: dict[Any, list[ox.Triple]] = defaultdict(list)
        for predicate in sorted(inverse):
            for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None, None):
                self.backward[quad.object].append(quad.triple)

    def cut(self, graphs: list[ox.NamedNode]) -> tuple[set[str], bytes]:
        """The focus of the batch of ``graphs`` (as N-Triples terms' values) and its data as N-Triples."""
        store = self.store
        values = " ".join(str(g) for g in graphs)
        own = b"".join(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) for g in graphs)
        in_batch = f"VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }}"
        focus = {row["s"] for row in store.query(f"SELECT DISTINCT ?s WHERE {{ {in_batch} }}")}
        pointed = store.query(f"SELECT DISTINCT ?o WHERE {{ {in_batch} FILTER(!isLiteral(?o)) }}")
        inside = set(graphs)
        extra: set[ox.Triple] = set()
        objects = {row["o"] for row in pointed}
        for node in focus & self.spread:
            for quad in store.quads_for_pattern(node, None, None, None):
                if quad.graph_name not in inside:
                    extra.add(quad.triple)
                    if not isinstance(quad.object, ox.Literal):
                        objects.add(quad.object)
        for value in objects - focus:
            pattern = (value, None) if isinstance(value, ox.BlankNode) else (value, RDF_TYPE)
            extra.update(q.triple for q in store.quads_for_pattern(*pattern, None, None))
        for node in focus:
            extra.update(self.backward.get(node, ()))
        data = own + ox.serialize(sorted(extra, key=str), format=ox.RdfFormat.N_TRIPLES)
        return {_term(n) for n in focus}, data


_SHAPES: tuple[Shapes, str] | None = None
"""The shapes and the engine of a validation worker."""


def _start_worker(shapes_file: str, engine: str) -> None:
    global _SHAPES
    # below the process that feeds the workers, so that its own work (and the batches it cuts) goes first
    os.nice(5)
    _SHAPES = (read_shapes(Path(shapes_file)), engine)


def _check_batch(data: bytes, focus: frozenset[str]) -> list[ShapeResult]:
    """Validate one batch in a worker, keeping the results about the batch's own resources."""
    assert _SHAPES is not None
    shapes, engine = _SHAPES
    return [r for r in check_shapes(data.decode(), shapes, engine) if r.focus in focus]


class ShapesRun:
    """SHACL validation under way: started with :func:`start_shapes`, its problems read with
    :meth:`problems`, so that other work can go on while the workers validate."""

    def __init__(self, loaded: LoadedGraph, engine: str) -> None:
        self.loaded, self.engine = loaded, engine
        self.shapes = load_shapes(loaded)
        self.batches = plan_batches(loaded)
        self.pool: Any = None
        self.pending: list[Any] = []
        self.feeder: threading.Thread | None = None
        self.stop = threading.Event()
        self.error: BaseException | None = None
        if len(self.batches) > 1:
            # Fresh worker processes (not forks: a native engine's threads do not survive a fork), fed by
            # this one, which holds the store and cuts each batch's neighbourhood out of it. It cuts them
            # in a thread: the store's queries release the interpreter, so the checks and statistics that
            # the caller runs meanwhile go on beside it.
            context = multiprocessing.get_context("forkserver")
            workers = min(len(self.batches), os.cpu_count() or 1)
            self.pool = context.Pool(workers, _start_worker, (str(loaded.project.shapes_file), engine))
            self.feeder = threading.Thread(target=self._feed, name="shape batches", daemon=True)
            self.feeder.start()

    def _feed(self) -> None:
        try:
            self._submit()
        except BaseException as error:  # handed to the caller by problems()
            self.error = error

    def _submit(self) -> None:
        store = self.loaded.store
        ontology_graphs = [ox.NamedNode(p.resolve().as_uri()) for p in self.loaded.project.ontology_files()]
        ontology = b"".join(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) for g in ontology_graphs)
        # what the ontology describes is validated with the first batch
        described = {
            _term(q.subject) for g in ontology_graphs for q in store.quads_for_pattern(None, None, None, g)
        }
        cutter = Neighbourhoods(self.loaded, self.shapes.inverse_predicates())
        for index, batch in enumerate(self.batches):
            if self.stop.is_set():
                return
            focus, data = cutter.cut(batch)
            if index == 0:
                focus |= described
            data = ontology + data
            self.pending.append(self.pool.apply_async(_check_batch, (data, frozenset(focus))))
        # no more batches: each worker exits once the queue is empty, giving back its memory while this
        # process writes the graph
        self.pool.close()

    def close(self) -> None:
        """Stop cutting batches and the workers, if any are left."""
        self.stop.set()
        if self.feeder is not None:
            self.feeder.join()
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None

    def problems(self) -> tuple[list[Problem], int]:
        """Wait for the results; every problem found, and the number of node shapes."""
        loaded = self.loaded
        if self.feeder is None:
            store = loaded.store
            data = b"".join(
                store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) for g in store.named_graphs()
            )
            results = check_shapes(data.decode(), self.shapes, self.engine)
        else:
            try:
                self.feeder.join()
                if self.error is not None:
                    raise self.error
                found = (result.get() for result in self.pending)
                results = sorted(
                    {r for batch in progress(found, "validating", len(self.pending)) for r in batch},
                    key=ShapeResult.key,
                )
            finally:
                self.close()
        from .references import is_undefined

        problems = []
        for result in results:
            if is_undefined(loaded, result.value):
                continue  # the check of references reports it, with the IRI meant
            message = result.message
            if result.value is not None and not result.value.startswith("_:"):
                message += f" (value {result.value})"
            focus = None if result.focus.startswith("_:") else result.focus
            problems.append(problem_for(loaded, "shapes", focus, message, result.path))
        return sorted(set(problems)), self.shapes.count


def start_shapes(loaded: LoadedGraph, engine: str = "rudof") -> ShapesRun:
    """Start running the SHACL shapes over the merged graph (ontology included, so subclasses are
    targeted).

    A graph of up to :data:`BATCH_TRIPLES` triples is validated in one go. A larger one is validated in
    batches of files, on every core, each batch with the neighbourhood its shapes look at (see
    :class:`Neighbourhoods`) and keeping only the results about its own resources: the cost then grows
    with the triples, and the memory with a batch.
    """
    return ShapesRun(loaded, engine)


def run_shapes(loaded: LoadedGraph, engine: str = "rudof") -> tuple[list[Problem], int]:
    """Run the SHACL shapes (see :func:`start_shapes`) and wait for their problems."""
    return start_shapes(loaded, engine).problems()


def run_checks(loaded: LoadedGraph) -> tuple[list[Problem], int]:
    """Run every query in ``queries/checks/``; each row it returns is a problem.

    A check selects ``?focus`` (the resource at fault) and ``?message``; it may add ``?path``.
    """
    from .references import start_references

    references = start_references(loaded)  # beside the checks: the store answers both at once
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
            text = f"{check.title}: {message.value}" if message is not None else check.title
            if check.path.stem == "passage-quotes" and isinstance(focus, ox.NamedNode):
                text += "".join(f"\n      {line}" for line in quote_help(loaded, focus))
            problems.append(
                problem_for(
                    loaded,
                    where,
                    focus.value if isinstance(focus, ox.NamedNode) else None,
                    text,
                    shorten(path.value) if isinstance(path, ox.NamedNode) else None,
                )
            )
    problems.extend(unsafe_iris(loaded))
    problems.extend(references.result())
    return problems, len(checks)


QUOTE = """
SELECT ?exact ?prefix ?suffix ?text WHERE {
  ?passage oa:hasSelector ?selector ; oa:hasSource ?document .
  ?selector oa:exact ?exact .
  ?document pkg:sourceText ?text .
  OPTIONAL { ?selector oa:prefix ?prefix . }
  OPTIONAL { ?selector oa:suffix ?suffix . }
}"""


def quote_help(loaded: LoadedGraph, passage: ox.NamedNode) -> list[str]:
    """Where a passage's quote nearly is in its source, or every place it occurs (the help of ``anchor``)."""
    from .curate.anchor import explain_quote

    query = sparql_prologue() + QUOTE.replace("?passage", f"<{passage.value}>")
    for row in loaded.query(query):
        part = {
            name: row[name].value if row[name] is not None else "" for name in ("exact", "prefix", "suffix")
        }
        return explain_quote(row["text"].value, part["exact"], part["prefix"], part["suffix"])
    return []


UNSAFE_IRI = "^(javascript|data|file):"
"""IRI schemes a policy graph has no use for, and that run code or reach local files where it is shown."""


def unsafe_iris(loaded: LoadedGraph) -> list[Problem]:
    """A problem for every ``javascript:``, ``data:`` or ``file:`` IRI (in any case) in any triple of any
    file, as subject, predicate, object or datatype; run with the checks."""
    problems = []
    texts: dict[str, str] = {}
    rows = loaded.query(
        f"""SELECT DISTINCT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
          FILTER((isIRI(?s) && REGEX(STR(?s), "{UNSAFE_IRI}", "i")) || REGEX(STR(?p), "{UNSAFE_IRI}", "i")
            || (isIRI(?o) && REGEX(STR(?o), "{UNSAFE_IRI}", "i"))
            || (isLiteral(?o) && REGEX(STR(DATATYPE(?o)), "{UNSAFE_IRI}", "i"))) }}"""
    )
    for row in rows:
        graph, subject, predicate, value = row["g"].value, row["s"], row["p"], row["o"]
        if not graph.startswith("file:"):
            continue  # the source texts: their documents are described in a file too
        path = Path(url2pathname(graph[len("file://") :]))
        if graph not in texts:
            try:
                texts[graph] = read_file(path).decode("utf-8", "replace")
            except OSError:
                texts[graph] = ""  # gone since it was loaded: the first line, then
        datatype = value.datatype if isinstance(value, ox.Literal) else None
        focus = subject.value if isinstance(subject, ox.NamedNode) else None
        for role, term in (
            ("subject", subject),
            ("predicate", predicate),
            ("object", value),
            ("datatype", datatype),
        ):
            if isinstance(term, ox.NamedNode) and re.match(UNSAFE_IRI, term.value, re.IGNORECASE):
                scheme = term.value.split(":", 1)[0].lower()
                problems.append(
                    Problem(
                        loaded.project.relative(path),
                        f"<{term.value}> as {role}: a {scheme}: IRI, which a policy graph has no use for"
                        " (javascript:, data: and file: IRIs run code or reach local files where the graph"
                        " is shown)",
                        line=find_line(texts[graph], term.value),
                        focus=focus,
                        label=loaded.label(focus) if focus else None,
                        path=shorten(predicate.value),
                    )
                )
    return sorted(problems)


def validate_graph(loaded: LoadedGraph, engine: str = "rudof") -> ValidationReport:
    """Run the shapes and the checks; return every problem found."""
    shapes = start_shapes(loaded, engine)
    try:
        check_problems, n_checks = run_checks(loaded)  # while the workers run the shapes
    except BaseException:
        shapes.close()
        raise
    shape_problems, n_shapes = shapes.problems()
    from .identifiers import check_identifiers

    return ValidationReport(shape_problems + check_problems + check_identifiers(loaded), n_shapes, n_checks)
