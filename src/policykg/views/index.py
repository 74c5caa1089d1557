"""The views written together: every page, the assets, which views show each resource, and the index
with the charts and the resources that have no view of their own, and why."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from ..escape import visible
from ..load import LoadedGraph
from ..namespaces import PKG
from ..progress import progress
from . import limits
from .data import View, ViewData, _local_name, limit_view_data, project_view_data
from .page import copy_assets, render_view
from .palette import KINDS, RELATIONS
from .plan import define_views
from .words import count

INDEX = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, finalize=visible).from_string(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Views of the graph — policykg</title>
<link rel="stylesheet" href="lib/index.css">
</head>
<body>
<main>
<h1>Views of the graph</h1>
<p>Each view opens in your browser from these files, with no server and no connection to anywhere. Hover a
node or a line for its labels and the passage of the source it rests on; a dashed line is a reading, which
the text does not state, and says why. Each view lists its nodes and relations in a table below the graph.</p>
{% for group, title in groups %}
<h2>{{ title }}</h2>
{% if group == "priorities" and documents > per_document %}<p>The graph holds {{ documents }} documents: the
views per priority are written one document at a time, with <code>policykg views --document IRI</code>
(into <code>dist/views-{document}/</code>).</p>
{% endif %}<ul>
{% for view in views if view.group == group %}  <li><a href="{{ view.slug }}.html">{{ view.title }}</a>: {{ view.description }}</li>
{% endfor %}</ul>
{% endfor %}
{% if unviewed %}
<h2 id="unviewed">Without a view of their own</h2>
<p>Each institution, law, strategy and framework that an intervention points to has a view of its own.
These {{ unviewed_total }} do not, each with the reason:</p>
<ul>
{% for item in unviewed %}  <li>{{ item.label }} ({{ item.kind }}): {{ item.reason }}.</li>
{% endfor %}</ul>
{% if unviewed_total > unviewed|length %}<p>{{ unviewed_total - unviewed|length }} more are left out of this
list; <code>policykg query</code> answers what the graph says of each.</p>
{% endif %}{% endif %}
{% if documents > 1 %}
<h2>The budget and who takes part</h2>
<p>The budget charts are drawn per document: <code>policykg views --document IRI</code>.</p>
{% endif %}{% if charts or tables %}
<h2>The budget and who takes part</h2>
{% for chart in charts %}
<figure>
  <img src="{{ chart.svg }}" alt="{{ chart.title }}" width="{{ chart.width }}" height="{{ chart.height }}">
  <figcaption>{{ chart.title }}: {{ chart.caption }} (<a href="{{ chart.svg }}">SVG</a>, <a href="{{ chart.png }}">PNG</a>)</figcaption>
</figure>
{% endfor %}
{% if tables %}<div class="scroll" role="region" aria-label="The budget in figures" tabindex="0">
{{ tables }}
</div>{% endif %}
{% endif %}
</main>
</body>
</html>
"""
)

INDEX_CSS = """body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
a{color:#0b5cad}figure{margin:1.5rem 0}img{max-width:100%;height:auto;border:1px solid #eee}
table{border-collapse:collapse;margin:1rem 0}th,td{border-bottom:1px solid #ddd;padding:.25rem .6rem;text-align:right}
th:first-child,td:first-child{text-align:left}caption{text-align:left;font-weight:600;margin-bottom:.3rem}
code,h1,li{overflow-wrap:anywhere}.scroll{overflow-x:auto;max-width:100%}
a:focus-visible,.scroll:focus-visible{outline:2px solid #0b5cad;outline-offset:2px}
"""

GROUPS = [
    ("overview", "The whole picture"),
    ("priorities", "One view per priority"),
    ("institutions", "One view per institution"),
    ("frameworks", "One view per law, strategy or framework"),
]

ACTOR_KINDS = ("institution", "law", "strategy", "framework")
"""The kinds of resource that get a view of their own when an intervention points to them."""

POINTING = """
SELECT ?node ?p ?class (COUNT(DISTINCT ?s) AS ?count) (MIN(STR(?s)) AS ?one) WHERE {
  VALUES ?node { %s }
  ?s ?p ?node .
  FILTER(isIRI(?s) && ?p NOT IN (rdf:subject, rdf:object))
  OPTIONAL {
    VALUES ?class { %s pkg:PolicyDocument }
    ?s a ?class .
  }
} GROUP BY ?node ?p ?class
"""
"""What points to each of some resources: per relation and kind, how many and the first."""


def view_members(views: list[View]) -> dict[str, list[tuple[str, str]]]:
    """Which views show each resource: their titles and file names."""
    members: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for view in views:
        for node in view.nodes:
            members[node].append((view.title, view.slug))
    return members


