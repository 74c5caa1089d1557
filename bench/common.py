"""What the benchmark scripts share: a scratch copy of the project, cold runs of the command, and the
report they print and keep in bench/results/."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))


def copy_project(folder: Path) -> Path:
    """The project's edited folders copied into ``folder``, so a benchmark never touches the checkout."""
    for name in ("ontology", "graphs", "queries", "sources"):
        shutil.copytree(ROOT / name, folder / name)
    return folder


def run_cold(root: Path, *args: str) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KiB) of one ``policykg`` run as a fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "policykg.cli", "--root", str(root), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"policykg {' '.join(args)} failed: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss


def machine(dated: bool = True) -> str:
    """One line on what the figures were measured on, with today's date unless ``dated`` is false (for a
    report whose cells carry their own dates)."""
    line = f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    return f"{line}, {time.strftime('%Y-%m-%d')}" if dated else line


def report(name: str, lines: list[str]) -> None:
    """Print the report and keep it as ``bench/results/{name}.md``."""
    text = "\n".join(lines) + "\n"
    print(text, end="")
    out = ROOT / "bench" / "results" / f"{name}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
