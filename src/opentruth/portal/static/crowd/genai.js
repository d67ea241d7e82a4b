/*
 * Ground Truth's "V2" elements for generative-AI data (crowd-html-elements-v2.js):
 *
 *   crowd-text-ranking               ranks each response on each ordinal dimension
 *   crowd-question-answer-generation question–answer pairs written from a passage
 *
 * AWS documents their attributes (sms-ui-template-reference, "Crowd HTML Elements V2") but not
 * their answers. What they store here:
 *
 * - crowd-text-ranking puts `ordinalRankingDimensions` at the top of answerContent, not under
 *   its name: AWS's own text-ranking notebook (aws-samples/amazon-sagemaker-groundtruth-
 *   immersionday, module 07) reads `answerContent.ordinalRankingDimensions[i].responseRankings`,
 *   a list with the rank (1 = best) of each response in the order of `responses`.
 *   Each entry is {"name": <dimension>, "responseRankings": [<rank>, ...]}.
 * - crowd-question-answer-generation stores {"<name>": {"questionAnswerPairs": [{"question",
 *   "answer", "tags": [...], "textReferences": [{"startOffset", "endOffset", "text"}]}]}}.
 *   No AWS source shows this answer; the shape is opentruth's, keyed by the element's name as
 *   the reference says every element's answer is. Offsets count code points of `text`.
 */
