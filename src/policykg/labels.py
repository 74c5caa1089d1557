"""Labels of resources, in a language, asked of the engine that answered the query.

A label is an ``rdfs:label`` (https://www.w3.org/TR/rdf11-schema/#ch_label) or a ``skos:prefLabel``
(https://www.w3.org/TR/skos-reference/#labels), chosen by its language tag as SPARQL's ``langMatches``
chooses (basic filtering, https://www.rfc-editor.org/rfc/rfc4647#section-3.3.1). Look-ups run in batches
of :data:`BATCH` values, so they cost a few small queries on the embedded store or an endpoint alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .query import Engine

LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
BATCH = 100

Term = dict[str, str]
LiteralKey = tuple[str, str, str]
_IRI = re.compile(r"[^\x00-\x20<>\"{}|^`\\]+")
"""What an IRI may hold (https://www.w3.org/TR/sparql11-query/#rIRIREF)."""
_LANG_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}


def is_literal(term: Term | None) -> bool:
    """Whether a SPARQL JSON term is a literal."""
    return term is not None and term["type"] in ("literal", "typed-literal")


def lang_matches(tag: str, lang: str) -> bool:
    """Whether a language tag falls under the language range ``lang`` (RFC 4647 basic filtering).

    >>> lang_matches("en-GB", "en"), lang_matches("NL", "nl"), lang_matches("", "en"), lang_matches("eng", "en")
    (True, True, False, False)
    """
    tag, lang = tag.lower(), lang.lower()
    return tag == lang or tag.startswith(lang + "-")


def literal_key(term: Term) -> LiteralKey:
    """A literal as a hashable value: its text, language tag (lower case) and datatype.

    >>> literal_key({"type": "literal", "value": "Politie", "xml:lang": "NL"})
    ('Politie', 'nl', '')
    """
    lang = term.get("xml:lang", "").lower()
    datatype = "" if lang or term.get("datatype") in (None, XSD_STRING) else term["datatype"]
    return term["value"], lang, datatype


def sparql_literal(key: LiteralKey) -> str | None:
    """A literal as SPARQL text (https://www.w3.org/TR/sparql11-query/#rRDFLiteral), or None if its
    language tag or datatype cannot be written.

    >>> print(sparql_literal(('say "hi"', "en", "")), sparql_literal(("3", "", "http://e/t")))
    "say \\"hi\\""@en "3"^^<http://e/t>
    """
    value, lang, datatype = key
    text = '"' + value.translate(_ESCAPES) + '"'
    if lang:
        return text + "@" + lang if _LANG_TAG.fullmatch(lang) else None
    if datatype:
        return text + f"^^<{datatype}>" if _IRI.fullmatch(datatype) else None
    return text


def batches(items: Iterable[str]) -> Iterable[list[str]]:
    """The items in order, in lists of :data:`BATCH`."""
    ordered = sorted(items)
    for start in range(0, len(ordered), BATCH):
        yield ordered[start : start + BATCH]


def describe(engine: Engine, iris: Iterable[str], predicates: Iterable[str]) -> list[dict[str, Term]]:
    """The rows ``?s ?p ?o`` of the given IRIs for the given predicates, asked in batches."""
    listed = " ".join(f"<{p}>" for p in predicates)
    rows = []
    for chunk in batches(iri for iri in set(iris) if _IRI.fullmatch(iri)):
        values = " ".join(f"<{iri}>" for iri in chunk)
        sparql = f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} VALUES ?p {{ {listed} }} ?s ?p ?o }}"
        rows += engine.answer(sparql).rows
    return rows


def fetch_labels(engine: Engine, iris: Iterable[str]) -> dict[str, list[Term]]:
    """Every ``rdfs:label`` and ``skos:prefLabel`` of the given IRIs, asked of the same engine; per IRI
    the ``rdfs:label`` ones first, each kind in the order of language and text."""
    found: dict[str, list[tuple[int, str, str, Term]]] = {}
    for row in describe(engine, iris, (LABEL, PREF_LABEL)):
        label = row["o"]
        if is_literal(label):
            rank = 0 if row["p"]["value"] == LABEL else 1
            entry = (rank, label.get("xml:lang", "").lower(), label["value"], label)
            found.setdefault(row["s"]["value"], []).append(entry)
    return {
        iri: [entry[-1] for entry in sorted(entries, key=lambda e: e[:3])] for iri, entries in found.items()
    }


