"""The worker portal end to end in Debian's chromium, against the real server on 127.0.0.1.

A worker logs in through the form, takes the tasks of a job of each built-in type from the task
page (the parent page and its sandboxed template iframe), labels them with the keyboard and the
mouse as a person does, and submits. Then the job engine runs and the job's output manifest must
hold exactly those labels. A custom (PassThrough) template round-trips to the worker-response
file, and an IAM user watches a job finish on the dashboard.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser, FrameLocator, Locator, Page, expect

from browsersupport import LiveApp, Pointer, login, png, select_text, serve_app, start_working, task_frame

W, H = 400, 300


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    with serve_app(tmp_path_factory.mktemp("portal") / "data") as live:
        yield live


def image(app: LiveApp, name: str, seed: int = 0) -> str:
    uri = f"s3://input-data/images/{name}.png"
    app.put(uri, png(W, H, seed), content_type="image/png")
    return uri


def submit(frame: FrameLocator) -> None:
    frame.locator("crowd-button[form-action='submit']").click()


def finished(page: Page, app: LiveApp, job: str) -> None:
    """After the last submit the task page finds no more tasks and says so."""
    expect(page).to_have_url(f"{app.url}/worker/jobs/{job}/done")
    expect(page.get_by_role("heading", level=1)).to_contain_text("No more tasks")


def test_image_classification_with_the_keyboard(page: Page, app: LiveApp, shot: Any) -> None:
    uri = image(app, "pet")
    app.create_job("pets", "ImageMultiClass", [{"source-ref": uri}], ["cat", "dog", "bird"])
    login(page, app, "ann")
    expect(page.get_by_role("row").filter(has_text="pets")).to_contain_text("1")
    shot("job-list")
    frame = start_working(page, "pets")
    expect(frame.locator("crowd-image-classifier img")).to_have_js_property("complete", True)
    expect(frame.locator("crowd-image-classifier img")).to_have_js_property("naturalWidth", W)
    expect(page.locator("#timer")).to_have_text(re.compile(r"^(5:00|4:[0-5]\d)$"))
    page.keyboard.press("3")
    page.keyboard.press("2")  # the last key wins: dog
    expect(frame.locator("crowd-image-classifier button[data-label='dog']")).to_have_attribute(
        "aria-checked", "true"
    )
    shot("task-image-classification")
    page.keyboard.press("Enter")
    finished(page, app, "pets")
    [line] = app.complete("pets")
    assert line["source-ref"] == uri
    assert line["label"] == 1
    meta = line["label-metadata"]
    assert meta["class-name"] == "dog" and meta["human-annotated"] == "yes"
    assert meta["type"] == "groundtruth/image-classification"


@pytest.mark.parametrize(
    ("kind", "element"),
    [
        ("TextMultiClassMultiLabel", "crowd-classifier-multi-select"),
        ("ImageMultiClassMultiLabel", "crowd-image-classifier-multi-select"),
    ],
)
def test_multi_label_classification_with_the_keyboard(
    page: Page, app: LiveApp, kind: str, element: str
) -> None:
    job = kind.lower()
    line = {"source-ref": image(app, job)} if kind.startswith("Image") else {"source": "Cats chase birds."}
    app.create_job(job, kind, [line], ["cat", "dog", "bird"])
    login(page, app, "bob")
    frame = start_working(page, job)
    for key in ("1", "2", "3", "2"):  # the second 2 takes dog off again
        page.keyboard.press(key)
    expect(frame.locator(f"{element} button[data-label='dog']")).to_have_attribute("aria-checked", "false")
    expect(frame.locator(f"{element} button[data-label='bird']")).to_have_attribute("aria-checked", "true")
    page.keyboard.press("Enter")
    finished(page, app, job)
    [out] = app.complete(job)
    assert out["label"] == [0, 2]
    assert out["label-metadata"]["class-map"] == {"0": "cat", "2": "bird"}


def test_bounding_boxes_drawn_with_the_mouse(page: Page, app: LiveApp, shot: Any) -> None:
    uri = image(app, "street", seed=1)
    app.create_job("boxes", "BoundingBox", [{"source-ref": uri}], ["cat", "dog"])
    login(page, app, "ann")
    frame = start_working(page, "boxes")
    mouse = Pointer(page, frame, "crowd-bounding-box", W, H)
    mouse.drag((40, 30), (140, 110))  # a cat box (the first label is chosen at the start)
    frame.locator("crowd-bounding-box button.label-btn[data-label='dog']").click()
    mouse.drag((200, 150), (320, 260))  # a dog box at 200,150, 120×110
    boxes = frame.locator("crowd-bounding-box .list li")
    expect(boxes).to_have_count(2)
    shot("task-bounding-box-two")
    mouse.click(90, 70)  # select the cat box …
    page.keyboard.press("Delete")  # … and delete it
    expect(boxes).to_have_count(1)
    shot("task-bounding-box")
    submit(frame)
    finished(page, app, "boxes")
    [line] = app.complete("boxes")
    label = line["label"]
    assert label["image_size"] == [{"width": W, "height": H, "depth": 3}]
    [box] = label["annotations"]
    assert box["class_id"] == 1
    expected = {"left": 200, "top": 150, "width": 120, "height": 110}
    assert all(abs(box[k] - v) <= 2 for k, v in expected.items()), box
    assert line["label-metadata"]["class-map"] == {"1": "dog"}


TEXT = "Alice met Bob in Paris last week."


def test_named_entities_selected_with_the_mouse(page: Page, app: LiveApp, shot: Any) -> None:
    app.create_job("ner", "NamedEntityRecognition", [{"source": TEXT}], ["person", "location"])
    login(page, app, "ann")
    frame = start_working(page, "ner")
    select_text(page, frame, "Alice")  # person: the first label is chosen at the start
    frame.locator("crowd-entity-annotation button.label-btn[data-label='location']").click()
    select_text(page, frame, "Paris")
    expect(frame.locator("crowd-entity-annotation .entity")).to_have_text(["Alice", "Paris"])
    shot("task-entities")
    submit(frame)
    finished(page, app, "ner")
    [line] = app.complete("ner")
    entities = line["label"]["annotations"]["entities"]
    assert entities == [
        {"label": "person", "startOffset": 0, "endOffset": 5},
        {"label": "location", "startOffset": TEXT.index("Paris"), "endOffset": TEXT.index("Paris") + 5},
    ]
    assert line["label-metadata"]["type"] == "groundtruth/text-span"


def test_segmentation_mask_painted_with_the_brush(page: Page, app: LiveApp, shot: Any) -> None:
    uri = image(app, "field", seed=2)
    app.create_job("masks", "SemanticSegmentation", [{"source-ref": uri}], ["cat", "dog"])
    login(page, app, "ann")
    frame = start_working(page, "masks")
    mouse = Pointer(page, frame, "crowd-semantic-segmentation", W, H)
    page.keyboard.press("2")  # dog
    mouse.drag((60, 150), (220, 150))  # one brush stroke across the image
    shot("task-segmentation")
    submit(frame)
    finished(page, app, "masks")
    [line] = app.complete("masks")
    colors = line["label-ref-metadata"]["internal-color-map"]
    by_name = {c["class-name"]: c["hex-color"] for c in colors.values()}
    assert set(by_name) == {"BACKGROUND", "cat", "dog"}
    mask = Image.open(io.BytesIO(app.get(line["label-ref"]))).convert("RGB")
    assert mask.size == (W, H)

    def rgb(hex_color: str) -> tuple[int, int, int]:
        r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
        return r, g, b

    dog, background = rgb(by_name["dog"]), rgb(by_name["BACKGROUND"])
    assert mask.getpixel((140, 150)) == dog  # on the stroke
    assert mask.getpixel((140, 60)) == background == mask.getpixel((350, 250))  # far from it
    counts = {color: n for n, color in mask.getcolors(maxcolors=W * H) or []}
    assert set(counts) == {dog, background}  # nothing else: no cat, no blended edge colours
    painted = counts[dog]
    assert 160 * 4 < painted < W * H // 4  # a stroke: wider than a line, far less than the image


CUSTOM_TEMPLATE = """<script src="https://assets.crowd.aws/crowd-html-elements.js"></script>
<crowd-form>
  <p class="review">{{ task.input.source }}</p>
  <crowd-radio-group>
    <crowd-radio-button name="positive" value="positive">Positive</crowd-radio-button>
    <crowd-radio-button name="negative" value="negative">Negative</crowd-radio-button>
  </crowd-radio-group>
  <crowd-text-area name="why" label="Why?" rows="3"></crowd-text-area>
