// policykg view: draws one graph with vis-network, with a legend, filters and a language switch; search,
// the panel, reach and shared links are in view-tools.js. Text from the graph is only ever set with textContent, never parsed as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var DEFAULT_LANG = data.lang || "en";
  var LANG_KEY = "policykg-lang";
  // What the legend's checkboxes hide: node kinds, relations, bases and priorities (by IRI).
  var hidden = { kind: {}, rel: {}, basis: {}, priority: {} };
  var shown = {};
  var LABEL_COLOR = "#343434";
  var WORDS = {
    en: {
      shown: "nodes shown", highlighted: "highlighted", priorities: "Priorities", legend: "Legend",
      graph: "a graph of", nodes: "nodes", and: "and", relations: "relations", filtered: "filtered", inAll: "in all"
    },
    nl: {
      shown: "knopen zichtbaar", highlighted: "gemarkeerd", priorities: "Opgaven", legend: "Legenda",
      graph: "een graaf van", nodes: "knopen", and: "en", relations: "relaties", filtered: "gefilterd", inAll: "in totaal"
    }
  };

  // The language: the link's #lang= wins, then the last choice made in any view, then the page's own.
  function known(value) { return value === "en" || value === "nl" ? value : null; }
  function hashLang() {
    return known(new URLSearchParams(location.hash.replace(/^#/, "")).get("lang"));
  }
  function storedLang() {
    try { return known(window.localStorage.getItem(LANG_KEY)); } catch (err) { return null; }
  }
  function storeLang(value) {
    try { window.localStorage.setItem(LANG_KEY, value); } catch (err) { /* file:// may refuse storage */ }
  }
  var lang = hashLang() || storedLang() || DEFAULT_LANG;
  function t(key, language) { return WORDS[language || lang][key]; }

  function el(tag, text, className) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (className) e.className = className;
    return e;
  }

  function nodeTip(n) {
    var d = el("div", null, "tip");
    d.appendChild(el("strong", n.label_en));
    if (n.label_nl !== n.label_en) d.appendChild(el("div", n.label_nl, "nl"));
    if (n.alt_labels && n.alt_labels.length) d.appendChild(el("div", n.alt_labels.join(", "), "nl"));
    d.appendChild(el("div", data.kinds[n.kind][lang] + " · " + data.kinds[n.kind][lang === "en" ? "nl" : "en"], "kind"));
    if (n.note) d.appendChild(el("div", n.note, "note"));
    return d;
  }

  // The legend's basis of an edge: a reading, or stated (the document's structure counts as stated).
  function legendBasis(e) {
    return e.basis === "reading" ? "reading" : "stated";
  }

  // "stated in the text", or "reading: " and the reason.
  function basisText(e) {
    var basis = data.bases[e.basis];
    if (!basis) return "";
    return e.basis === "reading" && e.reason ? basis[lang] + ": " + e.reason : basis[lang];
  }

  function edgeTip(e) {
    var d = el("div", null, "tip");
    var relation = data.relations[e.relation];
    d.appendChild(el("strong", relation.en + " · " + relation.nl));
    var from = data.byId[e.from], to = data.byId[e.to];
    d.appendChild(el("div", (from ? from.label_en : e.from) + " → " + (to ? to.label_en : e.to)));
    var basis = basisText(e);
    if (basis) d.appendChild(el("div", basis, "basis " + legendBasis(e)));
    if (e.note) d.appendChild(el("div", e.note, "note"));
    if (e.quote) d.appendChild(el("blockquote", e.quote));
    return d;
  }

  data.byId = {};
  data.nodes.forEach(function (n) { data.byId[n.id] = n; });
  data.priorityList = data.priorityList || [];
  // One tooltip for the nodes and one for the lines, filled in the current language when the pointer reaches
  // an item: vis-network shows an item's title after its hover event, so it shows the words of that item.
  // (Building a tooltip for each of thousands of items would hold up the first drawing of a large view.)
  var nodeTipBox = el("div"), edgeTipBox = el("div");
  function fillTip(box, tip) {
    box.textContent = "";
    box.appendChild(tip);
  }
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    var copy = Object.assign({}, n);
    copy.label = lang === "nl" ? n.label_nl : n.label_en;
    copy.title = nodeTipBox;
    copy.font = { color: LABEL_COLOR };
    copy.opacity = 1;
    return copy;
  }));
  // A directed relation takes its arrowhead from the graph's options (see syncArrows); "shares" has none.
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    var copy = Object.assign({ id: "e" + i }, e);
    copy.title = edgeTipBox;
    if (e.arrows === "to") delete copy.arrows;
    return copy;
  }));

  // ------------------------------------------------------------------ filters
  // A node is shown unless its type is unticked, or it belongs to priorities and all of them are unticked,
  // or the filters leave it with no line at all while it had one in the view.
  var lines = {};
  data.edges.forEach(function (e) { lines[e.from] = lines[e.to] = true; });
  function lineKept(e) {
    return !hidden.rel[e.relation] && !(e.basis && hidden.basis[legendBasis(e)]);
  }
  function computeShown() {
    var candidate = {};
    data.nodes.forEach(function (n) {
      if (hidden.kind[n.kind]) return;
      var of = n.priorities || [];
      if (of.length && of.every(function (p) { return hidden.priority[p]; })) return;
      candidate[n.id] = true;
    });
    var linked = {};
    data.edges.forEach(function (e) {
      if (candidate[e.from] && candidate[e.to] && lineKept(e)) linked[e.from] = linked[e.to] = true;
    });
    shown = {};
    data.nodes.forEach(function (n) {
      if (candidate[n.id] && (linked[n.id] || !lines[n.id])) shown[n.id] = true;
    });
  }
  computeShown();
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return shown[n.id] === true; } });
  var edgeView = new vis.DataView(edges, {
    filter: function (e) { return lineKept(e) && shown[e.from] === true && shown[e.to] === true; }
  });
  var container = document.getElementById("graph");
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, data.options);
  network.on("hoverNode", function (params) {
    var n = data.byId[params.node];
    if (n) fillTip(nodeTipBox, nodeTip(n));
  });
  network.on("hoverEdge", function (params) {
    var e = edges.get(params.edge);
    if (e) fillTip(edgeTipBox, edgeTip(e));
  });

  // Arrowheads are drawn when they are at least ARROW_MIN_PX long on the screen, so from some zoom on: a
  // smaller one cannot be told from a dot, and thousands of them, zoomed out, take seconds to draw.
  // vis-network draws an arrowhead 15 units long plus three times the line's width (1 or more).
  var ARROW_MIN_PX = 4, ARROW_UNITS = 18;
  var arrowsOn = null;
  function syncArrows() {
    var on = network.getScale() * ARROW_UNITS >= ARROW_MIN_PX;
    if (on === arrowsOn) return;
    arrowsOn = on;
    // set as a drawing starts (or before the first): held back from drawing once more by itself
    var renderer = network.renderer;
    var allowed = renderer ? renderer.allowRedraw : undefined;
    if (renderer) renderer.allowRedraw = false;
    try {
      network.setOptions({ edges: { arrows: { to: { enabled: on } } } });
    } finally {
      if (renderer) renderer.allowRedraw = allowed;
    }
  }
  syncArrows();
  network.on("initRedraw", syncArrows);

  function applyFilters() {
    computeShown();
    nodeView.refresh();
    edgeView.refresh();
    updateGraphLabel();
    tell("filter");
    updateStatus();
  }

  // The filters as the link keeps them: "kind:law,rel:addresses,basis:reading,priority:2" (a priority by
  // its place in the view's list of priorities).
  var FILTER_KEYS = {
    kind: function () { return data.presentKinds; },
    rel: function () { return data.presentRelations; },
    basis: function () { return data.presentBases; },
    priority: function () { return data.priorityList.map(function (p) { return p.id; }); }
  };
  function filterState() {
    var parts = [];
    Object.keys(FILTER_KEYS).forEach(function (group) {
      FILTER_KEYS[group]().forEach(function (key, i) {
        if (hidden[group][key]) parts.push(group + ":" + (group === "priority" ? i : key));
      });
    });
    return parts.join(",");
  }
  function setFilterState(text) {
    var next = { kind: {}, rel: {}, basis: {}, priority: {} };
    String(text || "").split(",").forEach(function (part) {
      var at = part.indexOf(":");
      var group = part.slice(0, at), key = part.slice(at + 1);
      if (at < 0 || !FILTER_KEYS.hasOwnProperty(group)) return;
      var keys = FILTER_KEYS[group]();
      if (group === "priority") key = /^\d+$/.test(key) ? keys[Number(key)] : undefined;
      if (key !== undefined && keys.indexOf(key) >= 0) next[group][key] = true;
    });
    if (JSON.stringify(next) === JSON.stringify(hidden)) return;
    hidden = next;
    document.querySelectorAll("input[type=checkbox][data-group]").forEach(function (box) {
      box.checked = !hidden[box.dataset.group][box.dataset.key];
    });
    applyFilters();
  }

  // Legend and filters: one checkbox per node kind, relation, basis and priority present in this view.
  function legendRow(list, group, key, label, swatch) {
    var li = el("li");
    var box = el("input");
    box.type = "checkbox";
    box.checked = !hidden[group][key];
    box.dataset.group = group;
    box.dataset.key = key;
    box.addEventListener("change", function () {
      if (box.checked) delete hidden[group][key]; else hidden[group][key] = true;
      applyFilters();
    });
    var lab = el("label");
    lab.appendChild(box);
    lab.appendChild(swatch);
    lab.appendChild(el("span", label));
    li.appendChild(lab);
    list.appendChild(li);
  }
  var kindList = document.getElementById("kinds");
  data.presentKinds.forEach(function (k) {
    var kind = data.kinds[k];
    var sw = el("span", null, "swatch shape-" + kind.shape);
    sw.style.background = kind.color;
    legendRow(kindList, "kind", k, kind[lang], sw);
  });
  var relationList = document.getElementById("relations");
  data.presentRelations.forEach(function (r) {
    var rel = data.relations[r];
    var sw = el("span", null, "line " + rel.style);
    sw.style.borderColor = rel.color;
    legendRow(relationList, "rel", r, rel[lang], sw);
  });
  var basisList = document.getElementById("bases");
  data.presentBases.forEach(function (b) {
    var sw = el("span", null, "line " + data.bases[b].style);
    sw.style.borderColor = "#555";
    legendRow(basisList, "basis", b, data.bases[b]["legend_" + lang], sw);
  });
  // The view's priorities, after the bases: untick one to hide what belongs to it alone.
  var priorityHeading = null, priorityList = null;
  if (data.priorityList.length && basisList) {
    priorityHeading = el("h2", t("priorities"));
    priorityHeading.id = "priorities-title";
    priorityList = el("ul");
    priorityList.id = "priorities";
    priorityList.setAttribute("aria-labelledby", "priorities-title");
    basisList.parentNode.insertBefore(priorityList, basisList.nextSibling);
    basisList.parentNode.insertBefore(priorityHeading, priorityList);
    data.priorityList.forEach(function (p) {
      var sw = el("span", null, "swatch shape-" + data.kinds.priority.shape);
      sw.style.background = p.color || data.kinds.priority.color;
      legendRow(priorityList, "priority", p.id, lang === "nl" ? p.label_nl : p.label_en, sw);
    });
  }

  // Open a node or a line: its tooltip, kept beside the graph (for touch screens and for reading at ease).
  var details = document.getElementById("details");
  var opened = null;
  function showDetails() {
    details.textContent = "";
    if (!opened) return;
    var item = opened.edge ? edges.get(opened.edge) : nodes.get(opened.node);
    if (item) details.appendChild(opened.edge ? edgeTip(item) : nodeTip(item));
  }
  network.on("click", function (params) {
    if (params.nodes.length) opened = { node: params.nodes[0] };
    else if (params.edges.length) opened = { edge: params.edges[0] };
    else opened = null;
    showDetails();
  });

  // What is shown and highlighted (see view-tools.js: search, the panel, reach and shared links; and
  // view-share.js: paths between two nodes).
  var status = document.getElementById("status");
  function highlightedIds() {
    var api = window.policykgView;
    return api && api.highlighted ? api.highlighted() : [];
  }
  function updateStatus() {
    var text = nodeView.length + " / " + nodes.length + " " + t("shown");
    var count = highlightedIds().length;
    if (count) text += " · " + count + " " + t("highlighted");
    var api = window.policykgView;
    var path = api && api.pathStatus ? api.pathStatus() : "";
    if (path) text += " · " + path;
    status.textContent = text;
  }
  function tell(name) {
    document.dispatchEvent(new CustomEvent("policykg:" + name));
  }

  // The graph's accessible name: the view's title and what is drawn of it now. The page names the graph
  // with #graph-name, in both languages; else the graph carries its name itself.
  function titleText(language) {
    var h1 = document.querySelector("header h1");
    if (!h1) return "";
    var own = h1.querySelector("[lang=" + (language || lang) + "]");
    return (own || h1).textContent.trim();
  }
  function graphName(language) {
    function words(n, r) {
      return n + " " + t("nodes", language) + " " + t("and", language) + " " + r + " " + t("relations", language);
    }
    var text = titleText(language) + ": " + t("graph", language) + " " + words(nodeView.length, edgeView.length);
    if (nodeView.length < nodes.length || edgeView.length < edges.length) {
      text += " (" + t("filtered", language) + "; " + words(nodes.length, edges.length) + " " + t("inAll", language) + ")";
    }
    return text;
  }
  function updateGraphLabel() {
    var name = document.getElementById("graph-name");
    var parts = name ? name.querySelectorAll("[lang=en], [lang=nl]") : [];
    if (parts.length) {
      parts.forEach(function (part) { part.textContent = graphName(part.getAttribute("lang")); });
    } else {
      container.setAttribute("aria-label", graphName(lang));
    }
  }

  // Links to the other views carry the language where the browser keeps no storage for pages on disk.
  function updateLinks() {
    document.querySelectorAll("a[href]").forEach(function (a) {
      var href = a.getAttribute("href");
      if (/^[a-z][a-z0-9+.-]*:/i.test(href) || !/^[^#?]+\.html(#.*)?$/.test(href)) return;
      var base = href.replace(/#.*$/, "");
      a.setAttribute("href", lang === DEFAULT_LANG ? base : base + "#lang=" + lang);
    });
  }

  // Words of the page itself: the title and options carry both languages in data-en and data-nl.
  function pageWords() {
    var root = document.documentElement;
    root.lang = lang;
    var title = document.querySelector("title[data-" + lang + "]") || (root.hasAttribute("data-" + lang) ? root : null);
    if (title) document.title = title.getAttribute("data-" + lang);
    document.querySelectorAll("option[data-en][data-nl]").forEach(function (option) {
      option.textContent = option.getAttribute("data-" + lang);
    });
    var legend = document.getElementById("legend");
    if (legend) legend.setAttribute("aria-label", t("legend"));
    if (priorityHeading) priorityHeading.textContent = t("priorities");
  }

  // Language switch for the labels drawn on the graph, the legend and the page's own words.
  function setLang(value, how) {
    if (!known(value)) return;
    if (!how || how.store !== false) storeLang(value);
    lang = value;
    document.querySelectorAll("input[name=lang]").forEach(function (radio) { radio.checked = radio.value === lang; });
    nodes.update(data.nodes.map(function (n) { return { id: n.id, label: lang === "nl" ? n.label_nl : n.label_en }; }));
    document.querySelectorAll("#kinds li span:last-child").forEach(function (span, i) {
      span.textContent = data.kinds[data.presentKinds[i]][lang];
    });
    document.querySelectorAll("#relations li span:last-child").forEach(function (span, i) {
      span.textContent = data.relations[data.presentRelations[i]][lang];
    });
    document.querySelectorAll("#bases li span:last-child").forEach(function (span, i) {
      span.textContent = data.bases[data.presentBases[i]]["legend_" + lang];
    });
    document.querySelectorAll("#priorities li span:last-child").forEach(function (span, i) {
      var p = data.priorityList[i];
      span.textContent = lang === "nl" ? p.label_nl : p.label_en;
    });
    showDetails();
    pageWords();
    updateLinks();
    updateGraphLabel();
    updateStatus();
    tell("lang");
  }
  document.querySelectorAll("input[name=lang]").forEach(function (radio) {
    radio.checked = radio.value === lang;
    radio.addEventListener("change", function () { setLang(radio.value); });
  });

  // On a phone the legend starts folded, leaving the screen to the graph.
  var legendDetails = document.getElementById("legend-details");
  if (legendDetails && window.matchMedia && window.matchMedia("(max-width: 40rem)").matches) {
    legendDetails.removeAttribute("open");
  }

  pageWords();
  updateLinks();
  updateGraphLabel();
  updateStatus();
  window.policykgView = {
    network: network, nodes: nodes, edges: edges, nodeView: nodeView, edgeView: edgeView,
    data: data, edgeTip: edgeTip, nodeTip: nodeTip, basisText: basisText, el: el,
    lang: function () { return lang; }, defaultLang: DEFAULT_LANG, setLang: setLang, updateStatus: updateStatus,
    filterState: filterState, setFilterState: setFilterState, isShown: function (id) { return shown[id] === true; },
    titleText: titleText, graphName: graphName, startHash: location.hash,
    arrowsShown: function () { return arrowsOn === true; },
    highlighted: function () { return []; },
    ready: false
  };
  network.once("afterDrawing", function () {
    window.policykgView.ready = true;
    window.policykgView.drawnAt = performance.now();
    document.body.setAttribute("data-ready", "1");
  });
})();
