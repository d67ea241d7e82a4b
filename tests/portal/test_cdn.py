"""Public-CDN scripts of templates: which URLs the pinned copies serve (within their major
version), what the CSP's extra origins admit, the rewrite of a template, the copies and their
licences as the portal serves them."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from opentruth.portal import cdn
from opentruth.portal.render import LOCAL_LOADER, TemplateRenderer
from opentruth.portal.signing import ObjectUrlSigner
from opentruth.portal.taskview import static_root

JQ = "/worker/static/vendor/jquery-3.7.1/jquery.min.js"
SLIM = "/worker/static/vendor/jquery-3.7.1/jquery.slim.min.js"
D3 = "/worker/static/vendor/d3-7.9.1/d3.min.js"
DRAG = "/worker/static/vendor/draggable-1.0.0-beta.12/draggable.bundle.js"


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("https://code.jquery.com/jquery-3.7.1.min.js", JQ),
        ("https://code.jquery.com/jquery-3.5.1.js", JQ),
        ("//code.jquery.com/jquery-3.6.0.slim.min.js", SLIM),
        ("https://cdnjs.cloudflare.com/ajax/libs/jquery/3.6.4/jquery.min.js", JQ),
        ("https://ajax.googleapis.com/ajax/libs/jquery/3.4.1/jquery.min.js", JQ),
        ("https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js", JQ),
        ("https://unpkg.com/jquery@3", JQ),
        ("HTTPS://CODE.JQUERY.COM/jquery-3.7.1.min.js", JQ),
        ("https://d3js.org/d3.v7.min.js", D3),
        ("https://cdn.jsdelivr.net/npm/d3@7", D3),
        ("https://unpkg.com/d3@7.8.5/dist/d3.min.js", D3),
        ("https://cdnjs.cloudflare.com/ajax/libs/d3/7.8.5/d3.min.js", D3),
        ("https://cdn.jsdelivr.net/npm/@shopify/draggable@1.0.0-beta.8/lib/draggable.bundle.js", DRAG),
        ("https://unpkg.com/@shopify/draggable@1.0.0-beta.12/lib/draggable.bundle.js", DRAG),
        # Another major version has another API: not served by the copy.
        ("https://code.jquery.com/jquery-2.2.4.min.js", None),
        ("https://d3js.org/d3.v5.min.js", None),
        ("https://cdn.jsdelivr.net/npm/@shopify/draggable@1.1.3/build/umd/index.min.js", None),
        # Look-alike hosts and paths are not the CDN.
        ("https://code.jquery.com.evil.example/jquery-3.7.1.min.js", None),
        ("https://evil.example/code.jquery.com/jquery-3.7.1.min.js", None),
    ],
)
def test_known_cdn_urls_map_to_the_copies(url: str, local: str | None) -> None:
    assert cdn.local_copy(url) == local


@pytest.mark.parametrize(
    ("url", "allow", "allowed"),
    [
        ("https://cdn.example.org/a.js", ("https://cdn.example.org",), True),
        ("https://cdn.example.org/a.js", ("cdn.example.org",), True),
        ("https://cdn.example.org/a.js", ("http://cdn.example.org",), False),
        ("https://cdn.example.org/a.js", ("*.example.org",), True),
        ("https://cdn.example.org/a.js", ("https:",), True),
        ("https://cdn.example.org/lib/a.js", ("https://cdn.example.org/lib/",), True),
        ("https://cdn.example.org/other/a.js", ("https://cdn.example.org/lib/",), False),
        ("https://cdn.example.org:8443/a.js", ("https://cdn.example.org:8443",), True),
        ("https://cdn.example.org/a.js", ("https://cdn.example.org:8443",), False),
        ("https://example.org/a.js", ("*.example.org",), False),
        ("https://cdn.example.org/a.js", (), False),
        ("js/local.js", ("https://cdn.example.org",), False),
    ],
)
def test_csp_allows_matches_source_expressions(url: str, allow: tuple[str, ...], allowed: bool) -> None:
    assert cdn.csp_allows(url, allow) is allowed


def test_scan_rewrites_known_scripts_drops_their_integrity_and_reports_the_rest() -> None:
    source = (
        '<script src="https://code.jquery.com/jquery-3.6.0.min.js" integrity="sha256-abc" '
        'crossorigin="anonymous"></script>\n'
        "<script src='https://d3js.org/d3.v7.min.js'></script>\n"
        '<script src="https://allowed.example/x.js" integrity="sha384-keep"></script>\n'
        '<script src="https://blocked.example/y.js"></script>\n'
        '<script src="{{ task.input.lib }}"></script>\n'
        "<script>var inline = 1;</script>\n"
    )
    out, refs = cdn.scan(source, ("https://allowed.example",))
    assert f'<script src="{JQ}" crossorigin="anonymous"></script>' in out
    assert f'<script src="{D3}"></script>' in out
    assert 'integrity="sha384-keep"' in out  # not rewritten: the author's hash still holds
    assert "sha256-abc" not in out
    assert "<script>var inline = 1;</script>" in out
    assert [(r.url, r.status, r.local) for r in refs] == [
        ("https://code.jquery.com/jquery-3.6.0.min.js", "vendored", JQ),
        ("https://d3js.org/d3.v7.min.js", "vendored", D3),
        ("https://allowed.example/x.js", "allowed", None),
        ("https://blocked.example/y.js", "blocked", None),
        ("{{ task.input.lib }}", "dynamic", None),
    ]


def test_renderer_serves_copies_and_lists_blocked_scripts() -> None:
    renderer = TemplateRenderer(ObjectUrlSigner(b"k" * 32), csp_allow=("https://ok.example",))
    source = (
        '<script src="https://assets.crowd.aws/crowd-html-elements.js"></script>'
        '<script src="https://unpkg.com/jquery@3/dist/jquery.min.js"></script>'
        '<script src="https://nope.example/z.js"></script><script>$(1)</script>'
    )
    prepared = renderer.prepare(source)
    assert f'src="{LOCAL_LOADER}"' in prepared and f'src="{JQ}"' in prepared
    assert re.search(r'<script nonce="otnonce[0-9a-f]+">\$\(1\)</script>', prepared)
    statuses = {r.url: r.status for r in renderer.scripts(source)}
    # The crowd loader is the portal's own: not listed.
    assert statuses == {
        "https://unpkg.com/jquery@3/dist/jquery.min.js": "vendored",
        "https://nope.example/z.js": "blocked",
    }


def test_every_copy_exists_with_its_licence_and_is_recorded_in_the_readme() -> None:
    root = static_root() / "vendor"
    readme = (
        Path(__file__).resolve().parents[2] / "src/opentruth/portal/static/vendor/README.md"
    ).read_text()
    assert len(cdn.copies()) == 7
    for file in cdn.copies():
        path = root / file
        assert path.is_file(), file
        assert (path.parent / "LICENSE.txt").is_file(), file
        assert hashlib.sha256(path.read_bytes()).hexdigest() in readme, file


def test_the_shim_carries_every_pattern_and_cannot_close_its_script() -> None:
    code = cdn.shim()
    assert "__OPENTRUTH_CDN_MAP__" not in code and "</script" not in code.lower()
    for file in cdn.copies():
        assert cdn.VENDOR_PREFIX + file in code


def test_the_shim_precedes_code_that_can_add_scripts_after_the_doctype() -> None:
    renderer = TemplateRenderer(ObjectUrlSigner(b"k" * 32))
    adds = '<!DOCTYPE html><script>var s = document.createElement("script");</script>'
    prepared = renderer.prepare(adds)
    assert prepared.startswith("<!DOCTYPE html><script nonce=")
    assert prepared.index("HTMLScriptElement") < prepared.index("var s =")
    # Code that cannot add a script, and templates without code, get no shim.
    assert "HTMLScriptElement" not in renderer.prepare("<script>var x = 1;</script>")
    assert "HTMLScriptElement" not in renderer.prepare('<script src="https://d3js.org/d3.v7.js"></script>')
