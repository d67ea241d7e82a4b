"""Custom workflows: the job's own pre-annotation and post-annotation functions.

A job whose ``PreHumanTaskLambdaArn``/``AnnotationConsolidationLambdaArn`` are not Ground Truth's
built-in task types runs as Ground Truth runs it:

1. **Ingest** stores every object as ``preparing`` (no task input yet; workers never see it).
2. **Prepare** (work item ``prepare:<job>``) invokes the pre-annotation function once per object
   with exactly ``{"version": "2018-10-16", "labelingJobArn", "dataObject": <the manifest line>}``.
   The reply ``{"taskInput": {...}, "isHumanAnnotationRequired": bool}`` makes the object ready
   with that task input (the template's ``task.input``). ``humanAnnotationRequired`` with
   ``"true"``/``"false"`` strings, as one DG sample returns, is read the same way.

   *An object that needs no human annotation* (``false``) is excluded from human labeling and
   also from the post-annotation function (its payload item would have no annotation, which
   Ground Truth never sends). Its output line is its input line, unchanged, like any unlabeled
   line, and it stays counted as ``Unlabeled``: nobody labeled it.
3. **Consolidate** writes one worker-response file per submission and the post-annotation payload
   (``consolidation-request/iteration-1/<ts>.json``) through the job's role, invokes the
   post-annotation function with ``{"version", "labelingJobArn", "labelCategories",
   "labelAttributeName", "roleArn", "payload": {"s3Uri"}, "outputConfig"}``, stores its reply
   under ``consolidation-response/`` and turns each ``{datasetObjectId, consolidatedAnnotation:
   {content: {<attr>: ...}}}`` into that object's output line (metadata type
   ``groundtruth/custom``, added by opentruth as Ground Truth does).

Ground Truth's ``PRE-PassThrough`` gives each object its manifest line as task input, and
``ACS-PassThrough`` (or no post function) labels each object ``{}`` with ``worker-response-ref``
in the metadata, naming the object's first worker-response file. These built-ins are run by the
service itself: no role check, as in AWS.

Every invocation of the job's own functions is first authorised as ``lambda:InvokeFunction`` of
the job's role session on the function's ARN, with the function's policy as the resource policy;
a denial fails the job (the runner turns :class:`RoleAccessDeniedError` into its FailureReason).
A failing invocation (exception, crash, timeout, reply that is not JSON or not the right shape)
is logged in the job's log and retried twice with exponential back-off; then the objects it was
for fail (``FailedNonRetryableError``) with a reason naming the function, and the job goes on. A
reply whose item is wrong (unknown ``datasetObjectId``, no ``<attr>`` in ``content``) fails that
object only.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select

from opentruth.awsmodel.tasktypes import is_builtin_function, task_type_of
from opentruth.cloud.authorized_store import AuthorizedObjectStore
from opentruth.cloud.functions import (
    FunctionInfo,
    InvokeResult,
    RetryPolicy,
    authorize_invoke,
    invoke_with_retries,
)
from opentruth.cloud.session import RoleSession
from opentruth.db import repo_objects, repo_work
from opentruth.db.models import Assignment, DataObject, LabelingJob, ObjectState, Worker
from opentruth.db.repo_jobs import add_label_counts
from opentruth.db.repo_objects import ObjectResult
from opentruth.errors import ValidationError
from opentruth.iam import NamedPolicy
from opentruth.labeling import output as out
from opentruth.labeling.consolidate import ITERATION, _data_object, _worker_files
from opentruth.labeling.joblog import JobLog
from opentruth.labeling.jobs import output_layout
from opentruth.labeling.manifest import parse_label_config
from opentruth.labeling.requirements import parse_s3_uri
from opentruth.labeling.resources import Resources

__all__ = [
    "EVENT_VERSION",
    "Workflow",
    "consolidate_custom",
    "function_policy",
    "is_custom",
    "prepare_objects",
    "queue_prepare",
]

#: The ``version`` of both events (DG).
EVENT_VERSION = "2018-10-16"
PREPARE_BATCH = 200
CONSOLIDATE_BATCH = 200
#: Objects prepared at once (each invocation is one worker process).
PREPARE_PARALLEL = 4
DEFAULT_RETRY = RetryPolicy()


@dataclass(frozen=True)
class Workflow:
    """The job's own functions; None where Ground Truth's PassThrough (or nothing) is given."""

    pre: str | None
    post: str | None

    @classmethod
    def of(cls, request: Mapping[str, Any]) -> Workflow:
        human = request.get("HumanTaskConfig") or {}
        pre = human.get("PreHumanTaskLambdaArn")
        post = (human.get("AnnotationConsolidationConfig") or {}).get("AnnotationConsolidationLambdaArn")

        def own(arn: object) -> str | None:
            return arn if isinstance(arn, str) and arn and not is_builtin_function(arn) else None

        return cls(own(pre), own(post))


def is_custom(request: Mapping[str, Any]) -> bool:
    """A custom workflow (the user's functions, or Ground Truth's PassThrough)."""
    return not task_type_of(request).is_builtin


def queue_prepare(res: Resources, kick: Callable[[str], None], job_id: int) -> None:
    """Queue (and kick) the job's prepare step."""
    key = f"prepare:{job_id}"
    with res.db.transaction() as s:
        _, new = repo_work.enqueue_work(s, "prepare", key, job_id=job_id, now=res.clock())
    if new:
        kick(key)


