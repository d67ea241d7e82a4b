"""Browser tests: Debian's chromium driven by pytest-playwright, and a harness for the crowd elements.

Chromium is the system's ``/usr/bin/chromium`` (a browser download is impossible here; CI installs
it with apt). The harness serves the packaged crowd elements and test templates from a small local
HTTP server, and frames each template the way the portal does: in an iframe sandboxed *without*
``allow-same-origin``, with a parent page that records every ``postMessage`` from the template and
answers ``ot:ready`` with ``ot:init`` (optionally carrying a draft) and ``ot:submit`` with
``ot:submit-result``.
"""

from __future__ import annotations

import io
import json
import mimetypes
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import FrameLocator, Page

from opentruth.portal.taskview import static_root

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's chromium, headless, with the flags a container needs."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def base_url() -> str | None:
    """No base URL: every test opens absolute URLs.

    This also replaces pytest-playwright's fallback fixture, which is a method of a plugin object
    and so trips pytest's warning about session fixtures defined as instance methods.
    """
    return None


PARENT_PAGE = """<!doctype html>
<meta charset="utf-8">
<title>crowd harness</title>
<body style="margin:0">
<iframe id="task" sandbox="allow-scripts allow-forms" style="width:100%;height:900px;border:0"></iframe>
<script>
  // The portal's side of the protocol, reduced to what the element tests need.
  window.__messages = [];
  window.__draft = null;
  window.__submitResult = {ok: true, message: ""};
  const frame = document.getElementById("task");
  window.addEventListener("message", (e) => {
    if (e.source !== frame.contentWindow || e.origin !== "null") return;
    window.__messages.push(e.data);
    if (e.data.type === "ot:ready") {
      frame.contentWindow.postMessage({type: "ot:init", v: 1, draft: window.__draft, expired: false}, "*");
      frame.contentWindow.postMessage({type: "ot:focus", v: 1}, "*");
    }
    if (e.data.type === "ot:submit") {
      const result = Object.assign({type: "ot:submit-result", v: 1}, window.__submitResult);
      frame.contentWindow.postMessage(result, "*");
    }
  });
  const params = new URLSearchParams(location.search);
  if (params.get("draft")) window.__draft = JSON.parse(params.get("draft"));
  frame.src = "/t/" + params.get("t");
</script>
"""

TEMPLATE_HEAD = """<!doctype html><meta charset="utf-8">
<script src="/crowd/crowd-html-elements.js"></script>
"""


class _Handler(BaseHTTPRequestHandler):
    """Serves /crowd/* (the packaged elements), /t/* (test templates), /img/*, /parent.html."""

    crowd_root: Path
    pages: dict[str, bytes]

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        body: bytes | None = None
        kind = "text/html; charset=utf-8"
        if path == "/parent.html":
            body = PARENT_PAGE.encode()
        elif path.startswith("/crowd/"):
            name = path[len("/crowd/") :]
            target = (self.crowd_root / name).resolve()
            if "/" not in name and target.is_file() and target.is_relative_to(self.crowd_root):
                body = target.read_bytes()
                kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        elif path.startswith(("/t/", "/img/")):
            body = self.pages.get(path)
            if path.startswith("/img/"):
                kind = "image/png"
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        # The sandboxed iframe has an opaque origin: its image and script fetches are cross-origin.
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # silence the access log
        return


@dataclass
class CrowdHarness:
    """A local server for crowd-element pages, and helpers to drive them in the browser."""

    base: str
    pages: dict[str, bytes] = field(default_factory=dict)

    def add_template(self, name: str, body: str) -> str:
        """Register a test template (the loader script is prepended); returns its file name."""
        self.pages[f"/t/{name}"] = (TEMPLATE_HEAD + body).encode()
        return name

    def add_image(
        self, name: str, width: int, height: int, color: tuple[int, int, int] = (200, 210, 220)
    ) -> str:
        """Register a PNG of the given size; returns its URL path."""
        img = Image.new("RGB", (width, height), color)
        # A darker square in the middle, so screenshots show something to label.
        img.paste((90, 110, 140), (width // 4, height // 4, width * 3 // 4, height * 3 // 4))
        out = io.BytesIO()
        img.save(out, format="PNG")
        self.pages[f"/img/{name}"] = out.getvalue()
        return f"/img/{name}"

    def open(self, page: Page, name: str, draft: object | None = None) -> FrameLocator:
        """Load the template in the sandboxed frame; wait until its elements report ready."""
        url = f"{self.base}/parent.html?t={name}"
        if draft is not None:
            from urllib.parse import quote

            url += "&draft=" + quote(json.dumps(draft))
        page.goto(url)
        page.wait_for_function("window.__messages.some(m => m.type === 'ot:ready')")
        return page.frame_locator("#task")

    @staticmethod
    def messages(page: Page, kind: str) -> list[dict[str, Any]]:
        """The messages of one type the template has sent so far."""
        script = f"window.__messages.filter(m => m.type === {json.dumps(kind)})"
        result: list[dict[str, Any]] = page.evaluate(script)
        return result

    def submitted(self, page: Page) -> dict[str, Any]:
        """Wait for the template's ot:submit and return its answer (answerContent)."""
        page.wait_for_function("window.__messages.some(m => m.type === 'ot:submit')")
        subs = self.messages(page, "ot:submit")
        assert len(subs) == 1, f"expected one submission, got {len(subs)}"
        answer: dict[str, Any] = subs[0]["answer"]
        return answer


@pytest.fixture(scope="session")
def _crowd_server() -> Iterator[tuple[str, dict[str, bytes]]]:
    pages: dict[str, bytes] = {}
    root = (static_root() / "crowd").resolve()
    handler = type("Handler", (_Handler,), {"crowd_root": root, "pages": pages})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", pages
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def crowd(_crowd_server: tuple[str, dict[str, bytes]]) -> CrowdHarness:
    """The element harness (its pages are shared by the session's server)."""
    base, pages = _crowd_server
    return CrowdHarness(base, pages)


@pytest.fixture
def shot(page: Page, tmp_path: Path) -> Any:
    """``shot(name)`` saves a full-page screenshot under the test's tmp_path (a test artifact)."""

    def take(name: str) -> Path:
        target = tmp_path / f"{name}.png"
        page.screenshot(path=str(target), full_page=True)
        return target

    return take
