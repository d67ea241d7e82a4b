"""Point cloud frame files, read as Ground Truth reads them (DG "Accepted Raw 3D Data Formats").

A frame is a stream of points, each an ordered pack of the elements its format names:
``x y z`` always, then any of ``i`` (intensity) and ``r g b`` (8-bit colour channels).

``binary/<elements>``
    Compact Binary Pack Format: every element is a little-endian 4-byte float, packed point
    after point (``x1 y1 z1 i1 x2 y2 z2 i2 ...``); so the file size must be a multiple of
    4 × the number of elements.
``text/<elements>``
    ASCII: one point per line, white-space separated values.

Without ``format``, Ground Truth takes ``binary/xyzi`` for a ``.bin`` file and ``text/xyzi`` for
a ``.txt`` file; any other extension needs a ``format``.

Parsing is numpy only (``frombuffer`` for binary, ``loadtxt`` for text); every error says what
is wrong with the frame, and the caller adds the file and frame number.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

#: The element orders the developer guide lists (binary and text take the same ones).
ELEMENTS = ("xyz", "xyzi", "xyzrgb", "xyzirgb")
FORMATS = tuple(f"{kind}/{e}" for kind in ("binary", "text") for e in ELEMENTS)


class FrameError(ValueError):
    """A frame file that cannot be used; the message says what is wrong with it."""


@dataclass(frozen=True, slots=True)
class Frame:
    """A parsed frame: ``points`` is (n × k) float32 in the format's element order."""

    format: str
    points: npt.NDArray[np.float32]

    @property
    def elements(self) -> str:
        return self.format.split("/", 1)[1]

    @property
    def count(self) -> int:
        return int(self.points.shape[0])

    def positions(self) -> npt.NDArray[np.float32]:
        """The (n × 3) x, y, z coordinates, in metres."""
        return np.ascontiguousarray(self.points[:, :3])

    def bounds(self) -> tuple[list[float], list[float]]:
        """The smallest and largest x, y, z (zeros for an empty frame)."""
        if self.count == 0:
            return [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]
        xyz = self.points[:, :3]
        return [float(v) for v in xyz.min(axis=0)], [float(v) for v in xyz.max(axis=0)]


def resolve_format(declared: object, key: str) -> str:
    """The frame's format: the declared one (checked), or the default for its extension."""
    if declared is None:
        lower = key.lower()
        if lower.endswith(".bin"):
            return "binary/xyzi"
        if lower.endswith(".txt"):
            return "text/xyzi"
        raise FrameError(
            "no format is given and the file name does not end in .bin or .txt; "
            f"set format to one of {', '.join(FORMATS)}"
        )
    if not isinstance(declared, str) or declared not in FORMATS:
        raise FrameError(f"format {declared!r} is not one of {', '.join(FORMATS)}")
    return declared


def parse_frame(data: bytes, fmt: str) -> Frame:
    """Parse a frame file's bytes in format ``fmt`` (one of :data:`FORMATS`)."""
    kind, elements = fmt.split("/", 1)
    width = len(elements)
    if kind == "binary":
        if len(data) % (4 * width):
            raise FrameError(
                f"{len(data):,} bytes is not a whole number of {fmt} points "
                f"({width} little-endian 4-byte floats = {4 * width} bytes each)"
            )
        points = np.frombuffer(data, dtype="<f4").reshape(-1, width).astype(np.float32)
    else:
        points = _parse_text(data, width, fmt)
    if points.size and not np.isfinite(points[:, :3]).all():
        bad = int(np.flatnonzero(~np.isfinite(points[:, :3]).all(axis=1))[0])
        raise FrameError(f"point {bad} has a coordinate that is not a finite number")
    if "rgb" in elements and points.size:
        rgb = points[:, -3:]
        if (rgb < 0).any() or (rgb > 255).any():
            bad = int(np.flatnonzero(((rgb < 0) | (rgb > 255)).any(axis=1))[0])
            raise FrameError(f"point {bad}: r, g and b must be 8-bit values (0-255)")
    return Frame(fmt, points)


def _parse_text(data: bytes, width: int, fmt: str) -> npt.NDArray[np.float32]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FrameError(f"a {fmt} frame must be UTF-8 text (byte {exc.start} is not)") from None
    lines = text.splitlines()
    for n, line in enumerate(lines, start=1):
        fields = line.split()
        if fields and len(fields) != width:
            raise FrameError(f"line {n} has {len(fields)} values; {fmt} needs {width} per point")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # loadtxt warns on an empty file; that is an empty frame
            points = np.loadtxt(io.StringIO(text), dtype=np.float32, ndmin=2)
    except ValueError as exc:
        raise FrameError(f"not {fmt} text: {exc}") from None
    if points.size == 0:
        return np.zeros((0, width), dtype=np.float32)
    return points.reshape(-1, width)


def encode_frame(points: npt.ArrayLike, fmt: str) -> bytes:
    """The bytes of a frame file in ``fmt`` (test data, examples and the benchmark)."""
    array = np.asarray(points, dtype=np.float32)
    kind, elements = fmt.split("/", 1)
    if array.ndim != 2 or array.shape[1] != len(elements):
        raise FrameError(f"{fmt} needs {len(elements)} values per point")
    if kind == "binary":
        return array.astype("<f4").tobytes()
    return "".join(" ".join(f"{v:.6g}" for v in row) + "\n" for row in array.tolist()).encode()
