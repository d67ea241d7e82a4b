"""A template that loads jQuery from its public CDN URL works offline: the portal serves its
pinned copy in place of the CDN, the template's ``$(...)`` click handler runs and submits, and
a script that no copy serves is blocked and reported in the job's log and on the dashboard.
Scripts that a template adds at run time get the copies too, or are reported by the browser."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from browsersupport import LiveApp, login, serve_app, start_working
from opentruth.labeling.joblog import LOG_GROUP

UNKNOWN = "https://cdn.example.org/widgets/1.2/widgets.min.js"

#: As a template author writes it for Ground Truth: jQuery from code.jquery.com with its SRI
#: hash (of 3.6.0, which the copy is not), and a click handler that answers and submits.
TEMPLATE = f"""<script src="https://code.jquery.com/jquery-3.6.0.min.js"
  integrity="sha256-/xUj+3OJU5yExlq6GSYGSHk7tPXikynS7ogEvDej/m4=" crossorigin="anonymous"></script>
<script src="https://assets.crowd.aws/crowd-html-elements.js"></script>
<script src="{UNKNOWN}"></script>
<crowd-form>
  <p id="text">{{{{ task.input.source }}}}</p>
  <input type="hidden" name="choice" id="choice" value="">
  <button type="button" id="pick-cat">This is about a cat</button>
</crowd-form>
<script>
  $(function () {{
    $("#pick-cat").on("click", function () {{
      $("#choice").val("cat:" + $.fn.jquery);
      document.querySelector("crowd-form").submit();
    }});
  }});
</script>
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    with serve_app(tmp_path_factory.mktemp("portal") / "data") as live:
        yield live


def test_jquery_from_its_cdn_url_runs_offline_and_submits(page: Page, app: LiveApp, shot: Any) -> None:
    outside: list[str] = []

    def offline(route: Route) -> None:  # as offline as the deployment: nothing leaves 127.0.0.1
        outside.append(route.request.url)
        route.abort()

    page.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), offline)
    app.create_job("cdn", "PassThrough", [{"source": "It purred all afternoon."}], template=TEMPLATE)
    login(page, app, "ann")
    frame = start_working(page, "cdn")
    expect(frame.locator("#text")).to_have_text("It purred all afternoon.")
    shot("task-jquery")
    frame.locator("#pick-cat").click()
    expect(page).to_have_url(f"{app.url}/worker/jobs/cdn/done")
    # The copy served code.jquery.com's URL; the unknown script was never fetched either.
    assert outside == []
    [line] = app.complete("cdn")
    response = json.loads(app.get(line["label-metadata"]["worker-response-ref"]))
    [answer] = response["answers"]
    assert answer["answerContent"] == {"choice": "cat:3.7.1"}
    # The blocked script is in the job's log with its URL and what to allow...
    events = [json.loads(e.message) for e in app.rt.res.logs.get_log_events(LOG_GROUP, "cdn")]
    blocked = [e for e in events if e["event"] == "TemplateScriptBlocked"]
    assert [e["url"] for e in blocked] == [UNKNOWN]
    assert (
        "https://cdn.example.org" in blocked[0]["hint"] and "OPENTRUTH_PORTAL_CSP_ALLOW" in blocked[0]["hint"]
    )
    # ...and on the dashboard's job page.
    page.goto(f"{app.url}/admin/login")
    page.context.clear_cookies()
    login(page, app, "reader", area="admin")
    page.goto(f"{app.url}/admin/jobs/cdn")
    section = page.locator("section", has=page.get_by_role("heading", name="Blocked template scripts"))
    expect(section).to_contain_text(UNKNOWN)
    expect(section).to_contain_text("OPENTRUTH_PORTAL_CSP_ALLOW")
    shot("dashboard-blocked-scripts")


DYNAMIC = "https://cdn.example.org/late/loader.js"

#: A template that adds scripts at run time, which no scan of its source can see: D3 with
#: jQuery's $.getScript and Draggable with createElement (known CDN URLs, so the copies serve
#: them), and one that nothing serves.
LATE_TEMPLATE = f"""<!DOCTYPE html>
<script src="https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js"></script>
<script src="https://assets.crowd.aws/crowd-html-elements.js"></script>
<crowd-form>
  <p id="text">{{{{ task.input.source }}}}</p><p id="d3"></p><p id="drag"></p><p id="mode"></p>
</crowd-form>
<script>
  document.getElementById("mode").textContent = document.compatMode;
  $.getScript("https://d3js.org/d3.v7.min.js", function () {{ $("#d3").text("d3 " + d3.version); }});
  var drag = document.createElement("script");
  drag.src = "https://cdn.jsdelivr.net/npm/@shopify/draggable@1.0.0-beta.11/lib/draggable.bundle.js";
  drag.onload = function () {{ $("#drag").text("Sortable is a " + typeof Draggable.Sortable); }};
  document.head.appendChild(drag);
  var late = document.createElement("script");
  late.setAttribute("src", "{DYNAMIC}");
  document.head.appendChild(late);
</script>
"""


def test_scripts_added_at_run_time_load_the_copies_or_are_reported(page: Page, app: LiveApp) -> None:
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    app.create_job("late", "PassThrough", [{"source": "late loader"}], template=LATE_TEMPLATE)
    login(page, app, "bob")
    frame = start_working(page, "late")
    expect(frame.locator("#text")).to_have_text("late loader")
    expect(frame.locator("#d3")).to_have_text("d3 7.9.1")
    expect(frame.locator("#drag")).to_have_text("Sortable is a function")
    expect(frame.locator("#mode")).to_have_text("CSS1Compat")  # the doctype stayed first
    # The CSP's report-uri carries the violation to the job's log; the dashboard shows it.
    page.goto(f"{app.url}/admin/login")
    page.context.clear_cookies()
    login(page, app, "reader", area="admin")
    page.goto(f"{app.url}/admin/jobs/late")
    section = page.locator("section", has=page.get_by_role("heading", name="Blocked template scripts"))
    for _ in range(20):  # the browser sends its report in the background
        if section.count():
            break
        page.wait_for_timeout(250)
        page.reload()
    expect(section).to_contain_text(DYNAMIC)
    events = [json.loads(e.message) for e in app.rt.res.logs.get_log_events(LOG_GROUP, "late")]
    assert [e["url"] for e in events if e["event"] == "TemplateScriptBlocked"] == [DYNAMIC]
