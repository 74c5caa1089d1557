"""The views as pages: colours that stand out against white and from each other, one colour per priority
in every graph and chart, the overlaps' counts, parallel relations drawn apart, a table of every view,
every word in English and Dutch, a graph that keeps its room on a phone, and an index that says why a
resource has no view of its own."""

from __future__ import annotations

import itertools
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser import chromium

from policykg.charts import colour_chart_priorities
from policykg.load import LoadedGraph
from policykg.views import (
    BASES,
    KINDS,
    PRIORITY_COLOURS,
    RELATIONS,
    TABLE_ROWS,
    View,
    ViewData,
    ViewEdge,
    ViewNode,
    colour_priorities,
    copy_assets,
    define_views,
    limits,
    project_view_data,
    render_view,
    write_views,
)
from policykg.views.palette import measure_contrast

INSIDE = {"ellipse", "box", "circle", "database", "text"}
"""vis-network's shapes that draw the label inside the shape (and grow with it)."""


# --------------------------------------------------------------------------- colour science, on its own


def luminance(colour: str) -> float:
    """WCAG 2.2's relative luminance of ``#RRGGBB``."""
    values = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in values)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(colour: str) -> float:
    """The contrast ratio of ``colour`` against white."""
    return 1.05 / (luminance(colour) + 0.05)


def linear(colour: str) -> list[float]:
    values = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in values]


def lab(rgb: list[float]) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of linear sRGB."""
    r, g, b = rgb
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def delta_e(a: str, b: str) -> float:
    """CIE76 colour difference of two ``#RRGGBB`` colours."""
    return sum((p - q) ** 2 for p, q in zip(lab(linear(a)), lab(linear(b)), strict=True)) ** 0.5


MACHADO = {
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.01182, 0.04294, 0.968881],
    ],
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
}
"""Machado, Oliveira and Fernandes (2009): how colours look to dichromats, on linear sRGB."""


def delta_e_seen_by(kind: str, a: str, b: str) -> float:
    def seen(colour: str) -> list[float]:
        rgb = linear(colour)
        return [
            min(1.0, max(0.0, sum(m * v for m, v in zip(row, rgb, strict=True)))) for row in MACHADO[kind]
        ]

    return sum((p - q) ** 2 for p, q in zip(lab(seen(a)), lab(seen(b)), strict=True)) ** 0.5


TYPE_COLOURS = {name: kind["color"] for name, kind in KINDS.items()}


def test_every_colour_drawn_on_white_has_a_contrast_of_3_to_1() -> None:
    """WCAG 1.4.11: node types, priorities and relation lines against the white background."""
    colours = {
        **{f"type {k}": c for k, c in TYPE_COLOURS.items()},
        **{f"priority {i}": c for i, c in enumerate(PRIORITY_COLOURS)},
        **{f"relation {k}": r["color"] for k, r in RELATIONS.items()},
    }
    low = {name: round(contrast(c), 2) for name, c in colours.items() if contrast(c) < 3}
    assert low == {}
    # the formula the package ships agrees with this one, and a light colour fails it
    assert all(abs(measure_contrast(c) - contrast(c)) < 1e-9 for c in colours.values())
    assert contrast("#F0E442") < 3 and contrast("#999999") < 3


def test_priority_colours_are_far_from_every_type_colour_and_from_each_other() -> None:
    near = [
        (p, name, round(delta_e(p, c), 1))
        for p in PRIORITY_COLOURS
        for name, c in TYPE_COLOURS.items()
        if delta_e(p, c) < 15
    ]
    assert near == []
    alike = [(a, b) for a, b in itertools.combinations(PRIORITY_COLOURS, 2) if delta_e(a, b) < 15]
    assert alike == [] and len(set(PRIORITY_COLOURS)) == len(PRIORITY_COLOURS) >= 6
    types = [
        (a, b)
        for a, b in itertools.combinations(TYPE_COLOURS, 2)
        if delta_e(TYPE_COLOURS[a], TYPE_COLOURS[b]) < 20
    ]
    assert types == []


