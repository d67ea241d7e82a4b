"""Segmentation consolidation: PNG decode/encode and the per-pixel vote."""

from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from PIL import Image

from opentruth.errors import ValidationError
from opentruth.labeling.consolidation import (
    class_colors,
    consolidate_segmentation,
    decode_mask,
    encode_mask,
    internal_color_map,
    vote_masks,
)

LABELS = ["road", "car", "tree"]
COLORS = {"road": "#ff7f0e", "car": "#1f77b4", "tree": "#2ca02c"}
MAPPINGS = {name: {"color": c} for name, c in COLORS.items()}


def rgba_png(pixels: list[list[tuple[int, int, int, int]]]) -> str:
    """A worker-style submission: an RGBA PNG, base64-encoded."""
    img = Image.fromarray(np.array(pixels, dtype=np.uint8))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def hex_rgba(color: str, alpha: int = 255) -> tuple[int, int, int, int]:
    v = int(color[1:], 16)
    return (v >> 16) & 255, (v >> 8) & 255, v & 255, alpha


def test_decode_maps_colours_and_unknown_colours_are_background() -> None:
    road, car = hex_rgba(COLORS["road"]), hex_rgba(COLORS["car"])
    png = rgba_png(
        [
            [road, car, (1, 2, 3, 255)],
            [hex_rgba(COLORS["tree"]), (255, 255, 255, 255), hex_rgba(COLORS["car"], alpha=0)],
        ]
    )
    mask = decode_mask(png, MAPPINGS, LABELS)
    assert mask.tolist() == [[1, 2, 0], [3, 0, 0]]


def test_decode_checks_the_size_and_the_input() -> None:
    png = rgba_png([[(0, 0, 0, 0)] * 3] * 2)
    assert decode_mask(png, MAPPINGS, LABELS, expected_size=(3, 2)).shape == (2, 3)
    with pytest.raises(ValidationError, match="mask is 3×2 but the image is 4×2"):
        decode_mask(png, MAPPINGS, LABELS, expected_size=(4, 2))
    with pytest.raises(ValidationError, match="not valid base64"):
        decode_mask("***", MAPPINGS, LABELS)
    with pytest.raises(ValidationError, match="not a readable PNG"):
        decode_mask(base64.b64encode(b"hello").decode(), MAPPINGS, LABELS)
    with pytest.raises(ValidationError, match="unknown label 'bus'"):
        decode_mask(png, {"bus": {"color": "#000000"}}, LABELS)
    with pytest.raises(ValidationError, match="colour must be '#rrggbb'"):
        decode_mask(png, {"car": {"color": "blue"}}, LABELS)
    with pytest.raises(ValidationError, match="more than one label"):
        decode_mask(png, {"car": {"color": "#000000"}, "road": {"color": "#000000"}}, LABELS)


@given(
    mask=hnp.arrays(
        np.uint8, hnp.array_shapes(min_dims=2, max_dims=2, max_side=12), elements=st.integers(0, 3)
    )
)
@settings(max_examples=40, deadline=None)
def test_encode_decode_round_trip(mask: np.ndarray) -> None:
    colors = class_colors(len(LABELS))
    png = encode_mask(mask, colors)
    with Image.open(io.BytesIO(png)) as img:
        assert img.format == "PNG"
        assert img.mode == "P"
        assert np.array_equal(np.asarray(img), mask)  # pixel values are the class ids
    mappings = {name: {"color": colors[i + 1]} for i, name in enumerate(LABELS)}
    decoded = decode_mask(base64.b64encode(png).decode(), mappings, LABELS)
    assert np.array_equal(decoded, mask)


def test_class_colors_are_distinct_and_background_is_white() -> None:
    for n in (0, 3, 20, 60, 255):
        colors = class_colors(n)
        assert len(colors) == n + 1
        assert colors[0] == "#ffffff"
        assert len(set(colors)) == n + 1


def test_internal_color_map() -> None:
    cmap = internal_color_map(LABELS, 0.9)
    assert cmap["0"] == {"class-name": "BACKGROUND", "confidence": 0.9, "hex-color": "#ffffff"}
    assert [cmap[str(i + 1)]["class-name"] for i in range(3)] == LABELS


