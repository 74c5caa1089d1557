"""Charts people would rather see than read: the budget per priority and period, its growth to the
structural level, and how many interventions each institution takes part in across the priorities.

Drawn with matplotlib as SVG (text as paths, so no font is fetched) and PNG, from the query library's
answers; the same graph gives byte-identical files. Figures are made without pyplot and styled inside an
``rc_context``, so drawing them changes neither matplotlib's backend nor its settings for the rest of the
process. A chart with nothing to draw is not drawn: a sentence that names the document says why. Each priority
has the colour it has in the views' graphs (:func:`policykg.views.palette.colour_priorities`).
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
from .views.palette import PRIORITY_COLOURS, colour_priorities

PERIODS = ["2026", "2027", "2028", "2029", "2030", "structural"]
PRIORITIES = """
SELECT ?priority ?label WHERE {
  %s ?priority a pkg:Priority .
  FILTER NOT EXISTS { ?strategy a pkg:Strategy ; pkg:hasPriority ?priority . }
  OPTIONAL { ?priority rdfs:label ?label . FILTER(LANG(?label) = "en") }
}
"""
"""The priorities the views colour (all but a strategy's), with the labels the charts name them by."""
STYLE = {"svg.hashsalt": "policykg", "svg.fonttype": "path", "font.size": 10}
"""matplotlib settings for these charts only (applied in an ``rc_context``)."""


def _library(loaded: LoadedGraph, name: str, document: str | None = None) -> list[dict[str, str]]:
    query = read_query(loaded.project.queries_dir / f"{name}.rq", name)
    return loaded.select(query.sparql({"document": f"<{document}>"} if document else {}))


def colour_chart_priorities(loaded: LoadedGraph, document: str | None = None) -> dict[str, str]:
    """Each priority's colour by the label the charts draw it with: the colour the views give it, among
    the priorities of ``document`` (or of the whole graph)."""
    rows = loaded.select(PRIORITIES % (f"<{document}> pkg:hasPriority ?priority ." if document else ""))
    colours = colour_priorities(r["priority"] for r in rows)
    return {_text(r.get("label", r["priority"])): colours[r["priority"]] for r in rows}


def _colour(colours: dict[str, str], label: str, i: int) -> str:
    """A priority's colour by its label; by its place when the graph does not give it (no such label)."""
    return colours.get(label, PRIORITY_COLOURS[i % len(PRIORITY_COLOURS)])


def _save(figure: Any, folder: Path, stem: str) -> tuple[str, str]:
    svg, png = folder / f"{stem}.svg", folder / f"{stem}.png"
    # the box around what is drawn, measured once for both files (bbox_inches="tight" draws twice a file)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    box = figure.get_tightbbox(FigureCanvasAgg(figure).get_renderer()).padded(0.1)
    figure.savefig(svg, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches=box)
    figure.savefig(png, format="png", dpi=110, metadata={"Software": None}, bbox_inches=box)
    return svg.name, png.name


TOP_INSTITUTIONS = 40
"""The institutions chart shows at most this many, the most involved."""


def _figure(width: float, height: float) -> tuple[Any, Any]:
    """A figure of its own (not pyplot's, so nothing global is touched) and its one axis."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height))
    return figure, figure.subplots()


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
    axis.set_title(_text(title))
    if axis.get_legend_handles_labels()[0]:
        axis.legend(frameon=False, fontsize=8, loc=legend)
    axis.spines[["top", "right"]].set_visible(False)
    svg, png = _save(figure, folder, stem)
    return {
        "title": title,
        "caption": caption,
        "svg": f"charts/{svg}",
        "png": f"charts/{png}",
        "width": 800,
        "height": height,
    }


def _text(label: str) -> str:
    """A label as matplotlib should draw it: on one line (a tab or carriage return has no glyph, and
    matplotlib warns of it), control characters shown, ``$`` not read as mathematics.

    >>> _text("a\\tb\\r\\nc $5")
    'a b c \\\\$5'
    """
    return " ".join(visible(label).split()).replace("$", "\\$")


def _html(text: str) -> str:
    """Text from the graph for HTML: escaped, control characters shown."""
    return html.escape(visible(text))


def document_name(loaded: LoadedGraph, document: str | None) -> str:
    """How the charts and their captions name what they show: the document's label, or the number of
    documents when they show more than one."""
    documents = [document] if document else loaded.documents()
    if len(documents) == 1:
        return loaded.label(documents[0]) or documents[0]
    return f"the {len(documents)} documents"


def _names(labels: list[str]) -> str:
    """
    >>> _names(["A"]), _names(["A", "B"]), _names(["A", "B", "C"])
    ('A', 'A and B', 'A, B and C')
    """
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def render_charts(
    loaded: LoadedGraph, folder: Path, document: str | None = None
) -> tuple[list[dict[str, Any]], str]:
    """Write the charts to ``folder`` (of one document's priorities with ``document``); return their
    descriptions (paths relative to its parent) and, as HTML, the tables that go with them or the
    sentences that say why a chart is not drawn (no budget, no institution involved)."""
    from matplotlib import rc_context

    folder.mkdir(parents=True, exist_ok=True)
    name = document_name(loaded, document)
    budget: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for row in _library(loaded, "budget/budget-by-priority-and-period", document):
        budget[_text(row["priorityLabel"])][row["periodLabel"]] = Decimal(row["amount"])
    priorities = sorted(budget, key=lambda p: -budget[p].get("structural", Decimal(0)))
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in _library(loaded, "overlaps/institutions-per-priority", document):
        institution, priority = _text(row["institutionLabel"]), _text(row["priorityLabel"])
        counts[institution][priority] = counts[institution].get(priority, 0) + int(row["interventions"])
    colours = colour_chart_priorities(loaded, document)
    charts, notes = [], []
    with rc_context(STYLE):
        if budget:
            without = sorted(
                _text(r["priorityLabel"])
                for r in _library(loaded, "budget/priorities-without-figures", document)
            )
            charts += _budget_charts(folder, name, budget, priorities, without, colours)
        else:
            notes.append(
                f"<p>{_html(name)} has no budget: no amounts per priority and period are recorded for "
                "it, so no budget chart is drawn.</p>"
            )
        if counts:
            charts.append(_institutions_chart(folder, name, counts, colours))
        else:
            notes.append(f"<p>No intervention of {_html(name)} involves an institution.</p>")
    tables = (
        budget_tables(budget, priorities, _library(loaded, "budget/growth-to-structural", document), name)
        if budget
        else ""
    )
    return charts, "\n".join([*notes, tables]).strip()


def _budget_charts(
    folder: Path,
    name: str,
    budget: dict[str, dict[str, Decimal]],
    priorities: list[str],
    without: list[str],
    colours: dict[str, str],
) -> list[dict[str, Any]]:
    """The stacked bars of the budget per priority and period, and the lines of its growth."""
    figure, axis = _figure(8, 4.2)
    bottom = [0.0] * len(PERIODS)
    for i, priority in enumerate(priorities):
        values = [float(budget[priority].get(p, 0)) for p in PERIODS]
        axis.bar(PERIODS, values, bottom=bottom, color=_colour(colours, priority, i), label=priority)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    for x, total in enumerate(bottom):
        axis.annotate(f"{total:,.0f}", (x, total), ha="center", va="bottom", fontsize=9)
    axis.set_ylabel("€ million")
    caption = "stacked bars in € million per priority, 2026–2030 and the structural level"
    if without:
        caption += (
            f"; {_names(without)} {'has' if len(without) == 1 else 'have'} no figures of "
            f"{'its' if len(without) == 1 else 'their'} own in the budget table, and no bar"
        )
    budget_chart = _finish(
        figure,
        axis,
        folder,
        "budget-by-priority",
        f"Investment needed per priority and period in {name}",
        caption,
        legend="upper left",
    )
    figure, axis = _figure(8, 4.2)
    for i, priority in enumerate(priorities):
        values = [float(budget[priority].get(p, 0)) for p in PERIODS]
        axis.plot(PERIODS, values, marker="o", color=_colour(colours, priority, i), label=priority)
    axis.set_ylabel("€ million")
    growth_chart = _finish(
        figure,
        axis,
        folder,
        "growth-to-structural",
        f"Growth to the structural level in {name}",
        "each priority's amount per period in € million",
    )
    return [budget_chart, growth_chart]


def _institutions_chart(
    folder: Path, name: str, counts: dict[str, dict[str, int]], colours: dict[str, str]
) -> dict[str, Any]:
    """The bars of how many interventions involve each institution, coloured by priority."""
    ranked = sorted(counts, key=lambda i: (-sum(counts[i].values()), -len(counts[i]), i))
    institutions = list(reversed(ranked[:TOP_INSTITUTIONS]))
    all_priorities = sorted({p for i in institutions for p in counts[i]})
    height = 0.32 * len(institutions) + 1.2
    figure, axis = _figure(8, height)
    left = [0] * len(institutions)
    for i, priority in enumerate(all_priorities):
        values = [counts[inst].get(priority, 0) for inst in institutions]
        axis.barh(institutions, values, left=left, color=_colour(colours, priority, i), label=priority)
        left = [a + b for a, b in zip(left, values, strict=True)]
    axis.set_xlabel("interventions")
    shown = (
        "" if len(ranked) <= TOP_INSTITUTIONS else f" (the {TOP_INSTITUTIONS} most involved of {len(ranked)})"
    )
    return _finish(
        figure,
        axis,
        folder,
        "institutions",
        f"Who takes part in {name}",
        f"the number of interventions that involve each institution{shown}, coloured by priority",
        legend="lower right",
        height=int(100 * height),
    )


def budget_tables(
    budget: dict[str, dict[str, Decimal]], priorities: list[str], growth: list[dict[str, str]], name: str
) -> str:
    """The budget table and the growth table of ``name`` (a document's label), as HTML (every value
    escaped)."""
    e = _html
    rows = [f"<table><caption>Investment needed per priority in {e(name)} (€ million)</caption>"]
    rows.append("<tr><th>priority</th>" + "".join(f"<th>{e(p)}</th>" for p in PERIODS) + "</tr>")
    for priority in priorities:
        rows.append(
            f"<tr><td>{e(priority)}</td>"
            + "".join(f"<td>{budget[priority].get(p, '–')}</td>" for p in PERIODS)
            + "</tr>"
        )
    totals = [sum(budget[p].get(period, Decimal(0)) for p in priorities) for period in PERIODS]
    rows.append("<tr><th>sum of the rows</th>" + "".join(f"<th>{t}</th>" for t in totals) + "</tr></table>")
    rows.append(f"<table><caption>Growth from 2026 to the structural level in {e(name)}</caption>")
    rows.append("<tr><th>priority</th><th>2026</th><th>structural</th><th>growth</th><th>%</th></tr>")
    for row in growth:
        rows.append(
            f"<tr><td>{e(row.get('priorityLabel', ''))}</td><td>{e(row.get('first', ''))}</td>"
            f"<td>{e(row.get('structural', ''))}</td>"
            f"<td>{e(row.get('growth', ''))}</td><td>{e(row.get('growthPercent', ''))}</td></tr>"
        )
    rows.append("</table>")
    return "\n".join(rows)
