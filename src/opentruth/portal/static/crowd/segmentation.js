/*
 * crowd-semantic-segmentation
 *   {"<name>": {"inputImageProperties": {"height","width"},
 *               "labelMappings": {"<label>": {"color": "#rrggbb"}},
 *               "labeledImage": {"pngImageData": "<base64 PNG>"}}}   (+ initialValueModified)
 * crowd-instance-segmentation
 *   {"<name>": {"inputImageProperties": {...}, "instances": [{"color","label"}],
 *               "labeledImage": {"pngImageData": "<base64 PNG>"}}}
 *
 * Painting happens on a class map of the image's natural size (one byte per pixel), never on
 * an antialiased canvas path: every pixel of the PNG is exactly one label's colour, or fully
 * transparent where nothing was painted — which is what the consolidation decodes.
 */
(function (CE) {
  "use strict";
  var h = CE.h;
  var UNDO_DEPTH = 20;

  class Segmentation extends CE.ImageTool {
    get shapeNoun() { return this.instanceMode() ? "Instances" : "Labels"; }
    instanceMode() { return this.localName === "crowd-instance-segmentation"; }
    hintText() { return "Brush paints, Fill fills an enclosed area, Eraser clears; keys 1\u20139 choose a label."; }
    toolButtons() {
      var self = this;
      this.tool = "brush";
      this.brush = 12;
      var mk = function (id, text) {
        return h("button", { type: "button", class: "btn", "data-tool": id, "aria-pressed": id === "brush" ? "true" : "false",
          text: text, onclick: function () { self.setTool(id); } });
      };
      this.toolBtns = [mk("brush", "Brush"), mk("fill", "Fill"), mk("eraser", "Eraser")];
      var size = h("input", { type: "range", min: "1", max: "80", value: String(this.brush), "aria-label": "brush size",
        oninput: function (e) { self.brush = Number(e.target.value); } });
      var opacity = h("input", { type: "range", min: "10", max: "100", value: "60", "aria-label": "mask opacity",
        oninput: function (e) { self.canvas.style.opacity = String(Number(e.target.value) / 100); } });
      return [this.toolBtns, h("label", { class: "hint", style: { margin: 0 } }, "size ", size),
        h("label", { class: "hint", style: { margin: 0 } }, "opacity ", opacity),
        h("button", { type: "button", class: "btn", "data-action": "undo", text: "Undo", onclick: function () { self.undo(); } }),
        h("button", { type: "button", class: "btn", "data-action": "clear", text: "Clear", onclick: function () { self.clearAll(); } })];
    }
    setTool(id) {
      this.tool = id;
      this.toolBtns.forEach(function (b) { b.setAttribute("aria-pressed", b.getAttribute("data-tool") === id ? "true" : "false"); });
    }
    build() {
      var self = this;
      this.classes = []; // [{label, color}] — class k+1 of the map
      this.undoStack = [];
      super.build();
      if (this.toolbar.firstChild) this.toolbar.removeChild(this.toolbar.firstChild); // no "Delete selected"
      this.canvas = h("canvas", { class: "overlay", "data-crowd-internal": "" });
      this.canvas.style.opacity = "0.6";
      this.canvas.style.pointerEvents = "none";
      this.stage.insertBefore(this.canvas, this.layer);
      if (!this.instanceMode()) {
        this.listEl.parentNode.hidden = true; // semantic segmentation has no list of shapes
        this.classes = this.labels.map(function (l, n) { return { label: l, color: self.colors[n] }; });
      }
      this.img.addEventListener("load", function () { self.setupMap(); });
      if (this.img.complete && this.img.naturalWidth) this.setupMap();
    }
    setupMap() {
      if (this.map && this.map.length === this.img.naturalWidth * this.img.naturalHeight) return;
      this.W = this.img.naturalWidth;
      this.H = this.img.naturalHeight;
      this.canvas.width = this.W;
      this.canvas.height = this.H;
      this.ctx = this.canvas.getContext("2d", { willReadFrequently: true });
      this.map = new Uint8Array(this.W * this.H);
      this.pixels = this.ctx.createImageData(this.W, this.H);
      var initial = CE.attrValue(this, "initial-value", null);
      var self = this;
      if (this._pendingRestore) {
        var v = this._pendingRestore;
        this._pendingRestore = null;
        this.crowdRestore(v);
      } else if (initial && initial.src) {
        this.loadMask(String(initial.src), this.instanceMode() ? initial.instances : initial.labelMappings, function () {
          self._initialPng = self.png();
        });
      }
      this._initialPng = this.png();
    }
    /** The class index painted by the current tool. */
    currentClass() {
      if (this.tool === "eraser") return 0;
      if (this.instanceMode()) return this.currentInstance >= 0 ? this.currentInstance + 1 : -1;
      return this.current + 1;
    }
    rgb(cls) { return CE.hexToRgb(this.classes[cls - 1].color); }
    setPixel(i, cls) {
      this.map[i] = cls;
      var d = this.pixels.data, o = i * 4;
      if (cls === 0) { d[o] = d[o + 1] = d[o + 2] = d[o + 3] = 0; return; }
      var c = this.rgb(cls);
      d[o] = c[0]; d[o + 1] = c[1]; d[o + 2] = c[2]; d[o + 3] = 255;
    }
    flush(x0, y0, x1, y1) {
      x0 = Math.max(0, Math.floor(x0)); y0 = Math.max(0, Math.floor(y0));
      x1 = Math.min(this.W, Math.ceil(x1)); y1 = Math.min(this.H, Math.ceil(y1));
      if (x1 > x0 && y1 > y0) this.ctx.putImageData(this.pixels, 0, 0, x0, y0, x1 - x0, y1 - y0);
      this._png = null;
    }
    stamp(p, cls) {
      var r = this.brush / 2;
      var cx = p.x, cy = p.y;
      var y0 = Math.max(0, Math.floor(cy - r)), y1 = Math.min(this.H - 1, Math.ceil(cy + r));
      var x0 = Math.max(0, Math.floor(cx - r)), x1 = Math.min(this.W - 1, Math.ceil(cx + r));
      for (var y = y0; y <= y1; y++) {
        for (var x = x0; x <= x1; x++) {
          var dx = x + 0.5 - cx, dy = y + 0.5 - cy;
          if (dx * dx + dy * dy <= r * r || (r < 1 && Math.floor(cx) === x && Math.floor(cy) === y)) this.setPixel(y * this.W + x, cls);
        }
      }
      this.flush(x0, y0, x1 + 1, y1 + 1);
    }
    segment(a, b, cls) {
      var dist = Math.hypot(b.x - a.x, b.y - a.y);
      var steps = Math.max(1, Math.ceil(dist / Math.max(0.5, this.brush / 4)));
      for (var k = 1; k <= steps; k++) this.stamp({ x: a.x + ((b.x - a.x) * k) / steps, y: a.y + ((b.y - a.y) * k) / steps }, cls);
    }
    /** Flood-fill the 4-connected area of equal class around p. */
    fill(p, cls) {
      var W = this.W, H = this.H, map = this.map;
      var sx = Math.min(W - 1, Math.floor(p.x)), sy = Math.min(H - 1, Math.floor(p.y));
      var from = map[sy * W + sx];
      if (from === cls) return;
      var stack = [sx, sy];
      while (stack.length) {
        var y = stack.pop(), x = stack.pop();
        var i = y * W + x;
        while (x > 0 && map[i - 1] === from) { x--; i--; }
        var up = false, down = false;
        for (; x < W && map[i] === from; x++, i++) {
          this.setPixel(i, cls);
          if (y > 0) {
            if (map[i - W] === from) { if (!up) { stack.push(x, y - 1); up = true; } } else up = false;
          }
          if (y < H - 1) {
            if (map[i + W] === from) { if (!down) { stack.push(x, y + 1); down = true; } } else down = false;
          }
        }
      }
      this.flush(0, 0, W, H);
    }
    pushUndo() {
      this.undoStack.push(this.map.slice());
      if (this.undoStack.length > UNDO_DEPTH) this.undoStack.shift();
    }
    undo() {
      var prev = this.undoStack.pop();
      if (!prev) return;
      this.repaint(prev);
      this.changed();
    }
    clearAll() {
      if (!this.map) return;
      this.pushUndo();
      this.repaint(new Uint8Array(this.W * this.H));
      this.changed();
    }
    repaint(map) {
      for (var i = 0; i < map.length; i++) this.setPixel(i, map[i]);
      this.flush(0, 0, this.W, this.H);
    }
    pointerDown(p) {
      if (!this.map) return;
      var cls = this.currentClass();
      if (cls < 0) { this.showError("Add an instance of a label first."); return; }
      this.showError("");
      this.pushUndo();
      if (this.tool === "fill") { this.fill(p, cls); this.changed(); return; }
      this.painting = { last: p, cls: cls };
      this.stamp(p, cls);
    }
    pointerMove(p) {
      if (!this.painting) return;
      this.segment(this.painting.last, p, this.painting.cls);
      this.painting.last = p;
    }
    pointerUp(p) {
      if (!this.painting) return;
      this.pointerMove(p);
      this.painting = null;
      this.changed();
    }
    drawShapes() {}
    deleteSelected() {}
    /** The mask as base64 PNG (cached until the next stroke). */
    png() {
      if (!this.canvas || !this.map) return "";
      if (!this._png) this._png = this.canvas.toDataURL("image/png").replace(/^data:image\/png;base64,/, "");
      return this._png;
    }
    crowdAnswer() {
      var out = { inputImageProperties: this.imageProperties() };
      if (this.instanceMode()) {
        out.instances = this.classes.map(function (c) { return { color: c.color, label: c.label }; });
      } else {
        out.labelMappings = {};
        this.classes.forEach(function (c) { out.labelMappings[c.label] = { color: c.color }; });
      }
      out.labeledImage = { pngImageData: this.png() };
      if (this.hasAttribute("initial-value")) out.initialValueModified = this.png() !== this._initialPng;
      return out;
    }
    /** Paint a coloured PNG (a draft or a prior job's mask) into the class map. */
    loadMask(src, mappings, done) {
      var self = this;
      var img = new Image();
      if (!/^data:/.test(src)) img.crossOrigin = "anonymous";
      img.onload = function () {
        var c = document.createElement("canvas");
        c.width = self.W; c.height = self.H;
        var ctx = c.getContext("2d", { willReadFrequently: true });
        ctx.drawImage(img, 0, 0, self.W, self.H);
        var data;
        try { data = ctx.getImageData(0, 0, self.W, self.H).data; } catch (err) { console.error("mask not readable: " + err.message); return; }
        if (self.instanceMode() && Array.isArray(mappings)) {
          self.classes = mappings.map(function (m) { return { label: String(m.label), color: String(m.color) }; });
          self.currentInstance = self.classes.length - 1;
          self.redraw();
        }
        var codes = {};
        self.classes.forEach(function (cl, n) {
          var col = mappings && !Array.isArray(mappings) && mappings[cl.label] ? mappings[cl.label].color : cl.color;
          var rgb = CE.hexToRgb(col);
          if (rgb) codes[(rgb[0] << 16) | (rgb[1] << 8) | rgb[2]] = n + 1;
        });
        for (var i = 0; i < self.W * self.H; i++) {
          var o = i * 4;
          var cls = data[o + 3] === 0 ? 0 : codes[(data[o] << 16) | (data[o + 1] << 8) | data[o + 2]] || 0;
          self.setPixel(i, cls);
        }
        self.flush(0, 0, self.W, self.H);
        if (done) done();
      };
      img.src = src;
    }
    crowdRestore(v) {
      if (!this.map) { this._pendingRestore = v; return; }
      if (v === null) { this.repaint(new Uint8Array(this.W * this.H)); return; }
      if (!v || !v.labeledImage || !v.labeledImage.pngImageData) return;
      this.loadMask("data:image/png;base64," + v.labeledImage.pngImageData, this.instanceMode() ? v.instances : v.labelMappings);
    }
    crowdValidate() {
      var base = super.crowdValidate();
      if (base) return base;
      var painted = this.map && this.map.some(function (c) { return c !== 0; });
      var msg = painted ? "" : "Paint at least one area before submitting.";
      this.showError(msg);
      return msg;
    }
    // ---- instance segmentation: the list shows instances, each with its own colour
    redraw() {
      if (!this.instanceMode()) { if (this.listEl) this.listEl.textContent = "Paint with the chosen label."; return; }
      if (!this.listEl) return;
      var self = this;
      this.listEl.textContent = "";
      this.classes.forEach(function (c, n) {
        self.listEl.appendChild(h("li", { class: n === self.currentInstance ? "selected" : "", "data-index": String(n),
          onclick: function () { self.currentInstance = n; self.redraw(); } },
          h("span", { class: "swatch", style: { background: c.color } }),
          h("span", { class: "text", text: c.label + " #" + (self.classes.slice(0, n + 1).filter(function (x) { return x.label === c.label; }).length) })));
      });
    }
    setCurrent(n) {
      if (!super.setCurrent(n)) return false;
      if (this.instanceMode() && this.classes) {
        var label = this.labels[n];
        var last = -1;
        this.classes.forEach(function (c, k) { if (c.label === label) last = k; });
        if (last < 0) this.addInstance(label); else { this.currentInstance = last; this.redraw(); }
      }
      return true;
    }
    addInstance(label) {
      var used = this.classes.map(function (c) { return c.color.toLowerCase(); });
      var k = 0;
      while (used.indexOf(CE.colorFor(k)) >= 0) k++;
      this.classes.push({ label: label, color: CE.colorFor(k) });
      this.currentInstance = this.classes.length - 1;
      this.redraw();
      return this.currentInstance;
    }
  }

  class CrowdInstanceSegmentation extends Segmentation {
    toolButtons() {
      var self = this;
      var base = super.toolButtons();
      return base.concat([h("button", { type: "button", class: "btn", "data-action": "add-instance", text: "Add instance",
        onclick: function () { self.addInstance(self.labels[self.current]); } })]);
    }
  }

  CE.define("crowd-semantic-segmentation", class extends Segmentation {});
  CE.define("crowd-instance-segmentation", CrowdInstanceSegmentation);
})(window.CrowdElements);
