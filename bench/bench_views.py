"""Benchmark the views: generation for the fiche, time to interactive in Chromium, and a 5,000-node view.

Targets on a 2-core machine: all views for the fiche generated in under 5 s (``policykg views``, cold);
each view interactive in Chromium within 1 s of loading; a view of a 5,000-node synthetic graph
interactive within 3 s. "Interactive" is the time from the start of navigation to vis-network's first
``afterDrawing``, when the page answers hover, search and filters. Needs Debian's Chromium.
Run ``make bench``; the figures are printed and written to ``bench/results/views.md``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import common  # noqa: F401 - sets the import path for the project's src/ and tests/
from browser import chromium  # noqa: E402
from common import copy_project, machine, report
from playwright.sync_api import Browser  # noqa: E402

from policykg.views import View, ViewData, ViewEdge, ViewNode, copy_assets, render_view  # noqa: E402


def synthetic(nodes: int, seed: int = 7) -> tuple[View, ViewData]:
    """A graph shaped like a large corpus: few priorities, many interventions, skewed institution use."""
    rng = random.Random(seed)
    data = ViewData()
    kinds = [("priority", 0.02), ("institution", 0.08), ("law", 0.04), ("strategy", 0.04), ("theme", 0.04)]
    counts = {k: max(1, int(nodes * share)) for k, share in kinds}
    counts["intervention"] = nodes - sum(counts.values())
    ids: dict[str, list[str]] = {}
    for kind, count in counts.items():
        ids[kind] = [f"https://example.org/{kind}/{i}" for i in range(count)]
        for i, node in enumerate(ids[kind]):
            data.nodes[node] = ViewNode(node, kind, f"{kind} {i}", f"{kind} {i} (nl)")
    weights = [1 / (i + 1) for i in range(len(ids["institution"]))]
    for node in ids["intervention"]:
        data.edges.append(ViewEdge(node, rng.choice(ids["priority"]), "underPriority", "quote"))
        for target in rng.choices(ids["institution"], weights=weights, k=1):
            data.edges.append(ViewEdge(node, target, "involves", "quote"))
        data.edges.append(ViewEdge(node, rng.choice(ids["theme"]), "addresses", "quote"))
        if rng.random() < 0.3:
            data.edges.append(ViewEdge(node, rng.choice(ids["law"] + ids["strategy"]), "refersTo", "quote"))
    view = View(
        "synthetic", f"{nodes} nodes", "A synthetic graph.", "overview", sorted(data.nodes), data.edges
    )
    return view, data


def interactive_ms(browser: Browser, path: Path) -> float:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(path.as_uri())
    page.wait_for_function("window.policykgView && window.policykgView.ready", timeout=60000)
    drawn = page.evaluate("policykgView.drawnAt")
    page.close()
    return drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = copy_project(Path(folder))
        generation = []
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "policykg.cli", "--root", str(root), "views"],
                check=True,
                capture_output=True,
            )
            generation.append(time.perf_counter() - started)
        views = sorted((root / "dist" / "views").glob("*.html"))
        views = [v for v in views if v.name != "index.html"]
        big_view, big_data = synthetic(5000)
        big_folder = root / "big"
        copy_assets(big_folder)
        started = time.perf_counter()
        (big_folder / "synthetic.html").write_text(render_view(big_view, big_data), encoding="utf-8")
        big_generation = time.perf_counter() - started
        with chromium() as browser:
            per_view = {
                v.name: statistics.median(interactive_ms(browser, v) for _ in range(args.runs)) for v in views
            }
            big = [interactive_ms(browser, big_folder / "synthetic.html") for _ in range(args.runs)]
    worst = max(per_view, key=per_view.get)
    lines = [
        f"Views benchmark: {args.runs} runs each, Chromium (Debian), {machine()}",
        "",
        "| measurement | median | max | target |",
        "| --- | ---: | ---: | --- |",
        f"| policykg views, all {len(views)} views and charts (cold) | {statistics.median(generation):.2f} s | "
        f"{max(generation):.2f} s | < 5 s {'met' if statistics.median(generation) < 5 else 'MISSED'} |",
        f"| each fiche view interactive in Chromium | {statistics.median(per_view.values()):.0f} ms | "
        f"{per_view[worst]:.0f} ms ({worst}) | < 1000 ms {'met' if per_view[worst] < 1000 else 'MISSED'} |",
        f"| 5,000-node synthetic view interactive ({len(big_view.edges)} edges; generated in "
        f"{big_generation:.1f} s) | {statistics.median(big):.0f} ms | {max(big):.0f} ms | "
        f"< 3000 ms {'met' if statistics.median(big) < 3000 else 'MISSED'} |",
    ]
    report("views", lines)


if __name__ == "__main__":
    main()
