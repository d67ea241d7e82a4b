"""Custom workflows end to end: the example's pre/post functions (weighted voting), PassThrough,
a role without lambda:InvokeFunction, a function that raises, and a bad post-annotation reply."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from labsupport import GT, REGION, Lab, job_request, label_all, make_role, seed_policy
from opentruth.api.app import create_app
from opentruth.api.bootstrap import bootstrap
from opentruth.api.call import ApiResources
from opentruth.api.s3.mount import mount_s3
from opentruth.cloud.functions import (
    EmbeddedFunctions,
    FunctionCredentials,
    FunctionInfo,
    RetryPolicy,
    zip_folder,
)
from opentruth.db import repo_iam_roles
from opentruth.db.iam_secrets import SecretBox
from opentruth.db.repo_workforce import fast_hasher
from opentruth.labeling.joblog import LOG_GROUP

Check = Any
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "custom-workflow"
FN = f"arn:aws:lambda:{REGION}:000000000000:function"


def _functions(lab: Lab, endpoint: Endpoint | None = None) -> EmbeddedFunctions:
    fns = EmbeddedFunctions(
        lab.res.db,
        lab.root / "fdata",
        retry=RetryPolicy(base_delay=0.0),
        credentials=FunctionCredentials(lab.res.db, endpoint.box) if endpoint else None,
        endpoint_url=endpoint.url if endpoint else None,
    )
    lab.res.functions = fns
    return fns


def _code(tmp: Path, name: str, source: str) -> bytes:
    folder = tmp / f"code-{name}"
    folder.mkdir()
    (folder / "fn.py").write_text(source)
    return zip_folder(folder)


def _custom_request(name: str, pre: str, post: str, *, workers: int = 1) -> dict[str, Any]:
    req = job_request(name, "TextMultiClass", workers=workers, LabelAttributeName="animal")
    req["HumanTaskConfig"]["PreHumanTaskLambdaArn"] = pre
    req["HumanTaskConfig"]["AnnotationConsolidationConfig"]["AnnotationConsolidationLambdaArn"] = post
    return req


def _lambda_policy(*arns: str) -> dict[str, Any]:
    policy = seed_policy(["input-data", "output-data"])
    policy["Statement"].append(
        {
            "Sid": "LambdaFunctions",
            "Effect": "Allow",
            "Action": ["lambda:InvokeFunction"],
            "Resource": list(arns),
        }
    )
    return policy


def _output(lab: Lab, job: str) -> list[dict[str, Any]]:
    uri = lab.jobs.describe(job)["LabelingJobOutput"]["OutputDatasetS3Uri"]
    return [json.loads(x) for x in lab.get(uri).decode().splitlines()]


def _files(lab: Lab, prefix: str) -> list[str]:
    root = lab.root / "data" / "objects" / "output-data"
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and str(p.relative_to(root)).startswith(prefix)
    )


def _events(lab: Lab, job: str) -> list[dict[str, Any]]:
    return [json.loads(e.message) for e in lab.res.logs.get_log_events(LOG_GROUP, job)]


@dataclass(frozen=True)
class Endpoint:
    """A server's URL and the root key of its IAM secrets (which function sessions use)."""

    url: str
    box: SecretBox


