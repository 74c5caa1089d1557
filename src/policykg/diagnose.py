"""Warnings about a SPARQL 1.1 query (https://www.w3.org/TR/sparql11-query/) before it runs: the mistakes
that make a query answer nothing without an error.

- a ``pkg:`` term the ontology does not declare (``pkg:involve`` for ``pkg:involves``), with the closest
  declared terms;
- a variable the SELECT clause projects that nothing in the WHERE clause can bind (it is not in scope,
  https://www.w3.org/TR/sparql11-query/#variableScope), so its column is always empty;
- a prefix used but not declared (the query cannot run), with the PREFIX line that declares it.

The query is read by RDFLib's SPARQL 1.1 parser, once :func:`policykg.guard.scan` has bounded its size
and depth; :func:`policykg.library.query_tokens` finds where each term is written, for messages.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import PolicyKGError, Problem, os_message
from .guard import MAX_DEPTH, QueryRefused, scan
from .library import escape_slash_names, explain_slash_name, query_tokens
from .namespaces import PKG, PREFIXES
from .project import BOM, Project, read_file

MISSING_PREFIX = "missing-prefix"
UNKNOWN_TERM = "unknown-term"
UNBOUND_VARIABLE = "unbound-variable"


@dataclass(frozen=True)
class Diagnostic:
    """One warning about a query: its ``kind`` (:data:`MISSING_PREFIX`, :data:`UNKNOWN_TERM`,
    :data:`UNBOUND_VARIABLE`), what it is about (a prefix, an IRI, a variable's name), a one-line
    ``message``, the ``suggestions`` in it, and where in the query text it is first found (1-based)."""

    kind: str
    subject: str
    message: str
    suggestions: tuple[str, ...] = ()
    line: int | None = None
    column: int | None = None

    @property
    def fatal(self) -> bool:
        """Whether the query cannot run at all (an undeclared prefix is a syntax error)."""
        return self.kind == MISSING_PREFIX

    def problem(self, where: str, prologue_lines: int = 0) -> Problem:
        """As a :class:`Problem` of ``where``, its line counted after ``prologue_lines`` put in front."""
        line = self.line - prologue_lines if self.line is not None else None
        if line is not None and line < 1:
            line = None
        return Problem(where, self.message, line=line, column=self.column if line else None)


def declared_terms(project: Project) -> frozenset[str]:
    """The IRIs of the ``pkg:`` namespace that the ontology files (``ontology/*.ttl``) describe.

    Raises PolicyKGError when a file cannot be read or is not Turtle.
    """
    files = sorted(project.ontology_dir.glob("*.ttl")) if project.ontology_dir.is_dir() else []
    found: set[str] = set()
    for path in files:
        try:
            stat = path.stat()
        except OSError as error:
            raise PolicyKGError(f"cannot read {project.relative(path)}: {os_message(error)}") from None
        found |= _terms_of(path, stat.st_mtime_ns, stat.st_size, project.relative(path))
    return frozenset(found)


@lru_cache(maxsize=32)
def _terms_of(path: Path, _mtime: int, _size: int, shown: str) -> frozenset[str]:
    try:
        data = read_file(path).removeprefix(BOM)
        quads = ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())
        return frozenset(
            q.subject.value
            for q in quads
            if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(str(PKG))
        )
    except OSError as error:
        raise PolicyKGError(f"cannot read {shown}: {os_message(error)}") from None
    except SyntaxError as error:
        raise PolicyKGError(f"{shown} is not valid Turtle: {str(error).splitlines()[0]}") from None


@lru_cache(maxsize=1)
def known_prefixes() -> dict[str, str]:
    """Prefixes to suggest for an undeclared one: the project's (:data:`policykg.namespaces.PREFIXES`),
    then the common vocabularies RDFLib knows (dcat, foaf, schema …).

    >>> known_prefixes()["dcat"], known_prefixes()["pkg"]
    ('http://www.w3.org/ns/dcat#', 'https://w3id.org/policykg/def#')
    """
    from rdflib import Graph

    known = {prefix: str(iri) for prefix, iri in Graph(bind_namespaces="rdflib").namespaces()}
    return {**known, **PREFIXES}


def diagnose_query(
    sparql: str,
    declared: Collection[str] | None = None,
    *,
    prefixes: Mapping[str, str] | None = None,
) -> list[Diagnostic]:
    """The warnings about a read-only query, in the order of the text: undeclared prefixes (and then
    nothing else: the query cannot run), else ``pkg:`` terms not in ``declared`` (skipped when None; see
    :func:`declared_terms`) and projected variables nothing can bind. ``prefixes`` are those declared
    outside the text (an endpoint's own). A text that does not parse as a query gives no warning: the
    engine reports its syntax error.

    >>> [d.message for d in diagnose_query("SELECT ?d { ?d a dcat:Dataset }")]
    ['the prefix dcat: is not declared; add PREFIX dcat: <http://www.w3.org/ns/dcat#>']
    >>> terms = {"https://w3id.org/policykg/def#involves"}
    >>> for d in diagnose_query("SELECT ?i ?label { ?i pkg:involve ?x }", terms, prefixes=PREFIXES):
    ...     print(d.line, d.column, d.message)
    1 11 ?label is selected but nothing in the WHERE clause can bind it, so its column is always empty
    1 23 pkg:involve is not declared by the ontology; did you mean pkg:involves?
    """
    try:
        structure = scan(sparql)
    except QueryRefused:
        return []
    tree = _parse(sparql)
    if tree is None:
        return []
    found = list(query_tokens(structure))
    declared_prefixes = dict(prefixes or {})
    for decl in tree[0]:
        if getattr(decl, "name", None) == "PrefixDecl":
            declared_prefixes[_field(decl, "prefix", "")] = str(decl["iri"])
    names = list(_nodes(tree[1], "pname"))
    missing = {str(_field(p, "prefix", "")) for p in names} - set(declared_prefixes)
    if missing:
        return _sorted([_missing_prefix(p, declared_prefixes, sparql, found) for p in missing])
    result = []
    if declared is not None:
        result += _unknown_terms(tree[1], names, declared_prefixes, set(declared), sparql, found)
    result += _unbound_variables(tree[1], sparql, found)
    return _sorted(result)


def explain_syntax_error(sparql: str, prefixes: Mapping[str, str] | None = None) -> str | None:
    """One line for a query that did not parse because of an undeclared prefix or of a slash in a
    prefixed name, or None.

    >>> explain_syntax_error("SELECT * {\\n ?d a dcat:Dataset }")
    'line 2, column 7: the prefix dcat: is not declared; add PREFIX dcat: <http://www.w3.org/ns/dcat#>'
    >>> print(explain_syntax_error("SELECT * { VALUES ?t { id:theme/talent } }", PREFIXES))
    line 1, column 24: id:theme/talent: SPARQL reads no / in a prefixed name; write id:theme\\/talent or the full IRI
    """
    for found in diagnose_query(escape_slash_names(sparql), None, prefixes=prefixes):
        if found.fatal:
            place = f"line {found.line}, column {found.column}: " if found.line else ""
            return place + found.message
    return explain_slash_name(sparql)


def _sorted(found: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(found, key=lambda d: (d.line or 0, d.column or 0, d.kind))


def _parse(sparql: str) -> Any:
    """RDFLib's parse tree of a query (whose size and depth :func:`scan` bounded), or None for a text
    that is not a query."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 40 * MAX_DEPTH + 2000))  # as policykg.guard does
    try:
        return parseQuery(sparql)
    except (ParseException, RecursionError):
        return None
    except Exception:  # a parse action that refuses a term (a bad literal): the engine will say why
        return None
    finally:
        sys.setrecursionlimit(limit)


def _field(node: Any, key: str, default: Any = None) -> Any:
    """A field of a parse tree node (a CompValue, whose own ``get`` answers the key when it is missing)."""
    return node[key] if isinstance(node, dict) and key in node else default


def _children(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return list(node.values())
    if isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        return list(node)
    return []


def _nodes(root: Any, name: str) -> Iterator[Any]:
    """The nodes called ``name`` in a parse tree (iteratively: a deep tree is no risk here)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if getattr(node, "name", None) == name:
            yield node
        stack.extend(_children(node))


def _of_type(root: Any, kind: type) -> Iterator[Any]:
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, kind):
            yield node
        else:
            stack.extend(_children(node))


def _where(found: list[tuple[str, int, int]], sparql: str, match: Any) -> tuple[int | None, int | None]:
    """The line and column of the first token for which ``match(kind, text)`` holds."""
    for kind, start, end in found:
        if match(kind, sparql[start:end]):
            line = sparql.count("\n", 0, start) + 1
            return line, start - (sparql.rfind("\n", 0, start) + 1) + 1
    return None, None


def _missing_prefix(
    prefix: str, declared: Mapping[str, str], sparql: str, found: list[tuple[str, int, int]]
) -> Diagnostic:
    known = known_prefixes()
    if prefix in known:
        hint = f"add PREFIX {prefix}: <{known[prefix]}>"
        suggestions: tuple[str, ...] = (f"PREFIX {prefix}: <{known[prefix]}>",)
    else:
        close = difflib.get_close_matches(prefix, list(declared), n=1, cutoff=0.6)
        suggestions = tuple(f"{c}:" for c in close)
        hint = f"did you mean {close[0]}:? Otherwise add PREFIX {prefix}: <...>" if close else ""
        hint = hint or f"add PREFIX {prefix}: <...> with the namespace IRI it stands for"
    line, column = _where(found, sparql, lambda k, t: k == "pname" and t.split(":", 1)[0] == prefix)
    message = f"the prefix {prefix}: is not declared; {hint}"
    return Diagnostic(MISSING_PREFIX, prefix, message, suggestions, line, column)


def _unescape(local: str) -> str:
    """A local name with its backslash escapes read (PN_LOCAL_ESC)."""
    out, i = [], 0
    while i < len(local):
        if local[i] == "\\" and i + 1 < len(local):
            i += 1
        out.append(local[i])
        i += 1
    return "".join(out)


def _unknown_terms(
    query: Any,
    names: list[Any],
    prefixes: Mapping[str, str],
    declared: set[str],
    sparql: str,
    found: list[tuple[str, int, int]],
) -> list[Diagnostic]:
    from rdflib import URIRef

    namespace = str(PKG)
    used: dict[str, set[str]] = {}  # IRI: how the query writes it
    for name in names:
        prefix, local = str(_field(name, "prefix", "")), _unescape(str(_field(name, "localname", "") or ""))
        iri = prefixes[prefix] + local
        used.setdefault(iri, set()).add(f"{prefix}:{_field(name, 'localname', '') or ''}")
    for iri in _of_type(query, URIRef):
        used.setdefault(_unescape(str(iri)), set()).add(f"<{iri}>")
    locals_ = sorted(t[len(namespace) :] for t in declared if t.startswith(namespace))
    result = []
    for iri, spelled in used.items():
        if not iri.startswith(namespace) or iri == namespace or iri in declared:
            continue
        local = iri[len(namespace) :]
        close = [t for t in locals_ if t.lower() == local.lower()]
        close += [t for t in difflib.get_close_matches(local, locals_, n=3, cutoff=0.6) if t not in close]
        suggestions = tuple(f"pkg:{t}" for t in close[:3])
        hint = f"; did you mean {' or '.join(suggestions)}?" if suggestions else "; no declared term is close"
        line, column = _where(found, sparql, lambda k, t, s=spelled: k in ("pname", "iri") and t in s)
        message = f"pkg:{local} is not declared by the ontology{hint}"
        result.append(Diagnostic(UNKNOWN_TERM, iri, message, suggestions, line, column))
    return result


def _unbound_variables(query: Any, sparql: str, found: list[tuple[str, int, int]]) -> list[Diagnostic]:
    """The plain variables a SELECT projects that are not in scope in its WHERE clause."""
    if query.name != "SelectQuery" or "projection" not in query:
        return []  # SELECT * projects what is in scope; other forms project no columns
    try:
        bindable = _in_scope(query)
    except RecursionError:
        return []
    result = []
    for item in query["projection"]:
        var = _field(item, "var")
        if var is None or str(var) in bindable:
            continue
        line, column = _where(found, sparql, lambda k, t, v=str(var): k == "var" and t[1:] == v)
        message = (
            f"?{var} is selected but nothing in the WHERE clause can bind it, so its column is always empty"
        )
        result.append(Diagnostic(UNBOUND_VARIABLE, str(var), message, (), line, column))
    return result


def _in_scope(select: Any) -> set[str]:
    """The variables in scope after a SELECT's WHERE, GROUP BY, projection and VALUES (the table of
    https://www.w3.org/TR/sparql11-query/#variableScope); lenient where the grammar is unfamiliar."""
    scope = _bindable(_field(select, "where"))
    for condition in _field(_field(select, "groupby"), "condition", []):
        if getattr(condition, "name", None) == "GroupAs" and _field(condition, "var") is not None:
            scope.add(str(condition["var"]))
    for item in _field(select, "projection") or []:
        if _field(item, "evar") is not None:
            scope.add(str(item["evar"]))
    values = _field(select, "valuesClause")
    if values is not None:
        scope |= {str(v) for v in _field(values, "var", [])}
    return scope


def _bindable(node: Any) -> set[str]:
    from rdflib import Variable

    name = getattr(node, "name", None)
    if node is None or name in ("Filter", "MinusGraphPattern"):
        return set()
    if name == "SubSelect":
        if "projection" not in node:
            return _bindable(_field(node, "where"))
        return {str(_field(i, "var") or _field(i, "evar")) for i in node["projection"]}
    if name == "Bind":
        return {str(node["var"])}
    if name in ("InlineData", "ValuesClause"):
        return {str(v) for v in _field(node, "var", [])}
    if name in ("GroupGraphPatternSub", "OptionalGraphPattern", "GroupOrUnionGraphPattern"):
        return set().union(*(_bindable(child) for child in _children(node)))
    if name in ("GraphGraphPattern", "ServiceGraphPattern"):
        term = _field(node, "term")
        return _bindable(_field(node, "graph")) | ({str(term)} if isinstance(term, Variable) else set())
    if isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        return set().union(*(_bindable(child) for child in node))
    return {str(v) for v in _of_type(node, Variable)}  # triples, and whatever else: every variable in it
