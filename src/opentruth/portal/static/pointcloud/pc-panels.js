/*
 * The side panels of crowd-point-cloud: attribute forms (label and frame attributes of the
 * 2020-03-01 label category file), the camera images with the cuboids projected on them, and
 * the element's stylesheet.
 */
import { corners, EDGES, project } from "./pc-data.js";

var h = function () { return window.CrowdElements.h.apply(null, arguments); };

/**
 * A form for attribute definitions ``defs`` ({name, type, enum, minimum, maximum, description,
 * isRequired}) showing ``values``; ``onChange(name, value)`` on every edit.
 */
export function attributeForm(defs, values, onChange, disabled) {
  var box = h("div", { class: "attrs" });
  defs.forEach(function (d) {
    var id = "attr-" + Math.random().toString(36).slice(2, 9);
    var current = values[d.name];
    var input;
    if (Array.isArray(d.enum) && d.enum.length) {
      input = h("select", { id: id }, h("option", { value: "", text: "—" }),
        d.enum.map(function (v) { return h("option", { value: String(v), text: String(v), selected: String(current) === String(v) }); }));
    } else if (d.type === "number") {
      input = h("input", { id: id, type: "number", min: d.minimum, max: d.maximum, step: "any", value: current === undefined ? "" : current });
    } else if (d.type === "boolean") {
      input = h("input", { id: id, type: "checkbox", checked: current === true || current === "true" });
    } else {
      input = h("input", { id: id, type: "text", maxlength: d.maxCharacters || 1000, value: current === undefined ? "" : current });
    }
    if (disabled || d.editsAllowed === "none") input.disabled = true;
    input.addEventListener("change", function () {
      var v = input.type === "checkbox" ? input.checked : input.value;
      if (d.type === "number" && v !== "") v = Number(v);
      onChange(d.name, v === "" ? undefined : v);
    });
    box.appendChild(h("label", { for: id, title: d.description || "" },
      h("span", { text: d.name + (d.isRequired ? " *" : "") }), input));
  });
  return box;
}

/** Missing required attributes, as a message ("" when none). */
export function missingRequired(defs, values, where) {
  var missing = defs.filter(function (d) {
    var v = values[d.name];
    return d.isRequired && (v === undefined || v === null || v === "");
  }).map(function (d) { return d.name; });
  return missing.length ? where + ": " + missing.join(", ") + " is required" : "";
}

/** The camera images of a frame, each with the cuboids projected onto it. */
export class Images {
  constructor(container, urls) {
    this.container = container;
    this.urls = urls;
    this.items = [];
  }
  show(images) {
    this.container.textContent = "";
    this.items = [];
    var self = this;
    (images || []).forEach(function (image, n) {
      var img = h("img", { alt: "camera " + (n + 1) + ": " + image.imagePath, src: self.urls[image.uri] || "" });
      var canvas = h("canvas", { class: "overlay" });
      var item = { image: image, img: img, canvas: canvas };
      img.addEventListener("load", function () { self.drawOne(item); });
      self.items.push(item);
      self.container.appendChild(h("figure", { class: "camera" }, img, canvas, h("figcaption", { text: image.imagePath })));
    });
    this.container.hidden = !this.items.length;
  }
  draw(cuboids, colorOf, selected) {
    this.cuboids = cuboids; this.colorOf = colorOf; this.selected = selected;
    var self = this;
    this.items.forEach(function (item) { self.drawOne(item); });
  }
  drawOne(item) {
    var img = item.img, canvas = item.canvas;
    if (!img.naturalWidth || !this.cuboids) return;
    canvas.width = img.clientWidth; canvas.height = img.clientHeight;
    var s = img.clientWidth / img.naturalWidth;
    var ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    var self = this;
    this.cuboids.forEach(function (c) {
      var pts = corners(c).map(function (p) { return project(p, item.image); });
      ctx.strokeStyle = c === self.selected ? "#ffffff" : self.colorOf(c.label);
      ctx.lineWidth = c === self.selected ? 2 : 1.5;
      ctx.beginPath();
      EDGES.forEach(function (e) {
        var a = pts[e[0]], b = pts[e[1]];
        if (!a || !b) return;
        ctx.moveTo(a[0] * s, a[1] * s);
        ctx.lineTo(b[0] * s, b[1] * s);
      });
      ctx.stroke();
    });
    item.projected = this.cuboids.length;
  }
}

export var CSS = `
:host { display: block; font: 14px/1.4 system-ui, sans-serif; }
.pc { display: grid; grid-template-columns: 1fr 280px; gap: 8px; }
.toolbar { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.toolbar button[aria-pressed="true"] { background: #1f5fbf; color: #fff; }
.toolbar .sep { width: 1px; height: 22px; background: #ccd; margin: 0 4px; }
.view { width: 100%; height: 520px; display: block; border-radius: 4px; background: #14181f; touch-action: none; }
.view.brush { cursor: crosshair; } .view.new { cursor: copy; }
aside.side { display: flex; flex-direction: column; gap: 10px; max-height: 560px; overflow: auto; }
aside section { border: 1px solid #d7dce3; border-radius: 4px; padding: 8px; }
aside h3 { margin: 0 0 6px; font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: #556; }
.attrs label { display: grid; grid-template-columns: 1fr 1.2fr; gap: 6px; align-items: center; margin: 3px 0; }
.nums { display: grid; grid-template-columns: repeat(3, 1fr); gap: 4px; }
.nums input { width: 100%; box-sizing: border-box; }
.nums label { font-size: 12px; color: #556; display: flex; flex-direction: column; }
ul.cuboids { list-style: none; margin: 0; padding: 0; }
ul.cuboids li button { width: 100%; text-align: left; background: none; border: 0; padding: 2px 4px; cursor: pointer; }
ul.cuboids li button[aria-current="true"] { background: #e3ecfa; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.frames { grid-column: 1 / -1; display: flex; gap: 8px; align-items: center; }
.frames input[type=range] { flex: 1; }
.images { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: 8px; }
figure.camera { position: relative; margin: 0; width: 360px; }
figure.camera img { width: 100%; display: block; }
figure.camera canvas.overlay { position: absolute; left: 0; top: 0; pointer-events: none; }
figure.camera figcaption { font-size: 12px; color: #556; }
.status { color: #445; font-size: 13px; }
.error { color: #b00020; }
`;
