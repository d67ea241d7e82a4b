"""crowd-form, the form controls and the layout elements (form.js, controls.js, layout.js).

Includes a template in the style of Ground Truth's published samples (onsubmit validation that
injects a crowd-alert), which must run unchanged.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from browser.conftest import CrowdHarness

CONTROLS = """
<crowd-form>
  <short-instructions>Answer every question.</short-instructions>
  <full-instructions header="Details">All the details.</full-instructions>
  <crowd-input name="website" label="Website" required></crowd-input>
  <crowd-input name="empty" label="Left empty"></crowd-input>
  <crowd-input name="count" type="number" label="How many?"></crowd-input>
  <crowd-checkbox name="image_attributes" value="blurry">Blurry</crowd-checkbox>
  <crowd-checkbox name="image_attributes" value="dim">Too dim</crowd-checkbox>
  <crowd-checkbox name="plain">No value</crowd-checkbox>
  <crowd-radio-group>
    <crowd-radio-button name="yes" value="yes">Yes</crowd-radio-button>
    <crowd-radio-button name="no" value="no">No</crowd-radio-button>
  </crowd-radio-group>
  <crowd-text-area name="notes" label="Notes" rows="3" char-counter></crowd-text-area>
  <crowd-slider name="confidence" min="0" max="10" step="1" value="5" pin></crowd-slider>
  <crowd-toggle-button name="theToggler"></crowd-toggle-button>
  <select name="sentiment">
    <option value="">(pick)</option><option>Positive</option><option>Negative</option>
  </select>
  <input type="checkbox" name="native" value="foo">
</crowd-form>
"""


def test_controls_submit_ground_truths_shapes(page: Page, crowd: CrowdHarness, shot: Any) -> None:
    frame = crowd.open(page, crowd.add_template("controls.html", CONTROLS))
    submit = frame.locator("crowd-button[form-action='submit']")
    submit.click()
    expect(frame.locator(".crowd-form-error")).to_contain_text("Website")
    frame.locator("crowd-input[name='website'] input").fill("http://example.com")
    frame.locator("crowd-input[name='count'] input").fill("42")
    frame.locator("crowd-checkbox[value='dim'] button").click()
    frame.locator("crowd-radio-button[name='yes'] button").click()
    frame.locator("crowd-radio-button[name='no'] button").click()  # exclusive within the group
    frame.locator("crowd-text-area textarea").fill("line one\nline two")
    frame.locator("crowd-slider input[type='range']").fill("7")
    frame.locator("crowd-toggle-button button").click()
    frame.locator("select[name='sentiment']").select_option("Negative")
    frame.locator("input[name='native']").check()
    shot("controls")
    submit.click()
    assert crowd.submitted(page) == {
        "website": "http://example.com",
        "count": 42,
        "image_attributes": {"blurry": False, "dim": True},
        "plain": {"on": False},
        "yes": {"yes": False},
        "no": {"no": True},
        "notes": "line one\nline two",
        "confidence": 7,
        "theToggler": {"on": True},
        "sentiment": "Negative",
        "native": {"foo": True},
    }


def test_draft_restores_the_controls(page: Page, crowd: CrowdHarness) -> None:
    draft = {
        "website": "http://a.example",
        "image_attributes": {"blurry": True, "dim": False},
        "plain": {"on": True},
        "yes": {"yes": True},
        "no": {"no": False},
        "notes": "saved",
        "confidence": 2,
        "theToggler": {"on": False},
        "sentiment": "Positive",
        "native": {"foo": False},
    }
    frame = crowd.open(page, crowd.add_template("controls-draft.html", CONTROLS), draft=draft)
    expect(frame.locator("crowd-text-area textarea")).to_have_value("saved")
    frame.locator("crowd-button[form-action='submit']").click()
    assert crowd.submitted(page) == draft


ONE_INPUT = '<crowd-form><crowd-input name="a"></crowd-input></crowd-form>'


def test_autosave_sends_drafts_and_a_refused_submit_can_be_retried(page: Page, crowd: CrowdHarness) -> None:
    frame = crowd.open(page, crowd.add_template("retry.html", ONE_INPUT))
    frame.locator("crowd-input input").fill("x")
    page.wait_for_function("window.__messages.some(m => m.type === 'ot:draft' && m.answer.a === 'x')")
    page.evaluate("window.__submitResult = {ok: false, message: 'label x is not one of the job\\'s labels'}")
    submit = frame.locator("crowd-button[form-action='submit']")
    submit.click()
    expect(frame.locator(".crowd-form-error")).to_have_text("label x is not one of the job's labels")
    expect(submit).not_to_have_attribute("loading", "")
    submit.click()
    page.wait_for_function("window.__messages.filter(m => m.type === 'ot:submit').length === 2")


def test_expired_lease_disables_submitting(page: Page, crowd: CrowdHarness) -> None:
    frame = crowd.open(page, crowd.add_template("expire.html", ONE_INPUT))
    page.evaluate(
        "document.getElementById('task').contentWindow.postMessage({type: 'ot:expired', v: 1}, '*')"
    )
    expect(frame.locator(".crowd-form-error")).to_contain_text("ran out")
    frame.locator("crowd-button[form-action='submit']").click(force=True)
    assert crowd.messages(page, "ot:submit") == []


GT_STYLE_SAMPLE = """
<crowd-form>
  <div id="errorBox"></div>
  <crowd-keypoint src="{img}" labels="['Item A', 'Item B']" header="Locate the items." name="annotatedResult">
    <short-instructions>Place one point per item.</short-instructions>
    <full-instructions>Details.</full-instructions>
  </crowd-keypoint>
