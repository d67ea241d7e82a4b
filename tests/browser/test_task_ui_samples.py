"""Every AWS sample task UI (tests/data/task-uis, MIT-0) renders in the portal and submits an answer.

Issue 19, item 5: the public samples are the measure of template compatibility. Each sample file,
unchanged, becomes the ``UiTemplateS3Uri`` of a custom job (Ground Truth's PRE-/ACS-PassThrough)
on the real server. A worker logs in, opens the task in Chromium, answers what the template asks
for as a person would (the driver in ``task_ui_driver`` fills each kind of control it finds), and
submits. The job then completes, and its worker-response file must hold that answer.
"""

from __future__ import annotations

import io
import json
import re
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from browsersupport import LiveApp, login, png, serve_app, task_frame
from task_ui_driver import answer_everything, submit_control

DATA = Path(__file__).resolve().parents[1] / "data" / "task-uis"
SAMPLES = sorted(p.relative_to(DATA).as_posix() for p in DATA.rglob("*.html"))
W, H = 320, 240


def job_name(sample: str) -> str:
    """A valid, unique labeling-job name for a sample file (``images/x.liquid.html`` → ``ui-images-x``)."""
    stem = sample.removesuffix(".html").removesuffix(".liquid")
    return ("ui-" + re.sub(r"[^A-Za-z0-9]+", "-", stem))[:63].rstrip("-")


def wav() -> bytes:
    """A tenth of a second of silence, so audio samples have a real file to load."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\0\0" * 800)
    return out.getvalue()


def manifest_line(app: LiveApp, sample: str) -> dict[str, Any]:
    """One manifest line with every ``task.input`` key the samples read (PRE-PassThrough hands the
    line itself to the template), with images and audio that exist in the job's bucket."""
    image = "s3://input-data/ui/picture.png"
    audio = "s3://input-data/ui/sound.wav"
    folder = sample.split("/", 1)[0]
    task_object = {"images": image, "audio": audio, "video": image}.get(folder, "The quick brown fox.")
    line: dict[str, Any] = {"source-ref": task_object} if folder in ("images", "audio", "video") else {}
    return line | {
        "taskObject": task_object,
        "source": "The quick brown fox jumps over the lazy dog.",
        "text": "The quick brown fox.",
        "text1": "A first text.",
        "text2": "A second text.",
        "textBeginning": "Once upon",
        "textEnd": "a time.",
        "labels": ["person", "location"],
        "image": image,
        "image1": image,
        "image2": image,
        "image3": image,
        "image4": image,
        "audioFile1": audio,
        "audioFile2": audio,
        "item1": {"image": image, "title": "Item one"},
        "item2": {"image": image, "title": "Item two"},
        "title": "A title",
        "company": "Example Corp",
        "prompt": "Describe the picture.",
        "response": "A picture of a fox.",
        "responses": ["A fox.", "A dog."],
        "modelResponse": "A fox in a field.",
        "modelResponses": ["A fox.", "A dog."],
        "searchText": "red shoes",
        "surveyLink": "https://example.com/survey",
        "topic": "travel",
        "conversation": "A: Hello. B: Hi.",
        "context": "Some context.",
        "utterance": "Book a flight.",
        "intent": "BookFlight",
        "highlightParts": "[]",
        "pngString": "",
        "original": {"text": "Bonjour", "language": "French"},
        "translation": {"text": "Hello", "language": "English"},
        "translationPairs": [{"originalText": "Bonjour", "translation": "Hello"}],
        "Pairs": [{"row": "0", "biometricdate": "1/15/2009", "patientname": "Jane Doe", "a1c": "5.0", "totalchol": "140"}],
    }


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    with serve_app(tmp_path_factory.mktemp("samples") / "data") as live:
        live.put("s3://input-data/ui/picture.png", png(W, H), content_type="image/png")
        live.put("s3://input-data/ui/sound.wav", wav(), content_type="audio/wav")
        yield live


def test_every_sample_is_here() -> None:
    # The copy holds the samples' whole set at its commit (tests/data/task-uis/README.md).
    assert len(SAMPLES) == 87


@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_renders_and_submits(page: Page, app: LiveApp, sample: str) -> None:
    name = job_name(sample)
    source = (DATA / sample).read_text(encoding="utf-8")
    app.create_job(name, "PassThrough", [manifest_line(app, sample)], template=source)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, app, "ann")
    page.goto(f"{app.url}/worker/jobs/{name}/work")
    frame = task_frame(page)
    # Every crowd element of the sample is defined (an unknown one would stay an empty tag).
    undefined = frame.locator("crowd-form").evaluate(
        "f => Array.from(document.querySelectorAll('*')).map(e => e.localName)"
        ".filter(n => n.startsWith('crowd-') && !customElements.get(n))"
    )
    assert undefined == [], f"{sample}: crowd elements that opentruth does not define: {undefined}"
    filled = answer_everything(page, frame)
    submit_control(frame).click()
    expect(page).to_have_url(f"{app.url}/worker/jobs/{name}/done")
    [line] = app.complete(name)
    response = json.loads(app.get(line["label-metadata"]["worker-response-ref"]))
    [given] = response["answers"]
    content = given["answerContent"]
    assert isinstance(content, dict)
    # What the driver answered is in the stored answer, under the names the template gave it.
    missing = [n for n in filled if n not in content]
    assert missing == [], f"{sample}: answered {filled}, stored {sorted(content)}"
    assert errors == [], f"{sample}: script errors {errors}"