</crowd-form>
"""


def test_custom_template_round_trips_to_the_worker_response(page: Page, app: LiveApp, shot: Any) -> None:
    app.create_job(
        "reviews", "PassThrough", [{"source": "Arrived late & cold <sigh>"}], template=CUSTOM_TEMPLATE
    )
    login(page, app, "ann")
    frame = start_working(page, "reviews")
    expect(frame.locator("p.review")).to_have_text("Arrived late & cold <sigh>")  # task.input = the line
    frame.locator("crowd-radio-button[value='negative']").click()
    frame.locator("crowd-text-area textarea").fill("Late.\nAnd cold.")
    shot("task-custom")
    submit(frame)
    finished(page, app, "reviews")
    [line] = app.complete("reviews")
    assert line["label"] == {}
    meta = line["label-metadata"]
    assert meta["type"] == "groundtruth/custom"
    response = json.loads(app.get(meta["worker-response-ref"]))
    [answer] = response["answers"]
    assert answer["answerContent"] == {
        "positive": {"positive": False},
        "negative": {"negative": True},
        "why": "Late.\nAnd cold.",
    }


def counter(page: Page, name: str) -> Locator:
    return page.locator(f"#count-{name}")


def test_dashboard_shows_a_job_finish(page: Page, browser: Browser, app: LiveApp, tmp_path: Path) -> None:
    texts = ["The cat sat on the mat.", "A dog barked all night.", "Cats and dogs, living together."]
    app.create_job("sentiment", "TextMultiClass", [{"source": t} for t in texts], ["cat", "dog"])
    admin_context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        admin = admin_context.new_page()
        login(admin, app, "reader", area="admin")
        row = admin.get_by_role("row").filter(has_text="sentiment")
        expect(row).to_contain_text("InProgress")
        admin.get_by_role("link", name="sentiment").click()
        expect(counter(admin, "remaining")).to_have_text("3")
        expect(counter(admin, "labeled")).to_have_text("0")
        expect(admin.locator(".facts")).not_to_contain_text("Output manifest")  # none yet
        expect(admin.get_by_role("alert")).to_have_count(0)  # no failure reason either

        login(page, app, "ann")
        frame = start_working(page, "sentiment")
        for n in range(3):
            target = frame.locator("crowd-classifier classification-target")
            expect(target).to_have_text(re.compile("|".join(re.escape(t) for t in texts)))
            text = target.inner_text().strip()
            if n == 1:
                page.screenshot(path=str(tmp_path / "task-text-classification.png"), full_page=True)
            page.keyboard.press("2" if "dog" in text.lower() else "1")
            page.keyboard.press("Enter")
            if n < 2:
                expect(page.locator("#status")).to_have_text("")  # the next task is on its way
                frame = task_frame(page)
                expect(frame.locator("crowd-classifier classification-target")).not_to_have_text(text)
            else:
                finished(page, app, "sentiment")  # the submit is through
            app.rt.runner.run_pending()  # what the background worker does after each submit
            if n < 2:
                admin.reload()
            else:  # after the last one no reload: the page of a running job reloads itself
                admin.bring_to_front()  # (as it does when someone looks at it)
            expect(counter(admin, "labeled")).to_have_text(str(n + 1), timeout=20_000)
            expect(counter(admin, "remaining")).to_have_text(str(2 - n))
            if n == 0:
                admin.screenshot(path=str(tmp_path / "dashboard-job-in-progress.png"), full_page=True)
                listing = admin_context.new_page()
                listing.goto(f"{app.url}/admin")
                row = listing.get_by_role("row").filter(has_text="sentiment")
                expect(row).to_contain_text("InProgress")
                expect(row.locator("td.num")).to_have_text(["1", "1", "0", "0", "2"])
                expect(listing.locator("meta[http-equiv='refresh']")).to_have_count(1)
                listing.screenshot(path=str(tmp_path / "dashboard-jobs-in-progress.png"), full_page=True)
                listing.close()
        lines = app.complete("sentiment")
        assert [line["label"] for line in lines] == [0, 1, 1]
        expect(admin.get_by_role("heading", level=1)).to_contain_text("Completed")
        expect(admin.locator("meta[http-equiv='refresh']")).to_have_count(0)  # a finished job stays put
        expect(counter(admin, "human")).to_have_text("3")
        expect(admin.locator(".facts")).to_contain_text("output.manifest")
        expect(admin.get_by_role("row").filter(has_text="ann")).to_contain_text("3")  # worker statistics
        admin.screenshot(path=str(tmp_path / "dashboard-job.png"), full_page=True)
        admin.get_by_role("link", name="All jobs").click()
        row = admin.get_by_role("row").filter(has_text="sentiment")
        expect(row).to_contain_text("Completed")
        expect(row.locator("svg.progress")).to_be_visible()
        admin.screenshot(path=str(tmp_path / "dashboard-jobs.png"), full_page=True)
    finally:
        admin_context.close()
