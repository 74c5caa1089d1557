"""The curator's file: one YAML file per document, read with the line of every entry.

``graphs/<slug>/<slug>.yaml`` is what people write; ``policykg compile`` turns it into the canonical Turtle
beside it (see :mod:`policykg.curate.compile` and docs/curators.md). YAML 1.2 is read with PyYAML's composer
only: every scalar stays text until this module decides what it is, so ``no`` stays the word "no" and
``2026`` becomes a number only where a number is written.

>>> text = '''
... passages:
...   p1: Een zin uit de bron.
... interventions:
...   x:
...     label: {nl: Iets doen, en: Doing something}
...     from: p1
...     addresses:
...       theme:ai: stated p1
... '''
>>> curated = parse_curator_file(text, "kb", "kb.yaml")
>>> [e.iri.rsplit("/", 2)[-2:] for e in curated.entries], curated.entries[0].evidence[0].basis
([['intervention', 'x']], 'stated')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import rdflib
import yaml
from rdflib.namespace import RDF, RDFS, SKOS

from ..errors import PolicyKGError, Problem, os_message
from ..namespaces import ID, PKG, RDF_PREFIXES
from ..project import read_file
from .values import (
    is_literal_map,
    line_range,
    read_integer,
    read_literal_map,
    read_mapping,
    read_scalars,
    read_term,
    resolve_iri,
    valid_iri,
)

SHARED_PREFIXES = {
    "inst": f"{ID}institution/",
    "law": f"{ID}law/",
    "framework": f"{ID}framework/",
    "strat": f"{ID}strategy/",
    "ndsprio": f"{ID}strategy/nds/priority/",
    "theme": f"{ID}theme/",
    "tg": f"{ID}target-group/",
    "level": f"{ID}level/",
    "period": f"{ID}period/",
}
"""Prefixes for the shared resources of graphs/shared/, known in every curator's file."""

DOCUMENT_KINDS = ("passage", "priority", "intervention", "relation", "budget", "footnote", "section")
"""The kinds of resource minted below a document's own namespace, each with a prefix of its name."""

GROUP_DEFAULTS = {
    "priorities": ("priority", PKG.Priority),
    "interventions": ("intervention", PKG.Intervention),
}
"""Groups whose entries may be written by their bare name: the prefix their IRIs get and the class they are."""

RESERVED = {"prefixes", "passages", "relations", "positions"}
"""Top-level keys that are not groups of resources (relations.ttl is generated from the evidence, positions.ttl
from the passages)."""

SHORT_KEYS = {
    "a": RDF.type,
    "label": RDFS.label,
    "altLabel": SKOS.altLabel,
    "comment": RDFS.comment,
    "description": rdflib.URIRef("http://purl.org/dc/terms/description"),
    "title": rdflib.URIRef("http://purl.org/dc/terms/title"),
    "from": rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"),
}
"""Keys that stand for a property of another vocabulary; any other key without a colon is a pkg: term."""

PASSAGE_VALUED = {SHORT_KEYS["from"], PKG.rationale}
"""Properties whose values may be a passage's bare name (its id in ``passages:``)."""

BASES = ("stated", "reading")


def document_prefixes(slug: str) -> dict[str, str]:
    """Every prefix a curator's file of document ``slug`` knows.

    >>> document_prefixes("kb")["passage"]
    'https://w3id.org/policykg/id/kb/passage/'
    """
    prefixes = dict(RDF_PREFIXES) | SHARED_PREFIXES
    prefixes.update({kind: f"{ID}{slug}/{kind}/" for kind in DOCUMENT_KINDS})
    return prefixes


@dataclass
class PassageEntry:
    """A passage as the curator wrote it: a quote (and which occurrence), or a range of lines."""

    name: str
    line: int
    quote: str = ""
    occurrence: int | None = None
    lines: tuple[int, int] | None = None


