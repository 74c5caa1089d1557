"""Problems a person can act on, and the exceptions that carry them to the command line."""

from __future__ import annotations

from dataclasses import dataclass, field

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows.

    >>> print(Problem("graphs/a.ttl", "bad token", line=3, column=7))
    graphs/a.ttl:3:7: bad token
    >>> print(Problem("shapes", "needs an @en label", focus="https://w3id.org/x", label="X",
    ...               path="rdfs:label"))
    shapes: <https://w3id.org/x> "X" rdfs:label: needs an @en label
    """

    where: str
    message: str
    line: int | None = None
    column: int | None = None
    focus: str | None = None
    label: str | None = None
    path: str | None = None

    def __str__(self) -> str:
        place = self.where
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        parts = [place + ":"]
        if self.focus:
            parts.append(f"<{self.focus}>")
        if self.label:
            parts.append(f'"{self.label}"')
        if self.path:
            parts.append(self.path + ":")
        parts.append(self.message)
        return " ".join(parts)


@dataclass
class PolicyKGError(Exception):
    """An error with a message for people and the exit code the command line should end with."""

    message: str
    problems: list[Problem] = field(default_factory=list)
    exit_code: int = EXIT_INVALID

    def __str__(self) -> str:
        lines = [self.message] + [f"  {p}" for p in self.problems]
        return "\n".join(lines)


def os_message(error: OSError) -> str:
    """What went wrong with a file, for messages: the system's words, never ``None``.

    >>> os_message(PermissionError(13, "Permission denied")), os_message(OSError("no such thing"))
    ('permission denied', 'no such thing')
    """
    text = error.strerror or str(error) or type(error).__name__
    return text[:1].lower() + text[1:]