@pytest.fixture
def s3_endpoint(lab: Lab) -> Iterator[Endpoint]:
    """A real server with the S3 API over the lab's store; functions reach it with their roles."""
    box = SecretBox.load(lab.root / "keys")
    bootstrap(lab.res.db, box, hasher=fast_hasher())
    app = create_app(ApiResources(db=lab.res.db, box=box, hasher=fast_hasher()))
    mount_s3(app, lab.store)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Endpoint(f"http://127.0.0.1:{port}", box)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_example_workflow_end_to_end(lab: Lab, s3_endpoint: Endpoint, gt_schema: Check) -> None:
    fns = _functions(lab, s3_endpoint)
    # The functions' role (the example's), which the post function reads the payload with.
    with lab.res.db.transaction() as s:
        trust = json.loads((EXAMPLE / "function-trust.json").read_text())
        repo_iam_roles.create_role(s, "AnimalsFunctions", trust)
        policy = json.loads((EXAMPLE / "function-role.json").read_text())
        repo_iam_roles.put_role_policy(s, "AnimalsFunctions", "read-requests", policy)
    fn_role = "arn:aws:iam::000000000000:role/AnimalsFunctions"
    # The example's post function weighs worker0's vote 3, the others' 1 each.
    post_dir = lab.root / "post"
    shutil.copytree(EXAMPLE / "functions" / "post", post_dir)
    heavy = lab.identities[0].public_id
    (post_dir / "weights.json").write_text(json.dumps({"default": 1.0, "workers": {heavy: 3.0}}))
    pre = fns.create_python(
        "animals-pre",
        "pre_annotation.lambda_handler",
        zip_folder(EXAMPLE / "functions" / "pre"),
        role=fn_role,
    )
    post = fns.create_python(
        "animals-post", "post_annotation.lambda_handler", zip_folder(post_dir), timeout=30, role=fn_role
    )
    job = json.loads((EXAMPLE / "job.json").read_text())
    lab.roles.add(make_role(json.loads((EXAMPLE / "role.json").read_text())))
    lab.put("s3://input-data/animals.manifest", (EXAMPLE / "animals.manifest").read_bytes())
    lab.put("s3://input-data/animal-labels.json", (EXAMPLE / "animal-labels.json").read_bytes())
    lab.put("s3://input-data/animals.liquid", (EXAMPLE / "template.liquid").read_bytes())
    assert job["HumanTaskConfig"]["PreHumanTaskLambdaArn"] == pre.arn
    lab.jobs.create(job)
    lab.runner.run_pending()
    assert lab.jobs.describe("animals")["LabelingJobStatus"] == "InProgress"
    texts = [json.loads(x) for x in (EXAMPLE / "animals.manifest").read_text().splitlines()]

    def answer(w: Any, task: dict[str, Any]) -> dict[str, Any]:
        assert task["taskInput"]["labels"] == ["cat", "dog", "bird"]
        assert task["taskInput"]["taskObject"] != texts[3]["source"]  # skipped: never shown
        # worker0 always says "bird"; the others agree on the truth, except on object 0.
        truth = ["cat", "dog", "bird"][[t["source"] for t in texts].index(task["taskInput"]["taskObject"])]
        pick = "bird" if w == lab.identities[0] else truth
        return {"animal": {label: {"on": label == pick} for label in ("cat", "dog", "bird")}}

    assert label_all(lab, "animals", answer) == 9
    d = lab.jobs.describe("animals")
    assert d["LabelingJobStatus"] == "Completed"
    assert d["LabelCounters"]["HumanLabeled"] == 3
    assert d["LabelCounters"]["Unlabeled"] == 1  # the line that needed no human
    assert d["LabelCounters"]["FailedNonRetryableError"] == 0
    lines = _output(lab, "animals")
    for line in lines[:3]:
        assert gt_schema("output-manifest-line.custom", line, "animal") == []
        assert line["animal-metadata"]["type"] == "groundtruth/custom"
    # worker0 (weight 3) outvotes two workers (weight 1 each) wherever they disagree.
    assert [line["animal"]["label"] for line in lines[:3]] == ["bird", "bird", "bird"]
    assert lines[0]["animal"]["votes"] == {"bird": 3.0, "cat": 2.0}
    assert lines[3] == texts[3]  # unchanged
    assert len(_files(lab, "jobs/animals/annotations/worker-response/iteration-1/")) == 9
    base = "jobs/animals/annotations/consolidated-annotation/"
    requests = _files(lab, base + "consolidation-request/iteration-1/")
    responses = _files(lab, base + "consolidation-response/iteration-1/")
    assert requests and len(requests) == len(responses)
    for rel in requests:
        assert gt_schema("post-annotation-payload", json.loads(lab.get(f"s3://output-data/{rel}"))) == []
    for rel in responses:
        assert gt_schema("post-annotation-response", json.loads(lab.get(f"s3://output-data/{rel}"))) == []
    assert post.arn in {e.get("function") for e in _events(lab, "animals")}


