"""The query library: SPARQL 1.1 files with a header that people and tools both read.

A query file starts with comment lines ``# key: value`` (title, description, question-nl, question-en,
category, and ``param`` lines ``# param: name = default — what it is``), then the query
(https://www.w3.org/TR/sparql11-query/). Every query is run with the PREFIX lines of
:data:`policykg.namespaces.PREFIXES` in front of it, so a file need not repeat them, and a prefixed name
may hold a slash (``id:theme/talent``) as a parameter's value may (:func:`escape_slash_names`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import EXIT_USAGE, PolicyKGError, Problem
from .guard import QueryRefused, inspect_query, scan
from .namespaces import PREFIXES, sparql_prologue

_HEADER_RE = re.compile(r"^#\s*([\w-]+)\s*:\s*(.*?)\s*$")
_IRI_RE = re.compile(r"[^\x00-\x20<>\"{}|^`\\]+")
"""What an IRI may hold (https://www.w3.org/TR/sparql11-query/#rIRIREF)."""
_IRI_FORBIDDEN = frozenset('<>"{}|^`\\')


@dataclass(frozen=True)
class QueryFile:
    """One query of the library with its header."""

    name: str
    path: Path
    text: str
    header: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    param_help: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.header.get("title", self.name)

    @property
    def description(self) -> str:
        return self.header.get("description", "")

    @property
    def category(self) -> str:
        return self.header.get("category", self.name.split("/")[0] if "/" in self.name else "")

    def sparql(self, values: dict[str, str] | None = None) -> str:
        """The query with the standard prefixes in front of it, its parameters bound, and its prefixed
        names with a slash read as ``--param`` reads them (:func:`escape_slash_names`)."""
        return escape_slash_names(sparql_prologue() + bind_params(self, values))


def parse_header(text: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Read the ``# key: value`` lines at the top of a query: the header, parameter defaults and help.

    >>> header, params, helps = parse_header("# title: Budget\\n# param: year = 2026 — the year\\nSELECT * {}")
    >>> header["title"], params, helps
    ('Budget', {'year': '2026'}, {'year': 'the year'})
    """
    header: dict[str, str] = {}
    params: dict[str, str] = {}
    helps: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER_RE.match(line)
        if not match:
            continue
        key, value = match.group(1).lower(), match.group(2)
        if key == "param":
            name, _, rest = value.partition("=")
            default, help_text = (re.split(r"\s+[—-]+\s+", rest.strip(), maxsplit=1) + [""])[:2]
            params[name.strip()] = default.strip()
            helps[name.strip()] = help_text.strip()
        elif key in header:
            header[key] += " " + value
        else:
            header[key] = value
    return header, params, helps


def read_query(path: Path, name: str | None = None) -> QueryFile:
    """Read one query file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyKGError(f"cannot read query {path}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise PolicyKGError(f"{path} is not UTF-8 text (byte {error.start} is not valid UTF-8)") from None
    header, params, helps = parse_header(text)
    return QueryFile(name or path.stem, path, text, header, params, helps)


def list_queries(folder: Path) -> list[QueryFile]:
    """Every ``.rq`` file below ``folder``, named by its path without the extension."""
    if not folder.is_dir():
        return []
    return [
        read_query(p, p.relative_to(folder).with_suffix("").as_posix()) for p in sorted(folder.rglob("*.rq"))
    ]


def syntax_problem(where: str, error: SyntaxError, prologue_lines: int = 0) -> Problem:
    """A SPARQL syntax error as a Problem, its line counted in the file rather than in the prologue."""
    message = str(error.msg if error.msg else error)
    line, column = error.lineno, error.offset
    located = re.match(r"^error at (\d+):(\d+): ", message)
    if located:
        line, column = int(located.group(1)), int(located.group(2))
    message = re.sub(r"^(Parser error (at|between) .*?|error at \d+:\d+): ", "", message)
    return Problem(where, message, line=line - prologue_lines if line else None, column=column)


_STRING_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}
"""What a SPARQL string literal must escape (ECHAR, https://www.w3.org/TR/sparql11-query/#rECHAR)."""


def format_term(value: str) -> str:
    """A parameter value as a SPARQL term: an IRI, a prefixed name, a number, ``UNDEF`` (no restriction:
    the parameter leaves the query open), or else a string.

    >>> format_term("https://w3id.org/policykg/id/x"), format_term("id:law/dsa"), format_term("12")
    ('<https://w3id.org/policykg/id/x>', '<https://w3id.org/policykg/id/law/dsa>', '12')
    >>> format_term('say "hi"')
    '"say \\\\"hi\\\\""'
    >>> print(format_term("a\\rb\\tc"))
    "a\\rb\\tc"
    """
    value = value.strip()
    if value.upper() in ("UNDEF", "ALL", "*", ""):
        return "UNDEF"
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
        if not _IRI_RE.fullmatch(value):
            raise ValueError(f"<{value}> is not a valid IRI")
        return f"<{value}>"
    if re.match(r"^(https?|urn|file):\S+$", value):
        if not _IRI_RE.fullmatch(value):
            raise ValueError(f"{value} is not a valid IRI")
        return f"<{value}>"
    prefix, colon, local = value.partition(":")
    if colon and prefix in PREFIXES and " " not in value:
        return format_term(PREFIXES[prefix] + local)
    if colon and re.fullmatch(r"[A-Za-z][\w.-]*", prefix) and " " not in value:
        raise ValueError(f"unknown prefix {prefix}: in {value} (known: {', '.join(PREFIXES)})")
    if re.fullmatch(r"[+-]?\d+(\.\d+)?", value):
        return value
    escaped = value.translate(_STRING_ESCAPES)
    return f'"{escaped}"'


def bind_params(query: QueryFile, values: dict[str, str] | None = None) -> str:
    """The query's text with each parameter's ``VALUES ?name { … }`` set to the given value or its default.

    >>> q = QueryFile("x", Path("x.rq"), "# param: year = 2026\\nSELECT * { VALUES ?year { 2026 } }",
    ...               {}, {"year": "2026"})
    >>> bind_params(q, {"year": "2030"}).splitlines()[-1]
    'SELECT * { VALUES ?year { 2030 } }'
    """
    values = dict(values or {})
    unknown = sorted(set(values) - set(query.params))
    if unknown:
        known = ", ".join(sorted(query.params)) or "none"
        raise PolicyKGError(
            f"query {query.name} has no parameter {', '.join(unknown)} (its parameters: {known})",
            exit_code=EXIT_USAGE,
        )
    text = query.text
    for name, default in query.params.items():
        try:
            term = format_term(values.get(name, default))
        except ValueError as error:
            raise PolicyKGError(f"--param {name}: {error}", exit_code=EXIT_USAGE) from None
        pattern = re.compile(r"VALUES\s+\?" + re.escape(name) + r"\s*\{[^}]*\}")
        if not pattern.search(text):
            raise PolicyKGError(
                f"query {query.name} declares parameter {name} but has no 'VALUES ?{name} {{ … }}'"
            )
        replacement = f"VALUES ?{name} {{ {term} }}"
        text = pattern.sub(lambda _m, replacement=replacement: replacement, text)
    return text


def _name_char(c: str) -> bool:
    """A character of a name (PN_CHARS, with ``.`` and the ``%`` of an escape)."""
    return c.isalnum() or c in "_-.%\u00b7"


def query_tokens(structure: str) -> Iterator[tuple[str, int, int]]:
    """The IRIs (``iri``), prefixed names (``pname``), variables (``var``) and other words (``word``) of
    a scanned query, as ``(kind, start, end)``; punctuation is skipped.

    >>> [(k, "PREFIX e: <http://e/> SELECT ?x { ?x e:p 1.5 }"[a:b]) for k, a, b in
    ...  query_tokens("PREFIX e: <http://e/> SELECT ?x { ?x e:p 1.5 }")][1:]
    [('pname', 'e:'), ('iri', '<http://e/>'), ('word', 'SELECT'), ('var', '?x'), ('var', '?x'), ('pname', 'e:p'), ('word', '1.5')]
    """
    i, n = 0, len(structure)
    while i < n:
        c = structure[i]
        j = i + 1
        if c == "<":
            while j < n and structure[j] not in _IRI_FORBIDDEN and ord(structure[j]) > 0x20:
                j += 1
            if j < n and structure[j] == ">":
                yield "iri", i, j + 1
                j += 1
            else:  # less-than
                j = i + 1
        elif c in "?$":
            while j < n and (structure[j].isalnum() or structure[j] in "_\u00b7"):
                j += 1
            if j > i + 1:
                yield "var", i, j
        elif c == '"':
            j = structure.find('"', i + 1) + 1 or n
        elif c == "@":
            while j < n and (structure[j].isalnum() or structure[j] == "-"):
                j += 1
        elif _name_char(c) or c == ":":
            j = i
            while j < n and (_name_char(structure[j]) or structure[j] == ":"):
                j += 1
            while j > i + 1 and structure[j - 1] == ".":  # a name never ends with a dot: it ends a triple
                j -= 1
            word = structure[i:j]
            pname = ":" in word and not word.startswith("_:") and (word[0] == ":" or word[0].isalpha())
            yield ("pname" if pname else "word"), i, j
        i = j


def escape_slash_names(sparql: str) -> str:
    """The query with each prefixed name written with a slash (``id:theme/talent``, as ``--param``
    takes it) escaped as SPARQL allows (``id:theme\\/talent``, PN_LOCAL_ESC), where SPARQL cannot read
    the slash otherwise. A slash that may be a path or a division (``pkg:partOf/a``, ``id:x/2``,
    ``id:x/STR(?y)``) is escaped only if the query is valid SPARQL that way and not as written. The text
    comes back unchanged when it is not valid SPARQL either way.

    >>> print(escape_slash_names("SELECT ?i { VALUES ?t { id:theme/talent } ?i pkg:partOf/a ?t }"))
    SELECT ?i { VALUES ?t { id:theme\\/talent } ?i pkg:partOf/a ?t }
    >>> print(escape_slash_names("SELECT ?i { VALUES ?p { id:period/2026 } }"))
    SELECT ?i { VALUES ?p { id:period\\/2026 } }
    """
    try:
        structure = scan(sparql)
    except QueryRefused:
        return sparql
    sure: list[int] = []
    unsure: list[int] = []
    for kind, _start, end in query_tokens(structure):
        if kind == "pname":
            slashes, ambiguous, _stop = _slashes_after(structure, end)
            (unsure if ambiguous else sure).extend(slashes)
    if sure and _parses(escaped := _escape_at(sparql, sure)):
        return escaped
    if not unsure or (not sure and _parses(sparql)):
        return sparql
    escaped = _escape_at(sparql, sure + unsure)
    return escaped if _parses(escaped) else sparql


def _slashes_after(structure: str, end: int) -> tuple[list[int], bool, int]:
    """Where the slashes of ``prefix:a/b/c`` are, for the name ending at ``end``, whether any segment
    could also be read as SPARQL (``a``, a number, ``true``, a function call), and where the last ends."""
    slashes: list[int] = []
    ambiguous = False
    n = len(structure)
    while end < n and structure[end] == "/":
        stop = end + 1
        while stop < n and _name_char(structure[stop]):
            stop += 1
        while stop > end + 1 and structure[stop - 1] == ".":
            stop -= 1
        segment = structure[end + 1 : stop]
        if not segment or (stop < n and structure[stop] == ":"):  # a path to another prefixed name
            break
        after = structure[stop:].lstrip()[:1]
        ambiguous = ambiguous or (
            segment == "a"
            or segment[0] in "0123456789.-"
            or segment.lower() in ("true", "false")
            or after in ("(", "{")
        )
        slashes.append(end)
        end = stop
    return slashes, ambiguous, end


def _escape_at(text: str, positions: list[int]) -> str:
    for at in sorted(positions, reverse=True):
        text = text[:at] + "\\" + text[at:]
    return text


def _parses(sparql: str) -> bool:
    try:
        inspect_query(sparql)
    except QueryRefused:
        return False
    return True


def explain_slash_name(sparql: str) -> str | None:
    """One line for a query that SPARQL refuses because of a slash in a prefixed name, and that
    :func:`escape_slash_names` reads, or None.

    >>> print(explain_slash_name("SELECT * { VALUES ?t { id:theme/talent } }"))
    line 1, column 24: id:theme/talent: SPARQL reads no / in a prefixed name; write id:theme\\/talent or the full IRI
    """
    escaped = escape_slash_names(sparql)
    if escaped == sparql:
        return None
    structure = scan(sparql)
    for kind, start, end in query_tokens(structure):
        slashes, _ambiguous, stop = _slashes_after(structure, end) if kind == "pname" else ([], False, 0)
        if slashes and escaped.startswith(_escape_at(sparql[:stop], slashes)):
            written = sparql[start:stop]
            fixed = _escape_at(written, [at - start for at in slashes])
            line = sparql.count("\n", 0, start) + 1
            column = start - (sparql.rfind("\n", 0, start) + 1) + 1
            return (
                f"line {line}, column {column}: {written}: SPARQL reads no / in a prefixed name; "
                f"write {fixed} or the full IRI"
            )
    return None


def results_as_rows(srj: dict) -> list[tuple]:
    """Rows of a SPARQL 1.1 JSON result (https://www.w3.org/TR/sparql11-results-json/), comparable by value.

    >>> results_as_rows({"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "1"}}]}})
    [(('x', 'literal', '1', None, None),)]
    """
    if "boolean" in srj:
        return [(("boolean", srj["boolean"]),)]
    names = srj["head"]["vars"]
    rows = []
    for binding in srj["results"]["bindings"]:
        row = []
        for name in names:
            term = binding.get(name)
            if term is None:
                row.append((name, None, None, None, None))
                continue
            kind = "bnode" if term["type"] == "bnode" else term["type"].replace("typed-literal", "literal")
            datatype = term.get("datatype")
            if datatype == "http://www.w3.org/2001/XMLSchema#string":
                datatype = None
            value = "_" if kind == "bnode" else term["value"]
            row.append((name, kind, value, term.get("xml:lang"), datatype))
        rows.append(tuple(row))
    return rows


def is_ordered(text: str) -> bool:
    """Whether a query's answer has an order that comparisons must respect (an outer ORDER BY).

    >>> is_ordered("SELECT * { ?s ?p ?o } ORDER BY ?s"), is_ordered("SELECT * { ?s ?p ?o }")
    (True, False)
    """
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return re.search(r"ORDER\s+BY", body[body.rfind("}") :], re.IGNORECASE) is not None
