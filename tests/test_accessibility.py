"""Every kind of page the build writes, in Chromium: axe-core finds nothing serious, all content sits in a
landmark, and none of them scrolls sideways on a phone.

The build is served from a loopback port by a plain file server; any request for another origin is aborted,
so the pages are checked as they are, offline. axe-core comes with the ``axe-playwright-python`` package
(see pyproject.toml's ``test`` extra).
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import copy_project, run_cli

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SEVERE = {"serious", "critical"}
"""Impacts that fail a page, whatever the rule."""
LANDMARK_RULES = {"region", "landmark-one-main"}
"""Rules that fail a page at any impact: all content in a landmark, and one main landmark."""
EDITOR = "site/sparql.html"


def _pick(folder: Path, pattern: str, share: float = 1.0) -> str:
    """A page matching ``pattern`` under ``folder``, relative to the build's dist/: by default the largest,
    with the most to go wrong; ``share`` = 0.5 takes the median-sized one, quicker for axe to check."""
    found = sorted(folder.glob(pattern), key=lambda p: (p.stat().st_size, p.name))
    assert found, pattern
    return str(found[round(share * (len(found) - 1))].relative_to(folder.parent))


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("accessible-project")
    copy_project(root)
    result = run_cli("build", root=root)
    assert result.returncode == 0, result.stderr
    return root / "dist"


@pytest.fixture(scope="module")
def pages(dist: Path) -> dict[str, str]:
    return page_kinds(dist)


def page_kinds(dist: Path) -> dict[str, str]:
    """One page of every kind, by what it is: its path under dist/."""
    site = dist / "site"
    document = next(p for p in sorted((site / "id").glob("*.html")) if (site / "id" / p.stem).is_dir())
    return {
        "home": "site/index.html",
        "document": str(document.relative_to(dist)),
        "institution": _pick(site, "id/institution/*.html"),
        "intervention": _pick(site, "id/*/intervention/*.html"),
        "passage": _pick(site, "id/*/passage/*.html"),
        "qualified relation": _pick(site, "id/*/relation/*.html"),
        "ontology": "site/def.html",
        "query gallery": "site/queries/index.html",
        "query": _pick(site, "queries/*/*.html", 0.5),
        "downloads": "site/downloads/index.html",
        "editor": EDITOR,
        "not found": "site/404.html",
        "views index": "views/index.html",
        "analysis report": "analysis/report.html",
    }


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the standard signature
        pass


@pytest.fixture(scope="module")
def origin(dist: Path) -> Iterator[str]:
    """dist/ served on a loopback port, stopped afterwards."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(dist)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    from browser import chromium

    with chromium() as b:
        yield b


def _context(browser, origin: str, viewport: dict[str, int]):
    """A browser context that reaches ``origin`` and nothing else: other requests are aborted, never sent."""
    context = browser.new_context(viewport=viewport)
    elsewhere: list[str] = []

    def route(r) -> None:
        if r.request.url.startswith(origin + "/"):
            r.continue_()
        else:
            elsewhere.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    return context, elsewhere


def _open(page, origin: str, path: str) -> None:
    response = page.goto(f"{origin}/{path}", wait_until="load")
    assert response is not None and response.ok, path
    if path == EDITOR:
        page.wait_for_selector("#yasgui .CodeMirror")


def _failing(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])}): {v['nodes'][0]['target']}"
        for v in violations
        if v["impact"] in SEVERE or v["id"] in LANDMARK_RULES
    ]


def test_axe_finds_no_serious_violation_and_all_content_is_in_landmarks(
    browser, origin: str, pages: dict[str, str]
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context, elsewhere = _context(browser, origin, DESKTOP)
    page = context.new_page()
    found = {}
    for kind, path in pages.items():
        _open(page, origin, path)
        failing = _failing(axe.run(page).response["violations"])
        if failing:
            found[f"{kind} ({path})"] = failing
    context.close()
    assert found == {}
    assert elsewhere == []


def test_no_page_scrolls_sideways_on_a_phone(browser, origin: str, pages: dict[str, str]) -> None:
    context, elsewhere = _context(browser, origin, PHONE)
    page = context.new_page()
    wide = {}
    for kind, path in pages.items():
        _open(page, origin, path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > page.evaluate("window.innerWidth"):
            wide[f"{kind} ({path})"] = width
    context.close()
    assert wide == {}
    assert elsewhere == []


def test_wide_tables_scroll_in_a_labelled_region_that_the_keyboard_reaches(
    browser, origin: str, pages: dict[str, str]
) -> None:
    """On a phone a table wider than the screen scrolls within a focusable, named region of its own."""
    context, _ = _context(browser, origin, PHONE)
    page = context.new_page()
    loose = {}
    for kind in ("institution", "qualified relation", "query", "downloads", "views index", "analysis report"):
        _open(page, origin, pages[kind])
        tables, contained = page.evaluate(
            """() => {
                 const tables = [...document.querySelectorAll('table')];
                 return [tables.length, tables.filter(t => {
                   const box = t.parentElement;
                   return getComputedStyle(box).overflowX === 'auto' && box.tabIndex === 0
                     && box.getAttribute('role') === 'region'
                     && !!(box.getAttribute('aria-label') || box.getAttribute('aria-labelledby'));
                 }).length];
               }"""
        )
        if tables == 0 or contained < tables:
            loose[kind] = (tables, contained)
    context.close()
    assert loose == {}
