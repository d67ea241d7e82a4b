"""crowd-entity-annotation (static/crowd/entity.js): spans selected with the mouse."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import FrameLocator, Page, expect

from browser.conftest import CrowdHarness
from browsersupport import select_text

# An emoji first: offsets count code points (as Python does), not UTF-16 units.
TEXT = "\U0001f600 Alice met Bob in Paris last week."
LABELS = (
    "[{label: 'person', shortDisplayName: 'per'},"
    " {label: 'location', shortDisplayName: 'loc', fullDisplayName: 'Location'}]"
)


def select_words(page: Page, frame: FrameLocator, words: str) -> None:
    """Drag the mouse across ``words`` in the element's text, in the harness's frame."""
    select_text(page, frame, words, iframe_selector="#task", scroll=False)


def entity_page(crowd: CrowdHarness, name: str = "ner.html", extra: str = "") -> str:
    return crowd.add_template(
        name,
        f"""<crowd-form><crowd-entity-annotation name="crowd-entity-annotation" header="Label the entities"
              labels="{LABELS}" text="{TEXT}" {extra}>
              <full-instructions header="How">Select words.</full-instructions>
              <short-instructions>Highlight people and places.</short-instructions>
            </crowd-entity-annotation></crowd-form>""",
    )


def span(words: str, label: str) -> dict[str, Any]:
    start = TEXT.index(words)
    return {"endOffset": start + len(words), "label": label, "startOffset": start}


def test_two_spans_labeled_with_the_mouse(page: Page, crowd: CrowdHarness, shot: Any) -> None:
    frame = crowd.open(page, entity_page(crowd))
    select_words(page, frame, "Alice")
    page.keyboard.press("2")
    select_words(page, frame, "Paris")
    select_words(page, frame, "Bob")  # a third one, removed again below
    page.keyboard.press("1")
    expect(frame.locator("crowd-entity-annotation .entity")).to_have_count(3)
    shot("entities")
    frame.locator("crowd-entity-annotation .entity[data-label='location']").filter(has_text="Bob").click()
    page.keyboard.press("Delete")
    expect(frame.locator("crowd-entity-annotation .entity")).to_have_count(2)
    frame.locator("crowd-button[form-action='submit']").click()
    assert crowd.submitted(page) == {
        "crowd-entity-annotation": {"entities": [span("Alice", "person"), span("Paris", "location")]}
    }


def test_overlapping_span_is_refused_and_relabel_in_list(page: Page, crowd: CrowdHarness) -> None:
    frame = crowd.open(page, entity_page(crowd, "ner2.html"))
    select_words(page, frame, "Alice met Bob")
    select_words(page, frame, "Bob")  # inside the first one
    expect(frame.locator("crowd-entity-annotation .error")).to_contain_text("overlaps")
    frame.locator("crowd-entity-annotation .list select").select_option("location")
    frame.locator("crowd-button[form-action='submit']").click()
    expected = {"crowd-entity-annotation": {"entities": [span("Alice met Bob", "location")]}}
    assert crowd.submitted(page) == expected


def test_initial_value_and_modified_flag(page: Page, crowd: CrowdHarness) -> None:
    initial = json.dumps([span("Bob", "person")]).replace('"', "&quot;")
    frame = crowd.open(page, entity_page(crowd, "ner3.html", f'initial-value="{initial}"'))
    expect(frame.locator("crowd-entity-annotation .entity")).to_have_text(["Bob"])
    frame.locator("crowd-button[form-action='submit']").click()
    assert crowd.submitted(page) == {
        "crowd-entity-annotation": {"entities": [span("Bob", "person")], "initialValueModified": False}
    }
