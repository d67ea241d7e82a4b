"""Render a job's worker task template as Ground Truth does: Liquid with ``task.input``.

The template comes from ``HumanTaskConfig.UiConfig.UiTemplateS3Uri``, read **through the job's
role** (``s3:GetObject`` by the role session), or, for ``HumanTaskUiArn`` and built-in types
without a template, from the built-in templates shipped in ``templates/builtin``.

Rendering uses python-liquid with autoescape on and Ground Truth's filters:

``escape``            HTML-escape (always, even a value already marked safe)
``escape_once``       escape, but leave existing entities alone (``&amp;`` stays ``&amp;``)
``skip_autoescape``   output as is (the template author vouches for it)
``to_json``           JSON with ``<``, ``>``, ``&``, U+2028 and U+2029 as ``\\uXXXX``, marked
                      safe: inside ``<script>`` no data can close the element
``grant_read_access`` an ``s3://`` URI becomes a short-lived signed URL served by opentruth

Three rewrites of the template source before Liquid parses it: the Ground Truth loader
``https://assets.crowd.aws/crowd-html-elements.js`` becomes the bundled elements, scripts that
known public CDNs serve (jQuery, D3, Draggable) become the portal's pinned copies
(:mod:`opentruth.portal.cdn`, which also lists the scripts the CSP will block), and every
*inline* ``<script>`` of the source gets the render's CSP nonce. The nonce goes in as a
per-process secret placeholder replaced after rendering, so the parsed template can be cached
and data can never carry a valid nonce.
"""

from __future__ import annotations

import contextvars
import html
import json
import re
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from importlib import resources
from typing import Any

from liquid import Environment
from liquid.exceptions import LiquidError
from liquid.template import BoundTemplate
from markupsafe import Markup, escape

from opentruth.awsmodel.s3uri import parse_s3_uri
from opentruth.cloud.objectstore import S3Error
from opentruth.cloud.session import RoleAccessDeniedError
from opentruth.db.models import LabelingJob
from opentruth.errors import OpenTruthError, ValidationError
from opentruth.labeling.pointcloud import TEMPLATES as POINT_CLOUD_TEMPLATES
from opentruth.labeling.resources import Resources
from opentruth.labeling.tasks import behaviour_of
from opentruth.portal import cdn
from opentruth.portal.signing import ObjectUrlSigner

GT_LOADER = "https://assets.crowd.aws/crowd-html-elements.js"
LOCAL_LOADER = "/worker/static/crowd/crowd-html-elements.js"

#: The built-in template of each built-in task type (file ``templates/builtin/<type>.liquid.html``).
BUILTIN_TYPES = (
    "ImageMultiClass",
    "ImageMultiClassMultiLabel",
    "TextMultiClass",
    "TextMultiClassMultiLabel",
    "BoundingBox",
    "NamedEntityRecognition",
    "SemanticSegmentation",
    "VideoObjectDetection",
    "VideoObjectTracking",
    *POINT_CLOUD_TEMPLATES,
)
#: Types that share one template file (what differs between them comes with the task input).
_SHARED_TEMPLATES = {
    "VideoObjectDetection": "Video",
    "VideoObjectTracking": "Video",
    **POINT_CLOUD_TEMPLATES,
}

#: Ground Truth's loader, and its V2 bundle (the generative-AI elements): both become ours, which
#: defines every element (a page that loads both gets the elements once).
_LOADER_RE = re.compile(
    r"(<script\b[^>]*?\bsrc\s*=\s*[\"']?)" + re.escape(GT_LOADER.removesuffix(".js")) + r"(?:-v2)?\.js",
    re.IGNORECASE,
)
_SCRIPT_TAG_RE = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
_HAS_SRC_RE = re.compile(r"\bsrc\s*=", re.IGNORECASE)
_DOCTYPE_RE = re.compile(r"\s*<!doctype[^>]*>", re.IGNORECASE)
#: What code that adds a script says (DOM, jQuery): a hint to include the CDN shim.
_ADDS_SCRIPTS_RE = re.compile(r"createElement|getScript|setAttribute|\.src\b", re.IGNORECASE)


