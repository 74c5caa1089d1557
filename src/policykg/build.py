"""Build the project: load, validate, and write the merged graph and its summary to ``dist/``.

The graph is written as Turtle (https://www.w3.org/TR/turtle/), N-Triples
(https://www.w3.org/TR/n-triples/) and JSON-LD 1.1 (https://www.w3.org/TR/json-ld11/) with a context that
gives the JSON short, readable keys. Nothing reaches ``dist/`` unless the graph is valid, and ``dist/`` is
replaced whole, never left half-written.
"""

from __future__ import annotations

import functools
import itertools
import json
import multiprocessing
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .analyze import analyze_graph, write_report
from .errors import PolicyKGError
from .load import SOURCES_GRAPH, LoadedGraph, load_project
from .namespaces import RDF_PREFIXES
from .output import staged_directory
from .processes import die_with_parent
from .progress import step
from .project import Project
from .site import write_site
from .stats import compute_stats
from .validate import run_checks, start_shapes
from .views import plan_views, write_views

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
GRAPH_NAME = "policykg"
"""The stem of the merged graph's files in ``dist/``."""

CONTEXT: dict[str, Any] = {
    **RDF_PREFIXES,
    "label": {"@id": "rdfs:label", "@container": "@language"},
    "prefLabel": {"@id": "skos:prefLabel", "@container": "@language"},
    "altLabel": {"@id": "skos:altLabel", "@container": "@language"},
    "comment": {"@id": "rdfs:comment", "@container": "@language"},
    "description": {"@id": "dcterms:description", "@container": "@language"},
    "title": {"@id": "dcterms:title", "@container": "@language"},
    "derivedFrom": {"@id": "prov:wasDerivedFrom", "@type": "@id"},
    "underPriority": {"@id": "pkg:underPriority", "@type": "@id"},
    "hasPriority": {"@id": "pkg:hasPriority", "@type": "@id"},
    "partOf": {"@id": "pkg:partOf", "@type": "@id"},
    "involves": {"@id": "pkg:involves", "@type": "@id"},
    "targets": {"@id": "pkg:targets", "@type": "@id"},
    "refersTo": {"@id": "pkg:refersTo", "@type": "@id"},
    "implements": {"@id": "pkg:implements", "@type": "@id"},
    "enforces": {"@id": "pkg:enforces", "@type": "@id"},
    "buildsOn": {"@id": "pkg:buildsOn", "@type": "@id"},
    "level": {"@id": "pkg:level", "@type": "@id"},
    "addresses": {"@id": "pkg:addresses", "@type": "@id"},
    "dependsOn": {"@id": "pkg:dependsOn", "@type": "@id"},
    "contributesTo": {"@id": "pkg:contributesTo", "@type": "@id"},
    "priority": {"@id": "pkg:priority", "@type": "@id"},
    "period": {"@id": "pkg:period", "@type": "@id"},
    "amount": {"@id": "pkg:amount", "@type": "xsd:decimal"},
    "dataSet": {"@id": "qb:dataSet", "@type": "@id"},
    "hasSource": {"@id": "oa:hasSource", "@type": "@id"},
    "hasSelector": {"@id": "oa:hasSelector"},
    "exact": {"@id": "oa:exact"},
    "prefix": {"@id": "oa:prefix"},
    "suffix": {"@id": "oa:suffix"},
}
"""The JSON-LD context of ``dist/policykg.jsonld``, also written as ``dist/context.jsonld``."""


@dataclass
class BuildResult:
    """Where the build wrote its products, and the summary it computed."""

    dist: Path
    files: list[Path]
    summary: dict[str, Any]


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_TERMS: dict[str, tuple[str, dict[str, Any]]] = {}


def _expand(name: str) -> str:
    prefix, _, local = name.partition(":")
    return RDF_PREFIXES[prefix] + local if prefix in RDF_PREFIXES else name


@functools.lru_cache(maxsize=1 << 16)
def compact_iri(iri: str) -> str:
    """An IRI as a compact IRI with the longest matching prefix of the context, else in full
    (https://www.w3.org/TR/json-ld11/#compact-iris).

    >>> compact_iri("https://w3id.org/policykg/def#Priority"), compact_iri("http://example.org/x")
    ('pkg:Priority', 'http://example.org/x')
    """
    best = ""
    for prefix, namespace in RDF_PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(RDF_PREFIXES.get(best, "")):
            best = prefix
    local = iri[len(RDF_PREFIXES[best]) :] if best else ""
    if not best or not local or local.startswith("//"):
        return iri
    return f"{best}:{local}"


