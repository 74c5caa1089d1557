"""Overlap and dependency analytics: graphs projected from the store, measured with networkx.

Three graphs are projected with SPARQL: the intervention–actor graph (an intervention and each institution,
law or strategy, theme and target group it touches), the dependency graph (``pkg:dependsOn``), and the
intervention graph (two interventions linked by what they share). Every finding names resources by label
and carries the passages that justify its edges: the qualified relation's passage where there is one, else
the subject's first (see docs/model.md).
"""

from __future__ import annotations

import html
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import networkx as nx

from .load import LoadedGraph

ACTOR_EDGES = """
SELECT ?intervention ?property ?actor ?kind (COALESCE(MIN(?qualified), MIN(?own)) AS ?passage) WHERE {
  VALUES (?property ?kind) {
    (pkg:involves "institution") (pkg:refersTo "framework") (pkg:implements "framework")
    (pkg:enforces "framework") (pkg:buildsOn "framework") (pkg:addresses "theme") (pkg:targets "target group")
  }
  ?intervention a pkg:Intervention ; ?property ?actor .
  OPTIONAL {
    ?relation rdf:subject ?intervention ; rdf:predicate ?property ; rdf:object ?actor ;
      prov:wasDerivedFrom ?qualified .
  }
  OPTIONAL { ?intervention prov:wasDerivedFrom ?own . }
}
GROUP BY ?intervention ?property ?actor ?kind
"""

DEPENDENCIES = """
SELECT ?from ?to ?basis (MIN(?p) AS ?passage) WHERE {
  ?from pkg:dependsOn ?to .
  OPTIONAL {
    ?relation rdf:subject ?from ; rdf:predicate pkg:dependsOn ; rdf:object ?to ; prov:wasDerivedFrom ?p .
    OPTIONAL { ?relation pkg:basis/skos:notation ?basis . }
  }
}
GROUP BY ?from ?to ?basis
"""

INTERVENTIONS = """
SELECT ?intervention ?priority ?document WHERE {
  ?intervention a pkg:Intervention ; pkg:underPriority ?priority .
  OPTIONAL { ?document pkg:hasPriority ?priority . }
}
"""

LABELS = """
SELECT ?resource ?label WHERE {
  ?resource rdfs:label ?label .
  FILTER(LANG(?label) = "en")
  FILTER NOT EXISTS { ?resource a pkg:Passage }
}
"""

PASSAGES = """
SELECT ?passage ?exact WHERE { ?passage a pkg:Passage ; oa:hasSelector/oa:exact ?exact . }
"""

BUDGET = """
SELECT ?priority ?period ?amount WHERE {
  ?o qb:dataSet/qb:structure pkg:budgetStructure ; pkg:priority ?priority ;
     pkg:period/skos:notation ?period ; pkg:amount ?amount .
}
"""


@dataclass
class Projection:
    """What the analysis reads from the store, once."""

    labels: dict[str, str]
    passages: dict[str, str]
    priority_of: dict[str, str]
    actor_edges: list[dict[str, str]]
    dependencies: list[dict[str, str]]
    budget: dict[str, dict[str, Decimal]] = field(default_factory=dict)


def project_graphs(loaded: LoadedGraph, document: str | None = None) -> Projection:
    """Read labels, passages, interventions, actor edges, dependencies and budgets from the store; with
    ``document``, only that document's interventions and what they touch."""
    priority_of = {
        r["intervention"]: r["priority"]
        for r in loaded.select(INTERVENTIONS)
        if "document" in r and (document is None or r["document"] == document)
    }
    budget: dict[str, dict[str, Decimal]] = defaultdict(dict)
    priorities = set(priority_of.values())
    for row in loaded.select(BUDGET):
        if document is None or row["priority"] in priorities:
            budget[row["priority"]][row["period"]] = Decimal(row["amount"])
    edges = [r for r in loaded.select(ACTOR_EDGES) if r["intervention"] in priority_of]
    dependencies = [r for r in loaded.select(DEPENDENCIES) if document is None or r["from"] in priority_of]
    return Projection(
        labels={r["resource"]: r["label"] for r in loaded.select(LABELS)},
        passages={r["passage"]: r["exact"] for r in loaded.select(PASSAGES)},
        priority_of=priority_of,
        actor_edges=sorted(edges, key=lambda r: sorted(r.items())),
        dependencies=sorted(dependencies, key=lambda r: sorted(r.items())),
        budget=dict(budget),
    )