def _retry(res: Resources) -> RetryPolicy:
    retry = getattr(res.functions, "retry", None)
    return retry if isinstance(retry, RetryPolicy) else DEFAULT_RETRY


def _function(res: Resources, arn: str, what: str) -> FunctionInfo:
    """The job's function, or a ClientError that fails the job naming it."""
    if res.functions is None:
        raise ValidationError(
            f"the {what} function {arn} cannot run: this server has no functions configured"
        )
    info = res.functions.find(arn)
    if info is None or info.arn != arn.split(":$LATEST")[0]:
        raise ValidationError(
            f"The {what} function {arn} does not exist; create it first "
            "(opentruth functions create, or Lambda's CreateFunction)"
        )
    return info


def function_policy(res: Resources, arn: str) -> NamedPolicy | None:
    """The resource policy of function ``arn`` (None if it has none or does not exist)."""
    if res.functions is None:
        return None
    info = res.functions.find(arn)
    return info.resource_policy() if info is not None else None


def _log_failure(log: JobLog, stage: str, object_ids: list[int]) -> Callable[[int, InvokeResult], None]:
    def report(attempt: int, result: InvokeResult) -> None:
        error = dict(result.error or {})
        log.event(
            "FunctionError",
            function=result.function_arn,
            stage=stage,
            attempt=attempt,
            datasetObjectIds=[str(i) for i in object_ids[:20]],
            errorType=error.get("errorType"),
            errorMessage=str(error.get("errorMessage") or "")[:2000],
            logTail=result.log[-1000:],
        )

    return report


# ---------------------------------------------------------------------------- pre-annotation


def _human_required(reply: Mapping[str, Any]) -> bool | None:
    """``isHumanAnnotationRequired`` (default true), or the lenient ``humanAnnotationRequired``."""
    for key in ("isHumanAnnotationRequired", "humanAnnotationRequired"):
        if key not in reply:
            continue
        value = reply[key]
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        return None
    return True


def _check_pre(result: InvokeResult) -> str | None:
    reply = result.payload
    if not isinstance(reply, dict) or not isinstance(reply.get("taskInput"), dict):
        return (
            'the reply must be a JSON object with "taskInput" (an object) and optionally '
            f'"isHumanAnnotationRequired" (a boolean); got {json.dumps(reply)[:300]}'
        )
    if _human_required(reply) is None:
        return "isHumanAnnotationRequired must be true or false"
    return None


