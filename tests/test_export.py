"""policykg export: every format read back (networkx, csv, pandas) and checked against the graph's own
SPARQL answers for the fiche; filtering by relation and by document; bad input; files written whole."""

from __future__ import annotations

import csv
import io
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from conftest import ROOT, copy_project, run_cli

from policykg import export
from policykg.cli import main
from policykg.errors import PolicyKGError
from policykg.export import ExportEdge, ExportNode, Network, export_network, render_export
from policykg.load import LoadedGraph, load_project
from policykg.namespaces import PREFIXES
from policykg.project import Project

ID = "https://w3id.org/policykg/id/"
PKG = "https://w3id.org/policykg/def#"
FICHE = ID + "kernboodschap-digitalisering"
INT = FICHE + "/intervention/"
READING = (INT + "handhaving-eu-wetgeving", ID + "institution/toezichthouders")
"""An involvement the fiche gives as a reading."""
GEXF = "http://www.gexf.net/1.2draft"
GEXF_TYPES = {"integer", "long", "double", "float", "boolean", "liststring", "string", "anyURI"}
"""The attribute types of GEXF 1.2 (https://gexf.net/schema.html, data.xsd's attrtype-type)."""

EDGES = """
SELECT ?intervention ?predicate ?object WHERE {
  ?intervention a pkg:Intervention .
  {
    pkg:evidencedProperties rdfs:member ?predicate .
    ?intervention ?predicate ?object .
    ?relation rdf:subject ?intervention ; rdf:predicate ?predicate ; rdf:object ?object .
  }
  UNION { BIND(pkg:underPriority AS ?predicate) ?intervention pkg:underPriority ?object . }
}
"""
"""Every edge from an intervention, straight from the graph (not through the library's query): each edge
with its qualified relation, and the priority it falls under. A triple implied by a narrower relation
(``refersTo`` beside ``implements``) has no qualified relation of its own and is not an edge."""
LABELS = """
SELECT ?node ?lang ?label WHERE { ?node rdfs:label ?l . BIND(LANG(?l) AS ?lang) BIND(STR(?l) AS ?label)
  FILTER(?lang IN ("en", "nl")) }
"""


def graph_edges(loaded: LoadedGraph, predicate: str | None = None) -> set[tuple[str, str, str]]:
    rows = loaded.select(EDGES)
    return {
        (r["intervention"], r["predicate"], r["object"])
        for r in rows
        if predicate is None or r["predicate"] == predicate
    }


def interventions(loaded: LoadedGraph) -> set[str]:
    return {r["i"] for r in loaded.select("SELECT ?i WHERE { ?i a pkg:Intervention }")}


def compact(iri: str) -> str:
    return iri.replace(PKG, "pkg:")


