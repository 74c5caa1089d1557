"""Benchmark the fiche's build and validation, each a fresh process (cold start), as a person runs them.

Targets: ``policykg build`` under 3 s wall and ``policykg validate`` under 1 s wall on a 2-core machine.
Run ``make bench`` (or ``python bench/bench_build.py [--runs N]``); the figures are printed as a
Markdown table and written to ``bench/results/build.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {
    "build": 3.0,
    "build --no-views": 3.0,
    "validate": 1.0,
    "fmt --check": None,
    "coverage": None,
    "stats": None,
}


def run(command: list[str], root: Path) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KiB) of one run of the command."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "policykg.cli", "--root", str(root), *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"policykg {' '.join(command)} failed: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command (default 5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name in ("ontology", "graphs", "queries", "sources"):
            shutil.copytree(ROOT / name, root / name)
        rows = []
        for command, target in TARGETS.items():
            times, peaks = [], []
            for _ in range(args.runs):
                seconds, peak = run(command.split(), root)
                times.append(seconds)
                peaks.append(peak)
            median = statistics.median(times)
            verdict = "" if target is None else ("met" if median < target else "MISSED")
            rows.append(
                f"| policykg {command} | {median:.2f} | {min(times):.2f} | {max(times):.2f} | "
                f"{max(peaks) / 1024:.0f} | {'' if target is None else f'< {target:.0f} s'} {verdict} |"
            )
    cpu = platform.processor() or platform.machine()
    lines = [
        f"Fiche build benchmark: {args.runs} cold runs each, {os.cpu_count()} cores, {cpu}, "
        f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}",
        "",
        "| command | median s | min s | max s | peak MiB | target |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
        *rows,
    ]
    report = "\n".join(lines) + "\n"
    print(report, end="")
    out = ROOT / "bench" / "results" / "build.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
