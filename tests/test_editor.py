"""The query editor, ``sparql.html`` (YASGUI), in a browser against ``policykg serve``: it runs the library's
queries through the site's own endpoint, a link's query fills it, it works from the keyboard and on a
phone, and it asks nothing of any other origin: no remote completion, no endpoint taken from a link."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from servers import free_port, running, serve_command

from policykg.library import list_queries
from policykg.namespaces import PREFIXES
from policykg.site import YASGUI

EXAMPLE = "browse/interventions-by-level"
"""A library query with 5 rows on the project's graph."""
LABEL = "browse/interventions-by-level — Interventions per level"
"""Its label in the editor's list of the library's queries."""


@pytest.fixture(scope="module")
def root(built: Path) -> Path:
    return built


@pytest.fixture(scope="module")
def server(root: Path) -> Iterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = serve_command(root, port)
    with running(command, base + "/index.html", cwd=root):  # stopped with SIGTERM afterwards
        yield base


class Watched:
    """A page's errors and requests; a request for another origin is recorded and aborted, never sent."""

    def __init__(self, page, origin: str) -> None:
        self.origin = origin
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.elsewhere: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", self._record)
        page.route("**/*", self._route)

    def _ours(self, url: str) -> bool:
        return url.startswith(self.origin + "/")

    def _record(self, request) -> None:
        self.requests.append(f"{request.method} {request.url}")
        if not self._ours(request.url):
            self.elsewhere.append(request.url)

    def _route(self, route) -> None:
        if self._ours(route.request.url):
            route.continue_()
        else:
            route.abort()


def editor_text(page) -> str:
    page.wait_for_selector("#yasgui .CodeMirror")
    return page.evaluate("document.querySelector('#yasgui .CodeMirror').CodeMirror.getValue()")


def run(page, server: str, how: str = "button") -> None:
    """Run the editor's query, with its button or from the keyboard, and wait for the endpoint's answer."""
    with page.expect_response(lambda r: r.url == server + "/sparql", timeout=15000) as answer:
        if how == "button":
            page.get_by_role("button", name="Run query").click()
        else:
            page.get_by_label("SPARQL query").focus()
            page.keyboard.press("Control+Enter")
    assert answer.value.status == 200, answer.value.text()


def result_rows(page) -> int:
    page.wait_for_selector(".yasr table.dataTable tbody tr", timeout=15000)
    return page.locator(".yasr table.dataTable tbody tr").count()


def test_the_site_ships_yasgui_and_the_examples_as_data(root: Path) -> None:
    site = root / "dist" / "site"
    for name in ("yasgui.min.js", "yasgui.min.css", "LICENSE"):
        assert (site / "yasgui" / name).read_bytes() == (YASGUI / name).read_bytes(), name
    assert re.search(r"^- version: `\d+\.\d+\.\d+`$", (YASGUI / "README.md").read_text(), re.M)
    page = (site / "sparql.html").read_text(encoding="utf-8")
    assert '<script src="yasgui/yasgui.min.js"></script>' in page and "<main>" in page
    data = {}
    for name in ("examples", "prefixes"):
        text = re.search(rf'<script type="application/json" id="{name}-data">(.*?)</script>', page, re.S)[1]
        assert "<" not in text and "&" not in text
        data[name] = json.loads(text)
    assert [q["name"] for q in data["examples"]] == [q.name for q in list_queries(root / "queries")]
    assert data["prefixes"] == PREFIXES


def test_the_editor_runs_a_library_example_from_the_keyboard_on_a_phone(server: str) -> None:
    from browser import chromium

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        watched = Watched(page, server)
        page.goto(server + "/sparql.html", wait_until="load")
        assert page.get_by_role("main").count() == 1
        assert page.get_by_role("heading", level=1).inner_text() == "SPARQL query editor"
        page.get_by_label("A query of the library").select_option(label=LABEL)
        text = editor_text(page)
        library = next(q for q in list_queries(ROOT / "queries") if q.name == EXAMPLE)
        # the library's text, with the prefixes it uses declared after its header
        assert re.sub(r"^PREFIX .*\n", "", text, flags=re.M) == library.text
        assert "PREFIX pkg: <https://w3id.org/policykg/def#>\n" in text and "PREFIX owl:" not in text
        run(page, server, "keyboard")
        assert result_rows(page) == 5
        assert "5 results" in page.inner_text(".yasr")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
        assert page.evaluate("localStorage.length") == 0
        assert [r for r in watched.requests if r.startswith("POST")] == [f"POST {server}/sparql"]
        assert watched.errors == [] and watched.elsewhere == []


