"""The views that draw a resource among all the priorities: one institution, law or strategy (one line
per priority when its interventions are too many), the overlaps and the dependencies."""

from __future__ import annotations

from collections import defaultdict

from . import limits
from .data import Involvement, View, ViewData, ViewEdge, clip
from .palette import KINDS
from .words import count, count_nl

OTHER_VERBS = {
    "dependsOn": ("depend on", "ervan afhangen"),
    "references": ("reference", "zich erop beroepen"),
    "ledBy": ("are led by", "eronder vallen"),
    "targets": ("are for", "ervoor zijn"),
}
"""How an institution's view says what interventions that do not involve it do with it."""

ACTOR_VERBS = {
    "institution": ("involve", "{x} betrekken"),
    "law": ("refer to, enforce or depend on", "verwijzen naar, handhaven of afhangen van {x}"),
    "strategy": (
        "implement, build on, align with or depend on",
        "uitvoeren, voortbouwen op, aansluiten bij of afhangen van {x}",
    ),
    "framework": ("refer to, align with or depend on", "verwijzen naar, aansluiten bij of afhangen van {x}"),
}
"""What the interventions drawn in the view of an institution, law, strategy or framework do with it."""


def name_actor_view(data: ViewData, actor: str) -> tuple[str, str]:
    """The title of the view of an institution, law, strategy or framework, in English and Dutch."""
    node = data.nodes[actor]
    return f"{KINDS[node.kind]['en']}: {node.label_en}", f"{KINDS[node.kind]['nl']}: {node.label_nl}"


def describe_interventions(data: ViewData, actor: str) -> tuple[str, str]:
    """'The interventions that involve X', in English and Dutch."""
    node = data.nodes[actor]
    en, nl = ACTOR_VERBS[node.kind]
    return f"The interventions that {en} {node.label_en}", f"De interventies die {nl.format(x=node.label_nl)}"


def _involving(data: ViewData, priority_of: dict[str, str]) -> dict[tuple[str, str], list[ViewEdge]]:
    """The involves edges behind each (priority, institution) row of the involvement."""
    via: dict[tuple[str, str], list[ViewEdge]] = defaultdict(list)
    for edge in data.edges:
        if edge.relation == "involves" and edge.source in priority_of:
            via[(priority_of[edge.source], edge.target)].append(edge)
    return via


def _basis(via: list[ViewEdge], stated: int | None = None) -> tuple[str, str]:
    """The basis of a line that stands for the edges ``via``: stated when the text states any of them
    (or ``stated`` of them), else a reading, with their reasons."""
    if stated is None:
        stated = sum(1 for e in via if e.basis != "reading")
    if stated:
        return "stated", ""
    return "reading", clip("; ".join(sorted({e.reason for e in via if e.reason})))


def _readings_note(readings: int) -> str:
    return f" ({readings} of them a reading)" if readings else ""


def institution_view(
    data: ViewData,
    actor: str,
    incoming: list[ViewEdge],
    from_source: dict[str, list[ViewEdge]],
    priority_of: dict[str, str],
    slug: str,
    group: str,
) -> View:
    """An institution: the interventions that involve it under the priorities ``data.involvement`` says
    (and those priorities only), and the interventions linked to it otherwise, drawn without a priority."""
    involved = data.involvement.get(actor, {})
    priorities = set(involved)
    involving = sorted({e.source for e in incoming if e.relation == "involves"})
    others = sorted({e.source for e in incoming} - set(involving))
    if 1 + len(involving) + len(others) + len(priorities) > limits.DRAW_AT_MOST:
        via: dict[str, list[ViewEdge]] = defaultdict(list)
        for edge in incoming:
            if edge.relation == "involves" and priority_of.get(edge.source) in involved:
                via[priority_of[edge.source]].append(edge)
        return actor_by_priority(data, actor, via, len(involving), slug, group, involved)
    up = [
        e
        for i in involving
        for e in from_source[i]
        if e.relation == "underPriority" and e.target in priorities
    ]
    en, nl = describe_interventions(data, actor)
    en += f": {len(involving)}, under {count(len(priorities), 'priority')}"
    nl += f": {len(involving)}, onder {count_nl(len(priorities), 'opgave')}"
    if others:
        verbs = sorted(
            {
                OTHER_VERBS.get(e.relation, ("are linked to", "ermee verbonden zijn"))
                for e in incoming
                if e.source in others
            }
        )
        en += f"; and, drawn without their priority, those that {' or '.join(v[0] for v in verbs)} it: {len(others)}"
        nl += f"; en, getekend zonder hun opgave, de interventies die {' of '.join(v[1] for v in verbs)}: {len(others)}"
    title, title_nl = name_actor_view(data, actor)
    return View(
        slug,
        title,
        en + ".",
        group,
        sorted({actor, *involving, *others, *priorities}),
        incoming + up,
        title_nl=title_nl,
        description_nl=nl + ".",
        about=actor,
    )


