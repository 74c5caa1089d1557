"""Synthetic policy documents for measuring scale: a whole project (ontology, queries, shared resources,
documents with their source texts) that passes the same shapes and checks as the real data.

Each document has priorities, interventions with nested items, budgets whose totals add up, dependencies
with their basis, and a source text in which every passage is quoted verbatim. Institutions, frameworks
and themes are shared between documents and drawn with a skewed (Zipf-like) distribution, so a few take
part in very many interventions, as in reality. The output is deterministic for a seed, and its IRIs
(``…/id/synth-…``) and folder keep it apart from the real data.
"""

from __future__ import annotations

import functools
import itertools
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .progress import progress
from .project import Project

ID = "https://w3id.org/policykg/id/"
SYNTH_NEEDS = ("ontology", "queries", "graphs/shared/periods.ttl", "graphs/shared/levels.ttl")
"""What a synthetic project copies from the project it is made in."""
PREFIXES = """@prefix pkg: <https://w3id.org/policykg/def#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
PERIODS = ["2026", "2027", "2028", "2029", "2030", "structural"]
SUBJECTS = [
    "digitale diensten",
    "cyberweerbaarheid",
    "data-infrastructuur",
    "AI-toezicht",
    "digitale vaardigheden",
    "open source",
    "connectiviteit",
    "rechtsbescherming",
    "cloudgebruik",
    "datadeling",
]
VERBS = ["versterken", "uitbreiden", "verbeteren", "ondersteunen", "verankeren", "opschalen"]


@dataclass(frozen=True)
class SynthSize:
    """How large each synthetic document is."""

    priorities: int = 4
    interventions: int = 10
    institutions: int = 400
    frameworks: int = 150
    themes: int = 40


@functools.cache
def _zipf_cumulative(n: int, s: float) -> tuple[float, ...]:
    return tuple(itertools.accumulate(1 / (k + 1) ** s for k in range(n)))


def _zipf(rng: random.Random, n: int, s: float = 1.1) -> int:
    """An index in range(n), the first ones far more often than the last (Zipf's law with exponent s)."""
    return rng.choices(range(n), cum_weights=_zipf_cumulative(n, s), k=1)[0]


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _labels(nl: str, en: str) -> str:
    return f"rdfs:label {_literal(nl)}@nl, {_literal(en)}@en"


def _qualified(subject: str, predicate: str, target: str, passages: list[str], basis: str) -> str:
    """The edge and its qualified relation: the passages it rests on and its basis, with a reason for a
    reading (docs/model.md, "The evidence rule")."""
    relation = f"{subject.replace('/intervention/', '/relation/')}--{predicate}--{target.rsplit('/', 1)[1]}"
    reason = (
        ' ; rdfs:comment "Een synthetische lezing."@nl, "A synthetic reading."@en'
        if basis == "reading"
        else ""
    )
    cited = ", ".join(f"<{p}>" for p in passages)
    return (
        f"<{subject}> pkg:{predicate} <{target}> . <{relation}> a pkg:QualifiedRelation ;"
        f" rdf:subject <{subject}> ; rdf:predicate pkg:{predicate} ; rdf:object <{target}> ;"
        f" pkg:basis pkg:{basis} ; {_labels(f'relatie {predicate}', f'relation {predicate}')}{reason} ;"
        f" prov:wasDerivedFrom {cited} ."
    )


def write_shared(graphs: Path, size: SynthSize, sentences: list[str]) -> None:
    """Shared institutions, frameworks, themes, levels, periods and target groups, each derived from a
    passage of the first synthetic document (its 'register' section)."""
    doc = f"{ID}synth-0001"
    out = [PREFIXES]
    kinds = (
        ("institution", "pkg:Institution", size.institutions),
        ("strategy", "pkg:Strategy", size.frameworks),
    )
    for kind, cls, count in kinds:
        for i in range(count):
            name = f"{kind} {i:04d}"
            sentences.append(f"Register: {name} wordt genoemd.")
            out.append(
                f"<{ID}synth-{kind}/{i:04d}> a {cls} ; {_labels(name, name)} ;"
                f" prov:wasDerivedFrom <{doc}/passage/register-{kind}-{i:04d}> ."
            )
    out.append(
        f'<{ID}synth-theme/scheme> a skos:ConceptScheme ; {_labels("thema", "theme")} ; skos:prefLabel "thema"@nl, "theme"@en .'
    )
    for i in range(size.themes):
        name = f"thema {i:03d}"
        sentences.append(f"Register: theme {i:03d} wordt genoemd.")
        out.append(
            f"<{ID}synth-theme/{i:03d}> a pkg:Theme ; {_labels(name, f'theme {i:03d}')} ; skos:prefLabel {_literal(name)}@nl,"
            f" {_literal(f'theme {i:03d}')}@en ; skos:inScheme <{ID}synth-theme/scheme> ;"
            f" prov:wasDerivedFrom <{doc}/passage/register-theme-{i:03d}> ."
        )
    for period in PERIODS:
        sentences.append(f"Register: period {period} wordt genoemd.")
        out.append(f"<{ID}period/{period}> prov:wasDerivedFrom <{doc}/passage/register-period-{period}> .")
    for level in ("promote", "protect", "partner"):
        sentences.append(f"Register: level {level} wordt genoemd.")
        out.append(f"<{ID}level/{level}> prov:wasDerivedFrom <{doc}/passage/register-level-{level}> .")
    (graphs / "shared").mkdir(parents=True, exist_ok=True)
    (graphs / "shared" / "synthetic.ttl").write_text("\n".join(out) + "\n", encoding="utf-8")


def write_document(root: Path, index: int, size: SynthSize, rng: random.Random, register: list[str]) -> int:
    """One synthetic document: its graph (one file) and its source text; returns its triple estimate."""
    slug = f"synth-{index:04d}"
    doc = f"{ID}{slug}"
    sentences: list[str] = [f"Synthetisch beleidsdocument {index:04d}."] + (register if index == 1 else [])
    passages: list[tuple[str, str]] = [("title", sentences[0])]
    if index == 1:
        for sentence in register:
            kind, number = sentence.split(": ", 1)[1].split(" wordt")[0].rsplit(" ", 1)
            passages.append((f"register-{kind}-{number}", sentence))
    out = [PREFIXES]
    out.append(
        f"<{doc}> a pkg:PolicyDocument ; {_labels(f'Document {index:04d}', f'Document {index:04d}')} ;"
        f' dcterms:title "Synthetisch document {index:04d}"@nl, "Synthetic document {index:04d}"@en ;'
        f' dcterms:type "synthetic" ; pkg:sourceFile "{slug}.txt" ; prov:wasDerivedFrom <{doc}/passage/title> .'
    )
    interventions: list[str] = []
    budget_rows: dict[str, list[int]] = {}
    for p in range(size.priorities):
        priority = f"{doc}/priority/p{p}"
        heading = f"Opgave {p} van document {index:04d}: {SUBJECTS[p % len(SUBJECTS)]}."
        sentences.append(heading)
        passages.append((f"p{p}", heading))
        out.append(
            f"<{doc}> pkg:hasPriority <{priority}> . <{priority}> a pkg:Priority ;"
            f" {_labels(f'Opgave {p}', f'Priority {p}')} ; prov:wasDerivedFrom <{doc}/passage/p{p}> ."
        )
        for i in range(size.interventions):
            name = f"i{p}-{i}"
            subject = SUBJECTS[rng.randrange(len(SUBJECTS))]
            institution = _zipf(rng, size.institutions)
            theme = _zipf(rng, size.themes)
            strategy = _zipf(rng, size.frameworks) if rng.random() < 0.6 else None
            mentions = f"met institution {institution:04d} over theme {theme:03d}"
            if strategy is not None:
                mentions += f" volgens strategy {strategy:04d}"
            text = (
                f"Interventie {name} van document {index:04d}: {subject} {VERBS[rng.randrange(len(VERBS))]},"
                f" {mentions}."
            )
            sentences.append(text)
            passages.append((name, text))
            iri = f"{doc}/intervention/{name}"
            own = f"{doc}/passage/{name}"
            out.append(
                f"<{iri}> a pkg:Intervention ; {_labels(f'Interventie {name}', f'Intervention {name}')} ;"
                f" pkg:underPriority <{priority}> ; prov:wasDerivedFrom <{own}> ."
            )
            edges = [
                ("involves", f"{ID}synth-institution/{institution:04d}", [own]),
                ("addresses", f"{ID}synth-theme/{theme:03d}", [own]),
            ]
            if strategy is not None:
                edges.append(("refersTo", f"{ID}synth-strategy/{strategy:04d}", [own]))
            if i and rng.random() < 0.3:
                edges.append(("partOf", f"{doc}/intervention/i{p}-0", [own, f"{doc}/passage/i{p}-0"]))
            for predicate, target, cited in edges:
                out.append(_qualified(iri, predicate, target, cited, "stated"))
            interventions.append(iri)
        budget_rows[priority] = [rng.randrange(1, 200) * 5 for _ in PERIODS]
    for k, iri in enumerate(interventions):
        if k and rng.random() < 0.15:
            target = interventions[rng.randrange(k)]
            basis = "stated" if rng.random() < 0.4 else "reading"
            cited = [
                iri.replace("/intervention/", "/passage/"),
                target.replace("/intervention/", "/passage/"),
            ]
            out.append(_qualified(iri, "dependsOn", target, cited, basis))
    table = f"{doc}/budget/table"
    totals = f"{doc}/budget/printed-totals"
    header = f"Bedragen document {index:04d}: " + " ".join(PERIODS) + "."
    sentences.append(header)
    passages.append(("table", header))
    out.append(
        f"<{table}> a qb:DataSet ; qb:structure pkg:budgetStructure ; {_labels('begroting', 'budget')} ;"
        f" prov:wasDerivedFrom <{doc}/passage/table> ."
    )
    out.append(
        f"<{totals}> a qb:DataSet ; qb:structure pkg:budgetTotalStructure ; pkg:totalOf <{table}> ;"
        f" {_labels('totalen', 'totals')} ; prov:wasDerivedFrom <{doc}/passage/table> ."
    )
    for period_index, period in enumerate(PERIODS):
        total = 0
        for p, (priority, amounts) in enumerate(budget_rows.items()):
            amount = amounts[period_index]
            total += amount
            out.append(
                f"<{table}/p{p}-{period}> a qb:Observation ; qb:dataSet <{table}> ; pkg:priority <{priority}> ;"
                f" pkg:period <{ID}period/{period}> ; pkg:amount {amount}.0 ;"
                f" {_labels(f'regel {p} {period}', f'row {p} {period}')} ; prov:wasDerivedFrom <{doc}/passage/table> ."
            )
        out.append(
            f"<{totals}/{period}> a qb:Observation ; qb:dataSet <{totals}> ; pkg:period <{ID}period/{period}> ;"
            f" pkg:amount {total}.0 ; {_labels(f'totaal {period}', f'total {period}')} ;"
            f" prov:wasDerivedFrom <{doc}/passage/table> ."
        )
    for name, text in passages:
        out.append(
            f"<{doc}/passage/{name}> a pkg:Passage ; oa:hasSource <{doc}> ; {_labels(f'Fragment {name}', f'Passage {name}')} ;"
            f" oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact {_literal(text)} ] ."
        )
    folder = root / "graphs" / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "document.ttl").write_text("\n".join(out) + "\n", encoding="utf-8")
    (root / "sources" / f"{slug}.txt").write_text("\n".join(sentences) + "\n", encoding="utf-8")
    return count_triples(folder / "document.ttl")


