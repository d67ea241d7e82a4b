"""The data objects of a streaming job's queue messages, with their de-duplication keys.

Each message is one manifest line, an S3 event notification, or S3's test event (ignored).
Duplicates are dropped by ``dataset-objectid-attribute-name``, else by the SNS MessageId
(S3 events: by URI plus ``sequencer``), and the generated-key fields are added, as Ground Truth
writes them into the object's output line.

Chaining: Ground Truth publishes each labeled object's output line to the job's output topic,
and that topic may be the next streaming job's input. The line carries what the first job added
(``dataset-objectid-attribute-name`` naming ``$label-attribute-name-object-id``, that id, and
``$sequencer`` for S3 events) and its labels. So those ``$`` names are accepted here: the next
job keeps the first job's id as its de-duplication key (the object keeps its identity along the
chain) and the earlier labels stay on the line, for an adjustment or verification job to read.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from opentruth.cloud.topics import decode_s3_key
from opentruth.errors import ValidationError
from opentruth.labeling.requirements import parse_s3_uri

#: The generated-key fields Ground Truth writes when a line names no key of its own.
DEDUP_ATTRIBUTE = "dataset-objectid-attribute-name"
GENERATED_KEY = "$label-attribute-name-object-id"
SEQUENCER = "$sequencer"
#: The ``$`` names Ground Truth itself writes into an output line (the only ones it accepts).
_SERVICE_NAMES = frozenset({GENERATED_KEY, SEQUENCER})
_KEY_NAME = re.compile(r"^[$a-zA-Z0-9](-*[a-zA-Z0-9])*$")


@dataclass(frozen=True, slots=True)
class StreamObject:
    """One data object from a message: its manifest line and its de-duplication key."""

    line: dict[str, Any]
    key: str


def parse_message(body: str, fallback_id: str) -> list[StreamObject]:
    """The data objects of one queue message (none for ``s3:TestEvent``).

    ``body`` is SNS's envelope (or, with raw delivery, the published text itself);
    ``fallback_id`` is the SQS MessageId, the only id a raw message has. Raises
    :class:`ValidationError` naming what is wrong with a message that is no data object.
    """
    message_id = fallback_id
    text = body
    try:
        doc = json.loads(body)
    except ValueError:
        raise ValidationError("the message is not JSON: publish one manifest line per message") from None
    if isinstance(doc, dict) and doc.get("Type") == "Notification" and "Message" in doc and "TopicArn" in doc:
        message_id = str(doc.get("MessageId") or fallback_id)
        text = str(doc["Message"])
        try:
            doc = json.loads(text)
        except ValueError:
            raise ValidationError(
                "the SNS message is not JSON: publish one manifest line per message"
            ) from None
    if not isinstance(doc, dict):
        raise ValidationError("the message must be a JSON object (one manifest line)")
    if doc.get("Event") == "s3:TestEvent":
        return []
    if "Records" in doc and "source" not in doc and "source-ref" not in doc:
        return _s3_objects(doc["Records"])
    return [_manifest_object(doc, message_id)]


def _manifest_object(line: dict[str, Any], message_id: str) -> StreamObject:
    if "source" not in line and "source-ref" not in line:
        raise ValidationError("the manifest line needs a 'source' or a 'source-ref' attribute")
    named = line.get(DEDUP_ATTRIBUTE)
    for name in line:
        # A ``$`` name is Ground Truth's own (a chained job's line) or the line's named key.
        if not name or (name.startswith("$") and name not in _SERVICE_NAMES and name != named):
            raise ValidationError(
                f"attribute {name!r}: names starting with '$' are reserved for Ground Truth's "
                f"{GENERATED_KEY} and {SEQUENCER}; rename it"
            )
    if "source-ref" in line:
        parse_s3_uri(str(line["source-ref"]), "source-ref")
    data = dict(line)
    if named is not None:
        if not isinstance(named, str) or len(named) > 140 or not _KEY_NAME.match(named):
            raise ValidationError(
                f"{DEDUP_ATTRIBUTE} {named!r} must name an attribute (<= 140 letters, digits, hyphens)"
            )
        if named not in data:
            raise ValidationError(f"{DEDUP_ATTRIBUTE} names {named!r}, which the line does not have; add it")
        value = data[named] if isinstance(data[named], str) else json.dumps(data[named])
        if len(value) > 1024:
            raise ValidationError(f"the id in {named!r} is longer than 1024 characters")
        return StreamObject(data, f"attr:{named}:{value}")
    data[DEDUP_ATTRIBUTE] = GENERATED_KEY
    data[GENERATED_KEY] = message_id
    return StreamObject(data, f"sns:{message_id}")


def _s3_objects(records: Any) -> list[StreamObject]:
    if not isinstance(records, list) or not records:
        raise ValidationError("an S3 event needs at least one entry in Records")
    out: list[StreamObject] = []
    for i, rec in enumerate(records):
        s3 = rec.get("s3") if isinstance(rec, dict) else None
        if not isinstance(s3, dict) or rec.get("eventSource") != "aws:s3":
            raise ValidationError(
                f"Records[{i}] is not an S3 event (eventSource aws:s3 with s3.bucket/object)"
            )
        if not str(rec.get("eventName", "ObjectCreated:")).startswith("ObjectCreated:"):
            continue  # only new objects are data objects
        try:
            bucket = str(s3["bucket"]["name"])
            key = decode_s3_key(str(s3["object"]["key"]))
        except (KeyError, TypeError):
            raise ValidationError(f"Records[{i}] needs s3.bucket.name and s3.object.key") from None
        sequencer = str(s3["object"].get("sequencer", ""))
        uri = f"s3://{bucket}/{key}"
        dedup = f"s3:{uri}:{sequencer}"
        generated = str(uuid.uuid5(uuid.NAMESPACE_URL, dedup))
        line = {
            "source-ref": uri,
            DEDUP_ATTRIBUTE: GENERATED_KEY,
            GENERATED_KEY: generated,
            SEQUENCER: sequencer,
        }
        out.append(StreamObject(line, dedup))
    return out
