"""A generic worker for any task template: it finds what the template asks for and answers it.

Used by the sample-template test (tests/browser/test_task_ui_samples.py): a sample is unknown
markup, so the driver looks for each kind of control that Ground Truth templates use — native
radio buttons, check boxes and fields; the crowd classifiers, radio groups, inputs and check
boxes; the image tools (box, polygon, polyline, line, keypoint, segmentation brush); the text
ranking and question–answer elements — and works each one with the mouse and keyboard, as a
worker would. It returns the ``name`` of every element it answered, so the test can look for
each in the stored answer.
"""

from __future__ import annotations

from playwright.sync_api import FrameLocator, Locator, Page, expect

#: Image tools and how a person makes one annotation with each (in fractions of the image).
_DRAG_TOOLS = ("crowd-bounding-box", "crowd-line", "crowd-semantic-segmentation", "crowd-instance-segmentation")
_CLICK_TOOLS = ("crowd-keypoint",)


def _visible(items: Locator) -> list[Locator]:
    return [items.nth(i) for i in range(items.count()) if items.nth(i).is_visible()]


def _name(el: Locator) -> str:
    return el.get_attribute("name") or ""


def _click(el: Locator) -> None:
    """Click as a person does; a control a template hides behind its own label gets a DOM click."""
    if el.is_visible():
        el.click()
    else:
        el.dispatch_event("click")


def _native(frame: FrameLocator) -> list[str]:
    names: list[str] = []
    groups: set[str] = set()
    for radio in [frame.locator("input[type=radio]").nth(i) for i in range(frame.locator("input[type=radio]").count())]:
        group = _name(radio)
        if group in groups or radio.is_disabled():
            continue
        groups.add(group)
        _click(radio)
        names.append(group)
    for box in _visible(frame.locator("input[type=checkbox][required]")):
        _click(box)
        names.append(_name(box))
    fields = "input[required]:not([type]), input[required][type=text], input[required][type=number], textarea[required]"
    for field in _visible(frame.locator(fields)):
        field.fill("1" if field.get_attribute("type") == "number" else "an answer")
        names.append(_name(field))
    for select in _visible(frame.locator("select[required]")):
        values = [v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
        if values:
            select.select_option(values[0])
            names.append(_name(select))
    return [n for n in names if n]


def _crowd_controls(frame: FrameLocator) -> list[str]:
    names: list[str] = []
    for group in _visible(frame.locator("crowd-radio-group")):
        first = group.locator("crowd-radio-button").first
        _click(first)
        names.append(_name(first))
    for tag in (
        "crowd-classifier",
        "crowd-classifier-multi-select",
        "crowd-image-classifier",
        "crowd-image-classifier-multi-select",
    ):
        for el in _visible(frame.locator(tag)):
            el.locator("button[data-label]").first.click()
            names.append(_name(el))
    for el in _visible(frame.locator("crowd-checkbox[required]")):
        el.click()
        names.append(_name(el))
    for el in _visible(frame.locator("crowd-input")):
        if el.get_attribute("disabled") is not None or el.get_attribute("readonly") is not None:
            continue
        kind = el.get_attribute("type") or "text"
        el.locator("input").fill("1" if kind == "number" else "an answer")
        names.append(_name(el))
    for el in _visible(frame.locator("crowd-text-area")):
        if el.get_attribute("disabled") is not None or el.get_attribute("readonly") is not None:
            continue
        el.locator("textarea").fill("an answer")
        names.append(_name(el))
    return [n for n in names if n]


class _Image:
    """Mouse positions on a tool's image, in fractions of its shown size."""

    def __init__(self, page: Page, tool: Locator) -> None:
        self.page = page
        img = tool.locator("img").first
        expect(img).to_have_js_property("complete", True)
        img.scroll_into_view_if_needed()
        box = img.bounding_box()
        assert box is not None, "the tool's image is not shown"
        self.box = box

    def at(self, fx: float, fy: float) -> tuple[float, float]:
        return self.box["x"] + fx * self.box["width"], self.box["y"] + fy * self.box["height"]

    def drag(self, a: tuple[float, float], b: tuple[float, float]) -> None:
        self.page.mouse.move(*self.at(*a))
        self.page.mouse.down()
        self.page.mouse.move(*self.at((a[0] + b[0]) / 2, (a[1] + b[1]) / 2))
        self.page.mouse.move(*self.at(*b))
        self.page.mouse.up()

    def click(self, fx: float, fy: float) -> None:
        self.page.mouse.click(*self.at(fx, fy))


def _image_tools(page: Page, frame: FrameLocator) -> list[str]:
    names: list[str] = []
    for tag in _DRAG_TOOLS:
        for el in _visible(frame.locator(tag)):
            _Image(page, el).drag((0.3, 0.3), (0.6, 0.6))
            names.append(_name(el))
    for tag in _CLICK_TOOLS:
        for el in _visible(frame.locator(tag)):
            _Image(page, el).click(0.4, 0.4)
            names.append(_name(el))
    for el in _visible(frame.locator("crowd-polygon")):
        img = _Image(page, el)
        for point in ((0.3, 0.3), (0.6, 0.3), (0.5, 0.6), (0.3, 0.3)):  # closed on its first vertex
            img.click(*point)
        names.append(_name(el))
    for el in _visible(frame.locator("crowd-polyline")):
        img = _Image(page, el)
        img.click(0.3, 0.3)
        img.click(0.5, 0.4)
        page.mouse.dblclick(*img.at(0.6, 0.6))  # a double click ends the line
        names.append(_name(el))
    return [n for n in names if n]


def _generative(frame: FrameLocator) -> list[str]:
    names: list[str] = []
    for el in _visible(frame.locator("crowd-text-ranking")):
        # Rank each response on each dimension: the first rank control of each row, in order.
        for select in _visible(el.locator("select.rank")):
            values = [v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
            select.select_option(values[0])
        names.append(_name(el))
    for el in _visible(frame.locator("crowd-question-answer-generation")):
        el.get_by_role("button", name="Add a question").click()
        el.locator("textarea.question").last.fill("What jumps over the dog?")
        el.locator("textarea.answer").last.fill("The quick brown fox")
        names.append(_name(el))
    return [n for n in names if n]


def answer_everything(page: Page, frame: FrameLocator) -> list[str]:
    """Answer every control of the task in ``frame``; the names of the elements answered."""
    return _native(frame) + _crowd_controls(frame) + _image_tools(page, frame) + _generative(frame)


def submit_control(frame: FrameLocator) -> Locator:
    """The template's submit control: its own, or the one crowd-form adds when it has none."""
    return frame.locator(
        "crowd-button[form-action='submit'], button[type='submit'], input[type='submit']"
    ).first
