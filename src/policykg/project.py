"""Where a policykg project keeps its sources and build products.

People edit ``ontology/``, ``graphs/``, ``queries/`` and ``sources/``; everything generated goes to ``dist/``.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .errors import EXIT_USAGE, PolicyKGError, Problem, os_message

BOM = b"\xef\xbb\xbf"
"""The UTF-8 byte order mark, which some editors put at the start of a file."""


@dataclass
class Inputs:
    """What is under the edited folders: the regular files that can be read, and every entry that cannot
    (see :meth:`Project.inputs`)."""

    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _kind(mode: int) -> str:
    """What a file that is not a regular file or a folder is, for messages."""
    for test, kind in (
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return kind
    return "not a regular file"


def read_file(path: Path) -> bytes:
    """The bytes of the regular file at ``path``. Never waits: opened without blocking (a FIFO put in its
    place since it was listed would otherwise wait for a writer), and refused unless it is a regular file.

    Raises OSError, with a message, when it cannot be read.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(descriptor, "rb") as file:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, f"{_kind(mode)}, not a regular file")
        return file.read()


@dataclass(frozen=True)
class Project:
    """The folders of one project, all below ``root``."""

    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def graphs_dir(self) -> Path:
        return self.root / "graphs"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def checks_dir(self) -> Path:
        return self.root / "queries" / "checks"

    @property
    def sources_dir(self) -> Path:
        return self.root / "sources"

    @property
    def dist_dir(self) -> Path:
        return self.root / "dist"

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / "shapes.ttl"

    def inputs(self, *, sources: bool = True) -> Inputs:
        """Every regular file below ``ontology/``, ``graphs/`` and (with ``sources``) ``sources/``, in a
        stable order, and a problem for each entry that cannot be used: a folder or file that cannot be
        read, a FIFO, socket or device, a symbolic link to nothing or to a folder (never followed), a
        folder named like a Turtle file. Only names and modes are looked at (``lstat``): nothing is
        opened, so nothing can block.
        """
        found = Inputs()
        for folder in (self.ontology_dir, self.graphs_dir, *([self.sources_dir] if sources else [])):
            if folder.exists() or folder.is_symlink():
                self._walk(folder, found)
        found.files.sort()
        found.problems.sort()
        return found

    def _walk(self, folder: Path, found: Inputs) -> None:
        try:
            with os.scandir(folder) as entries:
                names = sorted(entry.name for entry in entries)
        except OSError as error:
            found.problems.append(
                Problem(self.relative(folder) + "/", f"cannot read this folder: {os_message(error)}")
            )
            return
        for name in names:
            path = folder / name
            where = self.relative(path)
            try:
                mode = os.lstat(path).st_mode
                if stat.S_ISLNK(mode):
                    try:
                        mode = os.stat(path).st_mode
                    except OSError as error:
                        kind = "to nothing" if error.errno == errno.ENOENT else "that cannot be followed"
                        found.problems.append(
                            Problem(where, f"is a symbolic link {kind} ({os_message(error)})")
                        )
                        continue
                    if stat.S_ISDIR(mode):
                        found.problems.append(
                            Problem(
                                where,
                                "is a symbolic link to a folder, which is not followed: put the folder here",
                            )
                        )
                        continue
            except OSError as error:
                found.problems.append(Problem(where, f"cannot be read: {os_message(error)}"))
                continue
            if stat.S_ISDIR(mode):
                if name.endswith(".ttl"):
                    found.problems.append(Problem(where, "is a folder, not a Turtle file"))
                self._walk(path, found)
            elif not stat.S_ISREG(mode):
                found.problems.append(Problem(where, f"is {_kind(mode)}, not a regular file"))
            elif not os.access(path, os.R_OK):
                found.problems.append(Problem(where, "cannot be read: permission denied"))
            else:
                found.files.append(path)

    def check_inputs(self, *, sources: bool = True) -> Inputs:
        """:meth:`inputs`, raising with every problem found before anything is read."""
        found = self.inputs(sources=sources)
        if found.problems:
            folders = "ontology/, graphs/ or sources/" if sources else "ontology/ or graphs/"
            raise PolicyKGError(
                f"{len(found.problems)} file(s) or folder(s) under {folders} cannot be used; nothing was read",
                found.problems,
            )
        return found

    def ontology_files(self, inputs: Inputs | None = None) -> list[Path]:
        """The ontology's Turtle files, shapes excluded, in a stable order."""
        inputs = inputs or self.inputs(sources=False)
        return [p for p in self._ontology(inputs) if p.name != "shapes.ttl"]

    def graph_files(self, inputs: Inputs | None = None) -> list[Path]:
        """Every Turtle file of instance data below ``graphs/``, in a stable order."""
        inputs = inputs or self.inputs(sources=False)
        return [p for p in inputs.files if p.name.endswith(".ttl") and self.graphs_dir in p.parents]

    def turtle_files(self, inputs: Inputs | None = None) -> list[Path]:
        """Every Turtle file people edit: ontology, shapes and graphs. Those that cannot be used are left
        out: :meth:`inputs` reports them."""
        inputs = inputs or self.inputs(sources=False)
        return self._ontology(inputs) + self.graph_files(inputs)

    def _ontology(self, inputs: Inputs) -> list[Path]:
        return [p for p in inputs.files if p.name.endswith(".ttl") and p.parent == self.ontology_dir]

    def relative(self, path: Path) -> str:
        """A path as shown in messages: relative to the project where it lies inside it (a symbolic link
        is named, not what it points at)."""
        for candidate, root in ((path, self.root), (path.resolve(), self.root.resolve())):
            try:
                return str(candidate.relative_to(root))
            except ValueError:
                continue
        return str(path)


def find_project(start: str | os.PathLike[str] | None = None) -> Project:
    """The project at ``start`` (or ``$POLICYKG_ROOT``, or the working folder), searching upwards.

    A project is a folder with ``ontology/`` and ``graphs/`` in it.
    """
    explicit = start if start is not None else os.environ.get("POLICYKG_ROOT")
    here = Path(explicit or Path.cwd()).resolve()
    candidates = [here] if explicit else [here, *here.parents]
    for folder in candidates:
        if (folder / "ontology").is_dir() and (folder / "graphs").is_dir():
            return Project(folder)
    raise PolicyKGError(
        f"no policykg project at {here}: expected the folders ontology/ and graphs/ there"
        + ("" if explicit else " or above")
        + " (pass --root PATH)",
        exit_code=EXIT_USAGE,
    )
