/*
 * crowd-point-cloud: the worker UI of Ground Truth's 3D point cloud task types
 * (PointCloudObjectDetection, PointCloudObjectTracking, PointCloudSemanticSegmentation and their
 * adjustment jobs). Answer: {"pointCloudFrames": [{frameNo, cuboids, frameAttributes, pointLabels}]}
 * (src/opentruth/labeling/pointcloud/answers.py). The task data is the JSON block named by the
 * `task` attribute: {"input": task.input, "urls": {s3 URI: signed URL}}.
 *
 * Keys: 1–4 orbit/top/side/front view · V select · N new cuboid · B brush · Delete remove ·
 * Q/E rotate · arrows move · PageUp/PageDown raise/lower · [ ] brush size · , . previous/next
 * frame · C copy to next frame · I interpolate · Tab next cuboid. Frames load one at a time.
 */
import { inflateBase64, lerpCuboid, newId, parseFrame, toBase64, zlibStore } from "./pc-data.js";
import { attributeForm, CSS, Images, missingRequired } from "./pc-panels.js";
import { View } from "./pc-view.js";

var CE = window.CrowdElements;
var h = CE.h;
var CACHE = 6;
var NUM = ["center-x", "center-y", "center-z", "length", "width", "height", "roll", "pitch", "yaw"];

function clone(v) { return JSON.parse(JSON.stringify(v)); }

class CrowdPointCloud extends CE.CrowdElement {
  build() {
    var started = performance.now();
    this.stats = { buildMs: started, openMs: null, loadMs: null, renders: 0, points: 0 };
    var data = document.getElementById(this.getAttribute("task") || "point-cloud-task");
    var task = data ? JSON.parse(data.textContent) : { input: {}, urls: {} };
    this.input = task.input || {};
    this.urls = task.urls || {};
    this.kind = this.input.kind || this.getAttribute("kind") || "detection";
    this.labels = (this.input.labels || CE.stringList(this, "labels")).map(String);
    this.config = this.input.labelCategoryConfig || {};
    this.frames = this.input.frames || [];
    this.cache = new Map();
    this.current = 0;
    this.tool = this.kind === "segmentation" ? "brush" : "select";
    this.brush = 12;
    this.label = this.labels[0];
    this.selected = null;
    this.reset();
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    this.shadowRoot.adoptedStyleSheets = (CE.sheet ? [CE.sheet] : []).concat([sheet]);
    this.render();
    var self = this;
    this.view = new View(this.canvas);
    this.view.onRender = function () {
      self.stats.renders = self.view.renders;
      if (self.stats.openMs === null && self.view.points) self.stats.openMs = performance.now();
    };
    this.bindPointer();
    document.addEventListener("keydown", function (e) { self.onKey(e); });
    if (this.input.previous) this.restoreFrames(this.input.previous.frames, false);
    if (this.frames.length) this.showFrame(0);
    else this.statusText("This task has no point cloud frames.");
  }

  /** Per-frame state: cuboids, frame attributes and (segmentation) one class per point. */
  reset() {
    this.state = this.frames.map(function () { return { cuboids: [], attrs: {}, classes: null, pending: null }; });
  }

