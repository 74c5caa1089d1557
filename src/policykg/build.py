"""Build the project: load, validate, and write the merged graph and its summary to ``dist/``.

The graph is written as Turtle (https://www.w3.org/TR/turtle/), N-Triples
(https://www.w3.org/TR/n-triples/) and JSON-LD 1.1 (https://www.w3.org/TR/json-ld11/) with a context that
gives the JSON short, readable keys. Nothing reaches ``dist/`` unless the graph is valid, and ``dist/`` is
replaced whole, never left half-written.
"""

from __future__ import annotations

import json
import multiprocessing
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .analyze import analyze_graph, write_report
from .errors import PolicyKGError
from .load import SOURCES_GRAPH, LoadedGraph, load_project
from .namespaces import RDF_PREFIXES
from .output import staged_directory
from .project import Project
from .site import write_site
from .stats import compute_stats
from .validate import validate_graph
from .views import write_views

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


def sort_jsonld(node: Any, key: str = "") -> Any:
    """Sort every JSON-LD array except ``@list`` ones (RDF values are unordered), for stable output.

    >>> sort_jsonld({"a": [3, 1, 2], "@list": [3, 1]})
    {'a': [1, 2, 3], '@list': [3, 1]}
    """
    if isinstance(node, dict):
        return {k: sort_jsonld(v, k) for k, v in node.items()}
    if isinstance(node, list):
        items = [sort_jsonld(v) for v in node]
        return items if key == "@list" else sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return node


def write_graph(loaded: LoadedGraph, folder: Path) -> list[Path]:
    """Write the merged graph to ``folder`` as Turtle, N-Triples and JSON-LD, plus the JSON-LD context."""
    triples = loaded.triples()
    turtle = folder / f"{GRAPH_NAME}.ttl"
    ox.serialize(triples, str(turtle), format=ox.RdfFormat.TURTLE, prefixes=RDF_PREFIXES)
    ntriples = folder / f"{GRAPH_NAME}.nt"
    ox.serialize(triples, str(ntriples), format=ox.RdfFormat.N_TRIPLES)
    jsonld = folder / f"{GRAPH_NAME}.jsonld"
    document = json.loads(loaded.rdflib_graph.serialize(format="json-ld", context=CONTEXT, auto_compact=True))
    jsonld.write_text(
        json.dumps(sort_jsonld(document), indent=2, ensure_ascii=False, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    context = folder / "context.jsonld"
    context.write_text(
        json.dumps({"@context": CONTEXT}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return [turtle, ntriples, jsonld, context]


def _write_views(loaded: LoadedGraph, folder: Path) -> None:
    """The views, in a worker process: a failure is one line on stderr and a non-zero exit."""
    try:
        write_views(loaded, folder)
    except Exception as error:  # reported to the parent through the exit code
        print(f"policykg build: the views failed: {type(error).__name__}: {error}", file=sys.stderr)
        raise SystemExit(1) from None


def build_project(project: Project, *, with_views: bool = True, with_site: bool = True) -> BuildResult:
    """Load, validate and write ``dist/``; raise with every problem, leaving ``dist/`` as it was."""
    loaded = load_project(project)
    report = validate_graph(loaded)
    if not report.conforms:
        raise PolicyKGError(
            f"the graph is invalid: {len(report.problems)} problem(s); dist/ was left as it was",
            report.problems,
        )
    summary = compute_stats(loaded)
    summary["sources"] = [
        q.subject.value for q in loaded.store.quads_for_pattern(None, None, None, SOURCES_GRAPH)
    ]
    report = analyze_graph(loaded)
    with staged_directory(project.dist_dir, trusted=True) as staged:
        files = write_graph(loaded, staged)
        files += write_report(report, staged / "analysis")
        # The views and the site are independent: on two cores they are written side by side, the views
        # in a forked process that inherits the loaded graph.
        worker = None
        if with_views:
            worker = multiprocessing.get_context("fork").Process(
                target=_write_views, args=(loaded, staged / "views")
            )
            worker.start()
        if with_site:
            files += write_site(loaded, staged / "site", staged, views_coming=with_views)[-1:]
        if worker is not None:
            worker.join()
            if worker.exitcode != 0:
                raise PolicyKGError("writing the views failed; dist/ was left as it was")
            if with_site:
                shutil.copytree(staged / "views", staged / "site" / "views")
            files.append(staged / "views" / "index.html")
        summary_file = staged / "summary.json"
        summary_file.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        files.append(summary_file)
    dist = project.dist_dir
    return BuildResult(dist, [dist / f.relative_to(staged) for f in files], summary)
