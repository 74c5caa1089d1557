"""Charts people would rather see than read: the budget per priority and period, its growth to the
structural level, and how many interventions each institution takes part in across the priorities.

Drawn with matplotlib as SVG (text as paths, so no font is fetched) and PNG, from the query library's
answers; the same graph gives byte-identical files.
"""

from __future__ import annotations

import html
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from .escape import visible
from .library import read_query
from .load import LoadedGraph

PERIODS = ["2026", "2027", "2028", "2029", "2030", "structural"]
COLOURS = ["#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#999999"]


def _library(loaded: LoadedGraph, name: str, document: str | None = None) -> list[dict[str, str]]:
    query = read_query(loaded.project.queries_dir / f"{name}.rq", name)
    return loaded.select(query.sparql({"document": f"<{document}>"} if document else {}))


def _save(figure: Any, folder: Path, stem: str) -> tuple[str, str]:
    svg, png = folder / f"{stem}.svg", folder / f"{stem}.png"
    figure.savefig(svg, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    figure.savefig(png, format="png", dpi=110, metadata={"Software": None}, bbox_inches="tight")
    return svg.name, png.name


TOP_INSTITUTIONS = 40
"""The institutions chart shows at most this many, the most involved."""


def _finish(
    figure: Any,
    axis: Any,
    folder: Path,
    stem: str,
    title: str,
    caption: str,
    *,
    legend: str = "best",
    height: int = 420,
) -> dict[str, Any]:
    """Title, legend and frame; save as SVG and PNG; the chart's description for the index."""
    import matplotlib.pyplot as plt

    axis.set_title(title)
    if axis.get_legend_handles_labels()[0]:
        axis.legend(frameon=False, fontsize=8, loc=legend)
    axis.spines[["top", "right"]].set_visible(False)
    svg, png = _save(figure, folder, stem)
    plt.close(figure)
    return {
        "title": title,
        "caption": caption,
        "svg": f"charts/{svg}",
        "png": f"charts/{png}",
        "width": 800,
        "height": height,
    }


def _text(label: str) -> str:
    """A label as matplotlib should draw it: control characters shown, ``$`` not read as mathematics."""
    return visible(label).replace("$", "\\$")


def render_charts(
    loaded: LoadedGraph, folder: Path, document: str | None = None
) -> tuple[list[dict[str, Any]], str]:
    """Write the charts to ``folder`` (of one document's priorities with ``document``); return their
    descriptions (paths relative to its parent) and the tables that go with them, as HTML."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "policykg", "svg.fonttype": "path", "font.size": 10})
    folder.mkdir(parents=True, exist_ok=True)
    budget: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for row in _library(loaded, "budget/budget-by-priority-and-period", document):
        budget[_text(row["priorityLabel"])][row["periodLabel"]] = Decimal(row["amount"])
    priorities = sorted(budget, key=lambda p: -budget[p].get("structural", Decimal(0)))
    charts = []

    figure, axis = plt.subplots(figsize=(8, 4.2))
    bottom = [0.0] * len(PERIODS)
    for i, priority in enumerate(priorities):
        values = [float(budget[priority].get(p, 0)) for p in PERIODS]
        axis.bar(PERIODS, values, bottom=bottom, color=COLOURS[i % len(COLOURS)], label=priority)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    for x, total in enumerate(bottom):
        axis.annotate(f"{total:,.0f}", (x, total), ha="center", va="bottom", fontsize=9)
    axis.set_ylabel("€ million")
    charts.append(
        _finish(
            figure,
            axis,
            folder,
            "budget-by-priority",
            "Investment needed per priority and period",
            "stacked bars in € million, 2026–2030 and the structural level; a priority whose figures are woven "
            "into the others (as the fiche's Digital Open Strategic Autonomy) has no bar of its own",
            legend="upper left",
        )
    )

    figure, axis = plt.subplots(figsize=(8, 4.2))
    for i, priority in enumerate(priorities):
        values = [float(budget[priority].get(p, 0)) for p in PERIODS]
        axis.plot(PERIODS, values, marker="o", color=COLOURS[i % len(COLOURS)], label=priority)
    axis.set_ylabel("€ million")
    charts.append(
        _finish(
            figure,
            axis,
            folder,
            "growth-to-structural",
            "Growth to the structural level",
            "each priority's amount per period in € million",
        )
    )

    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in _library(loaded, "overlaps/institutions-per-priority", document):
        institution, priority = _text(row["institutionLabel"]), _text(row["priorityLabel"])
        counts[institution][priority] = counts[institution].get(priority, 0) + int(row["interventions"])
    ranked = sorted(counts, key=lambda i: (-sum(counts[i].values()), -len(counts[i]), i))
    institutions = list(reversed(ranked[:TOP_INSTITUTIONS]))
    all_priorities = sorted({p for i in institutions for p in counts[i]})
    height = 0.32 * len(institutions) + 1.2
    figure, axis = plt.subplots(figsize=(8, height))
    left = [0] * len(institutions)
    for i, priority in enumerate(all_priorities):
        values = [counts[inst].get(priority, 0) for inst in institutions]
        axis.barh(institutions, values, left=left, color=COLOURS[i % len(COLOURS)], label=priority)
        left = [a + b for a, b in zip(left, values, strict=True)]
    axis.set_xlabel("interventions")
    shown = (
        "" if len(ranked) <= TOP_INSTITUTIONS else f" (the {TOP_INSTITUTIONS} most involved of {len(ranked)})"
    )
    charts.append(
        _finish(
            figure,
            axis,
            folder,
            "institutions",
            "Who takes part",
            f"the number of interventions that involve each institution{shown}, coloured by priority",
            legend="lower right",
            height=int(100 * height),
        )
    )
    return charts, budget_tables(
        budget, priorities, _library(loaded, "budget/growth-to-structural", document)
    )


def budget_tables(
    budget: dict[str, dict[str, Decimal]], priorities: list[str], growth: list[dict[str, str]]
) -> str:
    """The budget table and the growth table, as HTML (every value escaped)."""
    e = html.escape
    rows = ["<table><caption>Investment needed per priority (€ million)</caption>"]
    rows.append("<tr><th>priority</th>" + "".join(f"<th>{e(p)}</th>" for p in PERIODS) + "</tr>")
    for priority in priorities:
        rows.append(
            f"<tr><td>{e(priority)}</td>"
            + "".join(f"<td>{budget[priority].get(p, '–')}</td>" for p in PERIODS)
            + "</tr>"
        )
    totals = [sum(budget[p].get(period, Decimal(0)) for p in priorities) for period in PERIODS]
    rows.append("<tr><th>sum of the rows</th>" + "".join(f"<th>{t}</th>" for t in totals) + "</tr></table>")
    rows.append("<table><caption>Growth from 2026 to the structural level</caption>")
    rows.append("<tr><th>priority</th><th>2026</th><th>structural</th><th>growth</th><th>%</th></tr>")
    for row in growth:
        rows.append(
            f"<tr><td>{e(row.get('priorityLabel', ''))}</td><td>{e(row.get('first', ''))}</td>"
            f"<td>{e(row.get('structural', ''))}</td>"
            f"<td>{e(row.get('growth', ''))}</td><td>{e(row.get('growthPercent', ''))}</td></tr>"
        )
    rows.append("</table>")
    return "\n".join(rows)
