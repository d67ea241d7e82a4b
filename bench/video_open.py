"""How fast a long video frame task opens, and how few frames it fetches. Prints its figures.

For a 500- and a 2,000-frame sequence (320×240 PNG frames) this measures, on the real server
app on 127.0.0.1 and Debian's headless chromium:

- ingest: reading the sequence file and HEADing every frame through the job's role;
- render: the task document (``/worker/render``: every frame URL signed) and its size;
- open: from "Start working" to the first frame drawn on the task page;
- step: 20 steps with the arrow key, each until the next frame is drawn (median);
- fetched: how many frame objects the browser asked for (the target: not every frame).

Run: ``python bench/video_open.py`` (it reuses the browser tests' server harness).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Request, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from browsersupport import login, serve_app, start_working
from videosupport import label_config, put_sequence, video_request

CHROMIUM = "/usr/bin/chromium"  # Debian's, as in the browser tests
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
SIZES = (500, 2000)
STEPS = 20


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, serve_app(Path(tmp) / "data") as app, sync_playwright() as pw:
        app.put("s3://input-data/video-labels.json", json.dumps(label_config()))
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for n in SIZES:
            name = f"bench-{n}"
            seq = put_sequence(lambda u, b: app.put(u, b, content_type="image/png"), name, n)
            app.put(f"s3://input-data/{name}/manifest.jsonl", json.dumps({"source-ref": seq}) + "\n")
            req = video_request(
                name, "VideoObjectDetection", manifest=f"s3://input-data/{name}/manifest.jsonl"
            )
            started = time.perf_counter()
            app.rt.jobs.create(req)
            app.rt.runner.run_pending()
            ingest = time.perf_counter() - started
            assert app.status(name) == "InProgress", app.rt.jobs.describe(name)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            fetched: set[str] = set()
            rendered: dict[str, float] = {}

            def seen(request: Request, fetched: set[str] = fetched) -> None:
                if "/worker/objects/" in request.url:
                    fetched.add(request.url)

            def done(response: object, rendered: dict[str, float] = rendered) -> None:
                url = getattr(response, "url", "")
                if "/worker/render/" in url:
                    body = response.body()  # type: ignore[attr-defined]
                    rendered["bytes"] = len(body)

            page.on("request", seen)
            page.on("response", done)
            login(page, app, "ann")
            t0 = time.perf_counter()
            frame = start_working(page, name)
            img = frame.locator("ot-video-frames img")
            img.wait_for()
            while img.evaluate("i => i.complete && i.naturalWidth > 0") is not True:
                time.sleep(0.005)
            opened = time.perf_counter() - t0
            steps = []
            for k in range(1, STEPS + 1):
                s0 = time.perf_counter()
                page.keyboard.press("ArrowRight")
                want = f"frame {k} ("
                while not (
                    want in (frame.locator("ot-video-frames .frame-no").text_content() or "")
                    and img.evaluate("i => i.complete && i.naturalWidth > 0")
                ):
                    time.sleep(0.002)
                steps.append(time.perf_counter() - s0)
            print(
                f"{n:>5} frames: ingest {ingest * 1000:7.0f} ms"
                f" | task document {rendered.get('bytes', 0) / 1024:6.0f} KiB"
                f" | open {opened * 1000:6.0f} ms | step median {statistics.median(steps) * 1000:5.0f} ms"
                f" | frames fetched {len(fetched)} of {n} after {STEPS} steps"
            )
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