def _ref(p: Projection, iri: str) -> dict[str, str]:
    return {"iri": iri, "label": p.labels.get(iri, iri.rsplit("/", 1)[-1])}


def _evidence(p: Projection, passage: str | None) -> dict[str, str] | None:
    if not passage:
        return None
    return {"passage": passage, "quote": p.passages.get(passage, "")}


SAMPLE_ABOVE = 2000
"""Above this many nodes betweenness is estimated from a seeded sample of sources …"""
SAMPLE_SOURCES = 200
"""… of this many."""
HUB = 60
"""An actor shared by more interventions than this links none of them in the intervention graph of the
communities: a hub tells little about which interventions belong together, and would add edges by the
square of its size."""


def find_bridges(p: Projection) -> list[dict[str, Any]]:
    """Actors that bridge priorities: participation across priorities and betweenness on the
    intervention–actor graph (networkx ``betweenness_centrality``, normalised)."""
    graph = nx.Graph()
    for edge in p.actor_edges:
        graph.add_edge(("i", edge["intervention"]), ("a", edge["actor"]))
    nodes = graph.number_of_nodes()
    # exact up to SAMPLE_ABOVE nodes; beyond, estimated from that many sampled sources (seeded, so
    # repeatable), which keeps the cost linear in the edges instead of quadratic
    sample = SAMPLE_SOURCES if nodes > SAMPLE_ABOVE else None
    betweenness = nx.betweenness_centrality(graph, k=sample, normalized=True, seed=42) if nodes > 2 else {}
    by_actor: dict[str, list[dict[str, str]]] = defaultdict(list)
    kind_of: dict[str, str] = {}
    for edge in p.actor_edges:
        by_actor[edge["actor"]].append(edge)
        kind_of[edge["actor"]] = edge["kind"]
    bridges = []
    for actor, edges in by_actor.items():
        priorities = sorted(
            {p.priority_of[e["intervention"]] for e in edges if e["intervention"] in p.priority_of}
        )
        if len(priorities) < 2:
            continue
        links = sorted(
            (
                {
                    "intervention": _ref(p, e["intervention"]),
                    "priority": _ref(p, p.priority_of.get(e["intervention"], "")),
                    "relation": e["property"].rsplit("#", 1)[-1],
                    "evidence": _evidence(p, e.get("passage")),
                }
                for e in edges
            ),
            key=lambda x: (x["priority"]["label"], x["intervention"]["label"]),
        )
        bridges.append(
            {
                **_ref(p, actor),
                "kind": kind_of[actor],
                "priorities": [_ref(p, x) for x in priorities],
                "interventions": len({e["intervention"] for e in edges}),
                "betweenness": round(betweenness.get(("a", actor), 0.0), 4),
                "links": links,
            }
        )
    bridges.sort(key=lambda b: (-len(b["priorities"]), -b["betweenness"], b["label"]))
    return bridges


def find_entanglement(p: Projection) -> list[dict[str, Any]]:
    """Pairs of priorities ranked by what they share (actors) and how they depend on each other."""
    actors: dict[str, set[str]] = defaultdict(set)
    for edge in p.actor_edges:
        if edge["intervention"] in p.priority_of:
            actors[p.priority_of[edge["intervention"]]].add(edge["actor"])
    crossing: Counter[tuple[str, str]] = Counter()
    for dep in p.dependencies:
        a, b = p.priority_of.get(dep["from"]), p.priority_of.get(dep["to"])
        if a and b and a != b:
            crossing[tuple(sorted((a, b)))] += 1
    priorities = sorted(set(p.priority_of.values()), key=lambda x: p.labels.get(x, x))
    pairs = []
    for i, a in enumerate(priorities):
        for b in priorities[i + 1 :]:
            shared = actors[a] & actors[b]
            union = actors[a] | actors[b]
            pairs.append(
                {
                    "a": _ref(p, a),
                    "b": _ref(p, b),
                    "shared": len(shared),
                    "jaccard": round(len(shared) / len(union), 3) if union else 0.0,
                    "dependencies": crossing[tuple(sorted((a, b)))],
                    "shared_resources": sorted((_ref(p, x) for x in shared), key=lambda r: r["label"]),
                }
            )
    pairs.sort(
        key=lambda x: (-(x["shared"] + x["dependencies"]), -x["jaccard"], x["a"]["label"], x["b"]["label"])
    )
    return pairs


