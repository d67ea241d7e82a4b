"""The image annotation tools (static/crowd/imagetool.js, bounding-box.js, shapes.js), driven by the mouse."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import FrameLocator, Page, expect

from browser.conftest import CrowdHarness

W, H = 400, 300


class Pointer:
    """Mouse actions in the image's own pixel coordinates."""

    def __init__(self, page: Page, frame: FrameLocator, element: str) -> None:
        self.page = page
        img = frame.locator(f"{element} img").first
        expect(img).to_have_js_property("complete", True)
        box = img.bounding_box()
        assert box is not None
        self.x0, self.y0 = box["x"], box["y"]
        self.sx, self.sy = box["width"] / W, box["height"] / H

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

    def dblclick(self, x: float, y: float) -> None:
        self.page.mouse.dblclick(*self.at(x, y))


def tool_page(crowd: CrowdHarness, tag: str, name: str, extra: str = "") -> str:
    img = crowd.add_image(f"{tag}.png", W, H)
    return crowd.add_template(
        f"{tag}.html",
        f"""<crowd-form><{tag} name="{name}" src="{img}" labels="['Dog', 'Cat']" header="Annotate" {extra}>
              <full-instructions header="How">Draw.</full-instructions>
              <short-instructions>Draw each animal.</short-instructions>
            </{tag}></crowd-form>""",
    )


def submit(frame: FrameLocator) -> None:
    frame.locator("crowd-button[form-action='submit']").click()


def test_bounding_box_draw_move_resize_delete(page: Page, crowd: CrowdHarness, shot: Any) -> None:
    frame = crowd.open(page, tool_page(crowd, "crowd-bounding-box", "annotatedResult"))
    mouse = Pointer(page, frame, "crowd-bounding-box")
    mouse.drag((50, 40), (150, 120))  # Dog (the first label is chosen at the start)
    page.keyboard.press("2")
    mouse.drag((300, 250), (200, 150))  # drawn up and left: a Cat box at 200,150 100×100
    expect(frame.locator("crowd-bounding-box .list li")).to_have_count(2)
    shot("bounding-box-two")
    mouse.click(100, 80)  # select the Dog box …
    page.keyboard.press("Delete")  # … and delete it
    expect(frame.locator("crowd-bounding-box .list li")).to_have_count(1)
    mouse.drag((250, 200), (260, 210))  # move the Cat box by 10,10
    mouse.drag((310, 260), (330, 270))  # its bottom-right handle: resize by 20,10
    submit(frame)
    assert crowd.submitted(page) == {
        "annotatedResult": {
            "boundingBoxes": [{"height": 110, "label": "Cat", "left": 210, "top": 160, "width": 120}],
            "inputImageProperties": {"height": H, "width": W},
        }
    }


def test_bounding_box_initial_value_relabel_and_modified_flag(page: Page, crowd: CrowdHarness) -> None:
    name = tool_page(
        crowd,
        "crowd-bounding-box",
        "boundingBox",
        """initial-value="[{label: 'Dog', left: 10, top: 20, width: 30, height: 40},]" """,
    )
    frame = crowd.open(page, name)
    expect(frame.locator("crowd-bounding-box svg rect[data-kind='shape']")).to_have_count(1)
    frame.locator("crowd-bounding-box .list select").select_option("Cat")
    submit(frame)
    assert crowd.submitted(page) == {
        "boundingBox": {
            "boundingBoxes": [{"height": 40, "label": "Cat", "left": 10, "top": 20, "width": 30}],
            "inputImageProperties": {"height": H, "width": W},
            "initialValueModified": True,
        }
    }


def test_bounding_box_draft_is_restored(page: Page, crowd: CrowdHarness) -> None:
    draft = {
        "bb": {
            "boundingBoxes": [{"height": 5, "label": "Cat", "left": 1, "top": 2, "width": 9}],
            "inputImageProperties": {"height": H, "width": W},
        }
    }
    frame = crowd.open(page, tool_page(crowd, "crowd-bounding-box", "bb"), draft=draft)
    expect(frame.locator("crowd-bounding-box .list li")).to_have_count(1)
    submit(frame)
    assert crowd.submitted(page) == draft


def test_keypoint_place_and_move(page: Page, crowd: CrowdHarness) -> None:
    frame = crowd.open(page, tool_page(crowd, "crowd-keypoint", "crowdKeypoint"))
    mouse = Pointer(page, frame, "crowd-keypoint")
    mouse.click(20, 30)
    page.keyboard.press("2")
    mouse.click(100, 110)
    mouse.drag((20, 30), (25, 35))
    submit(frame)
    assert crowd.submitted(page) == {
        "crowdKeypoint": {
            "inputImageProperties": {"height": H, "width": W},
            "keypoints": [{"label": "Dog", "x": 25, "y": 35}, {"label": "Cat", "x": 100, "y": 110}],
        }
    }


def test_polygon_closed_on_its_first_vertex(page: Page, crowd: CrowdHarness, shot: Any) -> None:
    frame = crowd.open(page, tool_page(crowd, "crowd-polygon", "annotatedResult"))
    mouse = Pointer(page, frame, "crowd-polygon")
    for x, y in [(50, 50), (150, 60), (120, 160)]:
        mouse.click(x, y)
    submit(frame)  # an unfinished polygon is refused
    expect(frame.locator("crowd-polygon .error")).to_contain_text("Finish the polygon")
    mouse.click(50, 50)
    shot("polygon")
    submit(frame)
    assert crowd.submitted(page) == {
        "annotatedResult": {
            "inputImageProperties": {"height": H, "width": W},
            "polygons": [
                {"label": "Dog", "vertices": [{"x": 50, "y": 50}, {"x": 150, "y": 60}, {"x": 120, "y": 160}]}
            ],
        }
    }


def test_line_by_dragging(page: Page, crowd: CrowdHarness) -> None:
    frame = crowd.open(page, tool_page(crowd, "crowd-line", "crowdLine"))
    mouse = Pointer(page, frame, "crowd-line")
    page.keyboard.press("2")
    mouse.drag((10, 20), (200, 220))
    submit(frame)
    assert crowd.submitted(page) == {
        "crowdLine": {
            "inputImageProperties": {"height": H, "width": W},
            "lines": [{"label": "Cat", "vertices": [{"x": 10, "y": 20}, {"x": 200, "y": 220}]}],
        }
    }


def test_polyline_ends_on_double_click_and_keeps_initial_value(page: Page, crowd: CrowdHarness) -> None:
    initial = """initial-value="{ polylines: [{label: 'Dog', vertices: [{x: 1, y: 2}, {x: 3, y: 4}]}] }" """
    frame = crowd.open(page, tool_page(crowd, "crowd-polyline", "crowdPolyline", initial))
    mouse = Pointer(page, frame, "crowd-polyline")
    mouse.click(100, 100)
    mouse.click(200, 120)
    mouse.dblclick(250, 200)
    submit(frame)
    assert crowd.submitted(page) == {
        "crowdPolyline": {
            "inputImageProperties": {"height": H, "width": W},
            "polylines": [
                {"label": "Dog", "vertices": [{"x": 1, "y": 2}, {"x": 3, "y": 4}]},
                {
                    "label": "Dog",
                    "vertices": [{"x": 100, "y": 100}, {"x": 200, "y": 120}, {"x": 250, "y": 200}],
                },
            ],
            "initialValueModified": True,
        }
    }