def prepare_objects(res: Resources, job: LabelingJob, session: RoleSession, log: JobLog) -> bool:
    """Give every ``preparing`` object of the job its task input; return True if some object
    ended here (failed, or needing no human), so that the caller checks for completion."""
    flow = Workflow.of(job.request)
    info = _function(res, flow.pre, "pre-annotation") if flow.pre else None
    ended = False
    while True:
        with res.db.read() as s:
            rows = list(
                s.execute(
                    select(DataObject.dataset_object_id, DataObject.source)
                    .where(DataObject.job_id == job.id, DataObject.state == ObjectState.PREPARING.value)
                    .order_by(DataObject.dataset_object_id)
                    .limit(PREPARE_BATCH)
                )
            )
        if not rows:
            return ended

        def one(row: Any) -> tuple[int, str, Any]:
            index, source = int(row[0]), str(row[1])
            line = json.loads(source)
            if info is None:  # PRE-PassThrough: the data object as it is
                return index, "ready", line
            return index, *_pre_one(res, job, session, log, info, index, line, source)

        with ThreadPoolExecutor(max_workers=PREPARE_PARALLEL if info else 1) as pool:
            outcomes = list(pool.map(one, rows))
        ready = [(i, v) for i, kind, v in outcomes if kind == "ready"]
        finished = [v for _i, kind, v in outcomes if kind != "ready"]
        skipped = sum(1 for _i, kind, _v in outcomes if kind == "skipped")
        now = res.clock()
        with res.db.transaction() as s:
            repo_objects.mark_objects_ready(s, job.id, ready, now=now)
            if finished:
                repo_objects.finish_objects(s, job.id, finished, now=now)
            if skipped:
                # finish_objects counted them as human-labeled; nobody labeled them.
                add_label_counts(s, job.id, human=-skipped, unlabeled=skipped, now=now)
        if finished:
            ended = True
        log.event("PreAnnotation", ready=len(ready), skipped=skipped, failed=len(finished) - skipped)


def _pre_one(
    res: Resources,
    job: LabelingJob,
    session: RoleSession,
    log: JobLog,
    info: FunctionInfo,
    index: int,
    line: dict[str, Any],
    source: str,
) -> tuple[str, Any]:
    assert res.functions is not None
    authorize_invoke(session, info)  # a denial fails the job
    event = {"version": EVENT_VERSION, "labelingJobArn": job.arn, "dataObject": line}
    retry = _retry(res)
    result = invoke_with_retries(
        res.functions,
        info.arn,
        event,
        retry,
        on_error=_log_failure(log, "pre-annotation", [index]),
        check=_check_pre,
    )
    if not result.ok:
        reason = (
            f"The pre-annotation function {info.arn} failed after {retry.attempts} attempts: "
            f"{result.error_text()}"
        )[:2000]
        return "failed", ObjectResult(index, ObjectState.FAILED, failure_reason=reason)
    reply = result.payload
    if _human_required(reply) is False:
        return "skipped", ObjectResult(index, ObjectState.CONSOLIDATED, output_line=source)
    return "ready", reply["taskInput"]


# ---------------------------------------------------------------------------- post-annotation


def _label_categories(job: LabelingJob, store: AuthorizedObjectStore) -> list[str] | None:
    uri = job.request.get("LabelCategoryConfigS3Uri")
    if not uri:
        return None  # Ground Truth sends null for jobs without categories
    loc = parse_s3_uri(uri, "LabelCategoryConfigS3Uri")
    return list(parse_label_config(store.get_object(loc.bucket, loc.key).body, uri=uri).labels)


def _check_post(result: InvokeResult) -> str | None:
    if not isinstance(result.payload, list):
        return (
            "the reply must be a JSON list of {datasetObjectId, consolidatedAnnotation: {content}}; "
            f"got {json.dumps(result.payload)[:300]}"
        )
    return None


