"""The views in a real browser: they load offline with no console error and no outside request, draw every
node, filter and search, never run script from the data, and are not blank."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from browser import chromium
from conftest import copy_project, run_cli

from policykg.library import read_query
from policykg.load import LoadedGraph, load_project
from policykg.project import Project
from policykg.views import RELATIONS, define_views, project_view_data, safe_json, write_views

HOSTILE = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture(scope="module")
def views(tmp_path_factory: pytest.TempPathFactory, project: Project) -> Path:
    """The views of a copy of the project in which one label carries markup and script."""
    root = tmp_path_factory.mktemp("views-project")
    copy_project(root, ("graphs/shared/themes.ttl", '"encryption"@en', json.dumps(HOSTILE) + "@en"))
    result = run_cli("views", root=root)
    assert result.returncode == 0, result.stderr
    return root / "dist" / "views"


@pytest.fixture(scope="module")
def copied(views: Path) -> LoadedGraph:
    """The graph of the copy the views were written from."""
    return load_project(Project(views.parent.parent))


def library(loaded: LoadedGraph, name: str) -> list[dict[str, str]]:
    return loaded.select(read_query(loaded.project.queries_dir / f"{name}.rq", name).text)


def involvement(loaded: LoadedGraph) -> dict[str, set[str]]:
    """Institution -> the priorities it is involved in, as overlaps/institutions-per-priority says."""
    involved: dict[str, set[str]] = defaultdict(set)
    for row in library(loaded, "overlaps/institutions-per-priority"):
        involved[row["institution"]].add(row["priority"])
    return dict(involved)


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def open_view(browser, path: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "request", lambda r: outside.append(r.url) if not r.url.startswith(f"file://{path.parent}") else None
    )
    page.goto(path.as_uri())
    page.wait_for_function("window.policykgView && window.policykgView.ready", timeout=15000)
    return page, errors, outside


def expected_nodes(views: Path, slug: str) -> int:
    text = (views / f"{slug}.html").read_text(encoding="utf-8")
    payload = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', text, re.S).group(
        1
    )
    return len(json.loads(payload)["nodes"])


def view_files(views: Path) -> list[Path]:
    return sorted(p for p in views.glob("*.html") if p.name != "index.html")


def test_the_index_links_every_view_and_shows_the_charts(views: Path, browser) -> None:
    index = (views / "index.html").read_text(encoding="utf-8")
    for path in view_files(views):
        assert f'href="{path.name}"' in index
    for chart in ("budget-by-priority", "growth-to-structural", "institutions"):
        assert (views / "charts" / f"{chart}.svg").exists() and (views / "charts" / f"{chart}.png").exists()
        assert f"charts/{chart}.svg" in index
    assert "<table>" in index and "2965" in index
    page = browser.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith("file://") else None)
    page.goto((views / "index.html").as_uri())
    assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    assert outside == []
    page.close()


ACTORS_WITH_VIEWS = """
SELECT (COUNT(DISTINCT ?priority) AS ?priorities) (COUNT(DISTINCT ?actor) AS ?actors) WHERE {
  { ?document a pkg:PolicyDocument ; pkg:hasPriority ?priority . }
  UNION
  { pkg:evidencedProperties rdfs:member ?p .
    ?intervention a pkg:Intervention ; pkg:underPriority ?own ; ?p ?actor .
    ?r rdf:subject ?intervention ; rdf:predicate ?p ; rdf:object ?actor ; pkg:basis ?basis .
    VALUES ?class { pkg:Institution pkg:Law pkg:Strategy pkg:PolicyFramework } ?actor a ?class .
    FILTER NOT EXISTS { ?strategy pkg:hasPriority ?actor } }
}
"""


def test_every_view_loads_offline_and_draws_every_node(views: Path, copied: LoadedGraph, browser) -> None:
    files = view_files(views)
    # the overview, overlaps and dependencies, one per priority, one per actor an intervention points to
    (counts,) = copied.select(ACTORS_WITH_VIEWS)
    assert len(files) == 3 + int(counts["priorities"]) + int(counts["actors"])
    for path in files:
        page, errors, outside = open_view(browser, path)
        assert errors == [], (path.name, errors)
        assert outside == [], (path.name, outside)
        drawn = page.evaluate("policykgView.network.body.nodeIndices.length")
        assert drawn == expected_nodes(views, path.stem) == page.evaluate("policykgView.nodes.length"), (
            path.name
        )
        page.close()


def test_filters_and_search_change_what_is_shown(views: Path, browser) -> None:
    page, errors, _ = open_view(browser, views / "overview.html")
    total = page.evaluate("policykgView.network.body.nodeIndices.length")
    data = graph_of(views / "overview.html")
    kind = {n["id"]: n["kind"] for n in data["nodes"]}
    # unticking a type hides its nodes; what keeps a line to a node of another type stays
    kept = {
        one
        for e in data["edges"]
        for one, other in ((e["from"], e["to"]), (e["to"], e["from"]))
        if kind[one] != "theme" and kind[other] != "theme"
    }
    page.uncheck("#kinds input[data-key=theme]")
    shown = set(page.evaluate("policykgView.network.body.nodeIndices"))
    assert kept and kept <= shown and not any(kind[n] == "theme" for n in shown)
    page.check("#kinds input[data-key=theme]")
    assert page.evaluate("policykgView.network.body.nodeIndices.length") == total
    edges = page.evaluate("policykgView.network.body.edgeIndices.length")
    addresses = page.evaluate("policykgView.edges.get({filter: e => e.relation === 'addresses'}).length")
    page.uncheck("#relations input[data-key=addresses]")
    assert page.evaluate("policykgView.network.body.edgeIndices.length") == edges - addresses
    page.fill("#search", "National Cyber Security Centre")
    page.press("#search", "Enter")
    highlighted = page.evaluate("policykgView.highlighted()")
    neighbours = page.evaluate(
        "policykgView.network.getConnectedNodes('https://w3id.org/policykg/id/institution/ncsc').length"
    )
    assert (
        highlighted[0] == "https://w3id.org/policykg/id/institution/ncsc"
        and len(highlighted) == 1 + neighbours
    )
    assert page.evaluate("policykgView.nodes.get().filter(n => n.opacity === 0.15).length") == total - len(
        highlighted
    )
    page.check("input[name=lang][value=nl]")
    assert page.evaluate("policykgView.nodes.get('https://w3id.org/policykg/id/institution/ncsc').label") == (
        "Nationaal Cyber Security Centrum"
    )
    assert errors == []
    page.close()


def test_hovering_every_node_runs_no_script_from_the_data(views: Path, browser) -> None:
    for name in ("overview.html", "priority-digitale-veiligheid.html"):
        page, errors, _ = open_view(browser, views / name)
        ids = page.evaluate("policykgView.nodes.getIds()")
        positions = page.evaluate(
            "(() => { const p = policykgView.network.getPositions(); const out = {};"
            " for (const id in p) { out[id] = policykgView.network.canvasToDOM(p[id]); } return out; })()"
        )
        box = page.locator("#graph").bounding_box()
        for node in ids:
            x, y = positions[node]["x"], positions[node]["y"]
            if 0 <= x <= box["width"] and 0 <= y <= box["height"]:
                page.mouse.move(box["x"] + x, box["y"] + y)
                page.wait_for_timeout(5)
        hostile = page.evaluate("policykgView.nodes.get({filter: n => n.label_en.includes('onerror')})[0].id")
        page.evaluate(
            f"policykgView.network.moveTo({{position: policykgView.network.getPositions()['{hostile}']}})"
        )
        center = page.evaluate(
            f"policykgView.network.canvasToDOM(policykgView.network.getPositions()['{hostile}'])"
        )
        page.mouse.move(box["x"] + center["x"], box["y"] + center["y"])
        page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
        tooltip = page.inner_text("div.vis-tooltip")
        assert HOSTILE in tooltip, tooltip
        assert page.locator("div.vis-tooltip img").count() == 0
        assert page.evaluate("window.__pwned === undefined")
        assert errors == []
        page.close()


def test_a_screenshot_is_not_blank(views: Path, browser, tmp_path: Path) -> None:
    page, _, _ = open_view(browser, views / "overlaps.html")
    shot = tmp_path / "overlaps.png"
    page.locator("#graph").screenshot(path=str(shot))
    from PIL import Image

    image = Image.open(shot).convert("L")
    histogram = image.histogram()
    assert sum(histogram[:200]) > 0.005 * image.width * image.height, "almost nothing drawn"
    page.close()


def test_views_are_reproducible_and_positions_precomputed(
    views: Path, tmp_path: Path, project: Project
) -> None:
    loaded = load_project(project)
    first = write_views(loaded, tmp_path / "a", with_charts=False)
    second = write_views(loaded, tmp_path / "b", with_charts=False)
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    data = project_view_data(loaded)
    for view in define_views(data):
        assert view.nodes
    payload = (tmp_path / "a" / "dependencies.html").read_text(encoding="utf-8")
    assert '"physics": {"enabled": false}' in payload
    assert all(
        "x" in n and "y" in n
        for n in json.loads(re.search(r'id="graph-data">(.*?)</script>', payload, re.S).group(1))["nodes"]
    )


def test_safe_json_cannot_end_the_script() -> None:
    assert "</script" not in safe_json({"label": "</script><script>alert(1)</script>"})


def test_a_quote_with_markup_is_shown_as_text(browser, tmp_path: Path) -> None:
    from policykg.views import View, ViewData, ViewEdge, ViewNode, copy_assets, render_view

    data = ViewData()
    for name in ("a", "b"):
        data.nodes[name] = ViewNode(name, "intervention", f"node {name}", f"knoop {name}")
    edge = ViewEdge("a", "b", "dependsOn", quote=HOSTILE, basis="reading", reason="<b>bold</b>")
    data.edges.append(edge)
    copy_assets(tmp_path)
    page_file = tmp_path / "hostile.html"
    page_file.write_text(
        render_view(
            View("hostile", "Hostile", "A quote with markup.", "overview", ["a", "b"], [edge], directed=True),
            data,
        ),
        encoding="utf-8",
    )
    page, errors, outside = open_view(browser, page_file)
    box = page.locator("#graph").bounding_box()
    a = page.evaluate("policykgView.network.canvasToDOM(policykgView.network.getPositions(['a']).a)")
    b = page.evaluate("policykgView.network.canvasToDOM(policykgView.network.getPositions(['b']).b)")
    page.mouse.move(box["x"] + (a["x"] + b["x"]) / 2, box["y"] + (a["y"] + b["y"]) / 2)
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    tooltip = page.inner_text("div.vis-tooltip")
    assert HOSTILE in tooltip and "reading: <b>bold</b>" in tooltip
    assert (
        page.evaluate("window.__pwned === undefined")
        and page.locator("div.vis-tooltip img, div.vis-tooltip b").count() == 0
    )
    # a tooltip is written when the pointer reaches its line, in the language chosen by then
    page.mouse.move(box["x"] + 2, box["y"] + 2)
    page.wait_for_selector("div.vis-tooltip", state="hidden", timeout=5000)
    page.check("input[name=lang][value=nl]")
    page.wait_for_timeout(300)  # the header's words change, and with them where the graph sits
    box = page.locator("#graph").bounding_box()
    a = page.evaluate("policykgView.network.canvasToDOM(policykgView.network.getPositions(['a']).a)")
    b = page.evaluate("policykgView.network.canvasToDOM(policykgView.network.getPositions(['b']).b)")
    page.mouse.move(box["x"] + (a["x"] + b["x"]) / 2, box["y"] + (a["y"] + b["y"]) / 2)
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    tooltip = page.inner_text("div.vis-tooltip")
    assert HOSTILE in tooltip and "lezing: <b>bold</b>" in tooltip and "reading:" not in tooltip
    assert page.evaluate("window.__pwned === undefined")
    assert errors == [] and outside == []
    page.close()


def test_large_graphs_are_aggregated_not_drawn_node_by_node() -> None:
    from policykg.views import DRAW_AT_MOST, Involvement, ViewData, ViewEdge, ViewNode, define_views

    data = ViewData()
    for p in range(20):
        data.nodes[f"p{p}"] = ViewNode(f"p{p}", "priority", f"priority {p}", f"opgave {p}")
    for a in range(600):
        data.nodes[f"a{a}"] = ViewNode(f"a{a}", "institution", f"institution {a}", f"instelling {a}")
    for i in range(4000):
        data.nodes[f"i{i}"] = ViewNode(f"i{i}", "intervention", f"intervention {i}", f"interventie {i}")
        data.edges.append(ViewEdge(f"i{i}", f"p{i % 20}", "underPriority", basis="structure"))
        data.edges.append(ViewEdge(f"i{i}", f"a{(i * 7) % 600}", "involves", basis="stated"))
        counts = data.involvement.setdefault(f"a{(i * 7) % 600}", {}).setdefault(f"p{i % 20}", Involvement(0))
        counts.interventions += 1
        counts.stated += 1
    views = {v.slug: v for v in define_views(data)}
    overview = views["overview"]
    assert "aggregated" in overview.title and len(overview.nodes) <= DRAW_AT_MOST
    assert overview.edges and all(e.relation == "shares" and e.weight >= 1 for e in overview.edges)
    assert all(e.weight == data.involvement[e.target][e.source].interventions for e in overview.edges)
    assert len(views["priority-p0"].nodes) == 1 + 200 + len({(i * 7) % 600 for i in range(0, 4000, 20)})


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A synthetic corpus of three documents (their labels repeat from one document to the next)."""
    root = tmp_path_factory.mktemp("corpus") / "corpus"
    made = run_cli("synth", "--documents", "3", "--seed", "5", "--out", str(root))
    assert made.returncode == 0, made.stderr
    return Project(root)


