"""Identifiers outside policykg: which resources carry them, and where each was checked.

A resource points to an identifier the world uses with ``skos:exactMatch`` or ``skos:closeMatch``
(https://www.w3.org/TR/skos-reference/#mapping), never ``owl:sameAs``, or with a ``skos:notation`` typed
by one of policykg's datatypes (a CELEX number, a BWB identifier, a parliamentary file number). Each must
have a row in ``sources/identifiers.tsv`` saying where it was checked; that file also records what was
looked for and not found.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from .errors import PolicyKGError, Problem
from .load import LoadedGraph
from .namespaces import PKG

ID = "https://w3id.org/policykg/id/"
RECORDS = "identifiers.tsv"
NOT_FOUND = "not found"
NONE_EXISTS = "none exists"
MATCHES = {"exact", "close", NOT_FOUND, NONE_EXISTS}
UNLINKED = """
SELECT ?resource WHERE { VALUES ?class { pkg:CollectiveActor pkg:PlannedBody } ?resource a ?class . }
"""
"""Collective actors and planned bodies: no single outside identifier can exist for them."""

NOTATION_KINDS = {
    str(PKG.celexNumber): "celex",
    str(PKG.bwbIdentifier): "bwb",
    str(PKG.parliamentaryDossier): "kamerstuk",
}
"""The typed notations that are outside identifiers, by their datatype."""

LOOKED_FOR = {
    "Institution": ("tooi", "wikidata"),
    "Law": ("eli", "celex", "bwb", "kamerstuk", "wikidata"),
    "Strategy": ("wikidata",),
}
"""Per class, the kinds of identifier that a resource of it may have."""

LINKS = """
SELECT ?resource ?class ?property ?identifier WHERE {
  VALUES ?class { pkg:Institution pkg:Law pkg:Strategy pkg:PolicyFramework pkg:Theme pkg:TargetGroup }
  ?resource a ?class .
  OPTIONAL {
    { ?resource skos:exactMatch ?identifier . BIND("exact" AS ?property) }
    UNION { ?resource skos:closeMatch ?identifier . BIND("close" AS ?property) }
    UNION { ?resource owl:sameAs ?identifier . BIND("sameAs" AS ?property) }
  }
}
"""


@dataclass(frozen=True)
class Record:
    """A row of ``sources/identifiers.tsv``: an identifier of a resource and where it was checked."""

    line: int
    resource: str
    identifier: str
    match: str
    checked_in: str
    note: str


@dataclass(frozen=True)
class Link:
    """An outside identifier as the graph states it."""

    resource: str
    kind: str
    identifier: str
    match: str


def kind_of(identifier: str) -> str:
    """The kind of an identifier, from its form.

    >>> kind_of("https://identifier.overheid.nl/tooi/id/oorg/oorg10105")
    'tooi'
    >>> kind_of("http://data.europa.eu/eli/reg/2022/2065/oj"), kind_of("celexNumber:32022R2065")
    ('eli', 'celex')
    """
    if identifier.startswith("https://identifier.overheid.nl/tooi/"):
        return "tooi"
    if identifier.startswith(("http://www.wikidata.org/entity/", "https://www.wikidata.org/entity/")):
        return "wikidata"
    if identifier.startswith("http://data.europa.eu/eli/"):
        return "eli"
    prefix = identifier.split(":", 1)[0]
    for datatype, kind in NOTATION_KINDS.items():
        if datatype.endswith("#" + prefix):
            return kind
    return "other"


def read_records(path: Path) -> list[Record]:
    """The rows of ``sources/identifiers.tsv`` (lines starting with ``#`` and the header are skipped); a row
    that is not five tab-separated fields with a known match is an error naming its line."""
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise PolicyKGError(f"{path}: not UTF-8 text (byte {error.start})") from None
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#") or line.startswith("resource\t"):
            continue
        fields = line.split("\t")
        if len(fields) != 5 or not all(f.strip() for f in fields):
            raise PolicyKGError(
                f"{path}:{number}: expected 5 tab-separated fields (resource, identifier, match, "
                f"checked in, what the source showed), found {len(fields)}"
            )
        resource, identifier, match, checked, note = (f.strip() for f in fields)
        if match not in MATCHES:
            raise PolicyKGError(
                f"{path}:{number}: match must be exact, close, 'not found' or 'none exists', not {match!r}"
            )
        records.append(Record(number, ID + resource, identifier, match, checked, note))
    return records


def find_links(loaded: LoadedGraph) -> tuple[dict[str, str], list[Link], list[str]]:
    """The resources that may carry identifiers (IRI to class name), the identifiers the graph states,
    and the resources that use ``owl:sameAs`` (which these links must not)."""
    classes: dict[str, str] = {}
    links: list[Link] = []
    same_as: list[str] = []
    specific = ("Law", "Strategy")
    for row in loaded.select(LINKS):
        name = row["class"].rsplit("#", 1)[1]
        if classes.get(row["resource"]) not in specific:
            classes[row["resource"]] = name
        prop, value = row.get("property"), row.get("identifier")
        if prop is None or value is None:
            continue
        if prop == "sameAs":
            same_as.append(row["resource"])
            continue
        links.append(Link(row["resource"], kind_of(value), value, prop))
    for row in loaded.select(
        "SELECT ?resource ?value ?type WHERE { ?resource skos:notation ?value . BIND(DATATYPE(?value) AS ?type) "
        "FILTER(?type IN (pkg:celexNumber, pkg:bwbIdentifier, pkg:parliamentaryDossier)) }"
    ):
        prefix = row["type"].rsplit("#", 1)[1]
        links.append(Link(row["resource"], NOTATION_KINDS[row["type"]], f"{prefix}:{row['value']}", "exact"))
    return classes, sorted(set(links), key=lambda x: (x.resource, x.kind, x.identifier)), sorted(set(same_as))


def check_identifiers(loaded: LoadedGraph) -> list[Problem]:
    """Every outside identifier in the graph has a row saying where it was checked, with the same match;
    every row that claims one is in the graph; no resource uses ``owl:sameAs``."""
    path = loaded.project.sources_dir / RECORDS
    where = loaded.project.relative(path)
    records = read_records(path)
    found = [r for r in records if r.match not in (NOT_FOUND, NONE_EXISTS)]
    by_key = {(r.resource, r.identifier): r for r in found}
    _, links, same_as = find_links(loaded)
    problems = []
    for link in links:
        record = by_key.get((link.resource, link.identifier))
        if record is None:
            problems.append(
                Problem(
                    where,
                    f"{link.identifier} has no row saying where it was checked; an identifier that was not "
                    "checked against a public source must not be in the graph",
                    focus=link.resource,
                    label=loaded.label(link.resource),
                    path="skos:exactMatch" if link.match == "exact" else "skos:closeMatch",
                )
            )
        elif record.match != link.match:
            problems.append(
                Problem(
                    where,
                    f"{link.identifier} is recorded as a {record.match} match but the graph states a {link.match} match",
                    line=record.line,
                    focus=link.resource,
                    label=loaded.label(link.resource),
                )
            )
    stated = {(x.resource, x.identifier) for x in links}
    for record in found:
        if (record.resource, record.identifier) not in stated:
            problems.append(
                Problem(
                    where,
                    f"records {record.identifier}, which the graph does not state",
                    line=record.line,
                    focus=record.resource,
                )
            )
    for resource in same_as:
        problems.append(
            Problem(
                where,
                "uses owl:sameAs; link outside identifiers with skos:exactMatch or skos:closeMatch",
                focus=resource,
                label=loaded.label(resource),
                path="owl:sameAs",
            )
        )
    return problems


def report_links(loaded: LoadedGraph) -> dict:
    """Per class: how many resources, how many carry each kind of identifier, which were looked for and
    not found, and which resources have neither an identifier nor a record."""
    classes, links, _ = find_links(loaded)
    records = read_records(loaded.project.sources_dir / RECORDS)
    carried: dict[str, Counter] = defaultdict(Counter)
    has: dict[str, set[str]] = defaultdict(set)
    for link in links:
        has[link.resource].add(link.kind)
    for resource, kinds in has.items():
        for kind in kinds:
            carried[classes.get(resource, "other")][kind] += 1
    not_found = defaultdict(list)
    none_exists = defaultdict(list)
    for record in records:
        if record.match == NONE_EXISTS:
            none_exists[classes.get(record.resource, "other")].append(
                {"resource": record.resource, "label": loaded.label(record.resource), "why": record.note}
            )
        if record.match == NOT_FOUND:
            not_found[classes.get(record.resource, "other")].append(
                {
                    "resource": record.resource,
                    "label": loaded.label(record.resource),
                    "kind": record.identifier,
                }
            )
    recorded = {r.resource for r in records}
    collective = {row["resource"] for row in loaded.select(UNLINKED)}
    report = {}
    for name in sorted(set(classes.values())):
        members = sorted(r for r, c in classes.items() if c == name)
        report[name] = {
            "resources": len(members),
            "with an identifier": sum(1 for r in members if has.get(r)),
            "identifiers": dict(sorted(carried[name].items())),
            "looked for, not found": not_found.get(name, []),
            "no single identifier exists": none_exists.get(name, [])
            + [
                {
                    "resource": r,
                    "label": loaded.label(r),
                    "why": "a group of bodies, or a body not yet founded",
                }
                for r in members
                if r in collective
            ],
            "not looked for": [
                {"resource": r, "label": loaded.label(r)}
                for r in members
                if r not in recorded and r not in collective and not has.get(r) and name in LOOKED_FOR
            ],
        }
    return {"classes": report, "links": [link.__dict__ for link in links]}


def format_links(report: dict) -> str:
    """The links report as plain text for a terminal."""
    lines = []
    for name, part in report["classes"].items():
        kinds = ", ".join(f"{k} {n}" for k, n in part["identifiers"].items()) or "none"
        lines.append(
            f"{name}: {part['with an identifier']} of {part['resources']} carry an identifier ({kinds})"
        )
        for item in part["looked for, not found"]:
            lines.append(f"  looked for, not found: {item['kind']:<9} {item['label'] or item['resource']}")
        for item in part["no single identifier exists"]:
            lines.append(f"  no identifier exists:  {item['label'] or item['resource']} ({item['why']})")
        for item in part["not looked for"]:
            lines.append(f"  not looked for:        {item['label'] or item['resource']}")
    lines += ["", "identifiers:"]
    for link in report["links"]:
        lines.append(
            f"  {link['resource'].removeprefix(ID):<32} {link['kind']:<9} {link['match']:<6} {link['identifier']}"
        )
    return "\n".join(lines)
