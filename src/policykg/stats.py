"""Counts that describe a graph: triples, resources per class, and what each priority holds."""

from __future__ import annotations

from typing import Any

from .library import read_query
from .load import LoadedGraph
from .namespaces import shorten, sparql_prologue

CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?resource) AS ?n) WHERE {
  ?resource a ?class .
  FILTER(isIRI(?resource))
} GROUP BY ?class ORDER BY DESC(?n) ?class
"""

PRIORITY_COUNTS = """
SELECT ?priority ?document
  (COUNT(DISTINCT ?intervention) AS ?interventions)
  (COUNT(DISTINCT ?theme) AS ?themes)
WHERE {
  ?document a pkg:PolicyDocument ; pkg:hasPriority ?priority .
  OPTIONAL {
    ?intervention pkg:underPriority ?priority .
    OPTIONAL { ?intervention pkg:addresses ?theme . }
  }
} GROUP BY ?priority ?document ORDER BY ?document ?priority
"""

DEFINITIONS = {
    "institutions": ("overlaps/institutions-per-priority", "institution"),
    "frameworks": ("overlaps/frameworks-per-priority", "framework"),
}
"""What stats counts per priority by a definition of the query library, so that stats, the views, the
report and the library agree: the query, and the column it counts."""


def _per_priority(loaded: LoadedGraph, name: str, column: str) -> dict[str, set[str]]:
    """Per priority, the distinct values of ``column`` in the answer of the library query ``name``."""
    query = read_query(loaded.project.queries_dir / f"{name}.rq", name)
    found: dict[str, set[str]] = {}
    for row in loaded.select(query.text):
        found.setdefault(row["priority"], set()).add(row[column])
    return found


def compute_stats(loaded: LoadedGraph) -> dict[str, Any]:
    """Triples, resources per class, and per priority its interventions, institutions, frameworks, themes.

    Institutions are counted as the library's ``overlaps/institutions-per-priority`` defines involvement,
    and laws, strategies and frameworks as ``overlaps/frameworks-per-priority`` defines reference, so
    that stats, views, the report and the library agree."""
    counted = {key: _per_priority(loaded, *definition) for key, definition in DEFINITIONS.items()}
    classes = {
        shorten(row["class"].value): int(row["n"].value)
        for row in loaded.query(sparql_prologue() + CLASS_COUNTS)
    }
    priorities = []
    for row in loaded.query(sparql_prologue() + PRIORITY_COUNTS):
        iri = row["priority"].value
        priorities.append(
            {
                "priority": iri,
                "label": loaded.label(iri),
                "document": row["document"].value,
                "document_label": loaded.label(row["document"].value),
                "interventions": int(row["interventions"].value),
                "institutions": len(counted["institutions"].get(iri, ())),
                "frameworks": len(counted["frameworks"].get(iri, ())),
                "themes": int(row["themes"].value),
            }
        )
    # the triples of the dumps, the entailed ones among them (policykg.entail)
    return {"triples": loaded.dump_size(), "classes": classes, "priorities": priorities}


def format_stats(stats: dict[str, Any]) -> str:
    """The stats as aligned plain text for a terminal."""
    lines = [f"triples: {stats['triples']}", "", "resources per class:"]
    width = max((len(c) for c in stats["classes"]), default=0)
    lines += [f"  {c:<{width}}  {n:>6}" for c, n in stats["classes"].items()]
    columns = ("interventions", "institutions", "frameworks", "themes")
    lines += ["", f"  {'per priority':<40}" + "".join(f"  {c:>13}" for c in columns)]
    # with more than one document, each document's priorities under its name: priorities of different
    # documents may be named alike
    several = len({p["document"] for p in stats["priorities"]}) > 1
    indent = "    " if several else "  "
    document = None
    for p in stats["priorities"]:
        if several and p["document"] != document:
            document = p["document"]
            lines.append(f"  {p.get('document_label') or document}")
        label = (p["label"] or "")[: 42 - len(indent)]
        lines.append(f"{indent}{label:<{42 - len(indent)}}" + "".join(f"  {p[c]:>13}" for c in columns))
    return "\n".join(lines)
