"""Nothing reads from outside the project at run time. (That the fiche is kept byte for byte is a test of
the data: tests/test_dataset.py.)"""

from __future__ import annotations

from conftest import REPO


def test_nothing_reads_the_shared_folder_at_run_time() -> None:
    for path in (REPO / "src").rglob("*.py"):
        assert "../shared" not in path.read_text(encoding="utf-8"), path
