// policykg view: draws one graph with vis-network, with a legend, filters and a language switch; search,
// the panel, reach and shared links are in view-tools.js. Text from the graph is only ever set with textContent, never parsed as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var lang = data.lang || "en";
  var hiddenKinds = {};
  var hiddenRelations = {};
  var hiddenBases = {};
  var LABEL_COLOR = "#343434";

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
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    var copy = Object.assign({}, n);
    copy.label = lang === "nl" ? n.label_nl : n.label_en;
    copy.title = nodeTip(n);
    copy.font = { color: LABEL_COLOR };
    copy.opacity = 1;
    return copy;
  }));
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    var copy = Object.assign({ id: "e" + i }, e);
    copy.title = edgeTip(e);
    copy.font = { color: LABEL_COLOR };
    return copy;
  }));
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return !hiddenKinds[n.kind]; } });
  var edgeView = new vis.DataView(edges, {
    filter: function (e) { return !hiddenRelations[e.relation] && !(e.basis && hiddenBases[legendBasis(e)]); }
  });
  var container = document.getElementById("graph");
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, data.options);

  // Legend and filters: one checkbox per node kind and per relation present in this view.
  function legendRow(list, key, label, swatch, hidden) {
    var li = el("li");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset.key = key;
    box.addEventListener("change", function () {
      if (box.checked) delete hidden[key]; else hidden[key] = true;
      nodeView.refresh();
      edgeView.refresh();
      tell("filter");
      updateStatus();
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
    legendRow(kindList, k, kind[lang], sw, hiddenKinds);
  });
  var relationList = document.getElementById("relations");
  data.presentRelations.forEach(function (r) {
    var rel = data.relations[r];
    var sw = el("span", null, "line " + rel.style);
    sw.style.borderColor = rel.color;
    legendRow(relationList, r, rel[lang], sw, hiddenRelations);
  });
  var basisList = document.getElementById("bases");
  data.presentBases.forEach(function (b) {
    var sw = el("span", null, "line " + data.bases[b].style);
    sw.style.borderColor = "#555";
    legendRow(basisList, b, data.bases[b]["legend_" + lang], sw, hiddenBases);
  });

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

  // What is highlighted (see view-tools.js: search, the panel, reach and shared links).
  var status = document.getElementById("status");
  function highlightedIds() {
    var api = window.policykgView;
    return api && api.highlighted ? api.highlighted() : [];
  }
  function updateStatus() {
    var text = nodeView.length + " / " + nodes.length + " " + (lang === "nl" ? "knopen zichtbaar" : "nodes shown");
    var count = highlightedIds().length;
    if (count) text += " · " + count + (lang === "nl" ? " gemarkeerd" : " highlighted");
    status.textContent = text;
  }
  function tell(name) {
    document.dispatchEvent(new CustomEvent("policykg:" + name));
  }

  // Language switch for the labels drawn on the graph and in the legend.
  function setLang(value) {
    if (value !== "en" && value !== "nl") return;
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
    edges.update(edges.get().map(function (e) { return { id: e.id, title: edgeTip(e) }; }));
    showDetails();
    document.documentElement.lang = lang;
    updateStatus();
    tell("lang");
  }
  document.querySelectorAll("input[name=lang]").forEach(function (radio) {
    radio.checked = radio.value === lang;
    radio.addEventListener("change", function () { setLang(radio.value); });
  });

  updateStatus();
  window.policykgView = {
    network: network, nodes: nodes, edges: edges, nodeView: nodeView, edgeView: edgeView,
    data: data, edgeTip: edgeTip, nodeTip: nodeTip, basisText: basisText, el: el,
    lang: function () { return lang; }, setLang: setLang, updateStatus: updateStatus,
    highlighted: function () { return []; },
    ready: false
  };
  network.once("afterDrawing", function () {
    window.policykgView.ready = true;
    window.policykgView.drawnAt = performance.now();
    document.body.setAttribute("data-ready", "1");
  });
})();
