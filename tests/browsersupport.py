"""Helpers of the end-to-end browser tests: the real server app on 127.0.0.1, with a team, workers,
IAM users, buckets, images and jobs of every built-in type.

The app is :func:`opentruth.server.create_app` served by uvicorn in a thread (a real socket, so
the browser talks HTTP to it as a worker would). Background work is off: a test drives the job
engine itself with ``runner.run_pending()``, so that "the job is complete" is a state the test
reaches, never a race it waits for. The consolidation window is 0, so every submission's
consolidation is due at once.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from PIL import Image, ImageDraw
from playwright.sync_api import FrameLocator, Page, expect

from labsupport import job_request, make_role, seed_policy
from opentruth.db import repo_iam, repo_iam_roles, repo_workforce
from opentruth.db.models import JobStatus
from opentruth.portal.render import builtin_template
from opentruth.runtime import Runtime, Settings
from opentruth.server import create_app

#: Dashboard policy: read jobs (the reader user).
READER_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["sagemaker:DescribeLabelingJob", "sagemaker:ListLabelingJobs"],
            "Resource": "*",
        }
    ],
}

#: Workers: ann and bob are on the team "labelers" (every job's team); eve is on "others".
WORKERS = {"ann": "labelers", "bob": "labelers", "eve": "others"}


def password(user: str) -> str:
    """Every test account's password."""
    return "pw-" + user