def test_no_shape_keeps_its_label_inside_and_a_shared_shape_differs_in_colour() -> None:
    assert {k: v["shape"] for k, v in KINDS.items() if v["shape"] in INSIDE} == {}
    for a, b in itertools.combinations(KINDS, 2):
        if KINDS[a]["shape"] == KINDS[b]["shape"]:
            ca, cb = KINDS[a]["color"], KINDS[b]["color"]
            assert delta_e(ca, cb) >= 25, (a, b)
            # told apart by colour-blind readers too, since the shape does not tell them apart
            for kind in MACHADO:
                assert delta_e_seen_by(kind, ca, cb) >= 12, (a, b, kind)


def test_priority_colours_follow_the_sorted_iris_and_cycle() -> None:
    iris = [f"https://example.org/p/{i:02}" for i in range(len(PRIORITY_COLOURS) + 2)]
    colours = colour_priorities(reversed(iris))
    assert [colours[i] for i in iris] == PRIORITY_COLOURS + PRIORITY_COLOURS[:2]
    assert colour_priorities(iris[:3]) == colour_priorities(list(reversed(iris[:3])))


# --------------------------------------------------------------------------- the views of the fixture


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory, loaded: LoadedGraph) -> Path:
    folder = tmp_path_factory.mktemp("rendered") / "views"
    write_views(loaded, folder)
    return folder


@pytest.fixture(scope="module")
def data(loaded: LoadedGraph) -> ViewData:
    return project_view_data(loaded)


def payload_of(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'id="graph-data">(.*?)</script>', text, re.S).group(1))


