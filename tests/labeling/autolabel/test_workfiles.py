"""The active-learning loop's working files on the job's volume: sealed under VolumeKmsKeyId
through the role's grant, plain without a key, and reused when a step re-runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from autolabelsupport import PASS_ROLE, autolabel_job, text_dataset
from labsupport import ROLE_ARN, Lab, make_role, seed_policy
from opentruth.cloud.keys import EmbeddedKeyManager
from opentruth.cloud.volume import MAGIC as VOLUME_MAGIC
from opentruth.cloud.volume import JobVolume
from opentruth.db.iam_secrets import SecretBox
from opentruth.labeling.autolabel import models
from opentruth.labeling.autolabel.workfiles import WorkFiles

ACCOUNT = "000000000000"
OBJECTS = 300  # the loop's minimum is lowered for these tests: the files matter, not the scale
ARTEFACTS = [
    "autolabel/training/iteration-1/train.jsonl",
    "autolabel/training/iteration-1/model.npz",
    "autolabel/inference/iteration-1/input.jsonl",
    "autolabel/inference/iteration-1/output.jsonl",
    "autolabel/training/final/train.jsonl",
    "autolabel/training/final/model.npz",
]
# Words that the plaintext of those files holds: label names, JSON keys, the reviews' text.
PLAINTEXT = [b"positive", b"negative", b"datasetObjectId", b"confidence", b"source", b"review", b"meta"]


def _drain(lab: Lab, job: str, truth: dict[str, str]) -> None:
    """Simulated workers answer truthfully and the engine runs, until no task is left."""
    while True:
        done = 0
        for w in lab.identities:
            while (task := lab.workers.next_task(w, job)) is not None:
                label = truth[task["taskInput"]["taskObject"]]
                lab.workers.submit(w, task["taskId"], {"crowd-classifier": {"label": label}})
                done += 1
        lab.runner.run_pending()
        if not done:
            return


def _run(lab: Lab, name: str, **algorithms: Any) -> Path:
    """Run a text job with automated labeling to the end; its working folder."""
    lab.res.work_dir = lab.root / "data" / "jobs"
    lab.runner.autolabel.min_objects = OBJECTS
    truth = text_dataset(lab, OBJECTS)
    req = autolabel_job(name, batch=50)
    req["LabelingJobAlgorithmsConfig"].update(algorithms)
    lab.jobs.create(req)
    lab.runner.run_pending()
    _drain(lab, name, truth)
    d = lab.jobs.describe(name)
    assert d["LabelingJobStatus"] == "Completed", d.get("FailureReason")
    assert d["LabelCounters"]["MachineLabeled"] > 0  # iteration 1 trained and inferred
    return lab.root / "data" / "jobs" / name


def _check_artefacts(lab: Lab, volume: JobVolume, job: str) -> None:
    """The files read back (through ``volume``) as the loop's training and inference data."""
    root = f"s3://output-data/jobs/{job}/"
    train = [json.loads(x) for x in volume.read(ARTEFACTS[0]).splitlines()]
    assert train and all(x["label-metadata"]["human-annotated"] == "yes" for x in train)
    model = models.load_model(volume.read(ARTEFACTS[1]))
    assert model.labels == ("negative", "positive")
    assert volume.read(ARTEFACTS[1]) == lab.get(root + "training/iteration-1/model.npz")
    inputs = [json.loads(x) for x in volume.read(ARTEFACTS[2]).splitlines()]
    outputs = [json.loads(x) for x in volume.read(ARTEFACTS[3]).splitlines()]
    assert len(inputs) == len(outputs) > 0 and all("source" in x for x in inputs)
    assert all(0.0 < x["confidence"] <= 1.0 and x["prediction"] in (0, 1) for x in outputs)
    final = models.load_model(volume.read(ARTEFACTS[5]))
    assert final.labels == ("negative", "positive")
    assert volume.read(ARTEFACTS[5]) == lab.get(root + "training/final/model.npz")
    assert len(volume.read(ARTEFACTS[4]).splitlines()) > len(train)  # every human label