def png(width: int, height: int, seed: int = 0) -> bytes:
    """A small picture with a few shapes in it, so that screenshots show something to label."""
    img = Image.new("RGB", (width, height), (222, 229, 236))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, height * 2 // 3, width, height), fill=(176, 196, 150))  # ground
    left, top = width // 8, height // 5
    draw.ellipse((left, top, left + width // 4, top + height // 3), fill=(214, 143, 70))
    x = width // 2 + (seed % 3) * 10
    draw.rectangle((x, height // 3, x + width // 4, height * 2 // 3 + 10), fill=(84, 110, 150))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


@dataclass
class LiveApp:
    """The running server (``url``), its runtime, and helpers to set up and read jobs."""

    url: str
    rt: Runtime

    # ------------------------------------------------------------------ objects

    def put(self, uri: str, body: bytes | str, content_type: str | None = None) -> None:
        bucket, _, key = uri[len("s3://") :].partition("/")
        data = body.encode() if isinstance(body, str) else body
        self.rt.res.store.put_object(bucket, key, data, content_type=content_type)

    def get(self, uri: str) -> bytes:
        bucket, _, key = uri[len("s3://") :].partition("/")
        return self.rt.res.store.get_object(bucket, key).body

    # ------------------------------------------------------------------ jobs

    def create_job(
        self,
        name: str,
        kind: str,
        lines: list[dict[str, Any]],
        labels: list[str] | None = None,
        *,
        template: str | None = None,
        **extra: Any,
    ) -> None:
        """A job of ``kind`` over ``lines`` with its own label file.

        ``labels``: the label categories (a label file of the job's own); None for none at all.
        ``template``: the UI template source to store and point ``UiTemplateS3Uri`` at; by default
        a copy of the built-in template of ``kind`` (what Ground Truth's console does). NER jobs
        use the built-in UI through ``HumanTaskUiArn`` unless a template is given.
        """
        manifest = f"s3://input-data/{name}/manifest.jsonl"
        self.put(manifest, "".join(json.dumps(line) + "\n" for line in lines))
        req = job_request(name, kind, manifest=manifest, **extra)
        if labels is None:  # a custom workflow may have no label categories
            req.pop("LabelCategoryConfigS3Uri", None)
        else:
            label_uri = f"s3://input-data/{name}/labels.json"
            doc = {"document-version": "2018-11-28", "labels": [{"label": x} for x in labels]}
            self.put(label_uri, json.dumps(doc))
            req["LabelCategoryConfigS3Uri"] = label_uri
        if template is None and kind != "NamedEntityRecognition":
            template = builtin_template(kind)
        if template is not None:
            ui = f"s3://input-data/{name}/template.liquid.html"
            self.put(ui, template, content_type="text/html")
            req["HumanTaskConfig"]["UiConfig"] = {"UiTemplateS3Uri": ui}
        self.rt.jobs.create(req)
        self.rt.runner.run_pending()
        assert self.status(name) == JobStatus.IN_PROGRESS.value, self.rt.jobs.describe(name)

    def status(self, name: str) -> str:
        status: str = self.rt.jobs.describe(name)["LabelingJobStatus"]
        return status

    def complete(self, name: str) -> list[dict[str, Any]]:
        """Run the pending work (consolidation), require ``Completed``; the output manifest's lines."""
        self.rt.runner.run_pending()
        described = self.rt.jobs.describe(name)
        assert described["LabelingJobStatus"] == JobStatus.COMPLETED.value, described
        body = self.get(described["LabelingJobOutput"]["OutputDatasetS3Uri"])
        return [json.loads(line) for line in body.decode().splitlines() if line.strip()]


def _setup(rt: Runtime) -> None:
    hasher = repo_workforce.fast_hasher()
    rt.workers.hasher = hasher  # the dashboard's logins use the same (fast, test-only) Argon2
    with rt.db.transaction() as s:
        repo_iam_roles.create_role_from_detail(
            s, make_role(seed_policy(["input-data", "output-data"])).to_detail()
        )
        for name in WORKERS:
            repo_workforce.create_worker(s, name, password(name), hasher=hasher)
        for team in sorted(set(WORKERS.values())):
            repo_workforce.add_workers_to_group(s, team, [w for w, t in WORKERS.items() if t == team])
            repo_workforce.create_workteam(s, team, [team], description=f"the {team} team")
        repo_iam.create_user(s, "reader")
        repo_iam.set_login_profile(s, "reader", password("reader"), hasher=hasher)
        repo_iam.put_user_policy(s, "reader", "dash", READER_POLICY)
    for bucket in ("input-data", "output-data", "secret-data"):
        rt.res.store.create_bucket(bucket)


@contextmanager
def serve_app(data: Path) -> Iterator[LiveApp]:
    """The server app on a free 127.0.0.1 port, in a thread, until the block ends."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = dataclasses.replace(Settings.resolve(data, portal_url=url), consolidation_window=0)
    app = create_app(settings, background=False)
    rt: Runtime = app.state.runtime
    _setup(rt)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the server did not start")
            threading.Event().wait(0.02)
        yield LiveApp(url, rt)
    finally:
        server.should_exit = True
        thread.join()
        sock.close()


# ---------------------------------------------------------------------- browser steps


def login(page: Page, app: LiveApp, user: str, area: str = "worker") -> None:
    """Log in through the login form of ``/worker`` or ``/admin``, as a person does."""
    page.goto(f"{app.url}/{area}/login")
    page.get_by_label("Username").fill(user)
    page.get_by_label("Password").fill(password(user))
    page.get_by_role("button", name="Log in").click()
    target = "/worker/jobs" if area == "worker" else "/admin"
    expect(page).to_have_url(re.compile(re.escape(app.url + target) + r"$"))


def start_working(page: Page, job: str) -> FrameLocator:
    """From the job list, "Start working" on ``job``; return the task frame once its elements are
    ready and it has the keyboard focus (the parent focuses it after the template's ``ot:ready``)."""
    if not page.url.endswith("/worker/jobs"):
        page.goto(page.url.split("/worker/", 1)[0] + "/worker/jobs")
    row = page.get_by_role("row").filter(has_text=job)
    row.get_by_role("link", name="Start working").click()
    return task_frame(page)


def task_frame(page: Page) -> FrameLocator:
    """The current task's frame, once its template is on the page and the parent has given it the
    keyboard focus (which it does after the template's ``ot:ready`` or ``load``).

    Only locator assertions here: the template's CSP forbids ``eval``, which Playwright's
    ``wait_for_function`` needs in the frame.
    """
    iframe = page.locator("#task-frame")
    expect(iframe).to_have_attribute("src", re.compile(r"^/worker/render/"))
    frame = page.frame_locator("#task-frame")
    expect(frame.locator("crowd-form")).to_be_attached()
    expect(iframe).to_be_focused()
    return frame


class Pointer:
    """Mouse actions in an image's natural pixel coordinates (the tools answer in those)."""

    def __init__(self, page: Page, frame: FrameLocator, element: str, width: int, height: int) -> None:
        self.page = page
        img = frame.locator(f"{element} img").first
        expect(img).to_have_js_property("complete", True)
        img.scroll_into_view_if_needed()
        box = img.bounding_box()
        assert box is not None
        self.x0, self.y0 = box["x"], box["y"]
        self.sx, self.sy = box["width"] / width, box["height"] / height

    def at(self, x: float, y: float) -> tuple[float, float]:
        return self.x0 + x * self.sx, self.y0 + y * self.sy

    def drag(self, a: tuple[float, float], b: tuple[float, float]) -> None:
        self.page.mouse.move(*self.at(*a))
        self.page.mouse.down()
        self.page.mouse.move(*self.at((a[0] + b[0]) / 2, (a[1] + b[1]) / 2))
        self.page.mouse.move(*self.at(*b))
        self.page.mouse.up()

    def click(self, x: float, y: float) -> None:
        self.page.mouse.click(*self.at(x, y))


def select_text(
    page: Page, frame: FrameLocator, words: str, *, iframe_selector: str = "#task-frame", scroll: bool = True
) -> None:
    """Drag the mouse across ``words`` in crowd-entity-annotation's text, as a worker does.

    ``iframe_selector`` finds the frame on the page (the portal's, or a test harness's)."""
    if scroll:
        frame.locator("crowd-entity-annotation .entity-text").scroll_into_view_if_needed()
    rect: dict[str, float] = frame.locator("crowd-entity-annotation").evaluate(
        """(el, words) => {
            const box = el.shadowRoot.querySelector('.entity-text');
            const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                const i = n.data.indexOf(words);
                if (i < 0) continue;
                const r = document.createRange();
                r.setStart(n, i); r.setEnd(n, i + words.length);
                const b = r.getBoundingClientRect();
                return {left: b.left, right: b.right, y: b.top + b.height / 2};
            }
            throw new Error('text not found: ' + words);
        }""",
        words,
    )
    iframe = page.locator(iframe_selector).bounding_box()
    assert iframe is not None
    y = iframe["y"] + rect["y"]
    page.mouse.move(iframe["x"] + rect["left"] + 1, y)
    page.mouse.down()
    page.mouse.move(iframe["x"] + (rect["left"] + rect["right"]) / 2, y)
    page.mouse.move(iframe["x"] + rect["right"] - 1, y)
    page.mouse.up()
