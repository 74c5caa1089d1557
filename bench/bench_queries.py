"""Benchmark the research side: the whole query library on the embedded store, and policykg analyze.

Targets on a 2-core machine: the whole library (every query in queries/, checks included, with default
parameters) under 1 s in all, and ``policykg analyze`` under 2 s from a cold start. The library is timed in
one process on a loaded store (what a researcher's session pays per pass), the command as a fresh process.
Run ``make bench``; the figures are printed and written to ``bench/results/queries.md``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from common import copy_project, machine, report, run_cold

from policykg.library import list_queries
from policykg.load import load_project
from policykg.project import Project
from policykg.query import EmbeddedEngine, prepare


def time_library(project: Project, runs: int) -> tuple[list[float], int, list[tuple[float, str]]]:
    engine = EmbeddedEngine(load_project(project, entailed=True).store)  # as policykg query reads it
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement (default 5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = copy_project(Path(folder))
        totals, count, slowest = time_library(Project(root), args.runs)
        cold = [run_cold(root, "analyze") for _ in range(args.runs)]
        analyze, peak = [t for t, _ in cold], max(p for _, p in cold)
    library = statistics.median(totals)
    command = statistics.median(analyze)
    lines = [
        f"Query library and analyze benchmark: {args.runs} runs each, {machine()}",
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
    report("queries", lines)


if __name__ == "__main__":
    main()
