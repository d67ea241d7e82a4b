"""Rendering Ground Truth templates: the filters, autoescape, the loader rewrite, nonces, and
the built-in templates."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest

from opentruth.portal.render import (
    BUILTIN_TYPES,
    GT_LOADER,
    LOCAL_LOADER,
    Granter,
    TemplateRenderer,
    TemplateUnavailable,
    builtin_template,
)
from opentruth.portal.signing import ObjectUrlSigner

KEY = b"k" * 32
ATTACK = "</script><script>alert('x')</script>"


@pytest.fixture
def renderer() -> TemplateRenderer:
    return TemplateRenderer(ObjectUrlSigner(KEY))


def render(r: TemplateRenderer, source: str, task_input: dict[str, Any], nonce: str = "N0NCE") -> str:
    return r.render(
        source, task_input, nonce=nonce, granter=Granter(r.signer, "job-a", 2_000_000_000, "http://o")
    )


def test_autoescape_of_task_input_text(renderer: TemplateRenderer) -> None:
    out = render(
        renderer, "<p>{{ task.input.text }}</p><i title='{{ task.input.text }}'></i>", {"text": ATTACK}
    )
    assert "<script>" not in out and "</script>" not in out
    assert html.unescape(out.split("<p>")[1].split("</p>")[0]) == ATTACK
    assert "&#39;" in out  # quotes too: attributes cannot be left


def test_to_json_cannot_close_a_script(renderer: TemplateRenderer) -> None:
    data = {"text": ATTACK, "amp": "a & b", "sep": "x\u2028y"}
    out = render(renderer, "<script>var d = {{ task.input | to_json }};</script>", data)
    body = out.split(">", 1)[1].rsplit("</script>", 1)[0]
    assert "<" not in body and ">" not in body and "&" not in body
    assert "\\u003c/script\\u003e" in body and "\\u2028" in body
    # It is still exactly the data, as JavaScript (and JSON) reads the escapes.
    assert json.loads(body.removeprefix("var d = ").removesuffix(";")) == data


def test_to_json_then_escape_fits_an_attribute(renderer: TemplateRenderer) -> None:
    labels = ['say "hi"', "a<b"]
    out = render(
        renderer, '<x categories="{{ task.input.labels | to_json | escape }}"></x>', {"labels": labels}
    )
    value = re.search(r'categories="([^"]*)"', out)
    assert value is not None
    assert json.loads(html.unescape(value.group(1))) == labels


def test_escape_escape_once_and_skip_autoescape(renderer: TemplateRenderer) -> None:
    data = {"a": "&amp; <b>", "raw": "<b>bold</b>"}
    out = render(
        renderer,
        "[{{ task.input.a | escape }}][{{ task.input.a | escape_once }}]"
        "[{{ task.input.raw | skip_autoescape }}]",
        data,
    )
    assert out == "[&amp;amp; &lt;b&gt;][&amp; &lt;b&gt;][<b>bold</b>]"


def test_grant_read_access_signs_s3_uris_only(renderer: TemplateRenderer) -> None:
    src = "{{ task.input.a | grant_read_access }}|{{ task.input.b | grant_read_access }}"
    out = render(renderer, src, {"a": "s3://input-data/img/cat 1.jpg", "b": "https://example.com/x.jpg"})
    url, other = out.split("|")
    assert other == "https://example.com/x.jpg"
    assert url.startswith("http://o/worker/objects/")
    grant = renderer.signer.verify(url.rsplit("/", 1)[1], now=0)
    assert (grant.bucket, grant.key, grant.job) == ("input-data", "img/cat 1.jpg", "job-a")


def test_the_v2_loader_becomes_the_same_local_loader(renderer: TemplateRenderer) -> None:
    # Ground Truth's generative-AI elements come in crowd-html-elements-v2.js; opentruth's loader
    # defines them with the rest, so a template that loads both gets one set of elements.
    v2 = GT_LOADER.replace(".js", "-v2.js")
    out = render(renderer, f'<script src="{v2}"></script><script src="{GT_LOADER}"></script>', {}, nonce="n")
    assert out.count(f'<script src="{LOCAL_LOADER}"></script>') == 2
    assert "assets.crowd.aws" not in out


def test_loader_is_rewritten_and_inline_scripts_get_the_nonce(renderer: TemplateRenderer) -> None:
    src = (
        f'<script src="{GT_LOADER}"></script>'
        '<script>var ok = 1;</script><SCRIPT type="text/javascript">var ok2 = 2;</SCRIPT>'
        '<script src="https://cdn.example/x.js"></script>'
        "<p>{{ task.input.x | skip_autoescape }}</p>"
    )
    out = render(renderer, src, {"x": "<script>injected()</script>"}, nonce="abc123")
    assert f'<script src="{LOCAL_LOADER}"></script>' in out
    assert GT_LOADER not in out
    assert '<script nonce="abc123">var ok = 1;' in out
    assert '<script nonce="abc123" type="text/javascript">' in out
    # External scripts are left to the CSP's host list; data never gets the nonce.
    assert '<script src="https://cdn.example/x.js">' in out
    assert "<p><script>injected()</script></p>" in out
    # The next render of the same (cached) template gets its own nonce.
    again = render(renderer, src, {"x": ""}, nonce="zzz999")
    assert "abc123" not in again and 'nonce="zzz999"' in again


def test_bad_liquid_is_a_clear_error(renderer: TemplateRenderer) -> None:
    with pytest.raises(TemplateUnavailable, match="does not parse as Liquid"):
        render(renderer, "{% if %}", {})
    with pytest.raises(TemplateUnavailable, match="failed to render"):
        render(renderer, "{{ task.input.a | no_such_filter }}", {"a": 1})


@pytest.mark.parametrize("task_type", [t for t in BUILTIN_TYPES if not t.startswith("Video")])
def test_builtin_templates_render(renderer: TemplateRenderer, task_type: str) -> None:
    text = task_type.startswith(("Text", "Named"))
    task_input = {
        "taskObject": "Ann met <Bob>" if text else "s3://input-data/a.jpg",
        "labels": ["per", 'o"rg'],
    }
    out = render(renderer, builtin_template(task_type), task_input)
    assert LOCAL_LOADER in out and "<crowd-form>" in out
    element = re.search(r"<(crowd-[a-z-]+)\s+name=\"([^\"]+)\"", out)
    assert element is not None
    expected = {
        "ImageMultiClass": ("crowd-image-classifier", "crowd-image-classifier"),
        "BoundingBox": ("crowd-bounding-box", "boundingBox"),
        "SemanticSegmentation": ("crowd-semantic-segmentation", "crowd-semantic-segmentation"),
        "NamedEntityRecognition": ("crowd-entity-annotation", "crowd-entity-annotation"),
        "TextMultiClass": ("crowd-classifier", "crowd-classifier"),
    }.get(task_type)
    if expected:
        assert element.groups() == expected
    if text:
        assert "Ann met &lt;Bob&gt;" in out
    else:
        assert "/worker/objects/" in out
    attr = re.search(r'(?:categories|labels)="([^"]*)"', out)
    assert attr is not None
    labels = json.loads(html.unescape(attr.group(1)))
    names = [x["label"] if isinstance(x, dict) else x for x in labels]
    assert names == ["per", 'o"rg']


def test_no_builtin_for_other_types() -> None:
    with pytest.raises(TemplateUnavailable, match="UiTemplateS3Uri"):
        builtin_template("VerificationBoundingBox")


def test_video_template_signs_every_frame_and_carries_the_task(renderer: TemplateRenderer) -> None:
    import html
    import json

    frames = [{"no": i, "name": f"f{i}.jpg", "uri": f"s3://input-data/v/f{i}.jpg"} for i in range(500)]
    task_input = {
        "taskObject": "s3://input-data/v/seq.json",
        "labels": ["car", "</script>"],
        "tracking": True,
        "sequence": {"frames": frames},
        "labelConfig": {"annotationType": "Polygon", "labels": [{"label": "car"}]},
    }
    out = render(renderer, builtin_template("VideoObjectTracking"), task_input)
    assert re.search(r'<ot-video-frames\s+name="ot-video-frames"', out) and LOCAL_LOADER in out
    urls = json.loads(re.search(r"frames='([^']*)'", out).group(1))  # type: ignore[union-attr]
    assert len(urls) == 500 and all(u.startswith("http://o/worker/objects/") for u in urls)
    assert len(set(urls)) == 500
    task = json.loads(html.unescape(re.search(r'task="([^"]*)"', out).group(1)))  # type: ignore[union-attr]
    assert task["labels"] == ["car", "</script>"] and task["sequence"]["frames"][499]["name"] == "f499.jpg"
