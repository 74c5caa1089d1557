"""The query library's expected answers: each query of ``queries/manifest.ttl`` run on the project and
compared with the SPARQL JSON result (https://www.w3.org/TR/sparql11-results-json/) beside it, and the
answers that differ rewritten on request.

An answer matches when it has the same variables and the same rows: in the same order when the query
orders them (an outer ORDER BY), as a multiset otherwise. The manifest follows the W3C SPARQL 1.1 test
manifests (https://www.w3.org/2009/sparql/docs/tests/).
"""

from __future__ import annotations

import json
import os
import tempfile
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import EXIT_INVALID, EXIT_OK, EXIT_USAGE, PolicyKGError, Problem
from .escape import printable
from .library import is_ordered, read_query, results_as_rows
from .load import LoadedGraph
from .namespaces import shorten
from .project import Project

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
QT = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SHOWN = 5
"""How many missing and how many extra rows a report shows per query."""

Row = tuple
"""A row of an answer as :func:`policykg.library.results_as_rows` gives it, comparable by value."""


@dataclass(frozen=True)
class Expectation:
    """One entry of the manifest: a query and the file with its expected answer."""

    name: str
    query: Path
    result: Path


@dataclass
class Comparison:
    """How an answer differs from the expected one; nothing differs when :attr:`same`."""

    problem: str = ""
    """What differs beyond rows: the variables, or the order of the same rows."""
    missing: list[Row] = field(default_factory=list)
    """Expected rows the answer lacks (each as often as it lacks it)."""
    extra: list[Row] = field(default_factory=list)
    """Rows of the answer that were not expected."""

    @property
    def same(self) -> bool:
        return not (self.problem or self.missing or self.extra)


@dataclass
class Outcome:
    """One query run and compared: its answer, or why it could not run, and how it differs."""

    expectation: Expectation
    answer: dict | None
    comparison: Comparison
    expected_rows: int | None = None
    error: str = ""
    """Why the query could not run; such a query cannot be rewritten."""

    @property
    def ok(self) -> bool:
        return not self.error and self.comparison.same


def _path(uri: str, base: Path) -> Path:
    """The file a ``file:`` IRI of the manifest names."""
    parsed = urllib.parse.urlsplit(uri)
    if parsed.scheme != "file":
        raise PolicyKGError(f"{base}: {uri} is not a file of the query library")
    return Path(urllib.request.url2pathname(parsed.path))


def read_manifest(project: Project) -> list[Expectation]:
    """The entries of ``queries/manifest.ttl`` in the manifest's order."""
    manifest = project.queries_dir / "manifest.ttl"
    where = project.relative(manifest)
    try:
        data = manifest.read_bytes()
    except OSError as error:
        raise PolicyKGError(f"cannot read {where}: {error.strerror or error}") from None
    try:
        triples = list(ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=manifest.resolve().as_uri()))
    except SyntaxError as error:
        raise PolicyKGError(f"{where} is not valid Turtle: {error}") from None
    values: dict[tuple[object, str], list[object]] = {}
    for triple in triples:
        values.setdefault((triple.subject, triple.predicate.value), []).append(triple.object)

    def value(subject: object, predicate: str) -> object:
        found = values.get((subject, predicate))
        if not found:
            raise PolicyKGError(f"{where}: {subject} has no <{predicate}>")
        return found[0]

    roots = [
        t.subject for t in triples if t.predicate.value == RDF + "type" and t.object.value == MF + "Manifest"
    ]
    if len(roots) != 1:
        raise PolicyKGError(f"{where} must describe one mf:Manifest, not {len(roots)}")
    entries = []
    node = value(roots[0], MF + "entries")
    while not (isinstance(node, ox.NamedNode) and node.value == RDF + "nil"):
        entries.append(value(node, RDF + "first"))
        node = value(node, RDF + "rest")
    expectations = []
    for entry in entries:
        name = urllib.parse.unquote(entry.value.rsplit("#", 1)[-1])
        query = _path(value(value(entry, MF + "action"), QT + "query").value, manifest)
        result = _path(value(entry, MF + "result").value, manifest)
        for path in (query, result):
            if project.queries_dir.resolve() not in path.resolve().parents:
                raise PolicyKGError(f"{where}: {name} names {path}, which is outside the query library")
        expectations.append(Expectation(name, query, result))
    return expectations


def choose(expectations: list[Expectation], names: list[str] | None) -> list[Expectation]:
    """The entries named (all when ``names`` is empty), in the manifest's order; an unknown name is a
    usage error."""
    if not names:
        return expectations
    known = {e.name for e in expectations}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise PolicyKGError(
            f"no query {', '.join(unknown)} in queries/manifest.ttl (the names are those policykg queries lists)",
            exit_code=EXIT_USAGE,
        )
    return [e for e in expectations if e.name in names]