def _echo_functions(lab: Lab, tmp: Path) -> tuple[FunctionInfo, FunctionInfo]:
    """A pre function that records its event in the task input, and a post function that
    labels objects 0 and 2 and answers badly for 1 (no attribute) and an unknown id."""
    fns = _functions(lab)
    pre = fns.create_python(
        "echo-pre",
        "fn.handler",
        _code(
            tmp,
            "pre",
            "def handler(event, context):\n    return {'taskInput': {'event': event}, "
            "'humanAnnotationRequired': 'true'}\n",
        ),
    )
    post_src = (
        "def handler(event, context):\n"
        "    assert event['payload']['s3Uri'].startswith('s3://output-data/')\n"
        "    attr = event['labelAttributeName']\n"
        "    return [\n"
        "        {'datasetObjectId': '0', 'consolidatedAnnotation': {'content': {attr: {'ok': 0}}}},\n"
        "        {'datasetObjectId': '1', 'consolidatedAnnotation': {'content': {'other': 1}}},\n"
        "        {'datasetObjectId': '2', 'consolidatedAnnotation': {'content': {attr: {'ok': 2}}}},\n"
        "        {'datasetObjectId': '99', 'consolidatedAnnotation': {'content': {attr: 1}}},\n"
        "    ]\n"
    )
    post = fns.create_python("echo-post", "fn.handler", _code(tmp, "post", post_src))
    return pre, post


def test_pre_event_is_exact_and_bad_post_reply_fails_only_its_object(lab: Lab, gt_schema: Check) -> None:
    pre, post = _echo_functions(lab, lab.root)
    lab.roles.add(make_role(_lambda_policy(pre.arn, post.arn)))
    lab.manifest([{"source": f"text {i}", "n": i} for i in range(3)])
    lab.labels(["a", "b"])
    lab.jobs.create(_custom_request("echo", pre.arn, post.arn))
    lab.runner.run_pending()
    seen: list[dict[str, Any]] = []

    def answer(_w: Any, task: dict[str, Any]) -> dict[str, Any]:
        seen.append(task["taskInput"]["event"])
        return {"anything": ["goes", 1]}

    label_all(lab, "echo", answer, workers=lab.identities[:1])
    assert len(seen) == 3
    for event in seen:
        assert gt_schema("pre-annotation-request", event) == []
        assert set(event) == {"version", "labelingJobArn", "dataObject"}
        assert event["dataObject"] == {
            "source": f"text {event['dataObject']['n']}",
            "n": event["dataObject"]["n"],
        }
    d = lab.jobs.describe("echo")
    assert d["LabelingJobStatus"] == "Completed"
    assert d["LabelCounters"]["HumanLabeled"] == 2 and d["LabelCounters"]["FailedNonRetryableError"] == 1
    lines = _output(lab, "echo")
    assert lines[0]["animal"] == {"ok": 0} and lines[2]["animal"] == {"ok": 2}
    assert "animal" not in lines[1]  # failed: copied unchanged
    from opentruth.db import repo_jobs
    from opentruth.db.models import DataObject

    with lab.res.db.read() as s:
        job = repo_jobs.get_job(s, "echo")
        failed = s.query(DataObject).filter_by(job_id=job.id, dataset_object_id=1).one()
        assert failed.failure_reason is not None
        assert post.arn in failed.failure_reason and "'animal'" in failed.failure_reason