def test_a_link_fills_the_editor_and_cannot_send_it_elsewhere(server: str) -> None:
    from browser import chromium

    with chromium() as browser:
        page = browser.new_page()
        watched = Watched(page, server)
        query = "SELECT ?law WHERE { ?law a pkg:Law }"
        page.goto(server + "/sparql.html?query=" + urllib.parse.quote(query), wait_until="load")
        assert editor_text(page) == "PREFIX pkg: <https://w3id.org/policykg/def#>\n" + query
        assert page.input_value("#examples") == ""

        # the gallery's link to the editor: the example's own text, chosen in the list, run with the button
        page.goto(server + "/queries/browse/interventions-by-level.html", wait_until="load")
        page.get_by_role("link", name="Open it in the query editor").click()
        page.wait_for_url(re.compile(r".*/sparql\.html\?query="))
        assert "?interventionLabel" in editor_text(page)
        assert page.locator("#examples option:checked").inner_text() == LABEL
        run(page, server)
        assert result_rows(page) == 5

        # a link naming another endpoint, as YASGUI's own share links can: the query still goes home
        elsewhere = urllib.parse.urlencode({"query": "ASK {}", "endpoint": "https://example.org/sparql"})
        for link in (f"/sparql.html?{elsewhere}", f"/sparql.html#{elsewhere}"):
            page.goto(server + link, wait_until="load")
            assert editor_text(page) == "ASK {}"
            run(page, server)
        assert [r for r in watched.requests if r.startswith("POST")] == [f"POST {server}/sparql"] * 3
        assert watched.errors == [] and watched.elsewhere == []


def test_completion_stays_on_the_page(server: str) -> None:
    """YASQE's own completers ask Linked Open Vocabularies for classes and properties; the editor's
    complete variables and the library's prefixes only, and add a prefix's declaration when it is typed."""
    from browser import chromium

    with chromium() as browser:
        page = browser.new_page()
        watched = Watched(page, server)
        page.goto(server + "/sparql.html", wait_until="load")
        editor = page.get_by_label("SPARQL query")
        editor.focus()
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        for typed in ("SELECT * WHERE { ?s a ", "foaf:Pers", " . ?s dcterms:", "tit", " ?t . ?s rdfs:"):
            page.keyboard.type(typed)
            page.keyboard.press("Control+Space")
            page.wait_for_timeout(200)
        page.keyboard.press("Escape")
        text = editor_text(page)
        assert "PREFIX dcterms: <http://purl.org/dc/terms/>" in text
        assert "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>" in text
        assert "PREFIX foaf:" not in text  # not one of the library's
        assert watched.errors == [] and watched.elsewhere == []


def test_only_web_and_mail_addresses_in_an_answer_become_links(server: str) -> None:
    from browser import chromium

    query = (
        'SELECT ?x WHERE { VALUES ?s { "javascript:alert(1)" "JaVaScRiPt:alert(2)" "data:text/html,x" '
        '"https://w3id.org/policykg/id/law/dsa" "mailto:info@example.org" } BIND(IRI(?s) AS ?x) }'
    )
    with chromium() as browser:
        page = browser.new_page()
        watched = Watched(page, server)
        page.goto(server + "/sparql.html?query=" + urllib.parse.quote(query), wait_until="load")
        run(page, server)
        assert result_rows(page) == 5
        hrefs = page.evaluate(
            "[...document.querySelectorAll('.yasr a[href]')].map(a => a.getAttribute('href'))"
        )
        assert "https://w3id.org/policykg/id/law/dsa" in hrefs and "mailto:info@example.org" in hrefs
        assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:"))], hrefs
        page.get_by_text("alert(1)").first.click()
        assert watched.errors == [] and page.url.startswith(server)