  // ---------------------------------------------------------------- layout
  render() {
    var self = this;
    var tool = function (name, text, key) {
      return h("button", { type: "button", "data-tool": name, title: text + " (" + key + ")", text: text,
        onclick: function () { self.setTool(name); } });
    };
    var view = function (name, text, key) {
      return h("button", { type: "button", "data-view": name, title: text + " view (" + key + ")", text: text,
        onclick: function () { self.setView(name); } });
    };
    this.labelSelect = h("select", { "aria-label": "Label", onchange: function () { self.setLabel(self.labelSelect.value); } },
      this.labels.map(function (l) { return h("option", { value: l, text: l }); }));
    var tools = this.kind === "segmentation"
      ? [tool("brush", "Brush", "B"), h("label", {}, "Size ", this.brushInput = h("input", { type: "range", min: 2, max: 60, value: this.brush,
        oninput: function () { self.brush = +self.brushInput.value; } }))]
      : [tool("select", "Select", "V"), tool("new", "New cuboid", "N"),
        h("button", { type: "button", text: "Delete", title: "Delete the selected cuboid (Delete)", onclick: function () { self.removeSelected(); } })];
    if (this.kind === "tracking") {
      tools.push(h("button", { type: "button", text: "Copy to next frame", title: "C", onclick: function () { self.copyToNext(); } }),
        h("button", { type: "button", text: "Interpolate", title: "Fill the frames between keyframes (I)", onclick: function () { self.interpolate(); } }));
    }
    this.canvas = h("canvas", { class: "view", tabindex: "0", "aria-label": "3D point cloud view" });
    this.cuboidPanel = h("section", { class: "cuboid-panel", hidden: true });
    this.framePanel = h("section", { class: "frame-panel" });
    this.listPanel = h("section", { class: "list-panel" });
    this.statusLine = h("span", { class: "status", role: "status" });
    this.errorLine = h("p", { class: "error", role: "alert" });
    this.imagesBox = h("div", { class: "images", hidden: true });
    this.images = new Images(this.imagesBox, this.urls);
    var side = h("aside", { class: "side" }, CE.instructionsPanel(this), this.cuboidPanel, this.framePanel, this.listPanel);
    var frames = null;
    if (this.frames.length > 1) {
      this.slider = h("input", { type: "range", min: 0, max: this.frames.length - 1, value: 0, "aria-label": "Frame",
        oninput: function () { self.showFrame(+self.slider.value); } });
      this.frameLabel = h("span", { class: "frame-label" });
      frames = h("div", { class: "frames" },
        h("button", { type: "button", text: "\u25c0", "aria-label": "Previous frame", onclick: function () { self.step(-1); } }),
        this.slider,
        h("button", { type: "button", text: "\u25b6", "aria-label": "Next frame", onclick: function () { self.step(1); } }),
        this.frameLabel);
    }
    this.shadowRoot.appendChild(h("div", { class: "pc" },
      h("div", { class: "toolbar" }, h("strong", { text: this.getAttribute("header") || "" }), this.labelSelect,
        h("span", { class: "sep" }), tools, h("span", { class: "sep" }),
        view("orbit", "Orbit", "1"), view("top", "Top", "2"), view("side", "Side", "3"), view("front", "Front", "4"),
        h("span", { class: "sep" }), this.statusLine),
      this.canvas, side, frames, this.imagesBox, this.errorLine));
    this.setTool(this.tool);
    this.markView("orbit");
  }

  statusText(text) { this.statusLine.textContent = text; }
  colorOf(label) { var i = this.labels.indexOf(label); return CE.colorFor(i < 0 ? 0 : i); }
  frameState() { return this.state[this.current]; }

