"""Where each node stands, computed ahead with networkx so that nothing moves once drawn and the same
graph gives the same picture."""

from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx

from . import limits
from .data import View


def layout_positions(view: View, kinds: dict[str, str] | None = None) -> dict[str, tuple[float, float]]:
    """Positions computed ahead with networkx: a seeded spring layout, layers for directed chains, and for
    large views a radial layout that groups interventions around their priority."""
    graph = nx.DiGraph() if view.directed else nx.Graph()
    graph.add_nodes_from(view.nodes)
    for edge in view.edges:
        if edge.source in graph and edge.target in graph:
            graph.add_edge(edge.source, edge.target)
    if not graph.number_of_nodes():
        return {}
    if view.layout == "layered":
        return _layered(graph)
    scale = 140 * math.sqrt(graph.number_of_nodes())
    if graph.number_of_nodes() > limits.LARGE:
        return _radial(view, graph, kinds or {})
    positions = nx.spring_layout(graph, seed=42, k=1.6 / math.sqrt(graph.number_of_nodes()), iterations=80)
    return {n: (round(float(x) * scale, 1), round(float(y) * scale, 1)) for n, (x, y) in positions.items()}


def _radial(view: View, graph: nx.Graph, kinds: dict[str, str]) -> dict[str, tuple[float, float]]:
    """Priorities on a circle, each with its interventions in a sunflower around it, and everything else on
    outer rings at the mean angle of what it is linked to: linear in nodes and edges."""
    priorities = sorted(n for n in graph if kinds.get(n) == "priority")
    members: dict[str, list[str]] = defaultdict(list)
    for edge in view.edges:
        if edge.relation == "underPriority" and edge.target in graph and edge.source in graph:
            members[edge.target].append(edge.source)
    radius = 400.0 * math.sqrt(max(1, len(priorities))) + 25.0 * math.sqrt(graph.number_of_nodes())
    golden = math.pi * (3 - math.sqrt(5))
    positions: dict[str, tuple[float, float]] = {}
    for i, priority in enumerate(priorities):
        angle = 2 * math.pi * i / max(1, len(priorities))
        cx, cy = radius * math.cos(angle), radius * math.sin(angle)
        positions[priority] = (cx, cy)
        for k, node in enumerate(sorted(set(members[priority])), start=1):
            if node not in positions:
                r, theta = 22.0 * math.sqrt(k), k * golden
                positions[node] = (cx + r * math.cos(theta), cy + r * math.sin(theta))
    rest = sorted(n for n in graph if n not in positions)
    angles = {}
    for node in rest:
        placed = [positions[m] for m in graph.neighbors(node) if m in positions]
        if placed:
            angles[node] = math.atan2(sum(p[1] for p in placed), sum(p[0] for p in placed))
        else:
            angles[node] = 2 * math.pi * (len(angles) % 360) / 360
    for k, node in enumerate(sorted(rest, key=lambda n: (angles[n], n))):
        r = radius * 1.9 + 70.0 * (k % 6)
        positions[node] = (r * math.cos(angles[node]), r * math.sin(angles[node]))
    return {n: (round(x, 1), round(y, 1)) for n, (x, y) in positions.items()}


def _layered(graph: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Each connected group of dependencies as its own block of layers, dependents above what they need;
    blocks side by side, wrapping into rows, so long rows of unrelated nodes never form."""
    blocks = []
    for component in sorted(nx.weakly_connected_components(graph), key=lambda c: (-len(c), min(c))):
        sub = graph.subgraph(component)
        condensed = nx.condensation(sub)
        layer: dict[int, int] = {}
        for node in nx.topological_sort(condensed):
            layer[node] = 1 + max((layer[p] for p in condensed.predecessors(node)), default=-1)
        rows: dict[int, list[str]] = defaultdict(list)
        for node, members in condensed.nodes(data="members"):
            rows[layer[node]].extend(sorted(members))
        order: dict[str, float] = {}
        placed: dict[str, tuple[float, float]] = {}
        for depth in sorted(rows):
            names = sorted(rows[depth])
            if depth:
                names.sort(
                    key=lambda n: (
                        sum(order.get(p, 0) for p in sub.predecessors(n)) / max(1, sub.in_degree(n)),
                        n,
                    )
                )
            for i, name in enumerate(names):
                order[name] = i - (len(names) - 1) / 2
                placed[name] = (order[name] * 210.0, depth * 190.0)
        width = 210.0 * max(len(r) for r in rows.values())
        blocks.append((width, placed))
    positions: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    limit = 2400.0
    for width, placed in blocks:
        if x and x + width > limit:
            x, y = 0.0, y + row_height + 260.0
            row_height = 0.0
        for name, (px, py) in placed.items():
            positions[name] = (round(x + width / 2 + px, 1), round(y + py, 1))
        row_height = max(row_height, max(py for _, py in placed.values()))
        x += width + 120.0
    return positions