def actor_by_priority(
    data: ViewData,
    actor: str,
    via: dict[str, list[ViewEdge]],
    interventions: int,
    slug: str,
    group: str,
    involved: dict[str, Involvement] | None = None,
) -> View:
    """An actor in too many interventions to draw one by one: one line per priority, weighted by the
    interventions behind it (``via``, or for an institution the ``involved`` counts), for the
    DRAW_AT_MOST - 1 priorities with the most."""
    weights = (
        {p: n.interventions for p, n in involved.items()}
        if involved is not None
        else {p: len({e.source for e in edges}) for p, edges in via.items()}
    )
    ranked = sorted((p for p in weights if weights[p]), key=lambda p: (-weights[p], p))
    shown = ranked[: limits.DRAW_AT_MOST - 1]
    edges = []
    for p in sorted(shown):
        behind = via.get(p, [])
        if involved is not None:
            basis, reason = _basis(behind, involved[p].stated)
            readings = involved[p].readings
        else:
            basis, reason = _basis(behind)
            readings = len({e.source for e in behind if e.basis == "reading"})
        edges.append(
            ViewEdge(
                p,
                actor,
                "shares",
                note=count(weights[p], "intervention") + _readings_note(readings),
                weight=weights[p],
                basis=basis,
                reason=reason,
            )
        )
    en, nl = describe_interventions(data, actor)
    en = (
        f"{en.replace('The interventions', f'The {interventions} interventions', 1)} are too many to draw one "
        "by one: each line stands for the interventions of one priority, the thicker the more"
    )
    nl = (
        f"{nl.replace('De interventies', f'De {interventions} interventies', 1)} zijn te veel om een voor een "
        "te tekenen: elke lijn staat voor de interventies van één opgave, hoe dikker hoe meer"
    )
    if len(shown) < len(ranked):
        en += f"; the {len(shown)} priorities with the most of {len(ranked)} are drawn"
        nl += f"; de {len(shown)} opgaven met de meeste van de {len(ranked)} zijn getekend"
    title, title_nl = name_actor_view(data, actor)
    return View(
        slug,
        title + " (aggregated)",
        en + ".",
        group,
        sorted({actor, *shown}),
        edges,
        title_nl=title_nl + " (samengevat)",
        description_nl=nl + ".",
        about=actor,
    )


