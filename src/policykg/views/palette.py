"""The colours, shapes and words of the views: one colour and shape per node type, one colour per
priority (the same in every graph and chart), and a colour and line style per relation.

Every colour keeps a contrast of at least 3:1 against the white background (WCAG 2.2, 1.4.11), and
no priority colour is close to a type colour: a priority is told apart from an institution or a law at
a glance. The type colours follow Okabe and Ito's palette, darkened where it was too light for white;
types that share a shape (hexagon, diamond) differ in lightness or in blue against yellow, which
colour-blind readers see.
"""

from __future__ import annotations

from collections.abc import Iterable

KINDS: dict[str, dict[str, str]] = {
    "priority": {"en": "Priority", "nl": "Opgave", "color": "#D55E00", "shape": "star", "class": "Priority"},
    "intervention": {
        "en": "Intervention",
        "nl": "Interventie",
        "color": "#0072B2",
        "shape": "dot",
        "class": "Intervention",
    },
    "institution": {
        "en": "Institution",
        "nl": "Instelling",
        "color": "#009E73",
        "shape": "square",
        "class": "Institution",
    },
    "law": {"en": "Law", "nl": "Wet", "color": "#B8609A", "shape": "triangle", "class": "Law"},
    "strategy": {
        "en": "Strategy",
        "nl": "Strategie",
        "color": "#BA7600",
        "shape": "triangleDown",
        "class": "Strategy",
    },
    "framework": {
        "en": "Other framework",
        "nl": "Ander kader",
        "color": "#767676",
        "shape": "diamond",
        "class": "PolicyFramework",
    },
    "theme": {"en": "Theme", "nl": "Thema", "color": "#00849C", "shape": "hexagon", "class": "Theme"},
    "target-group": {
        "en": "Target group",
        "nl": "Doelgroep",
        "color": "#7D6E00",
        "shape": "hexagon",
        "class": "TargetGroup",
    },
    "level": {
        "en": "Intervention level",
        "nl": "Interventieniveau",
        "color": "#333333",
        "shape": "diamond",
        "class": "InterventionLevel",
    },
}
"""Colour and shape per node kind. Every shape draws its label below it (vis-network's ellipse, box,
circle, database and text would put the label inside and grow with it). A priority is drawn in its own
colour (:func:`colour_priorities`); the kind's colour marks it in the legend and the lines to it."""

PRIORITY_COLOURS = ["#B2182B", "#1C2C6E", "#3B7A1E", "#9E1F7A", "#7F4F24", "#6A3D9A", "#E0226E"]
"""The priorities' colours (crimson, navy, green, plum, brown, purple, rose), in the order they are given
out: none is close to a type colour or to another."""


def _kind(name: str) -> str:
    return KINDS[name]["color"]


