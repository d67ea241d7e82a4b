"""crowd-semantic-segmentation and crowd-instance-segmentation (static/crowd/segmentation.js).

The submitted PNG is decoded with the labeling engine's own decoder, the one consolidation uses.
"""

from __future__ import annotations

import base64
import io
from typing import Any

from PIL import Image
from playwright.sync_api import Page, expect

from browser.conftest import CrowdHarness
from browser.test_crowd_tools import Pointer
from opentruth.labeling.consolidation.segmentation import decode_mask

W, H = 400, 300
LABELS = ["Dog", "Cat"]


def page_for(crowd: CrowdHarness, tag: str) -> str:
    img = crowd.add_image(f"{tag}.png", W, H)
    return crowd.add_template(
        f"{tag}.html",
        f"""<crowd-form><{tag} name="crowd-semantic-segmentation" src="{img}" labels='["Dog", "Cat"]'
              header="Paint"><short-instructions>Paint.</short-instructions></{tag}></crowd-form>""",
    )


def rgba(png_b64: str) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(png_b64))).convert("RGBA")


def test_brush_and_fill_submit_an_exact_png_mask(page: Page, crowd: CrowdHarness, shot: Any) -> None:
    frame = crowd.open(page, page_for(crowd, "crowd-semantic-segmentation"))
    submit = frame.locator("crowd-button[form-action='submit']")
    submit.click()
    error = frame.locator("crowd-semantic-segmentation .error")
    expect(error).to_have_text("Paint at least one area before submitting.")
    mouse = Pointer(page, frame, "crowd-semantic-segmentation")
    mouse.drag((50, 50), (150, 50))  # a Dog stroke 12 px wide
    page.keyboard.press("2")
    frame.locator("crowd-semantic-segmentation button[data-tool='fill']").click()
    mouse.click(300, 250)  # fills everything still unpainted with Cat
    shot("segmentation")
    submit.click()
    answer = crowd.submitted(page)["crowd-semantic-segmentation"]
    assert set(answer) == {"inputImageProperties", "labelMappings", "labeledImage"}
    assert answer["inputImageProperties"] == {"height": H, "width": W}
    mappings = answer["labelMappings"]
    assert mappings == {"Dog": {"color": "#1f77b4"}, "Cat": {"color": "#ff7f0e"}}
    img = rgba(answer["labeledImage"]["pngImageData"])
    assert img.size == (W, H)
    assert img.getpixel((100, 50)) == (0x1F, 0x77, 0xB4, 255)
    assert img.getpixel((300, 250)) == (0xFF, 0x7F, 0x0E, 255)
    mask = decode_mask(answer["labeledImage"]["pngImageData"], mappings, LABELS, expected_size=(W, H))
    classes = {int(c) for c in set(mask.flatten().tolist())}
    assert classes == {1, 2}  # no antialiased in-between colours: every pixel is Dog or Cat
    assert int((mask == 1).sum()) > 1000


def test_eraser_undo_and_draft_round_trip(page: Page, crowd: CrowdHarness) -> None:
    frame = crowd.open(page, page_for(crowd, "crowd-semantic-segmentation"))
    mouse = Pointer(page, frame, "crowd-semantic-segmentation")
    mouse.drag((20, 100), (380, 100))
    frame.locator("button[data-tool='eraser']").click()
    mouse.drag((200, 80), (200, 120))  # cut the stroke in two
    frame.locator("button[data-action='undo']").click()  # … and undo the cut
    page.wait_for_function("window.__messages.filter(m => m.type === 'ot:draft').length > 0")
    # What the (debounced) autosave sends is crowd-form's collect(); take it now, deterministically.
    draft = frame.locator("crowd-form").evaluate("form => form.collect()")
    img = rgba(draft["crowd-semantic-segmentation"]["labeledImage"]["pngImageData"])
    assert img.getchannel("A").getpixel((200, 100)) == 255
    assert img.getchannel("A").getpixel((200, 200)) == 0  # unpainted pixels are transparent

    # A reload gets the draft back from the parent and submits the same mask.
    crowd.open(page, page_for(crowd, "crowd-semantic-segmentation"), draft=draft)
    task = page.frames[1]
    # The draft's PNG decodes asynchronously; wait until it is painted into the class map.
    task.wait_for_function("document.querySelector('crowd-semantic-segmentation').map.some(c => c !== 0)")
    frame = page.frame_locator("#task")
    frame.locator("crowd-button[form-action='submit']").click()
    answer = crowd.submitted(page)["crowd-semantic-segmentation"]
    again = rgba(answer["labeledImage"]["pngImageData"])
    assert again.tobytes() == img.tobytes()


def test_instance_segmentation_gives_each_instance_its_colour(page: Page, crowd: CrowdHarness) -> None:
    frame = crowd.open(page, page_for(crowd, "crowd-instance-segmentation"))
    mouse = Pointer(page, frame, "crowd-instance-segmentation")
    mouse.drag((50, 50), (100, 50))  # Dog #1 (created for the first label)
    frame.locator("button[data-action='add-instance']").click()  # Dog #2
    mouse.drag((50, 200), (100, 200))
    page.keyboard.press("2")  # Cat #1
    mouse.drag((300, 50), (350, 50))
    expect(frame.locator("crowd-instance-segmentation .list li")).to_have_count(3)
    frame.locator("crowd-button[form-action='submit']").click()
    answer = crowd.submitted(page)["crowd-semantic-segmentation"]
    assert answer["instances"] == [
        {"color": "#1f77b4", "label": "Dog"},
        {"color": "#ff7f0e", "label": "Dog"},
        {"color": "#2ca02c", "label": "Cat"},
    ]
    img = rgba(answer["labeledImage"]["pngImageData"])
    assert img.getpixel((75, 50)) == (0x1F, 0x77, 0xB4, 255)
    assert img.getpixel((75, 200)) == (0xFF, 0x7F, 0x0E, 255)
    assert img.getpixel((325, 50)) == (0x2C, 0xA0, 0x2C, 255)
