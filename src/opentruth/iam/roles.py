"""IAM roles as AWS describes them, and the policy sets they put in force.

A role file (ROLE.json) is one entry of ``RoleDetailList`` from
``aws iam get-account-authorization-details``, so users can produce it with the AWS CLI::

    {"RoleName": "...", "Arn": "arn:aws:iam::111122223333:role/...", "Path": "/",
     "AssumeRolePolicyDocument": {...},
     "RolePolicyList": [{"PolicyName": "...", "PolicyDocument": {...}}],
     "AttachedManagedPolicies": [{"PolicyName": "...", "PolicyArn": "..."}],
     "PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "..."},
     "Tags": [{"Key": "...", "Value": "..."}],
     "ManagedPolicyDocuments": {"<customer managed policy ARN>": {...}}}

``ManagedPolicyDocuments`` is opentruth's one addition: the documents of customer managed
policies, which that AWS command lists separately (:meth:`Role.from_authorization_details`
reads the whole output instead). AWS managed policies resolve from the shipped documents.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from opentruth.errors import ValidationError
from opentruth.iam.arn import parse_arn
from opentruth.iam.context import session_arn
from opentruth.iam.evaluate import Evaluator, NamedPolicy, PolicySet, Request, Result
from opentruth.iam.managed import ManagedPolicyRegistry
from opentruth.iam.policy import Policy, PolicyError, parse_policy

#: The name under which explanations cite a role's trust policy.
TRUST_POLICY_NAME = "trust"


def decode_document(value: object, where: str) -> dict[str, Any]:
    """A policy document as a dict, from a dict, JSON text or URL-encoded JSON text.

    ``get-account-authorization-details`` and the IAM query API return documents URL-encoded
    (RFC 3986: ``%7B%22Version%22...``); the AWS CLI decodes them for some commands and not for
    others, so both forms are accepted.
    """
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("%"):
            text = unquote(text)
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise ValidationError(f"{where}: not a JSON policy document ({exc})") from None
        if isinstance(doc, dict):
            return doc
    raise ValidationError(f"{where}: a policy document must be a JSON object (or its JSON text)")


def _str(detail: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = detail.get(key, default)
    if not isinstance(value, str) or not value:
        raise ValidationError(f'{where}: "{key}" must be a non-empty string')
    return value


def _list(detail: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = detail.get(key, [])
    if not isinstance(value, list):
        raise ValidationError(f'{where}: "{key}" must be a list')
    return value


@dataclass(frozen=True, slots=True)
class InlinePolicy:
    """An inline role policy (``RolePolicyList`` entry), document decoded."""

    name: str
    document: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AttachedPolicy:
    """An attached managed policy (``AttachedManagedPolicies`` entry)."""

    name: str
    arn: str


@dataclass(frozen=True)
class Role:
    """An IAM role: its trust policy, permissions policies and permissions boundary."""

    name: str
    arn: str
    trust_document: dict[str, Any]
    path: str = "/"
    inline: tuple[InlinePolicy, ...] = ()
    attached: tuple[AttachedPolicy, ...] = ()
    boundary_arn: str | None = None
    tags: tuple[tuple[str, str], ...] = ()
    managed_documents: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    role_id: str | None = None

    # ---------------------------------------------------------------- loading

    @classmethod
    def from_detail(cls, detail: Mapping[str, Any]) -> Role:
        """A role from one ``RoleDetailList`` entry (plus ``ManagedPolicyDocuments``).

        Also accepts the output of ``aws iam get-role`` (``{"Role": {...}}``), which lacks the
        permissions policies: such a role has only its trust policy.
        """
        if "Role" in detail and isinstance(detail["Role"], Mapping) and "RoleName" not in detail:
            detail = detail["Role"]
        if not isinstance(detail, Mapping):
            raise ValidationError("role: must be a JSON object (one entry of RoleDetailList)")
        name = _str(detail, "RoleName", "role")
        where = f"role {name}"
        arn = _str(detail, "Arn", where)
        parsed = parse_arn(arn)
        if parsed is None or parsed.service != "iam" or not parsed.resource.startswith("role/"):
            raise ValidationError(
                f'{where}: "Arn" {arn!r} is not a role ARN (arn:aws:iam::<account>:role/<name>)'
            )
        if "AssumeRolePolicyDocument" not in detail:
            raise ValidationError(
                f'{where}: "AssumeRolePolicyDocument" (the trust policy) is missing; '
                f"it is needed to check that SageMaker may assume the role"
            )
        trust = decode_document(detail["AssumeRolePolicyDocument"], f"{where}: AssumeRolePolicyDocument")
        inline: list[InlinePolicy] = []
        for i, item in enumerate(_list(detail, "RolePolicyList", where)):
            iw = f"{where}: RolePolicyList[{i}]"
            if not isinstance(item, Mapping):
                raise ValidationError(f'{iw}: must be {{"PolicyName": ..., "PolicyDocument": ...}}')
            pname = _str(item, "PolicyName", iw)
            if "PolicyDocument" not in item:
                raise ValidationError(f'{iw}: "PolicyDocument" is missing')
            inline.append(InlinePolicy(pname, decode_document(item["PolicyDocument"], f"{where}: {pname}")))
        attached: list[AttachedPolicy] = []
        for i, item in enumerate(_list(detail, "AttachedManagedPolicies", where)):
            aw = f"{where}: AttachedManagedPolicies[{i}]"
            if not isinstance(item, Mapping):
                raise ValidationError(f'{aw}: must be {{"PolicyName": ..., "PolicyArn": ...}}')
            parn = _str(item, "PolicyArn", aw)
            attached.append(AttachedPolicy(str(item.get("PolicyName") or parn.rsplit("/", 1)[-1]), parn))
        boundary = detail.get("PermissionsBoundary")
        boundary_arn: str | None = None
        if boundary:
            if not isinstance(boundary, Mapping):
                raise ValidationError(f'{where}: "PermissionsBoundary" must be an object')
            boundary_arn = _str(boundary, "PermissionsBoundaryArn", f"{where}: PermissionsBoundary")
        tags: list[tuple[str, str]] = []
        for i, tag in enumerate(_list(detail, "Tags", where)):
            if not isinstance(tag, Mapping) or not isinstance(tag.get("Key"), str):
                raise ValidationError(f'{where}: Tags[{i}] must be {{"Key": ..., "Value": ...}}')
            tags.append((tag["Key"], str(tag.get("Value", ""))))
        raw_docs = detail.get("ManagedPolicyDocuments") or {}
        if not isinstance(raw_docs, Mapping):
            raise ValidationError(f'{where}: "ManagedPolicyDocuments" must be an object {{arn: document}}')
        docs = {
            str(k): decode_document(v, f"{where}: ManagedPolicyDocuments[{k}]") for k, v in raw_docs.items()
        }
        role_id = detail.get("RoleId")
        return cls(
            name=name,
            arn=arn,
            trust_document=trust,
            path=str(detail.get("Path") or "/"),
            inline=tuple(inline),
            attached=tuple(attached),
            boundary_arn=boundary_arn,
            tags=tuple(tags),
            managed_documents=docs,
            role_id=role_id if isinstance(role_id, str) else None,
        )

    @classmethod
    def from_authorization_details(cls, output: Mapping[str, Any], role_name: str) -> Role:
        """The role ``role_name`` from the whole ``get-account-authorization-details`` output.

        Managed policy documents come from its ``Policies`` list: the version marked
        ``IsDefaultVersion`` (or named by ``DefaultVersionId``), which is the one in force.
        """
        roles = [r for r in output.get("RoleDetailList", []) if isinstance(r, Mapping)]
        match = [r for r in roles if r.get("RoleName") == role_name]
        if not match:
            names = ", ".join(sorted(str(r.get("RoleName")) for r in roles)) or "none"
            raise ValidationError(f"role {role_name!r} is not in RoleDetailList (roles there: {names})")
        detail = dict(match[0])
        docs: dict[str, object] = dict(detail.get("ManagedPolicyDocuments") or {})
        for pol in output.get("Policies", []):
            if not isinstance(pol, Mapping) or not isinstance(pol.get("Arn"), str):
                continue
            default = pol.get("DefaultVersionId")
            for version in pol.get("PolicyVersionList", []):
                if not isinstance(version, Mapping):
                    continue
                if version.get("IsDefaultVersion") is True or (
                    default and version.get("VersionId") == default
                ):
                    docs.setdefault(pol["Arn"], version.get("Document"))
                    break
        detail["ManagedPolicyDocuments"] = docs
        return cls.from_detail(detail)

    @classmethod
    def load(cls, path: Path, role_name: str | None = None, *, role_arn: str | None = None) -> Role:
        """Read a role file: one ``RoleDetailList`` entry, or the whole
        ``get-account-authorization-details`` output together with ``role_name`` (or, without
        one, the role whose ``Arn`` is ``role_arn``: the job's ``RoleArn`` names it already)."""
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise ValidationError(f"cannot read role file {path}: {exc}") from None
        except ValueError as exc:
            raise ValidationError(f"role file {path}: not valid JSON ({exc})") from None
        if not isinstance(doc, dict):
            raise ValidationError(f"role file {path}: must be a JSON object")
        if "RoleDetailList" in doc:
            if role_name is None and role_arn is not None:
                role_name = next(
                    (
                        str(r.get("RoleName"))
                        for r in doc["RoleDetailList"]
                        if isinstance(r, dict) and r.get("Arn") == role_arn
                    ),
                    None,
                )
            if role_name is None:
                names = ", ".join(
                    str(r.get("RoleName")) for r in doc["RoleDetailList"] if isinstance(r, dict)
                )
                raise ValidationError(
                    f"role file {path} is a get-account-authorization-details output; "
                    f"name the role with --role-name (roles there: {names or 'none'})"
                )
            return cls.from_authorization_details(doc, role_name)
        role = cls.from_detail(doc)
        if role_name is not None and role_name != role.name:
            raise ValidationError(f"role file {path} describes role {role.name!r}, not {role_name!r}")
        return role

    # ---------------------------------------------------------------- policies

    @property
    def account(self) -> str:
        arn = parse_arn(self.arn)
        assert arn is not None  # checked at construction
        return arn.account

    @property
    def session_arn(self) -> str:
        """The ARN of the session SageMaker runs the job under."""
        return session_arn(self.arn)

    def registry(self) -> ManagedPolicyRegistry:
        """Managed policies as this role sees them: shipped AWS ones plus its own documents."""
        return ManagedPolicyRegistry(self.managed_documents)

    def relies_on(self, policy_arn: str) -> bool:
        """True when the managed policy ``policy_arn`` is attached to the role."""
        return any(p.arn == policy_arn for p in self.attached)

    @cached_property
    def trust_policy(self) -> Policy:
        """The parsed trust policy (``AssumeRolePolicyDocument``)."""
        return self._parse(self.trust_document, TRUST_POLICY_NAME, "trust policy (AssumeRolePolicyDocument)")

    @cached_property
    def policy_set(self) -> PolicySet:
        """The identity policies (inline, then attached managed) and the boundary of the role.

        Raises :class:`ValidationError` when a policy does not parse, or when an attached
        managed policy has no document (naming it and pointing to ``ManagedPolicyDocuments``).
        """
        registry = self.registry()
        identity = [
            NamedPolicy(p.name, self._parse(p.document, p.name, f"inline policy {p.name}"))
            for p in self.inline
        ]
        for att in self.attached:
            identity.append(NamedPolicy(att.name, self._resolve(registry, att.arn, "attached")))
        boundary = None
        if self.boundary_arn is not None:
            policy = self._resolve(registry, self.boundary_arn, "permissions boundary")
            boundary = NamedPolicy(self.boundary_arn.rsplit("/", 1)[-1], policy)
        return PolicySet(identity=tuple(identity), boundary=boundary)

    def _resolve(self, registry: ManagedPolicyRegistry, arn: str, what: str) -> Policy:
        try:
            return registry.resolve(arn)
        except PolicyError as exc:
            raise ValidationError(f"role {self.name}: {what} managed policy {arn}: {exc.message}") from None
        except ValidationError as exc:
            raise ValidationError(f"role {self.name}: {exc.message}") from None

    def _parse(self, document: Mapping[str, Any], name: str, what: str) -> Policy:
        try:
            return parse_policy(dict(document), name=name)
        except PolicyError as exc:
            details = "; ".join(str(f) for f in exc.findings) if exc.findings else exc.message
            raise ValidationError(f"role {self.name}: {what} is malformed: {details}") from None

    def trust_allows(
        self,
        service: str,
        source_account: str | None,
        source_arn: str | None,
        evaluator: Evaluator | None = None,
    ) -> Result:
        """May ``service`` (``sagemaker.amazonaws.com``) assume this role for ``source_arn``?

        The trust policy is the role's resource policy; the service principal has no identity
        policies, so it alone decides. ``aws:SourceAccount``/``aws:SourceArn`` are the keys
        SageMaker sets when it assumes a role on behalf of a resource, which is what makes
        confused-deputy conditions in the trust policy work.
        """
        context: dict[str, str] = {}
        if source_account is not None:
            context["aws:SourceAccount"] = source_account
        if source_arn is not None:
            context["aws:SourceArn"] = source_arn
        request = Request(principal=service, action="sts:AssumeRole", resource=self.arn, context=context)
        policies = PolicySet(resource=NamedPolicy(TRUST_POLICY_NAME, self.trust_policy))
        return (evaluator or Evaluator()).evaluate(policies, request)

    # ---------------------------------------------------------------- writing

    def to_detail(self) -> dict[str, Any]:
        """The ROLE.json shape (a ``RoleDetailList`` entry plus ``ManagedPolicyDocuments``)."""
        out: dict[str, Any] = {"Path": self.path, "RoleName": self.name}
        if self.role_id:
            out["RoleId"] = self.role_id
        out["Arn"] = self.arn
        out["AssumeRolePolicyDocument"] = self.trust_document
        out["RolePolicyList"] = [{"PolicyName": p.name, "PolicyDocument": p.document} for p in self.inline]
        out["AttachedManagedPolicies"] = [{"PolicyName": p.name, "PolicyArn": p.arn} for p in self.attached]
        if self.boundary_arn is not None:
            out["PermissionsBoundary"] = {
                "PermissionsBoundaryType": "Policy",
                "PermissionsBoundaryArn": self.boundary_arn,
            }
        out["Tags"] = [{"Key": k, "Value": v} for k, v in self.tags]
        if self.managed_documents:
            out["ManagedPolicyDocuments"] = dict(self.managed_documents)
        return out
