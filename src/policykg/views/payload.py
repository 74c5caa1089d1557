"""A view's data for its page: nodes and edges assembled with pyvis, positions fixed, priorities in their
own colours, relations between the same two nodes drawn apart; as JSON safe inside a script element."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from typing import Any

from pyvis.edge import Edge
from pyvis.network import Network
from pyvis.node import Node

from .data import View, ViewData
from .layout import layout_positions
from .palette import BASES, DASHES, KINDS, READING_DASHES, RELATIONS, colour_priorities
from .words import note_shared


def safe_json(value: Any) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' left to end it early.

    >>> safe_json({"t": "</script><b>"})
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def curve_parallel_edges(edges: list[dict[str, Any]]) -> None:
    """Give each of two or more edges between the same two nodes (either way) a curve of its own: one
    side then the other, each pair further out. A lone edge stays straight.

    >>> edges = [{"from": "a", "to": "b"}, {"from": "b", "to": "a"}, {"from": "a", "to": "b"}, {"from": "a", "to": "c"}]
    >>> curve_parallel_edges(edges)
    >>> [(e["smooth"]["type"], e["smooth"]["roundness"]) if "smooth" in e else None for e in edges]
    [('curvedCW', 0.2), ('curvedCW', 0.2), ('curvedCW', 0.4), None]
    """
    between: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
    for edge in edges:
        between[frozenset((edge["from"], edge["to"]))].append(edge)
    for group in between.values():
        if len(group) < 2:
            continue
        for i, edge in enumerate(group):
            # a curve's side turns with the edge's direction: an edge drawn the other way takes the other type
            clockwise = (i % 2 == 0) == (edge["from"] <= edge["to"])
            edge["smooth"] = {
                "enabled": True,
                "type": "curvedCW" if clockwise else "curvedCCW",
                "roundness": round(0.2 * (i // 2 + 1), 2),
            }


def assemble(view: View, data: ViewData) -> dict[str, Any]:
    """The page's data: nodes and edges assembled with pyvis, positions fixed, physics off."""
    positions = layout_positions(view, {n: data.nodes[n].kind for n in view.nodes})
    degree: dict[str, int] = defaultdict(int)
    for edge in view.edges:
        degree[edge.source] += edge.weight
        degree[edge.target] += edge.weight
    colours = colour_priorities(n for n, v in data.nodes.items() if v.kind == "priority")
    # pyvis's own add_node/add_edge scan every node and edge added before (quadratic at scale) and, in an
    # undirected network, drop a second relation between the same two nodes; so the views use pyvis's
    # Node and Edge models and fill the network's lists directly.
    net = Network(directed=True)
    for node_id in view.nodes:
        node = data.nodes[node_id]
        kind = KINDS[node.kind]
        shared = view.shared_by.get(node_id, 0)
        if node.kind == "priority" and node.budget:
            size = 22 + math.sqrt(node.budget) / 4
        elif view.shared_by:
            size = 10 + 6 * max(shared, 1)
        else:
            size = 8 + 3 * math.sqrt(degree.get(node_id, 0))
        x, y = positions.get(node_id, (0.0, 0.0))
        label_en, label_nl = (
            (f"{node.label_en} ({shared})", f"{node.label_nl} ({shared})")
            if shared
            else (node.label_en, node.label_nl)
        )
        note = " · ".join(n for n in (node.note, note_shared(shared) if shared else "") if n)
        pyvis_node = Node(
            node_id,
            kind["shape"],
            label_en,
            color=colours.get(node_id, kind["color"]),
            size=round(size, 1),
            x=x,
            y=y,
            physics=False,
            kind=node.kind,
            label_en=label_en,
            label_nl=label_nl,
            alt_labels=node.alt_labels,
            note=note,
        )
        net.nodes.append(pyvis_node.options)
        net.node_ids.append(node_id)
    for edge in view.edges:
        relation = RELATIONS[edge.relation]
        pyvis_edge = Edge(
            edge.source,
            edge.target,
            view.directed,
            relation=edge.relation,
            color=relation["color"],
            dashes=READING_DASHES if edge.basis == "reading" else DASHES[relation["style"]],
            width=1 + (min(edge.weight, 8) if view.slug == "overlaps" else 0),
            quote=edge.quote,
            note=edge.note,
            basis=edge.basis,
            reason=edge.reason,
            passage=edge.passage,
            line=edge.line,
            # every relation drawn is directed but the overlaps' "shares", which two priorities have alike
            arrows="" if edge.relation == "shares" else "to",
        )
        net.edges.append(pyvis_edge.options)
    nodes, edges, *_ = net.get_network_data()
    curve_parallel_edges(edges)
    priorities = priorities_of_nodes(view, data)
    for node in nodes:
        node.pop("title", None)
        node["priorities"] = priorities.get(node["id"], [])
    present_kinds = [k for k in KINDS if any(n["kind"] == k for n in nodes)]
    present_relations = [r for r in RELATIONS if any(e["relation"] == r for e in edges)]
    drawn_bases = {"reading" if e["basis"] == "reading" else "stated" for e in edges if e["basis"]}
    present_bases = [b for b in ("stated", "reading") if b in drawn_bases]
    return {
        "nodes": nodes,
        "edges": edges,
        "kinds": KINDS,
        "relations": RELATIONS,
        "presentKinds": present_kinds,
        "presentRelations": present_relations,
        "bases": BASES,
        "presentBases": present_bases,
        "priorityList": [
            {
                "id": p,
                "label_en": data.nodes[p].label_en,
                "label_nl": data.nodes[p].label_nl,
                "color": colours[p],
            }
            for p in sorted(view.nodes, key=lambda n: data.nodes[n].label_en.lower())
            if data.nodes[p].kind == "priority"
        ],
        "lang": "en",
        "options": {
            "physics": {"enabled": False},
            "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": len(edges) > 2000},
            # arrowheads are switched on by the page once they are large enough to see (view.js)
            "edges": {"smooth": False, "arrows": {"to": {"enabled": False}}},
            "nodes": {
                "font": {"size": 13, "face": "system-ui, sans-serif"},
                "widthConstraint": {"maximum": 170},
            },
            "layout": {"improvedLayout": False},
        },
    }


def priorities_of_nodes(view: View, data: ViewData) -> dict[str, list[str]]:
    """The priorities each node of ``view`` belongs to, for the filter by priority: a priority its own; an
    intervention the one it falls under; any other node those of the interventions it is drawn linked to."""
    under = {e.source: e.target for e in data.edges if e.relation == "underPriority"}
    shown = set(view.nodes)
    of: dict[str, set[str]] = defaultdict(set)
    for node in view.nodes:
        if data.nodes[node].kind == "priority":
            of[node].add(node)
        elif node in under and under[node] in shown:
            of[node].add(under[node])
    for edge in view.edges:
        for one, other in ((edge.source, edge.target), (edge.target, edge.source)):
            if data.nodes[one].kind not in ("priority", "intervention"):
                of[one].update(of.get(other, ()))
    return {node: sorted(p) for node, p in of.items() if p}
