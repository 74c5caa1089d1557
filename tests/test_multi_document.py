"""Two documents side by side: the fiche and a small second document without a budget.

The second document (``tests/testnota/``: a short fictional Dutch note, its graph folder and its source
text) has two priorities and four interventions, no budget, and shares institutions (the NCSC, the
municipalities, the police, the supervisory authorities) and a law with the fiche; one institution
(the WRR) only it involves. It is added to a copy of the project; on that copy the charts, the views,
the comparison queries, ``stats`` and the report must treat a document without a budget, and a second
document, as what they are.
"""

from __future__ import annotations

import json
import shutil
import warnings
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import copy_project, run_cli

import policykg
from policykg.analyze import analyze_graph, render_markdown, render_page
from policykg.charts import render_charts
from policykg.library import read_query
from policykg.load import LoadedGraph, load_project
from policykg.project import Project
from policykg.stats import compute_stats

HERE = Path(__file__).resolve().parent
NOTE = HERE / "testnota"
ID = "https://w3id.org/policykg/id/"
FICHE = ID + "kernboodschap-digitalisering"
TESTNOTA = ID + "testnota"
NOTE_LABEL = "Test note on local cyber resilience"
FICHE_LABEL = "Key message on digitalisation"
PASSAGE = ID + "testnota/passage/"
INTERVENTION = ID + "testnota/intervention/"
PKG = "https://w3id.org/policykg/def#"


