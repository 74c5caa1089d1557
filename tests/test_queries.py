"""The query library itself: every query is in the manifest and says what it asks.

Whether each query gives its expected answer on the repository's data is a test of the data:
``tests/test_dataset.py``.
"""

from __future__ import annotations

import pytest
from conftest import REPO

from policykg.expect import read_manifest
from policykg.library import read_query
from policykg.project import Project

LIBRARY = Project(REPO)
ENTRIES = read_manifest(LIBRARY)


def test_every_query_is_in_the_manifest() -> None:
    queries = LIBRARY.queries_dir
    listed = {e.query.relative_to(queries).as_posix() for e in ENTRIES}
    on_disk = {p.relative_to(queries).as_posix() for p in queries.rglob("*.rq") if "checks" not in p.parts}
    assert listed == on_disk
    assert all(e.result == e.query.with_suffix(".srj") for e in ENTRIES)
    assert [e.name for e in ENTRIES] == [
        e.query.relative_to(queries).with_suffix("").as_posix() for e in ENTRIES
    ]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_query_says_what_it_asks(entry) -> None:
    query = read_query(entry.query, entry.name)
    assert query.header.get("title") and query.header.get("question-en") and query.header.get("question-nl")
