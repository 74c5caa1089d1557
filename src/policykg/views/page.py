"""A view as a page: our own template around the graph, every word of it in English and Dutch, and the
same nodes and relations as tables one link away. vis-network and every script and style ship beside the
pages in ``lib/``; text from the graph reaches the page only escaped, or as JSON that the script sets
with ``textContent``."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from ..escape import link_target, visible
from . import limits
from .data import View, ViewData
from .palette import BASES, KINDS, RELATIONS
from .payload import assemble, safe_json

ASSETS = Path(__file__).parent.parent / "assets"

VIEW_ASSETS = ("view.js", "view-tools.js", "view-labels.js", "view-share.js", "view.css", "view-print.css")
"""Our own script and style for the views, shipped beside vis-network in ``lib/``."""

PAGE = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, finalize=visible).from_string(
    """{%- macro both(en, nl) %}<span lang="en">{{ en }}</span><span lang="nl">{{ nl }}</span>{% endmacro -%}
<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title data-en="{{ view.title }} — policykg" data-nl="{{ title_nl }} — policykg">{{ view.title }} — policykg</title>
<link rel="stylesheet" href="lib/vis-network.min.css">
<link rel="stylesheet" href="lib/view.css">
<link rel="stylesheet" href="lib/view-print.css">
</head>
<body>
<div id="screen">
<header>
  <h1>{{ both(view.title, title_nl) }}</h1>
  <a href="index.html">{{ both("All views", "Alle weergaven") }}</a>
  <a href="#table">{{ both("Table of this view", "Tabel van deze weergave") }}</a>
  <div class="controls">
    <div class="combo">
      <input id="search" type="search" placeholder="Search a node" aria-label="Search a node" role="combobox"
        aria-autocomplete="list" aria-expanded="false" aria-controls="candidates" autocomplete="off">
      <ul id="candidates" role="listbox" aria-label="Matching nodes" hidden></ul>
    </div>
    <label>{{ both("Reach", "Bereik") }} <select id="reach-direction">
      <option value="both" data-en="neighbours" data-nl="buren">neighbours</option>
      <option value="down" data-en="downstream: what stalls if this stalls" data-nl="stroomafwaarts: wat stokt als dit stokt">downstream: what stalls if this stalls</option>
      <option value="up" data-en="upstream: what this relies on" data-nl="stroomopwaarts: waar dit op steunt">upstream: what this relies on</option>
    </select></label>
    <label>{{ both("Steps", "Stappen") }} <select id="reach-steps">
      <option value="1">1</option><option value="2">2</option><option value="3">3</option>
      <option value="all" data-en="all" data-nl="alle">all</option>
    </select></label>
    <button id="clear" type="button">{{ both("Clear", "Wissen") }}</button>
    <span role="group" aria-labelledby="language">
      <span id="language">{{ both("Language:", "Taal:") }}</span>
      <label lang="en"><input type="radio" name="lang" value="en"> English</label>
      <label lang="nl"><input type="radio" name="lang" value="nl"> Nederlands</label>
    </span>
    <span id="status"></span>
  </div>
  <p>{{ both(view.description, description_nl) }}</p>
</header>
<main>
  <div id="graph" role="img" aria-labelledby="graph-name" tabindex="0"></div>
  <p id="graph-name" class="visually-hidden">{{ both(view.title ~ ": a graph of " ~ nodes|length ~ " nodes and " ~ edges|length ~ " relations",
    title_nl ~ ": een graaf van " ~ nodes|length ~ " knopen en " ~ edges|length ~ " relaties") }}</p>
  <aside id="inspect" aria-labelledby="inspect-title" hidden>
    <button id="inspect-close" type="button" aria-label="Close">×</button>
    <h2 id="inspect-title" tabindex="-1"></h2>
    <div id="inspect-body"></div>
  </aside>
  <aside id="legend" aria-labelledby="legend-title">
    <details id="legend-details" open>
    <summary id="legend-title">{{ both("Legend", "Legenda") }}</summary>
    <h2>{{ both("Node types", "Soorten knopen") }}</h2><ul id="kinds"></ul>
    <h2>{{ both("Relations", "Relaties") }}</h2><ul id="relations"></ul>
    <h2>{{ both("Basis", "Grondslag") }}</h2><ul id="bases"></ul>
    {% if view.shared_by %}<p><small>{{ both("(N) after a name: the number of priorities that share it.",
      "(N) achter een naam: het aantal opgaven dat de knoop deelt.") }}</small></p>
    {% endif %}<p><small>{{ both("Each priority has a colour of its own, the same in every view and chart. Hover a node or a line for its labels in Dutch and English and, on lines, whether the text states it and the passage of the source it rests on; click one to keep that beside the graph. Untick a type, relation or basis to hide it.",
      "Elke opgave heeft een eigen kleur, dezelfde in elke weergave en grafiek. Wijs een knoop of een lijn aan voor de namen in het Nederlands en het Engels en, bij lijnen, of de tekst het zegt en het fragment van de bron waarop zij steunt; klik erop om dat naast de graaf te houden. Vink een soort, relatie of grondslag uit om die te verbergen.") }}</small></p>
    </details>
    <div id="details" aria-live="polite"></div>
  </aside>
