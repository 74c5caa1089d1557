"""Find shared resources (institutions, laws, strategies, themes, target groups, levels, periods) by name.

A shared resource is one whose IRI lies in the id namespace but not under a document's own IRI: the
resources of ``graphs/shared/``. Its labels (``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel``, in
every language) are compared with the text looked for, ignoring case and accents. Hits are ranked:
an exact label first, then a label that holds the text as whole words or as the start of a word, then
one that holds it anywhere, then labels that are merely similar (:func:`similarity`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..escape import printable
from ..load import LoadedGraph
from ..namespaces import ID, shorten
from ..project import Project, read_file

SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"

LABELS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
)
KINDS = ("exact", "words", "prefix", "substring", "fuzzy")
"""How a label matched, best first."""
FUZZY_CUTOFF = 0.75
"""The least :func:`similarity` of a label (or a run of its words) to the text for a fuzzy hit."""

MAX_TEXT = 200
"""The longest text ``policykg find`` looks for: a name, or part of one."""
SHOWN_DOCUMENTS = 10
"""The most documents listed per hit in the text output (``--json`` lists every one)."""

_WORD_RE = re.compile(r"\w+")
_PREFIX_LINE_RE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)


def normalize(text: str) -> str:
    """``text`` without accents (NFKD, combining marks dropped), case-folded, white space collapsed.

    >>> normalize("  Één  Régering ")
    'een regering'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def words(text: str) -> list[str]:
    """The words of ``text`` once normalized; punctuation separates words.

    >>> words("AI-Deltaplan (NDS)")
    ['ai', 'deltaplan', 'nds']
    """
    return _WORD_RE.findall(normalize(text))


def similarity(a: str, b: str) -> float:
    """How alike two texts are, from 0 to 1, ignoring case and accents (difflib's ratio).

    >>> round(similarity("s-avgg", "s-avg"), 2), similarity("Rechtspraak", "rechtspraak")
    (0.91, 1.0)
    """
    return difflib.SequenceMatcher(None, normalize(a), normalize(b), autojunk=False).ratio()


def closest(text: str, candidates: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The candidates most like ``text`` (at least ``cutoff`` alike), best first; of those, only the ones
    nearly as alike as the best, at most ``n``.

    >>> closest("s-avgg", ["s-ai", "s-avg", "s-eu-law"])
    ['s-avg']
    """
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(normalize(text))
    scored = []
    for candidate in candidates:
        matcher.set_seq1(normalize(candidate))
        if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff:
            ratio = matcher.ratio()
            if ratio >= cutoff:
                scored.append((-ratio, candidate))
    scored.sort()
    if not scored:
        return []
    best = -scored[0][0]
    return [c for r, c in scored[:n] if -r >= best - 0.1]


def file_prefixes(text: str) -> dict[str, str]:
    """The prefixes a Turtle text declares before its first statement: name to namespace.

    >>> file_prefixes("PREFIX inst: <https://w3id.org/policykg/id/institution/>\\n\\ninst:a a inst:B .")
    {'inst': 'https://w3id.org/policykg/id/institution/'}
    """
    found = {}
    for line in text.lstrip("\ufeff").splitlines():
        match = _PREFIX_LINE_RE.match(line)
        if match:
            found[match.group(1)] = match.group(2)
        elif line.strip() and not line.lstrip().startswith("#"):
            break
    return found


def project_prefixes(project: Project | None) -> dict[str, str]:
    """The prefixes the files of ``graphs/`` declare, those a name binds to one namespace only, with
    the library's own (:data:`policykg.namespaces.PREFIXES`) where no file binds the name (or where
    there is no project: a graph opened from a dump)."""
    from ..namespaces import PREFIXES

    seen: dict[str, set[str]] = defaultdict(set)
    for path in project.graph_files() if project is not None else []:
        try:
            head = read_file(path)[:16_384].decode("utf-8", "replace")
        except OSError:
            continue
        for name, namespace in file_prefixes(head).items():
            seen[name].add(namespace)
    found = dict(PREFIXES)
    found.update({name: next(iter(ns)) for name, ns in seen.items() if len(ns) == 1})
    return found


def short_form(iri: str, prefixes: dict[str, str]) -> str:
    """``iri`` as a prefixed name with the longest namespace of ``prefixes`` that fits, else as
    :func:`policykg.namespaces.shorten` writes it.

    >>> short_form("https://w3id.org/policykg/id/law/avg", {"law": "https://w3id.org/policykg/id/law/"})
    'law:avg'
    """
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return shorten(iri)
    name = next(n for n, ns in sorted(prefixes.items()) if ns == best)
    local = iri[len(best) :]
    if re.fullmatch(r"(?:[\w-](?:[\w.-]*[\w-])?)?", local):
        return f"{name}:{local}"
    return shorten(iri)


@dataclass(frozen=True)
class Document:
    """A policy document that uses a resource."""

    iri: str
    short: str
    label: str | None


@dataclass(frozen=True)
class Hit:
    """A shared resource found by :func:`find_resources`, with the label that matched and how."""

    iri: str
    short: str
    types: tuple[str, ...]
    label_nl: str | None
    label_en: str | None
    matched: str
    matched_language: str | None
    kind: str
    score: float
    documents: tuple[Document, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The hit as plain data for ``--json``."""
        return {
            "iri": self.iri,
            "short": self.short,
            "types": list(self.types),
            "labels": {"nl": self.label_nl, "en": self.label_en},
            "matched": {"label": self.matched, "language": self.matched_language},
            "match": self.kind,
            "score": round(self.score, 3),
            "documents": [{"iri": d.iri, "short": d.short, "label": d.label} for d in self.documents],
        }


