"""The active-learning loop's working files on the job's volume (``DATA/jobs/<job>/autolabel/``).

Ground Truth runs automated labeling's training and inference on ML storage volumes encrypted
with ``LabelingJobResourceConfig.VolumeKmsKeyId``. opentruth's volume is the job's working folder
(:func:`opentruth.labeling.encryption.job_volume`): with the key every file below is sealed
through the grant the role created; without it the files are plain. Per iteration ``N``:

- ``autolabel/training/iteration-N/train.jsonl``: the training set (the consolidated output
  lines the model was trained on) and ``.../model.npz``: the trained model;
- ``autolabel/inference/iteration-N/input.jsonl``: the manifest lines of the objects the model
  labels (the loop caches features only in memory, so this list is what it "read");
- ``autolabel/inference/iteration-N/output.jsonl``: each object's prediction and confidence;
- ``autolabel/training/final/...``: the final model and the set it was trained on.

The copies in the job's output location stay what the customer reads; these are the loop's own.
A step that re-runs after a crash reuses its cached model when the training set is unchanged
(:meth:`WorkFiles.cached_model`) instead of training it again.
"""

from __future__ import annotations

from opentruth.cloud.session import RoleSession
from opentruth.cloud.volume import JobVolume
from opentruth.db.models import LabelingJob
from opentruth.errors import ValidationError
from opentruth.labeling.autolabel import models
from opentruth.labeling.encryption import job_volume
from opentruth.labeling.resources import Resources

ROOT = "autolabel"


class WorkFiles:
    """The loop's files of one job; every method is a no-op without a work directory."""

    def __init__(self, volume: JobVolume | None) -> None:
        self.volume = volume

    @classmethod
    def attach(cls, res: Resources, job: LabelingJob, session: RoleSession) -> WorkFiles:
        """The job's volume through its role (``kms:CreateGrant`` first with a volume key)."""
        return cls(job_volume(res, job, session))

    @staticmethod
    def name(stage: str, folder: str, file: str) -> str:
        """``autolabel/<stage>/<folder>/<file>``: ``stage`` is ``training`` or ``inference``."""
        return f"{ROOT}/{stage}/{folder}/{file}"

    def _write(self, name: str, body: bytes) -> None:
        if self.volume is not None:
            self.volume.write(name, body)

    def keep_training(self, folder: str, train: bytes, model: bytes) -> None:
        """The training set and the model trained on it (model last: it marks a complete pair)."""
        self._write(self.name("training", folder, "train.jsonl"), train)
        self._write(self.name("training", folder, "model.npz"), model)

    def keep_inference(self, folder: str, inputs: bytes, outputs: bytes) -> None:
        """The objects the model labeled and its predictions with their confidences."""
        self._write(self.name("inference", folder, "input.jsonl"), inputs)
        self._write(self.name("inference", folder, "output.jsonl"), outputs)

    def cached_model(self, folder: str, train: bytes) -> models.Classifier | models.BoxModel | None:
        """The model this step trained before, if its training set was exactly ``train``.

        A missing, damaged or foreign file (it fails to open under the volume key) is no cache:
        the step trains again and overwrites it. Access errors of the role propagate.
        """
        if self.volume is None:
            return None
        try:
            if self.volume.read(self.name("training", folder, "train.jsonl")) != train:
                return None
            return models.load_model(self.volume.read(self.name("training", folder, "model.npz")))
        except (OSError, ValidationError):  # InvalidCiphertextError is a ValidationError
            return None