def dependency_graph(p: Projection) -> nx.DiGraph:
    """The directed graph of ``pkg:dependsOn``: an edge from what needs to what is needed."""
    graph = nx.DiGraph()
    for dep in p.dependencies:
        graph.add_edge(dep["from"], dep["to"], basis=dep.get("basis", ""), passage=dep.get("passage"))
    return graph


def _chain(p: Projection, graph: nx.DiGraph, nodes: list[str]) -> dict[str, Any]:
    steps = []
    for a, b in zip(nodes, nodes[1:], strict=False):
        if graph.has_edge(a, b):
            data = graph.edges[a, b]
            steps.append(
                {
                    "from": _ref(p, a),
                    "to": _ref(p, b),
                    "basis": data["basis"],
                    "evidence": _evidence(p, data["passage"]),
                }
            )
    return {"length": len(nodes) - 1, "nodes": [_ref(p, n) for n in nodes], "steps": steps}


def find_chains(p: Projection, graph: nx.DiGraph, top: int = 5) -> dict[str, Any]:
    """Cycles (all of them, reported, never hidden) and the longest dependency chains.

    Chains are found on the graph's condensation (each cycle one node), so a cycle cannot make the search
    run away; only chains that start where nothing depends on them are listed, longest first.
    """
    if graph.number_of_nodes() == 0:
        return {"cycles": [], "longest": []}
    cycles = sorted(sorted(c) for c in nx.simple_cycles(graph))
    condensed = nx.condensation(graph)
    best: dict[int, list[int]] = {}
    for node in reversed(list(nx.topological_sort(condensed))):
        best[node] = [node, *max((best[s] for s in condensed.successors(node)), key=len, default=[])]

    def representative(component: int) -> str:
        return min(condensed.nodes[component]["members"])

    starts = sorted(
        (n for n in best if condensed.in_degree(n) == 0 and len(best[n]) > 1),
        key=lambda n: (-len(best[n]), representative(n)),
    )
    chains = [_chain(p, graph, [representative(c) for c in best[s]]) for s in starts[:top]]
    return {"cycles": [[_ref(p, n) for n in c] for c in cycles], "longest": chains}


def find_impact(p: Projection, graph: nx.DiGraph) -> list[dict[str, Any]]:
    """For each thing something depends on: everything that depends on it, transitively (what stalls if
    it stalls), with the priorities behind them and those priorities' budget lines."""
    impact = []
    for node in graph.nodes:
        dependents = nx.ancestors(graph, node)
        if not dependents:
            continue
        priorities = sorted(
            {p.priority_of[d] for d in dependents if d in p.priority_of}, key=lambda x: p.labels.get(x, x)
        )
        budget = {
            p.labels.get(pr, pr): {
                period: str(amount) for period, amount in sorted(p.budget.get(pr, {}).items())
            }
            for pr in priorities
        }
        direct = sorted(graph.predecessors(node))
        impact.append(
            {
                **_ref(p, node),
                "dependents": sorted((_ref(p, d) for d in dependents), key=lambda r: r["label"]),
                "direct": [
                    {
                        **_ref(p, d),
                        "basis": graph.edges[d, node]["basis"],
                        "evidence": _evidence(p, graph.edges[d, node]["passage"]),
                    }
                    for d in direct
                ],
                "priorities": [_ref(p, x) for x in priorities],
                "budget": budget,
            }
        )
    impact.sort(key=lambda x: (-len(x["dependents"]), -len(x["priorities"]), x["label"]))
    return impact


