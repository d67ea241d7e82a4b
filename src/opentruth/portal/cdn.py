"""Scripts a task template loads from public CDNs: served from pinned local copies, or reported.

Ground Truth templates often load jQuery, D3 or Shopify's Draggable from a public CDN. The task
document's CSP allows scripts only from the portal (and ``OPENTRUTH_PORTAL_CSP_ALLOW``), and an
offline deployment could not reach a CDN anyway, so a template's own handlers would never run.
opentruth ships copies of these libraries, taken with ``npm pack`` from the npm registry with
their licences (``static/vendor/``, see its README), and rewrites each ``<script src>`` that
names one of them by a known CDN URL pattern to the local copy, as it does for the crowd
elements' loader.

A URL is mapped only within the major version of the copy (jQuery 3.x to 3.7.1, D3 v7 to 7.9.1
and v6 to 6.7.0, node-uuid 1.4 to 1.4.8, Draggable 1.0.0-beta to beta.12): a major version
changes the API, so ``d3.v5.js`` stays what it is. An ``integrity`` attribute is dropped from a
rewritten tag, because its hash names the CDN's file of the requested version, not the copy (which the
portal serves itself).

Every other script outside the portal is *blocked* unless the CSP's extra origins allow it;
:func:`scan` reports each one with its URL, so that the renderer can write it to the job's log
and the dashboard can show what an operator would have to allow.

Scripts that a template adds at run time (``document.createElement("script")``,
``$.getScript``) are not in its source. :func:`shim` is a small script (``static/vendor/
cdn-shim.js``, with this module's patterns put in) that the renderer inlines before the
template's own scripts: it maps such a script's ``src`` to the local copy in the browser.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal
from urllib.parse import urlsplit

__all__ = ["VENDOR_PREFIX", "ScriptRef", "copies", "csp_allows", "local_copy", "scan", "shim"]

#: Where the portal serves the copies (``static/vendor/`` of this package).
VENDOR_PREFIX = "/worker/static/vendor/"
_JQ = "jquery-3.7.1/"
_D3 = "d3-7.9.1/d3.min.js"
_DRAG = "draggable-1.0.0-beta.12/"
_D3V6 = "d3-6.7.0/d3.min.js"
_UUID = "node-uuid-1.4.8/uuid.js"

_V3 = r"3(?:\.\d+){0,2}"  # a jQuery 3.x version as CDNs spell it: 3, 3.7, 3.7.1
_V7 = r"7(?:\.\d+){0,2}"
_BETA = r"1\.0\.0-beta(?:\.\d+)?"
_V6 = r"6(?:\.\d+){0,2}"
_UUID14 = r"1\.4(?:\.\d+)?"

#: (URL pattern without the scheme, local file under ``static/vendor/``). ``{min}`` is an
#: optional ``.min``; ``{slim}`` a jQuery slim build.
_PATTERNS: tuple[tuple[str, str], ...] = (
    (rf"code\.jquery\.com/jquery-{_V3}{{min}}\.js", _JQ + "jquery.min.js"),
    (rf"code\.jquery\.com/jquery-{_V3}\.slim{{min}}\.js", _JQ + "jquery.slim.min.js"),
    (rf"cdnjs\.cloudflare\.com/ajax/libs/jquery/{_V3}/jquery{{min}}\.js", _JQ + "jquery.min.js"),
    (rf"cdnjs\.cloudflare\.com/ajax/libs/jquery/{_V3}/jquery\.slim{{min}}\.js", _JQ + "jquery.slim.min.js"),
    (rf"ajax\.googleapis\.com/ajax/libs/jquery/{_V3}/jquery{{min}}\.js", _JQ + "jquery.min.js"),
    (rf"ajax\.googleapis\.com/ajax/libs/jquery/{_V3}/jquery\.slim{{min}}\.js", _JQ + "jquery.slim.min.js"),
    (rf"ajax\.aspnetcdn\.com/ajax/jquery/jquery-{_V3}{{min}}\.js", _JQ + "jquery.min.js"),
    (
        rf"(?:cdn\.jsdelivr\.net/npm|unpkg\.com)/jquery@{_V3}(?:/dist/jquery{{min}}\.js)?",
        _JQ + "jquery.min.js",
    ),
    (
        rf"(?:cdn\.jsdelivr\.net/npm|unpkg\.com)/jquery@{_V3}/dist/jquery\.slim{{min}}\.js",
        _JQ + "jquery.slim.min.js",
    ),
    (r"d3js\.org/d3\.v7{min}\.js", _D3),
    (rf"(?:cdn\.jsdelivr\.net/npm|unpkg\.com)/d3@{_V7}(?:/dist/d3{{min}}\.js)?", _D3),
    (rf"cdnjs\.cloudflare\.com/ajax/libs/d3/{_V7}/d3{{min}}\.js", _D3),
    (r"d3js\.org/d3\.v6{min}\.js", _D3V6),
    (rf"(?:cdn\.jsdelivr\.net/npm|unpkg\.com)/d3@{_V6}(?:/dist/d3{{min}}\.js)?", _D3V6),
    (rf"cdnjs\.cloudflare\.com/ajax/libs/d3/{_V6}/d3{{min}}\.js", _D3V6),
    (rf"cdnjs\.cloudflare\.com/ajax/libs/node-uuid/{_UUID14}/uuid{{min}}\.js", _UUID),
    (rf"(?:cdn\.jsdelivr\.net/npm|unpkg\.com)/node-uuid@{_UUID14}(?:/uuid{{min}}\.js)?", _UUID),
    (
        rf"cdnjs\.cloudflare\.com/ajax/libs/draggable/{_BETA}/draggable\.bundle{{min}}\.js",
        _DRAG + "draggable.bundle.js",
    ),
    (
        rf"cdnjs\.cloudflare\.com/ajax/libs/draggable/{_BETA}/draggable\.bundle\.legacy{{min}}\.js",
        _DRAG + "draggable.bundle.legacy.js",
    ),
    (
        rf"(?:cdn\.jsdelivr\.net/npm|unpkg\.com)/@shopify/draggable@{_BETA}/lib/draggable\.bundle{{min}}\.js",
        _DRAG + "draggable.bundle.js",
    ),
    (
        rf"(?:cdn\.jsdelivr\.net/npm|unpkg\.com)/@shopify/draggable@{_BETA}/lib/draggable\.bundle\.legacy{{min}}\.js",
        _DRAG + "draggable.bundle.legacy.js",
    ),
)
_COMPILED = tuple(
    (re.compile(r"^(?:https?:)?//" + p.replace("{min}", r"(?:\.min)?") + r"(?:[?#].*)?$", re.IGNORECASE), f)
    for p, f in _PATTERNS
)

_SCRIPT_TAG_RE = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
_SRC_RE = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_INTEGRITY_RE = re.compile(r"""\s+integrity\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+)""", re.IGNORECASE)


@cache
def shim() -> str:
    """The browser-side mapping of run-time scripts to the local copies (JavaScript)."""
    code = resources.files("opentruth.portal").joinpath("static", "vendor", "cdn-shim.js").read_text("utf-8")
    code = code[code.index("*/") + 2 :].strip()  # the file's header comment stays in the file
    table = [[pattern.pattern, VENDOR_PREFIX + file] for pattern, file in _COMPILED]
    # JSON is a JavaScript literal; "<" is escaped so that nothing in it can end the <script>.
    return code.replace("__OPENTRUTH_CDN_MAP__", json.dumps(table).replace("<", "\\u003c"))


def copies() -> tuple[str, ...]:
    """Every local copy that some CDN URL maps to (paths under ``static/vendor/``)."""
    return tuple(dict.fromkeys(file for _pattern, file in _PATTERNS))


def local_copy(url: str) -> str | None:
    """The portal path of the local copy that serves ``url`` (a known CDN URL), or None."""
    for pattern, file in _COMPILED:
        if pattern.match(url.strip()):
            return VENDOR_PREFIX + file
    return None


def _host_matches(pattern: str, host: str) -> bool:
    if pattern.startswith("*."):
        return host.endswith(pattern[1:])
    return host == pattern


def csp_allows(url: str, allow: tuple[str, ...]) -> bool:
    """Whether a CSP ``script-src`` with the source expressions ``allow`` admits ``url``
    (schemes such as ``https:``, hosts with an optional scheme, ``*.`` wildcards, ports and
    path prefixes, as browsers match them)."""
    parts = urlsplit("https:" + url if url.startswith("//") else url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    for entry in allow:
        entry = entry.strip().lower()
        if entry == "*":
            return scheme in ("http", "https")
        if entry.endswith(":") and "/" not in entry:
            if scheme == entry[:-1]:
                return True
            continue
        src = urlsplit(entry if "://" in entry else "//" + entry)
        if src.scheme and src.scheme != scheme:
            continue
        if not _host_matches(src.hostname or "", host):
            continue
        if src.port is not None and src.port != parts.port:
            continue
        path = src.path
        if (
            not path
            or path == "/"
            or (path.endswith("/") and parts.path.startswith(path))
            or path == parts.path
        ):
            return True
    return False


@dataclass(frozen=True, slots=True)
class ScriptRef:
    """A ``<script src>`` of a template and what became of it.

    ``status``: ``vendored`` (served from the local copy at ``local``), ``allowed`` (the CSP's
    extra origins admit it), ``blocked`` (the browser will refuse it), ``dynamic`` (its URL is a
    Liquid expression, known only per task; not rewritten).
    """

    url: str
    status: Literal["vendored", "allowed", "blocked", "dynamic"]
    local: str | None = None


def scan(source: str, allow: tuple[str, ...] = (), own: tuple[str, ...] = ()) -> tuple[str, list[ScriptRef]]:
    """Rewrite the known CDN scripts of a template source to the local copies; return the new
    source and every script that is not the portal's own (``own``: URL prefixes to skip, such
    as the crowd elements' loader and ``/worker/static/``)."""
    refs: list[ScriptRef] = []

    def one(tag: re.Match[str]) -> str:
        attrs = tag.group(1)
        found = _SRC_RE.search(attrs)
        if found is None:
            return tag.group(0)
        url = next(g for g in found.groups() if g is not None).strip()
        if any(url.startswith(prefix) for prefix in own):
            return tag.group(0)
        if "{{" in url or "{%" in url:
            refs.append(ScriptRef(url, "dynamic"))
            return tag.group(0)
        local = local_copy(url)
        if local is not None:
            refs.append(ScriptRef(url, "vendored", local))
            rewritten = attrs[: found.start()] + f'src="{local}"' + attrs[found.end() :]
            return f"<script{_INTEGRITY_RE.sub('', rewritten)}>"
        refs.append(ScriptRef(url, "allowed" if csp_allows(url, allow) else "blocked"))
        return tag.group(0)

    return _SCRIPT_TAG_RE.sub(one, source), refs
