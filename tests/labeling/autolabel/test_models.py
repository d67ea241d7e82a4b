"""The baseline models: text and image classifiers, box transfer, safe archives."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from autolabelsupport import reviews
from opentruth.errors import ValidationError
from opentruth.labeling.autolabel import models


def test_hashing_text_classifier_learns_and_round_trips() -> None:
    data = reviews(400)
    labels = ["negative", "positive"]
    texts = [t for t, _ in data]
    y = [labels.index(lab) for _, lab in data]
    emb = models.HashingEmbedder()
    clf = models.train_classifier(emb.embed(texts[:200]), y[:200], labels, kind="text", embedder=emb.config)
    assert clf is not None
    pred, conf = clf.predict(emb.embed(texts[200:]))
    assert (pred == np.array(y[200:])).mean() > 0.9
    assert ((conf > 0.5) & (conf <= 1.0)).all()
    again = models.load_model(clf.to_bytes())
    assert isinstance(again, models.Classifier) and again.embedder == {"name": "hashing", "n_features": 2**16}
    pred2, conf2 = again.predict(emb.embed(texts[200:]))
    assert (pred2 == pred).all() and np.allclose(conf2, conf)


def test_one_class_cannot_train() -> None:
    emb = models.HashingEmbedder()
    assert models.train_classifier(emb.embed(["a", "b"]), [1, 1], ["x", "y"], kind="text") is None


def _png(x: int, y: int, size: int = 32) -> bytes:
    img = Image.new("L", (size, size), 0)
    img.paste(255, (x, y, x + 8, y + 8))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def test_image_features_and_classifier() -> None:
    rng = np.random.default_rng(0)
    spots = [(2, 2), (20, 20)]  # class 0: top left; class 1: bottom right
    rows, y = [], []
    for i in range(60):
        cls = i % 2
        x, yy = spots[cls]
        rows.append(models.image_features(_png(x + int(rng.integers(0, 3)), yy + int(rng.integers(0, 3)))))
        y.append(cls)
    features = np.vstack(rows)
    assert features.shape == (60, 384)
    clf = models.train_classifier(features[:40], y[:40], ["tl", "br"], kind="image")
    assert clf is not None
    pred, _ = clf.predict(features[40:])
    assert (pred == np.array(y[40:])).all()


def test_box_transfer_proposes_neighbours_boxes_with_agreement() -> None:
    spots = [(2, 2), (20, 20)]
    feats, boxes = [], []
    for i in range(20):
        x, y = spots[i % 2]
        feats.append(models.image_features(_png(x, y)))
        boxes.append([(i % 2, x / 32, y / 32, 8 / 32, 8 / 32)])
    model = models.train_boxes(np.vstack(feats), boxes, ["a", "b"], k=3)
    assert model is not None
    ((proposal, conf),) = model.propose(models.image_features(_png(20, 20))[None, :])
    assert proposal == [(1, 20 / 32, 20 / 32, 8 / 32, 8 / 32)] and conf == pytest.approx(1.0)
    again = models.load_model(model.to_bytes())
    assert isinstance(again, models.BoxModel)
    assert again.propose(models.image_features(_png(2, 2))[None, :])[0][0][0][0] == 0


def test_iou_matching() -> None:
    a = (0, 0.0, 0.0, 0.5, 0.5)
    b = (0, 0.25, 0.0, 0.5, 0.5)
    assert models.iou(a, b) == pytest.approx(1 / 3)
    ((cls, value),) = models.match_ious([a], [b])
    assert cls == 0 and value == pytest.approx(1 / 3)
    assert models.match_ious([(1, *a[1:])], [b]) == ((0, 0.0), (1, 0.0))  # wrong class: miss + false box
    assert models.set_agreement([], []) == 1.0


def test_archives_are_not_pickles() -> None:
    with pytest.raises(ValidationError, match="not an opentruth model archive"):
        models.load_model(b"\x80\x04K\x01.")
    with pytest.raises(ValidationError, match="not an image"):
        models.image_features(b"not an image", "data object 7")


def test_default_embedder_honours_the_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(models.EMBEDDER_ENV, "hashing")
    assert models.default_embedder().config["name"] == "hashing"
    monkeypatch.setenv(models.EMBEDDER_ENV, "bogus")
    with pytest.raises(ValidationError, match="use auto, hashing or minilm"):
        models.default_embedder()
