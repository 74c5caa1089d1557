# ruff: noqa: F811 - the fixtures imported from viewpages are parameters of the tests
"""The labels of the views, measured in Debian's Chromium from vis-network itself: at the default zoom on a
1440×900 screen no label is drawn under 11 CSS px and no two drawn labels overlap; the important nodes are
labelled, and zooming in labels more of them. No request leaves the page."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from viewpages import browser, graph_data, views  # noqa: F401 - fixtures and helpers
from viewpages import open_view as open_shared

VIEWPORT = {"width": 1440, "height": 900}
SMALLEST_PX = 11
ROUNDING_PX = 1
NCSC = "https://w3id.org/policykg/id/institution/ncsc"

# Every label vis-network draws now: its font size on screen and its box in CSS px of the canvas. A node
# is drawn when its bounding box meets the canvas widened by 20 px, as vis-network decides.
DRAWN_LABELS = """() => {
  const api = policykgView, network = api.network;
  network.redraw();
  const scale = network.getScale();
  const canvas = network.canvas.frame.canvas;
  const width = canvas.clientWidth, height = canvas.clientHeight;
  const from = network.DOMtoCanvas({x: -20, y: -20});
  const to = network.DOMtoCanvas({x: width + 20, y: height + 20});
  const area = {left: from.x, top: from.y, right: to.x, bottom: to.y};
  const labels = [];
  for (const id of api.nodeView.getIds()) {
    const node = network.body.nodes[id];
    if (!node.options.label || !node.isBoundingBoxOverlappingWith(area)) continue;
    const size = node.labelModule.size;
    const a = network.canvasToDOM({x: size.left, y: size.top});
    const b = network.canvasToDOM({x: size.left + size.width, y: size.top + size.height});
    labels.push({
      id, text: node.options.label, kind: api.data.byId[id].kind,
      px: node.options.font.size * scale, drawnPx: node.labelModule.fontOptions.size * scale,
      box: [a.x, a.y, b.x, b.y],
      lines: Object.values(node.labelModule.lines).map((l) => l.blocks.map((b) => b.text).join("")),
    });
  }
  const inside = api.nodeView.getIds().filter((id) => {
    const p = network.canvasToDOM(network.getPositions([id])[id]);
    return p.x >= 0 && p.x <= width && p.y >= 0 && p.y <= height;
  });
  return {labels, inside, shown: api.nodeView.getIds().length, width, height, scale};
}"""


def priority_view(views: Path) -> str:
    """The priority view with the most nodes."""
    pages = sorted(views.glob("priority-*.html"))
    assert pages
    return max(pages, key=lambda p: len(graph_data(p)["nodes"])).name


def open_view(browser, path: Path):
    """A view at 1440×900, once its labels are placed."""
    page, errors, outside = open_shared(browser, path, viewport=VIEWPORT)
    page.wait_for_function("document.readyState === 'complete'")
    frames(page)
    return page, errors, outside


def frames(page) -> None:
    """Wait for two frames, so that what the page changed is drawn."""
    page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


def label_px(page) -> list[float]:
    return page.evaluate(
        """() => {
          const api = policykgView, scale = api.network.getScale();
          return api.nodeView.getIds().map((id) => api.network.body.nodes[id])
            .filter((n) => n.options.label).map((n) => n.options.font.size * scale);
        }"""
    )


def settle(page, px: float) -> None:
    """Wait until every label is again ``px`` on screen (the labels are placed again a little after the
    view changes), then for two frames; if that never happens, the rule's checks tell what is wrong."""
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            """(px) => {
              const api = policykgView, scale = api.network.getScale();
              const sizes = api.nodeView.getIds().map((id) => api.network.body.nodes[id])
                .filter((n) => n.options.label).map((n) => n.options.font.size * scale);
              return sizes.length > 0 && sizes.every((size) => Math.abs(size - px) < 0.5);
            }""",
            arg=px,
            timeout=5000,
        )
    frames(page)