class TemplateUnavailable(OpenTruthError):
    """The job's template cannot be read or rendered; the message says why and what to do."""

    aws_code = "TemplateUnavailable"
    http_status = 502


@dataclass(frozen=True, slots=True)
class Granter:
    """What ``grant_read_access`` needs during one render."""

    signer: ObjectUrlSigner
    job: str
    expires: int
    origin: str


_GRANTER: contextvars.ContextVar[Granter | None] = contextvars.ContextVar("ot_granter", default=None)


# --------------------------------------------------------------------------- filters


def _plain(value: object) -> Any:
    """A Liquid value as plain JSON data (undefined becomes null)."""
    from liquid.undefined import Undefined

    if isinstance(value, Undefined):
        return None
    return value


def to_json(value: object) -> Markup:
    """JSON that is safe inside HTML and ``<script>``: ``<``, ``>``, ``&`` are ``\\u`` escapes."""
    text = json.dumps(_plain(value), ensure_ascii=False, default=str)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    # Line and paragraph separators end a JavaScript string literal in older engines.
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)  # noqa: S704 - nothing in it can open or close markup


def escape_filter(value: object) -> Markup:
    """HTML-escape, even a value already marked safe (``to_json | escape`` in an attribute)."""
    return escape(str(_plain(value) if _plain(value) is not None else ""))


def escape_once(value: object) -> Markup:
    """Escape without escaping existing entities again."""
    return escape(html.unescape(str(_plain(value) if _plain(value) is not None else "")))


def skip_autoescape(value: object) -> Markup:
    """Mark a value safe: output without escaping."""
    plain = _plain(value)
    return Markup("" if plain is None else str(plain))  # noqa: S704 - the author asked for it


def grant_read_access(value: object) -> object:
    """``s3://bucket/key`` → a signed opentruth URL; anything else is returned unchanged."""
    granter = _GRANTER.get()
    if granter is None or not isinstance(value, str) or not value.startswith("s3://"):
        return value
    try:
        loc = parse_s3_uri(value, need_key=True)
    except ValueError:
        return value
    url = granter.signer.url(loc.bucket, loc.key, granter.job, granter.expires, origin=granter.origin)
    # The URL holds only [A-Za-z0-9:/._-]: safe in attributes and in scripts alike.
    return Markup(url)  # noqa: S704


class _Env(Environment):
    """Liquid with bounds, so that a template cannot loop or print without end."""

    loop_iteration_limit = 1_000_000
    output_stream_limit = 32 * 1024 * 1024


def make_environment() -> Environment:
    """The Liquid environment of task templates (autoescape on, Ground Truth's filters)."""
    env = _Env(autoescape=True)
    env.add_filter("to_json", to_json)
    env.add_filter("escape", escape_filter)
    env.add_filter("escape_once", escape_once)
    env.add_filter("skip_autoescape", skip_autoescape)
    env.add_filter("grant_read_access", grant_read_access)
    return env


# --------------------------------------------------------------------------- templates


def builtin_template(task_type: str) -> str:
    """The source of the built-in template of a built-in task type."""
    if task_type not in BUILTIN_TYPES:
        raise TemplateUnavailable(
            f"there is no built-in template for task type {task_type}; "
            "give HumanTaskConfig.UiConfig.UiTemplateS3Uri"
        )
    name = _SHARED_TEMPLATES.get(task_type, task_type)
    path = resources.files("opentruth.portal").joinpath("templates", "builtin", f"{name}.liquid.html")
    return path.read_text(encoding="utf-8")


