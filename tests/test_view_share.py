# ruff: noqa: F811 - the fixtures imported from viewpages are parameters of the tests
"""The views shared and carried elsewhere: every shortest path between two nodes, the filter by priority, the
filters, path and language kept in the link, the language kept from one view to the next, a PNG of the
view, one printed A4 page, and the legend folded on a phone. In Debian's Chromium; no request leaves the page.

What the pages should show is worked out here from the page's own data (with networkx for the paths)."""

from __future__ import annotations

import io
import re
import zlib
from pathlib import Path

import networkx as nx
import pytest
from playwright.sync_api import expect
from viewpages import browser, graph_data, open_view, views  # noqa: F401 - fixtures and helpers

DIM = "#e4e4e4"
PHONE = {"width": 390, "height": 844}


# --------------------------------------------------------------------------- what the data says


def legend_basis(edge: dict) -> str:
    return "reading" if edge["basis"] == "reading" else "stated"


def line_kept(edge: dict, relations=(), bases=()) -> bool:
    return edge["relation"] not in relations and not (edge["basis"] and legend_basis(edge) in bases)


def expected_shown(data: dict, kinds=(), relations=(), bases=(), priorities=()) -> set[str]:
    """The nodes a view shows under its filters: not of an unticked type, not only of unticked priorities,
    and left with a line shown unless it had none in the view."""
    candidates = {
        n["id"]
        for n in data["nodes"]
        if n["kind"] not in kinds and not (n["priorities"] and set(n["priorities"]) <= set(priorities))
    }
    had_line = {e[end] for e in data["edges"] for end in ("from", "to")}
    linked = {
        e[end]
        for e in data["edges"]
        if line_kept(e, relations, bases) and e["from"] in candidates and e["to"] in candidates
        for end in ("from", "to")
    }
    return {n for n in candidates if n in linked or n not in had_line}


def shown_graph(data: dict, directed: bool, relations=()) -> nx.Graph:
    shown = expected_shown(data, relations=relations)
    graph = nx.DiGraph() if directed else nx.Graph()
    graph.add_nodes_from(shown)
    for e in data["edges"]:
        if line_kept(e, relations) and e["from"] in shown and e["to"] in shown:
            graph.add_edge(e["from"], e["to"])
    return graph


def expected_paths(data: dict, start: str, end: str, directed: bool, relations=()) -> dict | None:
    """Every shortest path as networkx finds it over the lines shown: how many, their length, their nodes
    and the lines (by the page's edge ids) between consecutive nodes of one of them."""
    graph = shown_graph(data, directed, relations)
    try:
        paths = list(nx.all_shortest_paths(graph, start, end))
    except nx.NetworkXNoPath:
        return None
    pairs = {(u, v) for p in paths for u, v in zip(p[:-1], p[1:], strict=True)}
    edges = {
        f"e{i}"
        for i, e in enumerate(data["edges"])
        if (e["from"], e["to"]) in pairs or (not directed and (e["to"], e["from"]) in pairs)
    }
    return {
        "count": len(paths),
        "steps": len(paths[0]) - 1,
        "nodes": {n for p in paths for n in p},
        "edges": edges,
    }


def pick_pair(data: dict, case: str) -> tuple[str, str, bool, tuple[str, ...]]:
    """Two nodes for a case: ``many`` the pair 3 or more steps apart with the most shortest paths;
    ``arrows`` the pair farthest apart following the arrows; ``none`` two nodes linked only against the
    arrows; ``filtered`` the pair whose distance grows most when the relation 'addresses' is hidden."""
    either = shown_graph(data, False)
    lengths = dict(nx.all_pairs_shortest_path_length(either))
    pairs = sorted((a, b) for a in lengths for b in lengths[a] if a < b)
    if case == "many":
        far = [p for p in pairs if lengths[p[0]][p[1]] >= 3]
        best = max(far, key=lambda p: sum(1 for _ in nx.all_shortest_paths(either, *p)))
        return best[0], best[1], False, ()
    directed = shown_graph(data, True)
    if case == "arrows":
        forward = dict(nx.all_pairs_shortest_path_length(directed))
        best = max(sorted((a, b) for a in forward for b in forward[a]), key=lambda p: forward[p[0]][p[1]])
        return best[0], best[1], True, ()
    if case == "none":
        a, b = next((b, a) for a, b in sorted(directed.edges) if not nx.has_path(directed, b, a))
        return a, b, True, ()
    filtered = shown_graph(data, False, ("addresses",))
    within = dict(nx.all_pairs_shortest_path_length(filtered))
    grown = [p for p in pairs if p[0] in within and p[1] in within[p[0]]]
    best = max(grown, key=lambda p: within[p[0]][p[1]] - lengths[p[0]][p[1]])
    assert within[best[0]][best[1]] > lengths[best[0]][best[1]]
    return best[0], best[1], False, ("addresses",)


