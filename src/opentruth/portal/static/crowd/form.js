/*
 * crowd-form and crowd-button.
 *
 * crowd-form collects answerContent — one entry per named element, keyed by its `name` — and
 * hands it to the portal page that frames the template. The template runs in an iframe
 * sandboxed without allow-same-origin, so it cannot call the worker API itself: everything goes
 * through window.parent.postMessage (protocol "ot", version 1; see README.md in this folder and
 * the portal's README.md for the parent side).
 */
(function (CE) {
  "use strict";
  var h = CE.h;
  var PROTOCOL_VERSION = 1;
  var DRAFT_DELAY_MS = 500;

  function framed() {
    return window.parent && window.parent !== window;
  }
  function send(type, fields) {
    var msg = Object.assign({ type: type, v: PROTOCOL_VERSION }, fields || {});
    // The parent's origin is the portal's, but this document's origin is opaque: "*" is the
    // only usable target. No message carries a secret; the parent checks event.source.
    if (framed()) window.parent.postMessage(msg, "*");
    else window.dispatchEvent(new CustomEvent("crowd-message", { detail: msg }));
  }
  CE.send = send;

  function isPlainObject(v) {
    return v !== null && typeof v === "object" && !Array.isArray(v);
  }
  function put(out, name, v) {
    if (v === undefined || name === "") return;
    // Several check boxes (or radio buttons) sharing a name contribute one object with a
    // boolean per value, as Ground Truth records them.
    if (isPlainObject(out[name]) && isPlainObject(v)) Object.assign(out[name], v);
    else out[name] = v;
  }

  var NATIVE = "input[name], select[name], textarea[name]";

  function nativeAnswer(el) {
    if (el.disabled) return undefined;
    var t = (el.type || "").toLowerCase();
    if (/^(submit|button|reset|image|file)$/.test(t)) return undefined;
    if (t === "checkbox" || t === "radio") {
      var o = {};
      o[el.value || "on"] = el.checked;
      return o;
    }
    if (el.localName === "select" && el.multiple) {
      return Array.prototype.filter.call(el.options, function (x) { return x.selected; })
        .map(function (x) { return x.value; });
    }
    return el.value;
  }
  function nativeRestore(el, v) {
    var t = (el.type || "").toLowerCase();
    if (t === "checkbox" || t === "radio") {
      if (isPlainObject(v) && (el.value || "on") in v) el.checked = !!v[el.value || "on"];
    } else if (el.localName === "select" && el.multiple && Array.isArray(v)) {
      Array.prototype.forEach.call(el.options, function (x) { x.selected = v.indexOf(x.value) >= 0; });
    } else if (typeof v === "string" || typeof v === "number") {
      el.value = String(v);
    }
  }

  class CrowdForm extends HTMLElement {
    connectedCallback() {
      if (this._setup) return;
      this._setup = true;
      var self = this;
      this._draftTimer = 0;
      this._disabled = false;
      this.addEventListener("crowd-change", function () { self.showError(""); self.scheduleDraft(); });
      this.addEventListener("input", function () { self.scheduleDraft(); });
      this.addEventListener("change", function () { self.scheduleDraft(); });
      // Native submit buttons of a template submit through crowd-form, never by navigation.
      this.addEventListener("click", function (e) {
        var b = e.target && e.target.closest ? e.target.closest("button, input") : null;
        if (b && self.contains(b) && (b.type === "submit" || b.type === "image")) {
          e.preventDefault();
          self.requestSubmit();
        }
      });
      window.addEventListener("message", function (e) { self.onMessage(e); });
      if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", function () { self.addSubmitRow(); }, { once: true });
      } else {
        this.addSubmitRow();
      }
    }

    /** Ground Truth appends a submit button when the template has none; so do we. */
    addSubmitRow() {
      // Instructions placed directly in the form (not in a task element) get a collapsible box.
      Array.prototype.slice.call(this.children).forEach(function (child) {
        if (child.localName !== "full-instructions") return;
        var box = h("details", { class: "crowd-full-instructions" },
          h("summary", { text: child.getAttribute("header") || "View full instructions" }));
        child.replaceWith(box);
        box.appendChild(child);
      });
      var has = this.querySelector('crowd-button[form-action="submit"], button[type="submit"], input[type="submit"]');
      this._error = h("div", { class: "crowd-form-error", role: "alert" });
      if (!has) {
        this._row = h("div", { class: "crowd-submit-row" },
          h("crowd-button", { "form-action": "submit", variant: "primary", text: "Submit" }),
          this._error);
        this.appendChild(this._row);
      } else {
        has.insertAdjacentElement("afterend", this._error);
      }
    }

    /** The native form inside (created on first use). Ground Truth's crowd-form wraps one, and
     * samples append their own questions to it (crowd-entity-annotation's own form, below). */
    get form() {
      if (!this._native) {
        this._native = h("form", { novalidate: "" });
        // Enter in a field must not navigate the task away: crowd-form submits.
        this._native.addEventListener("submit", function (e) { e.preventDefault(); });
        this.insertBefore(this._native, this._row || this._error || null);
      }
      return this._native;
    }

    /** The crowd elements and native controls that contribute to answerContent. */
    fields() {
      var out = this.owner ? [{ el: this.owner, crowd: true }] : [];
      var all = this.querySelectorAll("[name]");
      for (var k = 0; k < all.length; k++) {
        var el = all[k];
        if (typeof el.crowdAnswer === "function") out.push({ el: el, crowd: true });
        else if (el.matches(NATIVE) && !el.closest("[data-crowd-internal]")) out.push({ el: el, crowd: false });
      }
      return out;
    }

    /** answerContent: an object keyed by element name (no list wrapper). */
    collect() {
      var out = {};
      this.fields().forEach(function (f) {
        var v = f.crowd ? f.el.crowdAnswer() : nativeAnswer(f.el);
        // A V2 element (genai.js) whose answer Ground Truth stores at the top of answerContent.
        if (f.crowd && f.el.crowdSpreadsAnswer && isPlainObject(v)) Object.assign(out, v);
        else put(out, f.el.getAttribute("name"), v);
      });
      return out;
    }

    /** Put a saved answer back into the elements (unknown names are ignored). */
    restore(answer) {
      if (!isPlainObject(answer)) return;
      this.fields().forEach(function (f) {
        var name = f.el.getAttribute("name");
        var spread = f.crowd && f.el.crowdSpreadsAnswer; // its answer is the whole object
        if (!spread && !(name in answer)) return;
        try {
          if (f.crowd) { if (f.el.crowdRestore) f.el.crowdRestore(spread ? answer : answer[name]); }
          else nativeRestore(f.el, answer[name]);
        } catch (err) {
          console.error("could not restore the draft of " + name + ": " + err.message);
        }
      });
    }

    /** The first reason the answer cannot be submitted yet, or "". */
    validate() {
      var fields = this.fields();
      for (var k = 0; k < fields.length; k++) {
        var f = fields[k];
        if (f.crowd) {
          var msg = f.el.crowdValidate ? f.el.crowdValidate() : "";
          if (msg) return msg;
        } else if (f.el.checkValidity && !f.el.checkValidity()) {
          f.el.reportValidity();
          return "Please complete the highlighted field.";
        }
      }
      return "";
    }

    showError(message) {
      if (this._error) this._error.textContent = message || "";
    }

    scheduleDraft() {
      var self = this;
      clearTimeout(this._draftTimer);
      this._draftTimer = setTimeout(function () { send("ot:draft", { answer: self.collect() }); }, DRAFT_DELAY_MS);
    }

    /** Like HTMLFormElement.requestSubmit: fires a cancelable "submit" event first. */
    requestSubmit() {
      if (this._disabled || this._pending) return;
      var ev = new Event("submit", { bubbles: true, cancelable: true });
      if (!this.dispatchEvent(ev)) return; // a template's onsubmit called preventDefault()
      this.submit();
    }

    /** Like HTMLFormElement.submit: no "submit" event; still refuses an incomplete answer. */
    submit() {
      if (this._disabled || this._pending) return;
      var problem = this.validate();
      if (problem) { this.showError(problem); return; }
      this.showError("");
      clearTimeout(this._draftTimer);
      this.setPending(true);
      send("ot:submit", { answer: this.collect() });
    }

    reset() {
      this.fields().forEach(function (f) {
        if (f.crowd && f.el.crowdRestore) f.el.crowdRestore(null);
        else if (!f.crowd && f.el.type === "checkbox") f.el.checked = f.el.defaultChecked;
        else if (!f.crowd && "defaultValue" in f.el) f.el.value = f.el.defaultValue;
      });
      this.scheduleDraft();
    }

    setPending(on) {
      this._pending = on;
      this.querySelectorAll('crowd-button[form-action="submit"]').forEach(function (b) {
        if (on) b.setAttribute("loading", ""); else b.removeAttribute("loading");
      });
    }

    disable(message) {
      this._disabled = true;
      this.setPending(false);
      this.querySelectorAll('crowd-button[form-action="submit"]').forEach(function (b) {
        b.setAttribute("disabled", "");
      });
      this.showError(message);
    }

    onMessage(e) {
      if (e.source !== window.parent || !isPlainObject(e.data)) return;
      var m = e.data;
      if (m.type === "ot:init") {
        if (m.draft) this.restore(m.draft);
        if (m.expired) this.disable("The time for this task ran out; take the next task.");
      } else if (m.type === "ot:submit-result") {
        this.setPending(false);
        if (!m.ok) this.showError(String(m.message || "The answer was not accepted."));
      } else if (m.type === "ot:expired") {
        this.disable("The time for this task ran out; take the next task.");
      } else if (m.type === "ot:focus") {
        focusFirst(this);
      }
    }
  }

  function focusFirst(form) {
    if (form.owner && form.owner.crowdFocus) { form.owner.crowdFocus(); return; }
    var el = form.querySelector("[name]");
    var all = form.querySelectorAll("*");
    for (var k = 0; k < all.length; k++) {
      if (typeof all[k].crowdFocus === "function") { all[k].crowdFocus(); return; }
    }
    if (el && el.focus) el.focus();
  }

  class CrowdButton extends CE.CrowdElement {
    static get observedAttributes() { return ["disabled", "loading"]; }
    attributeChangedCallback() { this.sync(); }
    build() {
      var self = this;
      var href = this.getAttribute("href");
      var variant = this.getAttribute("variant") || "normal";
      var icon = CE.iconNode ? CE.iconNode(this.getAttribute("icon"), this.getAttribute("icon-url")) : null;
      var label = h("slot");
      var cls = "btn " + (variant === "primary" ? "primary" : variant === "link" ? "link" : variant === "icon" ? "icon" : "");
      var kids = (this.getAttribute("icon-align") === "right") ? [label, icon] : [icon, label];
      this._btn = href
        ? h("a", { class: cls, href: href, target: this.getAttribute("target") || "_blank", rel: "noopener" }, kids)
        : h("button", { type: "button", class: cls, part: "button" }, kids);
      this._btn.addEventListener("click", function (e) {
        if (self.hasAttribute("disabled") || self.hasAttribute("loading")) { e.preventDefault(); return; }
        var action = self.getAttribute("form-action");
        var form = self.closest("crowd-form");
        if (!form) return;
        if (action === "submit") form.requestSubmit();
        else if (action === "reset") form.reset();
      });
      this.shadowRoot.appendChild(this._btn);
      this.sync();
    }
    sync() {
      if (!this._btn) return;
      var busy = this.hasAttribute("loading");
      this._btn.disabled = this.hasAttribute("disabled") || busy;
      this._btn.classList.toggle("loading", busy);
    }
    click() { if (this._btn) this._btn.click(); else super.click(); }
  }

  /**
   * A task element used without a crowd-form (AWS's crowd-entity-annotation samples are bare)
   * gets a form of its own in its shadow tree, as Ground Truth's does: the form submits the
   * element's answer, adds the submit button, and its `.form` takes the template's extra
   * questions (samples reach it through element.shadowRoot.querySelector("crowd-form").form).
   */
  CE.ownForm = function (host) {
    if (host.closest("crowd-form")) return null;
    var form = document.createElement("crowd-form");
    form.owner = host;
    host.shadowRoot.appendChild(form);
    // The host's own changes fire on the host, outside its shadow tree: pass them to the form.
    host.addEventListener("crowd-change", function () { form.showError(""); form.scheduleDraft(); });
    host.addEventListener("change", function () { form.scheduleDraft(); });
    return form;
  };

  CE.define("crowd-form", CrowdForm);
  CE.define("crowd-button", CrowdButton);
})(window.CrowdElements);
