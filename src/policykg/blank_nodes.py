"""Canonical N-Triples: the merged graph as sorted lines, its blank nodes labelled by their surroundings.

Blank nodes have no name of their own: the parser makes one up, different on every load. To write the
same graph the same way every time, each blank node is labelled with a digest of what surrounds it (as
colour refinement does), so that one graph gives one output, whatever the order its files were read in.
"""

from __future__ import annotations

import hashlib
from collections import deque

import pyoxigraph as ox

EXACT_ROUNDS = 8
"""The rounds of refinement done by rehashing every blank node; a graph whose blank nodes still split
after that many (a deep nest of ``[ … ]`` or ``( … )`` that look alike level by level) is finished by
partition refinement, whose cost does not grow with the depth (see :func:`_refine`)."""

Links = dict[str, list[tuple[str, str, str]]]
"""The triples of each blank node: (direction, predicate, other end), ``>`` when the node is the subject,
``<`` when it is the object."""


def canonical_ntriples(store: ox.Store, leave_out: ox.NamedNode | None = None) -> bytes:
    """Every distinct triple of every graph in ``store`` but ``leave_out`` as N-Triples lines, sorted,
    blank nodes labelled stably (see :func:`label_blank_nodes`)."""
    # kept as bytes, each line with its newline: only the lines with blank nodes are decoded, to be
    # relabelled, so the whole graph is held once as lines and once as the result
    lines: set[bytes] = set()
    for graph in [ox.DefaultGraph(), *store.named_graphs()]:
        if graph == leave_out:
            continue
        lines.update(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).splitlines(keepends=True))
    blank = {line for line in lines if b"_:" in line}
    lines -= blank
    relabelled = label_blank_nodes({line.decode().rstrip("\n") for line in blank})
    lines.update(line.encode() + b"\n" for line in relabelled)
    del blank, relabelled
    return b"".join(sorted(lines))


def _triple(line: str) -> tuple[str, str, str]:
    """Subject, predicate and object of an N-Triples line (IRIs and blank node labels hold no spaces)."""
    subject, predicate, value = line[:-2].split(" ", 2)
    return subject, predicate, value


def label_blank_nodes(lines: set[str]) -> list[str]:
    """N-Triples lines sorted, blank nodes relabelled by a hash of their surroundings: one graph, one output.

    Each blank node starts from a digest of its triples with blank neighbours left anonymous; digests
    are then refined with the neighbours' digests until they stop telling more nodes apart (as in
    colour refinement). Remaining ties are nodes that nothing tells apart, so their order does not
    change the graph written. This is not a full canonicalisation such as https://www.w3.org/TR/rdf-canon/,
    but it is stable for the blank nodes of policykg graphs: selectors, list cells, union classes.

    Rehashing every node each round costs the number of nodes times the rounds, and a nest of ``n``
    levels that look alike needs about ``n`` rounds: after :data:`EXACT_ROUNDS` rounds the digests are
    refined further by :func:`_refine`, which tells the same nodes apart in about ``n log n``, under
    other digests. A graph that settles within those rounds (policykg's own do, in three) is labelled
    as by rounds alone.

    >>> one = label_blank_nodes({"<http://e/p> <http://e/p> _:a .", '_:a <http://e/p> "x" .'})
    >>> two = label_blank_nodes({"<http://e/p> <http://e/p> _:b .", '_:b <http://e/p> "x" .'})
    >>> one == two, one[0].startswith("<http://e/p> <http://e/p> _:b")
    (True, True)
    """
    edges: Links = {}
    blank = []
    for line in lines:
        if "_:" not in line:
            continue
        subject, predicate, value = _triple(line)
        if subject.startswith("_:"):
            edges.setdefault(subject, []).append((">", predicate, value))
        if value.startswith("_:"):
            edges.setdefault(value, []).append(("<", predicate, subject))
        if subject.startswith("_:") or value.startswith("_:"):
            blank.append(line)
    if not edges:
        return sorted(lines)

    # each node's rows: those ending in an IRI or a literal written once, and for each blank neighbour
    # the start of the row that its digest ends
    fixed = {n: [f"{d} {p} {o}" for d, p, o in links if not o.startswith("_:")] for n, links in edges.items()}
    varying = {n: [(f"{d} {p} ", o) for d, p, o in links if o.startswith("_:")] for n, links in edges.items()}

    def digest_all(previous: dict[str, str] | None) -> dict[str, str]:
        result = {}
        for node in edges:
            if previous is None:
                seed, rows = "", fixed[node] + [start + "_" for start, _o in varying[node]]
            else:
                seed, rows = previous[node], fixed[node] + [start + previous[o] for start, o in varying[node]]
            rows.sort()
            result[node] = hashlib.sha256((seed + "\n" + "\n".join(rows)).encode()).hexdigest()[:20]
        return result

    digests = digest_all(None)
    for _ in range(min(len(edges), EXACT_ROUNDS)):
        refined = digest_all(digests)
        if len(set(refined.values())) == len(set(digests.values())):
            break
        digests = refined
    else:
        if len(edges) > EXACT_ROUNDS:
            digests = _refine(edges, digests)
    labels: dict[str, str] = {}
    seen: dict[str, int] = {}
    for node in sorted(digests, key=lambda n: digests[n]):
        count = seen.get(digests[node], 0)
        seen[digests[node]] = count + 1
        labels[node] = f"_:b{digests[node]}" + (f"x{count}" if count else "")
    relabelled = set(lines).difference(blank)
    for line in blank:
        subject, predicate, value = _triple(line)
        relabelled.add(f"{labels.get(subject, subject)} {predicate} {labels.get(value, value)} .")
    return sorted(relabelled)