def explain_unviewed(
    loaded: LoadedGraph, data: ViewData, views: list[View], *, limited: bool = False
) -> tuple[list[dict[str, str]], int]:
    """The institutions, laws, strategies and frameworks of ``data`` with no view of their own, each with
    why (what points to it instead of an intervention) and where it is drawn; at most UNVIEWED_LISTED of
    them, and how many there are. ``limited``: the views are one document's."""
    own = {view.about for view in views if view.about}
    missing = sorted(
        (n for n in data.nodes.values() if n.kind in ACTOR_KINDS and n.id not in own),
        key=lambda n: (n.label_en.lower(), n.id),
    )
    listed = missing[: limits.UNVIEWED_LISTED]
    if not listed:
        return [], 0
    kind_of_class = {str(PKG[k["class"]]): name for name, k in KINDS.items()}
    kind_of_class[str(PKG.PolicyDocument)] = "document"
    classes = " ".join(f"pkg:{k['class']}" for k in KINDS.values())
    pointing: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in loaded.select(POINTING % (" ".join(f"<{n.id}>" for n in listed), classes)):
        pointing[row["node"]].append(row)
    shown_in = view_members(views)
    explained = []
    for node in listed:
        rows = sorted(pointing[node.id], key=lambda r: (r.get("class", ""), r["p"], r["one"]))
        by_intervention = [r for r in rows if kind_of_class.get(r.get("class", "")) == "intervention"]
        others = [r for r in rows if r not in by_intervention]
        if not by_intervention:
            reason = "no intervention points to it"
        elif limited:
            reason = "only interventions of other documents point to it"
        else:
            reason = "the interventions that point to it do so with a relation the views do not draw"
        if others:
            reason += "; " + ", ".join(_name_pointing(r, kind_of_class, data, loaded) for r in others[:3])
            reason += f" and {len(others) - 3} more" if len(others) > 3 else ""
            reason += " point to it" if len(others) > 1 or int(others[0]["count"]) > 1 else " points to it"
        elif not by_intervention:
            reason += ", nor does anything else in the graph"
        titles = [title for title, _slug in shown_in.get(node.id, [])]
        reason += f"; drawn in {', '.join(titles)}" if titles else "; no view draws it"
        explained.append({"label": node.label_en, "kind": KINDS[node.kind]["en"].lower(), "reason": reason})
    return explained, len(missing)


def _name_pointing(
    row: dict[str, str], kind_of_class: dict[str, str], data: ViewData, loaded: LoadedGraph
) -> str:
    """'the strategy NLCS (carried out by)' or '3 documents (has priority)'."""
    kind = kind_of_class.get(row.get("class", ""), "resource")
    word = KINDS[kind]["en"].lower() if kind in KINDS else kind
    name = _local_name(row["p"])
    relation = RELATIONS[name]["en"] if name in RELATIONS else name
    if int(row["count"]) > 1:
        return f"{count(int(row['count']), word)} ({relation})"
    one = row["one"]
    label = (
        data.nodes[one].label_en
        if one in data.nodes
        else data.document_labels.get(one) or loaded.label(one) or one
    )
    return f"the {word} {label} ({relation})"


def plan_views(loaded: LoadedGraph, document: str | None = None) -> tuple[ViewData, list[View]]:
    """The data the views draw and their definitions; with ``document``, that document's only."""
    data = project_view_data(loaded)
    if document is not None:
        data = limit_view_data(data, loaded, loaded.require_document(document))
    return data, define_views(data)


def read_members(folder: Path) -> dict[str, list[tuple[str, str]]] | None:
    """Which views show each resource, as written views saved it in ``members.json``; None when there is
    no such file or it cannot be read."""
    try:
        saved = json.loads((folder / "members.json").read_text(encoding="utf-8"))
        return {iri: [(title, slug) for title, slug in shown] for iri, shown in saved.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def write_views(
    loaded: LoadedGraph,
    folder: Path,
    *,
    with_charts: bool = True,
    document: str | None = None,
    planned: tuple[ViewData, list[View]] | None = None,
) -> list[Path]:
    """Write every view, the assets and the index (with the charts) into ``folder``; with ``document``,
    the views of that document only (its priorities, its interventions and the shared resources they
    touch). ``planned`` is what :func:`plan_views` returned, when the caller has it already."""
    if planned is not None and document is not None:
        raise ValueError("pass either a plan or a document, not both: the plan says which document it is of")
    data, views = planned or plan_views(loaded, document)
    folder.mkdir(parents=True, exist_ok=True)
    copy_assets(folder)
    (folder / "lib" / "index.css").write_text(INDEX_CSS, encoding="utf-8")
    written = []
    for view in progress(views, "views"):
        path = folder / f"{view.slug}.html"
        path.write_text(render_view(view, data), encoding="utf-8")
        written.append(path)
    # which views show each resource, for pages rendered on request (policykg serve)
    with (folder / "members.json").open("w", encoding="utf-8") as out:
        json.dump(view_members(views), out, ensure_ascii=False, sort_keys=True)
    charts: list[dict[str, Any]] = []
    tables = ""
    # the charts are per priority, labelled by name: they speak of one document at a time
    if with_charts and len(data.documents) == 1:
        from ..charts import render_charts

        charts, tables = render_charts(loaded, folder / "charts", document)
    limited = len(data.documents) < len(loaded.documents())
    unviewed, unviewed_total = explain_unviewed(loaded, data, views, limited=limited)
    index = folder / "index.html"
    page = INDEX.render(
        views=views,
        groups=GROUPS,
        charts=charts,
        tables=markupsafe.Markup(tables),
        documents=len(data.documents),
        per_document=limits.PRIORITY_VIEWS_UPTO,
        unviewed=unviewed,
        unviewed_total=unviewed_total,
    )
    index.write_text(page, encoding="utf-8")
    return [index, *written]
