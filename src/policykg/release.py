"""Versioned releases of the graph, the suggested citation, and the page of the ontology's version IRI.

``policykg release VERSION`` writes ``dist/releases/VERSION/``: the merged graph as
``policykg-VERSION.ttl``, ``.nt`` and ``.jsonld`` (byte for byte what ``policykg build`` writes to
``dist/policykg.*``), a ``SHA256SUMS`` file that ``sha256sum -c`` checks, and ``void.ttl``, a VoID
(https://www.w3.org/TR/void/) and DCAT 3 (https://www.w3.org/TR/vocab-dcat-3/) description of the release
with its version, date, licence and, per dump, a download URL under the versioned address and an SPDX
checksum (https://www.w3.org/TR/vocab-dcat-3/#Property:distribution_checksum). VERSION follows Semantic
Versioning 2.0.0 (https://semver.org/). The folder is written beside its target and put in place in one
step (:func:`policykg.output.staged_directory`); an existing release is replaced only when asked.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import EXIT_USAGE, PolicyKGError
from .namespaces import ONTOLOGY_IRI
from .output import locked, staged_directory
from .project import Project
from .site import _ENV, BASE, DATASET, FILE_TYPES, IANA, MEDIA_TYPES, release_date

EXTENSIONS = ("ttl", "nt", "jsonld")
"""The syntaxes of a release's dumps, as ``policykg build`` writes them."""
TITLES = {"ttl": "Turtle", "nt": "N-Triples", "jsonld": "JSON-LD"}
DATA_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
"""The licence of the ontology and the graphs (LICENSE-DATA); the code's is EUPL-1.2 (LICENSE)."""
TITLE = "policykg: government policy as a knowledge graph"
AUTHOR = "policykg contributors"
CITE_UPTO = 3
"""Source documents named one by one in a citation; above this many they are counted."""
_NUMBER = r"(?:0|[1-9][0-9]*)"
_PART = r"[0-9A-Za-z-]+"
VERSION = re.compile(
    rf"{_NUMBER}\.{_NUMBER}\.{_NUMBER}(?:-{_PART}(?:\.{_PART})*)?(?:\+{_PART}(?:\.{_PART})*)?"
)
"""MAJOR.MINOR.PATCH, an optional pre-release and optional build metadata (https://semver.org/, §2, §9, §10)."""


def check_version(text: str) -> str:
    """``text`` when it is a semantic version; else a one-line usage error.

    >>> check_version("1.0.0"), check_version("2.1.0-rc.1+20261207")
    ('1.0.0', '2.1.0-rc.1+20261207')
    >>> check_version("1.0")
    Traceback (most recent call last):
    policykg.errors.PolicyKGError: '1.0' is not a version: write MAJOR.MINOR.PATCH, as 1.0.0 or 1.1.0-rc.1 (https://semver.org/)
    """
    numeric_zero = any(
        p.isdigit() and len(p) > 1 and p.startswith("0")
        for p in text.partition("+")[0].partition("-")[2].split(".")
    )
    if not VERSION.fullmatch(text) or numeric_zero:
        raise PolicyKGError(
            f"{text!r} is not a version: write MAJOR.MINOR.PATCH, as 1.0.0 or 1.1.0-rc.1 (https://semver.org/)",
            exit_code=EXIT_USAGE,
        )
    return text


def _select(store: ox.Store, sparql: str) -> list[dict[str, str]]:
    solutions = store.query(sparql, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]