def _label_of(item: object, attr: str, expected: set[str]) -> tuple[str | None, Any, str | None]:
    """(datasetObjectId, content, problem) of one reply item."""
    if not isinstance(item, dict):
        return None, None, f"an item of the reply is not an object: {json.dumps(item)[:200]}"
    dsid = item.get("datasetObjectId")
    dsid = str(dsid) if isinstance(dsid, str | int) and not isinstance(dsid, bool) else None
    if dsid is None:
        return None, None, "an item of the reply has no datasetObjectId"
    if dsid not in expected:
        return dsid, None, f"the reply names datasetObjectId {dsid!r}, which was not in the payload"
    annotation = item.get("consolidatedAnnotation")
    content = annotation.get("content") if isinstance(annotation, dict) else None
    if not isinstance(content, dict):
        return dsid, None, f"datasetObjectId {dsid}: consolidatedAnnotation.content must be an object"
    if attr not in content:
        return (
            dsid,
            None,
            (
                f"datasetObjectId {dsid}: consolidatedAnnotation.content has no {attr!r} "
                f"(the job's LabelAttributeName); it has {sorted(content)[:10]}"
            ),
        )
    return dsid, content, None


def consolidate_custom(
    res: Resources,
    job: LabelingJob,
    session: RoleSession,
    store: AuthorizedObjectStore,
    log: JobLog,
    publish: Callable[[Sequence[ObjectResult]], object] | None = None,
) -> int:
    """Consolidate every ``annotated`` object of a custom job; return how many ended.

    ``publish`` sends the consolidated lines on (a streaming job's output topic) before the
    objects are recorded as finished, as for built-in jobs.
    """
    flow = Workflow.of(job.request)
    info = _function(res, flow.post, "post-annotation") if flow.post else None
    categories = _label_categories(job, store) if info is not None else None
    done = 0
    while True:
        with res.db.read() as s:
            objects = repo_objects.objects_to_consolidate(s, job.id, limit=CONSOLIDATE_BATCH)
            if not objects:
                return done
            answers = repo_objects.submitted_answers(s, [o.id for o in objects])
            s.expunge_all()
        results = _consolidate_batch(res, job, session, store, log, info, categories, objects, answers)
        if publish is not None:
            publish(results)
        with res.db.transaction() as s:
            repo_objects.finish_objects(s, job.id, results, now=res.clock())
        done += len(results)
        consolidated = sum(1 for r in results if r.state is ObjectState.CONSOLIDATED)
        log.event(
            "Consolidation",
            objects=len(results),
            summary={
                "consolidated": consolidated,
                "failed": len(results) - consolidated,
                "annotations": len(answers),
            },
            function=info.arn if info else "ACS-PassThrough",
        )
        log.metrics({"DatasetObjectsHumanAnnotated": float(consolidated)})


