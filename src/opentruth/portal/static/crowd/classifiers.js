/*
 * The classifiers:
 *   crowd-classifier                     {"<name>": {"label": "<category>"}}
 *   crowd-image-classifier               {"<name>": {"label": "<category>", "workerComment"?: "..."}}
 *   crowd-classifier-multi-select        {"<name>": {"labels": ["<category>", ...]}}
 *   crowd-image-classifier-multi-select  {"<name>": {"labels": ["<category>", ...]}}
 * Keyboard: 1–9 pick (or toggle) the n-th category, Enter submits the crowd-form.
 */
(function (CE) {
  "use strict";
  var h = CE.h;

  /** The classifier the keyboard talks to: the focused one, else the first on the page. */
  function activeClassifier() {
    var a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement && !a.isCrowdClassifier) a = a.shadowRoot.activeElement;
    if (a && a.closest) {
      var c = a.closest("crowd-classifier, crowd-image-classifier, crowd-classifier-multi-select, crowd-image-classifier-multi-select");
      if (c) return c;
    }
    return document.querySelector("crowd-classifier, crowd-image-classifier, crowd-classifier-multi-select, crowd-image-classifier-multi-select");
  }

  var keyboardBound = false;
  function bindKeyboard() {
    if (keyboardBound) return;
    keyboardBound = true;
    document.addEventListener("keydown", function (e) {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || CE.isTyping(e)) return;
      var c = activeClassifier();
      if (!c || !c.isCrowdClassifier) return;
      if (/^[1-9]$/.test(e.key)) {
        if (c.pickIndex(Number(e.key) - 1)) e.preventDefault();
      } else if (e.key === "Enter") {
        // A focused button would also "click" on Enter; submitting is what Enter means here.
        var form = c.closest("crowd-form");
        if (form) { e.preventDefault(); form.requestSubmit(); }
      }
    });
  }

  class Classifier extends CE.CrowdElement {
    get isCrowdClassifier() { return true; }
    multi() { return /multi-select$/.test(this.localName); }
    image() { return /^crowd-image-/.test(this.localName); }
    state() {
      if (!this._chosen) this._chosen = [];
      return this._chosen;
    }
    build() {
      var self = this;
      bindKeyboard();
      this._categories = CE.stringList(this, "categories");
      var exclusion = CE.attrValue(this, "exclusion-category", null);
      this.exclusion = exclusion && typeof exclusion === "object" ? String(exclusion.text || "") : (typeof exclusion === "string" ? exclusion : "");
      this.state();

      var target = this.image() ? this.imageTarget() : h("div", { class: "target" }, h("slot", { name: "classification-target" }));
      this._list = h("div", { class: "labels", role: this.multi() ? "group" : "radiogroup", "aria-label": "Categories" });
      this.listCategories();
      this._error = h("div", { class: "error", role: "alert" });
      // The class names are Ground Truth's: AWS's two-tier samples put their follow-up questions
      // after ".annotation-area .category-picker-wrapper" in this shadow tree.
      var side = h("div", { class: "annotation-area" }, h("div", { class: "panel category-picker-wrapper" },
        h("h3", { text: this.multi() ? "Choose all that apply" : "Choose one" }), this._list, this._error,
        this.commentBox(),
        h("div", { class: "hint", text: "Keys 1\u20139 choose, Enter submits." })));
      var header = this.getAttribute("header");
      this.shadowRoot.append(
        header ? h("h2", { class: "header", text: header }) : "",
        h("div", { class: "task wide" }, CE.instructionsPanel(this), target, side));
      this.render();
    }
    /** The categories; templates may set them from script (AWS's samples do), which redraws. */
    get categories() { return this._categories || CE.stringList(this, "categories"); }
    set categories(list) {
      this._categories = (Array.isArray(list) ? list : []).map(String);
      if (this._list) { this.listCategories(); this.render(); }
    }
    listCategories() {
      var self = this;
      if (this.exclusion && this._categories.indexOf(this.exclusion) >= 0) this.exclusion = "";
      this.options = this._categories.concat(this.exclusion ? [this.exclusion] : []);
      this._chosen = this.state().filter(function (c) { return self.options.indexOf(c) >= 0; });
      this._list.textContent = "";
      this._buttons = this.options.map(function (cat, n) {
        var b = h("button", { type: "button", class: "label-btn", role: self.multi() ? "checkbox" : "radio",
          "data-label": cat, onclick: function () { self.pick(cat); } },
          h("span", { class: self.multi() ? "check" : "radio-dot" }),
          h("span", { class: "text", text: cat }),
          n < 9 ? h("span", { class: "key", text: String(n + 1) }) : null);
        self._list.appendChild(b);
        return b;
      });
    }
    // Ground Truth's single classifier has the chosen category as its `value` (samples key their
    // follow-up questions by it, on "change"); the stored answer stays crowdAnswer().
    get value() { return this.multi() ? this.crowdAnswer() : this.state()[0] || ""; }
    set value(v) { this.crowdRestore(typeof v === "string" ? { label: v } : v); }
    get _submittableValue() { return this.crowdAnswer(); }
    imageTarget() {
      var src = this.getAttribute("src") || "";
      var stage = h("div", { class: "stage" }, h("img", { src: src, alt: "the image to classify", draggable: "false" }));
      var overlay = CE.attrValue(this, "overlay", null);
      if (overlay && typeof overlay === "object") {
        var img = stage.firstChild;
        var boxes = overlay.boundingBox;
        var masks = overlay.semanticSegmentation || overlay.instanceSegmentation;
        if (boxes && Array.isArray(boxes.value)) {
          img.addEventListener("load", function () {
            var labels = (boxes.labels || []).map(String);
            var g = CE.svg("svg", { viewBox: "0 0 " + img.naturalWidth + " " + img.naturalHeight, preserveAspectRatio: "none" });
            boxes.value.forEach(function (b) {
              var color = CE.colorFor(Math.max(0, labels.indexOf(String(b.label))));
              g.appendChild(CE.svg("rect", { x: b.left, y: b.top, width: b.width, height: b.height, fill: color,
                "fill-opacity": "0.15", stroke: color, "stroke-width": "2", "vector-effect": "non-scaling-stroke" }));
            });
            stage.appendChild(g);
          }, { once: true });
        }
        if (masks && masks.src) stage.appendChild(h("img", { class: "overlay-img", src: masks.src, alt: "" }));
      }
      return h("div", {}, stage);
    }
    commentBox() {
      var region = this.querySelector(":scope > worker-comment");
      if (!region) return null;
      var self = this;
      this._comment = h("textarea", { rows: 4, placeholder: region.getAttribute("placeholder") || "", style: { width: "100%" },
        oninput: function () { self.changed(); } });
      var dialog = h("dialog", { class: "dialog" },
        h("header", {}, h("h2", { text: region.getAttribute("header") || "Add a comment" }),
          h("button", { type: "button", class: "close", text: "\u00d7", onclick: function () { dialog.close(); } })),
        h("div", { class: "dialog-body" }, h("slot", { name: "worker-comment" }), this._comment));
      return h("div", { style: { marginTop: "8px" } },
        h("button", { type: "button", class: "link", text: region.getAttribute("link-text") || "Add a comment",
          onclick: function () { dialog.showModal(); } }), dialog);
    }
    pickIndex(n) {
      if (!this.options || n >= this.options.length) return false;
      this.pick(this.options[n]);
      var b = this._buttons[n];
      if (b) b.focus();
      return true;
    }
    pick(cat) {
      var chosen = this.state();
      if (!this.multi()) {
        this._chosen = [cat];
      } else if (cat === this.exclusion) {
        this._chosen = chosen.indexOf(cat) >= 0 ? [] : [cat];
      } else {
        var rest = chosen.filter(function (c) { return c !== cat; });
        this._chosen = (rest.length === chosen.length ? chosen.concat([cat]) : rest)
          .filter(function (c) { return c !== this.exclusion; }, this);
      }
      if (this._error) this._error.textContent = "";
      this.render();
      this.dispatchEvent(new Event("change", { bubbles: true }));
      this.changed();
    }
    render() {
      var chosen = this.state();
      (this._buttons || []).forEach(function (b) {
        b.setAttribute("aria-checked", chosen.indexOf(b.getAttribute("data-label")) >= 0 ? "true" : "false");
      });
    }
    crowdAnswer() {
      var chosen = this.state();
      var order = this.options || [];
      if (this.multi()) {
        // Keep the categories' own order, whatever order they were clicked in.
        return { labels: chosen.slice().sort(function (a, b) { return order.indexOf(a) - order.indexOf(b); }) };
      }
      if (!chosen.length) return undefined;
      var out = { label: chosen[0] };
      if (this._comment && this._comment.value.trim()) out.workerComment = this._comment.value;
      return out;
    }
    crowdRestore(v) {
      if (v === null) this._chosen = [];
      else if (v && Array.isArray(v.labels)) this._chosen = v.labels.map(String);
      else if (v && typeof v.label === "string") this._chosen = [v.label];
      if (v && this._comment && typeof v.workerComment === "string") this._comment.value = v.workerComment;
      this.render();
    }
    crowdValidate() {
      var msg = this.state().length ? "" : (this.multi() ? "Choose at least one category." : "Choose a category.");
      if (this._error) this._error.textContent = msg;
      return msg;
    }
    crowdFocus() {
      var chosen = this.state();
      var b = (this._buttons || []).find(function (x) { return chosen.indexOf(x.getAttribute("data-label")) >= 0; }) || (this._buttons || [])[0];
      if (b) b.focus();
    }
  }

  CE.define("crowd-classifier", class extends Classifier {});
  CE.define("crowd-image-classifier", class extends Classifier {});
  CE.define("crowd-classifier-multi-select", class extends Classifier {});
  CE.define("crowd-image-classifier-multi-select", class extends Classifier {});
})(window.CrowdElements);