def test_passthrough_labels_empty_with_worker_response_ref(lab: Lab, gt_schema: Check) -> None:
    lab.manifest([{"source-ref": f"s3://input-data/img{i}.jpg"} for i in range(2)])
    for i in range(2):
        lab.put(f"s3://input-data/img{i}.jpg", b"jpeg")
    req = _custom_request(
        "passing",
        f"arn:aws:lambda:{REGION}:{GT}:function:PRE-PassThrough",
        f"arn:aws:lambda:{REGION}:{GT}:function:ACS-PassThrough",
    )
    del req["LabelCategoryConfigS3Uri"]
    lab.jobs.create(req)
    lab.runner.run_pending()

    def answer(_w: Any, task: dict[str, Any]) -> dict[str, Any]:
        assert task["taskInput"]["source-ref"].startswith("s3://input-data/img")  # the line itself
        return {"free": {"text": "x"}}

    assert label_all(lab, "passing", answer, workers=lab.identities[:1]) == 2
    assert lab.jobs.describe("passing")["LabelingJobStatus"] == "Completed"
    for line in _output(lab, "passing"):
        assert gt_schema("output-manifest-line.custom", line, "animal") == []
        assert line["animal"] == {}
        ref = line["animal-metadata"]["worker-response-ref"]
        assert json.loads(lab.get(ref))["answers"][0]["answerContent"] == {"free": {"text": "x"}}


def test_role_without_invoke_fails_the_job_naming_it(lab: Lab) -> None:
    pre, post = _echo_functions(lab, lab.root)  # the lab's role has no lambda statement
    lab.manifest([{"source": "x"}])
    lab.labels(["a", "b"])
    lab.jobs.create(_custom_request("denied", pre.arn, post.arn))
    lab.runner.run_pending()
    d = lab.jobs.describe("denied")
    assert d["LabelingJobStatus"] == "Failed"
    assert d["FailureReason"] == (
        "ClientError: User: arn:aws:sts::000000000000:assumed-role/GroundTruthExecution/SageMaker "
        f"is not authorized to perform: lambda:InvokeFunction on resource: {pre.arn}"
    )


def test_function_policy_grants_what_the_role_lacks(lab: Lab) -> None:
    pre, post = _echo_functions(lab, lab.root)
    assert lab.res.functions is not None
    session = "arn:aws:sts::000000000000:assumed-role/GroundTruthExecution/SageMaker"
    for fn in (pre, post):
        lab.res.functions.add_permission(fn.name, "gt", "lambda:InvokeFunction", session)
    lab.manifest([{"source": "x"}])
    lab.labels(["a", "b"])
    lab.jobs.create(_custom_request("granted", pre.arn, post.arn))
    lab.runner.run_pending()
    assert lab.jobs.describe("granted")["LabelingJobStatus"] == "InProgress"


def test_raising_pre_function_is_retried_then_fails_only_that_object(lab: Lab) -> None:
    fns = _functions(lab)
    src = (
        "def handler(event, context):\n"
        "    if event['dataObject']['source'] == 'bad':\n"
        "        raise RuntimeError('cannot prepare ' + event['dataObject']['source'])\n"
        "    return {'taskInput': {'text': event['dataObject']['source']}}\n"
    )
    pre = fns.create_python("flaky-pre", "fn.handler", _code(lab.root, "flaky", src))
    post = f"arn:aws:lambda:{REGION}:{GT}:function:ACS-PassThrough"
    lab.roles.add(make_role(_lambda_policy(pre.arn)))
    lab.manifest([{"source": "good"}, {"source": "bad"}, {"source": "fine"}])
    lab.labels(["a", "b"])
    lab.jobs.create(_custom_request("flaky", pre.arn, post))
    lab.runner.run_pending()
    assert label_all(lab, "flaky", lambda _w, _t: {"x": {}}, workers=lab.identities[:1]) == 2
    d = lab.jobs.describe("flaky")
    assert d["LabelingJobStatus"] == "Completed"
    assert d["LabelCounters"]["HumanLabeled"] == 2 and d["LabelCounters"]["FailedNonRetryableError"] == 1
    errors = [e for e in _events(lab, "flaky") if e["event"] == "FunctionError"]
    assert [e["attempt"] for e in errors] == [1, 2, 3]
    assert all(e["errorType"] == "RuntimeError" and "cannot prepare bad" in e["errorMessage"] for e in errors)
    lines = _output(lab, "flaky")
    assert lines[1] == {"source": "bad"}