@dataclass
class Evidence:
    """One evidenced edge: its object, basis, passages (bare names) and, for a reading, the reason."""

    predicate: rdflib.URIRef
    object: rdflib.URIRef
    basis: str
    passages: list[str]
    line: int
    why: dict[str, str] = field(default_factory=dict)


@dataclass
class Entry:
    """One resource of a group: its IRI, its plain triples (with their lines) and its evidenced edges."""

    iri: rdflib.URIRef
    group: str
    line: int
    values: list[tuple[rdflib.URIRef, rdflib.term.Node, int]] = field(default_factory=list)
    passage_values: list[tuple[rdflib.URIRef, str, int]] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class CuratorFile:
    """A parsed curator's file; ``problems`` holds what is wrong, each at its line."""

    slug: str
    where: str
    prefixes: dict[str, str]
    passages: dict[str, PassageEntry] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, node: yaml.Node | int, message: str) -> None:
        line = node if isinstance(node, int) else node.start_mark.line + 1
        self.problems.append(Problem(self.where, message, line=line))

    def iri_lines(self) -> dict[str, int]:
        """The line of every IRI the file mints: resources, passages and qualified relations."""
        lines = {f"{self.prefixes['passage']}{p.name}": p.line for p in self.passages.values()}
        for entry in self.entries:
            lines.setdefault(str(entry.iri), entry.line)
            for ev in entry.evidence:
                lines.setdefault(relation_iri(self.prefixes, entry.iri, ev.predicate, ev.object), ev.line)
        return lines


def local_name(iri: str) -> str:
    """The last segment of an IRI, after its last ``#`` or ``/``.

    >>> local_name("https://w3id.org/policykg/def#addresses"), local_name("https://w3id.org/policykg/id/theme/ai")
    ('addresses', 'ai')
    """
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def relation_iri(prefixes: dict[str, str], subject: str, predicate: str, obj: str) -> str:
    """The IRI of the qualified relation of one edge: subject, property and object by their last segments."""
    return f"{prefixes['relation']}{local_name(subject)}--{local_name(predicate)}--{local_name(obj)}"


