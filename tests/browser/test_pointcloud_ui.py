"""The 3D point cloud worker UI in Debian's chromium (WebGL on SwiftShader) against the real
server: a worker draws cuboids in the 3D view (detection, tracking across frames with copy and
interpolation) and paints points with the brush (segmentation), submits, and the stored answer
and the job's output files are checked against the schemas."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import FrameLocator, Locator, Page, expect
from sqlalchemy import select

from browsersupport import LiveApp, login, png, serve_app, start_working
from conftest import gt_schema_errors
from opentruth.db.models import Assignment
from opentruth.labeling.pointcloud.frames import encode_frame
from pcsupport import CAMERA, LABEL_CONFIG, pc_request, scene, sequence_doc

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
EGO = {"position": {"x": 10.0, "y": 0.0, "z": 0.0}, "heading": {"qx": 0.0, "qy": 0.0, "qz": 0.0, "qw": 1.0}}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    with serve_app(tmp_path_factory.mktemp("pc-portal") / "data") as live:
        yield live


def _job(app: LiveApp, name: str, suffix: str, ui: str, attr: str, lines: list[dict[str, Any]]) -> None:
    app.put(f"s3://input-data/{name}/manifest.jsonl", "".join(json.dumps(x) + "\n" for x in lines))
    app.put(f"s3://input-data/{name}/labels.json", json.dumps(LABEL_CONFIG))
    app.rt.jobs.create(pc_request(name, suffix, ui, attr=attr))
    app.rt.runner.run_pending()
    assert app.status(name) == "InProgress", app.rt.jobs.describe(name)


def _single(app: LiveApp, key: str, fmt: str, n: int = 4000) -> dict[str, Any]:
    app.put(f"s3://input-data/pc/{key}", encode_frame(scene(n, elements=fmt.split("/")[1]), fmt))
    app.put("s3://input-data/pc/images/cam0.png", png(640, 480), content_type="image/png")
    meta = {"format": fmt, "unix-timestamp": 1.0, "ego-vehicle-pose": EGO, "prefix": "s3://input-data/pc/"}
    return {"source-ref": f"s3://input-data/pc/{key}", "source-ref-metadata": {**meta, "images": [CAMERA]}}


def _view(frame: FrameLocator) -> Locator:
    element = frame.locator("crowd-point-cloud")
    expect(element.locator(".status")).to_contain_text("points", timeout=20_000)
    return element.locator("canvas.view")


def _centre(page: Page, canvas: Locator) -> tuple[float, float, float]:
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, box["height"]


def _answer(app: LiveApp, job_name: str) -> dict[str, Any]:
    from opentruth.db import repo_jobs

    with app.rt.db.read() as s:
        job = repo_jobs.get_job(s, job_name, account_id=app.rt.res.account)
        (answer,) = s.scalars(
            select(Assignment.answer).where(Assignment.job_id == job.id, Assignment.answer.is_not(None))
        )
    assert gt_schema_errors("point-cloud-answer", answer) == []
    return dict(answer)


def _submit(page: Page, frame: FrameLocator, app: LiveApp, job: str) -> None:
    frame.locator("crowd-button[form-action='submit']").click()
    expect(page).to_have_url(f"{app.url}/worker/jobs/{job}/done")


def _overlay_pixels(frame: FrameLocator) -> int:
    canvas = frame.locator("crowd-point-cloud figure.camera canvas.overlay")
    expect(canvas).to_have_count(1)
    count: int = canvas.evaluate(
        "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }"
    )
    return count


def test_detection_cuboid_drawn_moved_and_projected(page: Page, app: LiveApp) -> None:
    _job(
        app,
        "pc-det-ui",
        "3DPointCloudObjectDetection",
        "PointCloudObjectDetection",
        "cars",
        [_single(app, "d.bin", "binary/xyzi")],
    )
    login(page, app, "ann")
    frame = start_working(page, "pc-det-ui")
    canvas = _view(frame)
    x, y, height = _centre(page, canvas)
    page.keyboard.press("2")  # top view, centred on the ego vehicle at (10, 0)
    page.keyboard.press("n")
    page.mouse.click(x, y)  # a Car cuboid at the ego vehicle's position
    element = frame.locator("crowd-point-cloud")
    expect(element.locator("ul.cuboids li")).to_have_count(1)
    # Drag it 52 px to the right: the top view shows 40 m over the canvas height.
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 26, y)
    page.mouse.move(x + 52, y)
    page.mouse.up()
    page.keyboard.press("q")  # rotate it a little (yaw +0.05)
    element.locator(".frame-panel select").select_option("Sunny")
    element.locator(".cuboid-panel select").first.select_option("Partial")
    assert _overlay_pixels(frame) > 50  # the cuboid is projected onto the camera image
    page.keyboard.press("1")
    page.set_viewport_size({"width": 1280, "height": 1200})
    page.screenshot(path=str(SHOTS / "task-point-cloud-detection.png"), full_page=True)
    _submit(page, frame, app, "pc-det-ui")
    answer = _answer(app, "pc-det-ui")
    (labeled,) = answer["crowd-point-cloud"]["pointCloudFrames"]
    (cub,) = labeled["cuboids"]
    assert abs(cub["center-x"] - (10 + 52 * 40 / height)) < 0.3 and abs(cub["center-y"]) < 0.3
    assert cub["yaw"] == pytest.approx(0.05)
    app.rt.runner.run_pending()
    described = app.rt.jobs.describe("pc-det-ui")
    assert described["LabelingJobStatus"] == "Completed", described
    (line,) = [
        json.loads(x) for x in app.get(described["LabelingJobOutput"]["OutputDatasetS3Uri"]).splitlines()
    ]
    assert gt_schema_errors("output-manifest-line.point-cloud-object-detection", line, "cars") == []
    (ann,) = line["cars"]["annotations"]
    assert ann["object-name"] == "Car:1" and ann["center-x"] == pytest.approx(cub["center-x"])
    assert ann["label-category-attributes"] == {"Occlusion": "Partial"}
    assert line["cars-metadata"]["dataset-object-attributes"] == {"Weather": "Sunny"}


def test_a_pointer_read_at_once_after_a_view_change_sees_the_new_camera(page: Page, app: LiveApp) -> None:
    """The cameras are placed when a pointer is read, not only at the next animation frame: on a
    loaded machine a click can follow the key that changed the view before the browser paints."""
    _job(
        app,
        "pc-view-ui",
        "3DPointCloudObjectDetection",
        "PointCloudObjectDetection",
        "cars",
        [_single(app, "v.bin", "binary/xyzi")],
    )
    login(page, app, "ann")
    frame = start_working(page, "pc-view-ui")
    _view(frame)
    element = frame.locator("crowd-point-cloud")
    # Each step changes the view and reads the canvas's centre in one task: no frame between them.
    hits = element.evaluate(
        """el => {
          const r = el.canvas.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
          const read = () => el.view.planePoint(x, y, 0);
          el.setView("top"); const top = read();
          el.view.lookAt(15, -2, 0); const panned = read();
          el.view.wheel(400); const zoomed = el.view.planePoint(x, r.top, 0);
          el.view.lookAt(10, 0, 0); el.setView("orbit"); const orbit = read();
          return [top, panned, zoomed, orbit, el.view.zoom];
        }"""
    )
    top, panned, zoomed, orbit, zoom = hits
    assert top[:2] == pytest.approx([10, 0], abs=1e-3)  # centred on the ego vehicle
    assert panned[:2] == pytest.approx([15, -2], abs=1e-3)
    assert zoomed[:2] == pytest.approx([15, -2 + zoom], abs=1e-2)  # the top edge is ``zoom`` metres away
    assert orbit == pytest.approx([10, 0, 0], abs=1e-3)


def test_tracking_across_frames_with_copy_and_interpolation(page: Page, app: LiveApp) -> None:
    doc = sequence_doc(3)
    for i, f in enumerate(doc["frames"]):
        f["ego-vehicle-pose"] = EGO
        app.put(f"s3://input-data/pc/seq/frame{i}.bin", encode_frame(scene(3000, seed=i), "binary/xyzi"))
    app.put("s3://input-data/pc/seq-ui.json", json.dumps(doc))
    _job(
        app,
        "pc-trk-ui",
        "3DPointCloudObjectTracking",
        "PointCloudObjectTracking",
        "tracks-ref",
        [{"source-ref": "s3://input-data/pc/seq-ui.json"}],
    )
    login(page, app, "ann")
    frame = start_working(page, "pc-trk-ui")
    canvas = _view(frame)
    element = frame.locator("crowd-point-cloud")
    label = element.locator(".frame-label")
    x, y, _ = _centre(page, canvas)
    page.keyboard.press("2")
    page.keyboard.press("n")
    page.mouse.click(x, y)  # frame 1: a new car
    page.keyboard.press("c")  # copied to frame 2 (and shown, selected)
    expect(label).to_contain_text("Frame 2 / 3")
    page.keyboard.press("c")  # and to frame 3
    expect(label).to_contain_text("Frame 3 / 3")
    for _ in range(10):
        page.keyboard.press("ArrowRight")  # frame 3: 1 m further along x
    page.keyboard.press(",")
    expect(label).to_contain_text("Frame 2 / 3")
    expect(element.locator("ul.cuboids li")).to_have_count(1)
    page.keyboard.press("Tab")
    page.keyboard.press("Delete")  # frame 2 loses its copy …
    expect(element.locator("ul.cuboids li")).to_have_count(0)
    page.keyboard.press(".")
    expect(label).to_contain_text("Frame 3 / 3")
    page.keyboard.press("Tab")
    page.keyboard.press("i")  # … and gets it back, interpolated between frames 1 and 3
    expect(element.locator(".status")).to_contain_text("points")
    page.keyboard.press("1")
    page.set_viewport_size({"width": 1280, "height": 1200})
    page.screenshot(path=str(SHOTS / "task-point-cloud-tracking.png"), full_page=True)
    _submit(page, frame, app, "pc-trk-ui")
    frames = _answer(app, "pc-trk-ui")["crowd-point-cloud"]["pointCloudFrames"]
    xs = [f["cuboids"][0]["center-x"] for f in frames]
    assert xs[2] - xs[0] == pytest.approx(1.0, abs=1e-6) and xs[1] == pytest.approx(
        (xs[0] + xs[2]) / 2, abs=1e-3
    )
    assert len({f["cuboids"][0]["object-id"] for f in frames}) == 1
    app.rt.runner.run_pending()
    described = app.rt.jobs.describe("pc-trk-ui")
    (line,) = [
        json.loads(x) for x in app.get(described["LabelingJobOutput"]["OutputDatasetS3Uri"]).splitlines()
    ]
    assert gt_schema_errors("output-manifest-line.point-cloud-object-tracking", line, "tracks-ref") == []
    seq = json.loads(app.get(line["tracks-ref"]))
    assert gt_schema_errors("seq-label.point-cloud-object-tracking", seq) == []
    assert [a["center-x"] for f in seq["tracking-annotations"] for a in f["annotations"]] == pytest.approx(xs)


def test_segmentation_points_painted_with_the_brush(page: Page, app: LiveApp) -> None:
    _job(
        app,
        "pc-seg-ui",
        "3DPointCloudSemanticSegmentation",
        "PointCloudSemanticSegmentation",
        "pts-ref",
        [_single(app, "s.txt", "text/xyzrgb", n=3000)],
    )
    login(page, app, "ann")
    frame = start_working(page, "pc-seg-ui")
    canvas = _view(frame)
    x, y, _ = _centre(page, canvas)
    page.keyboard.press("2")
    for _ in range(8):
        page.keyboard.press("]")  # a wider brush: 12 + 16 px
    page.mouse.move(x - 150, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x - 150 + step * 30, y)
    page.mouse.up()
    element = frame.locator("crowd-point-cloud")
    expect(element.locator(".status")).not_to_contain_text(re.compile(r"· 0 labeled"))
    page.set_viewport_size({"width": 1280, "height": 1200})
    page.screenshot(path=str(SHOTS / "task-point-cloud-segmentation.png"), full_page=True)
    _submit(page, frame, app, "pc-seg-ui")
    (labeled,) = _answer(app, "pc-seg-ui")["crowd-point-cloud"]["pointCloudFrames"]
    import base64

    painted = zlib.decompress(base64.b64decode(labeled["pointLabels"]))
    assert 0 < sum(1 for c in painted if c == 1) < len(painted) and set(painted) <= {0, 1}
    app.rt.runner.run_pending()
    described = app.rt.jobs.describe("pc-seg-ui")
    (line,) = [
        json.loads(x) for x in app.get(described["LabelingJobOutput"]["OutputDatasetS3Uri"]).splitlines()
    ]
    assert gt_schema_errors("output-manifest-line.point-cloud-semantic-segmentation", line, "pts-ref") == []
    assert zlib.decompress(app.get(line["pts-ref"])) == painted


def test_adjustment_shows_the_earlier_cuboid_to_move(page: Page, app: LiveApp) -> None:
    line = _single(app, "adj.bin", "binary/xyzi", n=2000)
    old = {
        "object-name": "Car:1",
        "class-id": 0,
        "center-x": 10.0,
        "center-y": 0.0,
        "center-z": 0.8,
        "length": 4.0,
        "width": 2.0,
        "height": 1.6,
        "roll": 0.0,
        "pitch": 0.0,
        "yaw": 0.0,
    }
    line = {**line, "cars": {"annotations": [old]}, "cars-metadata": {"class-map": {"0": "Car"}}}
    name = "pc-adj-ui"
    app.put(f"s3://input-data/{name}/manifest.jsonl", json.dumps(line) + "\n")
    app.put(
        f"s3://input-data/{name}/labels.json", json.dumps({**LABEL_CONFIG, "auditLabelAttributeName": "cars"})
    )
    app.rt.jobs.create(
        pc_request(name, "Adjustment3DPointCloudObjectDetection", "PointCloudObjectDetection", attr="fixed")
    )
    app.rt.runner.run_pending()
    login(page, app, "ann")
    frame = start_working(page, name)
    canvas = _view(frame)
    element = frame.locator("crowd-point-cloud")
    expect(element.locator("ul.cuboids li")).to_have_count(1)  # the earlier job's cuboid
    canvas.click(position={"x": 5, "y": 5})  # focus the view (empty space: nothing selected)
    page.keyboard.press("Tab")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    _submit(page, frame, app, name)
    (cub,) = _answer(app, name)["crowd-point-cloud"]["pointCloudFrames"][0]["cuboids"]
    assert cub["center-x"] == pytest.approx(10.5)
    app.rt.runner.run_pending()
    described = app.rt.jobs.describe(name)
    (out,) = [
        json.loads(x) for x in app.get(described["LabelingJobOutput"]["OutputDatasetS3Uri"]).splitlines()
    ]
    assert gt_schema_errors("output-manifest-line.point-cloud-object-detection", out, "fixed") == []
    assert out["fixed-metadata"]["adjustment-status"] == "adjusted"
    assert out["fixed"]["annotations"][0]["center-x"] == pytest.approx(10.5)