def colours(page) -> tuple[dict, dict]:
    """Per node its opacity and colour, per line its colour, as drawn now."""
    nodes = page.evaluate(
        "Object.fromEntries(policykgView.nodes.get().map(n => [n.id, [n.opacity,"
        " typeof n.color === 'string' ? n.color : n.color.background]]))"
    )
    lines = page.evaluate(
        "Object.fromEntries(policykgView.edges.get().map(e => [e.id,"
        " typeof e.color === 'string' ? e.color : e.color.color]))"
    )
    return nodes, lines


def shown_now(page) -> set[str]:
    ids = set(page.evaluate("policykgView.nodeView.getIds()"))
    assert ids == set(page.evaluate("policykgView.network.body.nodeIndices"))
    return ids


def graph_named(page, text: str) -> None:
    """The graph's accessible name, in the page's language, holds ``text``."""
    expect(page.locator("#graph")).to_have_accessible_name(re.compile(re.escape(text)), timeout=2000)


def rgb(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


# --------------------------------------------------------------------------- paths


@pytest.mark.parametrize("case", ["many", "arrows", "none", "filtered"])
def test_a_path_marks_every_shortest_path_networkx_finds(views: Path, browser, case: str) -> None:
    data = graph_data(views / "overview.html")
    start, end, follow, hidden = pick_pair(data, case)
    expected = expected_paths(data, start, end, follow, hidden)
    if case == "none":
        assert expected is None and expected_paths(data, start, end, False) is not None
    elif case == "many":
        assert expected["count"] >= 2 and expected["steps"] >= 3
    page, errors, outside = open_view(browser, views / "overview.html")
    for relation in hidden:
        page.uncheck(f"#relations input[data-key={relation}]")
    page.evaluate("([a, b, follow]) => policykgView.pathBetween(a, b, follow)", [start, end, follow])
    found = page.evaluate("policykgView.path()")
    status = page.inner_text("#status")
    nodes, lines = colours(page)
    way = "following the arrows" if follow else "ignoring direction"
    if expected is None:
        assert found["count"] == 0 and found["nodes"] == [] and found["edges"] == []
        assert status.endswith("· no path"), status
        marked = {start, end}
        assert {n for n, (opacity, _) in nodes.items() if opacity == 1} == marked
        assert all(colour == DIM for colour in lines.values())
    else:
        assert (found["count"], found["steps"]) == (expected["count"], expected["steps"])
        assert set(found["nodes"]) == expected["nodes"] and set(found["edges"]) == expected["edges"]
        paths = "path" if expected["count"] == 1 else "paths"
        assert f"{expected['count']} shortest {paths} of {expected['steps']} steps, {way}" in status, status
        for node, (opacity, colour) in nodes.items():
            assert (opacity == 1) == (node in expected["nodes"]), node
            assert (colour == DIM) == (node not in expected["nodes"]), node
        for line, colour in lines.items():
            assert (colour != DIM) == (line in expected["edges"]), line
        assert sorted(page.evaluate("policykgView.highlighted()")) == sorted(expected["nodes"])
    fragment = page.evaluate("location.hash")
    assert f"from={start.replace(':', '%3A').replace('/', '%2F')}" in fragment, fragment
    assert f"to={end.replace(':', '%3A').replace('/', '%2F')}" in fragment
    assert ("path=arrows" in fragment) == follow
    assert errors == [] and outside == []
    page.close()


def test_both_ends_are_chosen_with_the_keyboard_and_clear_restores_everything(views: Path, browser) -> None:
    data = graph_data(views / "overview.html")
    start, end, _, _ = pick_pair(data, "many")
    labels = {n["id"]: n["label_en"] for n in data["nodes"]}
    page, errors, outside = open_view(browser, views / "overview.html")
    # colours, not label sizes, which view-labels.js sets for the view on screen
    snapshot = "policykgView.nodes.get().map(n => [n.id, n.color, n.opacity, n.font.color])"
    lines = "policykgView.edges.get().map(e => [e.id, e.color])"
    before = page.evaluate(snapshot), page.evaluate(lines)
    assert not page.locator("#path-bar").is_visible()
    for node, button in ((start, "path-from"), (end, "path-to")):
        page.fill("#search", "")
        page.focus("#search")
        page.keyboard.type(labels[node])
        page.keyboard.press("Enter")
        assert page.evaluate("policykgView.selected()") == node
        assert page.evaluate("document.activeElement.id") == "inspect-title"
        for _ in range(200):  # the panel's buttons are reached with Tab
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == button:
                break
        else:
            pytest.fail(f"Tab never reached #{button}")
        name = "Path from here" if button == "path-from" else "Path to here"
        assert page.get_by_role("button", name=name).count() == 1
        page.keyboard.press("Enter")
        if button == "path-from":
            assert "choose “Path to here”" in page.inner_text("#status")
            assert page.locator("#path-bar").is_visible()
    expected = expected_paths(data, start, end, False)
    assert set(page.evaluate("policykgView.path().nodes")) == expected["nodes"]
    assert f"{expected['count']} shortest paths" in page.inner_text("#inspect .path-result")
    # the direction is a labelled select in the bar
    assert page.get_by_label("Lines").count() == 1
    page.select_option("#path-way", "arrows")
    assert page.evaluate("policykgView.path().follow") is True
    directed = expected_paths(data, start, end, True)
    assert page.evaluate("policykgView.path().count") == (directed["count"] if directed else 0)
    page.focus("#clear")
    page.keyboard.press("Enter")
    after = page.evaluate(snapshot), page.evaluate(lines)
    assert after == before
    assert page.evaluate("policykgView.path()")["from"] is None
    assert not page.locator("#path-bar").is_visible()
    assert "from=" not in page.evaluate("location.hash") and "path" not in page.inner_text("#status").lower()
    assert errors == [] and outside == []
    page.close()


# --------------------------------------------------------------------------- filters


def test_the_legend_lists_the_priorities_and_filters_by_them(views: Path, browser) -> None:
    data = graph_data(views / "overview.html")
    priorities = [p["id"] for p in data["priorityList"]]
    assert len(priorities) >= 2
    page, errors, outside = open_view(browser, views / "overview.html")
    rows = page.evaluate(
        "Array.from(document.querySelectorAll('#priorities li')).map(li => [li.innerText.trim(),"
        " getComputedStyle(li.querySelector('.swatch')).backgroundColor, li.querySelector('input').checked])"
    )
    assert [r[0] for r in rows] == [p["label_en"] for p in data["priorityList"]]
    colour = data["kinds"]["priority"]["color"]
    assert [r[1] for r in rows] == [rgb(p.get("color") or colour) for p in data["priorityList"]]
    assert all(r[2] for r in rows)
    assert page.get_by_role("list", name="Priorities").count() == 1
    # a node of several priorities stays while one of them is ticked
    shared = next(n for n in data["nodes"] if len(n["priorities"]) >= 2)
    first = priorities.index(shared["priorities"][0])
    page.uncheck(f"#priorities li:nth-child({first + 1}) input")
    expected = expected_shown(data, priorities=[priorities[first]])
    assert shown_now(page) == expected and shared["id"] in expected
    assert 0 < len(expected) < len(data["nodes"])
    for p in shared["priorities"]:
        page.uncheck(f"#priorities li:nth-child({priorities.index(p) + 1}) input")
    expected = expected_shown(data, priorities=shared["priorities"])
    assert shown_now(page) == expected and shared["id"] not in expected
    page.uncheck("#kinds input[data-key=law]")
    expected = expected_shown(data, kinds=["law"], priorities=shared["priorities"])
    assert shown_now(page) == expected
    assert f"{len(expected)} / {len(data['nodes'])} nodes shown" in page.inner_text("#status")
    assert errors == [] and outside == []
    page.close()


@pytest.mark.parametrize(
    ("view", "kinds", "relations", "bases"),
    [
        ("overview", ["intervention"], [], []),
        ("overview", [], ["addresses", "involves"], []),
        ("priority-digitale-veiligheid", ["institution"], [], ["reading"]),
        ("dependencies", ["institution"], [], []),
    ],
)
def test_a_node_left_with_no_line_is_hidden(
    views: Path, browser, view: str, kinds: list[str], relations: list[str], bases: list[str]
) -> None:
    data = graph_data(views / f"{view}.html")
    expected = expected_shown(data, kinds, relations, bases)
    untouched = {n["id"] for n in data["nodes"] if n["kind"] not in kinds}
    assert expected < untouched, "the case hides no node for having no line left"
    page, errors, outside = open_view(browser, views / f"{view}.html")
    for group, keys in (("kinds", kinds), ("relations", relations), ("bases", bases)):
        for key in keys:
            page.uncheck(f"#{group} input[data-key={key}]")
    assert shown_now(page) == expected
    lines = [e for e in data["edges"] if line_kept(e, relations, bases) and {e["from"], e["to"]} <= expected]
    assert page.evaluate("policykgView.network.body.edgeIndices.length") == len(lines)
    # the graph's accessible name says what is drawn now
    graph_named(page, f": a graph of {len(expected)} nodes and {len(lines)} relations (filtered;")
    page.check("input[name=lang][value=nl]")
    graph_named(page, f": een graaf van {len(expected)} knopen en {len(lines)} relaties (gefilterd;")
    for group, keys in (("kinds", kinds), ("relations", relations), ("bases", bases)):
        for key in keys:
            page.check(f"#{group} input[data-key={key}]")
    assert shown_now(page) == {n["id"] for n in data["nodes"]}
    expect(page.locator("#graph")).to_have_accessible_name(
        re.compile(f": een graaf van {len(data['nodes'])} knopen en {len(data['edges'])} relaties$")
    )
    assert errors == [] and outside == []
    page.close()


def test_filters_path_and_language_come_back_from_the_link(views: Path, browser) -> None:
    data = graph_data(views / "overview.html")
    start, end, _, _ = pick_pair(data, "many")
    page, errors, outside = open_view(browser, views / "overview.html")
    page.uncheck("#kinds input[data-key=law]")
    page.uncheck("#relations input[data-key=addresses]")
    page.uncheck("#bases input[data-key=reading]")
    page.uncheck("#priorities li:nth-child(2) input")
    page.check("input[name=lang][value=nl]")
    page.evaluate("([a, b]) => policykgView.pathBetween(a, b, true)", [start, end])
    fragment = page.evaluate("location.hash")
    assert "hide=kind:law,rel:addresses,basis:reading,priority:1" in fragment, fragment
    assert "lang=nl" in fragment and "path=arrows" in fragment and "from=https%3A%2F%2F" in fragment
    expected = expected_shown(data, ["law"], ["addresses"], ["reading"], [data["priorityList"][1]["id"]])
    assert shown_now(page) == expected
    found = page.evaluate("policykgView.path()")
    status = page.inner_text("#status")

    again, errors_again, outside_again = open_view(browser, views / "overview.html", fragment)
    assert shown_now(again) == expected
    unticked = again.evaluate(
        "Array.from(document.querySelectorAll('input[type=checkbox][data-group]:not(:checked)'))"
        ".map(b => b.dataset.group + ':' + b.dataset.key)"
    )
    priority = data["priorityList"][1]["id"]
    assert sorted(unticked) == sorted(["kind:law", "rel:addresses", "basis:reading", f"priority:{priority}"])
    assert again.evaluate("policykgView.path()") == found
    assert again.inner_text("#status") == status
    assert "kortste pad" in status or "geen pad" in status
    assert again.evaluate("document.documentElement.lang") == "nl"
    assert again.evaluate("location.hash") == fragment
    # a link that names unknown filters or nodes is read as far as it makes sense
    again.evaluate("location.hash = 'hide=kind:nothing,priority:99,rel:addresses&from=nowhere&to=' + 'x'")
    again.wait_for_function("policykgView.filterState() === 'rel:addresses'")
    assert again.evaluate("policykgView.path().from") is None
    assert errors == errors_again == [] and outside == outside_again == []
    page.close()
    again.close()


# --------------------------------------------------------------------------- language


def test_the_language_chosen_in_one_view_is_kept_in_the_next(views: Path, browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page, errors, outside = open_view(context, views / "overview.html")
    assert page.evaluate("document.documentElement.lang") == "en"
    # the page's title and options carry both languages in data-en and data-nl
    options = page.evaluate(
        "Array.from(document.querySelectorAll('option[data-nl]')).map(o => [o.dataset.en, o.dataset.nl])"
    )
    assert options and page.locator("title[data-nl]").count() == 1
    title_nl = page.get_attribute("title", "data-nl")
    page.check("input[name=lang][value=nl]")
    assert page.evaluate("document.title") == title_nl != page.get_attribute("title", "data-en")
    shown = page.evaluate("Array.from(document.querySelectorAll('option[data-nl]')).map(o => o.textContent)")
    assert shown == [nl for _, nl in options]
    assert page.evaluate("localStorage.getItem('policykg-lang')") == "nl"
    assert page.get_attribute("header a[href^='index.html']", "href") == "index.html#lang=nl"
    assert page.locator("header h1 span[lang=nl]").is_visible()
    page.check("input[name=lang][value=en]")
    assert page.evaluate("document.title") == page.get_attribute("title", "data-en")
    assert page.get_attribute("header a[href^='index.html']", "href") == "index.html"
    page.check("input[name=lang][value=nl]")

    data = graph_data(views / "priority-digitale-veiligheid.html")
    other, errors_other, outside_other = open_view(context, views / "priority-digitale-veiligheid.html")
    assert other.evaluate("document.documentElement.lang") == "nl"
    assert other.is_checked("input[name=lang][value=nl]")
    assert "knopen zichtbaar" in other.inner_text("#status")
    assert other.inner_text("#kinds li:first-child") == data["kinds"][data["presentKinds"][0]]["nl"]
    assert other.inner_text("#priorities li") == data["priorityList"][0]["label_nl"]
    node = data["nodes"][0]
    assert other.evaluate(f"policykgView.nodes.get({node['id']!r}).label") == node["label_nl"]
    assert other.get_attribute("#search", "placeholder") == "Zoek een knoop"
    graph_named(other, "een graaf van")
    assert "lang=nl" in other.evaluate("location.hash")
    assert other.evaluate("document.title") == other.get_attribute("title", "data-nl")
    # the link's language wins over the one kept
    third, errors_third, outside_third = open_view(context, views / "overlaps.html", "#lang=en")
    assert third.evaluate("document.documentElement.lang") == "en"
    assert "nodes shown" in third.inner_text("#status")
    assert third.evaluate("localStorage.getItem('policykg-lang')") == "en"
    assert errors == errors_other == errors_third == []
    assert outside == outside_other == outside_third == []
    context.close()


# --------------------------------------------------------------------------- PNG and print


def test_download_png_gives_the_view_as_drawn(views: Path, browser, tmp_path: Path) -> None:
    from PIL import Image

    page, errors, outside = open_view(browser, views / "overview.html")
    width, height = page.evaluate(
        "(c => [c.clientWidth, c.clientHeight])(document.querySelector('#graph canvas'))"
    )
    assert page.get_by_role("button", name="Download PNG").count() == 1
    page.focus("#download-png")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename == "overview.png"
    target = tmp_path / "overview.png"
    download.save_as(target)
    raw = target.read_bytes()
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(raw)).convert("RGB")
    # twice the size drawn on the screen, with a band for the title above
    assert image.size == (2 * width, 2 * (height + 40))
    pixels = image.width * image.height
    grey = image.convert("L")
    assert sum(grey.histogram()[:230]) > 0.01 * pixels, "almost nothing drawn"
    assert len(image.getcolors(maxcolors=pixels)) > 50
    band = grey.crop((0, 0, image.width, 80))
    assert sum(band.histogram()[:100]) > 200, "no title drawn"
    assert image.getpixel((image.width - 1, image.height - 1)) == (255, 255, 255)
    # the screen is drawn as before
    assert page.evaluate("(c => c.width === c.clientWidth)(document.querySelector('#graph canvas'))")
    assert errors == [] and outside == []
    page.close()


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def pdf_images(pdf: bytes) -> list[dict]:
    """The images of a PDF that Chromium writes: size, colour space and the inflated pixels."""
    found = []
    for match in re.finditer(rb"<<((?:(?!>>).)*?/Subtype\s*/Image(?:(?!>>).)*)>>\s*stream\r?\n", pdf, re.S):
        head = match.group(1)
        length = int(re.search(rb"/Length\s+(\d+)", head).group(1))
        body = pdf[match.end() : match.end() + length]
        width, height = (
            int(re.search(rb"/%s\s+(\d+)" % key, head).group(1)) for key in (b"Width", b"Height")
        )
        pixels = zlib.decompress(body) if b"/FlateDecode" in head else b""
        found.append({"width": width, "height": height, "grey": b"/DeviceGray" in head, "pixels": pixels})
    return found


def test_print_gives_one_a4_page_with_the_graph_and_its_legend(views: Path, browser) -> None:
    page, errors, outside = open_view(browser, views / "overview.html")
    page.emulate_media(media="print")
    # the view as it is when printing starts (emulating print resizes the graph's box, and so the view)
    page.wait_for_function(
        "document.querySelector('#graph canvas').width === document.getElementById('graph').clientWidth"
    )
    view = page.evaluate("[policykgView.network.getScale(), policykgView.network.getViewPosition()]")
    for hidden in (".controls", "#search", "#status", "#inspect-close"):
        assert page.evaluate(f"getComputedStyle(document.querySelector('{hidden}')).display") == "none", (
            hidden
        )
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    if page.locator("#legend-details").count():
        assert page.evaluate("document.getElementById('legend-details').open")
    graph, legend = (page.locator(s).bounding_box() for s in ("#graph", "#legend"))
    assert legend["x"] >= graph["x"] + graph["width"] or legend["y"] >= graph["y"] + graph["height"]
    # the drawing is resized to its box on paper, at twice the pixels
    canvas = page.evaluate("(c => [c.width, c.clientWidth])(document.querySelector('#graph canvas'))")
    assert canvas[0] == 2 * canvas[1] and abs(canvas[1] - graph["width"]) <= 2
    # Chromium sends beforeprint (already handled) and afterprint around the PDF
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    assert pdf.startswith(b"%PDF") and pdf_pages(pdf) == 1
    box = [float(v) for v in re.search(rb"/MediaBox\s*\[([^\]]*)\]", pdf).group(1).split()]
    assert box[2] - box[0] == pytest.approx(842, abs=2) and box[3] - box[1] == pytest.approx(595, abs=2), box
    # the graph is in the page as an image of the canvas, and it is not blank
    drawn = [i for i in pdf_images(pdf) if not i["grey"] and i["width"] >= canvas[0] - 2]
    assert drawn, [(i["width"], i["height"]) for i in pdf_images(pdf)]
    mask = next(i for i in pdf_images(pdf) if i["grey"] and i["width"] == drawn[0]["width"])
    painted = sum(1 for alpha in mask["pixels"] if alpha > 64)
    assert painted > 0.01 * mask["width"] * mask["height"], "the printed graph is blank"
    colours = {drawn[0]["pixels"][i : i + 3] for i in range(0, len(drawn[0]["pixels"]), 3 * 97)}
    assert len(colours) > 10
    # after printing the view is as it was
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    scale, position = page.evaluate(
        "[policykgView.network.getScale(), policykgView.network.getViewPosition()]"
    )
    assert scale == pytest.approx(view[0]) and position == pytest.approx(view[1])
    page.emulate_media(media="screen")
    # drawn at the screen's pixel ratio again, once vis-network has seen its box grow back
    page.wait_for_function(
        "(c => c.width === c.clientWidth && c.clientWidth === document.getElementById('graph').clientWidth)"
        "(document.querySelector('#graph canvas'))",
        timeout=5000,
    )
    if page.locator("#legend-details").count():
        assert page.evaluate("document.getElementById('legend-details').open")
    assert errors == [] and outside == []
    page.close()


def test_the_legend_is_folded_on_a_phone_and_open_on_a_desktop(views: Path, browser) -> None:
    for viewport, open_ in ((PHONE, False), ({"width": 1280, "height": 800}, True)):
        page, errors, outside = open_view(browser, views / "overview.html", viewport=viewport)
        assert page.locator("#legend-details").count() == 1, "the template has no <details id=legend-details>"
        assert page.evaluate("document.getElementById('legend-details').open") is open_, viewport
        assert page.locator("#graph").is_visible()
        assert errors == [] and outside == []
        page.close()
