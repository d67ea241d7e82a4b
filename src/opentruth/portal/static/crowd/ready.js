/*
 * The last part the loader runs. Once the document is parsed and every element has built
 * itself (their DOMContentLoaded handlers ran first), tell the page that the elements are
 * ready: the `all-crowd-elements-ready` event for the template's own scripts (as Ground
 * Truth's bundle fires it) and `ot:ready` for the portal page framing the template, which
 * answers with `ot:init` (the saved draft). The document's height follows as `ot:resize`.
 */
(function (CE) {
  "use strict";
  function ready() {
    setTimeout(function () {
      CE.ready = true;
      document.dispatchEvent(new CustomEvent("all-crowd-elements-ready"));
      CE.send("ot:ready");
      if (window.ResizeObserver && document.body) {
        var last = 0;
        new ResizeObserver(function () {
          var height = Math.ceil(document.documentElement.scrollHeight);
          if (height !== last) { last = height; CE.send("ot:resize", { height: height }); }
        }).observe(document.body);
      }
    }, 0);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready, { once: true });
  else ready();
})(window.CrowdElements);