def find_communities(p: Projection, seed: int = 42) -> list[dict[str, Any]]:
    """Groups of interventions that belong together (Louvain communities on the intervention graph, where
    two interventions are linked by the number of actors and dependencies they share), each named by what
    its members share most."""
    members_of: dict[str, set[str]] = defaultdict(set)
    for edge in p.actor_edges:
        members_of[edge["actor"]].add(edge["intervention"])
    graph = nx.Graph()
    graph.add_nodes_from(i for i in p.priority_of)
    for members in members_of.values():
        if len(members) > HUB:
            continue
        ordered = sorted(members)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                weight = graph.edges[a, b]["weight"] + 1 if graph.has_edge(a, b) else 1
                graph.add_edge(a, b, weight=weight)
    for dep in p.dependencies:
        if dep["from"] in graph and dep["to"] in graph:
            weight = (
                graph.edges[dep["from"], dep["to"]]["weight"] + 1
                if graph.has_edge(dep["from"], dep["to"])
                else 1
            )
            graph.add_edge(dep["from"], dep["to"], weight=weight)
    if graph.number_of_edges() == 0:
        return []
    groups = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    communities = []
    for group in groups:
        if len(group) < 2:
            continue
        shared = Counter(actor for actor, members in members_of.items() for m in group if m in members)
        naming = [actor for actor, count in shared.most_common() if count >= 2][:3]
        priorities = sorted(
            {p.priority_of[m] for m in group if m in p.priority_of}, key=lambda x: p.labels.get(x, x)
        )
        communities.append(
            {
                "name": " · ".join(p.labels.get(a, a) for a in naming) or "(nothing shared by two members)",
                "shared": [{**_ref(p, a), "members": shared[a]} for a in naming],
                "members": sorted(
                    ({**_ref(p, m), "priority": _ref(p, p.priority_of[m])} for m in group),
                    key=lambda r: (r["priority"]["label"], r["label"]),
                ),
                "priorities": [_ref(p, x) for x in priorities],
            }
        )
    communities.sort(key=lambda c: (-len(c["priorities"]), -len(c["members"]), c["name"]))
    return communities


def analyze_graph(loaded: LoadedGraph, document: str | None = None) -> dict[str, Any]:
    """Run every analysis, of every document or of one; the result is the JSON report."""
    p = project_graphs(loaded, document)
    graph = dependency_graph(p)
    return {
        "summary": {
            "interventions": len(p.priority_of),
            "priorities": len(set(p.priority_of.values())),
            "actor_edges": len(p.actor_edges),
            "dependencies": graph.number_of_edges(),
        },
        "bridges": find_bridges(p),
        "entanglement": find_entanglement(p),
        "dependencies": {**find_chains(p, graph), "impact": find_impact(p, graph)},
        "communities": find_communities(p),
    }


# --------------------------------------------------------------------------- rendering


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _steps(n: int) -> str:
    return _count(n, "step", "steps")