  setTool(name) {
    this.tool = name;
    this.shadowRoot.querySelectorAll("[data-tool]").forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.tool === name)); });
    this.canvas.className = "view " + name;
  }
  markView(name) {
    this.shadowRoot.querySelectorAll("[data-view]").forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.view === name)); });
  }
  setView(name) {
    this.view.setMode(name);
    var c = this.selected;
    if (c && name !== "orbit") this.view.lookAt(c["center-x"], c["center-y"], c["center-z"]);
    this.markView(name);
  }
  setLabel(label) {
    this.label = label;
    this.labelSelect.value = label;
    if (this.selected && this.selected.label !== label) { this.selected.label = label; this.update(true); }
  }

  // ---------------------------------------------------------------- frames
  async loadFrame(i) {
    if (this.cache.has(i)) return this.cache.get(i);
    var f = this.frames[i];
    var url = this.urls[f.uri];
    if (!url) throw new Error("no URL for " + f.uri);
    var response = await fetch(url);
    if (!response.ok) throw new Error(f.uri + ": HTTP " + response.status);
    var frame = parseFrame(await response.arrayBuffer(), f.format);
    frame.base = frame.colors.slice(0);
    this.cache.set(i, frame);
    if (this.cache.size > CACHE) {
      var self = this;
      var old = Array.from(this.cache.keys()).find(function (k) { return k !== i && k !== self.current; });
      this.cache.delete(old);
    }
    return frame;
  }

  async showFrame(i) {
    i = Math.max(0, Math.min(this.frames.length - 1, i));
    this.current = i;
    this.selected = null;
    if (this.slider) { this.slider.value = i; this.frameLabel.textContent = "Frame " + (i + 1) + " / " + this.frames.length + " (no. " + this.frames[i].frameNo + ")"; }
    this.statusText("Loading frame " + (i + 1) + "\u2026");
    var t0 = performance.now();
    var frame;
    try { frame = await this.loadFrame(i); } catch (err) { this.statusText("Could not load the frame: " + err.message); return; }
    if (this.current !== i) return;
    var st = this.state[i];
    if (this.kind === "segmentation") {
      if (st.pending) { st.classes = await inflateBase64(st.pending); st.pending = null; }
      if (!st.classes || st.classes.length !== frame.count) st.classes = new Uint8Array(frame.count);
      if (!frame.dimmed) { // unlabeled points recede so that painted ones stand out
        frame.dimmed = true;
        for (var k = 0; k < frame.base.length; k++) frame.base[k] = 30 + frame.base[k] * 0.4;
      }
      this.paintAll(frame, st.classes);
    }
    this.view.setPoints(frame);
    this.stats.points = frame.count;
    if (this.stats.loadMs === null) this.stats.loadMs = performance.now() - t0;
    var pose = this.frames[i].egoVehiclePose;
    this.view.setEgo(pose);
    if (!this.centred) {
      this.centred = true;
      var b = this.frames[i].bounds;
      if (pose) this.view.lookAt(pose.position.x, pose.position.y, pose.position.z);
      else if (b) this.view.lookAt((b[0][0] + b[1][0]) / 2, (b[0][1] + b[1][1]) / 2, frame.zmin);
    }
    this.images.show(this.frames[i].images);
    this.update(false);
    if (i + 1 < this.frames.length) this.loadFrame(i + 1).catch(function () {});
  }
  step(d) { if (this.frames.length > 1) this.showFrame(this.current + d); }

  paintAll(frame, classes) {
    for (var i = 0; i < frame.count; i++) this.paintPoint(frame, i, classes[i]);
  }
  paintPoint(frame, i, cls) {
    var c = frame.colors, b = frame.base;
    if (!cls) { c[i * 3] = b[i * 3]; c[i * 3 + 1] = b[i * 3 + 1]; c[i * 3 + 2] = b[i * 3 + 2]; return; }
    var rgb = CE.hexToRgb(CE.colorFor(cls - 1));
    c[i * 3] = rgb[0]; c[i * 3 + 1] = rgb[1]; c[i * 3 + 2] = rgb[2];
  }

  // ---------------------------------------------------------------- redraw
  /** Redraw cuboids, panels and images; ``edited``: the answer changed (autosave). */
  update(edited) {
    var st = this.frameState();
    if (!st) return;
    var self = this;
    var colorOf = function (l) { return self.colorOf(l); };
    this.view.setCuboids(st.cuboids, this.selected, colorOf);
    this.images.draw(st.cuboids, colorOf, this.selected);
    this.renderCuboidPanel();
    this.renderFramePanel();
    this.renderList();
    var labeled = st.classes ? st.classes.reduce(function (n, v) { return n + (v ? 1 : 0); }, 0) : 0;
    this.statusText((this.stats.points || 0).toLocaleString() + " points \u00b7 " +
      (this.kind === "segmentation" ? labeled.toLocaleString() + " labeled" : st.cuboids.length + " cuboid(s)"));
    if (edited) { this.errorLine.textContent = ""; this.changed(); }
  }

  renderCuboidPanel() {
    var c = this.selected, panel = this.cuboidPanel, self = this;
    panel.textContent = "";
    panel.hidden = !c;
    if (!c) return;
    panel.appendChild(h("h3", { text: "Selected: " + c.label + (this.kind === "tracking" ? " (" + c["object-id"].slice(0, 8) + ")" : "") }));
    var nums = h("div", { class: "nums" });
    NUM.forEach(function (k) {
      var input = h("input", { type: "number", step: k.length === 3 || k === "roll" || k === "pitch" ? "0.05" : "0.1", value: (+c[k]).toFixed(2), "aria-label": k });
      input.addEventListener("change", function () {
        var v = Number(input.value);
        if (!isFinite(v) || (["length", "width", "height"].indexOf(k) >= 0 && v <= 0)) return;
        c[k] = v; self.update(true);
      });
      nums.appendChild(h("label", {}, k, input));
    });
    panel.appendChild(nums);
    var label = (this.config.labels || []).find(function (l) { return l.label === c.label; }) || {};
    var defs = (this.config.categoryGlobalAttributes || []).concat(label.categoryAttributes || []);
    if (defs.length) {
      panel.appendChild(h("h3", { text: "Label attributes" }));
      panel.appendChild(attributeForm(defs, c["label-category-attributes"], function (name, v) {
        if (v === undefined) delete c["label-category-attributes"][name]; else c["label-category-attributes"][name] = v;
        self.changed();
      }, label.editsAllowed === "none"));
    }
  }

  renderFramePanel() {
    var defs = this.config.frameAttributes || [], st = this.frameState(), self = this;
    this.framePanel.textContent = "";
    this.framePanel.hidden = !defs.length;
    if (!defs.length) return;
    this.framePanel.appendChild(h("h3", { text: "Frame attributes" }));
    this.framePanel.appendChild(attributeForm(defs, st.attrs, function (name, v) {
      if (v === undefined) delete st.attrs[name]; else st.attrs[name] = v;
      self.changed();
    }));
  }

  renderList() {
    var st = this.frameState(), self = this;
    this.listPanel.textContent = "";
    this.listPanel.hidden = this.kind === "segmentation";
    if (this.kind === "segmentation") return;
    this.listPanel.appendChild(h("h3", { text: "Cuboids in this frame" }));
    var counts = {};
    this.listPanel.appendChild(h("ul", { class: "cuboids" }, st.cuboids.map(function (c) {
      counts[c.label] = (counts[c.label] || 0) + 1;
      return h("li", {}, h("button", { type: "button", "aria-current": String(c === self.selected), onclick: function () { self.select(c); } },
        h("span", { class: "swatch", style: { background: self.colorOf(c.label) } }), c.label + " " + counts[c.label]));
    })));
  }

  select(c) {
    this.selected = c;
    if (c) this.setLabel(c.label);
    this.update(false);
  }

  // ---------------------------------------------------------------- editing
  newCuboid(p) {
    var frame = this.cache.get(this.current);
    var ground = frame ? frame.zmin : 0;
    var c = { "object-id": newId(), label: this.label, "center-x": p[0], "center-y": p[1], "center-z": ground + 0.8,
      length: 4, width: 2, height: 1.6, roll: 0, pitch: 0, yaw: 0, "label-category-attributes": {} };
    this.frameState().cuboids.push(c);
    this.selected = c;
    this.setTool("select");
    this.update(true);
  }
  removeSelected() {
    var st = this.frameState(), i = st.cuboids.indexOf(this.selected);
    if (i < 0) return;
    st.cuboids.splice(i, 1);
    this.selected = null;
    this.update(true);
  }
  copyToNext() {
    var c = this.selected;
    if (!c || this.current + 1 >= this.frames.length) return;
    var next = this.state[this.current + 1];
    next.cuboids = next.cuboids.filter(function (o) { return o["object-id"] !== c["object-id"]; });
    var copy = clone(c);
    next.cuboids.push(copy);
    this.changed();
    var self = this;
    this.showFrame(this.current + 1).then(function () { self.select(copy); });
  }
  /** Fill the frames between two keyframes of the selected object, by timestamp. */
  interpolate() {
    var c = this.selected;
    if (!c) return;
    var id = c["object-id"], frames = this.frames;
    var keys = [];
    this.state.forEach(function (st, i) {
      var found = st.cuboids.find(function (o) { return o["object-id"] === id && !o._interpolated; });
      if (found) keys.push([i, found]);
    });
    var filled = 0;
    for (var k = 0; k + 1 < keys.length; k++) {
      var a = keys[k], b = keys[k + 1];
      var ta = frames[a[0]].unixTimestamp, tb = frames[b[0]].unixTimestamp;
      for (var i = a[0] + 1; i < b[0]; i++) {
        var st = this.state[i];
        st.cuboids = st.cuboids.filter(function (o) { return o["object-id"] !== id; });
        var t = tb > ta ? (frames[i].unixTimestamp - ta) / (tb - ta) : (i - a[0]) / (b[0] - a[0]);
        var made = lerpCuboid(a[1], b[1], t);
        made["label-category-attributes"] = clone(a[1]["label-category-attributes"] || {});
        st.cuboids.push(made);
        filled++;
      }
    }
    this.statusText("Interpolated " + filled + " frame(s)");
    if (filled) this.update(true);
  }

  bindPointer() {
    var self = this, cv = this.canvas, drag = null;
    cv.addEventListener("contextmenu", function (e) { e.preventDefault(); });
    cv.addEventListener("wheel", function (e) { e.preventDefault(); self.view.wheel(e.deltaY); }, { passive: false });
    cv.addEventListener("pointerdown", function (e) {
      cv.setPointerCapture(e.pointerId);
      cv.focus();
      var frame = self.cache.get(self.current);
      if (self.tool === "brush" && frame) { drag = { kind: "brush" }; self.paint(e); return; }
      if (self.tool === "new") {
        var p = self.view.planePoint(e.clientX, e.clientY, frame ? frame.zmin : 0);
        if (p) self.newCuboid(p);
        return;
      }
      var hit = self.view.pick(e.clientX, e.clientY);
      if (hit && hit.handle && self.selected) { drag = { kind: hit.handle, moved: false }; return; }
      if (hit && hit.cuboid) {
        self.select(hit.cuboid);
        var q = self.view.planePoint(e.clientX, e.clientY, hit.cuboid["center-z"]);
        drag = { kind: "move", moved: false, dx: q ? q[0] - hit.cuboid["center-x"] : 0, dy: q ? q[1] - hit.cuboid["center-y"] : 0,
          dz: q ? q[2] - hit.cuboid["center-z"] : 0 };
        return;
      }
      drag = { kind: "camera", x: e.clientX, y: e.clientY, pan: e.button === 2 || e.shiftKey };
    });
    cv.addEventListener("pointermove", function (e) {
      if (!drag) return;
      var c = self.selected;
      if (drag.kind === "camera") {
        self.view.drag(e.clientX - drag.x, e.clientY - drag.y, drag.pan);
        drag.x = e.clientX; drag.y = e.clientY;
        return;
      }
      if (drag.kind === "brush") { self.paint(e); return; }
      if (!c) return;
      var p = self.view.planePoint(e.clientX, e.clientY, c["center-z"]);
      if (!p) return;
      drag.moved = true;
      if (drag.kind === "move") {
        var mode = self.view.mode;
        if (mode !== "front") c["center-x"] = p[0] - drag.dx;
        if (mode !== "side") c["center-y"] = p[1] - drag.dy;
        if (mode === "side" || mode === "front") c["center-z"] = p[2] - drag.dz;
      } else if (drag.kind === "rotate") {
        c.yaw = Math.atan2(p[1] - c["center-y"], p[0] - c["center-x"]);
      } else if (drag.kind === "resize") {
        var cy = Math.cos(-c.yaw), sy = Math.sin(-c.yaw);
        var lx = cy * (p[0] - c["center-x"]) - sy * (p[1] - c["center-y"]);
        var ly = sy * (p[0] - c["center-x"]) + cy * (p[1] - c["center-y"]);
        if (self.view.mode === "side" || self.view.mode === "front") c.height = Math.max(0.2, 2 * Math.abs(p[2] - c["center-z"]));
        else { c.length = Math.max(0.2, 2 * Math.abs(lx)); c.width = Math.max(0.2, 2 * Math.abs(ly)); }
      }
      self.update(false);
    });
    var end = function () {
      if (drag && (drag.kind === "brush" || drag.moved)) self.update(true);
      drag = null;
    };
    cv.addEventListener("pointerup", end);
    cv.addEventListener("pointercancel", end);
  }

  paint(e) {
    var frame = this.cache.get(this.current), st = this.frameState();
    if (!frame || !st.classes) return;
    var cls = e.shiftKey ? 0 : this.labels.indexOf(this.label) + 1;
    var hits = this.view.pointsNear(e.clientX, e.clientY, this.brush);
    for (var k = 0; k < hits.length; k++) { st.classes[hits[k]] = cls; this.paintPoint(frame, hits[k], cls); }
    if (hits.length) this.view.colorsChanged();
  }

  onKey(e) {
    if (CE.isTyping(e) || e.ctrlKey || e.metaKey || e.altKey) return;
    var c = this.selected, k = e.key, step = e.shiftKey ? 0.02 : 0.1;
    var views = { "1": "orbit", "2": "top", "3": "side", "4": "front" };
    if (views[k]) this.setView(views[k]);
    else if (k === "v" || k === "V") this.setTool("select");
    else if ((k === "n" || k === "N") && this.kind !== "segmentation") this.setTool("new");
    else if ((k === "b" || k === "B") && this.kind === "segmentation") this.setTool("brush");
    else if (k === "[" || k === "]") { this.brush = Math.max(2, Math.min(60, this.brush + (k === "]" ? 2 : -2))); if (this.brushInput) this.brushInput.value = this.brush; }
    else if (k === "," || k === "<") this.step(-1);
    else if (k === "." || k === ">") this.step(1);
    else if ((k === "c" || k === "C") && this.kind === "tracking") this.copyToNext();
    else if ((k === "i" || k === "I") && this.kind === "tracking") this.interpolate();
    else if (k === "Tab" && this.kind !== "segmentation") {
      var list = this.frameState().cuboids;
      if (!list.length) return;
      this.select(list[(list.indexOf(c) + 1) % list.length]);
    } else if (!c) return;
    else if (k === "Delete" || k === "Backspace") this.removeSelected();
    else if (k === "q" || k === "Q" || k === "e" || k === "E") { c.yaw += (k.toLowerCase() === "q" ? 1 : -1) * (e.shiftKey ? 0.01 : 0.05); this.update(true); }
    else if (k === "ArrowLeft") { c["center-x"] -= step; this.update(true); }
    else if (k === "ArrowRight") { c["center-x"] += step; this.update(true); }
    else if (k === "ArrowUp") { c["center-y"] += step; this.update(true); }
    else if (k === "ArrowDown") { c["center-y"] -= step; this.update(true); }
    else if (k === "PageUp") { c["center-z"] += step; this.update(true); }
    else if (k === "PageDown") { c["center-z"] -= step; this.update(true); }
    else return;
    e.preventDefault();
  }

  // ---------------------------------------------------------------- answer contract
  crowdAnswer() {
    var self = this;
    return {
      pointCloudFrames: this.frames.map(function (f, i) {
        var st = self.state[i];
        var out = { frameNo: f.frameNo, frameAttributes: clone(st.attrs) };
        if (self.kind === "segmentation") {
          if (st.classes) out.pointLabels = toBase64(zlibStore(st.classes));
          else if (st.pending) out.pointLabels = st.pending;
        } else {
          out.cuboids = st.cuboids.map(function (c) {
            var o = { "object-id": c["object-id"], label: c.label };
            NUM.forEach(function (k) { o[k] = +c[k]; });
            o["label-category-attributes"] = clone(c["label-category-attributes"] || {});
            return o;
          });
        }
        return out;
      }),
    };
  }
  crowdRestore(v) {
    this.reset();
    if (v && Array.isArray(v.pointCloudFrames)) this.restoreFrames(v.pointCloudFrames, false);
    else if (this.input.previous) this.restoreFrames(this.input.previous.frames, true);
    this.selected = null;
    if (this.frames.length) this.showFrame(this.current);
  }
  restoreFrames(list, fresh) {
    var self = this;
    (list || []).forEach(function (f) {
      var i = self.frames.findIndex(function (x) { return x.frameNo === f.frameNo; });
      if (i < 0) return;
      var st = self.state[i];
      st.attrs = clone(f.frameAttributes || {});
      st.cuboids = (f.cuboids || []).map(function (c) {
        var o = clone(c);
        o["object-id"] = o["object-id"] || newId();
        o["label-category-attributes"] = o["label-category-attributes"] || {};
        NUM.forEach(function (k) { o[k] = +(o[k] || 0); });
        return o;
      });
      if (f.pointLabels) { st.pending = f.pointLabels; st.classes = null; }
    });
    if (fresh && this.view && this.cache.has(this.current)) this.showFrame(this.current);
  }
  crowdValidate() {
    if (this.kind === "segmentation" && !this.state.every(function (st) { return st.classes || st.pending; })) {
      return "The point cloud is still loading; wait a moment and submit again.";
    }
    var defs = this.config.frameAttributes || [];
    for (var i = 0; i < this.state.length; i++) {
      var msg = missingRequired(defs, this.state[i].attrs, "Frame " + this.frames[i].frameNo);
      if (msg) return msg;
    }
    return "";
  }
  showError(msg) { if (this.errorLine) this.errorLine.textContent = msg || ""; }
}

CE.define("crowd-point-cloud", CrowdPointCloud);