def overlap_view(
    data: ViewData, priority_of: dict[str, str], *, shared_by: int = 2, most: int | None = None
) -> View:
    """Priorities and what ``shared_by`` or more of them share, each link weighted by the interventions
    behind it; with ``most``, only that many of the most shared (large corpora are aggregated, not drawn
    node by node). An institution is linked to the priorities ``data.involvement`` says it is involved in.
    The view says how many priorities share each node drawn."""
    links: dict[tuple[str, str], list[ViewEdge]] = defaultdict(list)
    for edge in data.edges:
        if edge.source not in priority_of or edge.relation in (
            "underPriority",
            "partOf",
            "level",
            "involves",
        ):
            continue
        if data.nodes[edge.target].kind != "institution":
            links[(priority_of[edge.source], edge.target)].append(edge)
    involving = _involving(data, priority_of)
    for institution, per in data.involvement.items():
        for priority in per:
            links[(priority, institution)] = involving.get((priority, institution), [])
    priorities_of_actor: dict[str, set[str]] = defaultdict(set)
    for priority, actor in links:
        priorities_of_actor[actor].add(priority)
    shared = {a for a, ps in priorities_of_actor.items() if len(ps) >= shared_by and a in data.nodes}
    if most is not None and len(shared) > most:
        ranked = sorted(shared, key=lambda a: (-len(priorities_of_actor[a]), a))
        shared = set(ranked[:most])
    edges = []
    for (priority, actor), via in sorted(links.items()):
        if actor not in shared:
            continue
        names = sorted({data.nodes[e.source].label_en for e in via})
        counts = data.involvement.get(actor, {}).get(priority)
        if counts is not None:
            weight, readings = counts.interventions, counts.readings
            basis, reason = _basis(via, counts.stated)
        else:
            weight, readings = len(names), len({e.source for e in via if e.basis == "reading"})
            basis, reason = _basis(via)
        first = via[0] if via else ViewEdge(priority, actor, "shares")
        edges.append(
            ViewEdge(
                priority,
                actor,
                "shares",
                first.quote,
                f"{count(weight, 'intervention')}{_readings_note(readings)}: " + "; ".join(names),
                weight=weight,
                basis=basis,
                reason=reason,
                passage=first.passage,
                line=first.line,
            )
        )
    priorities = {p for p, _a in links}
    return View(
        "overlaps",
        "Where the priorities overlap",
        f"The {len(shared)} institutions, laws and strategies, themes, target groups and interventions that two or "
        "more priorities share (an institution when interventions of each involve it; an intervention when "
        "interventions of other priorities depend on it). The number in brackets after a name is the number of "
        "priorities that share it: the more, the larger it is drawn; the more interventions link a priority to "
        "it, the thicker the line; a dashed line is a reading.",
        "overview",
        sorted(priorities | shared),
        edges,
        layout="spring",
        title_nl="Waar de opgaven overlappen",
        description_nl=f"De {len(shared)} instellingen, wetten en strategieën, thema's, doelgroepen en interventies "
        "die twee of meer opgaven delen (een instelling als interventies van elk haar betrekken; een interventie "
        "als interventies van andere opgaven ervan afhangen). Het getal tussen haakjes achter een naam is het "
        "aantal opgaven dat de knoop deelt: hoe meer, hoe groter getekend; hoe meer interventies een opgave eraan "
        "verbinden, hoe dikker de lijn; een gestreepte lijn is een lezing.",
        shared_by={a: len(priorities_of_actor[a]) for a in sorted(shared)},
    )


def dependency_view(data: ViewData) -> View:
    """The dependency graph, directed, chains read top to bottom; stated solid, readings dashed.
    Above DRAW_AT_MOST nodes, the dependencies on the most depended-on resources, as many as fit."""
    edges = [e for e in data.edges if e.relation == "dependsOn"]
    members = sorted({e.source for e in edges} | {e.target for e in edges})
    readings = sum(1 for e in edges if e.basis == "reading")
    en = (
        f"The {len(edges)} dependencies between interventions, institutions, laws and strategies, read top to "
        f"bottom: {len(edges) - readings} stated by the text (solid), {readings} an analyst's reading (dashed)."
    )
    nl = (
        f"De {count_nl(len(edges), 'afhankelijkheid')} tussen interventies, instellingen, wetten en strategieën, "
        f"van boven naar beneden te lezen: {len(edges) - readings} staan in de tekst (doorgetrokken), "
        f"{readings} zijn de lezing van een analist (gestreept)."
    )
    if len(members) > limits.DRAW_AT_MOST:
        into: dict[str, list[ViewEdge]] = defaultdict(list)
        for edge in edges:
            into[edge.target].append(edge)
        kept: list[ViewEdge] = []
        drawn: set[str] = set()
        for target in sorted(into, key=lambda t: (-len(into[t]), t)):
            if len(drawn | {target}) >= limits.DRAW_AT_MOST:
                break
            drawn.add(target)
            for edge in into[target]:
                if edge.source in drawn or len(drawn) < limits.DRAW_AT_MOST:
                    drawn.add(edge.source)
                    kept.append(edge)
        en += (
            f" The {len(members)} resources involved are too many to draw: the {len(kept)} dependencies on the "
            f"most depended-on are drawn, {len(drawn)} resources."
        )
        nl += (
            f" De {len(members)} betrokken bronnen zijn te veel om te tekenen: de {len(kept)} afhankelijkheden "
            f"van wat het meest gevraagd wordt zijn getekend, {len(drawn)} bronnen."
        )
        edges = sorted(kept, key=lambda e: (e.source, e.relation, e.target))
        members = sorted(drawn)
    return View(
        "dependencies",
        "What depends on what",
        en,
        "overview",
        members,
        edges,
        layout="layered",
        directed=True,
        title_nl="Wat hangt af van wat",
        description_nl=nl,
    )
