# ruff: noqa: F811 - the fixtures imported from viewpages are parameters of the tests
"""The views without a mouse, and shared: search over labels and alternative labels with a list of
candidates, the panel of a node and its relations, reach up- and downstream, and links that keep the state
in the fragment. In Debian's Chromium; no request leaves the page."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

import pytest
from viewpages import browser, graph_data, open_view, views  # noqa: F401 - fixtures and helpers

NCSC = "https://w3id.org/policykg/id/institution/ncsc"
DSA = "https://w3id.org/policykg/id/law/dsa"
NDS = "https://w3id.org/policykg/id/strategy/nds"


def reach(data: dict, start: str, direction: str, steps: int | None) -> set[str]:
    """What the view should mark: downstream follows lines backwards (what points at the node), upstream
    forwards; ``steps`` None for all."""
    following: dict[str, set[str]] = defaultdict(set)
    for edge in data["edges"]:
        if direction in ("up", "both"):
            following[edge["from"]].add(edge["to"])
        if direction in ("down", "both"):
            following[edge["to"]].add(edge["from"])
    seen, frontier, depth = {start}, {start}, 0
    while frontier and (steps is None or depth < steps):
        frontier = {o for n in frontier for o in following[n]} - seen
        seen |= frontier
        depth += 1
    return seen


def test_search_finds_alternative_labels_and_ranks_them_first(views: Path, browser) -> None:
    page, errors, outside = open_view(browser, views / "overview.html")
    for query, expected in (("NCSC", NCSC), ("nds", NDS), ("DSA", DSA), ("NATIONAAL CYBER SÉCURITY", NCSC)):
        page.fill("#search", query)
        page.wait_for_selector("#candidates:not([hidden]) [role=option]")
        first = page.get_attribute("#candidates [role=option]:first-child", "data-node")
        assert first == expected, (query, page.inner_text("#candidates"))
        assert page.get_attribute("#search", "aria-expanded") == "true"
    # exact before the start of a word before anywhere in a name
    ranked = page.evaluate("policykgView.find('nds').map(c => c.rank)")
    assert ranked == sorted(ranked) and ranked[0] == 0
    page.fill("#search", "no such name at all")
    assert page.get_attribute("#search", "aria-expanded") == "false"
    assert errors == [] and outside == []
    page.close()


def test_a_candidate_chosen_with_the_keyboard_opens_the_panel(views: Path, browser) -> None:
    data = graph_data(views / "overview.html")
    page, errors, outside = open_view(browser, views / "overview.html")
    page.focus("#search")
    page.keyboard.type("DSA")
    page.wait_for_selector("#candidates:not([hidden])")
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#search", "aria-activedescendant") == "candidate-0"
    assert page.get_attribute("#candidate-0", "aria-selected") == "true"
    page.keyboard.press("Enter")
    panel = page.locator("aside#inspect")
    assert panel.is_visible() and page.inner_text("#inspect-title") == "Digital Services Act"
    assert page.evaluate("document.activeElement.id") == "inspect-title"
    assert page.evaluate("policykgView.selected()") == DSA
    into = [e for e in data["edges"] if e["to"] == DSA]
    out = [e for e in data["edges"] if e["from"] == DSA]
    assert into
    assert page.locator("#inspect .relations-in .relation").count() == len(into)
    assert page.locator("#inspect .relations-out .relation").count() == len(out)
    text = page.inner_text("#inspect")
    for edge in into:
        assert data["relations"][edge["relation"]]["en"] in text
        assert edge["quote"] and edge["quote"] in text
    assert "stated in the text" in text or "reading" in text
    assert "Digitaledienstenverordening" in text and "Law" in text
    hrefs = page.evaluate("Array.from(document.querySelectorAll('#inspect a')).map(a => a.href)")
    assert DSA in hrefs and all(h.startswith(("http://", "https://")) for h in hrefs)
    # a neighbour in the panel is reached with the keyboard, and Escape gives focus back to the search
    neighbour = data["nodes"][[n["id"] for n in data["nodes"]].index(into[0]["from"])]
    page.focus("#inspect .relations-in .other")
    page.keyboard.press("Enter")
    assert page.inner_text("#inspect-title") == neighbour["label_en"]
    assert page.evaluate("policykgView.selected()") == neighbour["id"]
    page.keyboard.press("Escape")
    assert not panel.is_visible()
    assert page.evaluate("document.activeElement.id") == "search"
    assert errors == [] and outside == []
    page.close()


@pytest.mark.parametrize(
    ("view", "direction", "steps"),
    [("dependencies", "down", "all"), ("dependencies", "up", "1"), ("overview", "down", "2")],
)
def test_reach_marks_what_the_graph_data_says(
    views: Path, browser, view: str, direction: str, steps: str
) -> None:
    data = graph_data(views / f"{view}.html")
    pointed_at: dict[str, int] = defaultdict(int)
    for edge in data["edges"]:
        pointed_at[edge["to" if direction == "down" else "from"]] += 1
    start = max(sorted(pointed_at), key=lambda n: pointed_at[n])
    expected = reach(data, start, direction, None if steps == "all" else int(steps))
    assert 1 < len(expected) < len(data["nodes"])
    page, errors, outside = open_view(browser, views / f"{view}.html")
    page.select_option("#reach-direction", direction)
    page.select_option("#reach-steps", steps)
    page.evaluate(f"policykgView.select({json.dumps(start)})")
    assert set(page.evaluate("policykgView.highlighted()")) == expected
    shown = page.evaluate(
        "policykgView.nodes.get().map(n => ({id: n.id, opacity: n.opacity, font: n.font.color,"
        " colour: typeof n.color === 'string' ? n.color : n.color.background}))"
    )
    for node in shown:
        if node["id"] in expected:
            assert node["opacity"] == 1 and node["font"] == "#343434", node
        else:
            assert node["opacity"] == 0.15 and node["colour"] == "#e4e4e4" and node["font"] == "#cccccc", node
    lines = page.evaluate(
        "policykgView.edges.get().map(e => ({from: e.from, to: e.to,"
        " colour: typeof e.color === 'string' ? e.color : e.color.color}))"
    )
    for edge in lines:
        inside = edge["from"] in expected and edge["to"] in expected
        assert (edge["colour"] != "#e4e4e4") if inside else (edge["colour"] == "#e4e4e4"), edge
    assert f"reach={direction}-{steps}" in page.evaluate("location.hash")
    assert errors == [] and outside == []
    page.close()


def test_a_shared_link_restores_the_selection(views: Path, browser) -> None:
    fragment = f"#node={quote(NCSC, safe='')}&reach=down-2&lang=nl"
    page, errors, outside = open_view(browser, views / "overview.html", fragment)
    assert page.evaluate("policykgView.selected()") == NCSC
    assert page.evaluate("policykgView.reach()") == "down-2"
    assert page.input_value("#reach-direction") == "down" and page.input_value("#reach-steps") == "2"
    assert page.is_checked("input[name=lang][value=nl]")
    assert page.inner_text("#inspect-title") == "Nationaal Cyber Security Centrum"
    expected = reach(graph_data(views / "overview.html"), NCSC, "down", 2)
    assert set(page.evaluate("policykgView.highlighted()")) == expected
    # changing the state replaces the fragment, without adding to the history
    length = page.evaluate("history.length")
    page.select_option("#reach-direction", "up")
    page.check("input[name=lang][value=en]")
    hash_now = page.evaluate("decodeURIComponent(location.hash)")
    assert f"node={NCSC}" in hash_now and "reach=up-2" in hash_now and "lang=" not in hash_now
    assert page.evaluate("history.length") == length
    assert errors == [] and outside == []
    page.close()


def test_clear_restores_the_colours_and_the_viewport(views: Path, browser) -> None:
    page, errors, outside = open_view(browser, views / "overview.html")
    snapshot = (
        "({nodes: policykgView.nodes.get().map(n => [n.id, n.color, n.opacity, n.font]),"
        " edges: policykgView.edges.get().map(e => [e.id, e.color]),"
        " position: policykgView.network.getViewPosition(), scale: policykgView.network.getScale()})"
    )
    before = page.evaluate(snapshot)
    page.select_option("#reach-steps", "all")
    page.click("#search")
    page.keyboard.type("ncsc")
    page.keyboard.press("Enter")
    assert page.evaluate("policykgView.selected()") == NCSC
    assert page.evaluate(snapshot) != before
    page.click("#clear")
    after = page.evaluate(snapshot)
    assert after["nodes"] == before["nodes"] and after["edges"] == before["edges"]
    assert after["scale"] == pytest.approx(before["scale"])
    assert after["position"] == pytest.approx(before["position"])
    assert page.evaluate("policykgView.highlighted()") == [] and not page.locator("#inspect").is_visible()
    assert "node=" not in page.evaluate("location.hash")
    assert errors == [] and outside == []
    page.close()