def graph_of(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'id="graph-data">(.*?)</script>', text, re.S).group(1))


def test_views_of_one_document_draw_only_its_own_resources(corpus: Project) -> None:
    second = "https://w3id.org/policykg/id/synth-0002"
    result = run_cli("views", "--document", "id:synth-0002", root=corpus.root)
    assert result.returncode == 0, result.stderr
    folder = corpus.root / "dist" / "views-synth-0002"
    index = (folder / "index.html").read_text(encoding="utf-8")
    priorities = sorted(folder.glob("priority-*.html"))
    assert priorities and "charts/budget" in index
    drawn: set[str] = set()
    for page in view_files(folder):
        drawn |= {node["id"] for node in graph_of(page)["nodes"]}
    own = {iri for iri in drawn if re.match(r"https://w3id.org/policykg/id/synth-\d{4}/", iri)}
    assert own and all(iri.startswith(second + "/") for iri in own)
    # the whole corpus has every document's priorities
    everything = run_cli("views", root=corpus.root)
    assert everything.returncode == 0, everything.stderr
    assert len(list((corpus.root / "dist" / "views").glob("priority-*.html"))) > len(priorities)


def test_views_of_an_unknown_document_are_refused(corpus: Project) -> None:
    result = run_cli("views", "--document", "id:synth-9999", root=corpus.root)
    assert result.returncode == 2
    assert "no policy document" in result.stderr and "synth-0001" in result.stderr
    assert "Traceback" not in result.stderr


