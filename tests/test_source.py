"""The source text is kept byte for byte, and nothing reads it from outside the project."""

from __future__ import annotations

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_fiche_is_byte_for_byte_the_original() -> None:
    data = (ROOT / "sources" / "kernboodschap-digitalisering.txt").read_bytes()
    assert (
        hashlib.sha256(data).hexdigest() == "77c1d6737fcf37d32a0af9778dffddf4e379f759db41167acc407646757ca5b5"
    )


def test_nothing_reads_the_shared_folder_at_run_time() -> None:
    for path in (ROOT / "src").rglob("*.py"):
        assert "../shared" not in path.read_text(encoding="utf-8"), path