def fetch_template(res: Resources, job: LabelingJob) -> str:
    """The job's template source, read through the job's role; built-in when it has none."""
    ui = job.request.get("HumanTaskConfig", {}).get("UiConfig", {})
    uri = ui.get("UiTemplateS3Uri")
    if not uri:
        try:
            task = behaviour_of(job.request).task_type
        except ValidationError as exc:
            raise TemplateUnavailable(exc.message) from None
        # Adjustment jobs show the UI of the type they adjust (the same HumanTaskUiArn).
        return builtin_template(task.base if task.base in BUILTIN_TYPES else task.suffix)
    role = job.request["RoleArn"]
    try:
        loc = parse_s3_uri(uri, need_key=True)
        store = res.job_store(res.session(role, job.arn))
        body = store.get_object(loc.bucket, loc.key).body
    except ValueError as exc:
        raise TemplateUnavailable(f"UiTemplateS3Uri is not usable: {exc}") from None
    except RoleAccessDeniedError as exc:
        raise TemplateUnavailable(
            f"the job's role {role} may not read the task template {uri}: {exc.message}. "
            "Allow s3:GetObject on it in the role's policy."
        ) from None
    except S3Error as exc:
        raise TemplateUnavailable(f"cannot read the task template {uri}: {exc.message}") from None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise TemplateUnavailable(f"the task template {uri} is not UTF-8 text") from None


class TemplateRenderer:
    """Parses (with a small cache) and renders task templates."""

    def __init__(
        self, signer: ObjectUrlSigner, *, cache_size: int = 64, csp_allow: tuple[str, ...] = ()
    ) -> None:
        """``csp_allow``: the extra origins of the template CSP (which scripts are not blocked)."""
        self.signer = signer
        self.env = make_environment()
        self.csp_allow = tuple(csp_allow)
        self._placeholder = "otnonce" + secrets.token_hex(16)
        self._cache: OrderedDict[str, tuple[BoundTemplate, tuple[cdn.ScriptRef, ...]]] = OrderedDict()
        self._cache_size = cache_size

    def prepare(self, source: str) -> str:
        """Rewrite the loader to the bundled elements and mark the template's inline scripts."""
        return self._prepare(source)[0]

    def scripts(self, source: str) -> tuple[cdn.ScriptRef, ...]:
        """The template's scripts from outside the portal: served locally, allowed or blocked."""
        return self._parse(source)[1]

    def _prepare(self, source: str) -> tuple[str, list[cdn.ScriptRef]]:
        source = _LOADER_RE.sub(lambda m: m.group(1) + LOCAL_LOADER, source)
        source, refs = cdn.scan(source, self.csp_allow, own=("/worker/static/",))
        inline = any(not _HAS_SRC_RE.search(m.group(1)) for m in _SCRIPT_TAG_RE.finditer(source))
        if inline and _ADDS_SCRIPTS_RE.search(source):
            # The template's own code may add scripts at run time: the shim, first, maps their
            # CDN URLs to the local copies too (after a doctype, which must stay first or the
            # document falls into quirks mode). Templates that cannot add scripts go without.
            doctype = _DOCTYPE_RE.match(source)
            at = doctype.end() if doctype else 0
            shim = "<script>{% raw %}" + cdn.shim() + "{% endraw %}</script>"
            source = source[:at] + shim + source[at:]

        def mark(m: re.Match[str]) -> str:
            attrs = m.group(1)
            if _HAS_SRC_RE.search(attrs):
                return m.group(0)  # external scripts are governed by the CSP's host list
            return f'<script nonce="{self._placeholder}"{attrs}>'

        return _SCRIPT_TAG_RE.sub(mark, source), refs

    def _parse(self, source: str) -> tuple[BoundTemplate, tuple[cdn.ScriptRef, ...]]:
        hit = self._cache.get(source)
        if hit is not None:
            self._cache.move_to_end(source)
            return hit
        prepared, refs = self._prepare(source)
        try:
            template = self.env.from_string(prepared)
        except LiquidError as exc:
            raise TemplateUnavailable(f"the task template does not parse as Liquid: {exc}") from None
        self._cache[source] = (template, tuple(refs))
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return self._cache[source]

    def render(
        self,
        source: str,
        task_input: dict[str, Any],
        *,
        nonce: str,
        granter: Granter,
        extra: dict[str, Any] | None = None,
    ) -> str:
        """Render ``source`` with ``task.input`` = ``task_input``; inline scripts get ``nonce``."""
        template = self._parse(source)[0]
        token = _GRANTER.set(granter)
        try:
            out = template.render(task={"input": task_input}, **(extra or {}))
        except LiquidError as exc:
            raise TemplateUnavailable(f"the task template failed to render: {exc}") from None
        finally:
            _GRANTER.reset(token)
        return out.replace(self._placeholder, nonce)