def test_volume_key_seals_the_loops_artefacts(lab: Lab) -> None:
    keys = EmbeddedKeyManager(lab.res.db, SecretBox.generate(), account=ACCOUNT, region="us-east-1")
    lab.res.keys = keys
    admin_arn = f"arn:aws:iam::{ACCOUNT}:role/KeyAdmin"
    lab.roles.add(make_role({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}, arn=admin_arn))  # fmt: skip
    admin = lab.res.session(admin_arn, "arn:aws:sagemaker:us-east-1:000000000000:labeling-job/admin")
    key = keys.create_key(admin)
    # The role may only create grants for AWS resources: every volume file goes through the grant.
    policy = seed_policy(["input-data", "output-data"])
    policy["Statement"] += [
        PASS_ROLE,
        {
            "Effect": "Allow",
            "Action": "kms:CreateGrant",
            "Resource": key.arn,
            "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
        },
    ]
    lab.roles.add(make_role(policy))
    lab.res.forget_sessions()

    folder = _run(lab, "sealed", LabelingJobResourceConfig={"VolumeKmsKeyId": key.key_id})
    for name in ARTEFACTS:
        raw = (folder / name).read_bytes()
        assert raw.startswith(VOLUME_MAGIC), name
        assert not [word for word in PLAINTEXT if word in raw], name
    arn = lab.jobs.describe("sealed")["LabelingJobArn"]
    session = lab.res.session(ROLE_ARN, arn)
    volume = JobVolume(folder, arn, keys=keys, principal=session, kms_key=key.key_id)
    _check_artefacts(lab, volume, "sealed")
    # One grant for the volume, however many iterations attached it.
    assert len(keys.list_grants(admin, key.key_id)) == 1


def test_without_a_volume_key_the_artefacts_are_plain(lab: Lab) -> None:
    policy = seed_policy(["input-data", "output-data"])
    policy["Statement"].append(PASS_ROLE)
    lab.roles.add(make_role(policy))
    lab.res.forget_sessions()
    folder = _run(lab, "plain")
    assert not (folder / ARTEFACTS[0]).read_bytes().startswith(VOLUME_MAGIC)
    assert b"positive" in (folder / ARTEFACTS[0]).read_bytes()
    _check_artefacts(lab, JobVolume(folder, "arn:unused"), "plain")


def _model() -> models.Classifier:
    model = models.train_classifier(
        np.array([[0.0, 1.0], [1.0, 0.0], [0.1, 0.9], [0.9, 0.1]]), [0, 1, 0, 1], ["a", "b"], kind="image"
    )
    assert model is not None
    return model


def test_cached_model_is_reused_only_for_the_same_training_set(tmp_path: Path) -> None:
    work = WorkFiles(JobVolume(tmp_path / "job", "arn:job"))
    model = _model()
    assert work.cached_model("iteration-1", b"{}\n") is None  # nothing kept yet
    work.keep_training("iteration-1", b'{"a": 1}\n', model.to_bytes())
    cached = work.cached_model("iteration-1", b'{"a": 1}\n')
    assert isinstance(cached, models.Classifier) and cached.to_bytes() == model.to_bytes()
    assert work.cached_model("iteration-1", b'{"a": 2}\n') is None  # another training set
    assert work.cached_model("iteration-2", b'{"a": 1}\n') is None  # another iteration
    # A damaged model is no cache: the step trains again.
    (tmp_path / "job" / "autolabel" / "training" / "iteration-1" / "model.npz").write_bytes(b"junk")
    assert work.cached_model("iteration-1", b'{"a": 1}\n') is None


def test_without_a_work_directory_nothing_is_kept(tmp_path: Path) -> None:
    work = WorkFiles(None)
    work.keep_training("iteration-1", b"x", _model().to_bytes())
    work.keep_inference("iteration-1", b"x", b"y")
    assert work.cached_model("iteration-1", b"x") is None
    assert list(tmp_path.iterdir()) == []
