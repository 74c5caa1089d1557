"""One canonical Turtle form for every file people edit, so diffs stay small and reviewable.

The form is rdflib's "long Turtle" (https://www.w3.org/TR/turtle/ written one value per line, subjects,
predicates and objects sorted, only the prefixes in use declared), preceded by the file's own leading
comment block. Comments anywhere else do not survive: explain a choice in an ``rdfs:comment`` instead.
Lines end with a line feed alone, and a file starts without a byte order mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import rdflib

from .errors import PolicyKGError, Problem, os_message
from .load import turtle_problems
from .project import BOM, Project, read_file


@dataclass
class FormatResult:
    """What ``fmt`` did or would do: the files that are (or were) not canonical."""

    checked: list[Path]
    changed: list[Path]


def leading_comments(text: str) -> str:
    """The comment block at the top of a file, with the blank line that ends it.

    >>> leading_comments("# A\\n# B\\n\\n@prefix e: <http://e/> .\\n")
    '# A\\n# B\\n\\n'
    >>> leading_comments("@prefix e: <http://e/> .\\n")
    ''
    """
    lines = []
    for line in text.splitlines():
        if line.startswith("#"):
            lines.append(line)
        else:
            break
    return "\n".join(lines) + "\n\n" if lines else ""


def format_turtle(text: str, source: str = "<string>") -> str:
    """The canonical form of a Turtle document.

    >>> print(format_turtle("@prefix e: <http://e/> . e:b e:p 2, 1 . e:a e:p e:b ."), end="")
    PREFIX e: <http://e/>
    <BLANKLINE>
    e:a
        e:p e:b ;
    .
    <BLANKLINE>
    e:b
        e:p
            1 ,
            2 ;
    .
    """
    graph = rdflib.Graph(bind_namespaces="none")
    try:
        graph.parse(data=text, format="turtle", publicID=source)
        body = graph.serialize(format="longturtle")
    except RecursionError:
        raise PolicyKGError(
            f"cannot format {source}",
            [Problem(source, "blank nodes or lists are nested too deeply for the formatter")],
        ) from None
    except Exception as error:  # rdflib raises several kinds for bad Turtle
        raise PolicyKGError(f"cannot format {source}", [Problem(source, str(error).strip())]) from None
    return leading_comments(text) + body.rstrip("\n") + "\n"


def format_files(project: Project, *, check: bool = False) -> FormatResult:
    """Rewrite every Turtle file of the project in canonical form, or with ``check`` only report them.

    A file is compared byte for byte: one with carriage returns or a byte order mark is not canonical.
    Every entry of ontology/ and graphs/ is checked before any file is read, as for a build. A file is
    rewritten through a temporary file beside it, so an interrupted run leaves it whole.
    """
    files = project.turtle_files(project.check_inputs(sources=False))
    raw, problems = {}, []
    for path in files:
        where = project.relative(path)
        try:
            raw[path] = read_file(path)
            data = raw[path].removeprefix(BOM)
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            problems.append(Problem(where, f"not UTF-8 text (byte {error.start} is not valid UTF-8)"))
            continue
        except OSError as error:
            problems.append(Problem(where, f"cannot read: {os_message(error)}"))
            continue
        problems.extend(turtle_problems(project, path, data))
    if problems:
        files_at_fault = len({p.where for p in problems})
        raise PolicyKGError(f"{files_at_fault} file(s) are not valid Turtle; nothing was formatted", problems)
    changed = []
    for path in files:
        canonical = format_turtle(raw[path].removeprefix(BOM).decode("utf-8"), project.relative(path))
        if canonical.encode("utf-8") != raw[path]:
            changed.append(path)
            if not check:
                temporary = path.with_name(f".{path.name}.tmp")
                temporary.write_bytes(canonical.encode("utf-8"))
                temporary.replace(path)
    return FormatResult(files, changed)
