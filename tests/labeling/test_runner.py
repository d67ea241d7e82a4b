"""Jobs run end to end through their role: text classification, bounding boxes, NER,
multi-label, segmentation; denials fail the job with Ground Truth's reason."""

from __future__ import annotations

import base64
import io
import json
import secrets
from datetime import UTC, datetime
from typing import Any

import pytest
from PIL import Image

from labsupport import Lab, job_request, label_all, make_role, seed_policy
from opentruth.db.models import JobStatus
from opentruth.db.repo_workforce import fast_hasher
from opentruth.labeling.joblog import LOG_GROUP
from opentruth.labeling.runner import JobRunner, consolidate_key
from opentruth.labeling.workers import WorkerService

Check = Any


def _output_lines(lab: Lab, job: str) -> list[dict[str, Any]]:
    d = lab.jobs.describe(job)
    uri = d["LabelingJobOutput"]["OutputDatasetS3Uri"]
    assert uri == f"s3://output-data/jobs/{job}/manifests/output/output.manifest"
    return [json.loads(x) for x in lab.get(uri).decode().splitlines()]


def _files(lab: Lab, prefix: str) -> list[str]:
    root = lab.root / "data" / "objects" / "output-data"
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and str(p.relative_to(root)).startswith(prefix)
    )


def _one_worker_labels(lab: Lab, job: str, objects: int, label: str) -> None:
    """Create a one-worker text job of `objects` items, and have its first worker answer them all."""
    lab.manifest([{"source": str(i)} for i in range(objects)])
    lab.labels(["a", "b"])
    lab.jobs.create(job_request(job, "TextMultiClass", workers=1))
    lab.runner.run_pending()
    w = lab.identities[0]
    while (task := lab.workers.next_task(w, job)) is not None:
        lab.workers.submit(w, task["taskId"], {"c": {"label": label}})


def test_text_classification_end_to_end(lab: Lab, gt_schema: Check) -> None:
    texts = ["great food", "awful service", "fine", "lovely staff"]
    truth = ["positive", "negative", "positive", "positive"]
    lab.manifest([{"source": t, "keep": i} for i, t in enumerate(texts)])
    lab.labels(["negative", "positive"])
    arn = lab.jobs.create(job_request("sentiment", "TextMultiClass", workers=3))
    assert arn == "arn:aws:sagemaker:us-east-1:000000000000:labeling-job/sentiment"
    assert lab.jobs.describe("sentiment")["LabelingJobStatus"] == "Initializing"
    lab.runner.run_pending()
    assert lab.jobs.describe("sentiment")["LabelingJobStatus"] == "InProgress"

    def answer(_w: Any, task: dict[str, Any]) -> dict[str, Any]:
        assert task["taskInput"]["labels"] == ["negative", "positive"]
        i = texts.index(task["taskInput"]["taskObject"])
        return {"crowd-classifier": {"label": truth[i]}}

    assert label_all(lab, "sentiment", answer) == 12
    d = lab.jobs.describe("sentiment")
    assert d["LabelingJobStatus"] == "Completed"
    assert d["LabelCounters"] == {
        "TotalLabeled": 4,
        "HumanLabeled": 4,
        "MachineLabeled": 0,
        "FailedNonRetryableError": 0,
        "Unlabeled": 0,
    }
    lines = _output_lines(lab, "sentiment")
    assert [line["keep"] for line in lines] == [0, 1, 2, 3]  # input order, pass-through keys kept
    for line, want in zip(lines, truth, strict=True):
        assert gt_schema("output-manifest-line.text-classification", line, "label") == []
        assert line["label-metadata"]["class-name"] == want
        assert 0.0 < line["label-metadata"]["confidence"] <= 1.0
    responses = _files(lab, "jobs/sentiment/annotations/worker-response/iteration-1/")
    assert len(responses) == 12
    for rel in responses:
        doc = json.loads(lab.get(f"s3://output-data/{rel}"))
        assert gt_schema("worker-response", doc) == []
        ident = doc["answers"][0]["workerMetadata"]["identityData"]
        assert ident["identityProviderType"] == "Oidc" and ident["issuer"] == lab.res.portal_url
        assert ident["sub"] in {w.public_id for w in lab.identities}
    requests = _files(lab, "jobs/sentiment/annotations/consolidated-annotation/consolidation-request/")
    responses2 = _files(lab, "jobs/sentiment/annotations/consolidated-annotation/consolidation-response/")
    assert requests and responses2
    for rel in requests:
        assert gt_schema("post-annotation-payload", json.loads(lab.get(f"s3://output-data/{rel}"))) == []
    for rel in responses2:
        assert gt_schema("post-annotation-response", json.loads(lab.get(f"s3://output-data/{rel}"))) == []
    # The job's log stream has its state changes; metrics were put.
    events = [json.loads(e.message) for e in lab.res.logs.get_log_events(LOG_GROUP, "sentiment")]
    assert [e["status"] for e in events if e["event"] == "StateChange"] == [
        "Initializing",
        "InProgress",
        "Completed",
    ]
    assert lab.res.metrics.list_metrics(name="JobsSucceeded")


