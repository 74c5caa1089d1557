"""The static site: a page and data for every resource, no broken internal link, no third-party request,
and a dataset description that conforms to DCAT-AP 3.0."""

from __future__ import annotations

import os
import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import REPO, copy_project, run_cli

from policykg.site import site_path

STANDARDS = REPO.parent / "shared" / "standards" / "dcat-ap-3.0.0-SHACL.ttl"


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        for name in ("href", "src"):
            if attributes.get(name):
                self.links.append((tag, name, attributes[name]))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site-project")
    copy_project(root, ("graphs/shared/themes.ttl", '"encryption"@en', '"<b>encryption</b>"@en'))
    result = run_cli("build", root=root)
    assert result.returncode == 0, result.stderr
    return root / "dist" / "site"


def parsed(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_no_broken_internal_link_and_no_third_party_request(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 500
    anchors: dict[Path, set[str]] = {}
    broken, third_party = [], []
    for page in pages:
        links = parsed(page)
        for tag, _attribute, value in links.links:
            url = urllib.parse.urlsplit(value)
            if url.scheme in ("http", "https"):
                if tag != "a":
                    third_party.append((page.name, value))
                continue
            if url.scheme or value.startswith("mailto:"):
                continue
            if not url.path:
                continue
            base = site if url.path.startswith("/") else page.parent
            target = (base / urllib.parse.unquote(url.path).lstrip("/")).resolve()
            if not target.exists():
                broken.append((str(page.relative_to(site)), value))
            elif url.fragment and target.suffix == ".html" and target.name == "def.html":
                anchors.setdefault(target, parsed(target).ids)
                if url.fragment not in anchors[target]:
                    broken.append((str(page.relative_to(site)), value))
    assert broken == [], broken[:10]
    assert third_party == [], third_party[:10]


def test_every_resource_has_a_page_and_its_data(site: Path) -> None:
    graph = ox.Store()
    graph.bulk_load(path=str(site / "downloads" / "policykg.nt"), format=ox.RdfFormat.N_TRIPLES)
    subjects = {q.subject.value for q in graph if isinstance(q.subject, ox.NamedNode)}
    paths = {site_path(s) for s in subjects if site_path(s) and site_path(s) != "def"}
    assert len(paths) > 400
    for path in paths:
        for ext in ("html", "ttl", "jsonld", "nt"):
            assert (site / f"{path}.{ext}").exists(), f"{path}.{ext}"
    page = (site / "id/institution/ncsc.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="text/turtle" href="ncsc.ttl">' in page
    assert "National Cyber Security Centre" in page and "Nationaal Cyber Security Centrum" in page
    assert "NSCS" in page and "line 87" in page
    data = rdflib.Graph().parse(site / "id/institution/ncsc.ttl")
    assert (
        rdflib.URIRef("https://w3id.org/policykg/id/institution/ncsc"),
        rdflib.RDF.type,
        rdflib.URIRef("https://w3id.org/policykg/def#Institution"),
    ) in data


def test_pages_escape_text_from_the_graph(site: Path) -> None:
    page = (site / "id/theme/encryptie.html").read_text(encoding="utf-8")
    assert "<b>encryption</b>" not in page and "&lt;b&gt;encryption&lt;/b&gt;" in page


def test_ontology_gallery_and_downloads(site: Path) -> None:
    ontology = parsed(site / "def.html")
    assert {"Intervention", "involves", "Priority", "dependsOn", "amount"} <= ontology.ids
    gallery = (site / "queries" / "index.html").read_text(encoding="utf-8")
    assert 'href="overlaps/institutions-across-priorities.html"' in gallery
    query_page = (site / "queries" / "budget" / "printed-totals.html").read_text(encoding="utf-8")
    assert "1705" in query_page and "sparql.html?query=" in query_page
    listing = (site / "downloads" / "index.html").read_text(encoding="utf-8")
    size = (site / "downloads" / "policykg.nt").stat().st_size
    assert f"<td>{size}</td>" in listing


def test_dataset_description_conforms_to_dcat_ap(site: Path) -> None:
    if not STANDARDS.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{STANDARDS} is missing; CI has ../shared/standards beside the clone")
        pytest.skip(f"the DCAT-AP 3.0 shapes are not at {STANDARDS} (outside CI)")
    from pyshacl import validate

    description = rdflib.Graph().parse(site / "downloads" / "void.ttl")
    conforms, _graph, text = validate(
        description, shacl_graph=rdflib.Graph().parse(STANDARDS), inference="none"
    )
    assert conforms, text
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dataset = rdflib.URIRef("https://w3id.org/policykg/dataset")
    triples = int(description.value(dataset, void.triples))
    assert triples == sum(
        1
        for line in (site / "downloads" / "policykg.nt").read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
    sizes = {
        str(d): int(description.value(d, rdflib.URIRef("http://www.w3.org/ns/dcat#byteSize")))
        for d in description.objects(dataset, rdflib.URIRef("http://www.w3.org/ns/dcat#distribution"))
        if description.value(d, rdflib.URIRef("http://www.w3.org/ns/dcat#byteSize")) is not None
    }
    assert (
        sizes["https://w3id.org/policykg/downloads/policykg.ttl#distribution"]
        == (site / "downloads" / "policykg.ttl").stat().st_size
    )
    assert re.search(
        r"void:sparqlEndpoint <https://w3id.org/policykg/sparql>",
        (site / "downloads" / "void.ttl").read_text(),
    )


def test_long_lists_are_cut_short_and_say_how_many_more(
    loaded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policykg import site as module

    monkeypatch.setattr(module, "SHOW_AT_MOST", 3)
    module.write_site(loaded, tmp_path / "site")
    ncsc = (tmp_path / "site" / "id" / "institution" / "ncsc.html").read_text(encoding="utf-8")
    referred = ncsc.split("<h2>Referred to by</h2>", 1)[1].split("</table>", 1)[0]
    assert referred.count("<tr>") == 1 + 3
    total = sum(1 for t in module.SiteGraph(loaded).incoming("https://w3id.org/policykg/id/institution/ncsc"))
    assert f"And {total - 3} more" in ncsc
    gallery = (tmp_path / "site" / "queries" / "browse" / "interventions-by-priority.html").read_text(
        encoding="utf-8"
    )
    shown = gallery.split("<h2>Current results", 1)[1]
    assert re.search(r"\((\d+) rows, the first 3 shown\)", shown)
    assert shown.split("</table>", 1)[0].count("<tr>") == 1 + 3


def test_relative_links_match_the_standard_library() -> None:
    from policykg.site import relative

    pages = [
        "index.html",
        "def.html",
        "id/law/dsa.html",
        "id/a/b/c.html",
        "queries/browse/x.html",
        "views/v.html",
    ]
    for a in pages:
        for b in pages:
            assert relative(a, b) == os.path.relpath(b, os.path.dirname(a) or "."), (a, b)


def test_a_large_site_is_written_from_the_store_as_the_whole_graph_would_write_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above STATIC_PAGES_UPTO resources the site is written from the store, one resource at a time. Each
    file it writes (the home page aside, which says what is left out) is byte for byte the file the site
    written from the whole graph in memory has, and a second load, whose parser labels blank nodes
    afresh, writes the same bytes."""
    from policykg import site as module
    from policykg.load import load_project
    from policykg.project import Project

    root = tmp_path / "corpus"
    assert run_cli("synth", "--documents", "3", "--seed", "2", "--out", str(root)).returncode == 0
    assert run_cli("build", "--no-views", "--no-site", root=root).returncode == 0
    dist = root / "dist"
    module.write_site(load_project(Project(root)), tmp_path / "whole", dist)
    monkeypatch.setattr(module, "STATIC_PAGES_UPTO", 10)
    module.write_site(load_project(Project(root)), tmp_path / "part", dist)
    module.write_site(load_project(Project(root)), tmp_path / "again", dist)
    part = sorted(p.relative_to(tmp_path / "part") for p in (tmp_path / "part").rglob("*") if p.is_file())
    whole = {p.relative_to(tmp_path / "whole") for p in (tmp_path / "whole").rglob("*") if p.is_file()}
    assert Path("def.ttl") in part and len(part) < len(whole) / 2
    assert any(str(p).startswith("id/synth-institution/") for p in part)
    for path in part:
        written = (tmp_path / "part" / path).read_bytes()
        assert written == (tmp_path / "again" / path).read_bytes(), path
        if path != Path("index.html"):
            assert written == (tmp_path / "whole" / path).read_bytes(), path
    assert b"_:" in (tmp_path / "part" / "def.nt").read_bytes()
    assert "owl:unionOf (pkg:Intervention, pkg:Priority)" in (tmp_path / "part" / "def.html").read_text()


def test_both_graphs_describe_every_resource_alike(loaded) -> None:
    """A resource's data is the same whether it is read from the whole graph in memory or from the store,
    blank nodes included; and a blank node's page text says what it says, a list as its members."""
    from policykg.site import SiteGraph, StoreGraph, site_path

    whole, store = SiteGraph(loaded), StoreGraph(loaded.store)
    subjects = [s for s in whole.by_subject if site_path(s)]
    with_blank = 0
    with loaded.entailments():  # as write_site reads the store; the whole graph is the dumps'
        for iri in subjects:
            assert whole.description(iri) == store.description(iri), iri
            with_blank += any(isinstance(t.object, ox.BlankNode) for t in whole.outgoing(iri))
    assert len(subjects) > 400 and with_blank > 50


def test_site_reads_which_views_show_a_resource_from_written_views(loaded, tmp_path: Path) -> None:
    from policykg.site import view_index
    from policykg.views import plan_views, view_members, write_views

    planned = plan_views(loaded)
    write_views(loaded, tmp_path / "views", with_charts=False, planned=planned)
    expected = view_members(planned[1])
    assert expected and view_index(tmp_path / "views", loaded) == expected
    (tmp_path / "views" / "members.json").write_text("{not json", encoding="utf-8")
    assert view_index(tmp_path / "views", loaded) == expected  # defined anew
    with pytest.raises(ValueError):
        write_views(loaded, tmp_path / "again", planned=planned, document="https://w3id.org/policykg/id/x")


RELATION_BASIS = """
SELECT ?relation ?basis ?nl ?en ?passage WHERE {
  VALUES (?subject ?object) { (<%s> <%s>) }
  ?relation rdf:subject ?subject ; rdf:predicate pkg:involves ; rdf:object ?object ;
    pkg:basis/skos:notation ?basis ; prov:wasDerivedFrom ?passage .
  OPTIONAL { ?relation rdfs:comment ?nl . FILTER(LANG(?nl) = "nl") }
  OPTIONAL { ?relation rdfs:comment ?en . FILTER(LANG(?en) = "en") }
}
"""
ID = "https://w3id.org/policykg/id/"
INTERVENTION = ID + "kernboodschap-digitalisering/intervention/"


def _row(page: str, section: str, href: str) -> str:
    """The table row of a page's section (Statements or Referred to by) that links ``href``."""
    table = page.split(f"<h2>{section}</h2>", 1)[1].split("</table>", 1)[0]
    rows = [row for row in table.split("<tr>") if f'href="{href}"' in row]
    assert len(rows) == 1, (section, href, rows)
    return rows[0]


def _basis_of(loaded, subject: str, value: str) -> dict[str, str]:
    rows = loaded.select(RELATION_BASIS % (subject, value))
    assert rows and len({r["relation"] for r in rows}) == 1, (subject, value)
    return {**rows[0], "passages": {r["passage"] for r in rows}}


def test_relation_rows_show_basis_reason_and_passages(site: Path, loaded) -> None:
    """A reading shows its basis in English and Dutch, its reason in both and the passage it rests on,
    on the pages at both ends; a stated edge shows its basis and no reason."""
    from markupsafe import escape

    reading = _basis_of(loaded, INTERVENTION + "legal-data-space", ID + "institution/om")
    assert reading["basis"] == "reading" and reading["en"] and reading["nl"]
    stated = _basis_of(loaded, INTERVENTION + "house-of-cyber", ID + "institution/ncsc")
    assert stated["basis"] == "stated"
    intervention = (site / "id/kernboodschap-digitalisering/intervention/legal-data-space.html").read_text()
    institution = (site / "id/institution/om.html").read_text()
    for row in (
        _row(intervention, "Statements", "../../institution/om.html"),
        _row(
            institution,
            "Referred to by",
            "../kernboodschap-digitalisering/intervention/legal-data-space.html",
        ),
    ):
        assert 'def.html#reading">reading</a>' in row and '<span class="basis" lang="nl">lezing</span>' in row
        assert f'<div class="reason" lang="en">{escape(reading["en"])}</div>' in row
        assert f'<div class="reason" lang="nl">{escape(reading["nl"])}</div>' in row
        for passage in reading["passages"]:
            assert f'passage/{passage.rsplit("/", 1)[1]}.html">Passage «' in row
        assert 'relation/legal-data-space--involves--om.html">relation</a>' in row
    ncsc = (site / "id/institution/ncsc.html").read_text()
    row = _row(ncsc, "Referred to by", "../kernboodschap-digitalisering/intervention/house-of-cyber.html")
    assert 'def.html#stated">stated</a>' in row and 'lang="nl">vermeld</span>' in row
    assert 'class="reason"' not in row and "reading" not in row
    for passage in stated["passages"]:
        assert f'passage/{passage.rsplit("/", 1)[1]}.html">Passage «' in row
    # properties that carry no evidence have an empty basis
    assert _row(intervention, "Statements", "../priority/digitale-veiligheid.html").endswith(
        "<td></td></tr>\n"
    )


def test_a_qualified_relation_page_shows_its_basis_and_reason(site: Path, loaded) -> None:
    from markupsafe import escape

    reading = _basis_of(loaded, INTERVENTION + "legal-data-space", ID + "institution/om")
    page = (site / "id/kernboodschap-digitalisering/relation/legal-data-space--involves--om.html").read_text()
    basis = page.split("<h2>Basis</h2>", 1)[1].split("<h2>", 1)[0]
    assert (
        '<a href="../intervention/legal-data-space.html">' in basis
        and '<a href="../../institution/om.html">' in basis
    )
    assert (
        'Basis: <strong><span class="basis"><a href="../../../def.html#reading">reading</a></span>' in basis
    )
    assert f'<p class="reason" lang="en"><strong>Reason:</strong> {escape(reading["en"])}</p>' in basis
    assert f'<p class="reason" lang="nl"><strong>Reden:</strong> {escape(reading["nl"])}</p>' in basis
    stated = (
        site / "id/kernboodschap-digitalisering/relation/house-of-cyber--involves--ncsc.html"
    ).read_text()
    assert 'Basis: <strong><span class="basis"><a href="../../../def.html#stated">stated</a></span>' in stated
    assert "Reason:" not in stated


def test_both_graphs_write_every_page_alike(loaded) -> None:
    """Each resource's page, relation rows and their basis included, reads the same from the whole graph
    in memory as from the store."""
    from policykg.site import SiteGraph, StoreGraph, render_resource

    whole, store = SiteGraph(loaded), StoreGraph(loaded.store)
    subjects = [s for s in whole.by_subject if site_path(s) and site_path(s) != "def"]
    assert len(subjects) > 400
    for iri in subjects:
        assert render_resource(whole, iri, {}, has_views=False) == render_resource(
            store, iri, {}, has_views=False
        ), iri


def test_a_reason_from_the_data_is_text_and_its_links_stay_on_the_web() -> None:
    """A reading's reason with markup is shown as text; a passage outside the web is no link."""
    from policykg.site import StoreGraph, render_resource

    pkg, rdf = "https://w3id.org/policykg/def#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    a, b, r = ID + "x/intervention/a", ID + "institution/b", ID + "x/relation/a--involves--b"
    store = ox.Store()
    for s, p, o in [
        (pkg + "evidencedProperties", rdfs + "member", ox.NamedNode(pkg + "involves")),
        (a, pkg + "involves", ox.NamedNode(b)),
        (r, rdf + "type", ox.NamedNode(pkg + "QualifiedRelation")),
        (r, rdf + "subject", ox.NamedNode(a)),
        (r, rdf + "predicate", ox.NamedNode(pkg + "involves")),
        (r, rdf + "object", ox.NamedNode(b)),
        (r, pkg + "basis", ox.NamedNode(pkg + "reading")),
        (r, rdfs + "comment", ox.Literal("<script>alert(1)</script>", language="en")),
        (r, "http://www.w3.org/ns/prov#wasDerivedFrom", ox.NamedNode("javascript:alert(2)")),
    ]:
        store.add(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o))
    for page in (
        render_resource(StoreGraph(store), a, {}, has_views=False),
        render_resource(StoreGraph(store), b, {}, has_views=False),
        render_resource(StoreGraph(store), r, {}, has_views=False),
    ):
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert 'href="javascript' not in page.lower()