def test_vote_majority_per_pixel() -> None:
    a = np.array([[1, 1, 0], [2, 2, 0]], dtype=np.uint8)
    b = np.array([[1, 0, 0], [2, 3, 3]], dtype=np.uint8)
    c = np.array([[1, 1, 3], [0, 2, 3]], dtype=np.uint8)
    res = vote_masks([a, b, c])
    assert res.mask.tolist() == [[1, 1, 0], [2, 2, 3]]
    shares = [[3, 2, 2], [2, 2, 2]]
    assert res.confidence == pytest.approx(np.mean(shares) / 3)


def test_smoothing_breaks_ties_towards_the_neighbourhood_never_overrules_a_majority() -> None:
    # Two workers disagree only at the centre; the surroundings are class 2.
    a = np.full((3, 3), 2, dtype=np.uint8)
    b = a.copy()
    b[1, 1] = 1
    assert vote_masks([a, b]).mask[1, 1] == 2
    assert vote_masks([a, b], smoothing=False).mask[1, 1] == 1  # plain tie → lowest index
    # A one-pixel line that every worker drew survives, although its neighbourhood disagrees.
    line = np.zeros((5, 5), dtype=np.uint8)
    line[2, :] = 3
    assert np.array_equal(vote_masks([line, line, line]).mask, line)


@given(
    masks=st.integers(2, 4).flatmap(
        lambda n: st.lists(hnp.arrays(np.uint8, (4, 5), elements=st.integers(0, 3)), min_size=n, max_size=n)
    )
)
@settings(max_examples=50, deadline=None)
def test_winner_always_has_the_most_votes_at_its_pixel(masks: list[np.ndarray]) -> None:
    res = vote_masks(masks)
    stack = np.stack(masks)
    counts = np.stack([(stack == k).sum(axis=0) for k in range(4)])
    winner_votes = np.take_along_axis(counts, res.mask[None].astype(np.intp), axis=0)[0]
    assert np.array_equal(winner_votes, counts.max(axis=0))
    assert 0.0 <= res.confidence <= 1.0


def test_one_worker_gives_their_mask_and_confidence_zero() -> None:
    m = np.array([[0, 1], [2, 3]], dtype=np.uint8)
    res = vote_masks([m])
    assert np.array_equal(res.mask, m)
    assert res.confidence == 0.0


def test_vote_rejects_mismatched_shapes() -> None:
    with pytest.raises(ValidationError, match="mask 1 has shape"):
        vote_masks([np.zeros((2, 2), np.uint8), np.zeros((2, 3), np.uint8)])
    with pytest.raises(ValidationError, match="no masks"):
        vote_masks([])


def test_consolidate_segmentation_end_to_end() -> None:
    road, car, none = hex_rgba(COLORS["road"]), hex_rgba(COLORS["car"]), (0, 0, 0, 0)
    answers: list[dict[str, Any]] = [
        {"labeledImage": {"pngImageData": rgba_png([[road, car], [none, car]])}, "labelMappings": MAPPINGS},
        {"labeledImage": {"pngImageData": rgba_png([[road, car], [none, none]])}, "labelMappings": MAPPINGS},
        {"labeledImage": {"pngImageData": rgba_png([[road, road], [none, car]])}, "labelMappings": MAPPINGS},
    ]
    png, cmap = consolidate_segmentation(answers, LABELS, expected_size=(2, 2))
    with Image.open(io.BytesIO(png)) as img:
        assert np.asarray(img).tolist() == [[1, 2], [0, 2]]
    confidence = cmap["0"]["confidence"]
    assert confidence == pytest.approx((3 + 2 + 3 + 2) / 4 / 3)
    assert all(entry["confidence"] == confidence for entry in cmap.values())
    with pytest.raises(ValidationError, match=r"answer 1: labeledImage\.pngImageData is missing"):
        consolidate_segmentation([answers[0], {"labelMappings": MAPPINGS}], LABELS)
