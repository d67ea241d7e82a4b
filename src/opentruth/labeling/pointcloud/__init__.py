"""3D point cloud task types: object detection, object tracking, semantic segmentation and
their adjustment jobs (formats and sources in ``docs/point-clouds.md``).

- :mod:`.frames` parses frame files (``binary/…``, ``text/…``) with numpy;
- :mod:`.inputs` checks single-frame manifest lines and sequence files (pose, cameras);
- :mod:`.ingest` reads them through the job's role and builds each object's task input, or the
  reason its object fails;
- :mod:`.answers` checks a worker's answer (the ``crowd-point-cloud`` element's);
- :mod:`.cuboids` consolidates cuboids (3D IoU clustering), :mod:`.segments` point labels;
- :mod:`.outputs` writes Ground Truth's output (cuboid annotations, ``SeqLabel.json``, ``.zlib``).

The shared job machinery calls in through :func:`is_point_cloud` and the functions named in
``__all__``; nothing else in opentruth knows these formats.
"""

from __future__ import annotations

from typing import Literal

Kind = Literal["detection", "tracking", "segmentation"]

_PC = "3DPointCloud"
#: Task type suffix → what workers do. Adjustment jobs show the earlier labels to adjust.
KINDS: dict[str, Kind] = {
    f"{_PC}ObjectDetection": "detection",
    f"{_PC}ObjectTracking": "tracking",
    f"{_PC}SemanticSegmentation": "segmentation",
    f"Adjustment{_PC}ObjectDetection": "detection",
    f"Adjustment{_PC}ObjectTracking": "tracking",
    f"Adjustment{_PC}SemanticSegmentation": "segmentation",
}
SUFFIXES = tuple(KINDS)
#: The one built-in template every point cloud type renders (``templates/builtin/PointCloud.liquid.html``).
TEMPLATE = "PointCloud"
TEMPLATES = dict.fromkeys(SUFFIXES, TEMPLATE)


def is_point_cloud(suffix: str) -> bool:
    """Whether ``suffix`` (a task type's) is one of the point cloud types run here."""
    return suffix in KINDS


def kind_of(suffix: str) -> Kind:
    return KINDS[suffix]


def is_adjustment(suffix: str) -> bool:
    return suffix.startswith("Adjustment")