class _Class:
    """A set of blank nodes not told apart so far, with a digest that names it."""

    __slots__ = ("key", "members", "pending")

    def __init__(self, key: str, members: set[str]) -> None:
        self.key, self.members, self.pending = key, members, False


def _hash(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _refine(edges: Links, digests: dict[str, str]) -> dict[str, str]:
    """Refine ``digests`` until every class of nodes with one digest is equitable: each node of a class
    has as many neighbours in any other class, by each predicate and direction (the partition colour
    refinement ends with, https://doi.org/10.1007/s00224-016-9686-0). The classes are split one
    splitter at a time, and when a class splits, all of its parts but the largest are queued as
    splitters: a node is then in at most ``log n`` splitters, so the cost is about ``n log n``.

    Every step depends on digests and predicates only, never on the blank nodes' own labels or the
    order of the input, so one graph gives one result: each part of a class is named by a hash of the
    class's name, the splitter's and the counts that set the part apart.
    """
    # for each node, the nodes linked to it and how: ``node`` linked to ``other`` means ``other`` has the
    # opposite link to ``node``
    reverse: dict[str, list[tuple[str, str]]] = {node: [] for node in edges}
    for node, links in edges.items():
        for direction, predicate, other in links:
            if other.startswith("_:"):
                reverse[node].append((other, ("< " if direction == ">" else "> ") + predicate))
    groups: dict[str, set[str]] = {}
    for node, digest in digests.items():
        groups.setdefault(digest, set()).add(node)
    class_of: dict[str, _Class] = {}
    queue: deque[_Class] = deque()
    for key in sorted(groups):
        cls = _Class(key, groups[key])
        for node in cls.members:
            class_of[node] = cls
        cls.pending = True
        queue.append(cls)
    while queue:
        splitter = queue.popleft()
        splitter.pending = False
        splitter_key = splitter.key  # it may split itself below
        counts: dict[str, dict[str, int]] = {}
        for node in list(splitter.members):
            for other, link in reverse[node]:
                count = counts.get(other)
                if count is None:
                    counts[other] = {link: 1}
                else:
                    count[link] = count.get(link, 0) + 1
        touched: dict[_Class, dict[str, list[str]]] = {}
        for node, count in counts.items():
            signature = " ".join(f"{link} {n}" for link, n in sorted(count.items()))
            touched.setdefault(class_of[node], {}).setdefault(signature, []).append(node)
        for cls in sorted(touched, key=lambda c: c.key):
            parts = touched[cls]
            moved = sum(len(nodes) for nodes in parts.values())
            if len(parts) == 1 and moved == len(cls.members):
                continue  # every node of the class has the same counts: no split
            old_key, was_pending = cls.key, cls.pending
            new: list[_Class] = []
            for signature in sorted(parts):
                part = _Class(_hash(old_key, splitter_key, signature), set(parts[signature]))
                cls.members -= part.members
                for node in part.members:
                    class_of[node] = part
                new.append(part)
            # the nodes with no neighbour in the splitter stay in the class, under a new name
            cls.key = _hash(old_key, splitter_key, "")
            if cls.members:
                new.append(cls)
            largest = max(new, key=lambda c: (len(c.members), c.key))
            for part in sorted(new, key=lambda c: c.key):
                if not part.pending and (was_pending or part is not largest):
                    part.pending = True
                    queue.append(part)
    return {node: cls.key[:20] for node, cls in class_of.items()}
