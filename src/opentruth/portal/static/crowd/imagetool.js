/*
 * The shared base of the image annotation tools (bounding box, keypoint, polygon, line,
 * polyline): an image with an SVG layer in the image's own pixel coordinates, the label
 * picker (keys 1–9), the list of drawn shapes (relabel, delete) and keyboard deletion.
 *
 * Coordinates are always kept in the image's natural pixels, so answers do not depend on how
 * large the image is shown; they are rounded to whole pixels in the answer.
 */
(function (CE) {
  "use strict";
  var h = CE.h;

  /** The tool the keyboard talks to: the last one the worker touched, else the first. */
  var lastTool = null;
  var keysBound = false;
  function bindKeys() {
    if (keysBound) return;
    keysBound = true;
    document.addEventListener("keydown", function (e) {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || CE.isTyping(e)) return;
      var tool = lastTool && lastTool.isConnected ? lastTool : document.querySelector("[data-crowd-tool]");
      if (!tool || !tool.onToolKey) return;
      if (tool.onToolKey(e)) e.preventDefault();
    });
  }

  class ImageTool extends CE.CrowdElement {
    /** Subclasses: a plural noun for the list heading, e.g. "Boxes". */
    get shapeNoun() { return "Shapes"; }
    shapesState() {
      if (!this._shapes) this._shapes = [];
      return this._shapes;
    }
    build() {
      var self = this;
      bindKeys();
      this.setAttribute("data-crowd-tool", "");
      this.labels = CE.stringList(this, "labels");
      var custom = CE.attrValue(this, "label-colors", null);
      this.colors = this.labels.map(function (_, n) {
        return Array.isArray(custom) && custom[n] ? String(custom[n]) : CE.colorFor(n);
      });
      this.current = 0;
      this.selected = -1;
      this.shapesState();
      this.loadInitial();
      this._initial = JSON.stringify(this.answerShapes());

      this.img = h("img", { src: this.getAttribute("src") || "", alt: "the image to annotate", draggable: "false" });
      this.layer = CE.svg("svg", { preserveAspectRatio: "none", "data-crowd-internal": "" });
      // Ground Truth draws on fabric.js canvases, and AWS's own samples reach into the shadow
      // tree for "canvas.upper-canvas" to lay their overlays over the image: keep one there
      // (it draws nothing and lets the pointer through to the drawing layer).
      this.upper = h("canvas", { class: "upper-canvas", "aria-hidden": "true", "data-crowd-internal": "" });
      this.stage = h("div", { class: "stage drawing", tabindex: "0", part: "stage" }, this.img, this.upper, this.layer);
      this.img.addEventListener("load", function () {
        self.layer.setAttribute("viewBox", "0 0 " + self.img.naturalWidth + " " + self.img.naturalHeight);
        self.redraw();
      });
      this.img.addEventListener("error", function () { self.showError("The image could not be loaded."); });
      window.addEventListener("resize", function () { self.redraw(); });
      this.layer.addEventListener("pointerdown", function (e) {
        if (e.button !== 0 || !self.loaded()) return;
        lastTool = self;
        self.stage.focus({ preventScroll: true });
        self.layer.setPointerCapture(e.pointerId);
        self.pointerDown(self.toImage(e), e);
        e.preventDefault();
      });
      this.layer.addEventListener("pointermove", function (e) { if (self.loaded()) self.pointerMove(self.toImage(e), e); });
      this.layer.addEventListener("pointerup", function (e) { if (self.loaded()) self.pointerUp(self.toImage(e), e); });
      this.layer.addEventListener("dblclick", function (e) { if (self.loaded() && self.doubleClick) self.doubleClick(self.toImage(e), e); });

      this.labelButtons = this.labels.map(function (label, n) {
        return h("button", { type: "button", class: "label-btn", "data-label": label, onclick: function () { self.setCurrent(n); } },
          h("span", { class: "swatch", style: { background: self.colors[n] } }),
          h("span", { class: "text", text: label }),
          n < 9 ? h("span", { class: "key", text: String(n + 1) }) : null);
      });
      this.listEl = h("ul", { class: "list", "aria-label": this.shapeNoun });
      this.errorEl = h("div", { class: "error", role: "alert" });
      this.toolbar = h("div", { class: "toolbar" },
        h("button", { type: "button", class: "btn", "data-action": "delete", text: "Delete selected",
          onclick: function () { self.deleteSelected(); } }),
        this.toolButtons ? this.toolButtons() : null,
        h("span", { class: "hint", style: { margin: 0 }, text: this.hintText() }));
      var header = this.getAttribute("header");
      this.shadowRoot.append(
        header ? h("h2", { class: "header", text: header }) : "",
        h("div", { class: "task" },
          h("div", { style: { display: "flex", flexDirection: "column", gap: "10px" } },
            CE.instructionsPanel(this),
            h("div", { class: "panel" }, h("h3", { text: "Labels" }), h("div", { class: "labels" }, this.labelButtons)),
            h("div", { class: "panel" }, h("h3", { text: this.shapeNoun }), this.listEl)),
          h("div", {}, this.toolbar, this.stage, this.errorEl)));
      this.setCurrent(0);
      this.redraw();
    }
    hintText() { return "Keys 1\u20139 choose a label; Delete removes the selected shape."; }
    loaded() { return this.img && this.img.complete && this.img.naturalWidth > 0; }
    /** Pointer position in the image's natural pixels, clamped to the image. */
    toImage(e) {
      var r = this.img.getBoundingClientRect();
      var x = ((e.clientX - r.left) / r.width) * this.img.naturalWidth;
      var y = ((e.clientY - r.top) / r.height) * this.img.naturalHeight;
      return { x: Math.max(0, Math.min(this.img.naturalWidth, x)), y: Math.max(0, Math.min(this.img.naturalHeight, y)) };
    }
    /** Image pixels per screen pixel (handles keep a constant size on screen). */
    scale() {
      var w = this.img.getBoundingClientRect().width;
      return w > 0 && this.img.naturalWidth ? this.img.naturalWidth / w : 1;
    }
    setCurrent(n) {
      if (n < 0 || n >= this.labels.length) return false;
      this.current = n;
      this.labelButtons.forEach(function (b, k) { b.setAttribute("aria-pressed", k === n ? "true" : "false"); });
      return true;
    }
    showError(msg) { if (this.errorEl) this.errorEl.textContent = msg || ""; }
    onToolKey(e) {
      if (/^[1-9]$/.test(e.key)) return this.setCurrent(Number(e.key) - 1);
      if (e.key === "Delete" || e.key === "Backspace") { this.deleteSelected(); return true; }
      if (e.key === "Escape" && this.cancel) { this.cancel(); return true; }
      return false;
    }
    select(n) {
      this.selected = n;
      this.redraw();
    }
    deleteSelected() {
      var shapes = this.shapesState();
      if (this.selected < 0 || this.selected >= shapes.length) return;
      shapes.splice(this.selected, 1);
      this.selected = -1;
      this.redraw();
      this.changed();
    }
    colorOf(label) {
      var n = this.labels.indexOf(label);
      return n >= 0 ? this.colors[n] : "#888888";
    }
    /** Redraw the SVG layer and the list of shapes. */
    redraw() {
      if (!this.layer) return;
      while (this.layer.firstChild) this.layer.removeChild(this.layer.firstChild);
      var self = this;
      this.drawShapes(this.layer, this.scale());
      this.listEl.textContent = "";
      this.shapesState().forEach(function (shape, n) {
        var select = h("select", { "aria-label": "label of " + self.shapeNoun.toLowerCase() + " " + (n + 1),
          onchange: function (e) { shape.label = e.target.value; self.redraw(); self.changed(); } },
          self.labels.map(function (l) { var o = h("option", { value: l, text: l }); o.selected = l === shape.label; return o; }));
        self.listEl.appendChild(h("li", { class: n === self.selected ? "selected" : "", "data-index": String(n),
          onclick: function (e) { if (e.target.localName !== "select" && e.target.localName !== "button") self.select(n); } },
          h("span", { class: "swatch", style: { background: self.colorOf(shape.label) } }),
          select,
          h("button", { type: "button", class: "del", "aria-label": "delete " + (n + 1), text: "\u00d7",
            onclick: function () { self.selected = n; self.deleteSelected(); } })));
      });
    }
    imageProperties() {
      return { height: this.img ? this.img.naturalHeight : 0, width: this.img ? this.img.naturalWidth : 0 };
    }
    /** Add initialValueModified when the element was given an initial-value. */
    withModified(out) {
      if (this.hasAttribute("initial-value")) out.initialValueModified = JSON.stringify(this.answerShapes()) !== this._initial;
      return out;
    }
    crowdValidate() {
      var msg = this.img && this.img.naturalWidth ? "" : "The image has not loaded yet.";
      this.showError(msg);
      return msg;
    }
    crowdFocus() { if (this.stage) this.stage.focus(); lastTool = this; }
    // Subclasses implement: loadInitial(), answerShapes(), drawShapes(layer, scale),
    // pointerDown/Move/Up(point, event), crowdAnswer(), crowdRestore(v).
    loadInitial() {}
    answerShapes() { return []; }
    drawShapes() {}
    pointerDown() {}
    pointerMove() {}
    pointerUp() {}
  }

  /** Round a vertex list for an answer. */
  CE.roundVertices = function (vs) {
    return vs.map(function (v) { return { x: Math.round(v.x), y: Math.round(v.y) }; });
  };
  CE.ImageTool = ImageTool;
})(window.CrowdElements);
