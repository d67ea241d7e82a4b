"""The active-learning loop of automated data labeling (groundtruth.md §7), run by the job engine.

1. **Start** (while the job is ``Initializing``, after ingest): at least 1,250 objects, else the
   job fails. Every object was ingested *held* (``preparing``: workers cannot get it). A random
   validation set — 20% of the objects below 5,000, 10% above — and a first batch of
   ``MaxConcurrentTaskCount`` objects are released to humans (``pending``). A job that starts
   from ``InitialActiveLearningModelArn`` releases only the validation set: the model it brings
   takes the first batch's place.
2. **Iterate** (from the consolidation step, once every released object has ended): if more
   than 10% of the first human sample failed, the job fails. Otherwise train on the human labels
   outside the validation set, choose the confidence threshold on the validation set
   (:mod:`.threshold`), label by machine every held object at or above it
   (``"human-annotated": "no"``, MachineLabeled), and release the next ``MaxConcurrentTaskCount``
   held objects — the least confident first — to humans.
3. **Finish** when nothing is held: train the final model on every human label, write it under
   ``training/``, register it as ``<job name>-final`` and set
   ``LabelingJobOutput.FinalActiveLearningModelArn``. The job then completes as any other.

Each step writes its files first (idempotent overwrites, through the role; the loop's own
copies of its training and inference artefacts go to the job's volume, sealed under
``VolumeKmsKeyId``: :mod:`.workfiles`), then commits its database changes in one transaction
guarded by compare-and-set on the loop's version; a crash anywhere re-runs the step with the
same seed and the same result.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson

from opentruth.cloud.authorized_store import AuthorizedObjectStore
from opentruth.db import repo_autolabel, repo_objects
from opentruth.db.models import LabelingJob, ObjectState
from opentruth.db.repo_objects import ObjectResult
from opentruth.errors import ConflictError, ValidationError
from opentruth.labeling import output as out
from opentruth.labeling.autolabel import checks, models
from opentruth.labeling.autolabel.data import (
    FeatureCache,
    LoopObject,
    class_index,
    human_label,
    image_rows,
    loop_object,
    normalized_boxes,
    text_rows,
)
from opentruth.labeling.autolabel.threshold import (
    BoxScore,
    Threshold,
    boxes_threshold,
    classification_threshold,
)
from opentruth.labeling.autolabel.workfiles import WorkFiles
from opentruth.labeling.joblog import JobLog
from opentruth.labeling.manifest import parse_label_config
from opentruth.labeling.output import OutputLayout
from opentruth.labeling.requirements import parse_s3_uri
from opentruth.labeling.resources import Resources
from opentruth.labeling.tasks import behaviour_of

MIN_OBJECTS = 1250
LARGE_DATASET = 5000
FIRST_SAMPLE_FAILURE_LIMIT = 0.10
_OPEN = {ObjectState.PENDING.value, ObjectState.IN_PROGRESS.value, ObjectState.ANNOTATED.value}

Model = models.Classifier | models.BoxModel


class LoopRaced(ConflictError):
    """Another step ran this iteration first; this one's changes were rolled back."""


def validation_size(total: int) -> int:
    """20% of the objects below 5,000, 10% from 5,000 up (at least one)."""
    return max(1, math.ceil(total * (0.2 if total < LARGE_DATASET else 0.1)))


def final_model_arn(job: LabelingJob) -> str:
    """``arn:aws:sagemaker:<region>:<account>:model/<job name>-final``."""
    prefix = job.arn.split(":labeling-job/", 1)[0]
    return f"{prefix}:model/{job.name}-final"


def _seed(job: LabelingJob, salt: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{job.arn}|{salt}".encode()).digest()[:8], "big")


def _put(store: AuthorizedObjectStore, uri: str, body: bytes, content_type: str) -> None:
    loc = parse_s3_uri(uri, "automated labeling output")
    store.put_object(loc.bucket, loc.key, body, content_type=content_type)


def _lines(rows: Sequence[dict[str, Any]]) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in rows)


@dataclass
class _Prediction:
    label: Any  # class index, or a list of normalised boxes
    confidence: float