def test_one_worker_confidence_is_zero(lab: Lab) -> None:
    lab.manifest([{"source": "a"}, {"source": "b"}])
    lab.labels(["x", "y"])
    lab.jobs.create(job_request("single", "TextMultiClass", workers=1))
    lab.runner.run_pending()
    label_all(lab, "single", lambda _w, _t: {"c": {"label": "y"}}, workers=lab.identities[:1])
    lines = _output_lines(lab, "single")
    assert [line["label"] for line in lines] == [1, 1]
    assert {line["label-metadata"]["confidence"] for line in lines} == {0.0}


def test_bounding_boxes_end_to_end(lab: Lab, gt_schema: Check) -> None:
    lab.manifest([{"source-ref": f"s3://input-data/img{i}.jpg"} for i in range(3)])
    for i in range(3):
        lab.put(f"s3://input-data/img{i}.jpg", b"\xff\xd8 not really a jpeg")
    lab.labels(["dog", "cat"])
    lab.jobs.create(job_request("boxes", "BoundingBox", workers=3))
    lab.runner.run_pending()

    def answer(w: Any, task: dict[str, Any]) -> dict[str, Any]:
        shift = lab.identities.index(w)
        boxes = [{"label": "dog", "left": 10 + shift, "top": 20, "width": 100, "height": 50}]
        if shift == 2:  # one worker adds a spurious box the others do not confirm
            boxes.append({"label": "cat", "left": 300, "top": 300, "width": 10, "height": 10})
        return {
            "boundingBox": {
                "annotatedResult": {
                    "boundingBoxes": boxes,
                    "inputImageProperties": {"width": 640, "height": 480},
                }
            }
        }

    label_all(lab, "boxes", answer)
    assert lab.jobs.describe("boxes")["LabelingJobStatus"] == "Completed"
    for line in _output_lines(lab, "boxes"):
        assert gt_schema("output-manifest-line.object-detection", line, "label") == []
        (box,) = line["label"]["annotations"]
        assert box == {"class_id": 0, "left": 11, "top": 20, "width": 100, "height": 50}
        assert line["label"]["image_size"] == [{"width": 640, "height": 480, "depth": 3}]
        assert line["label-metadata"]["class-map"] == {"0": "dog"}


def test_ner_and_multilabel(lab: Lab, gt_schema: Check) -> None:
    text = "Alice met Bob in Paris"
    lab.manifest([{"source": text}])
    lab.labels(["Person", "Place"])
    lab.jobs.create(job_request("ner", "NamedEntityRecognition", workers=2))
    lab.runner.run_pending()
    ents = [
        {"label": "Person", "startOffset": 0, "endOffset": 5},
        {"label": "Place", "startOffset": 17, "endOffset": 22},
    ]
    label_all(lab, "ner", lambda _w, _t: {"crowd-entity-annotation": {"entities": ents}})
    (line,) = _output_lines(lab, "ner")
    assert gt_schema("output-manifest-line.text-span", line, "label") == []
    got = [
        (e["label"], text[e["startOffset"] : e["endOffset"]])
        for e in line["label"]["annotations"]["entities"]
    ]
    assert got == [("Person", "Alice"), ("Place", "Paris")]