def _match(query: list[str], flat: str, label: str) -> tuple[int, float] | None:
    """How ``label`` matches the query (its words and its normalized text ``flat``): the rank of the
    kind in :data:`KINDS` and a score from 0 to 1 (higher is better), or None."""
    found = words(label)
    if not found:
        return None
    normal = normalize(label)
    cover = min(1.0, len(flat) / max(len(normal), 1))
    if found == query:
        return 0, 1.0
    n = len(query)
    starts = range(len(found) - n + 1)
    if any(found[i : i + n] == query for i in starts):
        return 1, cover
    if any(found[i : i + n - 1] == query[:-1] and found[i + n - 1].startswith(query[-1]) for i in starts):
        return 2, cover
    if flat in normal:
        return 3, cover
    windows = {" ".join(found[i : i + n]) for i in starts} | {" ".join(found)}
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(flat)
    ratio = 0.0
    for window in windows:
        matcher.set_seq1(window)
        # the quick upper bounds first: a text much longer or shorter than a label costs nothing
        if matcher.real_quick_ratio() >= FUZZY_CUTOFF and matcher.quick_ratio() >= FUZZY_CUTOFF:
            ratio = max(ratio, matcher.ratio())
    return (4, ratio) if ratio >= FUZZY_CUTOFF else None


SHARED_LABELS = """
SELECT ?s ?p ?l WHERE {
  VALUES ?p { %s }
  ?s ?p ?l .
  FILTER(isIRI(?s) && STRSTARTS(STR(?s), "%s") && isLiteral(?l))
  BIND(IRI(CONCAT("%s", STRBEFORE(CONCAT(STRAFTER(STR(?s), "%s"), "/"), "/"))) AS ?root)
  FILTER NOT EXISTS { ?root a <https://w3id.org/policykg/def#PolicyDocument> }
}
"""
ALL_LABELS = """
SELECT ?s ?p ?l WHERE {
  VALUES ?p { %s }
  ?s ?p ?l .
  FILTER(isIRI(?s) && isLiteral(?l))
}
"""


def shared_labels(loaded: LoadedGraph, everything: bool = False) -> dict[str, list[tuple[str, str | None]]]:
    """Every label of every shared resource (or, with ``everything``, of every resource, the documents'
    own and the ontology's terms too): IRI to (label, language) pairs."""
    values = " ".join(f"<{p}>" for p in LABELS)
    rows = loaded.query(ALL_LABELS % values if everything else SHARED_LABELS % (values, ID, ID, ID))
    labels: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for row in rows:
        labels[row["s"].value].append((row["l"].value, row["l"].language))
    return labels


def using_documents(
    loaded: LoadedGraph, iris: list[str], prefixes: dict[str, str]
) -> dict[str, list[Document]]:
    """For each of ``iris``, the documents that use it: a passage of the document is among its
    ``prov:wasDerivedFrom``, or a resource of the document (the document, or an IRI under it) links to it."""
    if not iris:
        return {}
    docs: dict[str, str | None] = {}
    rows = loaded.query(
        """SELECT ?d ?l WHERE { ?d a <https://w3id.org/policykg/def#PolicyDocument>
           OPTIONAL { ?d <http://www.w3.org/2000/01/rdf-schema#label> ?l } } ORDER BY ?d"""
    )
    for row in rows:
        label = row["l"]
        kept = docs.get(row["d"].value)
        if label is not None and (kept is None or label.language == "en"):
            docs[row["d"].value] = label.value
        else:
            docs.setdefault(row["d"].value, None)
    values = " ".join(f"<{i}>" for i in iris)
    rows = loaded.query(
        f"""SELECT DISTINCT ?r ?x WHERE {{ VALUES ?r {{ {values} }}
          {{ ?r <http://www.w3.org/ns/prov#wasDerivedFrom> ?p . ?p <http://www.w3.org/ns/oa#hasSource> ?x }}
          UNION {{ ?x ?link ?r FILTER(isIRI(?x)) }} }}"""
    )
    used: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        document = _document_of(row["x"].value, docs)
        if document:
            used[row["r"].value].add(document)
    return {iri: [Document(d, short_form(d, prefixes), docs[d]) for d in sorted(used[iri])] for iri in iris}