def compare(answer: dict, expected: dict, ordered: bool) -> Comparison:
    """How ``answer`` differs from ``expected`` (both SPARQL JSON results): the variables, then the rows,
    in order when ``ordered``, else as multisets.

    >>> def srj(*values):
    ...     return {"head": {"vars": ["x"]},
    ...             "results": {"bindings": [{"x": {"type": "literal", "value": v}} for v in values]}}
    >>> compare(srj("a", "b"), srj("b", "a"), ordered=False).same
    True
    >>> compare(srj("a", "b"), srj("b", "a"), ordered=True).problem
    'the same rows in another order (first at row 1)'
    >>> c = compare(srj("a", "c"), srj("a", "b", "b"), ordered=False)
    >>> [r[0][2] for r in c.missing], [r[0][2] for r in c.extra]
    (['b', 'b'], ['c'])
    """
    got_vars, want_vars = answer.get("head", {}).get("vars"), expected.get("head", {}).get("vars")
    if ("boolean" in answer) != ("boolean" in expected) or got_vars != want_vars:
        return Comparison(problem=f"the variables differ: expected {want_vars}, got {got_vars}")
    got, want = results_as_rows(answer), results_as_rows(expected)
    if (got == want) if ordered else (Counter(got) == Counter(want)):
        return Comparison()
    have, need = Counter(got), Counter(want)
    missing = [row for row in _unique(want) for _ in range(need[row] - have[row])]
    extra = [row for row in _unique(got) for _ in range(have[row] - need[row])]
    if not missing and not extra:
        first = next(i for i, (a, b) in enumerate(zip(got, want, strict=True), start=1) if a != b)
        return Comparison(problem=f"the same rows in another order (first at row {first})")
    return Comparison(missing=missing, extra=extra)


def _unique(rows: list[Row]) -> list[Row]:
    """The rows in their order, each once."""
    return list(dict.fromkeys(rows))


def answer_of(loaded: LoadedGraph, query_path: Path, name: str) -> tuple[dict, bool]:
    """The answer of a library query with its default parameters, as SPARQL JSON, and whether the query
    orders its rows."""
    query = read_query(query_path, name)
    result = loaded.query(query.sparql())
    if isinstance(result, ox.QueryTriples):
        raise PolicyKGError(f"{name} is a CONSTRUCT or DESCRIBE query; expected answers are SELECT or ASK")
    return json.loads(result.serialize(format=ox.QueryResultsFormat.JSON)), is_ordered(query.text)


