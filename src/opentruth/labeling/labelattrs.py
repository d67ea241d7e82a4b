"""Label category and frame attributes of video frame and 3D point cloud jobs.

These jobs use the ``"documentVersion": "2020-03-01"`` dialect of the label category file (DG
``sms-label-cat-config-attributes.md``): ``frameAttributes`` (asked once per frame or point
cloud), ``categoryGlobalAttributes`` (asked for every label), per-label ``categoryAttributes``,
``annotationType`` (video only: ``BoundingBox``, ``Polyline``, ``Polygon`` or ``Keypoint``),
``instructions`` and, for adjustment and verification jobs, ``auditLabelAttributeName``.

:func:`parse_attribute_config` checks the file against the guide's quotas, for both families
(the guide's quotas are the same), and returns what the worker UI shows
(:meth:`AttributeConfig.as_json` for video, :meth:`AttributeConfig.point_cloud_json` for 3D);
:func:`check_values` checks a video worker's attribute answers against it. Errors name the
file, the attribute and the rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from opentruth.errors import ValidationError

ANNOTATION_TYPES = ("BoundingBox", "Polyline", "Polygon", "Keypoint")
MAX_LABELS = 30
MAX_LABEL_ATTRIBUTES = 10  # per label, global ones included
MAX_FREE_TEXT_LABEL_ATTRIBUTES = 5
MAX_FRAME_ATTRIBUTES = 10
MAX_FREE_TEXT_FRAME_ATTRIBUTES = 5
MAX_NAME = 16
MAX_DESCRIPTION = 128
MAX_ENUM = 10
MAX_ENUM_VALUE = 16
MAX_FRAME_TEXT = 1000  # characters of a free-form frame attribute answer
MAX_LABEL_TEXT = 80  # characters of a free-form label attribute answer
MAX_SHORT_INSTRUCTION = 255
MAX_FULL_INSTRUCTION = 2048


@dataclass(frozen=True, slots=True)
class Attribute:
    """One label category or frame attribute."""

    name: str
    type: str  # "string" or "number"
    description: str = ""
    enum: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    edits_allowed: str = "any"
    required: bool = False

    @property
    def free_text(self) -> bool:
        return self.type == "string" and not self.enum

    def as_json(self) -> dict[str, Any]:
        """The attribute as the worker UI reads it (the file's own spelling)."""
        out: dict[str, Any] = {"name": self.name, "type": self.type, "description": self.description}
        if self.enum:
            out["enum"] = list(self.enum)
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        out["editsAllowed"] = self.edits_allowed
        out["isRequired"] = self.required
        return out


@dataclass(frozen=True, slots=True)
class AttributeConfig:
    """The attribute part of a 2020-03-01 label category file."""

    labels: tuple[str, ...]
    frame_attributes: tuple[Attribute, ...] = ()
    global_attributes: tuple[Attribute, ...] = ()
    label_attributes: Mapping[str, tuple[Attribute, ...]] = field(default_factory=dict)
    label_edits: Mapping[str, str] = field(default_factory=dict)
    annotation_type: str = "BoundingBox"
    audit_label_attribute: str | None = None
    instructions: Mapping[str, str] = field(default_factory=dict)

    def attributes_of(self, label: str) -> tuple[Attribute, ...]:
        """Every attribute asked for ``label``: the global ones first."""
        return self.global_attributes + tuple(self.label_attributes.get(label, ()))

    def as_json(self) -> dict[str, Any]:
        """What the video worker UI needs, in the file's spelling: each label's attributes with
        the global ones first."""
        return {
            "annotationType": self.annotation_type,
            "frameAttributes": [a.as_json() for a in self.frame_attributes],
            "labels": [
                {
                    "label": label,
                    "categoryAttributes": [a.as_json() for a in self.attributes_of(label)],
                    "editsAllowed": self.label_edits.get(label, "any"),
                }
                for label in self.labels
            ],
            "instructions": dict(self.instructions),
            **({"auditLabelAttributeName": self.audit_label_attribute} if self.audit_label_attribute else {}),
        }

    def point_cloud_json(self) -> dict[str, Any]:
        """What the point cloud worker UI needs, in the file's spelling: the global attributes
        apart from each label's own, as the file gives them."""
        return {
            "labels": [
                {
                    "label": label,
                    "categoryAttributes": [a.as_json() for a in self.label_attributes.get(label, ())],
                    "editsAllowed": self.label_edits.get(label, "any"),
                }
                for label in self.labels
            ],
            "categoryGlobalAttributes": [a.as_json() for a in self.global_attributes],
            "frameAttributes": [a.as_json() for a in self.frame_attributes],
            "instructions": dict(self.instructions),
        }


def _attribute(item: object, where: str, *, need_description: bool) -> Attribute:
    if not isinstance(item, dict):
        raise ValidationError(f"{where}: must be an object with name and type")
    name = item.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME:
        raise ValidationError(f"{where}.name: must be a string of 1 to {MAX_NAME} characters")
    where = f"{where} ({name!r})"
    kind = item.get("type")
    if kind not in ("string", "number"):
        raise ValidationError(f'{where}.type: must be "string" or "number", not {kind!r}')
    description = item.get("description", "")
    if need_description and not description:
        raise ValidationError(f"{where}.description: frame attributes need a description")
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
        raise ValidationError(
            f"{where}.description: must be a string of at most {MAX_DESCRIPTION} characters"
        )
    enum = item.get("enum")
    values: tuple[str, ...] = ()
    if enum is not None:
        if kind != "string":
            raise ValidationError(f'{where}.enum: only a "string" attribute may have an enum')
        if not isinstance(enum, list) or not 1 <= len(enum) <= MAX_ENUM:
            raise ValidationError(f"{where}.enum: must list 1 to {MAX_ENUM} values")
        for v in enum:
            if not isinstance(v, str) or not 1 <= len(v) <= MAX_ENUM_VALUE:
                raise ValidationError(
                    f"{where}.enum: {v!r} must be a string of 1 to {MAX_ENUM_VALUE} characters"
                )
        values = tuple(enum)
    low, high = item.get("minimum"), item.get("maximum")
    if kind == "number":
        # The guide makes minimum and maximum required for numbers, but its own examples leave
        # them out; without them any number is accepted.
        for key, v in (("minimum", low), ("maximum", high)):
            if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
                raise ValidationError(f"{where}.{key}: must be a number")
        if low is not None and high is not None and low > high:
            raise ValidationError(f"{where}: minimum {low} is greater than maximum {high}")
    elif low is not None or high is not None:
        raise ValidationError(f'{where}: minimum and maximum are for "number" attributes only')
    edits = item.get("editsAllowed", "any")
    if edits not in ("any", "none"):
        raise ValidationError(f'{where}.editsAllowed: must be "any" or "none", not {edits!r}')
    required = item.get("isRequired", False)
    if not isinstance(required, bool):
        raise ValidationError(f"{where}.isRequired: must be true or false")
    return Attribute(
        name,
        kind,
        description,
        values,
        None if low is None else float(low),
        None if high is None else float(high),
        edits,
        required,
    )


def _attribute_list(
    doc: Mapping[str, Any], key: str, uri: str, *, need_description: bool
) -> tuple[Attribute, ...]:
    raw = doc.get(key, [])
    if not isinstance(raw, list):
        raise ValidationError(f"{uri}: {key} must be a list of attribute objects")
    attrs = tuple(
        _attribute(item, f"{uri}: {key}[{i}]", need_description=need_description)
        for i, item in enumerate(raw)
    )
    names = [a.name for a in attrs]
    for n in names:
        if names.count(n) > 1:
            raise ValidationError(f"{uri}: {key} names the attribute {n!r} twice; names must be unique")
    return attrs


def parse_attribute_config(doc: Mapping[str, Any], uri: str, *, video: bool) -> AttributeConfig:
    """Check the attribute part of a 2020-03-01 label category file (already parsed as JSON)."""
    raw_labels = doc.get("labels")
    if not isinstance(raw_labels, list) or not raw_labels:
        raise ValidationError(f'{uri}: "labels" must be a non-empty list of {{"label": ...}}')
    if len(raw_labels) > MAX_LABELS:
        raise ValidationError(
            f"{uri}: {len(raw_labels)} labels; video and 3D jobs allow at most {MAX_LABELS}"
        )
    frame = _attribute_list(doc, "frameAttributes", uri, need_description=True)
    if len(frame) > MAX_FRAME_ATTRIBUTES:
        raise ValidationError(f"{uri}: {len(frame)} frameAttributes; at most {MAX_FRAME_ATTRIBUTES}")
    if sum(a.free_text for a in frame) > MAX_FREE_TEXT_FRAME_ATTRIBUTES:
        raise ValidationError(
            f"{uri}: frameAttributes has more than {MAX_FREE_TEXT_FRAME_ATTRIBUTES} free-form text attributes"
        )
    glob = _attribute_list(doc, "categoryGlobalAttributes", uri, need_description=False)
    labels: list[str] = []
    per_label: dict[str, tuple[Attribute, ...]] = {}
    edits: dict[str, str] = {}
    for i, item in enumerate(raw_labels):
        label = item.get("label") if isinstance(item, dict) else None
        if not isinstance(label, str) or not label:
            raise ValidationError(f'{uri}: labels[{i}] must be an object with a non-empty "label"')
        assert isinstance(item, dict)
        own = _attribute_list(
            item, "categoryAttributes", f"{uri}: labels[{i}] ({label!r})", need_description=False
        )
        clash = {a.name for a in own} & {a.name for a in glob}
        if clash:
            raise ValidationError(
                f"{uri}: label {label!r} has attribute {sorted(clash)[0]!r}, which categoryGlobalAttributes "
                "already names; global and label attributes cannot share a name"
            )
        every = glob + own
        if len(every) > MAX_LABEL_ATTRIBUTES:
            raise ValidationError(
                f"{uri}: label {label!r} has {len(every)} attributes (global included); "
                f"at most {MAX_LABEL_ATTRIBUTES}"
            )
        if sum(a.free_text for a in every) > MAX_FREE_TEXT_LABEL_ATTRIBUTES:
            raise ValidationError(
                f"{uri}: label {label!r} has more than {MAX_FREE_TEXT_LABEL_ATTRIBUTES} "
                "free-form text attributes"
            )
        edit = item.get("editsAllowed", "any")
        if edit not in ("any", "none"):
            raise ValidationError(
                f'{uri}: label {label!r}.editsAllowed must be "any" or "none", not {edit!r}'
            )
        labels.append(label)
        per_label[label] = own
        edits[label] = edit
    annotation = doc.get("annotationType", "BoundingBox")
    if "annotationType" in doc and not video:
        raise ValidationError(f"{uri}: annotationType is for video frame jobs only; remove it")
    if annotation not in ANNOTATION_TYPES:
        raise ValidationError(
            f"{uri}: annotationType must be one of {', '.join(ANNOTATION_TYPES)}, not {annotation!r}"
        )
    audit = doc.get("auditLabelAttributeName")
    if audit is not None and (not isinstance(audit, str) or not audit):
        raise ValidationError(f"{uri}: auditLabelAttributeName must be the earlier job's LabelAttributeName")
    return AttributeConfig(
        labels=tuple(labels),
        frame_attributes=frame,
        global_attributes=glob,
        label_attributes=per_label,
        label_edits=edits,
        annotation_type=annotation,
        audit_label_attribute=audit,
        instructions=_instructions(doc, uri),
    )


def _instructions(doc: Mapping[str, Any], uri: str) -> dict[str, str]:
    raw = doc.get("instructions")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValidationError(
            f"{uri}: instructions must be an object with shortInstruction and fullInstruction"
        )
    out: dict[str, str] = {}
    for key, limit in (
        ("shortInstruction", MAX_SHORT_INSTRUCTION),
        ("fullInstruction", MAX_FULL_INSTRUCTION),
    ):
        v = raw.get(key)
        if v is None:
            continue
        if not isinstance(v, str) or len(v) > limit:
            raise ValidationError(f"{uri}: instructions.{key} must be a string under {limit} characters")
        out[key] = v
    return out


def check_values(
    values: object, attrs: Sequence[Attribute], where: str, *, text_limit: int
) -> dict[str, str | float]:
    """Check a worker's attribute answers ({name: value}) against ``attrs``; return them clean.

    Empty values are dropped (answering an attribute is optional unless ``isRequired``).
    """
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise ValidationError(f"{where}: must be an object of attribute name to value")
    known = {a.name: a for a in attrs}
    out: dict[str, str | float] = {}
    for name, value in values.items():
        a = known.get(name)
        if a is None:
            raise ValidationError(f"{where}: unknown attribute {name!r}; expected one of {sorted(known)}")
        if value is None or value == "":
            continue
        if a.type == "number":
            if isinstance(value, str):
                try:
                    value = float(value)
                except ValueError:
                    raise ValidationError(f"{where}.{name}: {value!r} is not a number") from None
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValidationError(f"{where}.{name}: must be a number")
            if (a.minimum is not None and value < a.minimum) or (a.maximum is not None and value > a.maximum):
                raise ValidationError(f"{where}.{name}: {value} is outside {a.minimum}..{a.maximum}")
            out[name] = int(value) if float(value).is_integer() else float(value)
            continue
        if not isinstance(value, str):
            raise ValidationError(f"{where}.{name}: must be a string")
        if a.enum and value not in a.enum:
            raise ValidationError(f"{where}.{name}: {value!r} is not one of {list(a.enum)}")
        if len(value) > text_limit:
            raise ValidationError(f"{where}.{name}: at most {text_limit} characters")
        out[name] = value
    for a in attrs:
        if a.required and a.name not in out:
            raise ValidationError(f"{where}: the attribute {a.name!r} is required")
    return out
