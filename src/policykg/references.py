"""Every IRI of the project's id namespace that a triple uses must be defined somewhere.

An IRI under ``https://w3id.org/policykg/id/`` is *defined* when some file gives it an ``rdf:type``. One that
a triple uses, as subject or as object, and that nothing defines is nearly always a typo (``passage:s-avgg``
for ``passage:s-avg``); each use is reported with its file and line, the resource and the property that
use it, and the closest defined IRIs of the same kind (the same namespace, such as a document's passages).

The undefined IRIs are found with one query over the store (the distinct subjects and objects, less those
with a type); only those found are then looked up one by one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from urllib.request import url2pathname

import pyoxigraph as ox

from .curate.find import closest, file_prefixes, short_form
from .errors import Problem
from .load import LoadedGraph, find_line
from .namespaces import ID, PREFIXES, shorten
from .project import read_file

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
ID_NAMESPACE = str(ID)

UNDEFINED = """
SELECT DISTINCT ?x WHERE {
  { SELECT DISTINCT ?x WHERE { ?x ?p ?o } } UNION { SELECT DISTINCT ?x WHERE { ?s ?p ?x FILTER(isIRI(?x)) } }
  MINUS { ?x a ?type }
}
"""


def undefined_iris(loaded: LoadedGraph) -> list[str]:
    """The IRIs of the id namespace that a triple uses (as subject or object) and no file types, sorted."""
    rows = loaded.query(UNDEFINED)
    return sorted(
        row["x"].value
        for row in rows
        if isinstance(row["x"], ox.NamedNode) and row["x"].value.startswith(ID_NAMESPACE)
    )


def namespace_of(iri: str) -> str:
    """The kind of an id IRI: everything up to its last ``/``.

    >>> namespace_of("https://w3id.org/policykg/id/doc/passage/s-avg")
    'https://w3id.org/policykg/id/doc/passage/'
    """
    return iri[: iri.rfind("/") + 1]


class Suggestions:
    """The defined IRIs of the id namespace, by namespace, to suggest the closest to an undefined one."""

    def __init__(self, loaded: LoadedGraph) -> None:
        self.members: dict[str, list[str]] = defaultdict(list)
        for quad in loaded.store.quads_for_pattern(None, RDF_TYPE, None, None):
            subject = quad.subject
            if isinstance(subject, ox.NamedNode) and subject.value.startswith(ID_NAMESPACE):
                self.members[namespace_of(subject.value)].append(subject.value)
        for namespace, iris in self.members.items():
            self.members[namespace] = sorted(set(iris))

    def closest(self, iri: str) -> list[str]:
        """The defined IRIs most like ``iri``: of its own kind; when no IRI of that kind is defined (the
        kind is mistyped too), of the kind whose namespace is most like its own."""
        namespace = namespace_of(iri)
        local = iri[len(namespace) :]
        if namespace in self.members:
            names = [m[len(namespace) :] for m in self.members[namespace]]
            return [namespace + name for name in closest(local, names)]
        others = [n[len(ID_NAMESPACE) :] for n in self.members]
        for nearest in closest(namespace[len(ID_NAMESPACE) :], others, n=1):
            namespace = ID_NAMESPACE + nearest
            names = [m[len(namespace) :] for m in self.members[namespace]]
            return [namespace + name for name in closest(local, names)]
        return []


class _File:
    """A file of the project, read once: its text, lines and prefixes."""

    def __init__(self, path: Path) -> None:
        try:
            self.text = read_file(path).decode("utf-8", "replace")
        except OSError:
            self.text = ""  # gone since it was loaded: the first line, then
        self.lines = self.text.splitlines()
        self.prefixes = {**PREFIXES, **file_prefixes(self.text)}

    def short(self, iri: str) -> str:
        """``iri`` as this file would write it."""
        return short_form(iri, self.prefixes)

    def line_of(self, iri: str, after: int = 1) -> int | None:
        """The first line from ``after`` on where ``iri`` is written, in full or with a prefix."""
        spellings = [re.escape(f"<{iri}>")]
        for name, namespace in self.prefixes.items():
            if iri.startswith(namespace) and namespace:
                spellings.append(re.escape(f"{name}:{iri[len(namespace) :]}") + r"(?![\w:-]|\.[\w-])")
        pattern = re.compile(r"(?<![\w:.-])(?:" + "|".join(spellings) + ")")
        for number in range(max(after, 1), len(self.lines) + 1):
            if pattern.search(self.lines[number - 1]):
                return number
        return None


def _path(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> Path | None:
    if isinstance(graph, ox.NamedNode) and graph.value.startswith("file:"):
        return Path(url2pathname(graph.value[len("file://") :]))
    return None


def _did_you_mean(suggested: list[str], file: _File) -> str:
    if not suggested:
        return "define it (give it an rdf:type), or correct the IRI"
    names = [file.short(s) for s in suggested]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f"did you mean {listed}?"


def _curated_place(path: Path, file: _File, subject: str | None, iri: str) -> tuple[Path, int] | None:
    """Where a curator's file says what the Turtle compiled from it (at ``path``) says: the line of the
    resource ``subject`` there, or the first line after it that writes ``iri``'s name; None when the
    Turtle was written by hand."""
    try:
        from .load import GENERATED_MARK
    except ImportError:
        return None
    curated = path.parent / f"{path.parent.name}.yaml"
    if not file.text.startswith(GENERATED_MARK) or not curated.is_file():
        return None
    try:
        from .curate.format import curator_line

        start = curator_line(curated, subject) if subject else None
    except (ImportError, OSError, ValueError):
        start = None
    try:
        lines = read_file(curated).decode("utf-8", "replace").splitlines()
    except OSError:
        return None
    name = re.compile(r"(?<![\w.-])" + re.escape(iri[iri.rfind("/") + 1 :]) + r"(?![\w-])")
    for number in range(start or 1, len(lines) + 1):
        if name.search(lines[number - 1]):
            return curated, number
    return curated, start or 1


def check_references(loaded: LoadedGraph) -> list[Problem]:
    """A problem for every use, in any file, of an id IRI that no file defines; run with the checks."""
    undefined = undefined_iris(loaded)
    if not undefined:
        return []
    suggestions = Suggestions(loaded)
    files: dict[Path, _File] = {}
    problems = []
    for iri in undefined:
        node = ox.NamedNode(iri)
        suggested = suggestions.closest(iri)
        uses = [(q, "object") for q in loaded.store.quads_for_pattern(None, None, node, None)]
        uses += [(q, "subject") for q in loaded.store.quads_for_pattern(node, None, None, None)]
        seen = set()
        for quad, role in uses:
            path = _path(quad.graph_name)
            if path is None:
                continue
            subject = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else None
            key = (path, subject, quad.predicate.value if role == "object" else None)
            if key in seen:
                continue
            seen.add(key)
            file = files.get(path) or files.setdefault(path, _File(path))
            start = find_line(file.text, subject) if subject else 1
            place = _curated_place(path, file, subject, iri) or (
                path,
                file.line_of(iri, start) or file.line_of(iri) or start,
            )
            where = loaded.project.relative(place[0])
            undefined_here = f"{file.short(iri)} is not defined: no file gives it an rdf:type; "
            if role == "object":
                label = loaded.label(subject) if subject else None
                path_name = shorten(quad.predicate.value)
                message = undefined_here + _did_you_mean(suggested, file)
                problems.append(Problem(where, message, place[1], None, subject, label, path_name))
            else:
                message = "described here, but " + undefined_here + _did_you_mean(suggested, file)
                problems.append(Problem(where, message, place[1], None, iri))
    return sorted(problems)


def start_references(loaded: LoadedGraph) -> Future[list[Problem]]:
    """Start :func:`check_references` in a thread, so that it runs beside other queries of the store."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="references")
    future = pool.submit(check_references, loaded)
    pool.shutdown(wait=False)
    return future


def is_undefined(loaded: LoadedGraph, value: str | None) -> bool:
    """Whether ``value`` (a term as a shape result writes it: ``id:…`` or ``<…>``) is an IRI of the id
    namespace that no file defines; a shape result about such a value only echoes
    :func:`check_references`."""
    if not value:
        return False
    if value.startswith("id:"):
        iri = ID_NAMESPACE + value[3:]
    elif value.startswith("<") and value.endswith(">"):
        iri = value[1:-1]
    else:
        return False
    if not iri.startswith(ID_NAMESPACE):
        return False
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return False
    return next(iter(loaded.store.quads_for_pattern(node, RDF_TYPE, None, None)), None) is None
