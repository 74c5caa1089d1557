"""Benchmark the fiche's build and validation, each a fresh process (cold start), as a person runs them.

Targets: ``policykg build`` under 3 s wall and ``policykg validate`` under 1 s wall on a 2-core machine.
Run ``make bench`` (or ``python bench/bench_build.py [--runs N]``); the figures are printed as a
Markdown table and written to ``bench/results/build.md``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from common import copy_project, machine, report, run_cold

TARGETS = {
    "build": 3.0,
    "build --no-views": 3.0,
    "validate": 1.0,
    "fmt --check": None,
    "coverage": None,
    "stats": None,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command (default 5)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        root = copy_project(Path(folder))
        for command, target in TARGETS.items():
            runs = [run_cold(root, *command.split()) for _ in range(args.runs)]
            times = [t for t, _ in runs]
            median = statistics.median(times)
            verdict = "" if target is None else f"< {target:.0f} s {'met' if median < target else 'MISSED'}"
            rows.append(
                f"| policykg {command} | {median:.2f} | {min(times):.2f} | {max(times):.2f} | "
                f"{max(p for _, p in runs) / 1024:.0f} | {verdict} |"
            )
    report(
        "build",
        [
            f"Fiche build benchmark: {args.runs} cold runs each, {machine()}",
            "",
            "| command | median s | min s | max s | peak MiB | target |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
            *rows,
        ],
    )


if __name__ == "__main__":
    main()