SOURCES = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?doc ?title ?titleLang ?lang ?issued ?publisher WHERE {
  ?doc a <https://w3id.org/policykg/def#PolicyDocument> ; dcterms:title ?title .
  BIND(LANG(?title) AS ?titleLang)
  OPTIONAL { ?doc dcterms:language ?lang }
  OPTIONAL { ?doc dcterms:issued ?issued }
  OPTIONAL { ?doc dcterms:publisher/rdfs:label ?publisher FILTER(LANGMATCHES(LANG(?publisher), "en")) }
}
"""


def cite_sources(store: ox.Store) -> list[str]:
    """Each policy document of the graph as a reference: its title in its own language (else English),
    and its publisher and year where the graph states them ("n.d." where it gives no date)."""
    found: dict[str, dict[str, Any]] = {}
    for row in _select(store, SOURCES):
        entry = found.setdefault(row["doc"], {"titles": {}, "lang": row.get("lang", "en")})
        entry["titles"][row.get("titleLang", "")] = row["title"]
        entry.setdefault("issued", row.get("issued"))
        entry.setdefault("publisher", row.get("publisher"))
    references = []
    for entry in found.values():
        titles = entry["titles"]
        title = titles.get(entry["lang"]) or titles.get("en") or sorted(titles.values())[0]
        year = (entry["issued"] or "")[:4] or "n.d."
        who = f"{entry['publisher']}, " if entry["publisher"] else ""
        references.append(f'"{title}" ({who}{year})')
    return sorted(references)


def format_citation(version: str, year: str, sources: list[str], url: str = BASE) -> str:
    """The suggested citation of the dataset, in the form of APA's for a data set.

    >>> format_citation("1.0.0", "2026", ['"Kernboodschap digitalisering" (n.d.)'])
    'policykg contributors (2026). policykg: government policy as a knowledge graph (version 1.0.0) [Data set]. https://w3id.org/policykg/. Source document: "Kernboodschap digitalisering" (n.d.).'
    """
    if len(sources) > CITE_UPTO:
        built = f" Built from {len(sources)} policy documents."
    elif sources:
        built = f" Source document{'s' if len(sources) > 1 else ''}: {'; '.join(sources)}."
    else:
        built = ""
    return f"{AUTHOR} ({year}). {TITLE} (version {version}) [Data set]. {url}.{built}"


def cite_dataset(store: ox.Store, version: str, year: str, url: str = BASE) -> str:
    """:func:`format_citation` with the source documents the graph in ``store`` holds."""
    return format_citation(version, year, cite_sources(store), url)


VERSION_PAGE = _ENV.from_string(
    """{% extends "base.html" %}
{% block title %}{{ title }}, version {{ version }} — policykg{% endblock %}
{% block head %}<link rel="stylesheet" href="{{ root }}site.css">
{% for ext, media in alternates %}<link rel="alternate" type="{{ media }}" href="{{ root }}{{ path }}/index.{{ ext }}">
{% endfor %}
{% endblock %}
{% block nav %}<a href="{{ root }}index.html">policykg</a> · <a href="{{ root }}def.html">ontology</a>{% endblock %}
{% block body %}<h1>{{ title }}, version {{ version }}</h1>
<p class="iri"><code>{{ version_iri }}</code> is version {{ version }} of <code>{{ iri }}</code>, the version this
site documents.</p>
{% for lang, text in descriptions %}<p lang="{{ lang }}">{{ text }}</p>{% endfor %}
<p>This version's data: {% for ext, media in alternates %}<a href="{{ root }}{{ path }}/index.{{ ext }}" type="{{ media }}">{{ ext }}</a> {% endfor %}</p>
<p>Every term is documented on <a href="{{ root }}def.html">the ontology's page</a>.</p>
{% endblock %}
"""
)


def write_ontology_version(graph: Any, folder: Path) -> list[Path]:
    """The page of the ontology's ``owl:versionIRI`` (https://www.w3.org/TR/owl2-syntax/#Ontology_IRI_and_Version_IRI)
    at its path in the site, ``def/VERSION/index.html``, with the ontology's data beside it as
    ``index.ttl``, ``.jsonld``, ``.nt`` and ``.rdf`` (copies of ``def.*``, which must be written first).

    A folder answers its address on every static host and in ``policykg serve``. The page's links climb to
    the site's root and down again (``../../def.html``), so they hold both at ``/def/VERSION/`` and, where
    the site is at the root of its host, at ``/def/VERSION``. Nothing is written when the ontology declares
    no version IRI under its own.
    """
    triples = graph.outgoing(ONTOLOGY_IRI)
    version_iri = next((t.object.value for t in triples if t.predicate.value.endswith("#versionIRI")), "")
    version = next((t.object.value for t in triples if t.predicate.value.endswith("#versionInfo")), "")
    step = version_iri[len(ONTOLOGY_IRI) + 1 :]
    if not version_iri.startswith(ONTOLOGY_IRI + "/") or not re.fullmatch(
        r"[0-9A-Za-z][0-9A-Za-z.+-]*", step
    ):
        return []
    path = f"def/{step}"
    target = folder / path
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for ext in MEDIA_TYPES:
        shutil.copyfile(folder / f"def.{ext}", target / f"index.{ext}")
        written.append(target / f"index.{ext}")
    label = (
        graph.label(ONTOLOGY_IRI, "en") if any(t.predicate.value.endswith("#label") for t in triples) else ""
    )
    page = target / "index.html"
    page.write_text(
        VERSION_PAGE.render(
            root="../../",
            path=path,
            title=label or "The policykg ontology",
            version=version or step,
            iri=ONTOLOGY_IRI,
            version_iri=version_iri,
            descriptions=sorted(
                (t.object.language or "", t.object.value)
                for t in triples
                if t.predicate.value == "http://purl.org/dc/terms/description"
            ),
            alternates=list(MEDIA_TYPES.items()),
        ),
        encoding="utf-8",
    )
    return [page, *written]


@dataclass
class Release:
    """What ``policykg release`` wrote."""

    folder: Path
    files: list[Path]
    triples: int
    reused: bool
    """Whether the dumps were copied from a fresh ``dist/`` rather than built for the release."""


def fresh_build(project: Project) -> Path | None:
    """``dist/`` when its dumps are newer than every file of ``ontology/``, ``graphs/``, ``sources/`` and
    ``queries/checks/``; else None."""
    dumps = [project.dist_dir / f"policykg.{ext}" for ext in EXTENSIONS]
    if not all(p.is_file() for p in dumps):
        return None
    built = min(p.stat().st_mtime_ns for p in dumps)
    inputs = project.inputs().files + sorted(project.checks_dir.glob("*.rq"))
    return None if any(p.stat().st_mtime_ns > built for p in inputs) else project.dist_dir


def _write_dumps(project: Project, staged: Path, version: str, engine: str) -> tuple[ox.Store, bool]:
    """The dumps of the release in ``staged``, from a fresh ``dist/`` or built and validated afresh (leaving
    ``dist/`` alone); the graph they hold."""
    dist = fresh_build(project)
    if dist is not None:
        for ext in EXTENSIONS:
            shutil.copyfile(dist / f"policykg.{ext}", staged / f"policykg-{version}.{ext}")
        store = ox.Store()
        store.bulk_load(path=str(staged / f"policykg-{version}.nt"), format=ox.RdfFormat.N_TRIPLES)
        return store, True
    from .build import write_graph
    from .load import load_project
    from .validate import validate_graph

    loaded = load_project(project)
    report = validate_graph(loaded, engine)
    if not report.conforms:
        raise PolicyKGError(
            f"the graph is invalid: {len(report.problems)} problem(s); nothing was released", report.problems
        )
    built = staged / ".graph"
    built.mkdir()
    write_graph(loaded, built)
    for ext in EXTENSIONS:
        (built / f"policykg.{ext}").rename(staged / f"policykg-{version}.{ext}")
    shutil.rmtree(built)
    return loaded.store, False


def write_release(
    project: Project, version: str, *, force: bool = False, out: Path | None = None, engine: str = "rudof"
) -> Release:
    """Write the release ``version`` into ``out/VERSION`` (default ``dist/releases/VERSION``); refuse an
    existing one unless ``force``."""
    check_version(version)
    folder = (out if out is not None else project.dist_dir / "releases") / version
    if folder.exists() and not force:
        raise PolicyKGError(
            f"{project.relative(folder)}/ exists: a release is not overwritten; pass --force to replace it",
            exit_code=EXIT_USAGE,
        )
    issued = release_date()
    # inside dist/, a build swapping dist/ whole waits for the release, and the other way round
    with locked(project.dist_dir) if out is None else nullcontext(), staged_directory(folder) as staged:
        store, reused = _write_dumps(project, staged, version, engine)
        names = [f"policykg-{version}.{ext}" for ext in EXTENSIONS]
        triples = sum(1 for line in (staged / names[1]).read_bytes().splitlines() if line.strip())
        dumps = []
        for ext, name in zip(EXTENSIONS, names, strict=True):
            data = (staged / name).read_bytes()
            dumps.append(
                {"name": name, "ext": ext, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            )
        base = f"{BASE}releases/{version}/"
        citation = cite_dataset(store, version, issued[:4], base)
        ontology = _select(
            store, f"SELECT ?v WHERE {{ <{ONTOLOGY_IRI}> <http://www.w3.org/2002/07/owl#versionIRI> ?v }}"
        )
        description = describe_release(
            version, issued, base, dumps, triples, citation, [r["v"] for r in ontology]
        )
        (staged / "void.ttl").write_text(description, encoding="utf-8")
        listed = [*names, "void.ttl"]
        sums = "".join(f"{hashlib.sha256((staged / n).read_bytes()).hexdigest()}  {n}\n" for n in listed)
        (staged / "SHA256SUMS").write_text(sums, encoding="utf-8")
    return Release(folder, [folder / n for n in [*listed, "SHA256SUMS"]], triples, reused)


def describe_release(
    version: str,
    issued: str,
    base: str,
    dumps: list[dict[str, Any]],
    triples: int,
    citation: str,
    ontology: list[str],
) -> str:
    """The release in Turtle: a ``dcat:Dataset`` that is a version (``dcat:hasVersion``, DCAT 3 §11) of the
    site's dataset, with ``dcat:version``, ``owl:versionInfo``, ``dct:issued``, its licence and citation,
    and one ``dcat:Distribution`` per dump with its download URL, media type, size and SHA-256 checksum."""
    dataset = f"<{base}void.ttl#dataset>"
    about = [
        "a dcat:Dataset, void:Dataset",
        f'dct:title "{TITLE}, version {version}"@en',
        f'dct:description "Release {version} of the policykg knowledge graph: every triple of the ontology '
        'and the graphs, in three syntaxes."@en',
        f"dct:license <{DATA_LICENCE}>",
        f"dct:publisher <{BASE}publisher>",
        f'dct:issued "{issued}"^^xsd:date',
        f'dcat:version "{version}"',
        f'owl:versionInfo "{version}"',
        f'dct:bibliographicCitation "{_escape(citation)}"',
        *(f"dct:conformsTo <{iri}>" for iri in ontology),
        f"void:vocabulary <{ONTOLOGY_IRI}>",
        f"void:triples {triples}",
        f"dcat:landingPage <{BASE}>",
        *(f"void:dataDump <{base}{d['name']}>" for d in dumps),
        *(f"dcat:distribution <{base}{d['name']}#distribution>" for d in dumps),
    ]
    lines = [
        "@prefix dcat: <http://www.w3.org/ns/dcat#> .",
        "@prefix dct: <http://purl.org/dc/terms/> .",
        "@prefix foaf: <http://xmlns.com/foaf/0.1/> .",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
        "@prefix spdx: <http://spdx.org/rdf/terms#> .",
        "@prefix void: <http://rdfs.org/ns/void#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "",
        f"<{DATASET}> dcat:hasVersion {dataset} .",
        "",
        f"{dataset} " + " ;\n    ".join(about) + " .",
        "",
        f'<{BASE}publisher> a foaf:Agent ; foaf:name "{AUTHOR}" .',
    ]
    for d in dumps:
        lines += [
            "",
            f"<{base}{d['name']}#distribution> a dcat:Distribution ;",
            f'    dct:title "{TITLE}, version {version}, as {TITLES[d["ext"]]}"@en ;',
            f"    dcat:accessURL <{base}> ;",
            f"    dcat:downloadURL <{base}{d['name']}> ;",
            f"    dcat:mediaType <{IANA}{MEDIA_TYPES[d['ext']]}> ;",
            f"    dct:format <{FILE_TYPES[d['ext']]}> ;",
            f'    dcat:byteSize "{d["size"]}"^^xsd:nonNegativeInteger ;',
            "    spdx:checksum [ a spdx:Checksum ; spdx:algorithm spdx:checksumAlgorithm_sha256 ;",
            f'        spdx:checksumValue "{d["sha256"]}"^^xsd:hexBinary ] ;',
            f'    dct:issued "{issued}"^^xsd:date ;',
            f"    dct:license <{DATA_LICENCE}> .",
        ]
    # DCAT-AP 3.0 gives each value a class (its SHACL shapes check sh:class): say which, as the site does.
    typed = {
        "dct:LicenseDocument": [DATA_LICENCE],
        "dct:Standard": ontology,
        "foaf:Document": [BASE],
        "<http://www.w3.org/2000/01/rdf-schema#Resource>": [base] + [base + d["name"] for d in dumps],
        "dct:MediaType": [IANA + MEDIA_TYPES[d["ext"]] for d in dumps],
        "dct:MediaTypeOrExtent": [FILE_TYPES[d["ext"]] for d in dumps],
    }
    lines.append("")
    for cls, iris in typed.items():
        lines += [f"<{iri}> a {cls} ." for iri in iris]
    lines.append("spdx:checksumAlgorithm_sha256 a spdx:ChecksumAlgorithm .")
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    r"""Text as the inside of a Turtle string in double quotes (https://www.w3.org/TR/turtle/#sec-escapes).

    >>> print(_escape('a "b" \\ c'))
    a \"b\" \\ c
    """
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
