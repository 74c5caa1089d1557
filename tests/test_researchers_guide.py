"""docs/researchers.md answers twelve questions in Python; each answer is run here, so the guide shows
what the graph gives, not what it once gave."""

from __future__ import annotations

import doctest

import pytest
from conftest import REPO

pytestmark = pytest.mark.dataset


def test_the_twelve_questions_are_answered_as_the_guide_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("POLICYKG_ROOT", raising=False)
    guide = REPO / "docs" / "researchers.md"
    parser = doctest.DocTestParser()
    test = parser.get_doctest(guide.read_text(encoding="utf-8"), {}, "researchers.md", str(guide), 0)
    assert len(test.examples) >= 30  # the guide's examples were found
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)