def test_multilabel(lab: Lab, gt_schema: Check) -> None:
    lab.manifest([{"source": "sunny beach"}])
    lab.labels(["sun", "sea", "snow"])
    lab.jobs.create(job_request("multi", "TextMultiClassMultiLabel", workers=2))
    lab.runner.run_pending()
    picks = iter([["sun", "sea"], ["sun"]])
    label_all(lab, "multi", lambda _w, _t: {"c": {"labels": next(picks)}})
    (line,) = _output_lines(lab, "multi")
    assert gt_schema("output-manifest-line.text-classification-multilabel", line, "label") == []
    assert set(line["label"]) == {0, 1}
    assert line["label-metadata"]["class-map"] == {"0": "sun", "1": "sea"}


def _png(mask: list[list[int]], colors: dict[int, tuple[int, int, int]]) -> str:
    img = Image.new("RGB", (len(mask[0]), len(mask)))
    for y, row in enumerate(mask):
        for x, v in enumerate(row):
            img.putpixel((x, y), colors.get(v, (255, 255, 255)))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def test_segmentation_by_pixel_vote(lab: Lab, gt_schema: Check) -> None:
    lab.manifest([{"source-ref": "s3://input-data/street.png"}])
    lab.put("s3://input-data/street.png", b"png")
    lab.labels(["road", "car"])
    lab.jobs.create(job_request("seg", "SemanticSegmentation", workers=3))
    lab.runner.run_pending()
    red, blue = (255, 0, 0), (0, 0, 255)
    masks = iter(
        [
            _png([[1, 1, 2, 2], [1, 1, 2, 2]], {1: red, 2: blue}),
            _png([[1, 1, 2, 2], [1, 1, 2, 0]], {1: red, 2: blue}),
            _png([[1, 1, 1, 2], [1, 1, 2, 2]], {1: red, 2: blue}),
        ]
    )
    mappings = {"road": {"color": "#ff0000"}, "car": {"color": "#0000ff"}}
    label_all(
        lab,
        "seg",
        lambda _w, _t: {
            "crowd-semantic-segmentation": {
                "annotatedResult": {"labeledImage": {"pngImageData": next(masks)}, "labelMappings": mappings}
            }
        },
    )
    (line,) = _output_lines(lab, "seg")
    assert gt_schema("output-manifest-line.semantic-segmentation", line, "label-ref") == []
    png = lab.get(line["label-ref"])
    consolidated = Image.open(io.BytesIO(png))
    values = [[consolidated.getpixel((x, y)) for x in range(4)] for y in range(2)]
    assert values == [[1, 1, 2, 2], [1, 1, 2, 2]]


def test_unknown_label_is_refused_and_nothing_is_kept(lab: Lab) -> None:
    from opentruth.errors import ValidationError

    lab.manifest([{"source": "x"}])
    lab.labels(["a", "b"])
    lab.jobs.create(job_request("strict", "TextMultiClass"))
    lab.runner.run_pending()
    w = lab.identities[0]
    task = lab.workers.next_task(w, "strict")
    assert task is not None
    with pytest.raises(ValidationError, match="unknown label 'c'"):
        lab.workers.submit(w, task["taskId"], {"crowd-classifier": {"label": "c"}})
    lab.workers.submit(w, task["taskId"], {"crowd-classifier": {"label": "a"}})
    again = lab.workers.submit(w, task["taskId"], {"crowd-classifier": {"label": "a"}})
    assert again["duplicate"] is True
    lab.runner.run_pending()
    d = lab.jobs.describe("strict")
    assert d["LabelingJobStatus"] == "Completed" and d["LabelCounters"]["HumanLabeled"] == 1


