// policykg view tools: search with a list of candidates, the panel that shows a node and its relations,
// reach (what a node relies on, and what stalls if it stalls) and links that share what is shown (the
// selection, reach, language, filters, and what view-share.js adds). Runs after view.js, on the objects it
// exposes as window.policykgView. Text from the graph is only ever set with textContent; links are made
// only to http(s) addresses.
(function () {
  "use strict";
  var api = window.policykgView;
  if (!api) return;
  var data = api.data, nodes = api.nodes, edges = api.edges, network = api.network, el = api.el;
  var DIM = "#e4e4e4", DIM_LABEL = "#cccccc", DIM_OPACITY = 0.15, MAX_CANDIDATES = 12;

  var WORDS = {
    en: {
      english: "English", dutch: "Dutch", also: "Also called", type: "Type", page: "Page on the site",
      out: "Relations out", into: "Relations in", none: "none", passage: "passage", close: "Close",
      notFound: "nothing found", matches: "Matching nodes", both: "neighbours", down: "downstream: what stalls if this stalls",
      up: "upstream: what this relies on", all: "all", panel: "Selected node", search: "Search a node"
    },
    nl: {
      english: "Engels", dutch: "Nederlands", also: "Ook genoemd", type: "Soort", page: "Pagina op de site",
      out: "Relaties naar buiten", into: "Relaties naar binnen", none: "geen", passage: "passage", close: "Sluiten",
      notFound: "niets gevonden", matches: "Gevonden knopen", both: "buren", down: "stroomafwaarts: wat stokt als dit stokt",
      up: "stroomopwaarts: waar dit op steunt", all: "alle", panel: "Gekozen knoop", search: "Zoek een knoop"
    }
  };
  function t(key) { return WORDS[api.lang()][key]; }
  function label(n) { return api.lang() === "nl" ? n.label_nl : n.label_en; }
  function isWeb(address) { return typeof address === "string" && /^https?:\/\//i.test(address); }

  // ------------------------------------------------------------------ search
  // Accent- and case-insensitive: decompose, drop the combining marks, lower-case.
  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var index = data.nodes.map(function (n) {
    var names = [{ text: n.label_en, alt: false }, { text: n.label_nl, alt: false }];
    (n.alt_labels || []).forEach(function (a) { names.push({ text: a, alt: true }); });
    names.forEach(function (name) { name.folded = fold(name.text); });
    return { node: n, names: names };
  });

  // 0: the whole name; 1: the start of a word in it; 2: anywhere in it; -1: not in it.
  function rank(folded, q) {
    if (folded === q) return 0;
    var at = folded.indexOf(q);
    if (at < 0) return -1;
    for (; at >= 0; at = folded.indexOf(q, at + 1)) {
      if (at === 0 || /[^\p{L}\p{N}]/u.test(folded.charAt(at - 1))) return 1;
    }
    return 2;
  }

  function find(query) {
    var q = fold(query).trim();
    if (!q) return [];
    var found = [];
    index.forEach(function (entry) {
      var best = null;
      entry.names.forEach(function (name) {
        var r = rank(name.folded, q);
        if (r < 0) return;
        if (!best || r < best.rank || (r === best.rank && best.name.alt && !name.alt)) best = { rank: r, name: name };
      });
      if (best) found.push({ node: entry.node, rank: best.rank, name: best.name });
    });
    found.sort(function (a, b) {
      return a.rank - b.rank || (a.name.alt - b.name.alt) || a.node.label_en.length - b.node.label_en.length ||
        (a.node.label_en < b.node.label_en ? -1 : a.node.label_en > b.node.label_en ? 1 : 0);
    });
    return found.slice(0, MAX_CANDIDATES);
  }

  var search = document.getElementById("search");
  var list = document.getElementById("candidates");
  var status = document.getElementById("status");
  var candidates = [];
  var active = -1;

  function closeList() {
    list.hidden = true;
    search.setAttribute("aria-expanded", "false");
    search.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function showActive() {
    Array.prototype.forEach.call(list.children, function (li, i) {
      li.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    if (active >= 0) {
      search.setAttribute("aria-activedescendant", "candidate-" + active);
      list.children[active].scrollIntoView({ block: "nearest" });
    } else {
      search.removeAttribute("aria-activedescendant");
    }
  }
  function renderList() {
    candidates = find(search.value);
    list.textContent = "";
    list.setAttribute("aria-label", t("matches"));
    candidates.forEach(function (c, i) {
      var li = el("li", null, "candidate");
      li.id = "candidate-" + i;
      li.setAttribute("role", "option");
      li.dataset.node = c.node.id;
      li.appendChild(el("span", label(c.node)));
      if (c.name.alt) li.appendChild(el("span", " (" + c.name.text + ")", "alt"));
      li.appendChild(el("small", data.kinds[c.node.kind][api.lang()], "kind"));
      li.addEventListener("mousedown", function (event) { event.preventDefault(); });
      li.addEventListener("click", function () { choose(i); });
      list.appendChild(li);
    });
    active = -1;
    list.hidden = !candidates.length;
    search.setAttribute("aria-expanded", candidates.length ? "true" : "false");
    showActive();
  }
  function choose(i) {
    var c = candidates[i];
    closeList();
    if (!c) {
      status.textContent = t("notFound");
      return;
    }
    search.value = label(c.node);
    select(c.node.id, { panel: true, returnTo: search });
  }
  search.addEventListener("input", renderList);
  search.addEventListener("blur", closeList);
  search.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (list.hidden) renderList();
      if (!candidates.length) return;
      var step = event.key === "ArrowDown" ? 1 : -1;
      active = (active + step + candidates.length + (active < 0 && step < 0 ? 1 : 0)) % candidates.length;
      showActive();
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (list.hidden) candidates = find(search.value);
      choose(active >= 0 ? active : 0);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      event.stopPropagation();
      closeList();
    }
  });

  // ------------------------------------------------------------------ reach
  var state = { node: null, direction: "both", steps: "1" };
  var reached = [];
  var savedView = null;
  var direction = document.getElementById("reach-direction");
  var steps = document.getElementById("reach-steps");
  // The colours to restore after dimming, read when first needed (not at load: a large view has thousands).
  var originalColours = null;
  function original() {
    if (!originalColours) {
      originalColours = {
        nodes: nodes.get().map(function (n) { return { id: n.id, color: n.color, opacity: 1, font: { color: n.font.color } }; }),
        edges: edges.get().map(function (e) { return { id: e.id, color: e.color }; })
      };
    }
    return originalColours;
  }

  // Downstream follows the lines backwards, to what depends on, falls under or points at the node (what
  // stalls if it stalls); upstream follows them forwards, to what the node relies on. Shown lines only.
  function reachOf(start) {
    var shown = {};
    api.nodeView.getIds().forEach(function (id) { shown[id] = true; });
    var next = {};
    api.edgeView.get().forEach(function (e) {
      if (!shown[e.from] || !shown[e.to]) return;
      if (state.direction !== "down") (next[e.from] = next[e.from] || []).push(e.to);
      if (state.direction !== "up") (next[e.to] = next[e.to] || []).push(e.from);
    });
    var limit = state.steps === "all" ? Infinity : Number(state.steps);
    var seen = {}, order = [start], frontier = [start];
    seen[start] = true;
    for (var depth = 0; depth < limit && frontier.length; depth++) {
      var following = [];
      frontier.forEach(function (id) {
        (next[id] || []).forEach(function (other) {
          if (!seen[other]) { seen[other] = true; order.push(other); following.push(other); }
        });
      });
      frontier = following;
    }
    return order;
  }

  function restoreColours() {
    nodes.update(original().nodes);
    edges.update(original().edges);
  }
  // What is marked: a path between two nodes when view-share.js has one, else the reach of the selection;
  // everything else is dimmed.
  var dimmed = false;
  function applyReach() {
    var path = api.pathMarks ? api.pathMarks() : null;
    if (!path && !state.node) {
      if (dimmed) restoreColours();
      dimmed = false;
      reached = [];
      api.updateStatus();
      return;
    }
    reached = path ? path.nodes.slice() : reachOf(state.node);
    var keep = {};
    reached.forEach(function (id) { keep[id] = true; });
    var keepLine = path ? function (edge) { return path.edges[edge.id] === true; }
      : function (edge) { return keep[edge.from] && keep[edge.to]; };
    var dimColour = { background: DIM, border: DIM, highlight: { background: DIM, border: DIM }, hover: { background: DIM, border: DIM } };
    nodes.update(original().nodes.map(function (n) {
      return keep[n.id] ? n : { id: n.id, color: dimColour, opacity: DIM_OPACITY, font: { color: DIM_LABEL } };
    }));
    var byId = edges.get({ returnType: "Object" });
    edges.update(original().edges.map(function (e) {
      if (keepLine(byId[e.id])) return e;
      return { id: e.id, color: { color: DIM, highlight: DIM, hover: DIM, inherit: false } };
    }));
    dimmed = true;
    api.updateStatus();
  }

  function select(id, how) {
    how = how || {};
    if (!data.byId[id]) return false;
    if (!state.node) savedView = { position: network.getViewPosition(), scale: network.getScale() };
    state.node = id;
    applyReach();
    network.selectNodes([id], false);
    network.fit({ nodes: reached, maxZoomLevel: 1.2, animation: false });
    if (how.panel) openPanel(id, how);
    writeHash();
    return true;
  }

  function clear() {
    state.node = null;
    if (api.clearPath) api.clearPath();
    search.value = "";
    closeList();
    closePanel(false);
    applyReach();
    network.unselectAll();
    if (savedView) network.moveTo({ position: savedView.position, scale: savedView.scale, animation: false });
    else network.fit({ animation: false });
    savedView = null;
    writeHash();
  }

  function setReach(value) {
    var m = /^(both|down|up)-(1|2|3|all)$/.exec(value || "");
    if (!m) return;
    state.direction = direction.value = m[1];
    state.steps = steps.value = m[2];
  }
  function reachChanged() {
    state.direction = direction.value;
    state.steps = steps.value;
    applyReach();
    writeHash();
  }
  direction.addEventListener("change", reachChanged);
  steps.addEventListener("change", reachChanged);
  document.getElementById("clear").addEventListener("click", clear);
  document.addEventListener("policykg:filter", function () {
    applyReach();
    writeHash();
  });

  // ------------------------------------------------------------------ the panel
  var panel = document.getElementById("inspect");
  var title = document.getElementById("inspect-title");
  var body = document.getElementById("inspect-body");
  var closeButton = document.getElementById("inspect-close");
  var container = document.getElementById("graph");
  var shownInPanel = null;
  var returnFocus = null;

  function relationItem(e, outgoing) {
    var li = el("li", null, "relation");
    var relation = data.relations[e.relation];
    var other = data.byId[outgoing ? e.to : e.from];
    li.appendChild(el("span", outgoing ? relation[api.lang()] + " → " : "← " + relation[api.lang()] + " ", "name"));
    var go = el("button", other ? label(other) : (outgoing ? e.to : e.from), "other");
    go.type = "button";
    if (other) go.addEventListener("click", function () { select(other.id, { panel: true, returnTo: returnFocus }); });
    else go.disabled = true;
    li.appendChild(go);
    var basis = api.basisText(e);
    if (basis) li.appendChild(el("div", basis, "basis " + (e.basis === "reading" ? "reading" : "stated")));
    if (e.note) li.appendChild(el("div", e.note, "note"));
    if (e.quote) li.appendChild(el("blockquote", e.quote));
    if (isWeb(e.passage)) {
      var a = el("a", t("passage"));
      a.href = e.passage;
      li.appendChild(a);
    }
    return li;
  }

  function renderPanel() {
    var n = data.byId[shownInPanel];
    if (!n) return;
    panel.setAttribute("aria-label", t("panel") + ": " + label(n));
    closeButton.setAttribute("aria-label", t("close"));
    title.textContent = label(n);
    body.textContent = "";
    var facts = el("dl");
    function fact(name, value) {
      facts.appendChild(el("dt", name));
      facts.appendChild(el("dd", value));
    }
    fact(t("english"), n.label_en);
    fact(t("dutch"), n.label_nl);
    if (n.alt_labels && n.alt_labels.length) fact(t("also"), n.alt_labels.join(", "));
    fact(t("type"), data.kinds[n.kind][api.lang()]);
    body.appendChild(facts);
    if (n.note) body.appendChild(el("p", n.note, "note"));
    if (isWeb(n.id)) {
      var link = el("a", t("page"), "page");
      link.href = n.id;
      body.appendChild(el("p")).appendChild(link);
    }
    [true, false].forEach(function (outgoing) {
      var mine = data.edges.filter(function (e) { return (outgoing ? e.from : e.to) === n.id; });
      body.appendChild(el("h3", t(outgoing ? "out" : "into") + " (" + mine.length + ")"));
      var ul = el("ul", null, outgoing ? "relations-out" : "relations-in");
      mine.forEach(function (e) { ul.appendChild(relationItem(e, outgoing)); });
      if (!mine.length) ul.appendChild(el("li", t("none"), "none"));
      body.appendChild(ul);
    });
    // view-share.js adds its part (paths from and to this node)
    document.dispatchEvent(new CustomEvent("policykg:panel", { detail: { node: n.id, body: body } }));
  }

  function openPanel(id, how) {
    shownInPanel = id;
    if (how.returnTo) returnFocus = how.returnTo;
    panel.hidden = false;
    renderPanel();
    body.scrollTop = 0;
    if (how.focus !== false) title.focus();
  }
  function closePanel(giveBackFocus) {
    if (panel.hidden) return;
    panel.hidden = true;
    shownInPanel = null;
    if (giveBackFocus !== false) (returnFocus && document.contains(returnFocus) ? returnFocus : container).focus();
  }
  closeButton.addEventListener("click", function () { closePanel(); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) closePanel();
  });
  container.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && state.node) {
      event.preventDefault();
      openPanel(state.node, { returnTo: container });
    }
  });
  network.on("click", function (params) {
    if (params.nodes.length) select(params.nodes[0], { panel: true, returnTo: container });
  });

  // ------------------------------------------------------------------ shared links
  // Other parts of the view add their own keys: each writer sets keys on the parameters, each reader reads them.
  var hashWriters = [], hashReaders = [];
  var reading = false;
  function writeHash() {
    if (reading) return;
    var params = new URLSearchParams();
    if (state.node) params.set("node", state.node);
    if (state.node || state.direction !== "both" || state.steps !== "1") params.set("reach", state.direction + "-" + state.steps);
    if (api.lang() !== api.defaultLang) params.set("lang", api.lang());
    if (api.filterState()) params.set("hide", api.filterState());
    hashWriters.forEach(function (write) { write(params); });
    // the filters' ":" and "," may stay as they are in a fragment, which keeps them readable
    var fragment = params.toString().replace(/(^|&)hide=[^&]*/, function (part) {
      return part.replace(/%3A/gi, ":").replace(/%2C/gi, ",");
    });
    var address = location.href.replace(/#.*$/, "") + (fragment ? "#" + fragment : "");
    if (address === location.href) return;
    try {
      history.replaceState(history.state, "", address);
    } catch (err) {
      location.replace("#" + fragment);
    }
  }
  function readHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    reading = true;
    try {
      if (params.get("lang")) api.setLang(params.get("lang"));
      api.setFilterState(params.get("hide") || "");
      setReach(params.get("reach"));
      var node = params.get("node");
      if (node && data.byId[node]) select(node, { panel: true, focus: false });
      else if (state.node) clear();
      hashReaders.forEach(function (read) { read(params); });
      applyReach();
    } finally {
      reading = false;
    }
    writeHash();
  }

  function languageChanged() {
    direction.querySelectorAll("option:not([data-en])").forEach(function (o) { o.textContent = t(o.value); });
    steps.querySelectorAll("option[value=all]:not([data-en])").forEach(function (o) { o.textContent = t("all"); });
    search.setAttribute("placeholder", t("search"));
    search.setAttribute("aria-label", t("search"));
    if (!list.hidden) renderList();
    if (shownInPanel) renderPanel();
    writeHash();
  }
  document.addEventListener("policykg:lang", languageChanged);
  window.addEventListener("hashchange", readHash);

  api.find = find;
  api.select = select;
  api.clear = clear;
  api.clearHighlight = clear;
  api.highlight = function (query) { search.value = query; candidates = find(query); choose(0); };
  api.highlighted = function () { return reached.slice(); };
  api.selected = function () { return state.node; };
  api.reach = function () { return state.direction + "-" + state.steps; };
  api.original = original;
  api.refreshMarks = applyReach;
  api.writeHash = writeHash;
  api.readHash = readHash;
  api.onHash = function (write, read) {
    hashWriters.push(write);
    hashReaders.push(read);
  };
  readHash();
  languageChanged();
})();
