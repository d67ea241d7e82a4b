"""The active-learning loop end to end on the embedded default, with simulated workers."""

from __future__ import annotations

import json
from typing import Any

from autolabelsupport import autolabel_job, autolabel_role, output_lines, text_dataset
from labsupport import Lab
from opentruth.labeling.autolabel.loop import validation_size

Check = Any


def drain(lab: Lab, job: str, answer: Any) -> int:
    """One simulated worker takes every task it can, then the engine runs; until none is left."""
    done = 0
    while True:
        before = done
        for w in lab.identities:
            while (task := lab.workers.next_task(w, job)) is not None:
                lab.workers.submit(w, task["taskId"], answer(w, task))
                done += 1
        lab.runner.run_pending()
        if done == before:
            return done


def _truthful(truth: dict[str, str]) -> Any:
    def answer(_w: Any, task: dict[str, Any]) -> dict[str, Any]:
        return {"crowd-classifier": {"label": truth[task["taskInput"]["taskObject"]]}}

    return answer


def test_text_job_completes_with_machine_labels(lab: Lab, gt_schema: Check) -> None:
    autolabel_role(lab)
    truth = text_dataset(lab, 1250)
    lab.jobs.create(autolabel_job("reviews", batch=100))
    lab.runner.run_pending()
    d = lab.jobs.describe("reviews")
    assert d["LabelingJobStatus"] == "InProgress"
    submitted = drain(lab, "reviews", _truthful(truth))
    d = lab.jobs.describe("reviews")
    assert d["LabelingJobStatus"] == "Completed", d.get("FailureReason")
    counters = d["LabelCounters"]
    assert counters["MachineLabeled"] > 0
    assert counters["HumanLabeled"] == submitted  # one worker per object
    assert counters["HumanLabeled"] >= validation_size(1250) + 100
    assert counters["TotalLabeled"] == 1250 and counters["Unlabeled"] == 0
    lines = output_lines(lab, "reviews")
    machine = [line for line in lines if line["label-metadata"]["human-annotated"] == "no"]
    assert len(machine) == counters["MachineLabeled"]
    for line in lines:
        assert gt_schema("output-manifest-line.text-classification", line, "label") == []
    correct = sum(line["label-metadata"]["class-name"] == truth[line["source"]] for line in machine)
    assert correct / len(machine) >= 0.95
    assert all(0.0 < line["label-metadata"]["confidence"] <= 1.0 for line in machine)
    # The three folders of automated labeling, written through the role, and the final model.
    arn = d["LabelingJobOutput"]["FinalActiveLearningModelArn"]
    assert arn == "arn:aws:sagemaker:us-east-1:000000000000:model/reviews-final"
    root = "s3://output-data/jobs/reviews/"
    assert lab.get(root + "training/final/model.npz")
    assert lab.get(root + "training/iteration-1/model.npz")
    assert lab.get(root + "inference/iteration-1/output.jsonl")
    summary = json.loads(lab.get(root + "activelearning/iteration-1/summary.json"))
    assert summary["machineLabeled"] > 0 and summary["threshold"]["quality"] >= 0.95
    validation = lab.get(root + "activelearning/validation/input.manifest").decode().splitlines()
    assert len(validation) == validation_size(1250)


def test_final_model_is_reusable_as_initial_model(lab: Lab) -> None:
    autolabel_role(lab)
    truth = text_dataset(lab, 1250)
    lab.jobs.create(autolabel_job("first", batch=100))
    lab.runner.run_pending()
    drain(lab, "first", _truthful(truth))
    first = lab.jobs.describe("first")
    arn = first["LabelingJobOutput"]["FinalActiveLearningModelArn"]
    request = autolabel_job("second", batch=100)
    request["LabelingJobAlgorithmsConfig"]["InitialActiveLearningModelArn"] = arn
    lab.jobs.create(request)
    lab.runner.run_pending()
    drain(lab, "second", _truthful(truth))
    second = lab.jobs.describe("second")
    assert second["LabelingJobStatus"] == "Completed", second.get("FailureReason")
    assert second["LabelingJobAlgorithmsConfig"]["InitialActiveLearningModelArn"] == arn
    # Only the validation set went to humans first: the initial model took the first batch's place.
    summary = json.loads(lab.get("s3://output-data/jobs/second/activelearning/iteration-1/summary.json"))
    assert summary["trainingObjects"] == 0 and summary["machineLabeled"] > 0
    assert second["LabelCounters"]["HumanLabeled"] < first["LabelCounters"]["HumanLabeled"]
    assert second["LabelingJobOutput"]["FinalActiveLearningModelArn"].endswith(":model/second-final")
    # A model is only reusable with the label categories it was trained on.
    lab.labels(["bad", "good", "meh"])
    request = autolabel_job("relabel")
    request["LabelingJobAlgorithmsConfig"]["InitialActiveLearningModelArn"] = arn
    lab.jobs.create(request)
    lab.runner.run_pending()
    d = lab.jobs.describe("relabel")
    assert d["LabelingJobStatus"] == "Failed"
    assert "was trained on the labels ['negative', 'positive']" in d["FailureReason"]


def test_job_fails_when_over_10_percent_of_the_first_sample_fails(lab: Lab) -> None:
    autolabel_role(lab)
    truth = text_dataset(lab, 1250)
    lab.jobs.create(autolabel_job("declined", batch=50))
    lab.runner.run_pending()
    worker = lab.identities[0]
    n = 0
    while (task := lab.workers.next_task(worker, "declined")) is not None:
        if n % 5 == 0:  # 20% of the first sample: every worker (the only one) declines
            lab.workers.decline(worker, task["taskId"])
        else:
            lab.workers.submit(worker, task["taskId"], _truthful(truth)(worker, task))
        n += 1
    lab.runner.run_pending()
    d = lab.jobs.describe("declined")
    assert d["LabelingJobStatus"] == "Failed"
    assert "of the first human-labeled sample failed (more than 10%)" in d["FailureReason"]
    assert d["LabelCounters"]["MachineLabeled"] == 0
