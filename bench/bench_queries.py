"""Benchmark the research side: the whole query library on the embedded store, and policykg analyze.

Targets on a 2-core machine: the whole library (every query in queries/, checks included, with default
parameters) under 1 s in all, and ``policykg analyze`` under 2 s from a cold start. The library is timed in
one process on a loaded store (what a researcher's session pays per pass), the command as a fresh process.
Run ``make bench``; the figures are printed and written to ``bench/results/queries.md``.
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
sys.path.insert(0, str(ROOT / "src"))

from policykg.library import list_queries  # noqa: E402
from policykg.load import load_project  # noqa: E402
from policykg.project import Project  # noqa: E402
from policykg.query import EmbeddedEngine, prepare  # noqa: E402


def time_library(project: Project, runs: int) -> tuple[list[float], int, list[tuple[float, str]]]:
    engine = EmbeddedEngine(load_project(project).store)
    queries = [(q.name, prepare(q)[0]) for q in list_queries(project.queries_dir)]
    totals, per_query = [], {name: [] for name, _ in queries}
    for _ in range(runs):
        started = time.perf_counter()
        for name, sparql in queries:
            t = time.perf_counter()
            engine.answer(sparql)
            per_query[name].append(time.perf_counter() - t)
        totals.append(time.perf_counter() - started)
    slowest = sorted(((statistics.median(v), k) for k, v in per_query.items()), reverse=True)[:3]
    return totals, len(queries), slowest


def time_command(command: list[str], root: Path, runs: int) -> tuple[list[float], int]:
    times, peak = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "policykg.cli", "--root", str(root), *command],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        times.append(time.perf_counter() - started)
        peak = max(peak, usage.ru_maxrss)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"policykg {' '.join(command)} failed: {process.stderr.read().decode()}")
    return times, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement (default 5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name in ("ontology", "graphs", "queries", "sources"):
            shutil.copytree(ROOT / name, root / name)
        totals, count, slowest = time_library(Project(root), args.runs)
        analyze, peak = time_command(["analyze"], root, args.runs)
    library = statistics.median(totals)
    command = statistics.median(analyze)
    lines = [
        f"Query library and analyze benchmark: {args.runs} runs each, {os.cpu_count()} cores, "
        f"{platform.machine()}, Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}",
        "",
        "| measurement | median s | min s | max s | target |",
        "| --- | ---: | ---: | ---: | --- |",
        f"| whole library ({count} queries, embedded store) | {library:.3f} | {min(totals):.3f} | {max(totals):.3f} | "
        f"< 1 s {'met' if library < 1 else 'MISSED'} |",
        f"| policykg analyze (cold, peak {peak / 1024:.0f} MiB) | {command:.2f} | {min(analyze):.2f} | {max(analyze):.2f} | "
        f"< 2 s {'met' if command < 2 else 'MISSED'} |",
        "",
        "Slowest queries (median s): " + ", ".join(f"{name} {seconds:.4f}" for seconds, name in slowest),
    ]
    report = "\n".join(lines) + "\n"
    print(report, end="")
    out = ROOT / "bench" / "results" / "queries.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