def _quote(evidence: dict[str, str] | None, limit: int = 140) -> str:
    if not evidence:
        return ""
    text = " ".join(evidence["quote"].split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_markdown(report: dict[str, Any]) -> str:
    """The report for people, in Markdown."""
    s = report["summary"]
    out = [
        "# Overlaps and dependencies",
        "",
        f"{s['interventions']} interventions under {s['priorities']} priorities, {s['actor_edges']} links to "
        f"institutions, laws and strategies, themes and target groups, {s['dependencies']} dependencies.",
        "",
        "## What bridges the priorities",
        "",
        "| resource | kind | priorities | interventions | betweenness |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for b in report["bridges"]:
        out.append(
            f"| {b['label']} | {b['kind']} | {len(b['priorities'])} | {b['interventions']} | {b['betweenness']:.3f} |"
        )
    out += ["", "Each link, with the passage that justifies it:", ""]
    for b in report["bridges"]:
        out.append(f"- **{b['label']}** ({', '.join(x['label'] for x in b['priorities'])})")
        for link in b["links"]:
            out.append(
                f"  - {link['priority']['label']}: {link['intervention']['label']} ({link['relation']}) — “{_quote(link['evidence'])}”"
            )
    out += [
        "",
        "## Which priorities are most entangled",
        "",
        "| priority | priority | shared | Jaccard | dependencies between them |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for e in report["entanglement"]:
        out.append(
            f"| {e['a']['label']} | {e['b']['label']} | {e['shared']} | {e['jaccard']:.3f} | {e['dependencies']} |"
        )
    deps = report["dependencies"]
    out += ["", "## Dependencies", "", "### Cycles", ""]
    out += [f"- {' → '.join(n['label'] for n in c)} → {c[0]['label']}" for c in deps["cycles"]] or [
        "No cycles: the dependency graph is acyclic."
    ]
    out += ["", "### Longest chains", ""]
    for chain in deps["longest"]:
        out.append(f"- {' → '.join(n['label'] for n in chain['nodes'])} ({_steps(chain['length'])})")
        for step in chain["steps"]:
            out.append(
                f"  - {step['from']['label']} needs {step['to']['label']} ({step['basis']}): “{_quote(step['evidence'])}”"
            )
    out += [
        "",
        "### If it stalls: what depends on it",
        "",
        "| resource | dependents | priorities | budget behind them (structural, € mln) |",
        "| --- | ---: | ---: | --- |",
    ]
    for item in deps["impact"]:
        budget = ", ".join(f"{k}: {v.get('structural', '–')}" for k, v in item["budget"].items())
        out.append(f"| {item['label']} | {len(item['dependents'])} | {len(item['priorities'])} | {budget} |")
    out += ["", "Direct dependents, with their passages:", ""]
    for item in deps["impact"]:
        out.append(f"- **{item['label']}**: {', '.join(d['label'] for d in item['dependents'])}")
        for d in item["direct"]:
            out.append(f"  - {d['label']} ({d['basis']}): “{_quote(d['evidence'])}”")
    out += ["", "## Interventions that belong together", ""]
    for c in report["communities"]:
        out.append(
            f"- **{c['name']}**, across {_count(len(c['priorities']), 'priority', 'priorities')} ({', '.join(x['label'] for x in c['priorities'])}):"
        )
        out += [f"  - {m['label']} ({m['priority']['label']})" for m in c["members"]]
    return "\n".join(out) + "\n"


def summarize_report(report: dict[str, Any]) -> str:
    """A few lines for the terminal: the strongest findings."""
    deps = report["dependencies"]
    bridges = ", ".join(f"{b['label']} ({len(b['priorities'])})" for b in report["bridges"][:5])
    pair = report["entanglement"][0] if report["entanglement"] else None
    lines = [
        f"bridges across priorities: {len(report['bridges'])}; strongest: {bridges}",
        f"most entangled: {pair['a']['label']} and {pair['b']['label']} ({pair['shared']} shared)"
        if pair
        else "",
        f"dependency cycles: {len(deps['cycles'])}; longest chain: "
        + (_steps(deps["longest"][0]["length"]) if deps["longest"] else "none"),
        f"most depended on: {deps['impact'][0]['label']} ({len(deps['impact'][0]['dependents'])} dependents)"
        if deps["impact"]
        else "",
        f"groups of interventions: {len(report['communities'])}",
    ]
    return "\n".join(line for line in lines if line)


def write_report(report: dict[str, Any], folder: Path) -> list[Path]:
    """Write report.json, report.md and report.html into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "report.json": json.dumps(report, indent=2, ensure_ascii=False) + "\n",
        "report.md": render_markdown(report),
        "report.html": render_page(report),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in files]


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _href(iri: str) -> str:
    """An IRI fit for a link: http(s) only, so no IRI from the data can become a script link."""
    return _e(iri) if iri.startswith(("https://", "http://")) else "#"


def render_page(report: dict[str, Any]) -> str:
    """The report as one self-contained HTML page: styles inline, no script, no request, all text escaped."""
    s = report["summary"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Overlaps and dependencies — policykg</title>",
        "<style>body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}"
        "table{border-collapse:collapse;margin:1rem 0}th,td{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}"
        "td.n{text-align:right}q{color:#444}details{margin:.3rem 0}summary{cursor:pointer}h2{margin-top:2.5rem}</style>",
        "</head><body>",
        "<h1>Overlaps and dependencies</h1>",
        f"<p>{s['interventions']} interventions under {s['priorities']} priorities, {s['actor_edges']} links to institutions, "
        f"laws and strategies, themes and target groups, {s['dependencies']} dependencies.</p>",
        "<h2>What bridges the priorities</h2>",
        "<table><tr><th>resource</th><th>kind</th><th>priorities</th><th>interventions</th><th>betweenness</th></tr>",
    ]
    for b in report["bridges"]:
        parts.append(
            f'<tr><td><a href="{_href(b["iri"])}">{_e(b["label"])}</a></td><td>{_e(b["kind"])}</td>'
            f"<td class=n>{len(b['priorities'])}</td><td class=n>{b['interventions']}</td><td class=n>{b['betweenness']:.3f}</td></tr>"
        )
    parts.append("</table>")
    for b in report["bridges"]:
        parts.append(f"<details><summary>{_e(b['label'])}: {len(b['links'])} links</summary><ul>")
        for link in b["links"]:
            ev = link["evidence"]
            quote = f' — <a href="{_href(ev["passage"])}"><q>{_e(_quote(ev))}</q></a>' if ev else ""
            parts.append(
                f"<li>{_e(link['priority']['label'])}: {_e(link['intervention']['label'])} ({_e(link['relation'])}){quote}</li>"
            )
        parts.append("</ul></details>")
    parts += [
        "<h2>Which priorities are most entangled</h2>",
        "<table><tr><th>priority</th><th>priority</th><th>shared</th><th>Jaccard</th><th>dependencies</th></tr>",
    ]
    for e in report["entanglement"]:
        parts.append(
            f"<tr><td>{_e(e['a']['label'])}</td><td>{_e(e['b']['label'])}</td><td class=n>{e['shared']}</td>"
            f"<td class=n>{e['jaccard']:.3f}</td><td class=n>{e['dependencies']}</td></tr>"
        )
    parts.append("</table>")
    deps = report["dependencies"]
    parts.append("<h2>Dependencies</h2><h3>Cycles</h3>")
    if deps["cycles"]:
        parts.append(
            "<ul>"
            + "".join(f"<li>{_e(' → '.join(n['label'] for n in c))}</li>" for c in deps["cycles"])
            + "</ul>"
        )
    else:
        parts.append("<p>No cycles: the dependency graph is acyclic.</p>")
    parts.append("<h3>Longest chains</h3><ul>")
    for chain in deps["longest"]:
        parts.append(
            f"<li>{_e(' → '.join(n['label'] for n in chain['nodes']))} ({chain['length']} steps)<ul>"
        )
        for step in chain["steps"]:
            ev = step["evidence"]
            quote = f' — <a href="{_href(ev["passage"])}"><q>{_e(_quote(ev))}</q></a>' if ev else ""
            parts.append(
                f"<li>{_e(step['from']['label'])} needs {_e(step['to']['label'])} ({_e(step['basis'])}){quote}</li>"
            )
        parts.append("</ul></li>")
    parts.append("</ul><h3>If it stalls: what depends on it</h3>")
    parts.append(
        "<table><tr><th>resource</th><th>dependents</th><th>priorities</th><th>budget behind them (structural, € mln)</th></tr>"
    )
    for item in deps["impact"]:
        budget = ", ".join(f"{k}: {v.get('structural', '–')}" for k, v in item["budget"].items())
        dependents = ", ".join(d["label"] for d in item["dependents"])
        parts.append(
            f'<tr><td><a href="{_href(item["iri"])}">{_e(item["label"])}</a><br><small>{_e(dependents)}</small></td>'
            f"<td class=n>{len(item['dependents'])}</td><td class=n>{len(item['priorities'])}</td><td>{_e(budget)}</td></tr>"
        )
    parts.append("</table><h2>Interventions that belong together</h2>")
    for c in report["communities"]:
        parts.append(
            f"<h3>{_e(c['name'])}</h3><p>Across {_count(len(c['priorities']), 'priority', 'priorities')}: {_e(', '.join(x['label'] for x in c['priorities']))}</p><ul>"
        )
        parts += [
            f"<li>{_e(m['label'])} <small>({_e(m['priority']['label'])})</small></li>" for m in c["members"]
        ]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