def add_testnota(root: Path) -> None:
    """Add the second document's graph folder and source text to the project in ``root``."""
    shutil.copytree(NOTE / "graphs" / "testnota", root / "graphs" / "testnota")
    shutil.copyfile(NOTE / "sources" / "testnota.txt", root / "sources" / "testnota.txt")


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of the project with the second document added; it validates."""
    project = copy_project(tmp_path_factory.mktemp("two") / "project")
    add_testnota(project.root)
    result = run_cli("validate", root=project.root)
    assert result.returncode == 0, result.stdout + result.stderr
    return project


@pytest.fixture(scope="module")
def loaded_two(two: Project) -> LoadedGraph:
    return load_project(two)


@pytest.fixture(scope="module")
def kg(two: Project) -> policykg.KnowledgeGraph:
    return policykg.load(two.root)


def test_the_second_document_is_valid_canonical_and_covered(two: Project) -> None:
    assert run_cli("fmt", "--check", root=two.root).returncode == 0
    coverage = run_cli("coverage", root=two.root)
    assert "testnota.txt: 17 sentences, 17 anchored" in coverage.stdout, coverage.stdout
    documents = policykg.load(two.root).query("compare/documents")
    assert [(d.documentLabel, d.budget2026to2030) for d in documents] == [
        (FICHE_LABEL, 14655),
        (NOTE_LABEL, None),
    ]


# --------------------------------------------------------------------- 1. no budget, no empty chart


def test_a_document_without_a_budget_gets_no_budget_chart(loaded_two: LoadedGraph, tmp_path: Path) -> None:
    charts, tables = render_charts(loaded_two, tmp_path / "charts", TESTNOTA)
    assert [c["svg"] for c in charts] == ["charts/institutions.svg"]
    assert not (tmp_path / "charts" / "budget-by-priority.svg").exists()
    assert not (tmp_path / "charts" / "growth-to-structural.svg").exists()
    assert f"{NOTE_LABEL} has no budget" in tables
    assert "sum of the rows" not in tables and "<table" not in tables
    texts = tables + json.dumps(charts)
    assert "fiche" not in texts and NOTE_LABEL in charts[0]["title"]


def test_the_budget_charts_name_their_document_not_the_fiche(loaded_two: LoadedGraph, tmp_path: Path) -> None:
    charts, tables = render_charts(loaded_two, tmp_path / "charts", FICHE)
    assert [c["svg"].rsplit("/", 1)[1] for c in charts] == [
        "budget-by-priority.svg",
        "growth-to-structural.svg",
        "institutions.svg",
    ]
    assert all(FICHE_LABEL in c["title"] for c in charts)
    assert "fiche" not in tables + json.dumps(charts)
    # the priority without figures is named from the data, not from a sentence about one document
    assert "Digital Open Strategic Autonomy has no figures of its own" in charts[0]["caption"]
    assert f"Investment needed per priority in {FICHE_LABEL}" in tables
    assert "<th>sum of the rows</th><th>1705</th>" in tables


def test_the_views_of_a_document_without_a_budget_say_so(two: Project, tmp_path: Path) -> None:
    result = run_cli("views", "--document", "id:testnota", "--out", str(tmp_path / "views"), root=two.root)
    assert result.returncode == 0, result.stderr
    index = (tmp_path / "views" / "index.html").read_text(encoding="utf-8")
    assert "charts/budget" not in index and "charts/growth" not in index
    assert f"{NOTE_LABEL} has no budget" in index
    assert "sum of the rows" not in index and "fiche" not in index
    priority = (tmp_path / "views" / "priority-veilige-diensten.html").read_text(encoding="utf-8")
    assert f"{NOTE_LABEL} has no budget" in priority
    assert "budget table" not in priority


# --------------------------------------------------------------------- 2. budgets compared


def test_comparing_budgets_with_a_document_without_one_lists_every_period(kg) -> None:
    rows = kg.query("compare/budget-between-documents", a=FICHE, b=TESTNOTA)
    assert [r.periodLabel for r in rows] == ["2026", "2027", "2028", "2029", "2030", "structural"]
    assert [r.amountA for r in rows] == [1705, 2605, 3215, 3560, 3570, 2965]
    assert all(r.amountB is None and r.difference is None for r in rows)
    reverse = kg.query("compare/budget-between-documents", a=TESTNOTA, b=FICHE)
    assert len(reverse) == 6 and all(r.amountA is None and r.amountB for r in reverse)
    same = kg.query("compare/budget-between-documents", a=FICHE, b=FICHE)
    assert all(r.difference == 0 for r in same) and len(same) == 6


# --------------------------------------------------------------------- 3. institutions compared


def test_comparing_institutions_lists_the_shared_ones_too(kg) -> None:
    rows = kg.query("compare/institutions-between-documents", a=FICHE, b=TESTNOTA)
    found = {
        r.institution.rsplit("/", 1)[1]: (r.involvedIn, r.interventionsA, r.interventionsB) for r in rows
    }
    assert {k for k, v in found.items() if v[0] == "both"} == {
        "ncsc",
        "gemeenten",
        "politie",
        "toezichthouders",
    }
    assert {k for k, v in found.items() if v[0] == "b"} == {"wrr"}
    assert found["ncsc"] == ("both", 2, 2) and found["gemeenten"] == ("both", 1, 3)
    assert found["wrr"] == ("b", 0, 1) and found["eu"] == ("a", 1, 0)
    # the fiche involves 17 institutions, the note 5: 4 shared
    assert len(rows) == 17 + 5 - 4
    assert [r.involvedIn for r in rows] == sorted((r.involvedIn for r in rows), key=["both", "a", "b"].index)


# --------------------------------------------------------------------- 4. one definition of frameworks


def frameworks_per_priority(loaded: LoadedGraph) -> dict[str, set[str]]:
    query = read_query(loaded.project.queries_dir / "overlaps" / "frameworks-per-priority.rq")
    found: dict[str, set[str]] = defaultdict(set)
    for row in loaded.select(query.text):
        found[row["priority"]].add(row["framework"])
    return found


def test_stats_count_frameworks_as_the_library_defines_them(loaded_two: LoadedGraph) -> None:
    defined = frameworks_per_priority(loaded_two)
    stats = {p["priority"]: p for p in compute_stats(loaded_two)["priorities"]}
    assert {iri: p["frameworks"] for iri, p in stats.items()} == {iri: len(defined[iri]) for iri in stats}
    # an intervention that aligns with the NLCS; the NATO ambitions and processes the fiche aligns with
    assert stats[TESTNOTA + "/priority/gezamenlijke-aanpak"]["frameworks"] == 1
    assert stats[FICHE + "/priority/open-strategische-autonomie"]["frameworks"] == 2
    assert stats[TESTNOTA + "/priority/veilige-diensten"]["frameworks"] == 1


def test_stats_on_the_command_line_agree(two: Project) -> None:
    result = run_cli("stats", "--json", root=two.root)
    assert result.returncode == 0, result.stderr
    rows = {p["label"]: p for p in json.loads(result.stdout)["priorities"]}
    assert rows["Joint response to incidents"]["frameworks"] == 1
    assert rows["Joint response to incidents"]["institutions"] == 4


def test_frameworks_across_priorities_follows_the_same_definition(loaded_two: LoadedGraph, kg) -> None:
    per_framework: dict[str, set[str]] = defaultdict(set)
    for priority, frameworks in frameworks_per_priority(loaded_two).items():
        for framework in frameworks:
            per_framework[framework].add(priority)
    shared = {f: len(p) for f, p in per_framework.items() if len(p) > 1}
    across = {r.framework: r.priorities for r in kg.query("overlaps/frameworks-across-priorities")}
    assert across == shared
    # the law both documents name, and the strategy the note aligns with
    assert across[ID + "law/cyberbeveiligingswet"] == 2 and across[ID + "strategy/nlcs"] == 2
    documents = {r.documentLabel: r.frameworks for r in kg.query("compare/documents")}
    assert documents[NOTE_LABEL] == 2


# --------------------------------------------------------------------- 5. the passages a finding rests on


EDGE_PASSAGES = """
SELECT ?subject ?predicate ?object ?passage WHERE {
  ?relation a pkg:QualifiedRelation ; rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object ;
    prov:wasDerivedFrom ?passage .
}
"""


@pytest.fixture(scope="module")
def report(loaded_two: LoadedGraph) -> dict:
    return analyze_graph(loaded_two, TESTNOTA)


def quoted(edge: dict) -> list[str]:
    return [x["passage"].rsplit("/", 1)[1] for x in edge["evidence"]]


def test_a_dependency_quotes_the_passages_of_its_qualified_relation(report: dict) -> None:
    steps = {
        (s["from"]["iri"], s["to"]["iri"]): s
        for chain in report["dependencies"]["longest"]
        for s in chain["steps"]
    }
    exercises = steps[INTERVENTION + "crisisoefeningen", INTERVENTION + "meldpunt"]
    # both passages the relation cites, in the order of the text; not the first of them by name alone
    assert quoted(exercises) == ["a-reporting", "b-exercises-use"]
    assert (
        exercises["evidence"][1]["quote"]
        == "Die oefeningen gebruiken de meldingen die het meldpunt verzamelt."
    )
    supervision = steps[INTERVENTION + "toezicht-naleving", INTERVENTION + "weerbaarheidsscan"]
    assert quoted(supervision) == ["b-without-scan"]
    markdown, page = render_markdown(report), render_page(report)
    for text in (markdown, page):
        assert "Die oefeningen gebruiken de meldingen die het meldpunt verzamelt." in text
    assert page.count(PASSAGE + "b-exercises-use") >= 2  # in the chain and among the direct dependents


def test_every_finding_quotes_exactly_what_its_relation_cites(report: dict, loaded_two: LoadedGraph) -> None:
    cited: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for row in loaded_two.select(EDGE_PASSAGES):
        cited[row["subject"], row["predicate"], row["object"]].add(row["passage"])
    edges = [
        ((link["intervention"]["iri"], PKG + link["relation"], bridge["iri"]), link)
        for bridge in report["bridges"]
        for link in bridge["links"]
    ]
    deps = report["dependencies"]
    needs = PKG + "dependsOn"
    edges += [((s["from"]["iri"], needs, s["to"]["iri"]), s) for c in deps["longest"] for s in c["steps"]]
    edges += [((d["iri"], needs, item["iri"]), d) for item in deps["impact"] for d in item["direct"]]
    assert len(edges) == 3 + 2 + 1 + 3
    for key, edge in edges:
        assert {x["passage"] for x in edge["evidence"]} == cited[key], key
    # an institution's involvement quotes the passage of that involves edge
    municipalities = next(b for b in report["bridges"] if b["iri"] == ID + "institution/gemeenten")
    assert {
        link["intervention"]["iri"].rsplit("/", 1)[1]: quoted(link) for link in municipalities["links"]
    } == {
        "crisisoefeningen": ["a-exercises"],
        "meldpunt": ["a-reporting"],
        "weerbaarheidsscan": ["a-scan"],
    }


def test_the_report_of_a_document_without_a_budget_says_so(report: dict) -> None:
    markdown = render_markdown(report)
    assert "| A yearly resilience scan by municipalities | 3 | 2 | no budget figures |" in markdown


# --------------------------------------------------------------------- 6. no warning from the charts


def test_the_views_of_either_document_print_no_warning(two: Project, tmp_path: Path) -> None:
    for document in ("id:testnota", "id:kernboodschap-digitalisering"):
        result = run_cli(
            "views", "--document", document, "--out", str(tmp_path / document[3:]), root=two.root
        )
        assert result.returncode == 0, result.stderr
        assert "Warning" not in result.stderr and "warn" not in result.stderr.lower(), result.stderr


def test_drawing_the_charts_warns_of_nothing_and_leaves_matplotlib_as_it_was(
    two: Project, tmp_path: Path
) -> None:
    import matplotlib

    # a label with a tab and a carriage return, which no font has a glyph for
    hostile = copy_project(tmp_path / "hostile")
    add_testnota(hostile.root)
    institutions = hostile.root / "graphs" / "shared" / "institutions.ttl"
    text = institutions.read_text(encoding="utf-8")
    label = '"Netherlands Scientific Council for Government Policy"@en'
    assert label in text
    institutions.write_text(
        text.replace(label, '"Netherlands Scientific\\tCouncil\\r\\nfor Government Policy"@en'),
        encoding="utf-8",
    )
    settings = dict(matplotlib.rcParams)
    backend = matplotlib.get_backend()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for project in (two, hostile):
            loaded = load_project(project)
            for document in (TESTNOTA, FICHE):
                render_charts(loaded, tmp_path / "charts" / document.rsplit("/", 1)[1], document)
    assert matplotlib.get_backend() == backend
    assert dict(matplotlib.rcParams) == settings
