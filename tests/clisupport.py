"""Helpers of the service-command tests (``tests/cli``): a labeling environment set up through
the CLI itself, as a user would, and simulated workers that label through the runtime."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import Result

from labsupport import job_request, make_role, seed_policy
from opentruth.runtime import Runtime, Settings

PASSWORD = "correct horse battery"
WORKERS = ("worker0", "worker1", "worker2")
LABELS = ("positive", "negative", "neutral")
TEXTS = [f"review number {i}: {'great' if i % 2 else 'awful'}" for i in range(8)]

#: Runs an ``opentruth`` command: ``invoke("jobs", "list")``.
Invoke = Callable[..., Result]


def open_runtime(data: Path, db: str | None = None) -> Runtime:
    """The test's own runtime on the same data, consolidating without a batching window so
    that every reconcile queues a fresh consolidation."""
    settings = dataclasses.replace(Settings.resolve(data, db), consolidation_window=0)
    return Runtime.open(settings)


@dataclass
class TextLab:
    """A text-classification environment made with CLI commands."""

    folder: Path
    request_file: Path
    request: dict[str, Any]


def ok(result: Result) -> Result:
    """Assert that a command succeeded, showing its output if not."""
    assert result.exit_code == 0, f"exit {result.exit_code}: {result.output}"
    return result


def build_text_lab(ot: Invoke, folder: Path, *, job: str = "cli-text", workers: int = 2) -> TextLab:
    """Buckets, manifest, labels, template, role, three workers and the team ``labelers``,
    all through ``opentruth`` commands; and a request file for ``jobs create``."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "manifest.jsonl": "".join(json.dumps({"source": t}) + "\n" for t in TEXTS),
        "labels.json": json.dumps(
            {"document-version": "2018-11-28", "labels": [{"label": x} for x in LABELS]}
        ),
        "template.liquid": "<crowd-form><crowd-classifier name='c'></crowd-classifier></crowd-form>",
        "role.json": json.dumps(make_role(seed_policy(["input-data", "output-data"])).to_detail()),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    for bucket in ("input-data", "output-data"):
        ok(ot("s3", "mb", f"s3://{bucket}"))
    for name in ("manifest.jsonl", "labels.json", "template.liquid"):
        ok(ot("s3", "cp", str(folder / name), f"s3://input-data/{name}"))
    ok(ot("iam", "create-role", "--role", str(folder / "role.json")))
    for username in WORKERS:
        ok(ot("workers", "create", "--username", username, "--password", PASSWORD))
    ok(ot("workteams", "create", "--name", "labelers", "--members", ",".join(WORKERS)))
    request = job_request(job, "TextMultiClass", workers=workers)
    request_file = folder / "job.json"
    request_file.write_text(json.dumps(request), encoding="utf-8")
    return TextLab(folder, request_file, request)


def label_everything(
    rt: Runtime, job: str, usernames: tuple[str, ...] = WORKERS, password: str = PASSWORD
) -> int:
    """Simulated workers log in and label every task they are given (the first label each
    time), then the pending steps run until the job ends; return how many answers they gave."""
    idents = [rt.workers.login(u, password)[1] for u in usernames]
    done = 0
    progress = True
    while progress:
        progress = False
        for w in idents:
            task = rt.workers.next_task(w, job)
            if task is None:
                continue
            label = task["taskInput"]["labels"][0]
            rt.workers.submit(w, task["taskId"], {"crowd-classifier": {"label": label}})
            done += 1
            progress = True
        rt.runner.run_pending()
    settle(rt, job)
    return done


def settle(rt: Runtime, job: str, rounds: int = 50) -> str:
    """Reconcile and run pending steps until the job has ended (or ``rounds`` passes)."""
    status = rt.jobs.describe(job)["LabelingJobStatus"]
    for _ in range(rounds):
        if status in ("Completed", "Failed", "Stopped"):
            break
        rt.runner.reconcile()
        rt.runner.run_pending()
        status = rt.jobs.describe(job)["LabelingJobStatus"]
    return str(status)
