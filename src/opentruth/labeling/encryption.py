"""A labeling job's KMS keys: ``OutputConfig.KmsKeyId`` and ``VolumeKmsKeyId``.

- **Output key**: every object the job writes goes through its
  :class:`~opentruth.cloud.authorized_store.AuthorizedObjectStore` with this key as the default
  SSE-KMS key (:func:`output_kms_key` feeds :meth:`Resources.job_store`), so each output object
  is sealed with a per-object data key that the *role* obtains via S3.
- **Volume key**: the job's own working files under ``DATA/jobs/<job>/`` are sealed through a
  grant the role creates (:mod:`opentruth.cloud.volume`): a cache of the task payloads
  (``payloads/tasks.jsonl``) and automated labeling's training and inference artefacts
  (``autolabel/``, :mod:`opentruth.labeling.autolabel.workfiles`), both via :func:`job_volume`.
- **Preflight**: the job's KMS requirements (``kms:GenerateDataKey``/``Decrypt``/``Encrypt`` via
  S3 with the output's ``aws:s3:arn`` context, ``kms:CreateGrant`` for the volume) are decided
  like KMS decides them, with the key policy and grants (:func:`authorize_key_use`).
"""

from __future__ import annotations

from typing import Any

import orjson

from opentruth.cloud.session import RoleSession
from opentruth.cloud.volume import JobVolume
from opentruth.db import repo_objects
from opentruth.db.models import LabelingJob
from opentruth.errors import NotFoundError, ValidationError
from opentruth.labeling.requirements import Requirement
from opentruth.labeling.resources import Resources

PAYLOAD_CACHE = "payloads/tasks.jsonl"


def output_kms_key(job: LabelingJob) -> str | None:
    """``OutputConfig.KmsKeyId`` of the job, if any."""
    return (job.request.get("OutputConfig") or {}).get("KmsKeyId") or None


def volume_kms_key(request: dict[str, Any]) -> str | None:
    """``LabelingJobAlgorithmsConfig.LabelingJobResourceConfig.VolumeKmsKeyId``, if any."""
    algorithms = request.get("LabelingJobAlgorithmsConfig") or {}
    return (algorithms.get("LabelingJobResourceConfig") or {}).get("VolumeKmsKeyId") or None


def _field_of(action: str) -> str:
    return "VolumeKmsKeyId" if action.lower() == "kms:creategrant" else "OutputConfig.KmsKeyId"


def check_keys_exist(res: Resources, request: dict[str, Any]) -> None:
    """At CreateLabelingJob: each KMS key the request names must exist (a ValidationException
    naming the member otherwise), so a typo fails the call rather than the job."""
    wanted = [
        ("OutputConfig.KmsKeyId", (request.get("OutputConfig") or {}).get("KmsKeyId")),
        ("LabelingJobAlgorithmsConfig.LabelingJobResourceConfig.VolumeKmsKeyId", volume_kms_key(request)),
    ]
    for member, key in wanted:
        if not key:
            continue
        if res.keys is None:
            raise ValidationError(f"{member} {key} cannot be used: this opentruth has no KMS configured")
        try:
            res.keys.resolve(key)
        except NotFoundError:
            raise ValidationError(
                f"{member} {key} does not exist in KMS; create the key (aws kms create-key) or fix the id"
            ) from None


def authorize_key_use(res: Resources, session: RoleSession, req: Requirement) -> None:
    """Decide one ``kms:`` requirement of the job with the key policy, IAM and grants."""
    if res.keys is None:
        raise ValidationError(f"{_field_of(req.action)} {req.resource} cannot be used: no KMS is configured")
    try:
        res.keys.authorize(session, req.action, req.resource, context=req.context)
    except NotFoundError:
        raise ValidationError(
            f"{_field_of(req.action)} {req.resource} does not exist in KMS; create it or fix the id"
        ) from None


def job_volume(res: Resources, job: LabelingJob, session: RoleSession) -> JobVolume | None:
    """The job's working folder (``None`` without a work directory); with ``VolumeKmsKeyId``
    the role first creates the volume grant (``kms:CreateGrant``)."""
    if res.work_dir is None:
        return None
    return JobVolume.attach(
        res.work_dir, job.name, job.arn, keys=res.keys, session=session, kms_key=volume_kms_key(job.request)
    )


def cache_task_payloads(res: Resources, job: LabelingJob, session: RoleSession) -> None:
    """Write the ingested task payloads to the job's volume, sealed under ``VolumeKmsKeyId``.

    Only jobs with a volume key keep this cache: the database already holds the payloads, and
    without a key there is nothing to demonstrate at rest.
    """
    if volume_kms_key(job.request) is None:
        return
    volume = job_volume(res, job, session)
    if volume is None:
        return
    lines: list[bytes] = []
    with res.db.read() as s:
        for obj in repo_objects.iter_objects(s, job.id):
            lines.append(orjson.dumps({"dataObjectId": obj.dataset_object_id, "taskInput": obj.task_input}))
    volume.write(PAYLOAD_CACHE, b"\n".join(lines) + (b"\n" if lines else b""))