RELATIONS: dict[str, dict[str, str]] = {
    "underPriority": {"en": "falls under", "nl": "valt onder", "color": _kind("priority"), "style": "solid"},
    "contributesTo": {
        "en": "contributes to",
        "nl": "draagt bij aan",
        "color": _kind("priority"),
        "style": "dotted",
    },
    "partOf": {
        "en": "is part of",
        "nl": "is onderdeel van",
        "color": _kind("intervention"),
        "style": "solid",
    },
    "involves": {"en": "involves", "nl": "betrekt", "color": _kind("institution"), "style": "solid"},
    "ledBy": {"en": "led by", "nl": "onder regie van", "color": _kind("institution"), "style": "dotted"},
    "carriedOutBy": {
        "en": "carried out by",
        "nl": "uitgevoerd door",
        "color": _kind("institution"),
        "style": "dotted",
    },
    "hasMember": {
        "en": "has member",
        "nl": "heeft als lid",
        "color": _kind("institution"),
        "style": "dotted",
    },
    "targets": {"en": "is for", "nl": "is voor", "color": _kind("target-group"), "style": "dotted"},
    "refersTo": {"en": "refers to", "nl": "verwijst naar", "color": _kind("law"), "style": "dotted"},
    "implements": {"en": "implements", "nl": "voert uit", "color": _kind("law"), "style": "solid"},
    "enforces": {"en": "enforces", "nl": "handhaaft", "color": "#A0527F", "style": "solid"},
    "buildsOn": {"en": "builds on", "nl": "bouwt voort op", "color": _kind("strategy"), "style": "solid"},
    "alignsWith": {"en": "aligns with", "nl": "sluit aan bij", "color": _kind("strategy"), "style": "dotted"},
    "addresses": {"en": "addresses", "nl": "gaat over", "color": _kind("theme"), "style": "dotted"},
    "level": {"en": "at level", "nl": "op niveau", "color": _kind("level"), "style": "solid"},
    "dependsOn": {"en": "depends on", "nl": "hangt af van", "color": "#000000", "style": "solid"},
    "references": {
        "en": "references",
        "nl": "beroept zich op",
        "color": _kind("framework"),
        "style": "dotted",
    },
    "creator": {"en": "created by", "nl": "opgesteld door", "color": _kind("framework"), "style": "solid"},
    "shares": {
        "en": "shares, via interventions",
        "nl": "deelt, via interventies",
        "color": "#777777",
        "style": "solid",
    },
}
"""Label, colour and line style per relation drawn (keyed by the property's local name). A reading is
drawn dashed whatever its relation's style, so no relation is dashed of its own."""

BASES: dict[str, dict[str, str]] = {
    "stated": {
        "en": "stated in the text",
        "nl": "staat in de tekst",
        "legend_en": "solid or dotted: stated in the text",
        "legend_nl": "doorgetrokken of gestippeld: staat in de tekst",
        "style": "solid",
    },
    "structure": {
        "en": "stated in the text (the document's structure)",
        "nl": "staat in de tekst (de opbouw van het document)",
    },
    "reading": {
        "en": "reading",
        "nl": "lezing",
        "legend_en": "dashed: a reading — the text does not state it; hover or open the edge for the reason",
        "legend_nl": "gestreept: een lezing — de tekst zegt het niet; wijs de lijn aan of open haar voor de reden",
        "style": "dashed",
    },
}
"""What each basis of an edge (``provenance/edge-passages``' ?basis) says in a tooltip and in the legend."""

DASHES = {"solid": False, "dotted": [2, 5]}
READING_DASHES = [8, 6]
"""The dash pattern of a reading, on every relation."""


def colour_priorities(priorities: Iterable[str]) -> dict[str, str]:
    """Each priority's colour: the palette given out in the order of the sorted IRIs, from the start again
    when there are more priorities than colours. The same priorities get the same colours in every view
    and chart.

    >>> colour_priorities(["https://x/b", "https://x/a"])
    {'https://x/a': '#B2182B', 'https://x/b': '#1C2C6E'}
    >>> colour_priorities(f"p{i}" for i in range(8))["p7"] == PRIORITY_COLOURS[0]
    True
    """
    ordered = sorted(set(priorities))
    return {iri: PRIORITY_COLOURS[i % len(PRIORITY_COLOURS)] for i, iri in enumerate(ordered)}


def measure_luminance(colour: str) -> float:
    """The relative luminance of an sRGB colour written ``#RRGGBB`` (WCAG 2.2's definition).

    >>> measure_luminance("#FFFFFF"), measure_luminance("#000000")
    (1.0, 0.0)
    """
    channels = []
    for i in (1, 3, 5):
        c = int(colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def measure_contrast(colour: str, background: str = "#FFFFFF") -> float:
    """The contrast ratio of two colours, from 1 to 21 (WCAG 2.2).

    >>> round(measure_contrast("#767676"), 2), round(measure_contrast("#F0E442"), 2)
    (4.54, 1.32)
    """
    lighter, darker = sorted((measure_luminance(colour), measure_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
