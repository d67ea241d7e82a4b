/*
 * <ot-video-frames>: the worker UI of video frame object detection and tracking (the built-in
 * VideoObjectDetection / VideoObjectTracking human task UIs and their adjustment jobs).
 *
 * Attributes: task (the task input as JSON: sequence, labelConfig, tracking, earlier) and
 * frames (a JSON list of signed frame URLs, in the order of task.sequence.frames).
 *
 * Only the frame on screen is loaded, plus the next two ahead (prefetch), so a long sequence
 * opens at once. Shapes are kept in each frame image's natural pixels. Every annotation has an
 * object id; tracking keeps it across frames ("car:1" in every frame it is drawn in).
 * Answer: {annotationType, frameAnnotations: [{frameNo, frameAttributes, annotations: [...]}]}
 * (docs/video-frames.md). Keyboard: see HELP below.
 */
(function (CE) {
  "use strict";
  var h = CE.h;
  var PLAY_FPS = 6;
  var PREFETCH = 2;
  var HELP = "\u2190/\u2192 or A/D: previous/next frame \u00b7 Space: play/pause \u00b7 1\u20139: label \u00b7 " +
    "C: copy to next frame \u00b7 Shift+C: copy to all later frames \u00b7 I: interpolate the selected object " +
    "between its keyframes \u00b7 N: new object \u00b7 Delete: delete \u00b7 Enter: finish a polygon/polyline \u00b7 Esc: cancel";
  var extra = null;
  try {
    extra = new CSSStyleSheet();
    extra.replaceSync(
      ".strip { display: flex; gap: 2px; overflow-x: auto; padding: 4px 0; max-width: 100%; }" +
      ".strip button { flex: none; min-width: 30px; font: 11px/1.6 ui-monospace, monospace; border: 1px solid var(--border);" +
      " background: #fff; border-radius: 4px; padding: 0 4px; }" +
      ".strip button.has { background: #e9f3fd; border-color: #b8d8f3; }" +
      ".strip button[aria-current='true'] { background: var(--accent); color: #fff; border-color: var(--accent); }" +
      ".player { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin: 6px 0; }" +
      ".player input[type=range] { flex: 1; min-width: 160px; }" +
      ".frame-no { font: 13px ui-monospace, monospace; min-width: 9em; }" +
      ".stage.video img { height: 52vh; min-height: 240px; width: auto; max-width: 100%; max-height: none; }" +
      ".stage img.placeholder { min-width: 320px; min-height: 200px; }" +
      ".attrs select, .attrs input { font: inherit; width: 100%; padding: 4px 6px; border: 1px solid var(--border); border-radius: 6px; }"
    );
  } catch (err) { extra = null; }

  function uid() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var x = Array.prototype.map.call(b, function (v) { return ("0" + v.toString(16)).slice(-2); }).join("");
    return x.slice(0, 8) + "-" + x.slice(8, 12) + "-" + x.slice(12, 16) + "-" + x.slice(16, 20) + "-" + x.slice(20);
  }
  function clone(v) { return JSON.parse(JSON.stringify(v)); }
  function lerp(a, b, t) { return a + (b - a) * t; }
  var SHAPE_KEYS = ["left", "top", "width", "height", "x", "y", "vertices"];
  function shapeOf(a) {
    var s = {};
    SHAPE_KEYS.forEach(function (k) { if (k in a) s[k] = clone(a[k]); });
    return s;
  }

  class VideoFrames extends CE.CrowdElement {
    build() {
      var self = this;
      if (extra) this.shadowRoot.adoptedStyleSheets = [CE.sheet, extra].filter(Boolean);
      this.task = CE.attrValue(this, "task", {}) || {};
      var urls = CE.attrValue(this, "frames", []) || [];
      var seq = (this.task.sequence || {}).frames || [];
      this.frames = seq.map(function (f, i) { return { no: f.no, name: f.name, url: urls[i] || "" }; });
      var cfg = this.task.labelConfig || {};
      this.kind = cfg.annotationType || "BoundingBox";
      this.tracking = !!this.task.tracking;
      this.labelDefs = cfg.labels || [];
      this.labels = this.labelDefs.map(function (l) { return l.label; });
      this.frameAttrDefs = cfg.frameAttributes || [];
      this.colors = this.labels.map(function (_, n) { return CE.colorFor(n); });
      this.current = 0; // label index
      this.cur = 0; // frame index
      this.selectedId = null;
      this.draft = null;
      this.playing = 0;
      this.load(this.task.earlier || null);

      this.img = h("img", { alt: "video frame", draggable: "false", class: "placeholder" });
      this.layer = CE.svg("svg", { preserveAspectRatio: "none" });
      this.stage = h("div", { class: "stage drawing video", tabindex: "0", part: "stage" }, this.img, this.layer);
      this.img.addEventListener("load", function () {
        self.img.classList.remove("placeholder");
        self.layer.setAttribute("viewBox", "0 0 " + self.img.naturalWidth + " " + self.img.naturalHeight);
        self.redraw();
      });
      this.img.addEventListener("error", function () { self.showError("Frame " + self.frameNo() + " could not be loaded."); });
      this.layer.addEventListener("pointerdown", function (e) { self.onDown(e); });
      this.layer.addEventListener("pointermove", function (e) { self.onMove(e); });
      this.layer.addEventListener("pointerup", function (e) { self.onUp(e); });
      this.layer.addEventListener("dblclick", function () { self.finishDraft(); });

      this.labelButtons = this.labels.map(function (label, n) {
        return h("button", { type: "button", class: "label-btn", "data-label": label, onclick: function () { self.setLabel(n); } },
          h("span", { class: "swatch", style: { background: self.colors[n] } }),
          h("span", { class: "text", text: label }),
          n < 9 ? h("span", { class: "key", text: String(n + 1) }) : null);
      });
      this.frameLabel = h("span", { class: "frame-no", "aria-live": "polite" });
      this.slider = h("input", { type: "range", min: "0", max: String(Math.max(0, this.frames.length - 1)), value: "0",
        "aria-label": "frame", oninput: function (e) { self.go(Number(e.target.value)); } });
      this.playBtn = h("button", { type: "button", class: "btn", "data-action": "play", text: "\u25b6 Play", onclick: function () { self.togglePlay(); } });
      var btn = function (action, text, fn) { return h("button", { type: "button", class: "btn", "data-action": action, text: text, onclick: fn }); };
      this.strip = h("div", { class: "strip", role: "list", "aria-label": "frames" });
      this.stripButtons = this.frames.map(function (f, i) {
        var b = h("button", { type: "button", role: "listitem", "data-frame": String(f.no), text: String(f.no), onclick: function () { self.go(i); } });
        self.strip.appendChild(b);
        return b;
      });
      this.listEl = h("ul", { class: "list", "aria-label": "Objects in this frame" });
      this.attrEl = h("div", { class: "attrs" });
      this.frameAttrEl = h("div", { class: "attrs" });
      this.errorEl = h("div", { class: "error", role: "alert" });
      var noun = { BoundingBox: "boxes", Polygon: "polygons", Polyline: "polylines", Keypoint: "keypoints" }[this.kind];
      this.shadowRoot.append(
        h("div", { class: "task wide" },
          h("div", { style: { display: "flex", flexDirection: "column", gap: "10px" } },
            this.instructions(),
            h("div", { class: "panel" }, h("h3", { text: "Labels" }), h("div", { class: "labels" }, this.labelButtons)),
            this.frameAttrDefs.length ? h("div", { class: "panel" }, h("h3", { text: "Frame attributes" }), this.frameAttrEl) : null),
          h("div", {},
            h("div", { class: "toolbar" },
              btn("copy-next", "Copy to next", function () { self.copyForward(false); }),
              btn("copy-all", "Copy to all", function () { self.copyForward(true); }),
              btn("interpolate", "Interpolate", function () { self.interpolate(); }),
              this.tracking ? btn("new-object", "New object", function () { self.selectedId = null; self.redraw(); }) : null,
              btn("delete", "Delete", function () { self.deleteSelected(); }),
              h("span", { class: "hint", style: { margin: 0 }, text: "Draw " + noun + ". " + HELP })),
            this.stage,
            h("div", { class: "player" },
              btn("prev", "\u25c0 Prev", function () { self.go(self.cur - 1); }),
              this.playBtn,
              btn("next", "Next \u25b6", function () { self.go(self.cur + 1); }),
              this.frameLabel, this.slider),
            this.strip, this.errorEl),
          h("div", { style: { display: "flex", flexDirection: "column", gap: "10px" } },
            h("div", { class: "panel" }, h("h3", { text: this.tracking ? "Objects (track ids)" : "Objects" }), this.listEl),
            h("div", { class: "panel" }, h("h3", { text: "Label attributes" }), this.attrEl))));
      document.addEventListener("keydown", function (e) { self.onKey(e); });
      this.setLabel(0);
      this.go(0);
      this._initial = JSON.stringify(this.crowdAnswer());
    }

    instructions() {
      var ins = (this.task.labelConfig || {}).instructions || {};
      var panel = CE.instructionsPanel(this);
      if (ins.shortInstruction) panel.prepend(h("p", { text: ins.shortInstruction }));
      if (ins.fullInstruction) {
        // The label file's full instructions are HTML (DG); show them as text, never as markup.
        panel.append(h("details", {}, h("summary", { text: "Full instructions" }), h("div", { text: ins.fullInstruction })));
      }
      panel.classList.remove("empty");
      return panel;
    }

    // ------------------------------------------------------------------ state
    load(answer) {
      var self = this;
      this.ann = {}; this.fattrs = {}; this.names = {}; this.counts = {};
      ((answer && answer.frameAnnotations) || []).forEach(function (fr) {
        self.ann[fr.frameNo] = (fr.annotations || []).map(function (a) {
          var o = clone(a);
          if (!o.objectId) o.objectId = uid();
          if (o.keyframe === undefined) o.keyframe = true;
          o.attributes = o.attributes || {};
          return o;
        });
        self.fattrs[fr.frameNo] = clone(fr.frameAttributes || {});
      });
      this.frames.forEach(function (f) {
        (self.ann[f.no] || []).forEach(function (a) { self.nameOf(a); });
      });
    }
    nameOf(a) {
      if (!this.names[a.objectId]) {
        this.counts[a.label] = (this.counts[a.label] || 0) + 1;
        this.names[a.objectId] = a.label + ":" + this.counts[a.label];
      }
      return this.names[a.objectId];
    }
    /** Adjustment and verification jobs: labels with editsAllowed "none" stay as they were. */
    locked(label) {
      var def = this.labelDefs[this.labels.indexOf(label)] || {};
      return !!this.task.earlier && def.editsAllowed === "none";
    }
    frameNo() { return this.frames.length ? this.frames[this.cur].no : 0; }
    here() { var n = this.frameNo(); if (!this.ann[n]) this.ann[n] = []; return this.ann[n]; }
    find(no, id) { return (this.ann[no] || []).filter(function (a) { return a.objectId === id; })[0] || null; }
    selected() { return this.selectedId ? this.find(this.frameNo(), this.selectedId) : null; }
    showLabel(n) {
      if (n < 0 || n >= this.labels.length) return;
      this.current = n;
      this.labelButtons.forEach(function (b, k) { b.setAttribute("aria-pressed", k === n ? "true" : "false"); });
    }
    setLabel(n) {
      if (n < 0 || n >= this.labels.length) return false;
      this.showLabel(n);
      var sel = this.selected();
      if (sel && sel.label !== this.labels[n] && !this.tracking && !this.locked(sel.label) && !this.locked(this.labels[n])) { sel.label = this.labels[n]; sel.attributes = {}; this.edited(); }
      return true;
    }

    // ------------------------------------------------------------------ frames
    go(i) {
      if (!this.frames.length) return;
      i = Math.max(0, Math.min(this.frames.length - 1, i));
      this.draft = null;
      this.cur = i;
      var f = this.frames[i];
      if (this.img.getAttribute("src") !== f.url) this.img.setAttribute("src", f.url);
      for (var k = 1; k <= PREFETCH && i + k < this.frames.length; k++) new Image().src = this.frames[i + k].url;
      this.slider.value = String(i);
      this.frameLabel.textContent = "frame " + f.no + " (" + (i + 1) + "/" + this.frames.length + ")";
      this.stripButtons.forEach(function (b, k) { b.setAttribute("aria-current", k === i ? "true" : "false"); });
      var b = this.stripButtons[i];
      if (b) { // keep the current frame in the strip's view without scrolling the page
        var left = b.offsetLeft - this.strip.offsetLeft, sw = this.strip.clientWidth;
        if (left < this.strip.scrollLeft || left + b.offsetWidth > this.strip.scrollLeft + sw) this.strip.scrollLeft = left - sw / 2;
      }
      this.showError("");
      this.redraw();
    }
    togglePlay() {
      var self = this;
      if (this.playing) { clearInterval(this.playing); this.playing = 0; this.playBtn.textContent = "\u25b6 Play"; return; }
      this.playBtn.textContent = "\u275a\u275a Pause";
      this.playing = setInterval(function () {
        if (self.cur >= self.frames.length - 1) { self.togglePlay(); return; }
        self.go(self.cur + 1);
      }, 1000 / PLAY_FPS);
    }

    // ------------------------------------------------------------------ pointer
    toImage(e) {
      var r = this.img.getBoundingClientRect();
      var w = this.img.naturalWidth || 1, hh = this.img.naturalHeight || 1;
      return { x: Math.max(0, Math.min(w, ((e.clientX - r.left) / r.width) * w)),
        y: Math.max(0, Math.min(hh, ((e.clientY - r.top) / r.height) * hh)) };
    }
    loaded() { return this.img.complete && this.img.naturalWidth > 0; }
    onDown(e) {
      if (e.button !== 0 || !this.loaded()) return;
      this.stage.focus({ preventScroll: true });
      this.layer.setPointerCapture(e.pointerId);
      e.preventDefault();
      var p = this.toImage(e);
      var id = e.target.getAttribute && e.target.getAttribute("data-id");
      var handle = e.target.getAttribute && e.target.getAttribute("data-handle");
      if (this.draft && this.draft.kind === "path") { this.addVertex(p); return; }
      if (id) {
        this.selectedId = id;
        var a = this.find(this.frameNo(), id);
        this.showLabel(this.labels.indexOf(a.label));
        if (!this.locked(a.label)) this.drag = { mode: handle ? "resize" : "move", start: p, shape: shapeOf(a), a: a, moved: false };
        this.redraw();
        return;
      }
      if (this.kind === "BoundingBox") this.draft = { kind: "box", start: p, end: p };
      else if (this.kind === "Keypoint") this.commit({ x: p.x, y: p.y });
      else { this.draft = { kind: "path", vertices: [p] }; this.redraw(); }
    }
    onMove(e) {
      if (!this.loaded()) return;
      var p = this.toImage(e);
      if (this.drag) {
        var d = this.drag, a = d.a, s = d.shape, dx = p.x - d.start.x, dy = p.y - d.start.y;
        d.moved = d.moved || Math.abs(dx) + Math.abs(dy) > 1;
        if (d.mode === "resize") { a.width = Math.max(2, s.width + dx); a.height = Math.max(2, s.height + dy); }
        else if ("left" in s) { a.left = s.left + dx; a.top = s.top + dy; }
        else if ("vertices" in s) a.vertices = s.vertices.map(function (v) { return { x: v.x + dx, y: v.y + dy }; });
        else { a.x = s.x + dx; a.y = s.y + dy; }
        this.redraw();
      } else if (this.draft && this.draft.kind === "box") { this.draft.end = p; this.redraw(); }
      else if (this.draft && this.draft.kind === "path") { this.draft.hover = p; this.redraw(); }
    }
    onUp(e) {
      if (this.drag) {
        if (this.drag.moved) { this.drag.a.keyframe = true; this.edited(); }
        this.drag = null;
        return;
      }
      if (!this.draft || this.draft.kind !== "box") return;
      var a = this.draft.start, b = this.toImage(e);
      this.draft = null;
      var w = Math.abs(b.x - a.x), hh = Math.abs(b.y - a.y);
      if (w < 3 || hh < 3) { this.selectedId = null; this.redraw(); return; }
      this.commit({ left: Math.min(a.x, b.x), top: Math.min(a.y, b.y), width: w, height: hh });
    }
    addVertex(p) {
      var vs = this.draft.vertices, first = vs[0];
      var close = this.kind === "Polygon" && vs.length >= 3 && Math.hypot(p.x - first.x, p.y - first.y) < 8 * this.scale();
      if (close) { this.finishDraft(); return; }
      vs.push(p);
      this.redraw();
    }
    finishDraft() {
      if (!this.draft || this.draft.kind !== "path") return false;
      var vs = this.draft.vertices;
      this.draft = null;
      if (vs.length >= (this.kind === "Polygon" ? 3 : 2)) this.commit({ vertices: vs });
      else this.redraw();
      return true;
    }
    /** A new shape: it continues the selected track when that object is not in this frame yet. */
    commit(shape) {
      var label = this.labels[this.current];
      if (this.locked(label)) { this.showError("\u201c" + label + "\u201d labels may not be edited in this job."); this.redraw(); return; }
      var id = null;
      if (this.tracking && this.selectedId && !this.find(this.frameNo(), this.selectedId)) {
        var prev = this.anyOf(this.selectedId);
        if (prev && prev.label === label) id = this.selectedId;
      }
      var a = Object.assign({ label: label, objectId: id || uid(), attributes: {}, keyframe: true }, shape);
      if (id) a.attributes = clone(this.anyOf(id).attributes || {});
      this.here().push(a);
      this.nameOf(a);
      this.selectedId = a.objectId;
      this.edited();
    }
    anyOf(id) {
      for (var k = 0; k < this.frames.length; k++) { var a = this.find(this.frames[k].no, id); if (a) return a; }
      return null;
    }
    scale() {
      var w = this.img.getBoundingClientRect().width;
      return w > 0 && this.img.naturalWidth ? this.img.naturalWidth / w : 1;
    }

    // ------------------------------------------------------------------ assistive tools
    /** Copy the selected object (or every object of the frame) to the next or every later frame. */
    copyForward(all) {
      var self = this;
      var from = this.here();
      var items = (this.selected() ? [this.selected()] : from).filter(function (a) { return !self.locked(a.label); });
      if (!items.length || this.cur >= this.frames.length - 1) return;
      var end = all ? this.frames.length - 1 : this.cur + 1;
      for (var k = this.cur + 1; k <= end; k++) {
        var no = this.frames[k].no;
        if (!this.ann[no]) this.ann[no] = [];
        items.forEach(function (a) {
          var have = self.find(no, a.objectId);
          if (have && have.keyframe) return; // never overwrite what the worker drew there
          var copy = Object.assign(clone(a), { keyframe: false });
          if (have) self.ann[no][self.ann[no].indexOf(have)] = copy;
          else self.ann[no].push(copy);
        });
      }
      this.changed();
      this.go(this.cur + 1);
    }
    /** Linear interpolation of the selected object between each pair of its keyframes. */
    interpolate() {
      var self = this, id = this.selectedId;
      if (!id) { this.showError("Select an object to interpolate."); return; }
      var any = this.anyOf(id);
      if (any && this.locked(any.label)) { this.showError("\u201c" + any.label + "\u201d labels may not be edited in this job."); return; }
      var keys = [];
      this.frames.forEach(function (f, i) { var a = self.find(f.no, id); if (a && a.keyframe) keys.push(i); });
      if (keys.length < 2) { this.showError("Interpolation needs the object drawn in two frames (keyframes)."); return; }
      var filled = 0;
      for (var k = 0; k + 1 < keys.length; k++) {
        var ia = keys[k], ib = keys[k + 1];
        var A = this.find(this.frames[ia].no, id), B = this.find(this.frames[ib].no, id);
        for (var i = ia + 1; i < ib; i++) {
          var t = (i - ia) / (ib - ia), no = this.frames[i].no, s = {};
          if ("left" in A) ["left", "top", "width", "height"].forEach(function (key) { s[key] = lerp(A[key], B[key], t); });
          else if ("vertices" in A) {
            s.vertices = A.vertices.length === B.vertices.length
              ? A.vertices.map(function (v, n) { return { x: lerp(v.x, B.vertices[n].x, t), y: lerp(v.y, B.vertices[n].y, t) }; })
              : clone(A.vertices);
          } else { s.x = lerp(A.x, B.x, t); s.y = lerp(A.y, B.y, t); }
          if (!this.ann[no]) this.ann[no] = [];
          var have = this.find(no, id);
          var next = Object.assign({ label: A.label, objectId: id, attributes: clone(A.attributes || {}), keyframe: false }, s);
          if (have) this.ann[no][this.ann[no].indexOf(have)] = next; else this.ann[no].push(next);
          filled++;
        }
      }
      this.showError("");
      this.changed();
      this.redraw();
      return filled;
    }
    deleteSelected() {
      var list = this.here(), a = this.selected();
      if (!a) return;
      if (this.locked(a.label)) { this.showError("\u201c" + a.label + "\u201d labels may not be edited in this job."); return; }
      list.splice(list.indexOf(a), 1);
      this.selectedId = null;
      this.edited();
    }
    edited() { this.changed(); this.redraw(); }

    // ------------------------------------------------------------------ keyboard
    onKey(e) {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || CE.isTyping(e)) return;
      var k = e.key, done = true;
      if (k === "ArrowRight" || k === "d") this.go(this.cur + 1);
      else if (k === "ArrowLeft" || k === "a") this.go(this.cur - 1);
      else if (k === " ") this.togglePlay();
      else if (/^[1-9]$/.test(k)) done = this.setLabel(Number(k) - 1);
      else if (k === "c") this.copyForward(false);
      else if (k === "C") this.copyForward(true);
      else if (k === "i" || k === "I") this.interpolate();
      else if (k === "n" || k === "N") { this.selectedId = null; this.redraw(); }
      else if (k === "Delete" || k === "Backspace") this.deleteSelected();
      else if (k === "Enter") done = this.finishDraft();
      else if (k === "Escape") { this.draft = null; this.selectedId = null; this.redraw(); }
      else done = false;
      if (done) { e.preventDefault(); e.stopPropagation(); }
    }

    // ------------------------------------------------------------------ drawing
    redraw() {
      if (!this.layer) return;
      var self = this, L = this.layer, sc = this.scale(), no = this.frameNo();
      while (L.firstChild) L.removeChild(L.firstChild);
      (this.ann[no] || []).forEach(function (a) {
        var c = self.colors[self.labels.indexOf(a.label)] || "#888", sel = a.objectId === self.selectedId;
        var common = { "data-id": a.objectId, stroke: c, "stroke-width": String((sel ? 3 : 2) * sc),
          fill: self.kind === "Polyline" ? "none" : c, "fill-opacity": sel ? "0.25" : "0.12",
          "stroke-dasharray": a.keyframe ? "" : String(5 * sc) };
        var el;
        if ("left" in a) el = CE.svg("rect", Object.assign({ x: a.left, y: a.top, width: a.width, height: a.height }, common));
        else if ("vertices" in a) {
          el = CE.svg(self.kind === "Polygon" ? "polygon" : "polyline",
            Object.assign({ points: a.vertices.map(function (v) { return v.x + "," + v.y; }).join(" ") }, common));
        } else el = CE.svg("circle", Object.assign({ cx: a.x, cy: a.y, r: String(5 * sc) }, common, { "fill-opacity": "0.9" }));
        L.appendChild(el);
        var label = CE.svg("text", { x: "left" in a ? a.left : "x" in a ? a.x + 6 * sc : a.vertices[0].x,
          y: ("left" in a ? a.top : "y" in a ? a.y : a.vertices[0].y) - 4 * sc, fill: c, "font-size": String(12 * sc), "pointer-events": "none" });
        label.textContent = self.nameOf(a);
        L.appendChild(label);
        if (sel && "left" in a) {
          L.appendChild(CE.svg("rect", { "data-id": a.objectId, "data-handle": "br", x: a.left + a.width - 5 * sc, y: a.top + a.height - 5 * sc,
            width: String(10 * sc), height: String(10 * sc), fill: "#fff", stroke: c, "stroke-width": String(2 * sc), style: "cursor: nwse-resize" }));
        }
      });
      var d = this.draft;
      if (d && d.kind === "box") {
        L.appendChild(CE.svg("rect", { x: Math.min(d.start.x, d.end.x), y: Math.min(d.start.y, d.end.y),
          width: Math.abs(d.end.x - d.start.x), height: Math.abs(d.end.y - d.start.y), fill: "none",
          stroke: this.colors[this.current], "stroke-width": String(2 * sc), "stroke-dasharray": String(4 * sc) }));
      } else if (d && d.kind === "path") {
        var pts = d.vertices.concat(d.hover ? [d.hover] : []);
        L.appendChild(CE.svg("polyline", { points: pts.map(function (v) { return v.x + "," + v.y; }).join(" "), fill: "none",
          stroke: this.colors[this.current], "stroke-width": String(2 * sc), "stroke-dasharray": String(4 * sc) }));
      }
      this.drawList();
      this.drawAttributes();
      this.stripButtons.forEach(function (b, k) {
        var f = self.frames[k];
        b.classList.toggle("has", !!(self.ann[f.no] && self.ann[f.no].length));
      });
    }
    drawList() {
      var self = this;
      this.listEl.textContent = "";
      this.here().forEach(function (a) {
        self.listEl.appendChild(h("li", { class: a.objectId === self.selectedId ? "selected" : "", "data-object": self.nameOf(a),
          onclick: function () { self.selectedId = a.objectId; self.showLabel(self.labels.indexOf(a.label)); self.redraw(); } },
          h("span", { class: "swatch", style: { background: self.colors[self.labels.indexOf(a.label)] } }),
          h("span", { text: self.nameOf(a) + (a.keyframe ? "" : " (copied)") + (self.locked(a.label) ? " (locked)" : "") })));
      });
    }
    field(def, value, onChange) {
      var input;
      if (def.enum && def.enum.length) {
        input = h("select", { "aria-label": def.name }, h("option", { value: "", text: "\u2014" }),
          def.enum.map(function (v) { var o = h("option", { value: v, text: v }); o.selected = v === value; return o; }));
      } else {
        input = h("input", { "aria-label": def.name, type: def.type === "number" ? "number" : "text",
          min: def.minimum, max: def.maximum, value: value === undefined ? "" : String(value) });
      }
      if (def.editsAllowed === "none" && this.task.earlier) input.disabled = true;
      input.addEventListener("change", function (e) {
        var v = e.target.value;
        onChange(v === "" ? undefined : def.type === "number" ? Number(v) : v);
      });
      return h("div", { class: "field" }, h("label", { text: def.name + (def.isRequired ? " *" : "") + (def.description ? " \u2014 " + def.description : "") }), input);
    }
    drawAttributes() {
      var self = this, a = this.selected();
      this.attrEl.textContent = "";
      if (!a) { this.attrEl.appendChild(h("p", { class: "hint", text: "Select an object to give its attributes." })); }
      else {
        var def = this.labelDefs[this.labels.indexOf(a.label)] || {};
        (def.categoryAttributes || []).forEach(function (d) {
          self.attrEl.appendChild(self.field(d, a.attributes[d.name], function (v) {
            if (v === undefined) delete a.attributes[d.name]; else a.attributes[d.name] = v;
            self.changed();
          }));
        });
      }
      var no = this.frameNo();
      this.frameAttrEl.textContent = "";
      this.frameAttrDefs.forEach(function (d) {
        var vals = self.fattrs[no] || (self.fattrs[no] = {});
        self.frameAttrEl.appendChild(self.field(d, vals[d.name], function (v) {
          if (v === undefined) delete vals[d.name]; else vals[d.name] = v;
          self.changed();
          self.redraw();
        }));
      });
      if (this.frameAttrDefs.length) {
        this.frameAttrEl.appendChild(h("button", { type: "button", class: "btn", "data-action": "attrs-all",
          text: "Apply to all frames", onclick: function () {
            var vals = {};
            self.frameAttrDefs.forEach(function (d) {
              var v = (self.fattrs[no] || {})[d.name];
              if (v !== undefined && !(d.editsAllowed === "none" && self.task.earlier)) vals[d.name] = v;
            });
            self.frames.forEach(function (f) { self.fattrs[f.no] = Object.assign(self.fattrs[f.no] || {}, clone(vals)); });
            self.changed();
            self.redraw();
          } }));
      }
    }
    showError(msg) { if (this.errorEl) this.errorEl.textContent = msg || ""; }

    // ------------------------------------------------------------------ answer contract
    crowdAnswer() {
      var self = this, out = [];
      this.frames.forEach(function (f) {
        var anns = (self.ann[f.no] || []).map(function (a) {
          var o = { label: a.label, objectId: a.objectId, attributes: clone(a.attributes || {}), keyframe: !!a.keyframe };
          var s = shapeOf(a);
          if ("left" in s) ["left", "top", "width", "height"].forEach(function (k) { o[k] = Math.round(s[k]); });
          else if ("vertices" in s) o.vertices = s.vertices.map(function (v) { return { x: Math.round(v.x * 10) / 10, y: Math.round(v.y * 10) / 10 }; });
          else { o.x = Math.round(s.x * 10) / 10; o.y = Math.round(s.y * 10) / 10; }
          return o;
        });
        var attrs = clone(self.fattrs[f.no] || {});
        if (anns.length || Object.keys(attrs).length) out.push({ frameNo: f.no, annotations: anns, frameAttributes: attrs });
      });
      return { annotationType: this.kind, frameAnnotations: out };
    }
    crowdRestore(v) {
      this.load(v || this.task.earlier || null);
      this.selectedId = null;
      this.redraw();
    }
    crowdValidate() {
      var self = this, msg = "";
      var required = this.frameAttrDefs.filter(function (d) { return d.isRequired; });
      this.frames.some(function (f) {
        var missing = required.filter(function (d) { return (self.fattrs[f.no] || {})[d.name] === undefined; })[0];
        if (missing) msg = "Frame " + f.no + " needs its frame attribute \u201c" + missing.name + "\u201d.";
        return !!missing;
      });
      if (msg) { this.showError(msg); return msg; }
      this.frames.some(function (f) {
        return (self.ann[f.no] || []).some(function (a) {
          var def = self.labelDefs[self.labels.indexOf(a.label)] || {};
          var missing = (def.categoryAttributes || []).filter(function (d) { return d.isRequired && (a.attributes || {})[d.name] === undefined; })[0];
          if (missing) msg = "Frame " + f.no + ": " + self.nameOf(a) + " needs its attribute \u201c" + missing.name + "\u201d.";
          return !!missing;
        });
      });
      this.showError(msg);
      return msg;
    }
    crowdFocus() { if (this.stage) this.stage.focus(); }
  }

  CE.define("ot-video-frames", VideoFrames);
})(window.CrowdElements);
