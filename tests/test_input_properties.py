"""Property-based: whatever a project's files hold — a mutated Turtle file, random bytes, random IRIs and
literals — ``policykg build`` succeeds or exits 1 with a message, within a time limit, leaving ``dist/``
as it was when it fails; and no page it writes links a script or carries a raw control character.

The examples are derived from a fixed seed (``derandomize``), so a failure in CI is the same failure here.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, copy_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TARGET = "graphs/shared/themes.ttl"
SUBJECT = "<https://w3id.org/policykg/id/theme/ai>"
LIMIT = 120
"""Seconds one build may take before it counts as a hang."""

SCHEMES = [
    "https://example.org/",
    "http://example.org/",
    "javascript:",
    "JaVaScRiPt:",
    "data:text/html,",
    "file:///etc/",
    "mailto:a@",
    "urn:x:",
    "",
    "vbscript:",
    "//example.org/",
    "#",
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("properties")
    copy_project(root)
    build = run_build(root)
    assert build.returncode == 0, build.stderr
    return root


def run_build(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "policykg.cli", "--root", str(root), "build", "--no-views"],
        capture_output=True,
        text=True,
        timeout=LIMIT,
    )


def tree(folder: Path) -> str:
    """A digest of every file below ``folder``, by path and bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


LINK = re.compile(r'(?:href|src)="([^"]*)"')


def check(root: Path, original: bytes) -> None:
    before = tree(root / "dist")
    try:
        result = run_build(root)
    finally:
        (root / TARGET).write_bytes(original)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr[-2000:]
    assert result.returncode in (0, 1), (result.returncode, result.stderr[-2000:])
    if result.returncode == 1:
        assert result.stderr.strip(), "a failure must say why"
        assert tree(root / "dist") == before, "a failed build changed dist/"
        return
    for page in (root / "dist" / "site").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "\x00" not in text, page
        for target in LINK.findall(text):
            scheme = target.split(":", 1)[0].lower() if re.match(r"^[A-Za-z][\w+.-]*:", target) else ""
            assert scheme in ("", "http", "https", "mailto"), (page, target)


def mutate(text: str, edits: list[tuple[int, int, str]]) -> str:
    for position, length, insert in edits:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at + length :]
    return text


PIECES = st.sampled_from(
    [
        '"',
        "'",
        "<",
        ">",
        "\\",
        "\\u0000",
        "@",
        ";",
        ".",
        ",",
        "[",
        "]",
        "(",
        ")",
        "#",
        "\r",
        "\n",
        "\ufeff",
        "\x00",
        "é",
        "_:b",
        "a",
        "<>",
        '"""',
        "^^",
    ]
)
EDITS = st.lists(
    st.tuples(
        st.integers(0, 10_000),
        st.integers(0, 40),
        st.lists(PIECES | st.text(max_size=6), max_size=4).map("".join),
    ),
    min_size=1,
    max_size=4,
)
COMMON = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@COMMON
@given(edits=EDITS)
def test_mutated_turtle(project: Path, edits: list[tuple[int, int, str]]) -> None:
    original = (project / TARGET).read_bytes()
    (project / TARGET).write_text(
        mutate(original.decode("utf-8"), edits), encoding="utf-8", errors="surrogatepass"
    )
    check(project, original)


@COMMON
@given(data=st.binary(max_size=400))
def test_random_bytes(project: Path, data: bytes) -> None:
    original = (project / TARGET).read_bytes()
    (project / TARGET).write_bytes(data)
    check(project, original)


LITERAL = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)


def turtle_string(value: str) -> str:
    return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}" for c in value) + '"'


@COMMON
@given(
    scheme=st.sampled_from(SCHEMES),
    rest=st.text(
        st.characters(codec="ascii", categories=["L", "N"]) | st.sampled_from("/?=&%.-_~:"), max_size=20
    ),
    label=LITERAL,
)
def test_random_iris_and_literals(project: Path, scheme: str, rest: str, label: str) -> None:
    original = (project / TARGET).read_bytes()
    addition = (
        f"\n{SUBJECT} <http://www.w3.org/2000/01/rdf-schema#seeAlso> <{scheme}{rest}> ;\n"
        f"    <http://www.w3.org/2004/02/skos/core#note> {turtle_string(label)}@en .\n"
    )
    (project / TARGET).write_bytes(original + addition.encode("utf-8"))
    check(project, original)


def test_the_target_file_is_where_the_properties_expect_it() -> None:
    text = (ROOT / TARGET).read_text(encoding="utf-8")
    assert "PREFIX theme: <https://w3id.org/policykg/id/theme/>" in text and "\ntheme:ai\n" in text
