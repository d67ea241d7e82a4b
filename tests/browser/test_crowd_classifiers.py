"""The classifiers (static/crowd/classifiers.js): answer shapes, keyboard, validation, drafts."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from browser.conftest import CrowdHarness

TEXT_CLASSIFIER = """
<crowd-form>
  <crowd-classifier name="sentiment" categories="['Positive', 'Negative', 'Neutral']"
                    header="What is the sentiment?">
    <classification-target><p>I love this product.</p></classification-target>
    <full-instructions header="Sentiment">Read it and pick one.</full-instructions>
    <short-instructions>Pick the sentiment.</short-instructions>
  </crowd-classifier>
</crowd-form>
"""


def test_classifier_keyboard_picks_and_enter_submits(page: Page, crowd: CrowdHarness, shot: Any) -> None:
    frame = crowd.open(page, crowd.add_template("classifier.html", TEXT_CLASSIFIER))
    expect(frame.locator("crowd-classifier button[data-label='Neutral']")).to_be_visible()
    page.keyboard.press("3")
    page.keyboard.press("2")
    shot("classifier")
    page.keyboard.press("Enter")
    assert crowd.submitted(page) == {"sentiment": {"label": "Negative"}}


def test_classifier_refuses_to_submit_without_a_label(page: Page, crowd: CrowdHarness) -> None:
    frame = crowd.open(page, crowd.add_template("classifier-empty.html", TEXT_CLASSIFIER))
    frame.locator("crowd-button[form-action='submit']").click()
    expect(frame.locator(".crowd-form-error")).to_have_text("Choose a category.")
    assert crowd.messages(page, "ot:submit") == []
    frame.locator("crowd-classifier button[data-label='Positive']").click()
    frame.locator("crowd-button[form-action='submit']").click()
    assert crowd.submitted(page) == {"sentiment": {"label": "Positive"}}


def test_multi_select_submits_labels_in_category_order(page: Page, crowd: CrowdHarness) -> None:
    name = crowd.add_template(
        "multi.html",
        """<crowd-form><crowd-classifier-multi-select name="topics"
             categories='["sport", "politics", "science"]' header="Topics?"
             exclusion-category="{ text: 'none of these' }">
           <classification-target>Text</classification-target></crowd-classifier-multi-select></crowd-form>""",
    )
    frame = crowd.open(page, name)
    expect(frame.locator("button[data-label='none of these']")).to_be_visible()
    page.keyboard.press("3")
    page.keyboard.press("1")
    page.keyboard.press("2")
    page.keyboard.press("2")  # toggles politics off again
    page.keyboard.press("Enter")
    assert crowd.submitted(page) == {"topics": {"labels": ["sport", "science"]}}


def test_multi_select_exclusion_category_clears_the_others(page: Page, crowd: CrowdHarness) -> None:
    name = crowd.add_template(
        "multi-excl.html",
        """<crowd-form><crowd-classifier-multi-select name="topics" categories="['a', 'b']" header="?"
             exclusion-category="{ text: 'none' }"></crowd-classifier-multi-select></crowd-form>""",
    )
    frame = crowd.open(page, name)
    frame.locator("button[data-label='a']").click()
    frame.locator("button[data-label='none']").click()
    expect(frame.locator("button[data-label='a']")).to_have_attribute("aria-checked", "false")
    page.keyboard.press("Enter")
    assert crowd.submitted(page) == {"topics": {"labels": ["none"]}}


def test_image_classifier_with_worker_comment(page: Page, crowd: CrowdHarness, shot: Any) -> None:
    img = crowd.add_image("cls.png", 320, 200)
    name = crowd.add_template(
        "image-classifier.html",
        f"""<crowd-form><crowd-image-classifier name="crowd-image-classifier" src="{img}"
              categories="['Cat', 'Dog', 'Bird']" header="Which animal?"
              overlay='{{"boundingBox": {{labels: ["Cat"],
                value: [{{height: 50, label: "Cat", left: 10, top: 20, width: 60}},]}},}}'>
              <worker-comment header="Why?" link-text="Explain" placeholder="because"></worker-comment>
              <short-instructions>Pick one.</short-instructions>
            </crowd-image-classifier></crowd-form>""",
    )
    frame = crowd.open(page, name)
    expect(frame.locator("crowd-image-classifier svg rect")).to_have_count(1)  # the overlay box
    page.keyboard.press("2")
    frame.locator("button:has-text('Explain')").click()
    frame.locator("dialog textarea").fill("it barks")
    frame.locator("dialog[open] .close").click()
    shot("image-classifier")
    page.keyboard.press("Enter")
    assert crowd.submitted(page) == {"crowd-image-classifier": {"label": "Dog", "workerComment": "it barks"}}


def test_image_multi_select_and_draft_restore(page: Page, crowd: CrowdHarness) -> None:
    img = crowd.add_image("multi.png", 200, 100)
    name = crowd.add_template(
        "image-multi.html",
        f"""<crowd-form><crowd-image-classifier-multi-select name="tags" src="{img}"
              categories="['red', 'green', 'blue']" header="Colours?">
            </crowd-image-classifier-multi-select></crowd-form>""",
    )
    frame = crowd.open(page, name, draft={"tags": {"labels": ["blue"]}})
    expect(frame.locator("button[data-label='blue']")).to_have_attribute("aria-checked", "true")
    frame.locator("button[data-label='red']").click()
    page.wait_for_function(
        "window.__messages.some(m => m.type === 'ot:draft' && m.answer.tags.labels.length === 2)"
    )
    drafts = crowd.messages(page, "ot:draft")
    assert drafts[-1]["answer"] == {"tags": {"labels": ["red", "blue"]}}
    page.keyboard.press("Enter")
    assert crowd.submitted(page) == {"tags": {"labels": ["red", "blue"]}}