def pages(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.html") if p.name != "index.html")


def test_a_priority_has_one_colour_in_every_graph_and_chart(
    written: Path, data: ViewData, loaded: LoadedGraph
) -> None:
    expected = colour_priorities(n for n, v in data.nodes.items() if v.kind == "priority")
    assert len(set(expected.values())) == len(expected) >= 5
    seen = 0
    for path in pages(written):
        payload = payload_of(path)
        for node in payload["nodes"]:
            if node["kind"] == "priority":
                assert node["color"] == expected[node["id"]], path.name
                seen += 1
            else:
                assert node["color"] == KINDS[node["kind"]]["color"], (path.name, node["id"])
        assert [(p["id"], p["color"]) for p in payload["priorityList"]] == [
            (p["id"], expected[p["id"]]) for p in payload["priorityList"]
        ]
    assert seen
    listed = {p["label_en"]: p["color"] for p in payload_of(written / "overview.html")["priorityList"]}
    assert colour_chart_priorities(loaded) == listed
    assert listed["Digital Security"] not in TYPE_COLOURS.values()
    budget = (written / "charts" / "budget-by-priority.svg").read_text(encoding="utf-8").lower()
    institutions = (written / "charts" / "institutions.svg").read_text(encoding="utf-8").lower()
    budgeted = [label for label, n in ((n.label_en, n) for n in data.nodes.values()) if n.budget]
    assert budgeted and all(listed[label].lower() in budget for label in budgeted)
    assert listed["Digital Security"].lower() in institutions
    # no chart colours a priority with a type's colour
    for svg in (budget, institutions):
        assert not {c.lower() for c in TYPE_COLOURS.values()} & set(re.findall(r"fill: (#[0-9a-f]{6})", svg))


def institutions_per_priority(loaded: LoadedGraph) -> dict[str, set[str]]:
    from policykg.library import read_query

    query = read_query(loaded.project.queries_dir / "overlaps/institutions-per-priority.rq", "x")
    shared: dict[str, set[str]] = {}
    for row in loaded.select(query.text):
        shared.setdefault(row["institution"], set()).add(row["priority"])
    return shared


def test_the_overlaps_say_how_many_priorities_share_each_node(
    written: Path, data: ViewData, loaded: LoadedGraph
) -> None:
    payload = payload_of(written / "overlaps.html")
    page = (written / "overlaps.html").read_text(encoding="utf-8")
    involved = institutions_per_priority(loaded)
    sharing: dict[str, set[str]] = {}
    for edge in payload["edges"]:
        sharing.setdefault(edge["to"], set()).add(edge["from"])
    counted = 0
    for node in payload["nodes"]:
        if node["kind"] == "priority":
            assert not re.search(r"\(\d+\)$", node["label_en"])
            continue
        n = len(involved[node["id"]]) if node["kind"] == "institution" else len(sharing[node["id"]])
        assert n >= 2 and n == len(sharing[node["id"]]), node["id"]
        name = data.nodes[node["id"]]
        assert node["label_en"] == f"{name.label_en} ({n})" and node["label_nl"] == f"{name.label_nl} ({n})"
        assert f"shared by {n} priorities" in node["note"] and f"gedeeld door {n} opgaven" in node["note"]
        row = re.search(
            r'<tr><td lang="en">' + re.escape(escape(node["label_en"])) + r"</td>.*?</tr>", page, re.S
        )
        assert row and f"shared by {n} priorities" in row.group(0), node["id"]
        counted += 1
    assert counted >= 10
    assert "The number in brackets after a name is the number of priorities that share it" in page
    assert "(N) after a name: the number of priorities that share it." in page
    ncsc = next(n for n in payload["nodes"] if n["id"].endswith("/institution/toezichthouders"))
    assert ncsc["label_en"].endswith(f"({len(involved[ncsc['id']])})")


def escape(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


def side(edge: dict) -> tuple[str, float] | None:
    """Where an edge bends, seen from its lower node to its higher: None when straight."""
    smooth = edge.get("smooth")
    if not smooth:
        return None
    clockwise = smooth["type"] == "curvedCW"
    if edge["from"] > edge["to"]:
        clockwise = not clockwise
    return ("cw" if clockwise else "ccw", smooth["roundness"])


def test_relations_between_the_same_two_nodes_bend_apart(written: Path) -> None:
    parallel = 0
    for path in pages(written):
        between: dict[frozenset, list[dict]] = {}
        for edge in payload_of(path)["edges"]:
            between.setdefault(frozenset((edge["from"], edge["to"])), []).append(edge)
        for edges in between.values():
            bends = [side(e) for e in edges]
            if len(edges) == 1:
                assert bends == [None], path.name
                continue
            parallel += 1
            assert None not in bends and len(set(bends)) == len(bends), (path.name, edges)
            assert all(
                e["smooth"]["enabled"] and e["smooth"]["type"] in ("curvedCW", "curvedCCW") for e in edges
            )
    assert parallel >= 5


# --------------------------------------------------------------------------- the table of a view


class Tree(HTMLParser):
    """A page as nested elements: (tag, attributes, children), text as strings."""

    VOID = {"meta", "link", "input", "br", "img", "hr"}

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root: tuple = ("#root", {}, [])
        self.stack = [self.root]
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        element = (tag, dict(attrs), [])
        self.stack[-1][2].append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        while len(self.stack) > 1:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        self.stack[-1][2].append(data)


def find_all(element: tuple, test) -> list[tuple]:
    found = []
    for child in element[2]:
        if isinstance(child, tuple):
            if test(child):
                found.append(child)
            found += find_all(child, test)
    return found


def text_of(element: tuple | str, lang: str = "en") -> str:
    """The text as shown with the page in ``lang``: spans of the other language left out."""
    if isinstance(element, str):
        return element
    tag, attrs, children = element
    if tag == "span" and attrs.get("lang") not in (None, lang):
        return ""
    return "".join(text_of(c, lang) for c in children)


def cells(row: tuple) -> list[tuple]:
    return [c for c in row[2] if isinstance(c, tuple)]


def by_id(tree: Tree, name: str) -> tuple:
    (found,) = find_all(tree.root, lambda e: e[1].get("id") == name)
    return found


def source_line(loaded: LoadedGraph, passage: str) -> int | None:
    """The line of a passage's quote in its source, worked out here from the graph."""
    rows = loaded.select(
        f"SELECT ?exact ?prefix ?suffix ?text WHERE {{ <{passage}> oa:hasSelector ?s ; oa:hasSource ?d . "
        "?s oa:exact ?exact . OPTIONAL { ?s oa:prefix ?prefix } OPTIONAL { ?s oa:suffix ?suffix } "
        "?d pkg:sourceText ?text . }"
    )
    if not rows:
        return None
    row = min(rows, key=lambda r: (r["exact"], r.get("prefix", ""), r.get("suffix", "")))
    at = row["text"].find(row.get("prefix", "") + row["exact"] + row.get("suffix", ""))
    return row["text"][: at + len(row.get("prefix", ""))].count("\n") + 1 if at >= 0 else None


def test_every_view_has_a_table_of_its_nodes_and_relations_one_link_away(
    written: Path, loaded: LoadedGraph
) -> None:
    lines: dict[str, int | None] = {}
    for path in pages(written):
        payload = payload_of(path)
        tree = Tree(path.read_text(encoding="utf-8"))
        header = find_all(tree.root, lambda e: e[0] == "header")[0]
        link = find_all(header, lambda e: e[0] == "a" and e[1].get("href") == "#table")
        assert [text_of(a, "en") for a in link] == ["Table of this view"]
        assert [text_of(a, "nl") for a in link] == ["Tabel van deze weergave"]
        section = by_id(tree, "table")
        assert section[0] == "section" and section[1]["aria-labelledby"] == "table-title"
        regions = find_all(section, lambda e: e[1].get("role") == "region")
        assert len(regions) == 2
        for region in regions:
            assert region[1]["tabindex"] == "0" and region[1]["class"] == "scroll"
            named = region[1]["aria-labelledby"]
            assert find_all(region, lambda e, named=named: e[1].get("id") == named)[0][0] == "caption"
        nodes, relations = (find_all(r, lambda e: e[0] == "tbody")[0] for r in regions)
        node_rows = find_all(nodes, lambda e: e[0] == "tr")
        assert [text_of(cells(r)[0]) for r in node_rows] == [n["label_en"] for n in payload["nodes"]], (
            path.name
        )
        assert [text_of(cells(r)[1]) for r in node_rows] == [n["label_nl"] for n in payload["nodes"]], (
            path.name
        )
        edge_rows = find_all(relations, lambda e: e[0] == "tr")
        assert len(edge_rows) == len(payload["edges"]), path.name
        for row, edge in zip(edge_rows, payload["edges"], strict=True):
            cell = cells(row)
            assert text_of(cell[0], "en") == next(
                n["label_en"] for n in payload["nodes"] if n["id"] == edge["from"]
            )
            assert text_of(cell[1], "en") == RELATIONS[edge["relation"]]["en"]
            assert text_of(cell[1], "nl") == RELATIONS[edge["relation"]]["nl"]
            if edge["basis"]:
                assert text_of(cell[3], "en").startswith(BASES[edge["basis"]]["en"])
            if edge["basis"] == "reading":
                assert text_of(cell[3], "en") == f"reading: {edge['reason']}"
            assert text_of(cell[-3]) == edge["quote"] and text_of(cell[-1]) == edge["passage"]
            assert text_of(cell[-2]) == (str(edge["line"]) if edge["line"] else "")
            if edge["passage"]:
                if edge["passage"] not in lines:
                    lines[edge["passage"]] = source_line(loaded, edge["passage"])
                assert edge["line"] == lines[edge["passage"]], (path.name, edge["passage"])
                assert find_all(cell[-1], lambda e: e[0] == "a")[0][1]["href"] == edge["passage"]
    assert len([n for n in lines.values() if n and n > 1]) >= 20


def test_a_very_large_view_lists_part_of_its_relations_and_says_where_the_rest_is(tmp_path: Path) -> None:
    data = ViewData()
    for i in range(TABLE_ROWS + 100):
        data.nodes[f"i{i}"] = ViewNode(f"i{i}", "intervention", f"intervention {i}", f"interventie {i}")
    data.nodes["p"] = ViewNode("p", "priority", "priority", "opgave")
    edges = [ViewEdge(f"i{i}", "p", "underPriority", basis="structure") for i in range(TABLE_ROWS + 100)]
    data.edges = edges
    view = View("big", "Big", "Many.", "overview", sorted(data.nodes), edges)
    tree = Tree(render_view(view, data))
    section = by_id(tree, "table")
    rows = [find_all(t, lambda e: e[0] == "tr") for t in find_all(section, lambda e: e[0] == "tbody")]
    assert [len(r) for r in rows] == [TABLE_ROWS, TABLE_ROWS]
    said = text_of(section, "en")
    assert f"The table lists {TABLE_ROWS} of the {TABLE_ROWS + 101} nodes" in said
    assert f"The table lists {TABLE_ROWS} of the {TABLE_ROWS + 100} relations" in said
    assert "policykg query provenance/edge-passages" in said
    assert f"De tabel noemt {TABLE_ROWS} van de {TABLE_ROWS + 100} relaties" in text_of(section, "nl")


# --------------------------------------------------------------------------- both languages


def test_every_view_has_a_dutch_title_and_description(data: ViewData, tmp_path: Path) -> None:
    views = define_views(data)
    kinds = {v.slug.split("-")[0] for v in views}
    assert kinds >= {
        "overview",
        "priority",
        "overlaps",
        "dependencies",
        "institution",
        "law",
        "strategy",
        "framework",
    }
    for view in views:
        assert view.title_nl and view.description_nl, view.slug
        assert view.title_nl != view.title and view.description_nl != view.description, view.slug
    titles = {v.slug: v.title_nl for v in views}
    assert titles["overview"] == "Overzicht" and titles["overlaps"] == "Waar de opgaven overlappen"
    assert titles["institution-ncsc"] == "Instelling: Nationaal Cyber Security Centrum"
    dsa = data.nodes["https://w3id.org/policykg/id/law/dsa"]
    assert titles["law-dsa"] == f"Wet: {dsa.label_nl}"
    assert titles["priority-digitale-veiligheid"] == "Opgave: Digitale Veiligheid"


def test_aggregated_views_have_dutch_titles_and_descriptions(monkeypatch: pytest.MonkeyPatch) -> None:
    from policykg.views import Involvement

    data = ViewData()
    for p in range(4):
        data.nodes[f"p{p}"] = ViewNode(f"p{p}", "priority", f"priority {p}", f"opgave {p}")
    data.nodes["law"] = ViewNode("law", "law", "a law", "een wet")
    data.nodes["inst"] = ViewNode("inst", "institution", "an institution", "een instelling")
    for i in range(40):
        data.nodes[f"i{i}"] = ViewNode(f"i{i}", "intervention", f"intervention {i}", f"interventie {i}")
        data.edges.append(ViewEdge(f"i{i}", f"p{i % 4}", "underPriority", basis="structure"))
        data.edges.append(ViewEdge(f"i{i}", "law", "refersTo", basis="stated"))
        data.edges.append(ViewEdge(f"i{i}", "inst", "involves", basis="reading", reason="why"))
        counts = data.involvement.setdefault("inst", {}).setdefault(f"p{i % 4}", Involvement(0))
        counts.interventions += 1
        counts.readings += 1
    data.edges.sort(key=lambda e: (e.source, e.relation, e.target))
    monkeypatch.setattr(limits, "DRAW_AT_MOST", 10)
    views = {v.slug: v for v in define_views(data)}
    for slug in ("overview", "law-law", "institution-inst", "dependencies"):
        view = views[slug]
        assert view.title_nl and view.description_nl and view.description_nl != view.description, slug
    assert views["overview"].title_nl == "Overzicht (samengevat)"
    assert views["law-law"].title_nl == "Wet: een wet (samengevat)"
    assert views["institution-inst"].description_nl.startswith(
        "De 40 interventies die een instelling betrekken zijn te veel"
    )
    page = Tree(render_view(views["overview"], data))
    assert text_of(find_all(page.root, lambda e: e[0] == "h1")[0], "nl") == "Overzicht (samengevat)"


PLAIN = re.compile(r"^[\s×:;,.()\-—–0-9/·]*$")
"""Text that needs no translation: numbers and punctuation."""


def test_every_word_of_a_page_comes_in_english_and_in_dutch(written: Path) -> None:
    """Outside the graph's own text (table cells, the names of the languages) every word stands in a pair
    of spans, English then Dutch; options and the title carry both in data-en and data-nl."""
    for name in (
        "overview.html",
        "overlaps.html",
        "priority-digitale-veiligheid.html",
        "institution-ncsc.html",
    ):
        tree = Tree((written / name).read_text(encoding="utf-8"))
        loose: list[str] = []

        def walk(element: tuple, loose: list[str] = loose) -> None:
            tag, attrs, children = element
            if tag in ("script", "style", "td", "option", "title") or "lang" in attrs:
                return
            for child in children:
                if isinstance(child, str):
                    if not PLAIN.match(child):
                        loose.append(child.strip())
                else:
                    walk(child)

        walk(by_id(tree, "screen"))
        walk(by_id(tree, "table"))
        assert loose == [], name
        spans = find_all(tree.root, lambda e: e[0] == "span" and "lang" in e[1])
        langs = [s[1]["lang"] for s in spans]
        assert langs == ["en", "nl"] * (len(spans) // 2) and len(spans) > 40, name
        for option in find_all(tree.root, lambda e: e[0] == "option"):
            if not text_of(option).isdigit():
                assert option[1]["data-en"] == text_of(option) and option[1]["data-nl"], option
        (title,) = find_all(tree.root, lambda e: e[0] == "title")
        assert title[1]["data-en"] == text_of(title) and title[1]["data-nl"].endswith(" — policykg")
        assert title[1]["data-nl"] != title[1]["data-en"]


# --------------------------------------------------------------------------- the index


def test_every_institution_law_strategy_and_framework_has_a_view_or_a_reason(
    written: Path, data: ViewData
) -> None:
    views = define_views(data)
    own = {v.about for v in views}
    index = Tree((written / "index.html").read_text(encoding="utf-8"))
    heading = by_id(index, "unviewed")
    main = find_all(index.root, lambda e: e[0] == "main")[0]
    after = main[2][main[2].index(heading) :]
    (listing,) = [e for e in after if isinstance(e, tuple) and e[0] == "ul"][:1]
    reasons = {}
    for item in find_all(listing, lambda e: e[0] == "li"):
        label, rest = text_of(item).split(" (", 1)
        reasons[label] = rest
    missing = [
        n
        for n in data.nodes.values()
        if n.kind in ("institution", "law", "strategy", "framework") and n.id not in own
    ]
    assert missing and sorted(reasons) == sorted(n.label_en for n in missing)
    for node in missing:
        assert reasons[node.label_en].startswith(KINDS[node.kind]["en"].lower() + "): "), node.id
        assert "no intervention points to it" in reasons[node.label_en]
    assert (
        reasons["NATO"]
        == "institution): no intervention points to it, nor does anything else in the graph; no view draws it."
    )
    assert (
        "the strategy Netherlands Cybersecurity Strategy 2022-2028 (carried out by) points to it"
        in reasons["previous cabinets"]
    )
    assert (
        "the priority Digital Open Strategic Autonomy (aligns with)"
        in reasons["existing NATO and EU processes"]
    )


# --------------------------------------------------------------------------- in Chromium


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def open_page(browser, path: Path, viewport: dict[str, int] | None = None):
    page = browser.new_page(viewport=viewport or {"width": 1280, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
    page.goto(path.as_uri())
    page.wait_for_function("window.policykgView && window.policykgView.ready", timeout=15000)
    return page, errors


def test_parallel_relations_are_drawn_apart_on_screen(browser, tmp_path: Path) -> None:
    data = ViewData()
    for name in ("a", "b", "c"):
        data.nodes[name] = ViewNode(name, "intervention", f"node {name}", f"knoop {name}")
    edges = [
        ViewEdge("a", "b", "dependsOn", basis="stated"),
        ViewEdge("a", "b", "partOf", basis="stated"),
        ViewEdge("b", "a", "dependsOn", basis="reading", reason="r"),
        ViewEdge("a", "c", "dependsOn", basis="stated"),
    ]
    data.edges = edges
    copy_assets(tmp_path)
    path = tmp_path / "parallel.html"
    path.write_text(
        render_view(View("parallel", "P", "P.", "overview", ["a", "b", "c"], edges, directed=True), data)
    )
    page, errors = open_page(browser, path)
    middles = page.evaluate(
        """() => { const net = policykgView.network, out = {};
             for (const id of policykgView.edges.getIds()) {
               const e = net.body.edges[id], p = e.edgeType.getPoint(0.5);
               const a = net.getPositions([e.fromId])[e.fromId], b = net.getPositions([e.toId])[e.toId];
               out[e.fromId + '>' + e.toId + ':' + e.options.smooth.enabled + ':' + id] =
                 [p.x, p.y, (a.x + b.x) / 2, (a.y + b.y) / 2];
             } return out; }"""
    )
    between_ab = [v for k, v in middles.items() if k.startswith(("a>b", "b>a"))]
    assert len(between_ab) == 3
    for (x1, y1, *_), (x2, y2, *_) in itertools.combinations(between_ab, 2):
        assert abs(x1 - x2) + abs(y1 - y2) > 10
    # every curve leaves the straight line; the lone edge is straight
    assert all(abs(x - mx) + abs(y - my) > 5 for x, y, mx, my in between_ab)
    ((x, y, mx, my),) = [v for k, v in middles.items() if k.startswith("a>c")]
    assert abs(x - mx) + abs(y - my) < 0.5
    assert errors == []
    page.close()


PHONE = {"width": 390, "height": 844}


def test_on_a_phone_the_graph_keeps_its_room_and_nothing_scrolls_sideways(written: Path, browser) -> None:
    for name in ("overview.html", "priority-digitale-veiligheid.html", "overlaps.html"):
        page, errors = open_page(browser, written / name, PHONE)
        page.evaluate("document.getElementById('legend-details').open = false")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
        graph = page.locator("#graph").bounding_box()
        assert graph["height"] >= 0.5 * 844 and graph["width"] >= 0.9 * 390, (name, graph)
        legend = page.locator("#legend").bounding_box()
        assert legend["y"] >= graph["y"] + graph["height"] - 1, name
        # the panel of a node opens over the bottom of the screen, its close button within reach
        node = page.evaluate("policykgView.data.nodes[0].id")
        page.evaluate(f"policykgView.select({json.dumps(node)}, {{panel: true}})")
        panel = page.locator("#inspect").bounding_box()
        assert panel and panel["x"] >= 0 and panel["x"] + panel["width"] <= 390.5, name
        close = page.locator("#inspect-close").bounding_box()
        assert close and close["y"] >= 0 and close["y"] + close["height"] <= 844, name
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
        assert errors == [], name
        page.close()


ENGLISH_ONLY = [
    "All views",
    "Table of this view",
    "Node types",
    "Reach",
    "Steps",
    "Clear",
    "Language",
    "Hover a node",
    "Dutch label",
    "Nodes (",
    "Relations (",
    "Quote",
    "Back to the graph",
    "stated in the text",
    "What depends on what",
]
"""Words of the pages' own that Dutch readers must not see."""

VISIBLE_TEXT = """(lang) => {
  const skip = 'select, #kinds, #relations, #bases, #status, #details, #inspect, script';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const out = [];
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (parent.closest(skip) || !parent.getClientRects().length) continue;
    if (getComputedStyle(parent).visibility === 'hidden') continue;
    out.push(walker.currentNode.textContent);
  }
  return out.join(' ');
}"""


def test_switching_to_dutch_hides_every_english_word(written: Path, browser) -> None:
    page, errors = open_page(browser, written / "dependencies.html")
    page.evaluate("document.documentElement.lang = 'nl'")
    hidden = page.evaluate(
        "[...document.querySelectorAll('span[lang=en]')].every(s => getComputedStyle(s).display === 'none')"
    )
    assert hidden
    text = page.evaluate(VISIBLE_TEXT)
    assert [w for w in ENGLISH_ONLY if w in text] == []
    for dutch in (
        "Alle weergaven",
        "Tabel van deze weergave",
        "Soorten knopen",
        "Wat hangt af van wat",
        "Citaat",
    ):
        assert dutch in text, dutch
    page.evaluate("document.documentElement.lang = 'en'")
    assert page.evaluate(
        "[...document.querySelectorAll('span[lang=nl]')].every(s => getComputedStyle(s).display === 'none')"
    )
    english = page.evaluate(VISIBLE_TEXT)
    assert all(w in english for w in ("All views", "Node types", "Quote")) and "Alle weergaven" not in english
    # the language switch of the page itself sets the document's language
    page.check("input[name=lang][value=nl]")
    assert page.evaluate("document.documentElement.lang") == "nl"
    assert page.locator("h1 span[lang=nl]").is_visible() and not page.locator("h1 span[lang=en]").is_visible()
    assert errors == []
    page.close()


def test_axe_finds_nothing_serious_on_a_priority_view_and_the_overview(written: Path, browser) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from test_accessibility import _failing

    axe = Axe()
    found = {}
    for name in ("priority-digitale-veiligheid.html", "overview.html"):
        for lang in ("en", "nl"):
            page, _ = open_page(browser, written / name)
            if lang == "nl":
                page.check("input[name=lang][value=nl]")
            failing = _failing(axe.run(page).response["violations"])
            if failing:
                found[f"{name} ({lang})"] = failing
            page.close()
    assert found == {}