def _document_of(iri: str, documents: dict[str, Any]) -> str | None:
    """The document ``iri`` is, or lies under (``{document}/…``), if any."""
    if iri in documents:
        return iri
    cut = iri.find("/", len(ID))
    while cut > 0:
        if iri[:cut] in documents:
            return iri[:cut]
        cut = iri.find("/", cut + 1)
    return None


def find_resources(loaded: LoadedGraph, text: str, limit: int = 10, everything: bool = False) -> list[Hit]:
    """The shared resources (with ``everything``: all resources) whose labels match ``text``, best first,
    at most ``limit``."""
    query = words(text)
    if not query:
        return []
    flat = " ".join(query)
    best: dict[str, tuple[int, float, str, str | None]] = {}
    for iri, labels in shared_labels(loaded, everything).items():
        for label, language in labels:
            match = _match(query, flat, label)
            if match is None:
                continue
            kept = best.get(iri)
            if kept is None or (match[0], -match[1], label) < (kept[0], -kept[1], kept[2]):
                best[iri] = (match[0], match[1], label, language)
    if not best:
        return []
    prefixes = project_prefixes(loaded.project)
    order = sorted(best, key=lambda i: (best[i][0], -best[i][1], short_form(i, prefixes)))[:limit]
    details = _details(loaded, order)
    uses = using_documents(loaded, order, prefixes)
    hits = []
    for iri in order:
        rank, score, label, language = best[iri]
        types, labels = details.get(iri, ((), {}))
        hits.append(
            Hit(
                iri,
                short_form(iri, prefixes),
                tuple(sorted(short_form(t, prefixes) for t in types)),
                labels.get("nl"),
                labels.get("en"),
                label,
                language,
                KINDS[rank],
                score,
                tuple(uses.get(iri, ())),
            )
        )
    return hits


def _details(loaded: LoadedGraph, iris: list[str]) -> dict[str, tuple[set[str], dict[str, str]]]:
    """The most specific types (none that another of its types is a subclass of, as the entailed ones are)
    and the nl and en rdfs:label of each of ``iris``."""
    values = " ".join(f"<{i}>" for i in iris)
    rows = loaded.query(
        f"""SELECT ?r ?t ?l WHERE {{ VALUES ?r {{ {values} }}
          {{ ?r a ?t
             FILTER NOT EXISTS {{ ?r a ?narrower . ?narrower <{SUBCLASS_OF}>+ ?t FILTER(?narrower != ?t) }} }}
          UNION {{ ?r <http://www.w3.org/2000/01/rdf-schema#label> ?l }} }}"""
    )
    found: dict[str, tuple[set[str], dict[str, str]]] = defaultdict(lambda: (set(), {}))
    for row in rows:
        types, labels = found[row["r"].value]
        if row["t"] is not None:
            types.add(row["t"].value)
        if row["l"] is not None and row["l"].language in ("nl", "en"):
            labels.setdefault(row["l"].language, row["l"].value)
    return found


def format_hits(hits: list[Hit]) -> str:
    """The hits for people: per hit its short IRI and types, its labels, the label matched, the documents."""
    lines = []
    for hit in hits:
        lines.append(f"{hit.short}  {', '.join(hit.types)}")
        lines.append(f"  nl: {printable(hit.label_nl or '—')}")
        lines.append(f"  en: {printable(hit.label_en or '—')}")
        tag = f"@{hit.matched_language}" if hit.matched_language else ""
        how = hit.kind if hit.kind != "fuzzy" else f"fuzzy, {hit.score:.2f} alike"
        lines.append(f'  matched: "{printable(hit.matched)}"{tag} ({how})')
        shown = [d.short + (f' "{printable(d.label)}"' if d.label else "") for d in hit.documents]
        if len(shown) > SHOWN_DOCUMENTS:
            more = len(shown) - SHOWN_DOCUMENTS
            shown = shown[:SHOWN_DOCUMENTS] + [
                f"and {more} more ({len(hit.documents)} in all; --json lists them)"
            ]
        lines.append(f"  used by: {', '.join(shown) or 'no document'}")
    return "\n".join(lines)
