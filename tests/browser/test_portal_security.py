"""The portal's defences, tried from the browser against the real server: another team's task,
forms without their CSRF token, and a script smuggled in through ``task.input``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Frame, Page, expect

from browsersupport import LiveApp, login, password, serve_app, start_working

#: Recorded in every frame, whatever its CSP (an init script runs before the document's own):
#: each CSP violation, as proof that the browser, not luck, stopped the injected code.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "") + " " + (e.sample || ""));
});
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    with serve_app(tmp_path_factory.mktemp("portal") / "data") as live:
        live.create_job("private", "TextMultiClass", [{"source": "team only"}], ["a", "b"])
        yield live


def csrf_cookie(page: Page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "ot_csrf")


def post(page: Page, path: str, headers: dict[str, str] | None = None, body: object = None) -> int:
    """A POST by the page's own script (same origin, with its cookies); the HTTP status."""
    status: int = page.evaluate(
        """async ([path, headers, body]) => (await fetch(path, {
            method: "POST", headers, body: body === null ? undefined : JSON.stringify(body),
        })).status""",
        [path, headers or {}, body],
    )
    return status


def test_another_teams_task_and_job_are_404(page: Page, app: LiveApp, shot: Any) -> None:
    _token, ann = app.rt.workers.login("ann", password("ann"))
    task = app.rt.workers.next_task(ann, "private")
    assert task is not None
    task_id = task["taskId"]
    login(page, app, "eve")  # on the team "others"
    expect(page.locator("main")).not_to_contain_text("private")
    response = page.goto(f"{app.url}/worker/render/{task_id}")
    assert response is not None and response.status == 404
    expect(page.locator("body")).to_contain_text("There is no such task for you.")
    expect(page.locator("body")).not_to_contain_text("team only")
    response = page.goto(f"{app.url}/worker/jobs/private/work")
    assert response is not None and response.status == 404
    shot("other-team-404")
    headers = {"X-CSRF-Token": csrf_cookie(page), "Content-Type": "application/json"}
    answer = {"answerContent": {"crowd-classifier": {"label": "a"}}}
    assert post(page, f"/worker/api/tasks/{task_id}/submit", headers, answer) == 404
    assert post(page, f"/worker/api/tasks/{task_id}/release", headers) == 404
    assert post(page, "/worker/api/jobs/private/tasks/next", headers) == 404
    # ann still holds her lease: eve's attempts changed nothing.
    assert app.rt.workers.next_task(ann, "private") == task
    app.rt.workers.release(ann, task_id)


def test_forms_and_calls_without_the_csrf_token_are_refused(page: Page, app: LiveApp, shot: Any) -> None:
    page.goto(f"{app.url}/worker/login")
    expect(page.get_by_role("alert")).to_have_count(0)  # no error shown before any attempt
    page.locator("input[name='csrf_token']").evaluate("el => el.remove()")
    page.get_by_label("Username").fill("ann")
    page.get_by_label("Password").fill(password("ann"))
    with page.expect_response(f"{app.url}/worker/login") as refused:
        page.get_by_role("button", name="Log in").click()
    assert refused.value.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Form refused")
    shot("csrf-refused")
    page.goto(f"{app.url}/worker/jobs")
    expect(page).to_have_url(f"{app.url}/worker/login")  # not logged in

    login(page, app, "ann")
    # A forged token is as good as none.
    page.locator("form.inline input[name='csrf_token']").evaluate("el => el.value = 'forged'")
    with page.expect_response(f"{app.url}/worker/logout") as refused:
        page.get_by_role("button", name="Log out").click()
    assert refused.value.status == 403
    page.goto(f"{app.url}/worker/jobs")
    expect(page).to_have_url(f"{app.url}/worker/jobs")  # still logged in
    # The API authenticated by the cookie wants the header too.
    assert post(page, "/worker/api/jobs/private/tasks/next") == 403
    assert post(page, "/worker/api/jobs/private/tasks/next", {"X-CSRF-Token": "forged"}) == 403


PAYLOAD = (
    "</script><script>window.__pwned = 1; parent.__pwned = 1</script>"
    '<img src="x" onerror="window.__pwned = 2; parent.__pwned = 2">'
)

#: A template that shows the data every way Ground Truth's filters allow: escaped text, an
#: attribute, JSON inside its own script, and (the author's choice) ``skip_autoescape``.
INJECTABLE = """<script src="https://assets.crowd.aws/crowd-html-elements.js"></script>
<crowd-form>
  <crowd-classifier name="crowd-classifier" categories="{{ task.input.labels | to_json | escape }}"
                    header="Is this text safe?">
    <classification-target>
      <p id="escaped" title="{{ task.input.taskObject }}">{{ task.input.taskObject }}</p>
      <p id="echo"></p>
      <div id="raw">{{ task.input.taskObject | skip_autoescape }}</div>
    </classification-target>
  </crowd-classifier>
</crowd-form>
<script>
  var input = {{ task.input | to_json }};
  document.getElementById("echo").textContent = input.taskObject;
  window.__templateRan = true;
</script>
"""


def test_script_injected_through_task_input_does_not_run(page: Page, app: LiveApp, shot: Any) -> None:
    app.create_job("inject", "TextMultiClass", [{"source": PAYLOAD}], ["safe", "unsafe"], template=INJECTABLE)
    page.add_init_script(RECORD_VIOLATIONS)
    login(page, app, "ann")
    frame_locator = start_working(page, "inject")
    handle = page.locator("#task-frame").element_handle()
    frame: Frame | None = handle.content_frame() if handle else None
    assert frame is not None
    # The data is shown as text and attribute value, and the template's own script ran with it.
    expect(frame_locator.locator("#escaped")).to_have_text(PAYLOAD)
    expect(frame_locator.locator("#escaped")).to_have_attribute("title", PAYLOAD)
    expect(frame_locator.locator("#echo")).to_have_text(PAYLOAD)
    assert frame.evaluate("window.__templateRan") is True
    # skip_autoescape put the markup in the document, but none of it ran.
    expect(frame_locator.locator("#raw script")).to_have_count(1)
    expect(frame_locator.locator("#raw img")).to_have_count(1)
    assert frame.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("typeof window.__pwned") == "undefined"
    violations: list[str] = frame.evaluate("window.__violations")
    # Exactly the two injected pieces were refused: the <script> element and the onerror handler.
    assert sorted(v.split()[0] for v in violations) == ["script-src-attr", "script-src-elem"], violations
    shot("injection-blocked")
    page.keyboard.press("2")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/worker/jobs/inject/done$"))
    [line] = app.complete("inject")
    assert line["source"] == PAYLOAD and line["label-metadata"]["class-name"] == "unsafe"