def _consolidate_batch(
    res: Resources,
    job: LabelingJob,
    session: RoleSession,
    store: AuthorizedObjectStore,
    log: JobLog,
    info: FunctionInfo | None,
    categories: list[str] | None,
    objects: list[DataObject],
    answers: list[tuple[Assignment, Worker]],
) -> list[ObjectResult]:
    attr = job.request["LabelAttributeName"]
    layout = output_layout(job)
    now = res.clock()
    by_object: dict[int, list[tuple[Assignment, Worker]]] = defaultdict(list)
    for a, w in answers:
        by_object[a.object_id].append((a, w))
    results: list[ObjectResult] = []
    files: list[tuple[str, bytes, str]] = []
    refs: dict[int, list[str]] = {}
    payload: list[dict[str, Any]] = []
    lines: dict[int, dict[str, Any]] = {}
    for obj in objects:
        subs = by_object.get(obj.id, [])
        if not subs:
            results.append(
                ObjectResult(obj.dataset_object_id, ObjectState.FAILED, failure_reason="no worker answered")
            )
            continue
        lines[obj.id] = json.loads(obj.source)
        wfiles, wrefs = _worker_files(layout, obj, subs, res.portal_url)
        files.extend(wfiles)
        refs[obj.id] = wrefs
        payload.append(
            {
                "datasetObjectId": str(obj.dataset_object_id),
                "dataObject": _data_object(lines[obj.id]),
                "annotations": [
                    {
                        "workerId": w.public_id,
                        "annotationData": {"content": orjson.dumps(a.answer or {}).decode()},
                    }
                    for a, w in subs
                ],
            }
        )
    # Worker responses first, through the role: an output line never points at a missing file.
    # One batch: the files are durable together when it ends (one fsync per file and folder).
    with store.batch():
        for uri, body, content_type in files:
            loc = parse_s3_uri(uri, "worker response")
            store.put_object(loc.bucket, loc.key, body, content_type=content_type)
    answered = [o for o in objects if o.id in lines]
    if not answered:
        return results

    def line_for(obj: DataObject, content: Any, extra_meta: Mapping[str, Any] | None, ref: str | None) -> str:
        label, meta = out.custom(content, job_name=job.name, at=now, worker_response_ref=ref)
        merged = {**dict(extra_meta or {}), **meta}
        return orjson.dumps(out.with_label(lines[obj.id], attr, label, merged)).decode()

    if info is None:  # ACS-PassThrough or no post function: {} and the worker response
        for obj in answered:
            line = line_for(obj, None, None, refs[obj.id][0])
            results.append(ObjectResult(obj.dataset_object_id, ObjectState.CONSOLIDATED, output_line=line))
        return results

    at = res.free_stamp(lambda t: layout.consolidation_request(ITERATION, t), now)
    request_uri = layout.consolidation_request(ITERATION, at)
    loc = parse_s3_uri(request_uri, "consolidation request")
    store.put_object(loc.bucket, loc.key, orjson.dumps(payload), content_type="application/json")
    event = {
        "version": EVENT_VERSION,
        "labelingJobArn": job.arn,
        "labelCategories": categories,
        "labelAttributeName": attr,
        "roleArn": job.request["RoleArn"],
        "payload": {"s3Uri": request_uri},
        "outputConfig": f"{layout.root}/annotations/consolidated-annotation/output",
    }
    assert res.functions is not None
    authorize_invoke(session, info)  # a denial fails the job
    retry = _retry(res)
    ids = [o.dataset_object_id for o in answered]
    result = invoke_with_retries(
        res.functions,
        info.arn,
        event,
        retry,
        on_error=_log_failure(log, "post-annotation", ids),
        check=_check_post,
    )
    if not result.ok:
        reason = (
            f"The post-annotation function {info.arn} failed after {retry.attempts} attempts: "
            f"{result.error_text()}"
        )[:2000]
        results.extend(ObjectResult(i, ObjectState.FAILED, failure_reason=reason) for i in ids)
        return results
    response_uri = layout.consolidation_response(ITERATION, at)
    loc = parse_s3_uri(response_uri, "consolidation response")
    store.put_object(loc.bucket, loc.key, orjson.dumps(result.payload), content_type="application/json")
    expected = {str(i) for i in ids}
    found: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for item in result.payload:
        dsid, content, problem = _label_of(item, attr, expected)
        if problem is not None:
            log.event(
                "FunctionError",
                function=info.arn,
                stage="post-annotation",
                errorType="InvalidResponse",
                errorMessage=problem,
            )
            if dsid is not None and dsid in expected:
                problems[dsid] = problem
            continue
        assert dsid is not None
        found.setdefault(dsid, content)
    for obj in answered:
        dsid = str(obj.dataset_object_id)
        if dsid in problems or dsid not in found:
            why = problems.get(dsid) or f"the reply has no item for datasetObjectId {dsid}"
            reason = f"The post-annotation function {info.arn} returned a bad response: {why}"[:2000]
            results.append(ObjectResult(obj.dataset_object_id, ObjectState.FAILED, failure_reason=reason))
            continue
        content = found[dsid]
        meta = content.get(f"{attr}-metadata")
        line = line_for(obj, content[attr], meta if isinstance(meta, dict) else None, None)
        results.append(ObjectResult(obj.dataset_object_id, ObjectState.CONSOLIDATED, output_line=line))
    return results
