/*
 * Shared machinery of the crowd elements: a tolerant attribute parser, a DOM builder, the
 * label palette, the base class and the answer contract every named element follows.
 *
 * Answer contract (what crowd-form relies on): an element that contributes to answerContent
 * has a `name` attribute and implements
 *   crowdAnswer()      -> the value stored under its name, or undefined to leave it out
 *   crowdRestore(v)    -> put a saved value (from a draft) back
 *   crowdValidate()    -> "" when the answer may be submitted, otherwise a message for the worker
 * and calls this.changed() whenever its answer changes (crowd-form autosaves on that event).
 */
(function (CE) {
  "use strict";

  // ------------------------------------------------------------------ tolerant literal parser
  // Ground Truth's attributes are "JSON formatted" in name only: its own examples use single
  // quotes (categories="['Cat', 'Dog']"), unquoted keys ({ text: 'None' }), trailing commas and
  // // comments. This reads that JavaScript-literal subset without ever evaluating code.
  function parseLoose(text) {
    if (text === null || text === undefined) return undefined;
    var s = String(text);
    var i = 0;
    function fail(msg) {
      throw new SyntaxError(msg + " at offset " + i + " of " + JSON.stringify(s.slice(0, 80)));
    }
    function ws() {
      for (;;) {
        var c = s[i];
        if (c === " " || c === "\n" || c === "\t" || c === "\r" || c === "\u00a0") i++;
        else if (c === "/" && s[i + 1] === "/") {
          while (i < s.length && s[i] !== "\n") i++;
        } else if (c === "/" && s[i + 1] === "*") {
          var end = s.indexOf("*/", i + 2);
          i = end < 0 ? s.length : end + 2;
        } else return;
      }
    }
    function str() {
      var q = s[i++];
      var out = "";
      while (i < s.length && s[i] !== q) {
        var c = s[i++];
        if (c === "\\") {
          var e = s[i++];
          var map = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", "0": "\0" };
          if (e === "u") {
            out += String.fromCharCode(parseInt(s.substr(i, 4), 16));
            i += 4;
          } else out += e in map ? map[e] : e;
        } else out += c;
      }
      if (s[i] !== q) fail("unterminated string");
      i++;
      return out;
    }
    function ident() {
      var m = /^[A-Za-z_$][\w$-]*/.exec(s.slice(i));
      if (!m) fail("unexpected character " + JSON.stringify(s[i]));
      i += m[0].length;
      return m[0];
    }
    function value() {
      ws();
      var c = s[i];
      if (c === "{") {
        i++;
        var obj = {};
        for (;;) {
          ws();
          if (s[i] === "}") { i++; return obj; }
          if (s[i] === ",") { i++; continue; }
          var key = s[i] === '"' || s[i] === "'" ? str() : /[\d-]/.test(s[i]) ? String(value()) : ident();
          ws();
          if (s[i] !== ":") fail("expected ':'");
          i++;
          obj[key] = value();
          ws();
          if (s[i] === ",") i++;
          else if (s[i] !== "}") fail("expected ',' or '}'");
        }
      }
      if (c === "[") {
        i++;
        var arr = [];
        for (;;) {
          ws();
          if (s[i] === "]") { i++; return arr; }
          if (s[i] === ",") { i++; continue; } // holes and trailing commas are skipped
          arr.push(value());
          ws();
          if (s[i] === ",") i++;
          else if (s[i] !== "]") fail("expected ',' or ']'");
        }
      }
      if (c === '"' || c === "'") return str();
      var num = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(s.slice(i));
      if (num) { i += num[0].length; return Number(num[0]); }
      var word = ident();
      if (word === "true") return true;
      if (word === "false") return false;
      if (word === "null" || word === "undefined") return null;
      fail("unexpected word " + JSON.stringify(word));
    }
    ws();
    if (i >= s.length) return undefined;
    var result = value();
    ws();
    if (i < s.length) fail("unexpected trailing text");
    return result;
  }

  /** Parse an attribute, reporting a bad value on the console instead of breaking the page. */
  function attrValue(el, name, fallback) {
    var raw = el.getAttribute(name);
    if (raw === null || raw.trim() === "") return fallback;
    try {
      var v = parseLoose(raw);
      return v === undefined ? fallback : v;
    } catch (err) {
      console.error("<" + el.localName + "> attribute " + name + ": " + err.message);
      return fallback;
    }
  }

  /** A list of label strings from an attribute such as labels="['a', 'b']". */
  function stringList(el, name) {
    var v = attrValue(el, name, []);
    if (!Array.isArray(v)) return [];
    return v
      .map(function (x) { return x && typeof x === "object" ? x.label : x; })
      .filter(function (x) { return x !== null && x !== undefined; })
      .map(String);
  }

  // ------------------------------------------------------------------ DOM builder
  function h(tag, props) {
    var el = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        var v = props[k];
        if (v === undefined || v === null || v === false) return;
        if (k === "text") el.textContent = v;
        else if (k === "class") el.className = v;
        else if (k.slice(0, 2) === "on" && typeof v === "function") el.addEventListener(k.slice(2), v);
        else if (k === "style" && typeof v === "object") Object.assign(el.style, v);
        else el.setAttribute(k, v === true ? "" : v);
      });
    }
    for (var a = 2; a < arguments.length; a++) append(el, arguments[a]);
    return el;
  }
  function append(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) child.forEach(function (c) { append(el, c); });
    else el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
  var SVG_NS = "http://www.w3.org/2000/svg";
  function svg(tag, attrs) {
    var el = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    return el;
  }

  // ------------------------------------------------------------------ colours
  // The first ten are the categorical palette Ground Truth's examples show (#1f77b4, #ff7f0e,
  // #2ca02c, …); further labels get distinct generated hues.
  var PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
  function colorFor(index) {
    if (index < PALETTE.length) return PALETTE[index];
    // golden-angle hues at fixed saturation/lightness, converted to #rrggbb
    var hue = (index * 137.508) % 360, s = 0.65, l = 0.5;
    var f = function (n) {
      var k = (n + hue / 30) % 12;
      var c = l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1));
      return ("0" + Math.round(255 * c).toString(16)).slice(-2);
    };
    return "#" + f(0) + f(8) + f(4);
  }
  function hexToRgb(hex) {
    var m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(String(hex).trim());
    return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : null;
  }

  // ------------------------------------------------------------------ base class
  var REGIONS = ["short-instructions", "full-instructions", "classification-target",
    "worker-comment", "positive-example", "negative-example", "short-summary",
    "detailed-instructions"];

  class CrowdElement extends HTMLElement {
    connectedCallback() {
      if (this._built || this._waiting) return;
      // Defined before the template's markup is parsed, an element is connected as soon as its
      // start tag is read, before its children exist; build once the document is complete.
      if (document.readyState === "loading") {
        this._waiting = true;
        var self = this;
        document.addEventListener("DOMContentLoaded", function () {
          self._waiting = false;
          if (self.isConnected) self.connectedCallback();
        }, { once: true });
        return;
      }
      this._built = true;
      this.attachShadow({ mode: "open" });
      if (CE.sheet) this.shadowRoot.adoptedStyleSheets = [CE.sheet];
      // Child regions keep their place in the light DOM (templates may query them); the shadow
      // tree shows each through a named slot.
      Array.prototype.forEach.call(this.children, function (child) {
        if (REGIONS.indexOf(child.localName) >= 0 && !child.hasAttribute("slot")) {
          child.setAttribute("slot", child.localName);
        }
      });
      this.build();
    }
    /** Subclasses render their shadow tree here (called once, on first connection). */
    build() {}
    /** Tell crowd-form that the answer changed (drives the autosave). */
    changed() {
      if (this.showError) this.showError("");
      this.dispatchEvent(new CustomEvent("crowd-change", { bubbles: true, composed: true }));
    }
    // Ground Truth's templates read answers through `value` and, in its own samples,
    // `_submittableValue`; both give the element's answer.
    get value() { return this.crowdAnswer ? this.crowdAnswer() : undefined; }
    set value(v) { if (this.crowdRestore) this.crowdRestore(v); }
    get _submittableValue() { return this.value; }
    get name() { return this.getAttribute("name") || ""; }
    set name(v) { this.setAttribute("name", v); }
    /** The enclosing crowd-form, if any. */
    form() { return this.closest("crowd-form"); }
  }

  /** The "View full instructions" dialog and the short instructions panel of a task element. */
  function instructionsPanel(host) {
    var full = host.querySelector(":scope > full-instructions");
    // Ground Truth's class names on the pane and the dialog too: AWS's samples size them by
    // those names from script (other/custom-instructions-width in the sample task UIs).
    var dialog = h("dialog", { class: "dialog awsui-modal-dialog", part: "instructions-dialog" },
      h("header", {},
        h("h2", { text: (full && full.getAttribute("header")) || "Instructions" }),
        h("button", { type: "button", class: "close", "aria-label": "Close", text: "\u00d7",
          onclick: function () { dialog.close(); } })),
      h("div", { class: "dialog-body" }, h("slot", { name: "full-instructions" })));
    var panel = h("aside", { class: "instructions awsui-app-layout__navigation", part: "instructions" },
      h("slot", { name: "short-instructions" }),
      full ? h("button", { type: "button", class: "link", text: "View full instructions",
        onclick: function () { dialog.showModal(); } }) : null,
      dialog);
    // Without any instructions the panel keeps its grid column but draws no empty box.
    if (!full && !host.querySelector(":scope > short-instructions")) panel.classList.add("empty");
    return panel;
  }

  /** True when a key event belongs to a text field (shortcuts must not steal typing). */
  function isTyping(event) {
    var path = event.composedPath ? event.composedPath() : [event.target];
    for (var k = 0; k < path.length; k++) {
      var t = path[k];
      if (!t || !t.localName) continue;
      if (t.localName === "textarea" || t.localName === "select" || t.isContentEditable) return true;
      if (t.localName === "input" && !/^(checkbox|radio|button|submit|range)$/.test(t.type)) return true;
    }
    return false;
  }

  function define(name, cls) {
    if (!customElements.get(name)) customElements.define(name, cls);
  }

  Object.assign(CE, {
    parseLoose: parseLoose,
    attrValue: attrValue,
    stringList: stringList,
    h: h,
    svg: svg,
    PALETTE: PALETTE,
    colorFor: colorFor,
    hexToRgb: hexToRgb,
    CrowdElement: CrowdElement,
    instructionsPanel: instructionsPanel,
    isTyping: isTyping,
    define: define,
  });
})(window.CrowdElements);
