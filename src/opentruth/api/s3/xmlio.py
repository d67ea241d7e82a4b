"""S3's XML: parsing request bodies and writing response documents.

Request bodies are small documents (a tag set, a list of keys to delete, the parts of an
upload). They are parsed with the standard library after refusing any document type
declaration: with no DTD there are no entities, so no entity-expansion attack, and S3 itself
accepts no DTD. Namespaces are ignored, as S3 ignores them.

Response documents are written as text with every value escaped; element order follows
botocore's S3 model (``data/s3/2006-03-01/service-2.json``), which is what SDKs parse.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from opentruth.api.s3.errors import malformed_xml

S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/"
#: Bodies of the XML operations are small; DeleteObjects with 1000 long keys is the largest.
MAX_XML_BODY = 2 * 1024 * 1024


def parse(body: bytes, root: str) -> ET.Element:
    """Parse ``body`` whose root element must be ``root``; raise ``MalformedXML`` otherwise."""
    if len(body) > MAX_XML_BODY:
        raise malformed_xml(f"the document is larger than {MAX_XML_BODY} bytes")
    if b"<!DOCTYPE" in body.upper() or b"<!ENTITY" in body.upper():
        raise malformed_xml("document type declarations are not allowed")
    try:
        element = ET.fromstring(body)  # noqa: S314 - DTDs refused above: no entities to expand
    except ET.ParseError as exc:
        raise malformed_xml(f"not well-formed: {exc}") from None
    for node in element.iter():
        if isinstance(node.tag, str) and "}" in node.tag:
            node.tag = node.tag.split("}", 1)[1]
    if element.tag != root:
        raise malformed_xml(f"the root element must be <{root}>, not <{element.tag}>")
    return element


def text(element: ET.Element, name: str, default: str | None = None) -> str | None:
    """The text of child ``name`` (``""`` for an empty one), or ``default`` when it is absent."""
    child = element.find(name)
    if child is None:
        return default
    return child.text or ""


def parse_tagging(body: bytes) -> dict[str, str]:
    """``<Tagging><TagSet><Tag><Key/><Value/></Tag>…</TagSet></Tagging>`` as a dict."""
    root = parse(body, "Tagging")
    tagset = root.find("TagSet")
    if tagset is None:
        raise malformed_xml("<Tagging> needs a <TagSet>")
    tags: dict[str, str] = {}
    for tag in tagset.findall("Tag"):
        key = text(tag, "Key")
        if key is None:
            raise malformed_xml("every <Tag> needs a <Key>")
        if key in tags:
            from opentruth.cloud.objectstore import InvalidTag

            raise InvalidTag(f"tag key {key!r} appears twice; tag keys must be unique")
        tags[key] = text(tag, "Value", "") or ""
    return tags


def element(name: str, value: str | int | bool | None) -> str:
    """``<name>value</name>`` with the value escaped (booleans as ``true``/``false``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<{name}>{escape(str(value))}</{name}>"


def document(root: str, inner: Iterable[str] | str) -> bytes:
    """A complete response document with S3's namespace on ``root``."""
    body = inner if isinstance(inner, str) else "".join(inner)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{S3_NS}">{body}</{root}>'.encode()


def iso_time(when: datetime) -> str:
    """``2024-01-01T00:00:00.000Z``, the timestamp format of S3's XML."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def http_date(when: datetime) -> str:
    """``Mon, 01 Jan 2024 00:00:00 GMT``, the format of ``Last-Modified``."""
    return format_datetime(when.astimezone(UTC).replace(microsecond=0), usegmt=True)


def quoted(etag: str) -> str:
    """An ETag as S3 sends it: in double quotes."""
    return f'"{etag}"'


def tagging_document(tags: Mapping[str, str]) -> bytes:
    """GetObjectTagging's ``<Tagging>``."""
    items = "".join(f"<Tag>{element('Key', k)}{element('Value', v)}</Tag>" for k, v in tags.items())
    return document("Tagging", f"<TagSet>{items}</TagSet>")


def escape_text(value: str) -> str:
    """``value`` escaped for element text."""
    return escape(value)