def test_role_without_put_object_fails_with_the_reason(lab: Lab) -> None:
    lab.roles.add(make_role(seed_policy(["input-data", "output-data"], put=False)))
    lab.manifest([{"source": "x"}])
    lab.labels(["a", "b"])
    lab.jobs.create(job_request("denied", "TextMultiClass"))
    lab.runner.run_pending()
    d = lab.jobs.describe("denied")
    assert d["LabelingJobStatus"] == "Failed"
    assert d["FailureReason"] == (
        "ClientError: User: arn:aws:sts::000000000000:assumed-role/GroundTruthExecution/SageMaker "
        "is not authorized to perform: s3:PutObject on resource: "
        "arn:aws:s3:::output-data/jobs/denied/manifests/output/output.manifest"
    )
    # It failed during Initializing: no task ever reached a worker.
    assert lab.workers.next_task(lab.identities[0], "denied") is None
    events = [json.loads(e.message) for e in lab.res.logs.get_log_events(LOG_GROUP, "denied")]
    denial = [e for e in events if e.get("accessDenied")]
    assert denial and denial[-1]["accessDenied"]["action"] == "s3:PutObject"


def test_untrusting_role_fails_the_job(lab: Lab) -> None:
    other = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        },
    }
    lab.roles.add(make_role(seed_policy(["input-data", "output-data"]), trust=other))
    lab.manifest([{"source": "x"}])
    lab.labels(["a", "b"])
    lab.jobs.create(job_request("untrusted", "TextMultiClass"))
    lab.runner.run_pending()
    d = lab.jobs.describe("untrusted")
    assert d["LabelingJobStatus"] == "Failed"
    assert "sts:AssumeRole" in d["FailureReason"] and "sagemaker.amazonaws.com" in d["FailureReason"]


def test_bad_manifest_line_is_named(lab: Lab) -> None:
    lab.put("s3://input-data/manifest.jsonl", '{"source": "ok"}\n{"text": "no source"}\n')
    lab.labels(["a", "b"])
    lab.jobs.create(job_request("badline", "TextMultiClass"))
    lab.runner.run_pending()
    d = lab.jobs.describe("badline")
    assert d["LabelingJobStatus"] == "Failed"
    assert "manifest line 2" in d["FailureReason"]


def test_duplicate_name_and_validation(lab: Lab) -> None:
    from opentruth.errors import ConflictError, ValidationError

    lab.manifest([{"source": "x"}])
    lab.labels(["a", "b"])
    lab.jobs.create(job_request("dup", "TextMultiClass"))
    with pytest.raises(ConflictError):
        lab.jobs.create(job_request("DUP", "TextMultiClass"))
    with pytest.raises(ValidationError, match="labelingJobName"):
        lab.jobs.create(job_request("bad name!", "TextMultiClass"))


def test_stop_writes_results_so_far(lab: Lab) -> None:
    lab.manifest([{"source": str(i)} for i in range(4)])
    lab.labels(["a", "b"])
    lab.jobs.create(job_request("halt", "TextMultiClass"))
    lab.runner.run_pending()
    w = lab.identities[0]
    task = lab.workers.next_task(w, "halt")
    assert task is not None
    lab.workers.submit(w, task["taskId"], {"c": {"label": "a"}})
    lab.runner.run_pending()
    lab.jobs.stop("halt")
    assert lab.jobs.describe("halt")["LabelingJobStatus"] == "Stopping"
    lab.runner.run_pending()
    d = lab.jobs.describe("halt")
    assert d["LabelingJobStatus"] == "Stopped"
    lines = _output_lines(lab, "halt")
    assert sum("label" in line for line in lines) == 1 and len(lines) == 4