def parse_curator_file(text: str, slug: str, where: str) -> CuratorFile:
    """Read a curator's file; what is wrong is in ``problems`` (file:line), never raised."""
    curated = CuratorFile(slug, where, document_prefixes(slug))
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for token in yaml.scan(text, Loader=loader):
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                curated.problem(
                    token.start_mark.line + 1,
                    "anchors and aliases (&name, *name) are not used in a curator's file: write each value out",
                )
                return curated
        root = yaml.compose(text, Loader=loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        curated.problem(mark.line + 1 if mark else 1, f"not valid YAML: {getattr(error, 'problem', error)}")
        return curated
    if root is None:
        return curated
    if not isinstance(root, yaml.MappingNode):
        curated.problem(root, "a curator's file is a mapping: passages:, then groups such as interventions:")
        return curated
    top = read_mapping(curated, root)
    if "prefixes" in top:
        _read_prefixes(curated, top["prefixes"][1])
    if "passages" in top:
        _read_passages(curated, top["passages"][1])
    for name, (key, node) in top.items():
        if name in ("prefixes", "passages"):
            continue
        if name in RESERVED or not is_name(name):
            curated.problem(key, f"{name!r} cannot name a group: use a plain word such as interventions")
            continue
        curated.groups.append(name)
        for entry_key, entry_node in read_mapping(curated, node).values():
            _read_entry(curated, name, entry_key, entry_node)
    return curated


def is_name(text: str) -> bool:
    return bool(text) and text[0].isalpha() and all(c.isalnum() or c in "-_" for c in text)


def _read_prefixes(curated: CuratorFile, node: yaml.Node) -> None:
    for name, (_key, value) in read_mapping(curated, node).items():
        if (
            not isinstance(value, yaml.ScalarNode)
            or not value.value.startswith(("http://", "https://"))
            or not valid_iri(value.value)
            or not is_name(name)
        ):
            curated.problem(value, f"prefix {name} needs a name of letters and an http(s) IRI")
            continue
        curated.prefixes[name] = value.value


def _read_passages(curated: CuratorFile, node: yaml.Node) -> None:
    for name, (key, value) in read_mapping(curated, node).items():
        line = key.start_mark.line + 1
        if not is_name(name):
            curated.problem(
                key, f"passage name {name!r}: use letters, digits and hyphens, starting with a letter"
            )
            continue
        if isinstance(value, yaml.ScalarNode):
            curated.passages[name] = PassageEntry(name, line, quote=value.value)
            continue
        fields = read_mapping(curated, value)
        entry = PassageEntry(name, line)
        unknown = set(fields) - {"quote", "occurrence", "lines"}
        if unknown:
            curated.problem(
                value, f"a passage takes quote, occurrence or lines, not {', '.join(sorted(unknown))}"
            )
        if "quote" in fields and "lines" in fields:
            curated.problem(value, "a passage has a quote or lines, not both")
        if "quote" in fields:
            entry.quote = fields["quote"][1].value if isinstance(fields["quote"][1], yaml.ScalarNode) else ""
        if "occurrence" in fields:
            number = read_integer(fields["occurrence"][1])
            if number is None or number < 1:
                curated.problem(fields["occurrence"][1], "occurrence is a whole number from 1")
            entry.occurrence = number
        if "lines" in fields:
            entry.lines = line_range(
                fields["lines"][1].value if isinstance(fields["lines"][1], yaml.ScalarNode) else ""
            )
            if entry.lines is None:
                curated.problem(fields["lines"][1], "lines are written FIRST-LAST, as 12-14, or one number")
        if not entry.quote and entry.lines is None:
            curated.problem(value, f"passage {name} needs a quote or lines")
        curated.passages[name] = entry


def _read_entry(curated: CuratorFile, group: str, key: yaml.ScalarNode, node: yaml.Node) -> None:
    default = GROUP_DEFAULTS.get(group)
    if default and ":" not in key.value and not key.value.startswith("<"):
        iri = rdflib.URIRef(curated.prefixes[default[0]] + key.value) if is_name(key.value) else None
    else:
        iri = resolve_iri(curated, key)
    if iri is None:
        if default:
            curated.problem(key, f"{key.value!r} is not a name (letters, digits, hyphens) or a prefixed IRI")
        return
    entry = Entry(iri, group, key.start_mark.line + 1)
    if default:
        entry.values.append((RDF.type, default[1], entry.line))
    curated.entries.append(entry)
    for _name, (prop_key, value) in read_mapping(curated, node).items():
        predicate = _property(curated, prop_key)
        if predicate is None:
            continue
        if isinstance(value, yaml.MappingNode) and not is_literal_map(value):
            _read_evidence(curated, entry, predicate, value)
            continue
        _read_values(curated, entry, predicate, value)


def _property(curated: CuratorFile, key: yaml.ScalarNode) -> rdflib.URIRef | None:
    if key.value in SHORT_KEYS:
        return SHORT_KEYS[key.value]
    if ":" not in key.value and not key.value.startswith("<"):
        if not is_name(key.value):
            curated.problem(key, f"{key.value!r} is not a property: write a pkg: term or a prefixed IRI")
            return None
        return PKG[key.value]
    return resolve_iri(curated, key)


def _read_values(curated: CuratorFile, entry: Entry, predicate: rdflib.URIRef, node: yaml.Node) -> None:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        read_literal_map(curated, entry, predicate, node)
        return
    passage_valued = predicate in PASSAGE_VALUED
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if isinstance(item, yaml.MappingNode) and is_literal_map(item):
                read_literal_map(curated, entry, predicate, item)
        node = yaml.SequenceNode(
            node.tag,
            [i for i in node.value if not isinstance(i, yaml.MappingNode) or not is_literal_map(i)],
            node.start_mark,
            node.end_mark,
        )
    for item in read_scalars(curated, node, split=passage_valued):
        item_line = item.start_mark.line + 1
        if passage_valued and ":" not in item.value and not item.value.startswith("<"):
            entry.passage_values.append((predicate, item.value, item_line))
            continue
        term = read_term(curated, item)
        if predicate == RDF.type and isinstance(term, rdflib.Literal):
            curated.problem(item, f"a class is an IRI: write pkg:{item.value} or another prefixed name")
            continue
        if term is not None:
            entry.values.append((predicate, term, item_line or line))


def _read_evidence(
    curated: CuratorFile, entry: Entry, predicate: rdflib.URIRef, node: yaml.MappingNode
) -> None:
    for key, spec in node.value:
        if not isinstance(key, yaml.ScalarNode):
            curated.problem(key, "an edge's target is an IRI")
            continue
        target = resolve_iri(curated, key)
        if target is None:
            continue
        line = key.start_mark.line + 1
        basis, passages, why = _evidence_spec(curated, spec)
        if basis:
            entry.evidence.append(Evidence(predicate, target, basis, passages, line, why))


def _evidence_spec(curated: CuratorFile, node: yaml.Node) -> tuple[str, list[str], dict[str, str]]:
    """``stated p1 p2`` or ``{reading: p1, why: {nl: …, en: …}}`` as basis, passage names and reason (a stated
    edge may carry a ``note`` instead, written like ``why``)."""
    hint = "write the basis and passages, as 'stated p1 p2' or {reading: p1, why: {nl: …, en: …}}"
    if isinstance(node, yaml.ScalarNode):
        words = node.value.split()
        if not words or words[0] not in BASES:
            curated.problem(node, f"an edge needs its basis first (stated or reading): {hint}")
            return "", [], {}
        return words[0], words[1:], {}
    fields = read_mapping(curated, node)
    bases = [b for b in BASES if b in fields]
    unknown = set(fields) - {*BASES, "why", "note"}
    if len(bases) != 1 or unknown:
        curated.problem(node, f"an edge has exactly one of stated or reading, and why for a reading: {hint}")
        return "", [], {}
    passages = [n.value for n in read_scalars(curated, fields[bases[0]][1], split=True)]
    why: dict[str, str] = {}
    explained = "why" if bases[0] == "reading" else "note"
    wrong = "note" if explained == "why" else "why"
    if wrong in fields:
        curated.problem(
            fields[wrong][0],
            "a reading gives its reason under why:"
            if wrong == "note"
            else "a stated edge takes a note:, not why:",
        )
    if explained in fields:
        for language, (_, text) in read_mapping(curated, fields[explained][1]).items():
            if isinstance(text, yaml.ScalarNode):
                why[language] = text.value
    return bases[0], passages, why


def read_curator_file(path: Path, slug: str, where: str) -> CuratorFile:
    """Read and parse the curator's file at ``path``; raises when it cannot be read as UTF-8 text."""
    try:
        text = read_file(path).decode("utf-8")
    except UnicodeDecodeError as error:
        raise PolicyKGError(
            f"{where} is not UTF-8 text", [Problem(where, f"byte {error.start} is not valid UTF-8")]
        ) from None
    except OSError as error:
        raise PolicyKGError(f"{where} cannot be read: {os_message(error)}") from None
    return parse_curator_file(text, slug, where)


_LINES: dict[tuple[str, int], dict[str, int]] = {}


def curator_line(path: Path, iri: str) -> int | None:
    """The line of the curator's file at ``path`` where ``iri`` is written (resource, passage or edge), for
    messages about the Turtle compiled from it."""
    try:
        key = (str(path), path.stat().st_mtime_ns)
    except OSError:
        return None
    if key not in _LINES:
        try:
            curated = read_curator_file(path, path.stem, str(path))
        except PolicyKGError:
            return None
        _LINES[key] = curated.iri_lines()
    return _LINES[key].get(iri)