def test_large_corpora_write_views_per_priority_one_document_at_a_time(
    corpus: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policykg.views import limits

    monkeypatch.setattr(limits, "PRIORITY_VIEWS_UPTO", 2)
    loaded = load_project(corpus)
    write_views(loaded, tmp_path / "all")
    assert not list((tmp_path / "all").glob("priority-*.html"))
    index = (tmp_path / "all" / "index.html").read_text(encoding="utf-8")
    assert "policykg views --document IRI" in index and "charts/" not in index
    write_views(loaded, tmp_path / "one", document="https://w3id.org/policykg/id/synth-0001")
    assert list((tmp_path / "one").glob("priority-*.html"))


def test_views_too_large_to_draw_are_aggregated(corpus: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    from policykg.views import limits, render_view

    loaded = load_project(corpus)
    data = project_view_data(loaded)
    involved = {
        (row["institution"], row["priority"]): int(row["interventions"])
        for row in library(loaded, "overlaps/institutions-per-priority")
    }
    whole = {v.slug: v for v in define_views(data)}
    monkeypatch.setattr(limits, "DRAW_AT_MOST", 12)
    small = {v.slug: v for v in define_views(data)}
    assert whole.keys() == small.keys()
    aggregated = [slug for slug, v in small.items() if v.title.endswith("(aggregated)")]
    assert any(slug.startswith("institution-") for slug in aggregated)
    for slug in aggregated:
        if slug == "overview":
            continue
        view = small[slug]
        assert len(view.nodes) <= 12
        assert {data.nodes[n].kind for n in view.nodes} <= {"priority", data.nodes[view.edges[0].target].kind}
        # each line carries the number of the actor's interventions under that priority (for an
        # institution, those that involve it, as overlaps/institutions-per-priority counts them)
        full = whole[slug].edges
        actor = view.edges[0].target
        pointing = {e.source for e in full if e.target == actor}
        for edge in view.edges:
            if slug.startswith("institution-"):
                assert edge.weight == involved[(actor, edge.source)] > 0, (slug, edge.source)
                continue
            under = {e.source for e in full if e.relation == "underPriority" and e.target == edge.source}
            assert edge.weight == len(under & pointing) > 0, (slug, edge.source)
        assert render_view(view, data).count('"shares"') >= 1
    dependencies = small["dependencies"]
    assert len(dependencies.nodes) <= 12 < len(whole["dependencies"].nodes)
    assert "too many to draw" in dependencies.description
    assert set(dependencies.nodes) >= {e.source for e in dependencies.edges} | {
        e.target for e in dependencies.edges
    }


def test_priorities_named_alike_say_whose_they_are(corpus: Project) -> None:
    """The three synthetic documents name their priorities alike: each priority's view says its document."""
    data = project_view_data(load_project(corpus))
    titles = [view.title for view in define_views(data) if view.group == "priorities"]
    assert len(titles) == len(set(titles)) == len([n for n in data.nodes.values() if n.kind == "priority"])
    assert "Priority: Priority 0 (Document 0002)" in titles


def test_institutions_are_drawn_under_the_priorities_the_library_query_says(loaded: LoadedGraph) -> None:
    """overlaps/institutions-per-priority is the one definition of an institution's involvement in a
    priority: the institution views, the overlaps and the priority views draw exactly its rows."""
    expected = involvement(loaded)
    data = project_view_data(loaded)
    assert {i: set(per) for i, per in data.involvement.items()} == expected
    views = {v.slug: v for v in define_views(data)}
    ncsc = "https://w3id.org/policykg/id/institution/ncsc"
    rows = [r for r in library(loaded, "overlaps/institutions-per-priority") if r["institution"] == ncsc]
    assert [r["priorityLabel"] for r in rows] == ["Digital Security"]
    assert "under 1 priority" in views["institution-ncsc"].description
    institution_views = [v for v in views.values() if v.slug.startswith("institution-")]
    assert institution_views
    for view in institution_views:
        (actor,) = [n for n in view.nodes if data.nodes[n].kind == "institution"]
        drawn = {n for n in view.nodes if data.nodes[n].kind == "priority"}
        assert drawn == expected.get(actor, set()), view.slug
        assert {e.target for e in view.edges if e.relation == "underPriority"} == drawn, view.slug
    overlaps = views["overlaps"]
    shown = {n for n in overlaps.nodes if data.nodes[n].kind == "institution"}
    assert shown == {i for i, ps in expected.items() if len(ps) >= 2 and data.nodes[i].kind == "institution"}
    for institution in shown:
        assert {e.source for e in overlaps.edges if e.target == institution} == expected[institution]
    for priority in (n for n, v in data.nodes.items() if v.kind == "priority"):
        view = views["priority-" + priority.rsplit("/", 1)[-1]]
        by_involves = {e.target for e in view.edges if e.relation == "involves"}
        assert by_involves == {i for i, ps in expected.items() if priority in ps}, view.slug


def test_every_relation_has_a_style_and_none_is_dashed_of_its_own(loaded: LoadedGraph) -> None:
    """Dashes mark a reading only; every property that carries evidence can be drawn."""
    members = loaded.select("SELECT ?p WHERE { pkg:evidencedProperties rdfs:member ?p }")
    names = {re.split(r"[#/]", r["p"])[-1] for r in members}
    assert "alignsWith" in names and names <= RELATIONS.keys()
    assert RELATIONS["alignsWith"]["en"] == "aligns with" and RELATIONS["alignsWith"]["nl"] == "sluit aan bij"
    assert all(r["style"] in ("solid", "dotted") for r in RELATIONS.values())
    assert not any("inferred" in json.dumps(r) for r in RELATIONS.values())


def test_readings_are_dashed_and_give_their_reason(views: Path, copied: LoadedGraph, browser) -> None:
    """Every edge drawn has the basis edge-passages gives it: a reading dashed, with its reason in the
    tooltip; a stated edge not dashed, its tooltip saying so."""
    basis = {
        (r["intervention"], re.split(r"[#/]", r["predicate"])[-1], r["object"]): (
            r["basis"],
            r.get("reason", ""),
        )
        for r in library(copied, "provenance/edge-passages")
    }
    readings = stated = 0
    for name in ("overview.html", "dependencies.html"):
        page, errors, _ = open_view(browser, views / name)
        drawn = page.evaluate(
            "policykgView.edges.get().map(e => ({from: e.from, to: e.to, relation: e.relation, basis: e.basis,"
            " reason: e.reason, dashes: e.dashes, tip: policykgView.edgeTip(e).textContent}))"
        )
        assert drawn
        for edge in drawn:
            key = (edge["from"], edge["relation"], edge["to"])
            assert edge["basis"] == basis[key][0], key
            if edge["basis"] == "reading":
                readings += 1
                assert edge["dashes"] == [8, 6], key
                assert edge["reason"] and edge["reason"].rstrip("…") in " ".join(basis[key][1].split()), key
                assert "reading: " + edge["reason"] in edge["tip"], key
            else:
                stated += 1
                assert edge["dashes"] in (False, [2, 5]), key
                assert "stated in the text" in edge["tip"] and "reading: " not in edge["tip"], key
        assert errors == []
        page.close()
    assert readings and stated


def test_the_legend_explains_readings_in_both_languages(views: Path, browser) -> None:
    page, errors, _ = open_view(browser, views / "overview.html")
    english = "dashed: a reading — the text does not state it; hover or open the edge for the reason"
    assert english in page.inner_text("#bases")
    readings = page.evaluate("policykgView.edges.get({filter: e => e.basis === 'reading'}).length")
    shown = page.evaluate("policykgView.network.body.edgeIndices.length")
    page.uncheck("#bases input[data-key=reading]")
    assert readings and page.evaluate("policykgView.network.body.edgeIndices.length") == shown - readings
    page.check("#bases input[data-key=reading]")
    page.check("input[name=lang][value=nl]")
    dutch = page.inner_text("#bases")
    assert "gestreept: een lezing" in dutch and "reden" in dutch and english not in dutch
    tips = page.evaluate(
        "policykgView.edges.get({filter: e => e.basis === 'reading'}).map(e => policykgView.edgeTip(e).textContent)"
    )
    assert tips and all("lezing: " in tip for tip in tips)
    # opening an edge keeps its tooltip beside the graph
    edge = page.evaluate(
        "(e => ({id: e.id, reason: e.reason}))(policykgView.edges.get({filter: e => e.basis === 'reading'})[0])"
    )
    page.evaluate(f"policykgView.network.emit('click', {{nodes: [], edges: ['{edge['id']}']}}) && null")
    assert "lezing: " + edge["reason"] in page.inner_text("#details")
    assert errors == []
    page.close()


ARROW_STATE = """(() => {
  const n = policykgView.network;
  const drawn = n.body.edgeIndices.map(id => n.body.edges[id]);
  const shares = e => policykgView.edges.get(e.id).relation === "shares";
  return {scale: n.getScale(), shown: policykgView.arrowsShown(),
          directed: drawn.filter(e => !shares(e)).map(e => e.getFormattingValues().toArrow),
          shares: drawn.filter(shares).map(e => e.getFormattingValues().toArrow)};
})()"""


def test_arrowheads_are_drawn_when_large_enough_to_see(views: Path, browser) -> None:
    """At the default zoom of the fiche's views every directed relation has its arrowhead and "shares" none;
    zoomed out until an arrowhead would be under 4 px, none is drawn; zoomed in again, they are back."""
    for name in ("overview.html", "dependencies.html", "overlaps.html"):
        page, errors, _ = open_view(browser, views / name)
        state = page.evaluate(ARROW_STATE)
        assert state["shown"] and state["scale"] * 18 >= 4, (name, state["scale"])
        # the overlaps view draws only "shares", which two priorities have alike; the others none of it
        assert (name == "overlaps.html") == bool(state["shares"]) != bool(state["directed"]), name
        assert all(state["directed"]) and not any(state["shares"]), name
        page.evaluate("policykgView.network.moveTo({scale: 0.2}); policykgView.network.redraw()")
        state = page.evaluate(ARROW_STATE)
        assert not state["shown"] and not any(state["directed"] + state["shares"]), name
        page.evaluate("policykgView.network.moveTo({scale: 0.25}); policykgView.network.redraw()")
        state = page.evaluate(ARROW_STATE)
        assert state["shown"] and all(state["directed"]) and not any(state["shares"]), name
        assert errors == []
        page.close()


def test_relations_point_their_way_and_the_graph_says_what_it_holds(views: Path) -> None:
    for name in ("overview.html", "dependencies.html", "overlaps.html"):
        text = (views / name).read_text(encoding="utf-8")
        data = graph_of(views / name)
        for edge in data["edges"]:
            assert edge["arrows"] == ("" if edge["relation"] == "shares" else "to"), (name, edge["relation"])
        assert re.search(r'<div id="graph" role="img" aria-labelledby="graph-name"', text)
        name = re.search(
            r'<p id="graph-name"[^>]*><span lang="en">([^<]*)</span><span lang="nl">([^<]*)</span>', text
        )
        assert name.group(1).endswith(
            f"a graph of {len(data['nodes'])} nodes and {len(data['edges'])} relations"
        )
        assert name.group(2).endswith(
            f"een graaf van {len(data['nodes'])} knopen en {len(data['edges'])} relaties"
        )