def test_list_and_stopping_conditions(lab: Lab) -> None:
    lab.manifest([{"source": str(i)} for i in range(5)])
    lab.labels(["a", "b"])
    lab.jobs.create(
        job_request("capped", "TextMultiClass", StoppingConditions={"MaxHumanLabeledObjectCount": 2})
    )
    lab.runner.run_pending()
    label_all(lab, "capped", lambda _w, _t: {"c": {"label": "b"}}, workers=lab.identities[:1])
    d = lab.jobs.describe("capped")
    assert d["LabelingJobStatus"] == "Stopped"
    assert d["LabelCounters"]["HumanLabeled"] >= 2
    page = lab.jobs.list(status_equals="Stopped")
    assert [j["LabelingJobName"] for j in page["LabelingJobSummaryList"]] == ["capped"]
    assert page["LabelingJobSummaryList"][0]["LabelingJobStatus"] == JobStatus.STOPPED.value


def test_one_batch_with_the_same_worker_on_many_objects(lab: Lab) -> None:
    _one_worker_labels(lab, "batched", 3, "b")
    lab.runner.run_pending()  # one consolidation batch holds all three of this worker's answers
    d = lab.jobs.describe("batched")
    assert d["LabelingJobStatus"] == "Completed" and d["LabelCounters"]["HumanLabeled"] == 3