</crowd-form>
<script>
  document.querySelector('crowd-form').onsubmit = function (e) {
    const points = document.querySelector('crowd-keypoint').value.keypoints
      || document.querySelector('crowd-keypoint')._submittableValue.keypoints;
    if (points.length !== 2) {
      e.preventDefault();
      errorBox.innerHTML = '<crowd-alert type="error" dismissible>Place both items.</crowd-alert>';
    }
  };
</script>
"""


def test_a_ground_truth_style_template_runs_unchanged(page: Page, crowd: CrowdHarness, shot: Any) -> None:
    img = crowd.add_image("kp.png", 400, 300)
    frame = crowd.open(page, crowd.add_template("gt-sample.html", GT_STYLE_SAMPLE.replace("{img}", img)))
    frame.locator("crowd-button[form-action='submit']").click()
    alert = frame.locator("#errorBox crowd-alert")
    expect(alert).to_contain_text("Place both items.")
    shot("gt-sample-alert")
    assert crowd.messages(page, "ot:submit") == []
    alert.locator("button[aria-label='Dismiss']").click()
    expect(alert).to_be_hidden()
    expect(frame.locator("crowd-keypoint img")).to_have_js_property("complete", True)
    stage = frame.locator("crowd-keypoint svg")  # the drawing layer over the image
    stage.click(position={"x": 10, "y": 10})
    page.keyboard.press("2")
    stage.click(position={"x": 20, "y": 30})
    frame.locator("crowd-button[form-action='submit']").click()
    answer = crowd.submitted(page)["annotatedResult"]
    assert [(p["label"]) for p in answer["keypoints"]] == ["Item A", "Item B"]
    assert answer["inputImageProperties"] == {"height": 300, "width": 400}


def test_layout_elements_render_and_work(page: Page, crowd: CrowdHarness, shot: Any) -> None:
    name = crowd.add_template(
        "layout.html",
        """<crowd-form>
          <crowd-instructions link-text="View instructions" link-type="button">
            <short-summary><p>Summary text</p></short-summary>
            <detailed-instructions><p>Detailed text</p></detailed-instructions>
            <positive-example><p>Good one</p></positive-example>
            <negative-example><p>Bad one</p></negative-example>
          </crowd-instructions>
          <crowd-tabs>
            <crowd-tab header="First"><p>first pane</p></crowd-tab>
            <crowd-tab header="Second"><crowd-input name="inside" label="In a tab"></crowd-input></crowd-tab>
          </crowd-tabs>
          <crowd-card heading="A card"><div>card body</div></crowd-card>
          <crowd-modal link-text="See examples" link-type="button">Modal text</crowd-modal>
          <crowd-toast duration="0" opened text="Hello worker"></crowd-toast>
          <crowd-alert type="warning">Careful</crowd-alert>
          <span id="target">badged</span><crowd-badge label="3" for="target"></crowd-badge>
          <crowd-fab id="fab" icon="report-problem" title="Issue"></crowd-fab>
          <crowd-icon-button icon="search" title="Search"></crowd-icon-button>
          <crowd-button id="plain">Plain <iron-icon icon="search"></iron-icon></crowd-button>
        </crowd-form>
        <script>
          document.getElementById('fab').addEventListener('click', function () {
            document.querySelector('crowd-form').submit();
          });
        </script>""",
    )
    frame = crowd.open(page, name)
    expect(frame.locator("crowd-tab[header='Second']")).to_be_hidden()
    frame.locator("crowd-tabs button:has-text('Second')").click()
    expect(frame.locator("crowd-tab[header='First']")).to_be_hidden()
    frame.locator("crowd-tab[header='Second'] input").fill("typed")
    expect(frame.locator("crowd-toast .toast")).to_contain_text("Hello worker")
    frame.locator("crowd-instructions button:has-text('View instructions')").click()
    expect(frame.locator("crowd-instructions dialog")).to_be_visible()
    frame.locator("crowd-instructions button:has-text('Examples')").click()
    expect(frame.get_by_text("Good one")).to_be_visible()
    shot("instructions")
    frame.locator("crowd-instructions dialog .close").click()
    frame.locator("crowd-modal button:has-text('See examples')").click()
    expect(frame.get_by_text("Modal text")).to_be_visible()
    frame.locator("crowd-modal dialog .close").click()
    frame.locator("#fab button").click()  # the sample's way of submitting from a floating button
    assert crowd.submitted(page) == {"inside": "typed"}