(function (CE) {
  "use strict";
  var h = CE.h;

  function words(s) {
    var t = String(s || "").trim();
    return t ? t.split(/\s+/).length : 0;
  }
  function intAttr(el, name, fallback) {
    var v = parseInt(el.getAttribute(name) || "", 10);
    return isNaN(v) ? fallback : v;
  }

  class CrowdTextRanking extends CE.CrowdElement {
    build() {
      var self = this;
      this.crowdSpreadsAnswer = true; // see the top of this file
      this._responses = CE.attrValue(this, "responses", []).map(String);
      this._dims = CE.attrValue(this, "ordinal-ranking-dimensions", []).map(function (d) {
        return { name: String(d && d.name !== undefined ? d.name : d), allowTie: !!(d && d.allowTie) };
      });
      this._selects = {};
      var n = this._responses.length;
      var cards = this._responses.map(function (text, i) {
        var ranks = self._dims.map(function (dim) {
          var options = [h("option", { value: "", text: "rank" })];
          for (var r = 1; r <= n; r++) options.push(h("option", { value: String(r), text: String(r) }));
          var select = h("select", { class: "rank", "aria-label": dim.name + " rank of response " + (i + 1),
            onchange: function () { self.changed(); } }, options);
          (self._selects[dim.name] = self._selects[dim.name] || [])[i] = select;
          return h("label", { class: "dimension" }, dim.name + " ", select);
        });
        return h("section", { class: "response", part: "response" },
          h("h3", { text: "Response " + (i + 1) }), h("p", { class: "response-text", text: text }), ranks);
      });
      this._error = h("div", { class: "error", role: "alert" });
      this.shadowRoot.appendChild(h("div", { class: "layout" },
        CE.instructionsPanel(this),
        h("div", { class: "main" },
          h("p", { class: "prompt", text: this.getAttribute("text") || "" }),
          cards, this._error)));
    }
    showError(m) { if (this._error) this._error.textContent = m || ""; }
    crowdAnswer() {
      var self = this;
      return {
        ordinalRankingDimensions: this._dims.map(function (dim) {
          return {
            name: dim.name,
            responseRankings: (self._selects[dim.name] || []).map(function (s) { return s.value ? Number(s.value) : null; }),
          };
        }),
      };
    }
    crowdRestore(v) {
      var self = this;
      var dims = v && Array.isArray(v.ordinalRankingDimensions) ? v.ordinalRankingDimensions : [];
      Object.keys(this._selects).forEach(function (name) {
        var saved = dims.find(function (d) { return d && d.name === name; });
        self._selects[name].forEach(function (s, i) {
          var r = saved && Array.isArray(saved.responseRankings) ? saved.responseRankings[i] : null;
          s.value = r ? String(r) : "";
        });
      });
    }
    crowdValidate() {
      var msg = "";
      var self = this;
      this._dims.some(function (dim) {
        var ranks = (self._selects[dim.name] || []).map(function (s) { return s.value; });
        if (ranks.indexOf("") >= 0) { msg = "Rank every response on \u201c" + dim.name + "\u201d."; return true; }
        if (!dim.allowTie && new Set(ranks).size !== ranks.length) {
          msg = "\u201c" + dim.name + "\u201d allows no tie: give each response its own rank."; return true;
        }
        return false;
      });
      this.showError(msg);
      return msg;
    }
  }

  class CrowdQuestionAnswerGeneration extends CE.CrowdElement {
    build() {
      var self = this;
      this._text = this.getAttribute("text") || "";
      this._tags = CE.stringList(this, "question-tags");
      this._custom = String(this.getAttribute("allow-custom-question-tags")).toLowerCase() === "true";
      this._min = intAttr(this, "min-questions", 1);
      this._max = intAttr(this, "max-questions", Infinity);
      this._limits = {
        question: [intAttr(this, "question-min-words", 1), intAttr(this, "question-max-words", Infinity)],
        answer: [intAttr(this, "answer-min-words", 1), intAttr(this, "answer-max-words", Infinity)],
      };
      this._pairs = [];
      this._passage = h("p", { class: "passage", text: this._text });
      this._list = h("div", { class: "pairs" });
      this._add = h("button", { type: "button", class: "btn", text: "Add a question",
        onclick: function () { self.addPair({}); self.changed(); } });
      this._error = h("div", { class: "error", role: "alert" });
      this.shadowRoot.appendChild(h("div", { class: "layout" },
        CE.instructionsPanel(this),
        h("div", { class: "main" }, this._passage, this._list, this._add, this._error)));
    }
    /** The passage offsets (code points) of the worker's current selection in it, or null. */
    selection() {
      var sel = this.shadowRoot.getSelection ? this.shadowRoot.getSelection() : document.getSelection();
      if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
      var range = sel.getRangeAt(0);
      var node = this._passage.firstChild;
      if (range.startContainer !== node || range.endContainer !== node) return null;
      var cp = function (i) { return Array.from(node.data.slice(0, i)).length; };
      return { startOffset: cp(range.startOffset), endOffset: cp(range.endOffset),
        text: node.data.slice(range.startOffset, range.endOffset) };
    }
    addPair(saved) {
      var self = this;
      var pair = { refs: Array.isArray(saved.textReferences) ? saved.textReferences.slice() : [] };
      var tagOptions = [h("option", { value: "", text: "no tag" })].concat(this._tags.map(function (t) {
        return h("option", { value: t, text: t });
      }));
      pair.tag = h("select", { class: "tag", "aria-label": "Question tag", onchange: function () { self.changed(); } }, tagOptions);
      pair.customTag = this._custom
        ? h("input", { class: "custom-tag", "aria-label": "Custom tag", placeholder: "custom tag", oninput: function () { self.changed(); } })
        : null;
      pair.question = h("textarea", { class: "question", rows: "2", "aria-label": "Question", oninput: function () { self.changed(); } });
      pair.answer = h("textarea", { class: "answer", rows: "2", "aria-label": "Answer", oninput: function () { self.changed(); } });
      pair.refList = h("span", { class: "refs" });
      var tags = Array.isArray(saved.tags) ? saved.tags : [];
      if (tags[0] !== undefined) {
        if (this._tags.indexOf(tags[0]) >= 0) pair.tag.value = tags[0];
        else if (pair.customTag) pair.customTag.value = tags[0];
      }
      pair.question.value = saved.question || "";
      pair.answer.value = saved.answer || "";
      pair.row = h("section", { class: "pair" },
        h("label", {}, "Tag ", pair.tag), pair.customTag,
        h("label", {}, "Question", pair.question),
        h("label", {}, "Answer", pair.answer),
        h("button", { type: "button", class: "link", text: "Use the selected text",
          onclick: function () {
            var ref = self.selection();
            if (ref) { pair.refs.push(ref); self.showRefs(pair); self.changed(); }
          } }),
        pair.refList,
        h("button", { type: "button", class: "link", text: "Remove",
          onclick: function () {
            self._pairs.splice(self._pairs.indexOf(pair), 1);
            pair.row.remove();
            self.changed();
          } }));
      this._pairs.push(pair);
      this._list.appendChild(pair.row);
      this.showRefs(pair);
      this._add.disabled = this._pairs.length >= this._max;
    }
    showRefs(pair) {
      pair.refList.textContent = pair.refs.map(function (r) { return "\u201c" + r.text + "\u201d"; }).join(", ");
    }
    showError(m) {
      if (this._error) this._error.textContent = m || "";
      if (this._add) this._add.disabled = this._pairs.length >= this._max;
    }
    crowdAnswer() {
      return {
        questionAnswerPairs: this._pairs.map(function (p) {
          var tag = (p.customTag && p.customTag.value.trim()) || p.tag.value;
          return { question: p.question.value.trim(), answer: p.answer.value.trim(),
            tags: tag ? [tag] : [], textReferences: p.refs.slice() };
        }),
      };
    }
    crowdRestore(v) {
      var self = this;
      this._pairs.slice().forEach(function (p) { p.row.remove(); });
      this._pairs = [];
      var saved = v && Array.isArray(v.questionAnswerPairs) ? v.questionAnswerPairs : [];
      saved.forEach(function (p) { self.addPair(p || {}); });
    }
    crowdValidate() {
      var msg = "";
      var n = this._pairs.length;
      if (n < this._min) msg = "Write at least " + this._min + " question" + (this._min === 1 ? "" : "s") + " and answer" + (this._min === 1 ? "" : "s") + ".";
      else if (n > this._max) msg = "Write at most " + this._max + " questions.";
      var limits = this._limits;
      if (!msg) this._pairs.some(function (p, i) {
        return ["question", "answer"].some(function (part) {
          var count = words(p[part].value);
          var lim = limits[part];
          if (count < lim[0] || count > lim[1]) {
            msg = "The " + part + " of pair " + (i + 1) + " has " + count + " words; it needs " + lim[0] +
              (lim[1] === Infinity ? " or more." : " to " + lim[1] + ".");
            return true;
          }
          return false;
        });
      });
      this.showError(msg);
      return msg;
    }
  }

  CE.define("crowd-text-ranking", CrowdTextRanking);
  CE.define("crowd-question-answer-generation", CrowdQuestionAnswerGeneration);
})(window.CrowdElements);