def overlaps(a: list[float], b: list[float]) -> bool:
    return (
        a[0] < b[2] - ROUNDING_PX
        and b[0] < a[2] - ROUNDING_PX
        and a[1] < b[3] - ROUNDING_PX
        and b[1] < a[3] - ROUNDING_PX
    )


def check_rule(drawn: dict) -> list[dict]:
    """Every label drawn is at least 11 px on screen, and none overlaps another; returns the labels."""
    labels = drawn["labels"]
    small = [(label["text"], round(label["px"], 2)) for label in labels if label["px"] < SMALLEST_PX]
    assert not small, f"labels under {SMALLEST_PX} px: {small[:10]}"
    assert all(label["drawnPx"] >= SMALLEST_PX for label in labels)
    clashes = [
        (one["text"], other["text"])
        for i, one in enumerate(labels)
        for other in labels[i + 1 :]
        if overlaps(one["box"], other["box"])
    ]
    assert not clashes, f"overlapping labels: {clashes[:10]}"
    for label in labels:
        left, top, right, bottom = label["box"]
        assert right > left and bottom > top, label
    # a label wraps between words, never inside one ("jeugdbeschermingsstelse" / "l")
    cut = [
        (label["text"], label["lines"])
        for label in labels
        if any(word not in label["text"].split() for line in label["lines"] for word in line.split())
    ]
    assert not cut, f"labels cut inside a word: {cut[:5]}"
    return labels


def view_names(views: Path) -> list[str]:
    return ["overview.html", priority_view(views), "overlaps.html", "dependencies.html"]


@pytest.mark.parametrize("index", range(4))
def test_labels_at_the_default_zoom_are_readable_and_apart(views: Path, browser, index: int) -> None:
    name = view_names(views)[index]
    data = graph_data(views / name)
    page, errors, outside = open_view(browser, views / name)
    drawn = page.evaluate(DRAWN_LABELS)
    labels = check_rule(drawn)
    by_id = {n["id"]: n for n in data["nodes"]}
    # the names are the nodes' own, in English
    assert all(label["text"] == by_id[label["id"]]["label_en"] for label in labels)
    # the important nodes are labelled, and a fair share of the rest
    labelled = {label["id"] for label in labels}
    priorities = {n["id"] for n in data["nodes"] if n["kind"] == "priority"} & set(drawn["inside"])
    assert priorities <= labelled, sorted(priorities - labelled)
    least = 15 if name == "overview.html" else 0.4 * drawn["shown"]
    assert len(labels) >= least, (name, len(labels), drawn["shown"])
    assert errors == [] and outside == []
    page.close()


@pytest.mark.parametrize("index", range(4))
def test_zooming_in_labels_more_nodes(views: Path, browser, index: int) -> None:
    name = view_names(views)[index]
    page, errors, outside = open_view(browser, views / name)
    before = page.evaluate(DRAWN_LABELS)
    px = min(label_px(page))
    page.evaluate(
        "policykgView.network.moveTo({scale: 2 * policykgView.network.getScale(), animation: false})"
    )
    settle(page, px)
    after = page.evaluate(DRAWN_LABELS)
    assert after["scale"] == pytest.approx(2 * before["scale"])
    labels = check_rule(after)
    # of the nodes still in sight, more have a label than at the default zoom (unless all of them had)
    in_sight = set(after["inside"])
    had = {label["id"] for label in before["labels"]} & in_sight
    has = {label["id"] for label in labels} & in_sight
    assert len(has) > len(had) or has == in_sight, (name, len(in_sight), len(had), len(has))
    # and zooming out again takes labels away, keeping the rule
    page.evaluate(
        "policykgView.network.moveTo({scale: policykgView.network.getScale() / 4, animation: false})"
    )
    settle(page, px)
    smaller = check_rule(page.evaluate(DRAWN_LABELS))
    assert len(smaller) <= len(before["labels"]), (name, len(before["labels"]), len(smaller))
    assert errors == [] and outside == []
    page.close()