def count_triples(path: Path) -> int:
    """The triples a Turtle file holds, as its parser reads them (https://www.w3.org/TR/turtle/)."""
    return sum(1 for _ in ox.parse(path=path, format=ox.RdfFormat.TURTLE))


def synthesize(
    project: Project, out: Path, documents: int, seed: int = 1, size: SynthSize | None = None
) -> int:
    """Write a synthetic project with ``documents`` documents into ``out`` (a new or empty folder); return
    the triples its graphs hold (the ontology's left out).

    The ontology, shapes and query library are the project's own; the shared periods and levels are
    copied from its graphs, so the synthetic documents use the same concepts as the real ones, and get
    their passages from the first synthetic document's register.
    """
    size = size or SynthSize()
    rng = random.Random(seed)
    (out / "sources").mkdir(parents=True)
    shutil.copytree(project.ontology_dir, out / "ontology")
    shutil.copytree(project.queries_dir, out / "queries")
    (out / "graphs" / "shared").mkdir(parents=True)
    for name in ("periods.ttl", "levels.ttl"):
        shutil.copyfile(project.graphs_dir / "shared" / name, out / "graphs" / "shared" / name)
    register: list[str] = []
    write_shared(out / "graphs", size, register)
    total = sum(count_triples(path) for path in (out / "graphs" / "shared").glob("*.ttl"))
    for index in progress(range(1, documents + 1), "synthetic documents", total=documents):
        total += write_document(out, index, size, rng, register)
    return total
