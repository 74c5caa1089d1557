"""Where a policykg project keeps its sources and build products.

People edit ``ontology/``, ``graphs/``, ``queries/`` and ``sources/``; everything generated goes to ``dist/``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import EXIT_USAGE, PolicyKGError


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

    def ontology_files(self) -> list[Path]:
        """The ontology's Turtle files, shapes excluded, in a stable order."""
        return sorted(p for p in self.ontology_dir.glob("*.ttl") if p.name != "shapes.ttl")

    def graph_files(self) -> list[Path]:
        """Every Turtle file of instance data below ``graphs/``, in a stable order."""
        return sorted(self.graphs_dir.rglob("*.ttl"))

    def turtle_files(self) -> list[Path]:
        """Every Turtle file people edit: ontology, shapes and graphs."""
        return sorted(self.ontology_dir.glob("*.ttl")) + self.graph_files()

    def relative(self, path: Path) -> str:
        """A path as shown in messages: relative to the project where it lies inside it."""
        try:
            return str(path.resolve().relative_to(self.root.resolve()))
        except ValueError:
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
