"""The namespaces policykg uses: its own, and the W3C vocabularies it reuses."""

from rdflib import Namespace

PKG = Namespace("https://w3id.org/policykg/def#")
"""Terms of the policykg ontology."""
ONTOLOGY_IRI = "https://w3id.org/policykg/def"
ID = Namespace("https://w3id.org/policykg/id/")
"""Base of every instance IRI."""
OA = Namespace("http://www.w3.org/ns/oa#")
"""Web Annotation vocabulary, https://www.w3.org/TR/annotation-vocab/."""
QB = Namespace("http://purl.org/linked-data/cube#")
"""RDF Data Cube vocabulary, https://www.w3.org/TR/vocab-data-cube/."""
ORG = Namespace("http://www.w3.org/ns/org#")
"""Organization ontology, https://www.w3.org/TR/vocab-org/."""

PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": str(OA),
    "org": str(ORG),
    "qb": str(QB),
    "sh": "http://www.w3.org/ns/shacl#",
    "pkg": str(PKG),
    "id": str(ID),
}
"""Prefixes declared in every query and used to shorten IRIs in messages."""

RDF_PREFIXES = {k: v for k, v in PREFIXES.items() if k != "sh"}
"""The prefixes written into RDF output (Turtle), SHACL's aside."""


def sparql_prologue() -> str:
    """The PREFIX lines for every namespace in :data:`PREFIXES`.

    >>> "PREFIX pkg: <https://w3id.org/policykg/def#>" in sparql_prologue()
    True
    """
    return "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())


def shorten(iri: str) -> str:
    """Write an IRI as a prefixed name where a known prefix fits.

    >>> shorten("https://w3id.org/policykg/def#involves")
    'pkg:involves'
    >>> shorten("https://example.org/x")
    '<https://example.org/x>'
    """
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    if best:
        return f"{best}:{iri[len(PREFIXES[best]) :]}"
    return f"<{iri}>"