@pytest.mark.parametrize("index", range(4))
def test_dutch_labels_keep_the_rule(views: Path, browser, index: int) -> None:
    name = view_names(views)[index]
    data = graph_data(views / name)
    by_id = {n["id"]: n for n in data["nodes"]}
    page, errors, outside = open_view(browser, views / name)
    px = min(label_px(page))
    page.click("input[name=lang][value=nl]")
    page.wait_for_function("document.documentElement.lang === 'nl'")
    settle(page, px)
    labels = check_rule(page.evaluate(DRAWN_LABELS))
    assert labels
    assert all(label["text"] == by_id[label["id"]]["label_nl"] for label in labels)
    assert any(by_id[label["id"]]["label_nl"] != by_id[label["id"]]["label_en"] for label in labels)
    # and back to English
    page.click("input[name=lang][value=en]")
    page.wait_for_function("document.documentElement.lang === 'en'")
    settle(page, px)
    labels = check_rule(page.evaluate(DRAWN_LABELS))
    assert all(label["text"] == by_id[label["id"]]["label_en"] for label in labels)
    assert errors == [] and outside == []
    page.close()


def test_the_selected_node_is_labelled_in_bold_and_apart(views: Path, browser) -> None:
    page, errors, outside = open_view(browser, views / "overview.html")
    px = min(label_px(page))
    page.click("#search")
    page.keyboard.type("ncsc")
    page.keyboard.press("Enter")
    assert page.evaluate("policykgView.selected()") == NCSC
    settle(page, px)
    labels = check_rule(page.evaluate(DRAWN_LABELS))
    assert NCSC in {label["id"] for label in labels}
    assert page.evaluate(f"policykgView.network.body.nodes[{json.dumps(NCSC)}].labelModule.selectedState")
    # the nodes marked are labelled before the others: at least half of them have a label
    highlighted = set(page.evaluate("policykgView.highlighted()"))
    assert len(highlighted) > 1
    assert 2 * len(highlighted & {label["id"] for label in labels}) >= len(highlighted)
    # the labels keep their colour, dimmed or not, and their size
    fonts = page.evaluate("policykgView.nodes.get().filter((n) => n.label).map((n) => n.font)")
    scale = page.evaluate("policykgView.network.getScale()")
    assert {font.get("color") for font in fonts} == {"#343434", "#cccccc"}
    assert all(font["size"] * scale == pytest.approx(px) for font in fonts)
    page.click("#clear")
    settle(page, px)
    check_rule(page.evaluate(DRAWN_LABELS))
    assert errors == [] and outside == []
    page.close()


def test_hidden_kinds_take_no_part_and_a_smaller_canvas_is_relabelled(views: Path, browser) -> None:
    page, errors, outside = open_view(browser, views / "overview.html")
    px = min(label_px(page))
    page.uncheck("#kinds input[data-key=theme]")
    settle(page, px)
    drawn = page.evaluate(DRAWN_LABELS)
    check_rule(drawn)
    assert 0 < drawn["shown"] < page.evaluate("policykgView.nodes.length")
    assert drawn["labels"] and all(label["kind"] != "theme" for label in drawn["labels"])
    page.check("#kinds input[data-key=theme]")
    settle(page, px)
    # a script that resizes the canvas (to print it, or to save it as an image) asks for the labels again
    page.set_viewport_size({"width": 900, "height": 700})
    page.evaluate(
        "policykgView.network.redraw(); policykgView.network.fit({animation: false}); policykgView.relabel()"
    )
    drawn = page.evaluate(DRAWN_LABELS)
    assert drawn["width"] < VIEWPORT["width"] - 400
    labels = check_rule(drawn)
    assert len(labels) >= 5
    assert errors == [] and outside == []
    page.close()
