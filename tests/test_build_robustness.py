"""Builds are atomic and clean up after themselves: a killed build leaves dist/ whole (old or new) and its
workers dead, the next build removes the debris and restores dist/ if only the old copy survived, two
builds at once never crash, and every module build can reach is installed with the project."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import copy_project, run_cli

from policykg.output import clean_debris, exchange, staged_directory


def start_build(root: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "policykg.cli", "--root", str(root), "build"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def processes_of(root: Path) -> list[int]:
    """The processes whose command line names this project (a build and the workers it forked)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if str(root) in command and int(entry.name) != os.getpid():
                found.append(int(entry.name))
    return found


def whole(dist: Path) -> bool:
    return (dist / "summary.json").is_file() and (dist / "policykg.nt").is_file()


@pytest.fixture(scope="module")
def built_twice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("killed")
    copy_project(root)
    assert run_cli("build", root=root).returncode == 0
    return root


@pytest.mark.parametrize("after", [0.3, 0.8, 1.3, 1.8, 2.4])
def test_a_killed_build_leaves_dist_whole_and_no_worker(built_twice: Path, after: float) -> None:
    root = built_twice
    build = start_build(root)
    time.sleep(after)
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 5
    while processes_of(root) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_of(root) == [], "a worker outlived its killed build"
    assert whole(root / "dist"), "dist/ is not a whole build after a kill"
    result = run_cli("build", "--no-views", root=root)
    assert result.returncode == 0, result.stderr
    debris = [p.name for p in root.iterdir() if p.name.startswith(".dist.") and p.name != ".dist.lock"]
    assert debris == [] and whole(root / "dist")


def test_debris_is_removed_and_a_lost_dist_restored(tmp_path: Path) -> None:
    target = tmp_path / "dist"
    (tmp_path / ".dist.old-aaaa").mkdir()
    (tmp_path / ".dist.old-aaaa" / "summary.json").write_text("old")
    (tmp_path / ".dist.new-bbbb").mkdir()
    clean_debris(target)
    assert (target / "summary.json").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_the_swap_is_one_atomic_exchange(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a")
    (b / "x").write_text("b")
    if not exchange(a, b):
        pytest.skip("this system has no renameat2 RENAME_EXCHANGE; the two-rename path is used and repaired")
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"


def test_two_runs_at_once_the_second_is_refused_clearly(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with staged_directory(target):
        second = subprocess.run(
            [
                sys.executable,
                "-c",
                "from pathlib import Path; from policykg.output import staged_directory\n"
                "from policykg.errors import PolicyKGError\n"
                "try:\n"
                f"    with staged_directory(Path({str(target)!r})): pass\n"
                "except PolicyKGError as e:\n"
                "    print(e); raise SystemExit(2)\n",
            ],
            capture_output=True,
            text=True,
        )
    assert second.returncode == 2 and f"(process {os.getpid()})" in second.stdout, second


def test_two_builds_at_once_never_crash(tmp_path: Path) -> None:
    copy_project(tmp_path)
    first, second = start_build(tmp_path), start_build(tmp_path)
    outcomes = sorted([first.wait(timeout=120), second.wait(timeout=120)])
    errors = first.stderr.read() + second.stderr.read()
    assert outcomes in ([0, 0], [0, 2]), errors
    assert "Traceback" not in errors and "internal error" not in errors
    if outcomes == [0, 2]:
        assert "another policykg run is writing dist/" in errors
    assert whole(tmp_path / "dist")


def test_a_large_view_lays_out_with_what_is_installed() -> None:
    """networkx lays out 500 nodes and more with scipy: the project installs it."""
    import networkx as nx

    graph = nx.path_graph(600)
    positions = nx.spring_layout(graph, seed=1, iterations=5)
    assert len(positions) == 600
