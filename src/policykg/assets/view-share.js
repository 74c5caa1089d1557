// policykg view sharing: paths between two nodes, PNG export and printing.
// Runs after view.js, view-tools.js and view-labels.js, on window.policykgView. Text from the graph is only
// ever set with textContent.
(function () {
  "use strict";
  var api = window.policykgView;
  if (!api || !api.onHash) return;
  var network = api.network, el = api.el, data = api.data;
  var container = document.getElementById("graph");
  var WORDS = {
    en: {
      path: "Path", pathFrom: "Path from here", pathTo: "Path to here", from: "from", to: "to",
      chooseTo: "open another node and choose “Path to here”", chooseFrom: "open another node and choose “Path from here”",
      lines: "Lines", either: "either way", arrows: "following the arrows",
      ignoring: "ignoring direction", following: "following the arrows",
      one: "shortest path", many: "shortest paths", of: "of", step: "step", steps: "steps",
      none: "no path", hidden: "no path: an end is hidden by a filter", same: "start and end are the same node",
      png: "Download PNG"
    },
    nl: {
      path: "Pad", pathFrom: "Pad vanaf hier", pathTo: "Pad naar hier", from: "van", to: "naar",
      chooseTo: "open een andere knoop en kies “Pad naar hier”", chooseFrom: "open een andere knoop en kies “Pad vanaf hier”",
      lines: "Lijnen", either: "beide richtingen", arrows: "met de pijlen mee",
      ignoring: "richting genegeerd", following: "met de pijlen mee",
      one: "kortste pad", many: "kortste paden", of: "van", step: "stap", steps: "stappen",
      none: "geen pad", hidden: "geen pad: een eind is verborgen door een filter", same: "begin en eind zijn dezelfde knoop",
      png: "PNG downloaden"
    }
  };
  function t(key) { return WORDS[api.lang()][key]; }
  function label(id) {
    var n = data.byId[id];
    return n ? (api.lang() === "nl" ? n.label_nl : n.label_en) : id;
  }

  // ------------------------------------------------------------------ paths
  // Every shortest path between two nodes over the lines shown now, ignoring their direction or following it.
  var path = { from: null, to: null, follow: false };
  var found = null;

  function link(map, a, b, id) {
    var next = map[a] || (map[a] = Object.create(null));
    (next[b] || (next[b] = [])).push(id);
  }
  // Distances from start and how many shortest paths reach each node.
  function breadthFirst(next, start) {
    var dist = Object.create(null), count = Object.create(null), queue = [start];
    dist[start] = 0;
    count[start] = 1;
    for (var i = 0; i < queue.length; i++) {
      var u = queue[i];
      Object.keys(next[u] || {}).forEach(function (v) {
        if (dist[v] === undefined) {
          dist[v] = dist[u] + 1;
          count[v] = 0;
          queue.push(v);
        }
        if (dist[v] === dist[u] + 1) count[v] += count[u];
      });
    }
    return { dist: dist, count: count };
  }
  function shortestPaths(from, to, follow) {
    var result = { count: 0, steps: -1, nodes: [], edges: {}, hidden: false };
    if (!api.isShown(from) || !api.isShown(to)) {
      result.hidden = true;
      return result;
    }
    var forth = Object.create(null), back = Object.create(null);
    api.edgeView.get().forEach(function (e) {
      link(forth, e.from, e.to, e.id);
      link(back, e.to, e.from, e.id);
      if (!follow) {
        link(forth, e.to, e.from, e.id);
        link(back, e.from, e.to, e.id);
      }
    });
    var a = breadthFirst(forth, from), b = breadthFirst(back, to);
    var d = a.dist[to];
    if (d === undefined) return result;
    result.steps = d;
    result.count = a.count[to];
    result.nodes = Object.keys(a.dist).filter(function (n) {
      return b.dist[n] !== undefined && a.dist[n] + b.dist[n] === d;
    }).sort(function (x, y) { return a.dist[x] - a.dist[y]; });
    result.nodes.forEach(function (u) {
      var next = forth[u] || {};
      Object.keys(next).forEach(function (v) {
        if (b.dist[v] !== undefined && a.dist[u] + 1 + b.dist[v] === d) {
          next[v].forEach(function (id) { result.edges[id] = true; });
        }
      });
    });
    return result;
  }

  // What view-tools.js marks: the paths' nodes and lines; with no path, the two ends; null while one is missing.
  api.pathMarks = function () {
    found = path.from && path.to ? shortestPaths(path.from, path.to, path.follow) : null;
    showPath();
    if (!found) return null;
    if (found.count) return { nodes: found.nodes, edges: found.edges };
    return { nodes: [path.from, path.to].filter(api.isShown), edges: {} };
  };
  function resultText() {
    if (!found) return "";
    if (found.hidden) return t("hidden");
    if (!found.count) return t("none");
    if (!found.steps) return t("same");
    return found.count + " " + t(found.count === 1 ? "one" : "many") + " " + t("of") + " " + found.steps + " " +
      t(found.steps === 1 ? "step" : "steps") + ", " + t(path.follow ? "following" : "ignoring");
  }
  api.pathStatus = function () {
    if (path.from && path.to) return resultText();
    if (path.from) return t("path") + " " + t("from") + " " + label(path.from) + ": " + t("chooseTo");
    if (path.to) return t("path") + " " + t("to") + " " + label(path.to) + ": " + t("chooseFrom");
    return "";
  };
  api.path = function () {
    return { from: path.from, to: path.to, follow: path.follow, count: found ? found.count : 0,
      steps: found ? found.steps : -1, nodes: found ? found.nodes.slice() : [],
      edges: found ? Object.keys(found.edges) : [] };
  };

  // The bar in the controls: the two ends and whether lines are followed in their direction.
  var clearButton = document.getElementById("clear");
  var bar = el("span", null, "path-bar");
  bar.id = "path-bar";
  bar.setAttribute("role", "group");
  bar.hidden = true;
  var ends = el("span");
  ends.id = "path-ends";
  var wayLabel = el("label");
  var wayWord = el("span");
  var way = el("select");
  way.id = "path-way";
  ["either", "arrows"].forEach(function (value) {
    var option = el("option");
    option.value = value;
    way.appendChild(option);
  });
  wayLabel.appendChild(wayWord);
  wayLabel.appendChild(document.createTextNode(" "));
  wayLabel.appendChild(way);
  bar.appendChild(ends);
  bar.appendChild(document.createTextNode(" · "));
  bar.appendChild(wayLabel);
  way.addEventListener("change", function () {
    path.follow = way.value === "arrows";
    changed(true);
  });

  // The panel's part: make the node shown there one end of a path.
  var panelPart = null;
  document.addEventListener("policykg:panel", function (event) {
    var id = event.detail.node;
    var part = el("div", null, "path");
    part.appendChild(el("h3", t("path")));
    var buttons = el("p", null, "path-buttons");
    [["pathFrom", "from"], ["pathTo", "to"]].forEach(function (pair) {
      var button = el("button", t(pair[0]));
      button.type = "button";
      button.id = "path-" + pair[1];
      button.addEventListener("click", function () { setEnd(pair[1], id); });
      buttons.appendChild(button);
      buttons.appendChild(document.createTextNode(" "));
    });
    part.appendChild(buttons);
    var said = el("p", null, "path-result");
    said.setAttribute("aria-live", "polite");
    part.appendChild(said);
    // after the node's names and type, before its relations
    var body = event.detail.body;
    body.insertBefore(part, body.querySelector("h3"));
    panelPart = said;
    showPath();
  });

  function showPath() {
    var text = api.pathStatus();
    bar.hidden = !path.from && !path.to;
    ends.textContent = "";
    if (path.from) ends.textContent = t("path") + " " + t("from") + " " + label(path.from);
    if (path.to) ends.textContent += (path.from ? " " + t("to") : t("path") + " " + t("to")) + " " + label(path.to);
    if (panelPart && document.contains(panelPart)) panelPart.textContent = text;
  }

  // After the ends or the direction change: mark the paths, show them, and keep them in the link.
  function changed(fit) {
    api.refreshMarks();
    if (fit && found && found.count) network.fit({ nodes: found.nodes, maxZoomLevel: 1.2, animation: false });
    showPath();
    api.updateStatus();
    api.writeHash();
  }
  function setEnd(end, id) {
    if (!data.byId[id]) return;
    path[end] = id;
    changed(true);
  }
  api.pathBetween = function (from, to, follow) {
    path.from = data.byId[from] ? from : null;
    path.to = data.byId[to] ? to : null;
    path.follow = !!follow;
    way.value = path.follow ? "arrows" : "either";
    changed(true);
  };
  // Called by Clear (view-tools.js), which then restores the colours.
  api.clearPath = function () {
    path.from = path.to = null;
    found = null;
    showPath();
  };

  function readPath(params) {
    path.from = data.byId[params.get("from")] ? params.get("from") : null;
    path.to = data.byId[params.get("to")] ? params.get("to") : null;
    path.follow = params.get("path") === "arrows";
    way.value = path.follow ? "arrows" : "either";
  }
  api.onHash(function (params) {
    if (path.from) params.set("from", path.from);
    if (path.to) params.set("to", path.to);
    if ((path.from || path.to) && path.follow) params.set("path", "arrows");
  }, readPath);
  document.addEventListener("policykg:filter", showPath);

  // ------------------------------------------------------------------ PNG
  // vis-network draws at the screen's pixel ratio; for an export or a print it draws at a higher one for a
  // while (the method is vis-network 9's own; without it the picture is drawn at the screen's ratio).
  function setRatio(ratio) {
    var canvas = network.canvas;
    if (!canvas || typeof canvas._determinePixelRatio !== "function") return false;
    if (ratio) canvas._determinePixelRatio = function () { return ratio; };
    else delete canvas._determinePixelRatio;
    return true;
  }
  function slug() {
    var name = decodeURIComponent(location.pathname.split("/").pop() || "").replace(/\.html?$/i, "");
    return name.replace(/[^A-Za-z0-9._-]+/g, "-") || "view";
  }
  function picture() {
    var raised = setRatio(Math.max(2, window.devicePixelRatio || 1));
    network.redraw();
    var source = container.querySelector("canvas");
    var scale = source.width / (source.clientWidth || source.width);
    var band = Math.round(40 * scale);
    var out = document.createElement("canvas");
    out.width = source.width;
    out.height = source.height + band;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(source, 0, band);
    ctx.fillStyle = "#1b1b1b";
    ctx.font = "600 " + Math.round(18 * scale) + "px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    ctx.fillText(api.titleText(), Math.round(12 * scale), band / 2, out.width - Math.round(24 * scale));
    if (raised) {
      setRatio(null);
      network.redraw();
    }
    return out;
  }
  function downloadPng() {
    picture().toBlob(function (blob) {
      if (!blob) return;
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = slug() + ".png";
      a.hidden = true;
      document.body.appendChild(a);
      a.click();
      setTimeout(function () {
        URL.revokeObjectURL(a.href);
        a.remove();
      }, 1000);
    }, "image/png");
  }
  var pngButton = el("button");
  pngButton.type = "button";
  pngButton.id = "download-png";
  pngButton.addEventListener("click", downloadPng);
  if (clearButton) {
    clearButton.parentNode.insertBefore(bar, clearButton.nextSibling);
    clearButton.parentNode.insertBefore(pngButton, clearButton.nextSibling);
  }
  api.picture = picture;

  // ------------------------------------------------------------------ print
  // The graph's box on paper (view-print.css gives #graph the same size), in CSS pixels of 1/96 inch.
  var PRINT_MM = { width: 190, height: 165 };
  function px(mm) { return Math.round(mm * 96 / 25.4); }
  function relabel() {
    if (typeof api.relabel === "function") api.relabel();
  }
  var printing = null;
  function beforePrint() {
    if (printing) return;
    var legend = document.getElementById("legend-details");
    printing = {
      legendOpen: legend ? legend.open : null,
      position: network.getViewPosition(),
      scale: network.getScale(),
      raised: setRatio(2)
    };
    if (legend) legend.open = true;
    network.setSize(px(PRINT_MM.width) + "px", px(PRINT_MM.height) + "px");
    network.redraw();
    network.fit({ animation: false });
    relabel();
    network.redraw();
  }
  function afterPrint() {
    if (!printing) return;
    var was = printing;
    printing = null;
    if (was.raised) setRatio(null);
    var legend = document.getElementById("legend-details");
    if (legend && was.legendOpen !== null) legend.open = was.legendOpen;
    network.setSize("100%", "100%");
    network.redraw();
    network.moveTo({ position: was.position, scale: was.scale, animation: false });
    relabel();
    network.redraw();
  }
  window.addEventListener("beforeprint", beforePrint);
  window.addEventListener("afterprint", afterPrint);

  // ------------------------------------------------------------------ words
  function languageChanged() {
    bar.setAttribute("aria-label", t("path"));
    wayWord.textContent = t("lines");
    way.querySelectorAll("option").forEach(function (option) { option.textContent = t(option.value); });
    pngButton.textContent = t("png");
    document.querySelectorAll("#path-from").forEach(function (b) { b.textContent = t("pathFrom"); });
    document.querySelectorAll("#path-to").forEach(function (b) { b.textContent = t("pathTo"); });
    document.querySelectorAll(".path h3").forEach(function (h) { h.textContent = t("path"); });
    showPath();
  }
  document.addEventListener("policykg:lang", languageChanged);
  languageChanged();

  // A shared link's path, from the link as it was opened (view-tools.js has rewritten it since).
  readPath(new URLSearchParams(api.startHash.replace(/^#/, "")));
  if (path.from || path.to) changed(true);
})();
