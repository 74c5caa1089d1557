"""The query library: SPARQL 1.1 files with a header that people and tools both read.

A query file starts with comment lines ``# key: value`` (title, description, question-nl, question-en,
category, and ``param`` lines ``# param: name = default — what it is``), then the query
(https://www.w3.org/TR/sparql11-query/). Every query is run with the PREFIX lines of
:data:`policykg.namespaces.PREFIXES` in front of it, so a file need not repeat them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import PolicyKGError, Problem
from .namespaces import sparql_prologue

_HEADER_RE = re.compile(r"^#\s*([\w-]+)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class QueryFile:
    """One query of the library with its header."""

    name: str
    path: Path
    text: str
    header: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.header.get("title", self.name)

    @property
    def description(self) -> str:
        return self.header.get("description", "")

    @property
    def category(self) -> str:
        return self.header.get("category", self.name.split("/")[0] if "/" in self.name else "")

    def sparql(self) -> str:
        """The query with the standard prefixes in front of it."""
        return sparql_prologue() + self.text


def parse_header(text: str) -> tuple[dict[str, str], dict[str, str]]:
    """Read the ``# key: value`` lines at the top of a query.

    >>> header, params = parse_header("# title: Budget\\n# param: year = 2026 — the year\\nSELECT * {}")
    >>> header["title"], params
    ('Budget', {'year': '2026'})
    """
    header: dict[str, str] = {}
    params: dict[str, str] = {}
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
            default = re.split(r"\s+[—-]+\s+", rest.strip(), maxsplit=1)[0]
            params[name.strip()] = default.strip()
        elif key in header:
            header[key] += " " + value
        else:
            header[key] = value
    return header, params


def read_query(path: Path, name: str | None = None) -> QueryFile:
    """Read one query file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyKGError(f"cannot read query {path}: {error.strerror}") from None
    header, params = parse_header(text)
    return QueryFile(name or path.stem, path, text, header, params)


def list_queries(folder: Path) -> list[QueryFile]:
    """Every ``.rq`` file below ``folder``, named by its path without the extension."""
    if not folder.is_dir():
        return []
    return [
        read_query(p, p.relative_to(folder).with_suffix("").as_posix()) for p in sorted(folder.rglob("*.rq"))
    ]


def syntax_problem(where: str, error: SyntaxError, prologue_lines: int = 0) -> Problem:
    """A SPARQL syntax error as a Problem, its line counted in the file rather than in the prologue."""
    line = error.lineno - prologue_lines if error.lineno else None
    message = re.sub(r"^Parser error (at|between) .*?: ", "", str(error.msg))
    return Problem(where, message, line=line, column=error.offset)