def check_one(loaded: LoadedGraph, expectation: Expectation) -> Outcome:
    """Run one entry's query and compare its answer with the expected one."""
    try:
        answer, ordered = answer_of(loaded, expectation.query, expectation.name)
    except (PolicyKGError, SyntaxError, OSError) as error:
        return Outcome(expectation, None, Comparison(), error=printable(str(error)))
    try:
        expected = json.loads(expectation.result.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Outcome(expectation, answer, Comparison(problem="it has no expected answer yet"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else str(error)
        return Outcome(
            expectation, answer, Comparison(problem=f"its expected answer cannot be read: {reason}")
        )
    if not isinstance(expected, dict):
        return Outcome(
            expectation, answer, Comparison(problem="its expected answer is not a SPARQL JSON result")
        )
    try:
        comparison = compare(answer, expected, ordered)
        rows = len(results_as_rows(expected))
    except (KeyError, TypeError, AttributeError):
        return Outcome(
            expectation, answer, Comparison(problem="its expected answer is not a SPARQL JSON result")
        )
    return Outcome(expectation, answer, comparison, expected_rows=rows)


def check_expectations(loaded: LoadedGraph, names: list[str] | None = None) -> list[Outcome]:
    """Every entry of the manifest (or those named) run on ``loaded`` and compared."""
    return [check_one(loaded, e) for e in choose(read_manifest(loaded.project), names)]


def render(answer: dict) -> bytes:
    """An answer as its ``.srj`` file holds it: the same answer gives the same bytes."""
    return (json.dumps(answer, indent=1, ensure_ascii=True) + "\n").encode("ascii")


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it, renamed over it in one step, so that
    a reader never sees half a file. The file keeps its permissions."""
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def update_expectations(outcomes: list[Outcome]) -> list[Outcome]:
    """Rewrite the expected answer of every query that ran and differs; the outcomes rewritten."""
    rewritten = []
    for outcome in outcomes:
        if outcome.error or outcome.comparison.same or outcome.answer is None:
            continue
        try:
            write_atomically(outcome.expectation.result, render(outcome.answer))
        except OSError as error:
            raise PolicyKGError(
                f"cannot write {outcome.expectation.result}: {error.strerror or error}",
                [Problem(str(o.expectation.result), "rewritten") for o in rewritten],
            ) from None
        rewritten.append(outcome)
    return rewritten


def format_term(name: str, kind: str | None, value: object, lang: str | None, datatype: str | None) -> str:
    """One value of a row, as in Turtle, on one line.

    >>> format_term("x", "uri", "https://w3id.org/policykg/id/law/avg", None, None)
    '?x=id:law/avg'
    >>> format_term("n", "literal", "745", None, "http://www.w3.org/2001/XMLSchema#integer")
    '?n=745'
    >>> format_term("l", "literal", "Digitale\\nOverheid", "nl", None)
    '?l="Digitale\\\\u000aOverheid"@nl'
    """
    if kind is None:
        return f"?{name} unbound"
    if kind == "bnode":
        return f"?{name}=[]"
    text = printable(str(value))
    if len(text) > 80:
        text = text[:79] + "…"
    if kind == "uri":
        return f"?{name}={shorten(text)}"
    if datatype in (f"http://www.w3.org/2001/XMLSchema#{t}" for t in ("integer", "decimal")):
        return f"?{name}={text}"
    suffix = f"@{lang}" if lang else f"^^{shorten(datatype)}" if datatype else ""
    return f'?{name}="{text}"{suffix}'


def format_row(row: Row) -> str:
    """A row on one line: each variable and its value."""
    if row and row[0][0] == "boolean":
        return str(row[0][1]).lower()
    return "  ".join(format_term(*term) for term in row) or "(no variables)"


def _count(rows: int, word: str) -> str:
    return f"{rows} {word}" if rows != 1 else f"1 {word.removesuffix('s')}"


def describe(outcome: Outcome) -> list[str]:
    """What differs for one query: a line saying how much, then the first missing and extra rows."""
    if outcome.error:
        return [f"it cannot run: {outcome.error}"]
    comparison = outcome.comparison
    if comparison.problem:
        head = comparison.problem
    else:
        head = f"{_count(len(comparison.missing), 'rows')} missing, {len(comparison.extra)} extra"
        if outcome.expected_rows is not None and outcome.answer is not None:
            got = len(results_as_rows(outcome.answer))
            head += f" (expected {_count(outcome.expected_rows, 'rows')}, got {got})"
    lines = [head]
    for label, rows in (("missing", comparison.missing), ("extra", comparison.extra)):
        for row in rows[:SHOWN]:
            lines.append(f"  {label:<8} {format_row(row)}")
        if len(rows) > SHOWN:
            lines.append(f"  {'':<8} … and {len(rows) - SHOWN} more {label}")
    return lines


def format_report(project: Project, outcomes: list[Outcome], rewritten: list[Outcome] | None = None) -> str:
    """The report of ``policykg expect``: a line per query, what differs, and a summary. ``rewritten`` is
    given after ``--update``."""
    lines = []
    done = {id(o) for o in rewritten or []}
    for outcome in outcomes:
        name = outcome.expectation.name
        if outcome.ok:
            lines.append(f"ok        {name}")
            continue
        status = "rewrote" if id(outcome) in done else "FAILS" if outcome.error else "DIFFERS"
        head, *rest = describe(outcome)
        where = project.relative(outcome.expectation.result)
        lines.append(f"{status:<9} {name} ({where}): {head}")
        lines.extend(f"          {line}" for line in rest)
    failing = [o for o in outcomes if not o.ok]
    broken = [o for o in failing if o.error]
    total = len(outcomes)
    if rewritten is not None:
        if rewritten:
            lines.append(
                f"rewrote {len(rewritten)} of {total} expected answers; review the change before committing it:"
                " git diff -- queries/"
            )
        else:
            lines.append(f"all {total} expected answers hold; nothing rewritten")
    elif failing:
        lines.append(
            f"{total - len(failing)} of {total} queries give their expected answer, {len(failing)} "
            + ("does not;" if len(failing) == 1 else "do not;")
            + " where the data changed on purpose: policykg expect --update, then git diff -- queries/"
        )
    else:
        lines.append(f"all {total} queries give their expected answer")
    if broken:
        lines.append(f"{len(broken)} queries cannot run; fix them first")
    return "\n".join(lines)


def expect(loaded: LoadedGraph, names: list[str] | None = None, *, update: bool = False) -> tuple[str, int]:
    """``policykg expect``: compare (and with ``update`` rewrite) the expected answers; the report and the
    exit code, 1 when an answer differs and was not rewritten or a query cannot run."""
    outcomes = check_expectations(loaded, names)
    rewritten = update_expectations(outcomes) if update else None
    done = {id(o) for o in rewritten or []}
    left = [o for o in outcomes if not o.ok and id(o) not in done]
    return format_report(loaded.project, outcomes, rewritten), EXIT_INVALID if left else EXIT_OK