</main>
</div>
{#- the graph is built before the table below is read: a large view's table would hold up its first drawing #}
<script type="application/json" id="graph-data">{{ payload }}</script>
<script src="lib/vis-network.min.js"></script>
<script src="lib/view.js"></script>
<script src="lib/view-tools.js"></script>
<script src="lib/view-labels.js"></script>
<script src="lib/view-share.js"></script>
<section id="table" aria-labelledby="table-title">
  <h2 id="table-title">{{ both("Table of this view", "Tabel van deze weergave") }}</h2>
  <p>{{ both("The nodes and relations of the graph above, as text.", "De knopen en relaties van de graaf hierboven, als tekst.") }}
  <a href="#screen">{{ both("Back to the graph", "Terug naar de graaf") }}</a></p>
  <div class="scroll" role="region" aria-labelledby="nodes-caption" tabindex="0">
  <table>
    <caption id="nodes-caption">{{ both("Nodes (" ~ nodes|length ~ ")", "Knopen (" ~ nodes|length ~ ")") }}</caption>
    <thead><tr><th scope="col">{{ both("Label", "Naam") }}</th><th scope="col">{{ both("Dutch label", "Nederlandse naam") }}</th>
      <th scope="col">{{ both("Type", "Soort") }}</th><th scope="col">{{ both("Priorities", "Opgaven") }}</th>
      <th scope="col">{{ both("Note", "Noot") }}</th></tr></thead>
    <tbody>
{% for n in nodes[:most] %}    <tr><td lang="en">{{ n.label_en }}</td><td lang="nl">{{ n.label_nl }}</td><td>{{ both(kinds[n.kind].en, kinds[n.kind].nl) }}</td>
      <td>{% for p in n.priorities %}{{ both(labels[p].label_en, labels[p].label_nl) }}{% if not loop.last %}; {% endif %}{% endfor %}</td><td>{{ n.note }}</td></tr>
{% endfor %}    </tbody>
  </table>
  </div>
  {% if nodes|length > most %}<p>{{ both("The table lists " ~ most ~ " of the " ~ nodes|length ~ " nodes; the graph above draws them all.",
    "De tabel noemt " ~ most ~ " van de " ~ nodes|length ~ " knopen; de graaf hierboven tekent ze allemaal.") }}</p>
  {% endif %}<div class="scroll" role="region" aria-labelledby="relations-caption" tabindex="0">
  <table>
    <caption id="relations-caption">{{ both("Relations (" ~ edges|length ~ ")", "Relaties (" ~ edges|length ~ ")") }}</caption>
    <thead><tr><th scope="col">{{ both("From", "Van") }}</th><th scope="col">{{ both("Relation", "Relatie") }}</th>
      <th scope="col">{{ both("To", "Naar") }}</th><th scope="col">{{ both("Basis", "Grondslag") }}</th>
      {% if notes %}<th scope="col">{{ both("Note", "Noot") }}</th>{% endif %}<th scope="col">{{ both("Quote", "Citaat") }}</th>
      <th scope="col">{{ both("Line", "Regel") }}</th><th scope="col">{{ both("Passage", "Fragment") }}</th></tr></thead>
    <tbody>
{% for e in edges[:most] %}    <tr><td>{{ both(labels[e['from']].label_en, labels[e['from']].label_nl) }}</td><td>{{ both(relations[e.relation].en, relations[e.relation].nl) }}</td>
      <td>{{ both(labels[e.to].label_en, labels[e.to].label_nl) }}</td>
      <td>{% if e.basis in bases %}{{ both(bases[e.basis].en, bases[e.basis].nl) }}{% endif %}{% if e.reason %}: {{ e.reason }}{% endif %}</td>
      {% if notes %}<td>{{ e.note }}</td>{% endif %}<td>{{ e.quote }}</td><td>{{ e.line or "" }}</td>
      <td>{% if link(e.passage) %}<a href="{{ e.passage }}">{{ e.passage }}</a>{% else %}{{ e.passage }}{% endif %}</td></tr>
{% endfor %}    </tbody>
  </table>
  </div>
  {% if edges|length > most %}<p>{{ both("The table lists " ~ most ~ " of the " ~ edges|length ~ " relations; the graph above draws them all, and policykg query provenance/edge-passages gives every relation with its passage and basis.",
    "De tabel noemt " ~ most ~ " van de " ~ edges|length ~ " relaties; de graaf hierboven tekent ze allemaal, en policykg query provenance/edge-passages geeft elke relatie met haar fragment en grondslag.") }}</p>
  {% endif %}
</section>
</body>
</html>
"""
)


def render_view(view: View, data: ViewData) -> str:
    """One view as an HTML page: the graph, its legend and controls, and its tables."""
    payload = assemble(view, data)
    return render_page(view, payload)


def render_page(view: View, payload: dict[str, Any]) -> str:
    """The page of ``view`` around its assembled ``payload``."""
    nodes, edges = payload["nodes"], payload["edges"]
    return PAGE.render(
        view=view,
        title_nl=view.title_nl or view.title,
        description_nl=view.description_nl or view.description,
        nodes=nodes,
        edges=edges,
        labels={n["id"]: n for n in nodes},
        kinds=KINDS,
        relations=RELATIONS,
        bases=BASES,
        notes=any(e.get("note") for e in edges),
        link=lambda iri: bool(iri) and link_target(iri) is not None,
        most=limits.TABLE_ROWS,
        payload=markupsafe.Markup(safe_json(payload)),
        lang="en",
    )


def copy_assets(folder: Path) -> None:
    """vis-network (from the pyvis package) and our script and style, into ``folder/lib``."""
    import pyvis

    lib = folder / "lib"
    lib.mkdir(parents=True, exist_ok=True)
    vis = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    shutil.copyfile(vis / "vis-network.min.js", lib / "vis-network.min.js")
    shutil.copyfile(vis / "vis-network.css", lib / "vis-network.min.css")
    for name in VIEW_ASSETS:
        shutil.copyfile(ASSETS / name, lib / name)
