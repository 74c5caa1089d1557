"""Which views there are and what each draws: the overview, one per priority, the overlaps, the
dependencies, and one per institution, law, strategy or framework that interventions point to."""

from __future__ import annotations

import re
from collections import defaultdict

from . import limits
from .aggregate import (
    actor_by_priority,
    dependency_view,
    describe_interventions,
    institution_view,
    name_actor_view,
    overlap_view,
)
from .data import View, ViewData, ViewEdge
from .words import count, count_nl


def _slugs(iris: list[str]) -> dict[str, str]:
    """File names for resources: the last part of the IRI, or more of its path where two would clash
    (two documents may both have a priority called ``digitale-veiligheid``).

    >>> _slugs(["https://w3id.org/policykg/id/a/priority/x", "https://w3id.org/policykg/id/b/priority/x"])
    {'https://w3id.org/policykg/id/a/priority/x': 'a-priority-x', 'https://w3id.org/policykg/id/b/priority/x': 'b-priority-x'}
    """
    short = {iri: _slug(iri) for iri in iris}
    counts: dict[str, int] = defaultdict(int)
    for slug in short.values():
        counts[slug] += 1
    for iri, slug in short.items():
        if counts[slug] > 1:
            path = iri.split("/id/", 1)[-1]
            short[iri] = re.sub(r"[^a-z0-9-]+", "-", path.lower()).strip("-")
    return short


def _slug(iri: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", iri.rstrip("/").rsplit("/", 1)[-1].lower()).strip("-")


def define_views(data: ViewData) -> list[View]:
    """Every view: overview, per priority, overlaps, dependencies, per institution and per law or strategy."""
    nodes = data.nodes
    priority_of: dict[str, str] = {e.source: e.target for e in data.edges if e.relation == "underPriority"}
    by_kind: dict[str, list[str]] = defaultdict(list)
    for node in sorted(nodes.values(), key=lambda n: n.label_en.lower()):
        by_kind[node.kind].append(node.id)
    views = [overview(data, priority_of)]

    slugs: dict[str, str] = {}
    for members in by_kind.values():
        slugs.update(_slugs(members))
    # indexes, so that each view costs its own size rather than the whole corpus (data.edges is sorted by
    # source, and each index keeps that order)
    members_of: dict[str, set[str]] = defaultdict(set)
    for intervention, priority in priority_of.items():
        members_of[priority].add(intervention)
    from_source: dict[str, list[ViewEdge]] = defaultdict(list)
    to_target: dict[str, list[ViewEdge]] = defaultdict(list)
    for edge in data.edges:
        from_source[edge.source].append(edge)
        to_target[edge.target].append(edge)
    for priority in by_kind["priority"] if len(data.documents) <= limits.PRIORITY_VIEWS_UPTO else []:
        views.append(priority_view(data, priority, members_of[priority], from_source, slugs[priority]))

    views.append(overlap_view(data, priority_of, most=limits.DRAW_AT_MOST // 2))
    views.append(dependency_view(data))

    for kind, group in (
        ("institution", "institutions"),
        ("law", "frameworks"),
        ("strategy", "frameworks"),
        ("framework", "frameworks"),
    ):
        for actor in by_kind[kind]:
            incoming = to_target[actor]
            if not incoming:
                continue
            slug = f"{kind}-{slugs[actor]}"
            if kind == "institution":
                views.append(institution_view(data, actor, incoming, from_source, priority_of, slug, group))
                continue
            interventions = {e.source for e in incoming}
            up = [e for i in sorted(interventions) for e in from_source[i] if e.relation == "underPriority"]
            priorities = {e.target for e in up}
            if 1 + len(interventions) + len(priorities) > limits.DRAW_AT_MOST:
                via: dict[str, list[ViewEdge]] = defaultdict(list)
                for edge in incoming:
                    if edge.source in priority_of:
                        via[priority_of[edge.source]].append(edge)
                views.append(actor_by_priority(data, actor, via, len(interventions), slug, group))
                continue
            title, title_nl = name_actor_view(data, actor)
            en, nl = describe_interventions(data, actor)
            views.append(
                View(
                    slug,
                    title,
                    f"{en}, across {count(len(priorities), 'priority')}.",
                    group,
                    sorted({actor} | interventions | priorities),
                    incoming + up,
                    title_nl=title_nl,
                    description_nl=f"{nl}, verspreid over {count_nl(len(priorities), 'opgave')}.",
                    about=actor,
                )
            )
    return views


def overview(data: ViewData, priority_of: dict[str, str]) -> View:
    """Every priority with what its interventions touch; aggregated when that is more than DRAW_AT_MOST."""
    overview_kinds = {"priority", "intervention", "institution", "law", "strategy", "framework", "theme"}
    kept = {n for n, v in data.nodes.items() if v.kind in overview_kinds}
    keep = {x for e in data.edges if e.source in kept and e.target in kept for x in (e.source, e.target)}
    if len(keep) <= limits.DRAW_AT_MOST:
        return View(
            "overview",
            "Overview",
            "Every priority with its interventions and the institutions, laws, strategies and themes they touch.",
            "overview",
            sorted(keep),
            [e for e in data.edges if e.source in keep and e.target in keep],
            title_nl="Overzicht",
            description_nl="Elke opgave met haar interventies en de instellingen, wetten, strategieën en thema's "
            "die ze raken.",
        )
    most = limits.DRAW_AT_MOST // 2
    aggregated = overlap_view(data, priority_of, shared_by=1, most=most)
    aggregated.slug, aggregated.title, aggregated.title_nl = (
        "overview",
        "Overview (aggregated)",
        "Overzicht (samengevat)",
    )
    aggregated.description = (
        f"The graph has {len(keep)} nodes, too many to draw one by one: each priority is drawn with the "
        f"{most} institutions, laws, strategies and themes its interventions touch most, each line "
        "standing for all the interventions behind it. The number in brackets after a name is the number of "
        "priorities that share it. The views per priority, institution and law show the interventions themselves."
    )
    aggregated.description_nl = (
        f"De graaf heeft {len(keep)} knopen, te veel om een voor een te tekenen: elke opgave staat er met de "
        f"{most} instellingen, wetten, strategieën en thema's die haar interventies het meest raken, en elke "
        "lijn staat voor alle interventies erachter. Het getal tussen haakjes achter een naam is het aantal "
        "opgaven dat de knoop deelt. De weergaven per opgave, instelling en wet tonen de interventies zelf."
    )
    return aggregated


def priority_view(
    data: ViewData, priority: str, members: set[str], from_source: dict[str, list[ViewEdge]], slug: str
) -> View:
    """A priority's interventions and everything they touch; the title says whose it is when documents
    may name their priorities alike."""
    edges = [e for m in sorted(members) for e in from_source[m]]
    touched = {priority} | members | {e.target for e in edges}
    node = data.nodes[priority]
    document = next((d for d in data.documents if priority.startswith(d + "/")), None)
    whose = (
        f" ({data.document_labels.get(document, document)})" if document and len(data.documents) > 1 else ""
    )
    return View(
        f"priority-{slug}",
        f"Priority: {node.label_en}{whose}",
        f"The {len(members)} interventions under {node.label_en} and everything they touch.",
        "priorities",
        sorted(touched),
        edges,
        title_nl=f"Opgave: {node.label_nl}{whose}",
        about=priority,
        description_nl=f"De {count_nl(len(members), 'interventie')} onder {node.label_nl} en alles wat ze raken.",
    )
