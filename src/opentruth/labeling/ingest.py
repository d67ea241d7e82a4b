"""Initializing a job: the preflight of every fatal requirement, and the manifest's ingest.

Both run before any task reaches a worker. The preflight evaluates what the job will do with
its role (better than Ground Truth, which fails part-way); the ingest streams the manifest into
the database in batches and resumes at the next line after a crash (idempotent inserts).
"""

from __future__ import annotations

from typing import Any

import orjson

from opentruth.cloud.authorized_store import AuthorizedObjectStore
from opentruth.cloud.objectstore import NoSuchKey
from opentruth.cloud.session import RoleSession
from opentruth.db import repo_objects
from opentruth.db.models import LabelingJob, ObjectState
from opentruth.errors import OpenTruthError
from opentruth.labeling import autolabel, custom, encryption
from opentruth.labeling.jobstep import JobSteps, reading_input
from opentruth.labeling.manifest import LabelConfig, read_manifest
from opentruth.labeling.requirements import FATAL, derive_requirements, parse_s3_uri
from opentruth.labeling.tasks import Behaviour

INGEST_BATCH = 1000


def preflight(steps: JobSteps, job: LabelingJob, session: RoleSession) -> None:
    """Fail early, better than Ground Truth: evaluate every fatal requirement now."""
    res = steps.res

    def tags(bucket: str, key: str) -> dict[str, str] | None:
        try:
            return res.store.get_object_tagging(bucket, key)
        except (NoSuchKey, OpenTruthError):
            return None

    reqs = derive_requirements(job.request, object_tags=tags, now=res.clock())
    for r in reqs.requirements:
        if r.severity != FATAL or r.trust:
            continue
        if r.action.startswith("kms:"):  # the key policy and grants decide, as in KMS
            encryption.authorize_key_use(res, session, r)
            continue
        # A function's own policy may grant the role what its identity policies do not.
        policy = custom.function_policy(res, r.resource) if r.action.startswith("lambda:") else None
        session.authorize(
            r.action,
            r.resource,
            context=r.context,
            resource_account=r.resource_account,
            resource_policy=policy,
        )


def ingest(
    steps: JobSteps,
    job: LabelingJob,
    behaviour: Behaviour,
    labels: LabelConfig | None,
    session: RoleSession,
    store: AuthorizedObjectStore,
) -> int:
    """Stream the manifest into the database in batches; resumable (idempotent inserts)."""
    res = steps.res
    uri = job.request["InputConfig"]["DataSource"]["S3DataSource"]["ManifestS3Uri"]
    loc = parse_s3_uri(uri, "ManifestS3Uri")
    with res.db.read() as s:
        start = repo_objects.next_ingest_index(s, job.id)
    label_names = labels.labels if labels else ()
    batch: list[tuple[int, str]] = []
    inputs: list[dict[str, Any] | None] = []
    total = 0

    def flush() -> None:
        if not batch:
            return
        with res.db.transaction() as s:
            repo_objects.insert_data_objects(
                s,
                job.id,
                batch,
                task_inputs=None if behaviour.prepare else inputs,
                # Automated labeling holds every object until its loop releases it.
                state=ObjectState.PREPARING
                if behaviour.prepare or autolabel.enabled(job.request)
                else ObjectState.PENDING,
                now=res.clock(),
            )
        batch.clear()
        inputs.clear()

    with reading_input("ManifestS3Uri", uri), store.open_stream(loc.bucket, loc.key) as stream:
        for line in read_manifest(stream):
            total += 1
            if line.index < start:
                continue
            text = None
            if line.is_reference:
                ref = parse_s3_uri(line.source, f"manifest line {line.lineno}: source-ref")
                steps.check_object(session, ref.bucket, ref.key)
                if behaviour.text:
                    with reading_input(f"manifest line {line.lineno}: source-ref", line.source):
                        text = store.get_object(ref.bucket, ref.key).body.decode("utf-8", "replace")
            batch.append((line.index, orjson.dumps(line.data).decode("utf-8")))
            inputs.append(behaviour.task_input(line.data, label_names, text))
            if len(batch) >= INGEST_BATCH:
                flush()
    flush()
    return total
