"""Semantic segmentation: decode workers' PNG masks, vote per pixel, encode the result.

Class indices: 0 is the background; the job's label ``labels[i]`` is class ``i + 1``, as in
Ground Truth's ``internal-color-map`` where ``"0"`` is ``BACKGROUND`` and the labels follow.

Decoding (:func:`decode_mask`): crowd-semantic-segmentation submits ``labeledImage.pngImageData``
(base64 PNG) and ``labelMappings`` ``{label: {"color": "#rrggbb"}}``. A pixel whose RGB equals a
mapped colour gets that label's class; every other colour, and any fully transparent pixel, is
background.

Voting (:func:`vote_masks`): Ground Truth treats each pixel as a multi-class vote and
"incorporates surrounding pixels by a smoothing function". Here each class's score at a pixel is
``votes × (9 n + 1) + (votes summed over the 3×3 neighbourhood)`` with n workers and edge pixels
repeated at the border. The neighbourhood sum is at most 9 n, so it never overturns a strict
majority at the pixel; it only settles ties, towards the class its surroundings favour. Ties that
remain go to the lowest class index. All of it is integer arithmetic, hence exact.

Confidence (one number per image, the same for every class as Ground Truth reports it): the mean
over pixels of the winning class's vote share. One worker gives 0.00.
"""

from __future__ import annotations

import base64
import binascii
import colorsys
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image, UnidentifiedImageError

from opentruth.errors import ValidationError

from .classification import SINGLE_WORKER_CONFIDENCE

Mask = npt.NDArray[np.uint8]

#: Refuse masks larger than this many pixels (a PNG bomb decompresses to gigabytes).
MAX_PIXELS = 50_000_000

BACKGROUND_NAME = "BACKGROUND"
BACKGROUND_COLOR = "#ffffff"

#: Colours for classes 1, 2, ... in order. Distinct, none white; more are generated if needed.
PALETTE: tuple[str, ...] = (
    "#2acf59", "#ff7f0e", "#1f77b4", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94",
    "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
)  # fmt: skip

