"""Write a compiled document into its folder, and tell which generated files are out of date."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import PolicyKGError, Problem
from ..project import Project, read_file
from .compile import Compiled, compile_document, curated_slugs, curator_file, inputs_digest, is_generated


def quick_stale(project: Project, slug: str) -> list[tuple[Path, str]]:
    """The generated files of ``slug`` that are out of date, each with why, found from the digests their
    headers record (nothing is compiled: this runs before every validate and build)."""
    folder = project.graphs_dir / slug
    current = inputs_digest(project, slug)
    stale: list[tuple[Path, str]] = []
    listed: set[str] = set()
    for path in sorted(folder.glob("*.ttl")):
        if not is_generated(path):
            continue
        text = read_file(path).decode("utf-8", "replace")
        head, _, body = text.partition("\n\n")
        fields = dict(
            part.strip().split(":", 1)
            for part in head.splitlines()[-1].lstrip("# ").split(";")
            if ":" in part
        )
        inputs, content = fields.get("inputs sha256", ""), fields.get("content sha256", "")
        listed.update(fields.get("files", "").split())
        if inputs.strip() != current:
            stale.append(
                (path, "its curator's file, source or the graphs it reads changed since it was compiled")
            )
        elif content.strip() != hashlib.sha256(body.encode()).hexdigest():
            stale.append((path, "it was edited by hand; edit the curator's file instead"))
    names = {p.name for p in folder.glob("*.ttl") if is_generated(p)}
    stale += [(folder / name, "it is missing") for name in sorted(listed - names)]
    if not names:
        stale.append((curator_file(project, slug), "it was never compiled"))
    return stale


def _planned(project: Project, compiled: Compiled) -> tuple[Path, list[Problem]]:
    folder = project.graphs_dir / compiled.slug
    problems = [
        Problem(
            project.relative(folder / name),
            f"is written by hand, and {compiled.slug}.yaml would replace it: move what it says into the "
            "curator's file (policykg convert writes one from Turtle), then remove it",
        )
        for name in compiled.files
        if (folder / name).exists() and not is_generated(folder / name)
    ]
    return folder, problems


def stale_files(project: Project, compiled: Compiled) -> list[Path]:
    """The generated files of a document that differ from what its curator's file compiles to."""
    folder, _ = _planned(project, compiled)
    stale = [
        folder / name
        for name, text in compiled.files.items()
        if not (folder / name).is_file() or read_file(folder / name) != text.encode("utf-8")
    ]
    stale += [p for p in sorted(folder.glob("*.ttl")) if p.name not in compiled.files and is_generated(p)]
    return stale


def write_compiled(project: Project, compiled: Compiled) -> list[Path]:
    """Write a compiled document's Turtle files (only those that changed) and remove generated files it no
    longer makes; returns what changed. A file written by hand is never overwritten."""
    if compiled.problems:
        raise PolicyKGError(f"{compiled.slug}.yaml does not compile; nothing was written", compiled.problems)
    folder, problems = _planned(project, compiled)
    if problems:
        raise PolicyKGError("a hand-written file is in the way; nothing was written", problems)
    changed = stale_files(project, compiled)
    for path in changed:
        if path.name in compiled.files:
            temporary = path.with_name(f".{path.name}.tmp")
            temporary.write_bytes(compiled.files[path.name].encode("utf-8"))
            temporary.replace(path)
        else:
            path.unlink()
    return changed


def compile_all(project: Project, slugs: list[str] | None = None) -> list[Compiled]:
    """Compile every curated document (or those named); raises with every problem of every file."""
    results = [compile_document(project, slug) for slug in (slugs or curated_slugs(project))]
    problems = [p for c in results for p in c.problems]
    if problems:
        files = len({p.where for p in problems})
        raise PolicyKGError(f"{files} curator's file(s) do not compile: {len(problems)} problem(s)", problems)
    return results
