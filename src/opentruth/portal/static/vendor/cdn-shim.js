/*
 * opentruth: scripts that a task template adds at run time (document.createElement("script"),
 * jQuery's $.getScript) load the portal's pinned copy when their URL is a known CDN URL of a
 * vendored library, as <script src> tags in the template's source already do. The renderer
 * inlines this file, with the render's nonce, before the template's own scripts, and puts the
 * URL patterns of opentruth/portal/cdn.py in place of the map below.
 */
(function () {
  "use strict";
  var map = __OPENTRUTH_CDN_MAP__.map(function (entry) {
    return [new RegExp(entry[0], "i"), entry[1]];
  });
  function local(url) {
    var text = String(url).trim();
    for (var i = 0; i < map.length; i++) {
      if (map[i][0].test(text)) return map[i][1];
    }
    return null;
  }
  var proto = HTMLScriptElement.prototype;
  var src = Object.getOwnPropertyDescriptor(proto, "src");
  if (src && src.set && src.configurable) {
    Object.defineProperty(proto, "src", {
      configurable: true,
      enumerable: src.enumerable,
      get: src.get,
      set: function (value) {
        var copy = local(value);
        if (copy) this.removeAttribute("integrity");
        src.set.call(this, copy || value);
      },
    });
  }
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this instanceof HTMLScriptElement && String(name).toLowerCase() === "src") {
      var copy = local(value);
      if (copy) {
        this.removeAttribute("integrity");
        value = copy;
      }
    }
    return setAttribute.call(this, name, value);
  };
})();