_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def _rgb(color: str, where: str) -> tuple[int, int, int]:
    if not isinstance(color, str) or not _HEX.fullmatch(color):
        raise ValidationError(f"{where}: colour must be '#rrggbb', got {color!r}")
    value = int(color[1:], 16)
    return (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF


def class_colors(n_labels: int) -> list[str]:
    """Hex colours of classes ``0..n_labels``: white background, :data:`PALETTE`, then generated ones."""
    colors = [BACKGROUND_COLOR, *PALETTE[:n_labels]]
    used = set(colors)
    k = 0
    while len(colors) < n_labels + 1:
        # Golden-ratio hue steps give well-spread, deterministic extra colours.
        r, g, b = colorsys.hsv_to_rgb((k * 0.618033988749895) % 1.0, 0.65, 0.85 - 0.25 * ((k // 7) % 2))
        candidate = f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"
        k += 1
        if candidate not in used:
            used.add(candidate)
            colors.append(candidate)
    return colors


def internal_color_map(labels: Sequence[str], confidence: float) -> dict[str, dict[str, Any]]:
    """Ground Truth's ``internal-color-map`` metadata for a mask encoded with :func:`class_colors`."""
    colors = class_colors(len(labels))
    names = [BACKGROUND_NAME, *labels]
    return {
        str(i): {"class-name": names[i], "confidence": confidence, "hex-color": colors[i]}
        for i in range(len(names))
    }


def decode_mask(
    png_base64: str,
    label_mappings: Mapping[str, Mapping[str, Any]],
    labels: Sequence[str],
    *,
    expected_size: tuple[int, int] | None = None,
) -> Mask:
    """Decode a worker's base64 PNG into a ``height × width`` array of class indices.

    ``expected_size`` is ``(width, height)`` from ``inputImageProperties``, checked when given.
    """
    if len(labels) > 255:
        raise ValidationError(f"at most 255 labels fit an 8-bit mask; the job has {len(labels)}")
    index = {name: i + 1 for i, name in enumerate(labels)}
    codes: dict[int, int] = {}
    for name, mapping in label_mappings.items():
        if name not in index:
            raise ValidationError(
                f"labelMappings: unknown label {name!r}; the job's labels are {list(labels)}"
            )
        if not isinstance(mapping, Mapping):
            raise ValidationError(f"labelMappings[{name!r}] must be an object like {{'color': '#rrggbb'}}")
        color = str(mapping.get("color"))
        r, g, b = _rgb(color, f"labelMappings[{name!r}]")
        code = (r << 16) | (g << 8) | b
        if code in codes and codes[code] != index[name]:
            raise ValidationError(f"labelMappings: colour {color} is used by more than one label")
        codes[code] = index[name]

    try:
        data = base64.b64decode(png_base64, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise ValidationError("labeledImage.pngImageData is not valid base64") from None
    try:
        with Image.open(io.BytesIO(data)) as img:
            width, height = img.size
            if img.format != "PNG":
                raise ValidationError(f"labeledImage.pngImageData must be a PNG, got {img.format}")
            if width * height > MAX_PIXELS:
                raise ValidationError(f"mask of {width}×{height} pixels exceeds the limit of {MAX_PIXELS}")
            if expected_size is not None and (width, height) != tuple(expected_size):
                raise ValidationError(
                    f"mask is {width}×{height} but the image is {expected_size[0]}×{expected_size[1]}"
                )
            rgba = np.asarray(img.convert("RGBA"), dtype=np.uint32)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError("labeledImage.pngImageData is not a readable PNG image") from None

    pixel = (rgba[..., 0] << 16) | (rgba[..., 1] << 8) | rgba[..., 2]
    mask = np.zeros(pixel.shape, dtype=np.uint8)
    for code, cls in codes.items():
        mask[pixel == code] = cls
    mask[rgba[..., 3] == 0] = 0  # transparent = not painted
    return mask


def encode_mask(mask: Mask, colors: Sequence[str]) -> bytes:
    """Encode a class-index mask as an indexed (palette) PNG.

    The pixel values are the class indices and ``colors[i]`` is class ``i``'s palette entry, so a
    reader gets the class ids directly and a viewer shows the colours.
    """
    if mask.ndim != 2:
        raise ValidationError(f"a mask must be 2-D (height × width), got shape {mask.shape}")
    if mask.size and int(mask.max()) >= len(colors):
        raise ValidationError(f"mask has class {int(mask.max())} but only {len(colors)} colours were given")
    if len(colors) > 256:
        raise ValidationError("an indexed PNG holds at most 256 colours")
    palette: list[int] = []
    for i, color in enumerate(colors):
        palette.extend(_rgb(color, f"colors[{i}]"))
    # An 8-bit array opens as "L"; putpalette turns it into "P" (the mode= argument of
    # fromarray is deprecated in some Pillow releases).
    img = Image.fromarray(np.ascontiguousarray(mask, dtype=np.uint8))
    img.putpalette(palette)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class VoteResult:
    """The consolidated mask and the image's confidence."""

    mask: Mask
    confidence: float


def _box3_sum(a: npt.NDArray[np.int32]) -> npt.NDArray[np.int32]:
    """Sum over each pixel's 3×3 neighbourhood, repeating edge pixels at the border."""
    p = np.pad(a, 1, mode="edge")
    rows = p[:-2, :] + p[1:-1, :] + p[2:, :]
    return np.asarray(rows[:, :-2] + rows[:, 1:-1] + rows[:, 2:], dtype=np.int32)


def vote_masks(masks: Sequence[Mask], *, smoothing: bool = True) -> VoteResult:
    """Per-pixel vote over workers' class-index masks (all the same shape); see the module docstring."""
    if not masks:
        raise ValidationError("no masks to consolidate")
    shape = masks[0].shape
    for n, m in enumerate(masks):
        if m.ndim != 2 or m.shape != shape:
            raise ValidationError(f"mask {n} has shape {m.shape}, expected {shape} like the first mask")
    n = len(masks)
    stack = np.stack(masks)
    if n == 1:
        return VoteResult(stack[0].copy(), SINGLE_WORKER_CONFIDENCE)

    best_score = np.full(shape, -1, dtype=np.int64)
    best_class = np.zeros(shape, dtype=np.uint8)
    best_votes = np.zeros(shape, dtype=np.int32)
    # Only classes someone painted can win: any pixel has n votes in total, so a class with none
    # scores below them. Ascending order plus strict ">" leaves ties with the lowest index.
    for cls in np.unique(stack).tolist():
        votes = (stack == cls).sum(axis=0, dtype=np.int32)
        score = votes.astype(np.int64) * (9 * n + 1)
        if smoothing:
            score += _box3_sum(votes)
        better = score > best_score
        best_score[better] = score[better]
        best_class[better] = cls
        best_votes[better] = votes[better]
    confidence = float(best_votes.mean() / n) if best_votes.size else 0.0
    return VoteResult(best_class, min(1.0, max(0.0, confidence)))


def consolidate_segmentation(
    answers: Sequence[Mapping[str, Any]],
    labels: Sequence[str],
    *,
    expected_size: tuple[int, int] | None = None,
) -> tuple[bytes, dict[str, dict[str, Any]]]:
    """Consolidate one image from the workers' unwrapped crowd-semantic-segmentation answers.

    Each answer is ``{"labeledImage": {"pngImageData": ...}, "labelMappings": {...}, ...}``.
    Returns the consolidated mask as PNG bytes (palette of :func:`class_colors`) and Ground
    Truth's ``internal-color-map`` with the image's confidence on every class.
    """
    masks: list[Mask] = []
    for n, answer in enumerate(answers):
        image = answer.get("labeledImage")
        png = image.get("pngImageData") if isinstance(image, Mapping) else None
        if not isinstance(png, str):
            raise ValidationError(f"answer {n}: labeledImage.pngImageData is missing")
        mappings = answer.get("labelMappings", {})
        if not isinstance(mappings, Mapping):
            raise ValidationError(f"answer {n}: labelMappings must be an object of label → {{'color'}}")
        try:
            masks.append(decode_mask(png, mappings, labels, expected_size=expected_size))
        except ValidationError as exc:
            raise ValidationError(f"answer {n}: {exc.message}") from None
    result = vote_masks(masks)
    png_bytes = encode_mask(result.mask, class_colors(len(labels)))
    return png_bytes, internal_color_map(labels, result.confidence)
