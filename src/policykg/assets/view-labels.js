// policykg view labels: which node labels are drawn, and at what size, so that every label drawn is
// readable and none overlaps another. Runs after view.js, on window.policykgView.
//
// Like a map: every label drawn has the same size on screen whatever the zoom, with a white outline, and
// the labels are placed greedily, most important node first (the selected node, the priorities, what is
// highlighted, then the biggest and most linked nodes); a label is drawn only if it keeps clear of every
// label placed before it (and, but for the first two, of the nodes). Zooming in spreads the nodes apart,
// so more labels fit. The names stay in the page's data (label_en, label_nl); a node without room gets an
// empty label. The labels are placed again after the view or the data change.
(function () {
  "use strict";
  var api = window.policykgView;
  if (!api) return;
  var network = api.network, nodes = api.nodes, data = api.data;

  var PX = 12;          // label size on screen, CSS px
  var WRAP = 150;       // widest line on screen before a label wraps, CSS px
  var GAP = 2;          // least room between two labels, CSS px
  var CORE = 0.5;       // share of a node's size that no other node's label may cover
  var HALO = 3;         // width of the white outline that keeps a label readable over lines, CSS px
  var CELL = 64;        // side of a cell of the grid that finds neighbouring labels, CSS px
  var DELAY = 120;      // wait after zooming, panning or resizing, ms
  var SENDER = "policykg-labels";
  var nodeFont = ((data.options || {}).nodes || {}).font || {};
  var FACE = nodeFont.face || "arial";

  var measure = document.createElement("canvas").getContext("2d");
  var applied = {};     // id -> what this script last set: {label, size, wrap}
  var touched = {};     // ids another script updated since
  var degree = null;    // id -> number of lines shown at the node
  var lastView = null;  // the view of the last placement
  var timer = null, soon = false, drawn = false;

  // ------------------------------------------------------------------ text size, as vis-network finds it
  // vis-network (LabelSplitter) wraps a label at widthConstraint.maximum: it takes the longest run of
  // words that fits, measuring the run joined with an extra space per gap, and cuts a word too long for a
  // line of its own after the first letter that does not fit. The lines are then measured as written.
  function width(text) {
    return text === "" ? 0 : measure.measureText(text).width;
  }
  function textSize(text, font, size, max) {
    measure.font = font.replace(/"/g, "");
    var lines = [];
    String(text).replace(/\r\n/g, "\n").replace(/\r/g, "\n").split("\n").forEach(function (line) {
      line = line.replace(/^( +)/g, "$1\r").replace(/([^\r][^ ]*)( +)/g, "$1\r$2\r");
      var words = line.split("\r");
      while (words.length > 0) {
        var fit = 0, run = "";
        while (fit < words.length) {
          var longer = run + (run === "" ? "" : " ") + words[fit];
          if (width(longer) > max) break;
          run = longer;
          fit++;
        }
        if (fit === 0) {
          var word = words[0], cut = 0;
          while (cut < word.length && !(width(word.slice(0, cut)) > max)) cut++;
          lines.push(width(word.slice(0, cut)));
          words[0] = word.slice(cut);
        } else {
          var next = fit;
          if (words[fit - 1] === " ") fit--;
          else if (words[next] === " ") next++;
          lines.push(width(words.slice(0, fit).join("")));
          words = words.slice(next);
        }
      }
    });
    if (lines.length && lines[lines.length - 1] === 0) lines.pop();
    return { width: lines.length ? Math.max.apply(null, lines) : 0, height: lines.length * size };
  }

  // The widest single word of a label, in the units of ``font``.
  function longestWord(text, font) {
    measure.font = font.replace(/"/g, "");
    var widest = 0;
    String(text).split(/\s+/).forEach(function (word) { widest = Math.max(widest, width(word)); });
    return widest;
  }

  // ------------------------------------------------------------------ a grid of placed boxes
  function Grid() { this.cells = new Map(); }
  Grid.prototype.each = function (box, visit) {
    var i0 = Math.floor((box.left - GAP) / CELL), i1 = Math.floor((box.right + GAP) / CELL);
    var j0 = Math.floor((box.top - GAP) / CELL), j1 = Math.floor((box.bottom + GAP) / CELL);
    for (var i = i0; i <= i1; i++) {
      for (var j = j0; j <= j1; j++) {
        if (visit((i + 4096) * 8192 + (j + 4096)) === false) return false;
      }
    }
    return true;
  };
  // Whether the box keeps at least gap (GAP unless given) from every box in the grid but its node's own.
  Grid.prototype.free = function (box, gap) {
    var cells = this.cells;
    if (gap === undefined) gap = GAP;
    return this.each(box, function (key) {
      var list = cells.get(key);
      if (!list) return true;
      for (var k = 0; k < list.length; k++) {
        var other = list[k];
        if (other.id !== undefined && other.id === box.id) continue;
        if (box.left < other.right + gap && other.left < box.right + gap &&
            box.top < other.bottom + gap && other.top < box.bottom + gap) return false;
      }
      return true;
    });
  };
  Grid.prototype.put = function (box) {
    var cells = this.cells;
    this.each(box, function (key) {
      var list = cells.get(key);
      if (list) list.push(box); else cells.set(key, [box]);
    });
  };

  // ------------------------------------------------------------------ which labels, and where
  function labelOf(id) {
    var n = data.byId[id];
    if (!n) return "";
    return (api.lang() === "nl" ? n.label_nl : n.label_en) || "";
  }

  function countDegree() {
    degree = {};
    api.edgeView.get({ fields: ["from", "to"] }).forEach(function (e) {
      degree[e.from] = (degree[e.from] || 0) + 1;
      degree[e.to] = (degree[e.to] || 0) + 1;
    });
  }

  function asSet(list) {
    var set = {};
    (list || []).forEach(function (id) { set[id] = true; });
    return set;
  }

  // The view: scale, where canvas point (0, 0) is on screen, and the canvas's size.
  function currentView() {
    var canvas = network.canvas && network.canvas.frame && network.canvas.frame.canvas;
    var frame = canvas || document.getElementById("graph");
    var origin = network.canvasToDOM({ x: 0, y: 0 });
    return { scale: network.getScale(), x: origin.x, y: origin.y, width: frame.clientWidth, height: frame.clientHeight };
  }
  function sameView(a, b) {
    return a && b && a.scale === b.scale && a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
  }

  // Place the labels for the current view.
  function place() {
    var view = currentView();
    lastView = view;
    if (!(view.scale > 0) || !view.width || !view.height) return;
    if (!degree) countDegree();
    var scale = view.scale, size = PX / scale, wrap = WRAP / scale;
    var font = size + "px " + FACE;
    var chosen = asSet(network.getSelectedNodes());
    var selected = api.selected ? api.selected() : null;
    if (selected) chosen[selected] = true;
    var highlighted = asSet(api.highlighted ? api.highlighted() : []);
    var body = network.body.nodes;

    var candidates = [];
    var shown = api.nodeView.getIds();
    shown.forEach(function (id) {
      var node = body[id], item = data.byId[id];
      if (!node || !item) return;
      var x = node.x * scale + view.x, y = node.y * scale + view.y;
      if (x < 0 || x > view.width || y < 0 || y > view.height) return;
      var rank = chosen[id] ? 0 : item.kind === "priority" ? 1 : highlighted[id] ? 2 : 3;
      candidates.push({ id: id, node: node, x: x, y: y, rank: rank, size: node.options.size || 0, degree: degree[id] || 0 });
    });
    candidates.sort(function (a, b) {
      return a.rank - b.rank || b.size - a.size || b.degree - a.degree || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });

    // Greedy placement. A label is kept if its box on screen keeps clear of every label kept before it.
    // But for the selected node and the priorities, it must also lie inside the canvas, keep clear of the
    // shapes of the priorities and of the nodes labelled before it and of the middle of every other node,
    // and its own node's shape must not lie under a label kept before: each label reads as its node's, and
    // no node is hidden under a label.
    var labels = new Grid(), shapes = new Grid();
    var placed = {};
    function shapeOf(c, part) {
      var half = c.size * scale * part;
      return { id: c.id, left: c.x - half, right: c.x + half, top: c.y - half, bottom: c.y + half };
    }
    candidates.forEach(function (c) {
      if (c.node.options.shape !== "ellipse") shapes.put(shapeOf(c, c.rank === 1 ? 1 : CORE));
    });
    candidates.forEach(function (c) {
      var text = labelOf(c.id);
      if (!text) return;
      var holds = c.node.options.shape === "ellipse";
      // vis-network draws a label under the shape, its top at y + size + font size / 2 + 4 (canvas units);
      // an ellipse holds its label, and grows around it.
      var top = holds ? c.y - PX / 2 : c.y + (c.size + size / 2 + 4) * scale;
      // Every label covers this stroke down its middle: when it is taken, nothing need be measured.
      if (!labels.free({ left: c.x, right: c.x, top: top, bottom: top + PX })) return;
      var bold = c.node.isSelected && c.node.isSelected();
      var face = (bold ? "bold " : "") + font;
      // a word longer than the wrap widens its label's lines rather than being cut in two
      var own = Math.max(wrap, longestWord(text, face) + 1);
      var measured = textSize(text, face, size, own);
      var w = measured.width * scale, h = measured.height * scale;
      var box = holds
        ? { id: c.id, left: c.x - (w + h) / 2, right: c.x + (w + h) / 2, top: c.y - h, bottom: c.y + h }
        : { id: c.id, left: c.x - w / 2, right: c.x + w / 2, top: top, bottom: top + h };
      var out = box.left < 0 || box.right > view.width || box.top < 0 || box.bottom > view.height;
      if ((out && c.rank > 1) || !labels.free(box)) return;
      var shape = holds ? box : shapeOf(c, 1);
      if (c.rank > 1 && (!shapes.free(box, 0) || !labels.free(shape, 0))) return;
      labels.put(box);
      if (!holds) shapes.put(shape);
      placed[c.id] = { text: text, wrap: own };
    });

    // One batch of changes: only what differs from what this script set before, or what another script
    // has overwritten since (its colours and the rest of the font are kept).
    var changes = [];
    shown.forEach(function (id) {
      var text = placed[id] ? placed[id].text : "";
      var own = placed[id] ? placed[id].wrap : wrap;
      var was = applied[id];
      var want = text ? { label: text, size: size, wrap: own } : { label: "" };
      if (!touched[id] && was && was.label === want.label && (!text || (was.size === size && was.wrap === own))) return;
      var change = { id: id, label: text };
      if (text) {
        var item = nodes.get(id);
        change.font = Object.assign({}, item && item.font, { size: size, strokeWidth: HALO / scale, strokeColor: "#ffffff" });
        change.widthConstraint = { maximum: own };
      }
      changes.push(change);
      applied[id] = want;
      delete touched[id];
    });
    if (changes.length) update(changes);
  }

  // vis-network redraws the whole graph at once on every change to its data when physics is off; the
  // change is made with drawing held back, and the graph is drawn once, at the next frame.
  function update(changes) {
    var renderer = network.renderer;
    var allowed = renderer ? renderer.allowRedraw : undefined;
    if (renderer) renderer.allowRedraw = false;
    try {
      nodes.update(changes, SENDER);
    } finally {
      if (renderer) renderer.allowRedraw = allowed;
    }
    network.body.emitter.emit("_requestRedraw");
  }

  // ------------------------------------------------------------------ when to place the labels again
  function relabelNow() {
    if (timer) { clearTimeout(timer); timer = null; }
    soon = false;
    place();
  }
  // Before the next drawing (after the current script and its own changes are done).
  function relabelSoon() {
    if (!drawn || soon) return;
    soon = true;
    Promise.resolve().then(function () { if (soon) relabelNow(); });
  }
  // Once the view has settled.
  function relabelLater() {
    if (!drawn) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(relabelNow, DELAY);
  }

  // The first placement waits for the first drawing and for the page around the graph to be complete
  // (the scripts after this one add controls above it). vis-network is told the graph's final size first:
  // else its own check would find it later and draw the whole graph once more.
  var painted = api.ready === true;
  function start() {
    if (drawn || !painted || document.readyState === "loading") return;
    drawn = true;
    if (typeof network.setSize === "function") network.setSize();
    relabelNow();
  }
  if (!painted) network.once("afterDrawing", function () { painted = true; start(); });
  document.addEventListener("DOMContentLoaded", start);

  network.on("afterDrawing", function () {
    if (drawn && !soon && !sameView(lastView, currentView())) relabelLater();
  });
  network.on("zoom", relabelLater);
  network.on("animationFinished", relabelSoon);
  network.on("dragEnd", relabelSoon);
  network.on("select", relabelSoon);
  network.on("deselectNode", relabelSoon);
  window.addEventListener("resize", relabelLater);
  document.addEventListener("policykg:filter", function () { degree = null; relabelSoon(); });
  document.addEventListener("policykg:lang", relabelSoon);
  // Another script changed nodes (view-tools dims them and writes their whole font; view.js writes every
  // label on a change of language): note which labels it may have overwritten, and place them again.
  nodes.on("*", function (event, properties, sender) {
    if (sender === SENDER) return;
    var items = (properties && properties.items) || [];
    var changed = (properties && properties.data) || [];
    items.forEach(function (id, i) {
      var fields = changed[i] || { label: true };
      if ("label" in fields || (applied[id] && applied[id].label && ("font" in fields || "widthConstraint" in fields))) {
        touched[id] = true;
      }
    });
    relabelSoon();
  });

  // For another script (print, image export) that resized the canvas: place the labels again now. They are
  // drawn at the next frame, or at once by network.redraw().
  api.relabel = function () {
    if (drawn) relabelNow();
  };
})();
