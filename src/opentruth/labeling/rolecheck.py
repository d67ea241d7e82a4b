"""Check an execution role against everything a labeling job needs, before the job runs.

Each requirement is evaluated with the IAM engine under the role's policies (inline, managed and
boundary); the trust requirement under the role's trust policy. The role may run the job when
every fatal requirement is allowed and the trust policy lets SageMaker assume it.

Where a role relies on ``AmazonSageMakerGroundTruthExecution`` and a request is denied, the
check says which of the policy's naming rules the resource breaks, because those rules (names
must contain GroundTruth, SageMaker…) are the usual reason a job with that policy fails.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from opentruth.cloud.embedded_store import EmbeddedObjectStore
from opentruth.errors import NotFoundError, ValidationError
from opentruth.iam import Evaluator, NamedPolicy, PolicySet, Request, Result, parse_policy
from opentruth.iam.arn import parse_arn
from opentruth.iam.managed import GROUND_TRUTH_EXECUTION_ARN
from opentruth.iam.roles import TRUST_POLICY_NAME, Role
from opentruth.labeling.manifest import read_manifest
from opentruth.labeling.requirements import JobRequirements, Requirement, parse_s3_uri

UNCHECKED = "Unchecked"

# The name fragments AmazonSageMakerGroundTruthExecution's wildcards look for. ARN matching is
# case-sensitive, which is why the policy spells out each case variant (groundtruth.md §9).
_S3_WORDS = ("GroundTruth", "Groundtruth", "groundtruth", "SageMaker", "Sagemaker", "sagemaker")
_LAMBDA_WORDS = ("GtRecipe", "LabelingFunction", "SageMaker", "sagemaker", "Sagemaker")
_SNS_WORDS = (
    "GroundTruth", "Groundtruth", "groundTruth", "groundtruth",
    "SageMaker", "Sagemaker", "sageMaker", "sagemaker",
)  # fmt: skip
_SQS_WORDS = ("GroundTruth",)


@dataclass(frozen=True, slots=True)
class CheckedRequirement:
    """A requirement with its decision, the deciding statement and, if denied, why."""

    requirement: Requirement
    result: Result

    statement: str
    why: str = ""

    @property
    def allowed(self) -> bool:
        return self.result.allowed

    @property
    def decision(self) -> str:
        return str(self.result.decision)

    def to_dict(self) -> dict[str, Any]:
        req = self.requirement
        out: dict[str, Any] = {
            "requirement": req.requirement,
            "severity": req.severity,
            "action": req.action,
            "resource": req.resource,
            "decision": self.decision,
            "statement": self.statement,
        }
        if self.why:
            out["why"] = self.why
        return out


@dataclass(frozen=True, slots=True)
class RoleCheck:
    """The outcome of checking one role against one job."""

    role: Role
    requirements: JobRequirements
    trust: CheckedRequirement
    results: tuple[CheckedRequirement, ...]

    @property
    def allowed(self) -> bool:
        """Every fatal requirement is allowed and SageMaker may assume the role."""
        fatal = (r for r in self.results if r.requirement.severity == "fatal")
        return self.trust.allowed and all(r.allowed for r in fatal)

    @property
    def clean(self) -> bool:
        """Nothing at all is denied, advisory requirements included."""
        return self.trust.allowed and all(r.allowed for r in self.results)

    @property
    def warnings(self) -> list[CheckedRequirement]:
        """Denied advisory requirements: the job runs, but loses logs or metrics."""
        return [r for r in self.results if not r.allowed and r.requirement.severity == "advisory"]

    @property
    def unchecked(self) -> tuple[str, ...]:
        return self.requirements.unchecked

    def to_dict(self) -> dict[str, Any]:
        trust = self.trust.to_dict()
        trust["principal"] = self.trust.requirement.principal
        trust["context"] = dict(self.trust.requirement.context)
        return {
            "allowed": self.allowed,
            "trust": trust,
            "requirements": [r.to_dict() for r in self.results],
            "unchecked": list(self.unchecked),
        }


def default_key_policy(account: str) -> NamedPolicy:
    """The default KMS key policy: it delegates the key to the account's IAM policies.

    Key policies are not part of a role, so unless one is given the check assumes the default,
    under which the role's own statements decide.
    """
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
    return NamedPolicy("default key policy (assumed)", parse_policy(doc, name="default key policy (assumed)"))


def _deciding(result: Result) -> str:
    if result.allowed:
        return ", ".join(str(r) for r in result.allowed_by)
    if result.denied_by:
        return "denied by " + ", ".join(str(r) for r in result.denied_by)
    return "no allow in " + (", ".join(result.missing) or "any policy")


def _lacks(text: str, words: Iterable[str]) -> bool:
    return not any(w in text for w in words)


def naming_rule(req: Requirement, result: Result) -> str:
    """Why ``AmazonSageMakerGroundTruthExecution`` does not cover ``req``, in plain words.

    Empty when the policy's naming rules are not the reason (the name fits, or the denial is
    explicit, or the role's identity policies did allow and a boundary filtered it).
    """
    if result.allowed or result.denied_by or "identity" not in result.missing:
        return ""
    action = req.action.lower()
    arn = parse_arn(req.resource)
    if action in ("s3:getobject", "s3:putobject", "s3:abortmultipartupload") and arn is not None:
        bucket, _, key = arn.resource.partition("/")
        if not _lacks(arn.resource, _S3_WORDS):
            return ""
        text = f"bucket {bucket}'s name (and the key {key}) lacks GroundTruth or SageMaker"
        if action == "s3:getobject":
            if "s3:existingobjecttag/sagemaker" in {k.lower() for k in req.context}:
                text += ", and the object's SageMaker tag is not true"
            elif any(k.lower().startswith("s3:existingobjecttag/") for k in req.context):
                text += ", and the object has no SageMaker tag"
            else:
                text += ", and the object's tags are unknown (a SageMaker=true tag would allow it)"
        return text
    if action == "lambda:invokefunction" and arn is not None:
        name = arn.resource.split(":")[1] if ":" in arn.resource else arn.resource
        if _lacks(name, _LAMBDA_WORDS):
            return f"function {name}'s name lacks GtRecipe, SageMaker or LabelingFunction"
        return ""
    if action.startswith("sqs:") and arn is not None and _lacks(arn.resource, _SQS_WORDS):
        return f"queue {arn.resource}'s name lacks GroundTruth"
    if action in ("sns:subscribe", "sns:publish") and arn is not None:
        if arn.service != "sns":
            return f"{req.resource} is not an SNS topic ARN"
        if _lacks(arn.resource, _SNS_WORDS):
            return f"topic {arn.resource}'s name lacks GroundTruth or SageMaker"
        return ""
    if action.startswith("kms:"):
        return "the managed policy grants no KMS permissions; add a statement for this key"
    if action == "iam:passrole":
        return "the managed policy does not grant iam:PassRole; add it with iam:PassedToService"
    return ""


def wrong_service_hint(identity: Iterable[NamedPolicy], req: Requirement, result: Result) -> str:
    """Point at an Allow for the action whose ARN names another service than the resource's.

    The seed page's streaming policy grants ``sns:Subscribe`` on ``arn:aws:sqs:...`` topic
    ARNs; such a statement can never match, and the plain implicit deny would hide why.
    """
    if result.allowed or result.denied_by:
        return ""
    wanted = parse_arn(req.resource)
    if wanted is None:
        return ""
    action = req.action.lower()
    for named in identity:
        for st in named.policy.statements:
            if st.effect != "Allow" or st.not_action or st.not_resource or st.resources is None:
                continue
            if not any(fnmatchcase(action, a.lower()) for a in st.actions):
                continue
            for pattern in st.resources:
                got = parse_arn(pattern)
                if got is not None and "*" not in got.service and got.service != wanted.service:
                    where = f"{named.name}/{st.sid}" if st.sid else f"{named.name}/#{st.index}"
                    return (
                        f"{where} grants {req.action} on {pattern}, an {got.service} ARN; "
                        f"it must name the {wanted.service} resource ({req.resource})"
                    )
    return ""


def check_role(
    role: Role,
    reqs: JobRequirements,
    *,
    evaluator: Evaluator | None = None,
    resource_policies: Mapping[str, NamedPolicy] | None = None,
) -> RoleCheck:
    """Evaluate every requirement of ``reqs`` under ``role``.

    ``resource_policies`` maps a resource ARN to its resource policy (bucket, topic, key…).
    KMS keys without one get :func:`default_key_policy`. Raises :class:`ValidationError` when
    the role's policies cannot be resolved (for example an attached AWS managed policy that is
    not shipped) or do not parse.
    """
    ev = evaluator or Evaluator()
    identity = role.policy_set
    relies = role.relies_on(GROUND_TRUTH_EXECUTION_ARN)
    resources = dict(resource_policies or {})
    if role.arn != reqs.job.role_arn:
        raise ValidationError(
            f"the job's RoleArn is {reqs.job.role_arn}, but the role file describes {role.arn}; "
            f"check the role the job names"
        )

    trust_ref: CheckedRequirement | None = None
    results: list[CheckedRequirement] = []
    for req in reqs.requirements:
        if req.trust:
            src_account = req.context.get("aws:SourceAccount")
            src_arn = req.context.get("aws:SourceArn")
            result = role.trust_allows(
                req.principal,
                src_account if isinstance(src_account, str) else None,
                src_arn if isinstance(src_arn, str) else None,
                evaluator=ev,
            )
            statement = _deciding(result)
            if not result.allowed and not result.denied_by:
                statement = f"no allow in {TRUST_POLICY_NAME} policy"
            trust_ref = CheckedRequirement(req, result, statement)
            continue
        resource = resources.get(req.resource)
        arn = parse_arn(req.resource)
        if resource is None and arn is not None and arn.service == "kms":
            resource = default_key_policy(arn.account)
        policies = PolicySet(identity=identity.identity, resource=resource, boundary=identity.boundary)
        request = Request(req.principal, req.action, req.resource, req.context, req.resource_account)
        result = ev.evaluate(policies, request)
        why = naming_rule(req, result) if relies else ""
        why = why or wrong_service_hint(identity.identity, req, result)
        results.append(CheckedRequirement(req, result, _deciding(result), why))
    if trust_ref is None:  # pragma: no cover - derive_requirements always adds it
        raise ValidationError("the job's requirements lack the trust requirement")
    return RoleCheck(role, reqs, trust_ref, tuple(results))


# ------------------------------------------------------------------------ data objects


def manifest_sources(chunks: Iterable[bytes]) -> list[str]:
    """The ``source-ref`` URIs a manifest names (inline ``source`` lines need no access)."""
    return [line.source for line in read_manifest(chunks) if line.is_reference]


def read_local_manifest(path: Path) -> list[str]:
    """The ``source-ref`` URIs of a local copy of the manifest."""
    try:
        with path.open("rb") as f:
            return manifest_sources(iter(lambda: f.read(1 << 16), b""))
    except OSError as exc:
        raise ValidationError(f"cannot read manifest {path}: {exc}") from None


class StoreObjects:
    """Manifest and object tags from the embedded object store under ``DATA``."""

    def __init__(self, data_dir: Path) -> None:
        if not (data_dir / "objects").is_dir():
            raise ValidationError(
                f"--data {data_dir}: no objects/ folder; "
                f"give opentruth's data directory (DATA/objects/<bucket>/<key>)"
            )
        self._store = EmbeddedObjectStore(data_dir, durable=False)

    def manifest_sources(self, uri: str) -> list[str]:
        loc = parse_s3_uri(uri, "InputConfig.DataSource.S3DataSource.ManifestS3Uri")
        try:
            stream = self._store.open_stream(loc.bucket, loc.key)
        except NotFoundError:
            raise ValidationError(f"manifest {uri} is not in the data directory") from None
        with stream:
            return manifest_sources(stream)

    def tags(self, bucket: str, key: str) -> Mapping[str, str] | None:
        """The object's tags; ``None`` when the object is not there (its tags are unknown)."""
        try:
            return self._store.get_object_tagging(bucket, key)
        except (NotFoundError, ValidationError):
            return None
