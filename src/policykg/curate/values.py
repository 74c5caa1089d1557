"""Reading the values of a curator's file: YAML nodes as text, numbers, IRIs and literals, decided without
guessing (see :mod:`policykg.curate.format`)."""

from __future__ import annotations

import json
import logging
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

import pyoxigraph as ox
import rdflib
import yaml
from rdflib.namespace import XSD

if TYPE_CHECKING:
    from .format import CuratorFile, Entry


def is_plain(node: yaml.ScalarNode) -> bool:
    """Whether a scalar was written without quotes (PyYAML's C composer says so with an empty style)."""
    return not node.style


def read_mapping(curated: CuratorFile, node: yaml.Node) -> dict[str, tuple[yaml.ScalarNode, yaml.Node]]:
    """A mapping node's entries by key text; a repeated key or a key that is not text is a problem."""
    if isinstance(node, yaml.ScalarNode) and node.value == "" and is_plain(node):
        return {}
    if not isinstance(node, yaml.MappingNode):
        curated.problem(node, "expected a mapping (key: value lines) here")
        return {}
    found: dict[str, tuple[yaml.ScalarNode, yaml.Node]] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            curated.problem(key, "a key must be plain text")
            continue
        if key.value in found:
            curated.problem(
                key,
                f"{key.value!r} is written twice (first at line {found[key.value][0].start_mark.line + 1})",
            )
            continue
        found[key.value] = (key, value)
    return found


def read_scalars(curated: CuratorFile, node: yaml.Node, *, split: bool = False) -> list[yaml.ScalarNode]:
    """A scalar or a list of scalars; with ``split`` a scalar's words are separate values."""
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    out = []
    for item in items:
        if not isinstance(item, yaml.ScalarNode):
            curated.problem(item, "expected a value or a list of values here")
            continue
        if split and is_plain(item):
            out.extend(
                yaml.ScalarNode(item.tag, word, item.start_mark, item.end_mark) for word in item.value.split()
            )
        else:
            out.append(item)
    return out


def read_integer(node: yaml.Node) -> int | None:
    if isinstance(node, yaml.ScalarNode) and node.value.isdigit():
        return int(node.value)
    return None


def line_range(text: str) -> tuple[int, int] | None:
    """``"12-14"`` or ``"12"`` as a pair of line numbers.

    >>> line_range("12-14"), line_range("7"), line_range("3-x")
    ((12, 14), (7, 7), None)
    """
    first, _, last = text.strip().partition("-")
    last = last or first
    if first.isdigit() and last.isdigit() and 0 < int(first) <= int(last):
        return int(first), int(last)
    return None


def is_literal_map(node: yaml.MappingNode) -> bool:
    """Whether a mapping is a literal (``{nl: …, en: …}`` or ``{value: …, datatype: …}``), not edges.

    An empty mapping counts as a literal map, so that it is reported rather than read as no edges."""
    keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
    return not keys or bool({"value", "datatype"} & set(keys)) or all(_is_language(k) for k in keys)


def _is_language(text: str) -> bool:
    return 2 <= len(text) <= 3 and text.isalpha() and text.islower()


def resolve_iri(curated: CuratorFile, node: yaml.ScalarNode) -> rdflib.URIRef | None:
    """A prefixed name (``inst:ncsc``) or ``<IRI>`` as an IRI; anything else is a problem."""
    text = node.value.strip()
    if text.startswith("<") and text.endswith(">"):
        iri = text[1:-1]
        if iri.startswith(("http://", "https://")) and valid_iri(iri):
            return rdflib.URIRef(iri)
        curated.problem(node, f"{text} is not an absolute http(s) IRI")
        return None
    prefix, colon, local = text.partition(":")
    if not colon or any(c.isspace() for c in text):
        curated.problem(node, f"{text!r} is not an IRI: write prefix:name (as inst:ncsc) or <https://…>")
        return None
    if prefix not in curated.prefixes:
        known = ", ".join(sorted(curated.prefixes))
        curated.problem(
            node,
            f"unknown prefix {prefix!r} in {text!r}; known prefixes: {known} (declare more under prefixes:)",
        )
        return None
    iri = curated.prefixes[prefix] + local
    if not valid_iri(iri):
        curated.problem(node, f"{text!r} does not make a valid IRI")
        return None
    return rdflib.URIRef(iri)


def valid_iri(iri: str) -> bool:
    """Whether ``iri`` is an absolute IRI by RFC 3987, as Oxigraph's parser decides."""
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return not any(c.isspace() or c in '<>"{}|\\^`' for c in iri)


def read_literal_map(
    curated: CuratorFile, entry: Entry, predicate: rdflib.URIRef, node: yaml.MappingNode
) -> None:
    fields = read_mapping(curated, node)
    if not fields:
        curated.problem(
            node, "an empty value: write {nl: …, en: …}, {value: …, datatype: …}, or leave the key out"
        )
        return
    if "value" in fields or "datatype" in fields:
        value, kind = fields.get("value", (None, None))[1], fields.get("datatype", (None, None))[1]
        if (
            set(fields) != {"value", "datatype"}
            or not isinstance(value, yaml.ScalarNode)
            or not isinstance(kind, yaml.ScalarNode)
        ):
            curated.problem(
                node, "a typed value is written {value: TEXT, datatype: PREFIX:NAME}, as xsd:date"
            )
            return
        datatype = resolve_iri(curated, kind)
        if datatype is None:
            return
        term_log = logging.getLogger("rdflib.term")
        term_log.disabled, was = True, term_log.disabled  # an ill-typed value is reported below, not logged
        try:
            literal = rdflib.Literal(value.value, datatype=datatype)
        finally:
            term_log.disabled = was
        if getattr(literal, "ill_typed", False):
            curated.problem(value, f"{value.value!r} is not a valid {kind.value}")
            return
        entry.values.append((predicate, literal, value.start_mark.line + 1))
        return
    for language, (_, value) in fields.items():
        for item in read_scalars(curated, value):
            entry.values.append(
                (predicate, rdflib.Literal(item.value, lang=language), item.start_mark.line + 1)
            )


def read_term(curated: CuratorFile, node: yaml.ScalarNode) -> rdflib.term.Node | None:
    """A scalar as an RDF term: quoted text is a string; otherwise an IRI, a number, a boolean or text."""
    text = node.value
    if not is_plain(node):
        return rdflib.Literal(text)
    if text.startswith("<") or (":" in text and not any(c.isspace() for c in text)):
        return resolve_iri(curated, node)
    if text in ("true", "false"):
        return rdflib.Literal(text, datatype=XSD.boolean)
    digits = text.removeprefix("-").removeprefix("+")
    if digits.isdigit():
        return rdflib.Literal(text, datatype=XSD.integer)
    if "." in digits and digits.replace(".", "", 1).isdigit():
        try:
            Decimal(text)
        except InvalidOperation:
            pass
        else:
            return rdflib.Literal(text, datatype=XSD.decimal)
    return rdflib.Literal(text)


def yaml_text(text: str) -> str:
    """``text`` as a YAML double-quoted scalar: JSON's string syntax, with every character YAML cannot hold
    (C1 controls, U+FFFE, U+FFFF, lone surrogates) escaped.

    >>> print(yaml_text('a "b"\\u0093'))
    "a \\"b\\"\\u0093"
    """
    out = []
    for char in json.dumps(text, ensure_ascii=False):
        code = ord(char)
        printable = code in (0x9, 0xA, 0xD, 0x85) or 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF
        printable = printable or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF
        out.append(char if printable else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
    return "".join(out)
