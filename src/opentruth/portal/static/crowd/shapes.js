/*
 * Vertex tools, all with "inputImageProperties": {"height", "width"} beside the shapes
 * (+ "initialValueModified" when an initial-value was given):
 *   crowd-keypoint  "keypoints": [{"label", "x", "y"}]                 click to place, drag to move
 *   crowd-polygon   "polygons":  [{"label", "vertices": [{"x","y"}]}]  click vertices; click the first
 *                                                                       one, double-click or Finish to close
 *   crowd-line      "lines":     [{"label", "vertices": [2 points]}]   drag from start to end
 *   crowd-polyline  "polylines": [{"label", "vertices": [{"x","y"}]}]  click vertices; double-click,
 *                                                                       Finish or Escape to end
 * Every vertex of the selected shape can be dragged; Delete removes the selected shape.
 */
(function (CE) {
  "use strict";
  var h = CE.h;

  function readShapes(raw, key) {
    // initial-value is a list, or (line/polyline) an object holding the list under `key`.
    var list = Array.isArray(raw) ? raw : raw && Array.isArray(raw[key]) ? raw[key] : [];
    return list.filter(function (s) { return s && typeof s === "object"; }).map(function (s) {
      var vs = Array.isArray(s.vertices) ? s.vertices : [{ x: s.x, y: s.y }];
      return { label: String(s.label), vertices: vs.filter(function (v) { return v && isFinite(v.x) && isFinite(v.y); })
        .map(function (v) { return { x: +v.x, y: +v.y }; }) };
    }).filter(function (s) { return s.vertices.length > 0; });
  }

  function vertexTool(kind, key, noun) {
    var closed = kind === "polygon";
    var minVertices = kind === "keypoint" ? 1 : kind === "polygon" ? 3 : 2;

    return class extends CE.ImageTool {
      get shapeNoun() { return noun; }
      hintText() {
        return {
          keypoint: "Click to place a point with the chosen label; drag to move it.",
          polygon: "Click to add vertices; click the first vertex, double-click or Finish to close.",
          line: "Drag from the start to the end of a line; drag an end to adjust it.",
          polyline: "Click to add vertices; double-click, Finish or Escape to end the line.",
        }[kind];
      }
      toolButtons() {
        if (kind !== "polygon" && kind !== "polyline") return null;
        var self = this;
        return h("button", { type: "button", class: "btn", "data-action": "finish", text: "Finish",
          onclick: function () { self.finish(); } });
      }
      loadInitial() {
        this._shapes = readShapes(CE.attrValue(this, "initial-value", []), key);
      }
      answerShapes() {
        return this.shapesState().map(function (s) {
          if (kind === "keypoint") return { label: s.label, x: Math.round(s.vertices[0].x), y: Math.round(s.vertices[0].y) };
          return { label: s.label, vertices: CE.roundVertices(s.vertices) };
        });
      }
      crowdAnswer() {
        var out = { inputImageProperties: this.imageProperties() };
        out[key] = this.answerShapes();
        return this.withModified(out);
      }
      crowdRestore(v) {
        this.draft = null;
        if (v === null) this.loadInitial();
        else if (v && Array.isArray(v[key])) this._shapes = readShapes(v[key], key);
        this.selected = -1;
        this.redraw();
      }
      drawShapes(layer, scale) {
        var self = this;
        var r = (kind === "keypoint" ? 6 : 5) * scale;
        var all = this.shapesState().slice();
        if (this.draft) all.push(this.draft);
        all.forEach(function (s, n) {
          var isDraft = s === self.draft;
          var c = self.colorOf(s.label);
          var sel = n === self.selected || isDraft;
          var pts = s.vertices.map(function (v) { return v.x + "," + v.y; }).join(" ");
          if (kind !== "keypoint") {
            var tag = closed && !isDraft ? "polygon" : "polyline";
            layer.appendChild(CE.svg(tag, { points: pts, fill: closed && !isDraft ? c : "none", "fill-opacity": sel ? "0.3" : "0.15",
              stroke: c, "stroke-width": sel ? "3" : "2", "vector-effect": "non-scaling-stroke",
              "stroke-dasharray": isDraft ? "6 4" : "none", "data-kind": isDraft ? "" : "shape", "data-index": String(n) }));
            // A wide invisible stroke makes thin lines easy to pick.
            if (!closed && !isDraft) {
              layer.appendChild(CE.svg("polyline", { points: pts, fill: "none", stroke: "transparent", "stroke-width": String(12 * scale),
                "data-kind": "shape", "data-index": String(n), style: "cursor: pointer" }));
            }
          }
          if (kind === "keypoint" || sel) {
            s.vertices.forEach(function (v, k) {
              layer.appendChild(CE.svg("circle", { cx: v.x, cy: v.y, r: r, fill: kind === "keypoint" ? c : "#fff", stroke: kind === "keypoint" ? (sel ? "#000" : "#fff") : c,
                "stroke-width": "2", "vector-effect": "non-scaling-stroke", "data-kind": isDraft ? (k === 0 ? "first" : "") : "vertex",
                "data-index": String(n), "data-vertex": String(k), style: "cursor: move" }));
            });
          }
        });
      }
      currentLabel() { return this.labels[this.current]; }
      pointerDown(p, e) {
        var t = e.target;
        var what = t.getAttribute ? t.getAttribute("data-kind") : "";
        var shapes = this.shapesState();
        if (!this.labels.length) { this.showError("This task has no labels to draw with."); return; }
        var now = Date.now();
        if (this.draft) {
          if (what === "first" && this.draft.vertices.length >= 3 && closed) { this.finish(); return; }
          // A second press on the last vertex right after the first is a double-click: finish.
          // (The dblclick event itself is unreliable here: each press redraws the layer.)
          var last = this.draft.vertices[this.draft.vertices.length - 1];
          if (now - (this._lastDown || 0) < 500 && Math.hypot(p.x - last.x, p.y - last.y) <= 4 * this.scale()) {
            this._lastDown = 0;
            this.finish();
            return;
          }
          this._lastDown = now;
          this.draft.vertices.push(p);
          this.redraw();
          return;
        }
        if (what === "vertex") {
          this.selected = Number(t.getAttribute("data-index"));
          this.drag = { index: this.selected, vertex: Number(t.getAttribute("data-vertex")) };
          this.redraw();
          return;
        }
        if (what === "shape") {
          this.selected = Number(t.getAttribute("data-index"));
          this.drag = { index: this.selected, whole: true, last: p, moved: false };
          this.redraw();
          return;
        }
        if (kind === "keypoint") {
          shapes.push({ label: this.currentLabel(), vertices: [p] });
          this.selected = shapes.length - 1;
          this.drag = { index: this.selected, vertex: 0 };
          this.changed();
        } else if (kind === "line") {
          shapes.push({ label: this.currentLabel(), vertices: [p, { x: p.x, y: p.y }] });
          this.selected = shapes.length - 1;
          this.drag = { index: this.selected, vertex: 1, creating: true };
        } else {
          this.selected = -1;
          this._lastDown = now;
          this.draft = { label: this.currentLabel(), vertices: [p] };
        }
        this.redraw();
      }
      pointerMove(p) {
        var d = this.drag;
        if (!d) return;
        var s = this.shapesState()[d.index];
        if (d.whole) {
          var dx = p.x - d.last.x, dy = p.y - d.last.y;
          s.vertices.forEach(function (v) { v.x += dx; v.y += dy; });
          d.last = p;
          d.moved = true;
        } else {
          s.vertices[d.vertex] = p;
        }
        this.redraw();
      }
      pointerUp(p) {
        var d = this.drag;
        if (!d) return;
        this.pointerMove(p);
        this.drag = null;
        var shapes = this.shapesState();
        if (d.creating) {
          var v = shapes[d.index].vertices;
          if (Math.hypot(v[1].x - v[0].x, v[1].y - v[0].y) < 2) { shapes.splice(d.index, 1); this.selected = -1; this.redraw(); return; }
        }
        if (!d.whole || d.moved) this.changed();
      }
      doubleClick() {
        if (!this.draft) return;
        // The double-click's own two clicks each added a vertex at the same place; keep one.
        var vs = this.draft.vertices;
        while (vs.length > 1 && Math.hypot(vs[vs.length - 1].x - vs[vs.length - 2].x, vs[vs.length - 1].y - vs[vs.length - 2].y) < 1) vs.pop();
        this.finish();
      }
      /** Close the polygon / end the polyline being drawn. */
      finish() {
        var d = this.draft;
        if (!d) return;
        if (d.vertices.length < minVertices) {
          this.showError("A " + kind + " needs at least " + minVertices + " vertices.");
          return;
        }
        this.showError("");
        this.draft = null;
        this.shapesState().push(d);
        this.selected = this.shapesState().length - 1;
        this.redraw();
        this.changed();
      }
      cancel() {
        if (this.draft && kind === "polyline" && this.draft.vertices.length >= 2) { this.finish(); return; }
        this.draft = null;
        this.selected = -1;
        this.redraw();
      }
      crowdValidate() {
        if (this.draft) {
          var msg = "Finish the " + kind + " you are drawing first.";
          this.showError(msg);
          return msg;
        }
        return super.crowdValidate();
      }
    };
  }

  CE.define("crowd-keypoint", vertexTool("keypoint", "keypoints", "Keypoints"));
  CE.define("crowd-polygon", vertexTool("polygon", "polygons", "Polygons"));
  CE.define("crowd-line", vertexTool("line", "lines", "Lines"));
  CE.define("crowd-polyline", vertexTool("polyline", "polylines", "Polylines"));
})(window.CrowdElements);
