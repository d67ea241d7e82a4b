/*
 * Form controls and the answers Ground Truth records for them:
 *   crowd-checkbox       {"<name>": {"<value or 'on'>": true|false}}  (same-name boxes share one object)
 *   crowd-radio-button   {"<name>": {"<value or 'on'>": true|false}}  (one entry per button)
 *   crowd-radio-group    no answer of its own; makes its buttons mutually exclusive
 *   crowd-toggle-button  {"<name>": {"<value or 'on'>": true|false}}
 *   crowd-input          {"<name>": "<text>"} (left out while empty); type="number" gives a number
 *   crowd-text-area      {"<name>": "<text>"}
 *   crowd-slider         {"<name>": <number>}
 */
(function (CE) {
  "use strict";
  var h = CE.h;

  /** Shared by the boolean controls: a `checked` state reported as {value: bool}. */
  class BooleanControl extends CE.CrowdElement {
    static get observedAttributes() { return ["disabled"]; }
    attributeChangedCallback() { if (this._control) this.render(); }
    get checked() { return this._checked === undefined ? this.hasAttribute("checked") : this._checked; }
    set checked(v) { this._checked = !!v; if (this._control) this.render(); }
    get disabled() { return this.hasAttribute("disabled"); }
    key() { return this.getAttribute("value") || "on"; }
    crowdAnswer() { var o = {}; o[this.key()] = this.checked; return o; }
    crowdRestore(v) {
      if (v === null) this.checked = this.hasAttribute("checked");
      else if (v && typeof v === "object" && this.key() in v) this.checked = !!v[this.key()];
    }
    crowdValidate() {
      if (this.hasAttribute("required") && !this.checked && !this.disabled) {
        return "Please check \u201c" + (this.textContent.trim() || this.name) + "\u201d.";
      }
      return "";
    }
    toggle(on) {
      if (this.disabled) return;
      this.checked = on === undefined ? !this.checked : on;
      this.dispatchEvent(new Event("change", { bubbles: true }));
      this.changed();
    }
  }

  class CrowdCheckbox extends BooleanControl {
    build() {
      var self = this;
      this._control = h("button", { type: "button", role: "checkbox", class: "label-btn", style: { border: "none", padding: "2px 0", background: "none" },
        onclick: function () { self.toggle(); } }, h("span", { class: "check" }), h("span", { class: "text" }, h("slot")));
      this.shadowRoot.appendChild(this._control);
      this.style.display = "inline-block";
      this.render();
    }
    render() {
      this._control.setAttribute("aria-checked", this.checked ? "true" : "false");
      this._control.disabled = this.disabled;
    }
  }

  class CrowdRadioButton extends BooleanControl {
    build() {
      var self = this;
      this._control = h("button", { type: "button", role: "radio", class: "label-btn", style: { border: "none", padding: "2px 0", background: "none" },
        onclick: function () { self.pick(); } }, h("span", { class: "radio-dot" }), h("span", { class: "text" }, h("slot")));
      this.shadowRoot.appendChild(this._control);
      this.style.display = "block";
      this.render();
    }
    render() {
      this._control.setAttribute("aria-checked", this.checked ? "true" : "false");
      this._control.disabled = this.disabled;
    }
    /** Check this button and clear the others of its group (or of its name, outside a group). */
    pick() {
      if (this.disabled) return;
      var self = this;
      var group = this.closest("crowd-radio-group");
      var peers = group
        ? group.querySelectorAll("crowd-radio-button")
        : document.querySelectorAll('crowd-radio-button[name="' + CSS.escape(this.name) + '"]');
      peers.forEach(function (b) { if (b !== self && b.checked) b.checked = false; });
      this.toggle(true);
    }
    crowdValidate() { return ""; }
  }

  class CrowdRadioGroup extends CE.CrowdElement {
    build() { this.shadowRoot.appendChild(h("div", { role: "radiogroup" }, h("slot"))); }
    /** The checked button's value (a convenience; answers come from the buttons). */
    get value() {
      var b = Array.prototype.find.call(this.querySelectorAll("crowd-radio-button"), function (x) { return x.checked; });
      return b ? b.key() : undefined;
    }
  }

  class CrowdToggleButton extends BooleanControl {
    build() {
      var self = this;
      this._control = h("button", { type: "button", role: "switch", class: "switch", "aria-label": this.name || "toggle",
        onclick: function () { self.toggle(); } });
      this.shadowRoot.appendChild(h("span", { class: "toggle" }, this._control, h("slot")));
      this.style.display = "inline-block";
      this.render();
    }
    render() {
      this._control.setAttribute("aria-checked", this.checked ? "true" : "false");
      this._control.disabled = this.disabled;
    }
  }

  /** crowd-input and crowd-text-area: a labelled text field with Ground Truth's validation options. */
  class TextControl extends CE.CrowdElement {
    build() {
      var self = this;
      var multi = this.localName === "crowd-text-area";
      var type = multi ? null : (this.getAttribute("type") || "text");
      var attrs = {
        id: "f", name: null, placeholder: this.getAttribute("placeholder") || undefined,
        maxlength: this.getAttribute("max-length") || undefined,
        minlength: this.getAttribute("min-length") || undefined,
        required: this.hasAttribute("required"), disabled: this.hasAttribute("disabled"),
      };
      if (multi) attrs.rows = this.getAttribute("rows") || 3;
      else attrs.type = type;
      var field = h(multi ? "textarea" : "input", attrs);
      if (!multi && type === "number") {
        ["min", "max", "step"].forEach(function (a) { if (self.hasAttribute(a)) field.setAttribute(a, self.getAttribute(a)); });
      }
      var initial = this._pending !== undefined ? this._pending : this.getAttribute("value");
      if (initial !== null && initial !== undefined) field.value = String(initial);
      this._field = field;
      this._err = h("div", { class: "error", "aria-live": "polite" });
      this._counter = this.hasAttribute("char-counter") ? h("div", { class: "counter" }) : null;
      this._wrap = h("div", { class: "field" },
        this.getAttribute("label") ? h("label", { for: "f", text: this.getAttribute("label") }) : null,
        field, this._counter, this._err);
      var pattern = this.getAttribute("allowed-pattern");
      field.addEventListener("beforeinput", function (e) {
        // allowed-pattern with auto-validate ignores characters that do not match, as the worker types.
        if (pattern && self.hasAttribute("auto-validate") && e.data && !new RegExp(pattern).test(e.data)) e.preventDefault();
      });
      field.addEventListener("input", function () {
        self._wrap.classList.remove("invalid");
        self._err.textContent = "";
        self.count();
        self.changed(); // the field's own input event is composed: crowd-form hears it too
      });
      if (multi && this.getAttribute("max-rows")) {
        field.style.maxHeight = (Number(this.getAttribute("max-rows")) * 1.45 + 1) + "em";
      }
      this.shadowRoot.appendChild(this._wrap);
      this.count();
      if (this.hasAttribute("auto-focus") && this.getAttribute("auto-focus") !== "false") setTimeout(function () { field.focus(); }, 0);
    }
    count() { if (this._counter) this._counter.textContent = String(this._field.value.length); }
    get value() { return this._field ? this._field.value : (this._pending !== undefined ? this._pending : this.getAttribute("value") || ""); }
    set value(v) {
      if (this._field) { this._field.value = v === null || v === undefined ? "" : String(v); this.count(); }
      else this._pending = v;
    }
    crowdAnswer() {
      var v = this.value;
      if (this.localName === "crowd-input") {
        if (v === "") return undefined; // Ground Truth leaves empty inputs out of the answer
        if ((this.getAttribute("type") || "") === "number" && v.trim() !== "" && isFinite(Number(v))) return Number(v);
      }
      return v;
    }
    crowdRestore(v) { this.value = v === null ? (this.getAttribute("value") || "") : v; }
    crowdValidate() {
      var v = this.value;
      var msg = "";
      if (this.hasAttribute("required") && String(v).trim() === "") msg = "Please fill in \u201c" + (this.getAttribute("label") || this.name) + "\u201d.";
      else if (this._field && !this._field.checkValidity()) msg = this.getAttribute("error-message") || this._field.validationMessage;
      if (this._wrap) { this._wrap.classList.toggle("invalid", !!msg); this._err.textContent = msg; }
      return msg;
    }
    focus() { if (this._field) this._field.focus(); }
  }

  class CrowdSlider extends CE.CrowdElement {
    build() {
      var self = this;
      var min = this.getAttribute("min") || "0", max = this.getAttribute("max") || "100";
      var step = this.getAttribute("step") || "1";
      this._range = h("input", { type: "range", min: min, max: max, step: step, disabled: this.hasAttribute("disabled"),
        "aria-label": this.name || "slider" });
      var start = this._pending !== undefined ? this._pending : this.getAttribute("value");
      this._range.value = start !== null && start !== undefined ? String(start) : min;
      this._out = h("output", { text: this._range.value });
      this._num = this.hasAttribute("editable") ? h("input", { type: "number", min: min, max: max, step: step, style: { width: "6em" } }) : null;
      var sync = function (from) {
        if (from === self._num) self._range.value = self._num.value;
        if (self._num) self._num.value = self._range.value;
        self._out.textContent = self._range.value;
        self.changed();
      };
      this._range.addEventListener("input", function () { sync(self._range); });
      if (this._num) { this._num.value = this._range.value; this._num.addEventListener("input", function () { sync(self._num); }); }
      this.shadowRoot.appendChild(h("div", { class: "toggle" },
        h("div", { style: { display: "flex", flexDirection: "column", flex: "1" } }, this._range, this.marks(+min, +max)),
        this.hasAttribute("pin") || !this._num ? this._out : null, this._num));
    }
    /** Tick labels: the <crowd-slider-label position="…"> children that AWS's samples put in. */
    marks(min, max) {
      var labels = this.querySelectorAll(":scope > crowd-slider-label");
      if (!labels.length || !(max > min)) return null;
      return h("div", { class: "slider-marks", "aria-hidden": "true", style: { position: "relative", height: "1.3em", fontSize: "12px" } },
        Array.prototype.map.call(labels, function (l) {
          var at = ((Number(l.getAttribute("position")) - min) / (max - min)) * 100;
          return h("span", { text: l.textContent.trim(),
            style: { position: "absolute", left: Math.max(0, Math.min(100, at)) + "%", transform: "translateX(-50%)" } });
        }));
    }
    get value() { return this._range ? Number(this._range.value) : Number(this._pending !== undefined ? this._pending : this.getAttribute("value") || this.getAttribute("min") || 0); }
    set value(v) {
      if (this._range) { this._range.value = String(v); this._out.textContent = this._range.value; if (this._num) this._num.value = this._range.value; }
      else this._pending = v;
    }
    crowdAnswer() { return this.value; }
    crowdRestore(v) { this.value = v === null ? (this.getAttribute("value") || this.getAttribute("min") || 0) : v; }
    crowdValidate() { return ""; }
  }

  CE.define("crowd-checkbox", CrowdCheckbox);
  CE.define("crowd-radio-button", CrowdRadioButton);
  CE.define("crowd-radio-group", CrowdRadioGroup);
  CE.define("crowd-toggle-button", CrowdToggleButton);
  CE.define("crowd-input", class extends TextControl {});
  CE.define("crowd-text-area", class extends TextControl {});
  CE.define("crowd-slider", CrowdSlider);
  // Only a holder of a tick label for its crowd-slider (which draws it); shows nothing itself.
  CE.define("crowd-slider-label", class extends HTMLElement {
    connectedCallback() { this.hidden = true; }
  });
})(window.CrowdElements);
