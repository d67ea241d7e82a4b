"""The video frame worker UI in Debian's chromium, against the real server.

A worker draws a tracked car on the first frame, gives it attributes, copies it to the next
frame and moves it there, draws it again two frames on, interpolates the frame between, adds a
bus, submits; the stored answer and the job's SeqLabel.json hold exactly that. Polygons on two
frames go through the same path, and a 500-frame sequence opens without fetching every frame.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import FrameLocator, Page, Request, expect

from browsersupport import LiveApp, Pointer, login, serve_app, start_working
from conftest import gt_schema_errors
from syssupport import list_keys
from videosupport import label_config, put_sequence, video_request

W, H = 160, 120
#: Set to a folder (docs/screenshots) to keep the screenshots this test takes.
KEEP = os.environ.get("OPENTRUTH_SCREENSHOTS")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    with serve_app(tmp_path_factory.mktemp("video") / "data") as live:
        yield live


def _job(app: LiveApp, name: str, kind: str, frames: int, config: dict[str, Any]) -> None:
    seq = put_sequence(lambda uri, body: app.put(uri, body, content_type="image/png"), name, frames)
    app.put(f"s3://input-data/{name}/manifest.jsonl", json.dumps({"source-ref": seq}) + "\n")
    app.put("s3://input-data/video-labels.json", json.dumps(config))
    req = video_request(name, kind, manifest=f"s3://input-data/{name}/manifest.jsonl", attr="vehicles-ref")
    app.rt.jobs.create(req)
    app.rt.runner.run_pending()
    assert app.status(name) == "InProgress", app.rt.jobs.describe(name)


def _shot(page: Page, tmp_path: Path, name: str) -> None:
    target = tmp_path / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    if KEEP:
        shutil.copy(target, Path(KEEP) / f"{name}.png")


def _el(frame: FrameLocator, css: str) -> Any:
    return frame.locator(f"ot-video-frames {css}")


def near(got: list[tuple[Any, ...]], want: list[tuple[Any, ...]]) -> None:
    assert len(got) == len(want), got
    for g, w in zip(got, want, strict=True):
        assert g[0] == w[0] and all(abs(a - b) <= 1 for a, b in zip(g[1:], w[1:], strict=True)), (got, want)


def _answer(app: LiveApp, job: str) -> dict[str, Any]:
    (key,) = list_keys(app.rt, "output-data", f"jobs/{job}/annotations/worker-response/")
    body = json.loads(app.get(f"s3://output-data/{key}"))
    assert gt_schema_errors("worker-response", body) == []
    answer: dict[str, Any] = body["answers"][0]["answerContent"]["ot-video-frames"]
    return answer


def test_tracking_boxes_across_frames(page: Page, app: LiveApp, tmp_path: Path) -> None:
    _job(app, "cars", "VideoObjectTracking", 6, label_config())
    login(page, app, "ann")
    frame = start_working(page, "cars")
    expect(_el(frame, "img")).to_have_js_property("naturalWidth", W)
    expect(_el(frame, ".frame-no")).to_contain_text("frame 0 (1/6)")
    mouse = Pointer(page, frame, "ot-video-frames", W, H)
    mouse.drag((20, 40), (50, 70))  # frame 0: car:1 at 20,40 30×30
    expect(_el(frame, ".list li")).to_have_count(1)
    expect(_el(frame, ".list li").first).to_contain_text("car:1")
    _el(frame, "select[aria-label='occluded']").select_option("no")
    _el(frame, "select[aria-label='size']").select_option("small")
    _el(frame, "select[aria-label='weather']").select_option("rain")
    page.keyboard.press("c")  # copy to the next frame, and go there
    expect(_el(frame, ".frame-no")).to_contain_text("frame 1 (2/6)")
    expect(_el(frame, ".list li").first).to_contain_text("car:1 (copied)")
    mouse.drag((35, 55), (45, 55))  # move the copy 10 px right: it becomes a keyframe
    expect(_el(frame, ".list li").first).not_to_contain_text("copied")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(_el(frame, ".frame-no")).to_contain_text("frame 3 (4/6)")
    mouse.drag((60, 40), (90, 70))  # the selected car continues its track here
    expect(_el(frame, ".list li").first).to_contain_text("car:1")
    page.keyboard.press("i")  # interpolate: frame 2 gets the car halfway between 1 and 3
    page.keyboard.press("2")
    page.keyboard.press("n")
    mouse.drag((100, 10), (150, 40))  # a bus on frame 3
    expect(_el(frame, ".list li")).to_have_count(2)
    expect(_el(frame, ".list li").nth(1)).to_contain_text("bus:1")
    _shot(page, tmp_path, "task-video-tracking")
    page.keyboard.press("ArrowLeft")
    expect(_el(frame, ".list li").first).to_contain_text("car:1 (copied)")
    expect(_el(frame, ".strip button.has")).to_have_count(4)
    frame.locator("crowd-button[form-action='submit']").click()
    expect(page).to_have_url(f"{app.url}/worker/jobs/cars/done")
    [line] = app.complete("cars")  # consolidation writes the worker-response file too
    answer = _answer(app, "cars")
    boxes = {
        f["frameNo"]: [(a["label"], a["left"], a["top"], a["width"], a["height"]) for a in f["annotations"]]
        for f in answer["frameAnnotations"]
    }
    # Mouse positions land on whole screen pixels: a shape may be off by one image pixel.
    near(boxes[0], [("car", 20, 40, 30, 30)])
    near(boxes[1], [("car", 30, 40, 30, 30)])  # the copy, moved 10 px right
    near(boxes[3], [("car", 60, 40, 30, 30), ("bus", 100, 10, 50, 30)])
    # Frame 2 was interpolated: halfway between the car's keyframes 1 and 3.
    (between,) = boxes[2]
    assert abs(between[1] - (boxes[1][0][1] + boxes[3][0][1]) / 2) <= 0.5
    assert answer["frameAnnotations"][2]["annotations"][0]["keyframe"] is False
    assert gt_schema_errors("output-manifest-line.video-object-tracking", line, "vehicles-ref") == []
    seq = json.loads(app.get(line["vehicles-ref"]))
    assert gt_schema_errors("seq-label.video-object-tracking", seq) == []
    frames = seq["tracking-annotations"]
    assert [f["frame-no"] for f in frames] == [0, 1, 2, 3]
    assert frames[0]["frame-attributes"] == {"weather": "rain"}
    assert frames[0]["annotations"][0]["label-category-attributes"] == {"occluded": "no", "size": "small"}
    ids = {a["object-id"] for f in frames for a in f["annotations"] if a["object-name"] == "car:1"}
    assert len(ids) == 1
    assert [a["object-name"] for a in frames[3]["annotations"]] == ["car:1", "bus:1"]
    assert line["vehicles-ref-metadata"]["class-map"] == {"0": "car", "1": "bus"}


def test_polygons_on_two_frames(page: Page, app: LiveApp, tmp_path: Path) -> None:
    _job(app, "shapes", "VideoObjectDetection", 3, label_config("Polygon"))
    login(page, app, "bob")
    frame = start_working(page, "shapes")
    expect(_el(frame, "img")).to_have_js_property("naturalWidth", W)
    mouse = Pointer(page, frame, "ot-video-frames", W, H)
    for x, y in ((10, 10), (60, 10), (35, 50)):
        mouse.click(x, y)
    page.keyboard.press("Enter")  # finish the polygon (not the form)
    expect(_el(frame, ".list li")).to_have_count(1)
    page.keyboard.press("d")
    page.keyboard.press("2")
    for x, y in ((80, 60), (140, 60), (140, 110), (80, 110)):
        mouse.click(x, y)
    mouse.click(80.5, 60.5)  # a click on the first point closes it
    expect(_el(frame, ".list li")).to_have_count(1)
    expect(_el(frame, ".list li").first).to_contain_text("bus:1")
    _shot(page, tmp_path, "task-video-polygons")
    frame.locator("crowd-button[form-action='submit']").click()
    expect(page).to_have_url(f"{app.url}/worker/jobs/shapes/done")
    [line] = app.complete("shapes")
    answer = _answer(app, "shapes")
    assert [len(f["annotations"][0]["vertices"]) for f in answer["frameAnnotations"]] == [3, 4]
    assert gt_schema_errors("output-manifest-line.video-object-detection", line, "vehicles-ref") == []
    seq = json.loads(app.get(line["vehicles-ref"]))
    assert gt_schema_errors("seq-label.video-object-detection", seq) == []
    first, second = seq["detection-annotations"]
    v = first["polygons"][0]["vertices"][0]
    assert abs(v["x"] - 10) <= 1 and abs(v["y"] - 10) <= 1
    assert second["polygons"][0]["class-id"] == "1"


def test_a_long_sequence_loads_frames_lazily(page: Page, app: LiveApp) -> None:
    _job(app, "long", "VideoObjectDetection", 500, label_config())
    fetched: list[str] = []

    def seen(request: Request) -> None:
        if "/worker/objects/" in request.url:
            fetched.append(request.url)

    page.on("request", seen)
    login(page, app, "ann")
    frame = start_working(page, "long")
    expect(_el(frame, ".frame-no")).to_contain_text("frame 0 (1/500)")
    expect(_el(frame, ".strip button")).to_have_count(500)
    expect(_el(frame, "img")).to_have_js_property("naturalWidth", W)
    page.keyboard.press("End")  # not a shortcut: nothing moves
    _el(frame, ".strip button[data-frame='250']").click()
    expect(_el(frame, ".frame-no")).to_contain_text("frame 250 (251/500)")
    expect(_el(frame, "img")).to_have_js_property("complete", True)
    # The frame on screen and two ahead, twice: far fewer than 500.
    assert 2 <= len(set(fetched)) <= 8, len(set(fetched))


def test_adjustment_shows_earlier_labels_and_locks_what_may_not_change(
    page: Page, app: LiveApp, tmp_path: Path
) -> None:
    _job(app, "first", "VideoObjectTracking", 3, label_config())
    earlier = [
        {
            "frameNo": 0,
            "annotations": [
                {"label": "car", "objectId": "c1", "left": 20, "top": 40, "width": 30, "height": 30},
                {"label": "bus", "objectId": "b1", "left": 100, "top": 10, "width": 40, "height": 30},
            ],
        },
        {
            "frameNo": 1,
            "annotations": [
                {"label": "car", "objectId": "c1", "left": 30, "top": 40, "width": 30, "height": 30}
            ],
        },
    ]
    task = app.rt.workers.next_task(_identity(app, "bob"), "first")
    assert task is not None
    app.rt.workers.submit(_identity(app, "bob"), task["taskId"], {"v": {"frameAnnotations": earlier}})
    [line] = app.complete("first")
    out = app.rt.jobs.describe("first")["LabelingJobOutput"]["OutputDatasetS3Uri"]
    config = label_config(auditLabelAttributeName="vehicles-ref")
    config["labels"][1]["editsAllowed"] = "none"
    app.put("s3://input-data/video-labels.json", json.dumps(config))
    req = video_request("second", "AdjustmentVideoObjectTracking", manifest=out, attr="checked-ref")
    app.rt.jobs.create(req)
    app.rt.runner.run_pending()
    login(page, app, "ann")
    frame = start_working(page, "second")
    expect(_el(frame, "img")).to_have_js_property("naturalWidth", W)
    items = _el(frame, ".list li")
    expect(items).to_have_count(2)  # the earlier car and bus are on screen
    expect(items.nth(0)).to_contain_text("car:1")
    expect(items.nth(1)).to_contain_text("bus:1")
    mouse = Pointer(page, frame, "ot-video-frames", W, H)
    mouse.drag((120, 25), (60, 100))  # the bus is locked: it does not move
    mouse.drag((35, 55), (40, 60))  # the car can be moved …
    page.keyboard.press("Delete")  # … and deleted
    expect(items).to_have_count(1)
    _el(frame, ".list li").first.click()
    page.keyboard.press("Delete")
    expect(_el(frame, ".error")).to_contain_text("may not be edited")
    expect(items).to_have_count(1)
    _shot(page, tmp_path, "task-video-adjustment")
    frame.locator("crowd-button[form-action='submit']").click()
    expect(page).to_have_url(f"{app.url}/worker/jobs/second/done")
    [adjusted] = app.complete("second")
    assert adjusted["checked-ref-metadata"]["adjustment-status"] == "adjusted"
    assert "vehicles-ref" in adjusted and adjusted["vehicles-ref"] == line["vehicles-ref"]
    seq = json.loads(app.get(adjusted["checked-ref"]))
    assert gt_schema_errors("seq-label.video-object-tracking", seq) == []
    first = seq["tracking-annotations"][0]["annotations"]
    assert [(a["object-name"], a["left"]) for a in first] == [("bus:1", 100)]


def _identity(app: LiveApp, user: str) -> Any:
    from opentruth.db import repo_workforce
    from opentruth.labeling.workers import WorkerIdentity

    with app.rt.db.read() as s:
        w = repo_workforce.get_worker(s, user)
        return WorkerIdentity(w.id, w.public_id, w.username)


@pytest.mark.parametrize("kind", ["Keypoint", "Polyline"])
def test_keypoints_and_polylines_with_a_required_frame_attribute(
    page: Page, app: LiveApp, tmp_path: Path, kind: str
) -> None:
    config = label_config(kind)
    config["frameAttributes"][0]["isRequired"] = True
    name = f"pts-{kind.lower()}"
    _job(app, name, "VideoObjectTracking", 3, config)
    login(page, app, "ann")
    frame = start_working(page, name)
    expect(_el(frame, "img")).to_have_js_property("naturalWidth", W)
    mouse = Pointer(page, frame, "ot-video-frames", W, H)
    if kind == "Keypoint":
        mouse.click(30, 30)
    else:
        mouse.click(10, 100)
        mouse.click(80, 60)
        mouse.click(150, 100)
        page.keyboard.press("Enter")
    expect(_el(frame, ".list li")).to_have_count(1)
    page.keyboard.press("c")  # copy the selected object to frame 1
    expect(_el(frame, ".list li")).to_have_count(1)
    frame.locator("crowd-button[form-action='submit']").click()
    expect(_el(frame, ".error")).to_contain_text("Frame 0 needs its frame attribute")
    _el(frame, "select[aria-label='weather']").select_option("clear")
    _el(frame, "button[data-action='attrs-all']").click()
    _shot(page, tmp_path, f"task-video-{kind.lower()}")
    frame.locator("crowd-button[form-action='submit']").click()
    expect(page).to_have_url(f"{app.url}/worker/jobs/{name}/done")
    [line] = app.complete(name)
    seq = json.loads(app.get(line["vehicles-ref"]))
    assert gt_schema_errors("seq-label.video-object-tracking", seq) == []
    frames = seq["tracking-annotations"]
    assert [f["frame-attributes"] for f in frames] == [{"weather": "clear"}] * 3
    key = "keypoints" if kind == "Keypoint" else "polylines"
    shapes = [f[key] for f in frames]
    assert [len(s) for s in shapes] == [1, 1, 0]  # drawn on frame 0, copied to frame 1
    assert shapes[0][0]["object-id"] == shapes[1][0]["object-id"]
    if kind == "Polyline":
        assert len(shapes[0][0]["vertices"]) == 3