class AutoLabeling:
    """Runs the loop for the jobs of one engine (see the module docstring)."""

    def __init__(self, res: Resources, *, min_objects: int = MIN_OBJECTS) -> None:
        self.res = res
        self.min_objects = min_objects
        self.cache = FeatureCache()

    # ------------------------------------------------------------------ helpers

    def _labels(self, job: LabelingJob, store: AuthorizedObjectStore) -> tuple[str, ...]:
        uri = job.request["LabelCategoryConfigS3Uri"]
        loc = parse_s3_uri(uri, "LabelCategoryConfigS3Uri")
        return parse_label_config(store.get_object(loc.bucket, loc.key).body, uri=uri).labels

    def _objects(self, job_id: int) -> list[LoopObject]:
        with self.res.db.read() as s:
            return [loop_object(o) for o in repo_objects.iter_objects(s, job_id)]

    def _initial_model(self, job: LabelingJob, store: AuthorizedObjectStore, labels: Sequence[str]) -> Model:
        arn = job.request["LabelingJobAlgorithmsConfig"]["InitialActiveLearningModelArn"]
        with self.res.db.read() as s:
            row = repo_autolabel.get_model(s, arn, account_id=self.res.account)
            uri = row.artifact_uri
        loc = parse_s3_uri(uri, "InitialActiveLearningModelArn artefact")
        model = models.load_model(store.get_object(loc.bucket, loc.key).body)  # through the role
        if tuple(model.labels) != tuple(labels):
            raise ValidationError(
                f"InitialActiveLearningModelArn {arn} was trained on the labels {list(model.labels)}, "
                f"but this job's label categories are {list(labels)}; use the same label categories"
            )
        return model

    # ------------------------------------------------------------------ start

    def start(self, job: LabelingJob, count: int, store: AuthorizedObjectStore, log: JobLog) -> None:
        """Check the dataset size and release the first human sample (idempotent)."""
        if not checks.enabled(job.request):
            return
        with self.res.db.read() as s:
            if repo_autolabel.get_loop(s, job.id) is not None:
                return
        if count < self.min_objects:
            raise ValidationError(
                f"automated data labeling needs at least {self.min_objects:,} data objects, but the "
                f"input manifest has {count:,}; add objects or remove LabelingJobAlgorithmsConfig"
            )
        labels = self._labels(job, store)
        initial = (job.request["LabelingJobAlgorithmsConfig"] or {}).get("InitialActiveLearningModelArn")
        if initial:
            self._initial_model(job, store, labels)  # readable through the role, same labels
        objects = self._objects(job.id)
        ids = [o.dataset_object_id for o in objects]
        rng = random.Random(_seed(job, "validation"))  # noqa: S311 - a reproducible sample, not a secret
        validation = sorted(rng.sample(ids, min(validation_size(len(ids)), len(ids))))
        chosen = set(validation)
        rest = [i for i in ids if i not in chosen]
        batch = [] if initial else sorted(rng.sample(rest, min(job.max_concurrent_task_count, len(rest))))
        layout = OutputLayout(job.request["OutputConfig"]["S3OutputPath"], job.name)
        by_id = {o.dataset_object_id: o for o in objects}
        _put(
            store,
            layout.folder("activelearning") + "validation/input.manifest",
            _lines([by_id[i].line for i in validation]),
            "application/jsonlines",
        )
        with self.res.db.transaction() as s:
            repo_autolabel.create_loop(
                s,
                job.id,
                validation=validation,
                first_sample=validation + batch,
                initial_model_arn=initial,
                now=self.res.clock(),
            )
            repo_autolabel.release_objects(s, job.id, validation + batch, now=self.res.clock())
        log.event(
            "AutomatedLabeling",
            phase="start",
            dataObjects=count,
            validation=len(validation),
            humanBatch=len(batch),
        )

    # ------------------------------------------------------------------ iterate

    def advance(self, job: LabelingJob, store: AuthorizedObjectStore, log: JobLog) -> bool:
        """Run the next iteration if every released object has ended; True when it changed
        objects (machine labels, releases, or the final model)."""
        if not checks.enabled(job.request):
            return False
        with self.res.db.read() as s:
            loop = repo_autolabel.get_loop(s, job.id)
            if loop is None or loop.phase == "done":
                return False
            states = repo_objects.count_objects_by_state(s, job.id)
            version, iteration = loop.version, loop.iteration
            validation, first_sample = set(loop.validation), list(loop.first_sample)
            initial_arn = loop.initial_model_arn
        if any(states.get(st, 0) for st in _OPEN):
            return False  # humans are still at work on this iteration's objects
        objects = self._objects(job.id)
        if iteration == 0:
            self._check_first_sample(objects, first_sample)
        behaviour = behaviour_of(job.request)
        algorithm = checks.algorithm_of(job.request)
        labels = self._labels(job, store)
        attr = job.request["LabelAttributeName"]
        layout = OutputLayout(job.request["OutputConfig"]["S3OutputPath"], job.name)
        held = [o for o in objects if o.state == ObjectState.PREPARING.value]
        human = [(o, lab) for o in objects if (lab := self._truth(o, attr, algorithm)) is not None]
        if not held:
            self._finish(job, store, log, version, iteration, human, labels, algorithm, layout)
            return True
        n = iteration + 1
        folder = f"iteration-{n}"
        train = [(o, lab) for o, lab in human if o.dataset_object_id not in validation]
        valid = [(o, lab) for o, lab in human if o.dataset_object_id in validation]
        work = WorkFiles.attach(self.res, job, store.session)
        train_lines = _lines([json.loads(o.output_line or "{}") for o, _ in train])
        # A step re-run after a crash finds the model it trained on the same set on its volume.
        model = work.cached_model(folder, train_lines) or self._train(job, store, train, labels, algorithm)
        if model is None and initial_arn and n == 1:
            model = self._initial_model(job, store, labels)
        threshold: Threshold | None = None
        preds: list[_Prediction] = []
        if model is not None:
            model_bytes = model.to_bytes()
            work.keep_training(folder, train_lines, model_bytes)
            training = f"{layout.folder('training')}{folder}/"
            _put(store, training + "model.npz", model_bytes, "application/octet-stream")
            _put(store, training + "train.manifest", train_lines, "application/jsonlines")
            threshold = self._threshold(job, store, model, valid, layout, folder)
            preds = self._predict(job, store, model, held)
            inputs = _lines([o.line for o in held])
            outputs = _lines(
                [
                    {
                        "datasetObjectId": o.dataset_object_id,
                        "prediction": p.label,
                        "confidence": p.confidence,
                    }
                    for o, p in zip(held, preds, strict=True)
                ]
            )
            work.keep_inference(folder, inputs, outputs)
            inference = f"{layout.folder('inference')}{folder}/"
            _put(store, inference + "input.manifest", inputs, "application/jsonlines")
            _put(store, inference + "output.jsonl", outputs, "application/jsonlines")
        now = self.res.clock()
        results: list[ObjectResult] = []
        machine_lines: list[dict[str, Any]] = []
        remaining: list[tuple[LoopObject, float]] = []
        sizes = self._sizes(job, store, held) if algorithm == "object-detection" and preds else []
        for i, obj in enumerate(held):
            p = preds[i] if preds else None
            if p is None or threshold is None or p.confidence < threshold.value:
                remaining.append((obj, p.confidence if p else 0.0))
                continue
            label, meta = self._output(behaviour.metadata_type, algorithm, labels, job.name, p, sizes, i, now)
            line = out.with_label(obj.line, attr, label, meta)
            machine_lines.append(line)
            results.append(
                ObjectResult(
                    obj.dataset_object_id,
                    ObjectState.CONSOLIDATED,
                    output_line=orjson.dumps(line).decode("utf-8"),
                    machine_labeled=True,
                )
            )
        if preds:
            remaining.sort(key=lambda r: (r[1], r[0].dataset_object_id))  # least confident first
        else:
            random.Random(_seed(job, folder)).shuffle(remaining)  # noqa: S311 - reproducible order
        batch = sorted(o.dataset_object_id for o, _ in remaining[: job.max_concurrent_task_count])
        _put(
            store,
            f"{layout.folder('activelearning')}{folder}/auto-labeled/output.manifest",
            _lines(machine_lines),
            "application/jsonlines",
        )
        summary = {
            "iteration": n,
            "trainingObjects": len(train),
            "validationObjects": len(valid),
            "threshold": threshold.as_json() if threshold else None,
            "machineLabeled": len(results),
            "sentToHumans": len(batch),
            "stillHeld": len(remaining) - len(batch),
        }
        _put(
            store,
            f"{layout.folder('activelearning')}{folder}/summary.json",
            orjson.dumps(summary),
            "application/json",
        )
        with self.res.db.transaction() as s:
            if not repo_autolabel.advance_loop(
                s, job.id, version, iteration=n, phase="human", summary=summary
            ):
                raise LoopRaced(f"labeling job {job.name}: iteration {n} already ran")
            repo_objects.finish_objects(s, job.id, results, now=now)
            repo_autolabel.release_objects(s, job.id, batch, now=now)
        log.event("AutomatedLabeling", phase="iteration", **summary)
        if results:
            log.metrics({"DatasetObjectsAutoAnnotated": float(len(results))})
        if not batch and len(remaining) == 0:
            self.advance(job, store, log)  # everything is labeled: register the final model now
        return True

    def _check_first_sample(self, objects: Sequence[LoopObject], first_sample: Sequence[int]) -> None:
        sample = set(first_sample)
        failed = sum(
            1
            for o in objects
            if o.dataset_object_id in sample
            and o.state in (ObjectState.FAILED.value, ObjectState.EXPIRED.value)
        )
        if sample and failed / len(sample) > FIRST_SAMPLE_FAILURE_LIMIT:
            raise ValidationError(
                f"automated data labeling stopped: {failed} of the {len(sample)} objects of the first "
                f"human-labeled sample failed (more than {FIRST_SAMPLE_FAILURE_LIMIT:.0%}); check the "
                "data objects and the worker task, then start a new job"
            )

    @staticmethod
    def _truth(obj: LoopObject, attr: str, algorithm: str) -> Any:
        label = human_label(obj, attr)
        if label is None:
            return None
        return normalized_boxes(label) if algorithm == "object-detection" else class_index(label)

    # ------------------------------------------------------------------ models

    def _features(
        self, job: LabelingJob, store: AuthorizedObjectStore, objs: Sequence[LoopObject], model: Model | None
    ) -> Any:
        if checks.algorithm_of(job.request) == "text-classification":
            cfg = model.embedder if isinstance(model, models.Classifier) and model.embedder else None
            embedder = models.embedder_from_config(cfg) if cfg else models.default_embedder()
            return text_rows(job.id, objs, embedder, self.cache), embedder.config
        matrix, _sizes = image_rows(job.id, objs, store, self.cache)
        return matrix, None

    def _sizes(
        self, job: LabelingJob, store: AuthorizedObjectStore, objs: Sequence[LoopObject]
    ) -> list[tuple[int, int]]:
        return image_rows(job.id, objs, store, self.cache)[1]

    def _train(
        self,
        job: LabelingJob,
        store: AuthorizedObjectStore,
        train: Sequence[tuple[LoopObject, Any]],
        labels: Sequence[str],
        algorithm: str,
    ) -> Model | None:
        if len(train) < 2:
            return None
        objs = [o for o, _ in train]
        features, embedder_cfg = self._features(job, store, objs, None)
        if algorithm == "object-detection":
            return models.train_boxes(
                np.asarray(features, dtype=np.float32), [lab for _, lab in train], labels
            )
        kind = "text" if algorithm == "text-classification" else "image"
        return models.train_classifier(
            features,
            [lab for _, lab in train],
            labels,
            kind=kind,
            embedder=embedder_cfg,
            seed=_seed(job, "model") % 2**31,
        )

    def _predict(
        self, job: LabelingJob, store: AuthorizedObjectStore, model: Model, objs: Sequence[LoopObject]
    ) -> list[_Prediction]:
        if not objs:
            return []
        features, _ = self._features(job, store, objs, model)
        if isinstance(model, models.BoxModel):
            return [
                _Prediction(boxes, conf)
                for boxes, conf in model.propose(np.asarray(features, dtype=np.float32))
            ]
        idx, conf = model.predict(features)
        return [_Prediction(int(i), float(c)) for i, c in zip(idx, conf, strict=True)]

    def _threshold(
        self,
        job: LabelingJob,
        store: AuthorizedObjectStore,
        model: Model,
        valid: Sequence[tuple[LoopObject, Any]],
        layout: OutputLayout,
        folder: str,
    ) -> Threshold | None:
        preds = self._predict(job, store, model, [o for o, _ in valid])
        rows = []
        if isinstance(model, models.BoxModel):
            scores = [
                BoxScore(p.confidence, models.match_ious(p.label, lab))
                for p, (_, lab) in zip(preds, valid, strict=True)
            ]
            threshold = boxes_threshold(scores)
        else:
            correct = [p.label == lab for p, (_, lab) in zip(preds, valid, strict=True)]
            threshold = classification_threshold([p.confidence for p in preds], correct)
        for p, (o, lab) in zip(preds, valid, strict=True):
            rows.append(
                {
                    "datasetObjectId": o.dataset_object_id,
                    "human": lab,
                    "prediction": p.label,
                    "confidence": p.confidence,
                }
            )
        _put(
            store,
            f"{layout.folder('activelearning')}{folder}/validation/output.jsonl",
            _lines(rows),
            "application/jsonlines",
        )
        _put(
            store,
            f"{layout.folder('activelearning')}{folder}/threshold.json",
            orjson.dumps(threshold.as_json() if threshold else {"threshold": None, "total": len(valid)}),
            "application/json",
        )
        return threshold

    @staticmethod
    def _output(
        kind: str,
        algorithm: str,
        labels: Sequence[str],
        job_name: str,
        p: _Prediction,
        sizes: Sequence[tuple[int, int]],
        i: int,
        now: Any,
    ) -> tuple[Any, dict[str, Any]]:
        if algorithm != "object-detection":
            return out.single_label(
                labels, int(p.label), p.confidence, job_name=job_name, kind=kind, at=now, human=False
            )
        width, height = sizes[i]
        boxes = [
            out.Box(
                c,
                round(left * width),
                round(top * height),
                max(1, round(w * width)),
                max(1, round(h * height)),
                p.confidence,
            )
            for c, left, top, w, h in p.label
        ]
        return out.bounding_boxes(labels, boxes, (width, height, 3), job_name=job_name, at=now, human=False)

    # ------------------------------------------------------------------ finish

    def _finish(
        self,
        job: LabelingJob,
        store: AuthorizedObjectStore,
        log: JobLog,
        version: int,
        iteration: int,
        human: Sequence[tuple[LoopObject, Any]],
        labels: Sequence[str],
        algorithm: str,
        layout: OutputLayout,
    ) -> None:
        """Train on every human label, register ``<job>-final``, end the loop."""
        work = WorkFiles.attach(self.res, job, store.session)
        train_lines = _lines([json.loads(o.output_line or "{}") for o, _ in human])
        model = work.cached_model("final", train_lines) or self._train(job, store, human, labels, algorithm)
        arn = final_model_arn(job)
        uri = f"{layout.folder('training')}final/model.npz"
        if model is not None:
            model_bytes = model.to_bytes()
            work.keep_training("final", train_lines, model_bytes)
            _put(store, uri, model_bytes, "application/octet-stream")
        now = self.res.clock()
        with self.res.db.transaction() as s:
            if not repo_autolabel.advance_loop(
                s,
                job.id,
                version,
                iteration=iteration,
                phase="done",
                summary={"final": arn if model else None},
            ):
                raise LoopRaced(f"labeling job {job.name}: the loop already finished")
            if model is not None:
                repo_autolabel.register_model(
                    s,
                    account_id=job.account_id,
                    name=f"{job.name}-final",
                    arn=arn,
                    algorithm=algorithm,
                    labels=labels,
                    artifact_uri=uri,
                    job_name=job.name,
                    role_arn=job.request["RoleArn"],
                    now=now,
                )
                repo_autolabel.merge_job_output(s, job.id, {"FinalActiveLearningModelArn": arn}, now=now)
        self.cache.forget(job.id)
        log.event("AutomatedLabeling", phase="done", finalModel=arn if model else None)