def _terms() -> dict[str, tuple[str, dict[str, Any]]]:
    """The context's terms by the IRI they stand for."""
    if not _TERMS:
        for term, definition in CONTEXT.items():
            if isinstance(definition, dict):
                _TERMS[_expand(definition["@id"])] = (term, definition)
    return _TERMS


def _node_id(term: ox.NamedNode | ox.BlankNode) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else compact_iri(term.value)


def _value_object(value: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict[str, str]:
    if not isinstance(value, ox.Literal):
        return {"@id": _node_id(value)}
    if value.language:
        return {"@value": value.value, "@language": value.language}
    if value.datatype.value == XSD_STRING:
        return {"@value": value.value}
    return {"@value": value.value, "@type": compact_iri(value.datatype.value)}


def _put(node: dict[str, Any], key: str, value: Any) -> None:
    if key in node:
        node[key] = [*node[key], value] if isinstance(node[key], list) else [node[key], value]
    else:
        node[key] = value


def node_object(subject: ox.NamedNode | ox.BlankNode, triples: list[ox.Triple]) -> dict[str, Any]:
    """The JSON-LD node object of a subject, compacted with :data:`CONTEXT`
    (https://www.w3.org/TR/json-ld11/#node-objects): its terms where a value fits the term's definition
    (language maps, IRIs, typed numbers), compact IRIs and value objects otherwise.

    >>> s, label = ox.NamedNode("https://w3id.org/policykg/id/x"), ox.NamedNode(str(RDFS_LABEL))
    >>> node_object(s, [ox.Triple(s, label, ox.Literal("x", language="en"))])
    {'@id': 'id:x', 'label': {'en': 'x'}}
    """
    node: dict[str, Any] = {"@id": _node_id(subject)}
    terms = _terms()
    for triple in triples:
        predicate, value = triple.predicate.value, triple.object
        if predicate == RDF_TYPE and not isinstance(value, ox.Literal):
            _put(node, "@type", _node_id(value))
            continue
        term, definition = terms.get(predicate, ("", {}))
        kind = definition.get("@type")
        if term and definition.get("@container") == "@language":
            if isinstance(value, ox.Literal) and value.language:
                _put(node.setdefault(term, {}), value.language, value.value)
                continue
        elif term and kind == "@id":
            if not isinstance(value, ox.Literal):
                _put(node, term, _node_id(value))
                continue
        elif term and kind:
            if isinstance(value, ox.Literal) and not value.language and value.datatype.value == _expand(kind):
                _put(node, term, value.value)
                continue
        elif term:
            if isinstance(value, ox.Literal) and value.datatype.value == XSD_STRING:
                _put(node, term, value.value)
            else:
                _put(node, term, _value_object(value))
            continue
        _put(node, compact_iri(predicate), _value_object(value))
    return node


def write_jsonld(ntriples: bytes, path: Path) -> None:
    """Write sorted N-Triples as a JSON-LD 1.1 document (https://www.w3.org/TR/json-ld11/) with
    :data:`CONTEXT`, one node object per subject and per line, in the order of the lines: streamed, so
    its memory does not grow with the graph, and one line per resource keeps diffs readable."""
    with path.open("w", encoding="utf-8") as out:
        context = json.dumps(CONTEXT, indent=2, ensure_ascii=False, sort_keys=True).replace("\n", "\n  ")
        out.write('{\n  "@context": ' + context + ',\n  "@graph": [')
        quads = (q.triple for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
        first = True
        for subject, group in itertools.groupby(quads, key=lambda t: t.subject):
            node = json.dumps(node_object(subject, list(group)), ensure_ascii=False, sort_keys=True)
            out.write(("\n    " if first else ",\n    ") + node)
            first = False
        out.write("\n  ]\n}\n")


def write_graph(loaded: LoadedGraph, folder: Path) -> list[Path]:
    """Write the merged graph with its entailments (:meth:`~policykg.load.LoadedGraph.dump_ntriples`) to
    ``folder`` as Turtle, N-Triples and JSON-LD, plus the JSON-LD context."""
    ntriples_text = loaded.dump_ntriples()
    ntriples = folder / f"{GRAPH_NAME}.nt"
    ntriples.write_bytes(ntriples_text)
    turtle = folder / f"{GRAPH_NAME}.ttl"
    ox.serialize(
        (q.triple for q in ox.parse(ntriples_text, format=ox.RdfFormat.N_TRIPLES)),
        str(turtle),
        format=ox.RdfFormat.TURTLE,
        prefixes=RDF_PREFIXES,
    )
    jsonld = folder / f"{GRAPH_NAME}.jsonld"
    write_jsonld(ntriples_text, jsonld)
    context = folder / "context.jsonld"
    context.write_text(
        json.dumps({"@context": CONTEXT}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return [turtle, ntriples, jsonld, context]


def _work(job: Callable[[], Any], what: str, parent: int) -> None:
    """One product, in a forked worker that dies with its parent: a failure is one line on stderr and a
    non-zero exit."""
    die_with_parent(parent)
    try:
        job()
    except Exception as error:  # reported to the parent through the exit code
        print(f"policykg build: the {what} failed: {type(error).__name__}: {error}", file=sys.stderr)
        raise SystemExit(1) from None


def run_side_by_side(jobs: dict[str, Callable[[], Any]]) -> None:
    """Run the jobs in forked workers, which inherit the loaded graph, at once; when one fails, stop the
    others at once and raise."""
    context = multiprocessing.get_context("fork")
    parent = os.getpid()
    running: dict[Any, tuple[str, Any]] = {}
    for what, job in jobs.items():
        worker = context.Process(target=_work, args=(job, what, parent))
        worker.start()
        running[worker.sentinel] = (what, worker)
    try:
        while running:
            for sentinel in wait(list(running)):
                what, worker = running.pop(sentinel)
                worker.join()
                if worker.exitcode != 0:
                    raise PolicyKGError(f"writing the {what} failed; dist/ was left as it was")
    finally:
        for _what, worker in running.values():
            worker.kill()
            worker.join()


def build_project(
    project: Project, *, with_views: bool = True, with_site: bool = True, engine: str = "rudof"
) -> BuildResult:
    """Load, validate and write ``dist/``; raise with every problem, leaving ``dist/`` as it was.

    While the SHACL workers validate a large graph, this process runs the checks, the statistics and the
    analysis, and writes the graph and the report into a staged folder; that folder replaces ``dist/``
    only once all of it is known valid.
    """
    loaded = load_project(project)
    shapes = start_shapes(loaded, engine)
    try:
        with step("the checks"):
            check_problems, _checks = run_checks(loaded)
        with step("the statistics"):
            summary = compute_stats(loaded)
        summary["sources"] = [
            q.subject.value for q in loaded.store.quads_for_pattern(None, None, None, SOURCES_GRAPH)
        ]
        with step("the analysis"):
            report = analyze_graph(loaded)
        with staged_directory(project.dist_dir, trusted=True) as staged:
            files = []
            if not check_problems:
                # written while the workers finish; thrown away with the staged folder if they find faults
                with step("the graph in three syntaxes and the report"):
                    files = write_graph(loaded, staged)
                    files += write_report(report, staged / "analysis")
            with step("the shapes"):
                shape_problems, _shapes = shapes.problems()
            problems = shape_problems + check_problems
            if problems:
                raise PolicyKGError(
                    f"the graph is invalid: {len(problems)} problem(s); dist/ was left as it was", problems
                )
            # The views and the site are independent but for which views show each page: the views are
            # planned once, then both are written in forked workers side by side on two cores; the views
            # go into the site once both are done.
            jobs: dict[str, Callable[[], Any]] = {}
            views = None
            if with_views:
                try:
                    with step("planning the views"):
                        planned = plan_views(loaded)
                except Exception as error:  # reported as the views' failure, like one in the worker
                    raise PolicyKGError(
                        f"planning the views failed ({type(error).__name__}: {error}); dist/ was left as it was"
                    ) from None
                views = planned[1]
                jobs["views"] = functools.partial(write_views, loaded, staged / "views", planned=planned)
            if with_site:
                jobs["site"] = functools.partial(
                    write_site, loaded, staged / "site", staged, views_coming=with_views, views=views
                )
            with step("writing " + " and ".join(jobs) if jobs else "finishing"):
                run_side_by_side(jobs)
            if with_site:
                files.append(staged / "site" / "index.html")
            if with_views:
                if with_site:
                    shutil.copytree(staged / "views", staged / "site" / "views")
                files.append(staged / "views" / "index.html")
            summary_file = staged / "summary.json"
            summary_file.write_text(
                json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
            files.append(summary_file)
    except BaseException:
        shapes.close()
        raise
    dist = project.dist_dir
    return BuildResult(dist, [dist / f.relative_to(staged) for f in files], summary)
