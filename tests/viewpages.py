"""What the Chromium tests of the views share: the views built once per test module from a copy of the
project, one browser per module, a view's graph data, and a view opened with its console errors and any
request for anything but a file collected."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser import chromium
from conftest import copy_project, run_cli


@pytest.fixture(scope="module")
def views(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("views-project")
    copy_project(root)
    result = run_cli("views", root=root)
    assert result.returncode == 0, result.stderr
    return root / "dist" / "views"


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def graph_data(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'id="graph-data">(.*?)</script>', text, re.S).group(1))


def open_view(browser, path: Path, fragment: str = "", viewport: dict[str, int] | None = None):
    """A view in a new page of ``browser`` (or of a browser context, which keeps storage between pages), with
    the console's errors and any request for anything but a file collected."""
    if hasattr(browser, "new_context"):
        page = browser.new_page(viewport=viewport or {"width": 1280, "height": 800})
    else:
        page = browser.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def only_local(route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(path.as_uri() + fragment)
    page.wait_for_function("window.policykgView && window.policykgView.ready", timeout=15000)
    return page, errors, outside
