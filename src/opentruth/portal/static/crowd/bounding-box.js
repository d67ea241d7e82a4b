/*
 * crowd-bounding-box
 *   {"<name>": {"boundingBoxes": [{"height", "label", "left", "top", "width"}],
 *               "inputImageProperties": {"height", "width"}}}
 *   (+ "initialValueModified": bool when the element has an initial-value)
 * Drag on the image to draw a box with the chosen label; drag a box to move it; drag a corner
 * handle to resize it; select it and press Delete (or use the list) to remove it.
 */
(function (CE) {
  "use strict";
  var MIN_SIZE = 2; // image pixels; a click without a drag draws nothing

  function norm(b) {
    // A box dragged up or left has a negative size until it is normalised.
    return {
      label: b.label,
      left: Math.min(b.left, b.left + b.width), top: Math.min(b.top, b.top + b.height),
      width: Math.abs(b.width), height: Math.abs(b.height),
    };
  }

  class CrowdBoundingBox extends CE.ImageTool {
    get shapeNoun() { return "Boxes"; }
    hintText() { return "Drag to draw; drag a box to move it, a corner to resize it; Delete removes the selected box."; }
    loadInitial() {
      var self = this;
      var v = CE.attrValue(this, "initial-value", []);
      if (!Array.isArray(v)) return;
      v.forEach(function (b) {
        if (b && isFinite(b.left) && isFinite(b.top) && isFinite(b.width) && isFinite(b.height)) {
          self._shapes.push({ label: String(b.label), left: +b.left, top: +b.top, width: +b.width, height: +b.height });
        }
      });
    }
    answerShapes() {
      return this.shapesState().map(function (b) {
        // Keys in the order Ground Truth writes them.
        return { height: Math.round(b.height), label: b.label, left: Math.round(b.left), top: Math.round(b.top), width: Math.round(b.width) };
      });
    }
    crowdAnswer() {
      return this.withModified({ boundingBoxes: this.answerShapes(), inputImageProperties: this.imageProperties() });
    }
    crowdRestore(v) {
      var shapes = this.shapesState();
      shapes.length = 0;
      if (v && Array.isArray(v.boundingBoxes)) {
        v.boundingBoxes.forEach(function (b) { shapes.push({ label: String(b.label), left: +b.left, top: +b.top, width: +b.width, height: +b.height }); });
      } else if (v === null) {
        this._shapes = [];
        this.loadInitial();
      }
      this.selected = -1;
      this.redraw();
    }
    drawShapes(layer, scale) {
      var self = this;
      var r = 5 * scale;
      this.shapesState().forEach(function (b, n) {
        var c = self.colorOf(b.label);
        var sel = n === self.selected;
        layer.appendChild(CE.svg("rect", { x: b.left, y: b.top, width: b.width, height: b.height, fill: c,
          "fill-opacity": sel ? "0.25" : "0.12", stroke: c, "stroke-width": sel ? "3" : "2",
          "vector-effect": "non-scaling-stroke", "data-kind": "shape", "data-index": String(n), style: "cursor: move" }));
        var tag = CE.svg("text", { x: b.left + 3 * scale, y: b.top + 13 * scale, fill: c, "font-size": String(12 * scale),
          "font-weight": "700", "pointer-events": "none" });
        tag.textContent = b.label;
        layer.appendChild(tag);
        if (sel) {
          [["nw", b.left, b.top], ["ne", b.left + b.width, b.top], ["sw", b.left, b.top + b.height],
            ["se", b.left + b.width, b.top + b.height]].forEach(function (hd) {
            layer.appendChild(CE.svg("rect", { x: hd[1] - r, y: hd[2] - r, width: 2 * r, height: 2 * r, fill: "#fff",
              stroke: c, "stroke-width": "2", "vector-effect": "non-scaling-stroke", "data-kind": "handle",
              "data-handle": hd[0], "data-index": String(n), style: "cursor: " + hd[0] + "-resize" }));
          });
        }
      });
    }
    pointerDown(p, e) {
      var t = e.target;
      var kind = t.getAttribute && t.getAttribute("data-kind");
      var shapes = this.shapesState();
      if (kind === "handle") {
        var n = Number(t.getAttribute("data-index"));
        var b = shapes[n];
        var hd = t.getAttribute("data-handle");
        // Resizing keeps the opposite corner where it is.
        var ax = hd.indexOf("w") >= 0 ? b.left + b.width : b.left;
        var ay = hd.indexOf("n") >= 0 ? b.top + b.height : b.top;
        this.drag = { mode: "resize", index: n, ax: ax, ay: ay };
      } else if (kind === "shape") {
        var m = Number(t.getAttribute("data-index"));
        this.selected = m;
        this.drag = { mode: "move", index: m, dx: p.x - shapes[m].left, dy: p.y - shapes[m].top, moved: false };
        this.redraw();
      } else {
        if (!this.labels.length) { this.showError("This task has no labels to draw with."); return; }
        shapes.push({ label: this.labels[this.current], left: p.x, top: p.y, width: 0, height: 0 });
        this.selected = shapes.length - 1;
        this.drag = { mode: "draw", index: this.selected, ax: p.x, ay: p.y };
      }
    }
    pointerMove(p) {
      var d = this.drag;
      if (!d) return;
      var b = this.shapesState()[d.index];
      if (d.mode === "move") {
        var W = this.img.naturalWidth, H = this.img.naturalHeight;
        b.left = Math.max(0, Math.min(W - b.width, p.x - d.dx));
        b.top = Math.max(0, Math.min(H - b.height, p.y - d.dy));
        d.moved = true;
      } else {
        Object.assign(b, norm({ label: b.label, left: d.ax, top: d.ay, width: p.x - d.ax, height: p.y - d.ay }));
      }
      this.redraw();
    }
    pointerUp(p) {
      var d = this.drag;
      if (!d) return;
      this.pointerMove(p);
      this.drag = null;
      var shapes = this.shapesState();
      var b = shapes[d.index];
      if (d.mode === "draw" && (b.width < MIN_SIZE || b.height < MIN_SIZE)) {
        shapes.splice(d.index, 1);
        this.selected = -1;
        this.redraw();
        return;
      }
      if (d.mode !== "move" || d.moved) this.changed();
      this.redraw();
    }
    cancel() { this.select(-1); }
    crowdValidate() {
      var base = super.crowdValidate();
      return base;
    }
  }

  CE.define("crowd-bounding-box", CrowdBoundingBox);
})(window.CrowdElements);
