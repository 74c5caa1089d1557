"""Content negotiation by the Accept header (https://www.rfc-editor.org/rfc/rfc9110#name-accept): media
ranges and q-values parsed by Werkzeug, the most specific range deciding, ``q=0`` excluding."""

from __future__ import annotations

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from .results import GRAPHS

DATA_EXTENSIONS = {
    "text/turtle": ".ttl",
    "application/ld+json": ".jsonld",
    "application/rdf+xml": ".rdf",
    "application/n-triples": ".nt",
    "application/n-quads": ".nq",
    "application/trig": ".trig",
}
"""The data files of a resource, by media type."""
ALIASES = {
    "text/n3": "text/turtle",
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",
    "application/json": "application/ld+json",
    "application/xml": "application/rdf+xml",
    "text/xml": "application/rdf+xml",
}
"""Other names clients give the same syntaxes (N3 readers read Turtle; N-Triples is plain text)."""
PAGE_OFFERS = ["text/html", *DATA_EXTENSIONS, *ALIASES]
"""What a resource IRI offers, HTML first (a browser's ``*/*`` gets the page)."""
VOCABULARY_OFFERS = ["application/rdf+xml", *[o for o in PAGE_OFFERS if o != "application/rdf+xml"]]
"""What the ontology IRI offers: RDF/XML first, as the W3C recipes for publishing vocabularies do
(https://www.w3.org/TR/swbp-vocab-pub/#recipe3), for clients that accept anything."""
EXTENSION_TYPES = {extension: media for media, extension in DATA_EXTENSIONS.items()}


def accepted(header: str | None) -> MIMEAccept:
    """The Accept header parsed; none at all accepts anything."""
    return parse_accept_header(header if header and header.strip() else "*/*", MIMEAccept)


def negotiate(header: str | None, offers: list[str]) -> str | None:
    """The offer the Accept header prefers (ties: the earlier offer), or None if it accepts none.

    >>> negotiate("application/rdf+xml, application/xml;q=0.9, text/plain;q=0.8, */*;q=0.09", PAGE_OFFERS)
    'application/rdf+xml'
    >>> negotiate("text/html;q=0, */*", ["text/html", "text/turtle"]), negotiate("image/png", ["text/html"])
    ('text/turtle', None)
    """
    return accepted(header).best_match(offers)


def data_extension(media: str) -> str:
    """The extension of a resource's data file in a syntax the client asked for by any of its names.

    >>> data_extension("text/n3"), data_extension("application/xml")
    ('.ttl', '.rdf')
    """
    return DATA_EXTENSIONS[ALIASES.get(media, media)]


assert all(media in GRAPHS for media in DATA_EXTENSIONS), "every data syntax is one the server writes"
