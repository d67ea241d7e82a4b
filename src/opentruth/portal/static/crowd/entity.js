/*
 * crowd-entity-annotation
 *   {"<name>": {"entities": [{"endOffset", "label", "startOffset"}]}}
 * Offsets count Unicode code points of `text` (endOffset is the first character after the
 * span), so they index the same characters as a Python string of the text does.
 * Choose a label (click or keys 1–9), then select words with the mouse: the selection becomes
 * an entity. Click an entity to select it; Delete (or the list's ×) removes it.
 */
(function (CE) {
  "use strict";
  var h = CE.h;

  function codePointIndex(s, utf16) { return Array.from(s.slice(0, utf16)).length; }
  function utf16Index(s, cp) {
    var chars = Array.from(s);
    return chars.slice(0, cp).join("").length;
  }

  var active = null;
  var bound = false;
  function bindKeys() {
    if (bound) return;
    bound = true;
    document.addEventListener("keydown", function (e) {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || CE.isTyping(e)) return;
      var el = active && active.isConnected ? active : document.querySelector("crowd-entity-annotation");
      if (!el || !el.onKey) return;
      if (el.onKey(e)) e.preventDefault();
    });
  }

  class CrowdEntityAnnotation extends CE.CrowdElement {
    entitiesState() {
      if (!this._entities) this._entities = [];
      return this._entities;
    }
    build() {
      var self = this;
      bindKeys();
      this.text = this.getAttribute("text") || "";
      var raw = CE.attrValue(this, "labels", []);
      this.labels = (Array.isArray(raw) ? raw : []).map(function (l, n) {
        var o = l && typeof l === "object" ? l : { label: String(l) };
        var name = String(o.label);
        return { label: name, full: String(o.fullDisplayName || name), short: String(o.shortDisplayName || name), color: CE.colorFor(n) };
      });
      this.current = 0;
      this.selected = -1;
      this.loadInitial();
      this.textEl = h("div", { class: "entity-text", part: "text", tabindex: "0" });
      this.textEl.addEventListener("mouseup", function () {
        active = self;
        // A drag that selected text is not also a click on the entity under the pointer.
        self._dragged = self.fromSelection();
      });
      this.textEl.addEventListener("click", function (e) {
        if (self._dragged) { self._dragged = false; return; }
        var span = e.target.closest ? e.target.closest(".entity") : null;
        if (span) { self.selected = Number(span.getAttribute("data-index")); self.render(); }
      });
      this.labelButtons = this.labels.map(function (l, n) {
        return h("button", { type: "button", class: "label-btn", "data-label": l.label, onclick: function () { self.setCurrent(n); } },
          h("span", { class: "swatch", style: { background: l.color } }), h("span", { class: "text", text: l.full }),
          n < 9 ? h("span", { class: "key", text: String(n + 1) }) : null);
      });
      this.listEl = h("ul", { class: "list", "aria-label": "Entities" });
      this.errorEl = h("div", { class: "error", role: "alert" });
      var header = this.getAttribute("header");
      this.shadowRoot.append(
        header ? h("h2", { class: "header", text: header }) : "",
        h("div", { class: "task" },
          h("div", { style: { display: "flex", flexDirection: "column", gap: "10px" } },
            CE.instructionsPanel(this),
            h("div", { class: "panel" }, h("h3", { text: "Labels" }), h("div", { class: "labels" }, this.labelButtons))),
          h("div", {}, this.textEl, this.errorEl,
            h("div", { class: "panel", style: { marginTop: "10px" } }, h("h3", { text: "Entities" }), this.listEl),
            h("div", { class: "hint", text: "Choose a label, then select text. Click an entity and press Delete to remove it." }))));
      CE.ownForm(this);
      this.setCurrent(0);
      this._initial = JSON.stringify(this.crowdAnswer().entities);
      this.render();
    }
    loadInitial() {
      var self = this;
      var v = CE.attrValue(this, "initial-value", []);
      this._entities = [];
      (Array.isArray(v) ? v : []).forEach(function (e) {
        if (e && isFinite(e.startOffset) && isFinite(e.endOffset)) self.add(String(e.label), +e.startOffset, +e.endOffset, true);
      });
    }
    setCurrent(n) {
      if (n < 0 || n >= this.labels.length) return false;
      this.current = n;
      this.labelButtons.forEach(function (b, k) { b.setAttribute("aria-pressed", k === n ? "true" : "false"); });
      return true;
    }
    onKey(e) {
      if (/^[1-9]$/.test(e.key)) return this.setCurrent(Number(e.key) - 1);
      if ((e.key === "Delete" || e.key === "Backspace") && this.selected >= 0) { this.remove(this.selected); return true; }
      return false;
    }
    /** Offset (UTF-16) of a DOM position inside the text element. */
    offsetOf(node, offset) {
      var r = document.createRange();
      r.setStart(this.textEl, 0);
      r.setEnd(node, offset);
      return r.toString().length;
    }
    fromSelection() {
      var sel = this.shadowRoot.getSelection ? this.shadowRoot.getSelection() : document.getSelection();
      if (!sel || !sel.rangeCount || sel.isCollapsed) return false;
      var range = sel.getRangeAt(0);
      if (!this.textEl.contains(range.startContainer) || !this.textEl.contains(range.endContainer)) return false;
      var a = this.offsetOf(range.startContainer, range.startOffset);
      var b = this.offsetOf(range.endContainer, range.endOffset);
      // Surrounding spaces are never part of an entity.
      while (a < b && /\s/.test(this.text[a])) a++;
      while (b > a && /\s/.test(this.text[b - 1])) b--;
      sel.removeAllRanges();
      if (a >= b) return true;
      if (!this.labels.length) { this.showError("This task has no labels."); return true; }
      this.add(this.labels[this.current].label, codePointIndex(this.text, a), codePointIndex(this.text, b), false);
      return true;
    }
    add(label, start, end, quiet) {
      var list = this.entitiesState();
      var clash = list.some(function (e) { return start < e.endOffset && e.startOffset < end; });
      if (clash) { if (!quiet) this.showError("That text overlaps an entity already labeled; remove that one first."); return; }
      this.showError("");
      list.push({ label: label, startOffset: start, endOffset: end });
      list.sort(function (x, y) { return x.startOffset - y.startOffset; });
      this.selected = list.findIndex(function (e) { return e.startOffset === start; });
      if (!quiet) { this.render(); this.changed(); }
    }
    remove(n) {
      this.entitiesState().splice(n, 1);
      this.selected = -1;
      this.render();
      this.changed();
    }
    showError(msg) { if (this.errorEl) this.errorEl.textContent = msg || ""; }
    labelInfo(name) {
      return this.labels.find(function (l) { return l.label === name; }) || { label: name, short: name, full: name, color: "#888888" };
    }
    render() {
      if (!this.textEl) return;
      var self = this;
      var t = this.text;
      this.textEl.textContent = "";
      var pos = 0;
      this.entitiesState().forEach(function (e, n) {
        var a = utf16Index(t, e.startOffset), b = utf16Index(t, e.endOffset);
        if (a > pos) self.textEl.appendChild(document.createTextNode(t.slice(pos, a)));
        var info = self.labelInfo(e.label);
        var span = h("span", { class: "entity" + (n === self.selected ? " selected" : ""), "data-index": String(n),
          "data-label": e.label, "data-short": info.short, title: info.full, text: t.slice(a, b) });
        span.style.setProperty("--c", info.color);
        span.style.background = info.color + "40";
        span.style.boxShadow = "inset 0 -2px 0 " + info.color;
        self.textEl.appendChild(span);
        pos = b;
      });
      if (pos < t.length) this.textEl.appendChild(document.createTextNode(t.slice(pos)));
      this.listEl.textContent = "";
      this.entitiesState().forEach(function (e, n) {
        var words = Array.from(t).slice(e.startOffset, e.endOffset).join("");
        var select = h("select", { "aria-label": "label of entity " + (n + 1),
          onchange: function (ev) { e.label = ev.target.value; self.render(); self.changed(); } },
          self.labels.map(function (l) { var o = h("option", { value: l.label, text: l.full }); o.selected = l.label === e.label; return o; }));
        self.listEl.appendChild(h("li", { class: n === self.selected ? "selected" : "", "data-index": String(n) },
          h("span", { class: "swatch", style: { background: self.labelInfo(e.label).color } }),
          h("span", { class: "text", text: "\u201c" + words + "\u201d", style: { flex: "1" } }), select,
          h("button", { type: "button", class: "del", "aria-label": "delete entity " + (n + 1), text: "\u00d7",
            onclick: function () { self.remove(n); } })));
      });
    }
    crowdAnswer() {
      var out = {
        entities: this.entitiesState().map(function (e) {
          return { endOffset: e.endOffset, label: e.label, startOffset: e.startOffset };
        }),
      };
      if (this.hasAttribute("initial-value") && this._initial !== undefined) {
        out.initialValueModified = JSON.stringify(out.entities) !== this._initial;
      }
      return out;
    }
    crowdRestore(v) {
      var self = this;
      if (v === null) this.loadInitial();
      else if (v && Array.isArray(v.entities)) {
        this._entities = [];
        v.entities.forEach(function (e) { self.add(String(e.label), +e.startOffset, +e.endOffset, true); });
      }
      this.selected = -1;
      this.render();
    }
    crowdValidate() { return ""; }
    crowdFocus() { if (this.textEl) this.textEl.focus(); active = this; }
  }

  CE.define("crowd-entity-annotation", CrowdEntityAnnotation);
})(window.CrowdElements);