@pytest.fixture(scope="module")
def written(loaded: LoadedGraph, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every format of the whole network, and the involvement matrix and network, written in-process."""
    folder = tmp_path_factory.mktemp("exports")
    files = {}
    for fmt, suffix in export.FORMATS.items():
        files[fmt] = export_network(loaded, fmt, out=folder / f"all{suffix}")[0]
    files["matrix-involves"] = export_network(loaded, "csv-matrix", ["involves"], out=folder / "inv.csv")[0]
    files["graphml-involves"] = export_network(loaded, "graphml", ["involves"], out=folder / "inv.graphml")[0]
    return files


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def expand(name: str) -> str:
    prefix, _, local = name.partition(":")
    return PREFIXES[prefix] + local


def edge_triples(graph: nx.MultiDiGraph) -> list[tuple[str, str, str]]:
    return [(u, expand(d["relation"]), v) for u, v, d in graph.edges(data=True)]


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_the_network_has_every_edge_and_node_of_the_graph(
    fmt: str, written: dict[str, Path], loaded: LoadedGraph
) -> None:
    graph = nx.read_graphml(written[fmt]) if fmt == "graphml" else nx.read_gexf(written[fmt])
    expected = graph_edges(loaded)
    found = edge_triples(graph)
    assert len(found) == len(expected) == 287
    assert set(found) == expected
    ends = {o for _s, _p, o in expected} | interventions(loaded)
    assert set(graph.nodes) == ends
    involves = [e for e in graph.edges(data=True) if e[2]["relation"] == "pkg:involves"]
    assert len(involves) == len(graph_edges(loaded, PKG + "involves")) == 33


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_nodes_carry_type_labels_in_both_languages_and_priority(
    fmt: str, written: dict[str, Path], loaded: LoadedGraph
) -> None:
    graph = nx.read_graphml(written[fmt]) if fmt == "graphml" else nx.read_gexf(written[fmt])
    labels: dict[tuple[str, str], str] = {}
    for row in sorted(loaded.select(LABELS), key=lambda r: r["label"], reverse=True):
        labels[row["node"], row["lang"]] = " ".join(row["label"].split())  # the least, as the export takes
    for node, data in graph.nodes(data=True):
        assert data["label_en"] == labels.get((node, "en"), ""), node
        assert data["label_nl"] == labels.get((node, "nl"), ""), node
        assert all(isinstance(v, str | int) and v != "None" for v in data.values()), data
    ncsc = graph.nodes[ID + "institution/ncsc"]
    assert (ncsc["label_nl"], ncsc["type"]) == ("Nationaal Cyber Security Centrum", "pkg:Institution")
    assert graph.nodes[ID + "institution/gemeenten"]["type"] == "pkg:CollectiveActor"
    assert "pkg:Institution" in graph.nodes[ID + "institution/gemeenten"]["types"].split()
    assert graph.nodes[ID + "law/avg"]["type"] == "pkg:Law"
    under = {
        r["i"]: r["p"]
        for r in loaded.select("SELECT ?i ?p WHERE { ?i a pkg:Intervention ; pkg:underPriority ?p }")
    }
    for intervention, priority in under.items():
        assert graph.nodes[intervention]["priority"] == priority
        assert graph.nodes[intervention]["type"] == "pkg:Intervention"
    priority = graph.nodes[FICHE + "/priority/digitale-veiligheid"]
    assert (priority["type"], priority["priority"]) == (
        "pkg:Priority",
        FICHE + "/priority/digitale-veiligheid",
    )
    kabinet = set(graph.nodes[ID + "institution/kabinet"]["priority"].split())
    linked = {under[u] for u, v in graph.in_edges(ID + "institution/kabinet")}
    assert (
        kabinet == linked and len(kabinet) == graph.nodes[ID + "institution/kabinet"]["priority_count"] == 2
    )


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_a_reading_keeps_its_basis_reason_and_passage(
    fmt: str, written: dict[str, Path], loaded: LoadedGraph
) -> None:
    graph = nx.read_graphml(written[fmt]) if fmt == "graphml" else nx.read_gexf(written[fmt])
    (edge,) = [d for d in graph[READING[0]][READING[1]].values() if d["relation"] == "pkg:involves"]
    assert edge["basis"] == "reading"
    assert edge["reason"].startswith("The passage names supervision, not who exercises it")
    assert edge["passage"] == FICHE + "/passage/s-eu-law"
    assert edge["quote"].startswith("Extra investeringen in de implementatie, naleving en handhaving")
    stated = graph[INT + "house-of-cyber"][ID + "institution/ncsc"]
    assert [(d["basis"], d["reason"]) for d in stated.values()] == [("stated", "")]
    bases = {d["basis"] for _u, _v, d in graph.edges(data=True)}
    assert bases == {"stated", "reading", "structure"}
    structure = {d["relation"] for _u, _v, d in graph.edges(data=True) if d["basis"] == "structure"}
    assert structure == {"pkg:underPriority"}


def test_gexf_keeps_to_the_gexf_1_2_structure(written: dict[str, Path]) -> None:
    """No GEXF schema ships in a package this project can install, so the structure the schema requires is
    checked here: namespace and version, declared attributes of GEXF types, values that match their
    declared type, unique ids, and edges between declared nodes."""
    root = ET.parse(written["gexf"]).getroot()
    ns = {"g": GEXF}
    assert root.tag == f"{{{GEXF}}}gexf" and root.get("version") == "1.2"
    assert [child.tag.split("}")[1] for child in root] == ["meta", "graph"]
    graph = root.find("g:graph", ns)
    assert graph.get("defaultedgetype") == "directed" and graph.get("mode") == "static"
    declared: dict[str, dict[str, str]] = {}
    for attributes in graph.findall("g:attributes", ns):
        kind = attributes.get("class")
        assert kind in ("node", "edge")
        for attribute in attributes.findall("g:attribute", ns):
            assert attribute.get("type") in GEXF_TYPES and attribute.get("title")
            declared.setdefault(kind, {})[attribute.get("id")] = attribute.get("type")
    node_ids = [n.get("id") for n in graph.findall("g:nodes/g:node", ns)]
    edges = graph.findall("g:edges/g:edge", ns)
    assert len(node_ids) == len(set(node_ids)) == 136
    assert len({e.get("id") for e in edges}) == len(edges) == 287
    nodes = set(node_ids)
    for kind, elements in (("node", graph.findall("g:nodes/g:node", ns)), ("edge", edges)):
        for element in elements:
            assert element.get("label"), element.attrib
            for value in element.findall("g:attvalues/g:attvalue", ns):
                assert value.get("for") in declared[kind]
                if declared[kind][value.get("for")] in ("integer", "long"):
                    int(value.get("value"))
    assert all(e.get("source") in nodes and e.get("target") in nodes for e in edges)


def test_graphml_declares_its_keys_with_graphml_types(written: dict[str, Path]) -> None:
    root = ET.parse(written["graphml"]).getroot()
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = {k.get("id"): (k.get("for"), k.get("attr.type")) for k in root.findall("g:key", ns)}
    assert {t for _f, t in keys.values()} <= {"string", "long", "int"}
    for data in root.iter(f"{{{ns['g']}}}data"):
        assert data.get("key") in keys
    assert "None" not in {d.text for d in root.iter(f"{{{ns['g']}}}data")}


def test_edges_csv_has_one_row_per_edge_with_labels(written: dict[str, Path], loaded: LoadedGraph) -> None:
    header, *rows = read_csv(written["edges-csv"])
    assert header == export.EDGE_COLUMNS
    assert len(rows) == len(graph_edges(loaded)) == 287
    records = [dict(zip(header, row, strict=True)) for row in rows]
    (reading,) = [
        r for r in records if (r["source"], r["target"], r["relation"]) == (*READING, "pkg:involves")
    ]
    assert reading["basis"] == "reading" and reading["reason"].startswith("The passage names supervision")
    assert (reading["target_label_en"], reading["target_label_nl"]) == (
        "supervisory authorities",
        "toezichthouders",
    )
    assert reading["source_type"] == "pkg:Intervention" and reading["target_type"] == "pkg:CollectiveActor"
    assert all(r["source_label_en"] and r["source_label_nl"] for r in records)


def test_the_matrix_loads_as_r_reads_it(written: dict[str, Path], loaded: LoadedGraph) -> None:
    """read.csv(row.names = 1, check.names = FALSE) in R; pandas' read_csv(index_col=0) reads the same."""
    pandas = pytest.importorskip("pandas")
    matrix = pandas.read_csv(written["matrix-involves"], index_col=0)
    involves = graph_edges(loaded, PKG + "involves")
    assert set(matrix.index) == interventions(loaded) and matrix.shape[0] == 53
    assert set(matrix.columns) == {o for _s, _p, o in involves}
    assert int(matrix.to_numpy().sum()) == len(involves) == 33
    assert set(matrix.to_numpy().ravel()) == {0, 1}
    assert matrix.loc[READING[0], READING[1]] == 1
    header = read_csv(written["matrix-involves"])[0]
    assert header[0] == "" and header[1:] == sorted(header[1:])
    labels = {row[0]: row for row in read_csv(written["matrix-involves"].with_name("inv.labels.csv"))[1:]}
    assert set(labels) == set(matrix.index) | set(matrix.columns)
    assert labels[READING[1]][1:5] == [
        "column",
        "pkg:CollectiveActor",
        "supervisory authorities",
        "toezichthouders",
    ]
    assert labels[READING[0]][1] == "row"


def test_a_matrix_between_interventions_is_square(loaded: LoadedGraph, tmp_path: Path) -> None:
    (path, labels) = export_network(loaded, "csv-matrix", ["partOf"], out=tmp_path / "parts.csv")
    rows = read_csv(path)
    assert rows[0][1:] == [row[0] for row in rows[1:]]
    assert sum(int(c) for row in rows[1:] for c in row[1:]) == len(graph_edges(loaded, PKG + "partOf")) == 29
    assert {row[1] for row in read_csv(labels)[1:]} == {"both"}


def test_a_relation_may_be_named_three_ways(
    loaded: LoadedGraph, written: dict[str, Path], tmp_path: Path
) -> None:
    graph = nx.read_graphml(written["graphml-involves"])
    assert {d["relation"] for _u, _v, d in graph.edges(data=True)} == {"pkg:involves"}
    assert graph.number_of_edges() == 33
    for i, name in enumerate(["pkg:involves", PKG + "involves", f"<{PKG}involves>"]):
        again = export_network(loaded, "graphml", [name], out=tmp_path / f"{i}.graphml")[0]
        assert again.read_bytes() == written["graphml-involves"].read_bytes()
    two = nx.read_graphml(
        export_network(loaded, "graphml", ["involves,targets"], out=tmp_path / "2.graphml")[0]
    )
    assert {d["relation"] for _u, _v, d in two.edges(data=True)} == {"pkg:involves", "pkg:targets"}
    assert two.number_of_edges() == 33 + len(graph_edges(loaded, PKG + "targets"))


def test_a_relation_the_export_cannot_carry_is_refused(loaded: LoadedGraph) -> None:
    with pytest.raises(PolicyKGError, match=r"--relation involvs: .*did you mean involves\?.*pkg:involves"):
        export.resolve_relations(loaded, ["involvs"])
    with pytest.raises(PolicyKGError, match="available: dcterms:creator"):
        export.resolve_relations(loaded, ["pkg:hasPriority"])


def test_the_fiche_as_document_gives_the_whole_fiche(
    loaded: LoadedGraph, written: dict[str, Path], tmp_path: Path
) -> None:
    path = export_network(loaded, "graphml", document=FICHE, out=tmp_path / "fiche.graphml")[0]
    assert path.read_bytes() == written["graphml"].read_bytes()


def test_a_document_limits_the_export_to_its_own_interventions(tmp_path: Path) -> None:
    result = run_cli("synth", "--documents", "2", "--seed", "3", "--out", str(tmp_path / "two"), root=ROOT)
    assert result.returncode == 0, result.stderr
    loaded = load_project(Project(tmp_path / "two"))
    first = ID + "synth-0001"
    path = export_network(loaded, "edges-csv", document=first, out=tmp_path / "first.csv")[0]
    records = [dict(zip(export.EDGE_COLUMNS, row, strict=True)) for row in read_csv(path)[1:]]
    own = {
        r["i"]
        for r in loaded.select(f"SELECT ?i WHERE {{ <{first}> pkg:hasPriority/^pkg:underPriority ?i }}")
    }
    every = interventions(loaded)
    assert own and own < every
    expected = {e for e in graph_edges(loaded) if e[0] in own}
    assert {(r["source"], expand(r["relation"]), r["target"]) for r in records} == expected
    assert len(records) == len(expected)
    graph = nx.read_gexf(export_network(loaded, "gexf", document=first, out=tmp_path / "first.gexf")[0])
    assert {n for n, d in graph.nodes(data=True) if d["type"] == "pkg:Intervention"} == own


def test_attributes_without_labels_or_priorities_do_not_break_the_writers() -> None:
    node = ExportNode("https://example.org/a")
    other = ExportNode("https://example.org/b", type="pkg:Intervention", label_nl="b")
    network = Network(
        {n.iri: n for n in (node, other)}, [ExportEdge(other.iri, node.iri, PKG + "involves", "stated")], []
    )
    for fmt in export.FORMATS:
        for data in render_export(network, fmt):
            assert b"None" not in data
    graph = nx.read_graphml(io.BytesIO(render_export(network, "graphml")[0]))
    assert graph.nodes["https://example.org/a"] == {
        "label": "https://example.org/a",
        "label_en": "",
        "label_nl": "",
        "type": "",
        "types": "",
        "priority": "",
        "priority_count": 0,
    }
    assert graph.nodes["https://example.org/b"]["label"] == "b"


def test_the_command_writes_into_dist_exports_whole(tmp_path: Path) -> None:
    root = tmp_path / "project"
    copy_project(root)
    folder = root / "dist" / "exports"
    folder.mkdir(parents=True)
    (folder / "matrix-involves.csv").write_text("old\n")
    result = run_cli("export", "--format", "csv-matrix", "--relation", "involves", root=root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "wrote",
        "dist/exports/matrix-involves.csv",
        "wrote",
        "dist/exports/matrix-involves.labels.csv",
    ]
    assert sorted(p.name for p in folder.iterdir()) == ["matrix-involves.csv", "matrix-involves.labels.csv"]
    assert read_csv(folder / "matrix-involves.csv")[0][0] == ""
    stdout = run_cli("export", "--format", "edges-csv", "--relation", "pkg:involves", "--out", "-", root=root)
    assert stdout.returncode == 0, stdout.stderr
    assert len(list(csv.reader(io.StringIO(stdout.stdout)))) == 1 + 33


def test_a_failed_export_leaves_the_file_as_it_was(
    loaded: LoadedGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "net.graphml"
    target.write_text("before")

    def full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", full)
        with pytest.raises(PolicyKGError, match=r"cannot write .*: No space left on device"):
            export_network(loaded, "graphml", out=target)
    assert target.read_text() == "before"
    assert [p.name for p in tmp_path.iterdir()] == ["net.graphml"]
    export_network(loaded, "graphml", out=target)
    assert target.read_bytes().startswith(b"<?xml")
    assert [p.name for p in tmp_path.iterdir()] == ["net.graphml"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--format", "gexf", "--relation", "runsOn"],
            "--relation runsOn: not a relation an export can carry",
        ),
        (
            ["--format", "graphml", "--document", "id:nope"],
            "--document https://w3id.org/policykg/id/nope: no policy",
        ),
        (["--format", "csv-matrix", "--out", "-"], "csv-matrix writes two files"),
    ],
)
def test_bad_input_is_one_line_and_a_non_zero_exit(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--root", str(ROOT), "export", *args])
    stderr = capsys.readouterr().err
    assert code != 0
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in stderr, stderr
    assert not (ROOT / "dist" / "exports").exists()