def find_labelled(engine: Engine, literals: Iterable[LiteralKey]) -> dict[LiteralKey, set[str]]:
    """The resources whose ``rdfs:label`` or ``skos:prefLabel`` is each literal."""
    written = {text for key in set(literals) if (text := sparql_literal(key))}
    found: dict[LiteralKey, set[str]] = {}
    for chunk in batches(written):
        answer = engine.answer(
            f"SELECT ?l ?s WHERE {{ VALUES ?l {{ {' '.join(chunk)} }} "
            f"VALUES ?p {{ <{LABEL}> <{PREF_LABEL}> }} ?s ?p ?l FILTER(isIRI(?s)) }}"
        )
        for row in answer.rows:
            found.setdefault(literal_key(row["l"]), set()).add(row["s"]["value"])
    return found


def pick_label(labels: list[Term], lang: str, *, strict: bool = False) -> Term | None:
    """The label to show in ``lang``: one in that language (``rdfs:label`` before ``skos:prefLabel``);
    unless ``strict``, else one without a language tag, else English, else Dutch, else any.

    >>> labels = [{"type": "literal", "value": "Police", "xml:lang": "en"}]
    >>> pick_label(labels, "nl")["value"], pick_label(labels, "nl", strict=True)
    ('Police', None)
    """
    for wanted in [lang] if strict else [lang, "", "en", "nl"]:
        for term in labels:
            tag = term.get("xml:lang", "")
            if lang_matches(tag, wanted) if wanted else not tag:
                return term
    return None if strict or not labels else labels[0]


def translate_labels(
    engine: Engine,
    strays: dict[str, set[LiteralKey]],
    labels: dict[str, list[Term]],
    lang: str,
    only_labels: set[str] | frozenset[str] = frozenset(),
) -> dict[str, dict[LiteralKey, Term]]:
    """For each column of labels (``strays``: its labels not in ``lang``), each label's counterpart in
    ``lang``: the label in ``lang`` of the resource that bears it. Where several resources bear it and
    differ in ``lang``, only those of a class that the column's unambiguous labels' resources belong to
    count; where they still differ, the label has none. A column in ``only_labels`` is taken for one of
    labels only if each of its literals is a label; else it has no counterparts. ``labels`` are those
    already fetched."""
    bearers = find_labelled(engine, {key for keys in strays.values() for key in keys})
    everyone = {iri for found in bearers.values() for iri in found}
    known = labels | fetch_labels(engine, everyone - labels.keys())

    def chosen(iris: Iterable[str]) -> dict[LiteralKey, Term]:
        picked = (pick_label(known.get(iri, []), lang, strict=True) for iri in iris)
        return {literal_key(t): t for t in picked if t}

    ambiguous = {key for key, found in bearers.items() if len(chosen(found)) > 1}
    types: dict[str, set[str]] = {}
    for row in describe(engine, everyone, (TYPE,)) if ambiguous else []:
        types.setdefault(row["s"]["value"], set()).add(row["o"]["value"])
    translations: dict[str, dict[LiteralKey, Term]] = {}
    for column, keys in strays.items():
        kinds = {
            t
            for key in keys - ambiguous
            if len(bearers.get(key, ())) == 1
            for iri in bearers[key]
            for t in types.get(iri, ())
        }
        found: dict[LiteralKey, Term] = {}
        for key in keys & bearers.keys():
            candidates = (
                bearers[key]
                if key not in ambiguous
                else {iri for iri in bearers[key] if types.get(iri, set()) & kinds}
            )
            if len(options := chosen(candidates)) == 1:
                found[key] = next(iter(options.values()))
        translations[column] = {} if column in only_labels and not keys <= bearers.keys() else found
    return translations
