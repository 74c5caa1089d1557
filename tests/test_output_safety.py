"""Nothing from the data runs as script and no control character is written raw, in any page or report:
only http(s) and mailto IRIs become links; labels with markup and NUL are shown as text."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import copy_project, run_cli

from policykg.escape import link_target, markdown_text
from policykg.site import StoreGraph, render_resource

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)> \\u0000 [x](javascript:alert(4))"
"""A label as Turtle would carry it: markup, a NUL (written as an escape) and a Markdown link."""


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    copy_project(
        root,
        replace=(
            "graphs/shared/institutions.ttl",
            '"National Cyber Security Centre"@en',
            f'"National Cyber Security Centre {HOSTILE}"@en',
        ),
    )
    result = run_cli("build", root=root)
    assert result.returncode == 0, result.stderr
    return root / "dist"


def test_no_page_or_report_carries_markup_or_nul_from_the_data(hostile_build: Path) -> None:
    written = [p for p in hostile_build.rglob("*") if p.suffix in (".html", ".md", ".svg") and p.is_file()]
    assert len(written) > 100
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert "\x00" not in text, path
        assert "<script>alert(1)" not in text and "<img src=x onerror" not in text, path
        if path.suffix == ".md":  # an escaped bracket is text, not a link
            assert "](javascript:" not in text.replace("\\](", ""), path
    report = (hostile_build / "analysis" / "report.md").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report and "\\u0000" in report
    page = (hostile_build / "site" / "id" / "institution" / "ncsc.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "\\u0000" in page


@pytest.mark.parametrize(
    "iri",
    [
        "javascript:alert(3)",
        "JaVaScRiPt:alert(3)",
        "data:text/html,%3Cb%3Ex",
        "file:///etc/passwd",
        "vbscript:x",
    ],
)
def test_only_web_and_mail_addresses_become_links(iri: str) -> None:
    store = ox.Store()
    s = ox.NamedNode("https://w3id.org/policykg/id/law/x")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    see = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
    store.add(ox.Quad(s, label, ox.Literal("X", language="en")))
    store.add(ox.Quad(s, see, ox.NamedNode(iri)))
    store.add(ox.Quad(s, see, ox.NamedNode("https://eur-lex.europa.eu/eli/reg/2022/2065/oj")))
    store.add(ox.Quad(s, see, ox.NamedNode("mailto:info@example.org")))
    page = render_resource(StoreGraph(store), s.value, {}, has_views=False)
    assert f'href="{iri}' not in page and 'href="javascript' not in page.lower() and 'href="data:' not in page
    assert 'href="https://eur-lex.europa.eu/eli/reg/2022/2065/oj"' in page
    assert 'href="mailto:info@example.org"' in page
    assert link_target(iri) is None


def test_markdown_text_is_never_markup() -> None:
    assert markdown_text("a | b * c _d_ `e`") == "a \\| b \\* c \\_d\\_ \\`e\\`"
    assert markdown_text("line\nbreak") == "line break"