def test_a_pass_that_stops_between_chunks_resumes_without_counting_twice(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    from opentruth.db import repo_jobs, repo_objects
    from opentruth.labeling import passes

    _one_worker_labels(lab, "chunked", 5, "b")
    monkeypatch.setattr(passes, "CONSOLIDATE_PER_READ", 2)
    real = repo_objects.finish_objects
    calls: list[int] = []

    def dead_after_the_first(*args: Any, **kwargs: Any) -> int:
        calls.append(len(args[2]))
        if len(calls) > 1:
            raise RuntimeError("the process died here")
        return real(*args, **kwargs)

    monkeypatch.setattr(repo_objects, "finish_objects", dead_after_the_first)
    lab.runner.run_pending()  # the pass stops after its first chunk (the item fails)
    assert calls[:2] == [2, 2]

    def states() -> dict[str, int]:
        with lab.res.db.read() as s:
            job = repo_jobs.get_job(s, "chunked", account_id=lab.res.account)
            return repo_objects.count_objects_by_state(s, job.id)

    assert states() == {"consolidated": 2, "annotated": 3}  # the first chunk stayed
    monkeypatch.setattr(repo_objects, "finish_objects", real)
    lab.runner.reconcile()
    lab.runner.run_pending()
    d = lab.jobs.describe("chunked")
    assert d["LabelingJobStatus"] == "Completed"
    assert d["LabelCounters"]["HumanLabeled"] == 5 and d["LabelCounters"]["TotalLabeled"] == 5
    assert [line["label"] for line in _output_lines(lab, "chunked")] == [1] * 5
    assert states() == {"consolidated": 5}


class _Clock:
    """A settable clock for the resources (consolidation windows are wall-clock seconds)."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def _windowed(lab: Lab, clock: _Clock, window: float) -> tuple[JobRunner, WorkerService]:
    lab.res.clock = clock
    runner = JobRunner(lab.res, consolidation_window=window)
    return runner, WorkerService(lab.res, runner, secrets.token_bytes(32), hasher=fast_hasher())


def _counters(lab: Lab, job: str) -> dict[str, int]:
    counters: dict[str, int] = lab.jobs.describe(job)["LabelCounters"]
    return counters


def _consolidation_events(lab: Lab, job: str) -> list[dict[str, Any]]:
    events = lab.res.logs.get_log_events(LOG_GROUP, job)
    return [e for e in (json.loads(x.message) for x in events) if e.get("event") == "Consolidation"]


def test_a_window_is_consolidated_in_one_pass_at_its_end(lab: Lab) -> None:
    clock = _Clock(datetime(2026, 12, 6, 12, 0, 0, 100_000, tzinfo=UTC))
    runner, workers = _windowed(lab, clock, 2.0)
    lab.manifest([{"source": str(i)} for i in range(4)])
    lab.labels(["a", "b"])
    lab.jobs.create(job_request("windowed", "TextMultiClass", workers=1))
    runner.run_pending()
    w = lab.identities[0]
    for at in (0.1, 1.5):  # two answers within the window 12:00:00-12:00:02
        clock.at = clock.at.replace(second=int(at), microsecond=int(at % 1 * 1e6))
        task = workers.next_task(w, "windowed")
        assert task is not None
        workers.submit(w, task["taskId"], {"c": {"label": "b"}})
    runner.run_pending()
    assert _counters(lab, "windowed")["HumanLabeled"] == 0  # the window has not ended
    clock.at = clock.at.replace(second=2, microsecond=0)
    runner.run_pending()
    assert _counters(lab, "windowed")["HumanLabeled"] == 2
    assert [e["objects"] for e in _consolidation_events(lab, "windowed")] == [2]  # one pass
    clock.at = clock.at.replace(second=2, microsecond=500_000)  # the next window
    while (task := workers.next_task(w, "windowed")) is not None:
        workers.submit(w, task["taskId"], {"c": {"label": "a"}})
    clock.at = clock.at.replace(second=3)
    runner.run_pending()
    assert lab.jobs.describe("windowed")["LabelingJobStatus"] == "InProgress"
    clock.at = clock.at.replace(second=4, microsecond=0)
    runner.run_pending()
    assert lab.jobs.describe("windowed")["LabelingJobStatus"] == "Completed"
    assert [e["objects"] for e in _consolidation_events(lab, "windowed")] == [2, 2]


def test_an_answer_after_its_windows_pass_started_joins_the_next_window(lab: Lab) -> None:
    from opentruth.db import repo_jobs, repo_work

    clock = _Clock(datetime(2026, 12, 6, 12, 0, 1, tzinfo=UTC))
    runner, _workers = _windowed(lab, clock, 2.0)
    lab.manifest([{"source": "x"}])
    lab.labels(["a", "b"])
    lab.jobs.create(job_request("late", "TextMultiClass", workers=1))
    runner.run_pending()
    with lab.res.db.read() as s:
        job_id = repo_jobs.get_job(s, "late", account_id=lab.res.account).id
    runner.request_consolidation(job_id)
    clock.at = clock.at.replace(second=2)
    assert runner.run_pending() == 1  # the pass of 12:00:00-12:00:02 ran (nothing to do)
    # An answer stamped within that window but committed after its pass began (a slow
    # request, another process's clock) must not wait for the reconciler.
    clock.at = clock.at.replace(second=1, microsecond=900_000)
    runner.request_consolidation(job_id)
    with lab.res.db.read() as s:
        item = repo_work.get_work(s, consolidate_key(job_id, clock.at.replace(second=2), 2.0))
        assert item.state == "queued"
        assert item.not_before.replace(tzinfo=UTC) == clock.at.replace(second=4, microsecond=0)


def test_batches_in_one_second_keep_their_own_consolidation_files(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, gt_schema: Check
) -> None:
    from opentruth.labeling import passes

    lab.res.clock = _Clock(datetime(2026, 12, 6, 12, 0, 0, tzinfo=UTC))  # time stands still
    monkeypatch.setattr(passes, "CONSOLIDATE_PER_READ", 2)  # five objects: three chunks
    _one_worker_labels(lab, "chunks", 5, "a")
    lab.runner.run_pending()
    assert lab.jobs.describe("chunks")["LabelingJobStatus"] == "Completed"
    base = "jobs/chunks/annotations/consolidated-annotation/"
    requests = _files(lab, base + "consolidation-request/")
    responses = _files(lab, base + "consolidation-response/")
    assert len(requests) == len(responses) == 3  # none overwritten by a later chunk
    assert [r.rsplit("/", 1)[1] for r in requests] == [r.rsplit("/", 1)[1] for r in responses]
    ids: list[str] = []
    for name in requests:
        payload = json.loads(lab.get(f"s3://output-data/{name}"))
        ids.extend(item["datasetObjectId"] for item in payload)
    assert sorted(ids) == [str(i) for i in range(5)]
