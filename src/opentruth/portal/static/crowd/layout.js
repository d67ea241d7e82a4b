/*
 * Layout elements with no answer of their own: crowd-instructions, crowd-tabs/crowd-tab,
 * crowd-card, crowd-modal, crowd-toast, crowd-fab, crowd-icon-button, crowd-alert,
 * crowd-badge, and iron-icon (Ground Truth pre-loads the iron-icons set; no icon font can be
 * fetched here, so a small set of common icon names map to plain characters).
 */
(function (CE) {
  "use strict";
  var h = CE.h;

  var ICONS = {
    "search": "\u2315", "star": "\u2605", "star-border": "\u2606", "report-problem": "\u26a0",
    "warning": "\u26a0", "error": "\u2716", "info": "\u2139", "info-outline": "\u2139",
    "help": "?", "help-outline": "?", "question-answer": "\u2753", "check": "\u2714",
    "check-circle": "\u2714", "close": "\u2715", "clear": "\u2715", "delete": "\u2715",
    "add": "+", "remove": "\u2212", "done": "\u2714", "flag": "\u2691", "favorite": "\u2665",
    "thumb-up": "\u25b2", "thumb-down": "\u25bc", "arrow-forward": "\u2192", "arrow-back": "\u2190",
    "zoom-in": "+", "zoom-out": "\u2212", "undo": "\u21b6", "redo": "\u21b7", "send": "\u27a4",
    "create": "\u270e", "edit": "\u270e", "visibility": "\u25c9", "lightbulb-outline": "\u2600",
  };
  /** A node for an iron-icons name or an icon URL (null when neither is given). */
  function iconNode(name, url) {
    if (url || (name && /^(https?:|data:|\/)/.test(name))) {
      return h("img", { src: url || name, alt: "", style: { width: "18px", height: "18px" } });
    }
    if (!name) return null;
    return h("span", { class: "icon", "aria-hidden": "true", text: ICONS[name.replace(/^icons:/, "")] || "\u25cf" });
  }
  CE.iconNode = iconNode;

  class IronIcon extends CE.CrowdElement {
    build() {
      this.style.display = "inline-block";
      this.shadowRoot.appendChild(iconNode(this.getAttribute("icon"), this.getAttribute("src")) || h("span"));
    }
  }

  function dialogWith(title, content) {
    var dialog = h("dialog", { class: "dialog" },
      h("header", {}, h("h2", { text: title }),
        h("button", { type: "button", class: "close", "aria-label": "Close", text: "\u00d7",
          onclick: function () { dialog.close(); } })),
      h("div", { class: "dialog-body" }, content));
    return dialog;
  }
  function trigger(el, fallback, onclick) {
    var text = el.getAttribute("link-text") || fallback;
    return el.getAttribute("link-type") === "button"
      ? h("button", { type: "button", class: "btn", text: text, onclick: onclick })
      : h("button", { type: "button", class: "link", text: text, onclick: onclick });
  }

  class CrowdInstructions extends CE.CrowdElement {
    build() {
      var self = this;
      Array.prototype.forEach.call(this.children, function (c) {
        if (/^(short-summary|detailed-instructions|positive-example|negative-example)$/.test(c.localName)) {
          c.setAttribute("slot", c.localName);
        }
      });
      var pages = [
        ["Summary", "short-summary"],
        ["Detailed instructions", "detailed-instructions"],
        ["Examples", "examples"],
      ];
      var panes = {};
      var bar = h("div", { class: "tabs-bar", role: "tablist" });
      pages.forEach(function (p, n) {
        var pane = p[1] === "examples"
          ? h("div", {}, h("h3", { text: "Good examples" }), h("slot", { name: "positive-example" }),
            h("h3", { text: "Bad examples" }), h("slot", { name: "negative-example" }))
          : h("div", {}, h("slot", { name: p[1] }));
        pane.hidden = n !== 0;
        panes[p[1]] = pane;
        bar.appendChild(h("button", { type: "button", role: "tab", "aria-selected": n === 0 ? "true" : "false",
          text: p[0], onclick: function (e) {
            bar.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-selected", "false"); });
            e.currentTarget.setAttribute("aria-selected", "true");
            Object.keys(panes).forEach(function (k) { panes[k].hidden = k !== p[1]; });
          } }));
      });
      var body = h("div", {}, bar, pages.map(function (p) { return panes[p[1]]; }));
      var dialog = dialogWith("Instructions", body);
      this.shadowRoot.append(trigger(this, "Click for instructions", function () { dialog.showModal(); }), dialog);
      this.open = function () { dialog.showModal(); };
      this.close = function () { dialog.close(); };
      void self;
    }
  }

  class CrowdModal extends CE.CrowdElement {
    build() {
      var dialog = dialogWith(this.getAttribute("header") || "", h("slot"));
      this._dialog = dialog;
      this.shadowRoot.append(trigger(this, "Click to open modal", function () { dialog.showModal(); }), dialog);
    }
    open() { if (this._dialog) this._dialog.showModal(); }
    close() { if (this._dialog) this._dialog.close(); }
  }

  class CrowdTabs extends CE.CrowdElement {
    build() {
      var self = this;
      this._bar = h("div", { class: "tabs-bar", role: "tablist" });
      this.shadowRoot.append(this._bar, h("slot"));
      this.select(0);
      new MutationObserver(function () { self.select(self._index || 0); }).observe(this, { childList: true });
    }
    tabs() { return Array.prototype.filter.call(this.children, function (c) { return c.localName === "crowd-tab"; }); }
    select(index) {
      var self = this;
      var tabs = this.tabs();
      this._index = Math.max(0, Math.min(index, tabs.length - 1));
      this._bar.textContent = "";
      tabs.forEach(function (tab, n) {
        tab.hidden = n !== self._index;
        self._bar.appendChild(h("button", { type: "button", role: "tab", text: tab.getAttribute("header") || "Tab " + (n + 1),
          "aria-selected": n === self._index ? "true" : "false", onclick: function () { self.select(n); } }));
      });
    }
  }
  class CrowdTab extends CE.CrowdElement {
    build() { this.shadowRoot.appendChild(h("slot")); }
  }

  class CrowdCard extends CE.CrowdElement {
    build() {
      var heading = this.getAttribute("heading");
      var image = this.getAttribute("image");
      this.shadowRoot.appendChild(h("div", { class: "card" },
        heading ? h("div", { class: "card-heading", text: heading }) : null,
        image ? h("img", { src: image, alt: "" }) : null,
        h("slot")));
    }
  }

  class CrowdToast extends CE.CrowdElement {
    static get observedAttributes() { return ["opened"]; }
    attributeChangedCallback() { if (this._box) this.sync(); }
    build() {
      this._box = h("div", { class: "toast", role: "status" }, h("span", { text: this.getAttribute("text") || "" }), h("slot"));
      this.shadowRoot.appendChild(this._box);
      this.sync();
    }
    sync() {
      var self = this;
      var on = this.hasAttribute("opened");
      this._box.hidden = !on;
      clearTimeout(this._timer);
      var ms = Number(this.getAttribute("duration") || 3000);
      if (on && ms > 0) this._timer = setTimeout(function () { self.removeAttribute("opened"); }, ms);
    }
    show() { this.setAttribute("opened", ""); }
    open() { this.show(); }
    close() { this.removeAttribute("opened"); }
  }

  function iconButton(cls) {
    return class extends CE.CrowdElement {
      static get observedAttributes() { return ["disabled"]; }
      attributeChangedCallback() { if (this._btn) this._btn.disabled = this.hasAttribute("disabled"); }
      build() {
        var label = this.getAttribute("label");
        this._btn = h("button", { type: "button", class: cls, title: this.getAttribute("title") || undefined,
          "aria-label": this.getAttribute("title") || label || this.getAttribute("icon") || "button" },
          label && !this.getAttribute("icon") ? label.slice(0, 1) : iconNode(this.getAttribute("icon") || "star"));
        this._btn.disabled = this.hasAttribute("disabled");
        this.style.display = "inline-block";
        this.shadowRoot.appendChild(this._btn);
      }
    };
  }

  class CrowdAlert extends CE.CrowdElement {
    build() {
      var self = this;
      var type = this.getAttribute("type") || "info";
      var icons = { info: "\u2139", success: "\u2714", error: "\u2716", warning: "\u26a0" };
      this.shadowRoot.appendChild(h("div", { class: "alert " + type, role: type === "error" ? "alert" : "status" },
        h("span", { text: icons[type] || icons.info }),
        h("div", { class: "body" }, h("slot")),
        this.hasAttribute("dismissible") ? h("button", { type: "button", class: "btn icon", "aria-label": "Dismiss",
          text: "\u2715", onclick: function () { self.hidden = true; } }) : null));
    }
  }

  class CrowdBadge extends CE.CrowdElement {
    build() {
      var icon = this.getAttribute("icon");
      this.style.display = "inline-block";
      this.shadowRoot.appendChild(h("span", { class: "badge" },
        icon ? iconNode(icon) : (this.getAttribute("label") || "")));
      var target = this.getAttribute("for") && document.getElementById(this.getAttribute("for"));
      if (target && target !== this.parentElement) target.appendChild(this);
      else if (target) {
        target.style.position = target.style.position || "relative";
        Object.assign(this.style, { position: "absolute", top: "-8px", right: "-8px" });
      }
    }
  }

  CE.define("iron-icon", IronIcon);
  CE.define("crowd-instructions", CrowdInstructions);
  CE.define("crowd-modal", CrowdModal);
  CE.define("crowd-tabs", CrowdTabs);
  CE.define("crowd-tab", CrowdTab);
  CE.define("crowd-card", CrowdCard);
  CE.define("crowd-toast", CrowdToast);
  CE.define("crowd-fab", iconButton("fab"));
  CE.define("crowd-icon-button", iconButton("icon-button"));
  CE.define("crowd-alert", CrowdAlert);
  CE.define("crowd-badge", CrowdBadge);
})(window.CrowdElements);
