/*
 * opentruth crowd HTML elements: the loader.
 *
 * Ground Truth templates load https://assets.crowd.aws/crowd-html-elements.js; opentruth
 * rewrites that source to this file. It loads the element definitions that sit next to it, in
 * order. While the document is still being parsed it writes the script tags into the parser
 * (as a synchronous loader does), so every crowd element is defined before the template's own
 * markup and scripts run — exactly as with Ground Truth's single bundle. Loaded later
 * (dynamically), it appends the scripts with async=false, which keeps their order.
 *
 * No external resources, no build step: plain classic scripts sharing `window.CrowdElements`.
 */
(function () {
  "use strict";
  if (window.CrowdElements && window.CrowdElements.loading) return;
  window.CrowdElements = window.CrowdElements || {};
  window.CrowdElements.loading = true;

  var me = document.currentScript;
  var base = me && me.src ? me.src.replace(/[^/]*(?:[?#].*)?$/, "") : "";
  var nonce = me ? me.nonce || me.getAttribute("nonce") || "" : "";
  var parts = [
    "core.js",
    "styles.js",
    "form.js",
    "layout.js",
    "controls.js",
    "classifiers.js",
    "imagetool.js",
    "bounding-box.js",
    "shapes.js",
    "segmentation.js",
    "entity.js",
    "video.js",
    "genai.js",
    "ready.js",
  ];
  var attr = function (v) {
    return String(v).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  };
  var nonceAttr = nonce ? ' nonce="' + attr(nonce) + '"' : "";

  if (document.readyState === "loading" && me && !me.async && !me.defer && me.type !== "module") {
    var html = '<link rel="stylesheet" href="' + attr(base + "crowd.css") + '">';
    for (var i = 0; i < parts.length; i++) {
      html += '<script src="' + attr(base + parts[i]) + '"' + nonceAttr + "></scr" + "ipt>";
    }
    document.write(html);
  } else {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = base + "crowd.css";
    document.head.appendChild(link);
    for (var j = 0; j < parts.length; j++) {
      var s = document.createElement("script");
      s.src = base + parts[j];
      s.async = false;
      if (nonce) s.nonce = nonce;
      document.head.appendChild(s);
    }
  }
})();
