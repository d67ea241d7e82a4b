"""Point cloud test data: frames, sequence files, manifests, label files and answers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np

from opentruth.labeling.pointcloud.frames import encode_frame

REGION = "us-east-1"
GT = "432418664414"
UI = "arn:aws:sagemaker:us-east-1:394669845002:human-task-ui/"
POSE = {
    "position": {"x": 1.0, "y": 2.0, "z": 0.5},
    "heading": {"qx": 0.0, "qy": 0.0, "qz": 0.0, "qw": 1.0},
}
CAMERA = {
    "image-path": "images/cam0.png",
    "unix-timestamp": 1566861644.75,
    "fx": 500.0,
    "fy": 500.0,
    "cx": 320.0,
    "cy": 240.0,
    "position": {"x": 0.0, "y": 0.0, "z": 1.5},
    "heading": {"qx": -0.5, "qy": 0.5, "qz": -0.5, "qw": 0.5},
    "camera-model": "pinhole",
}
LABEL_CONFIG: dict[str, Any] = {
    "documentVersion": "2020-03-01",
    "frameAttributes": [
        {"name": "Weather", "type": "string", "enum": ["Sunny", "Rainy"], "description": "The weather"}
    ],
    "categoryGlobalAttributes": [{"name": "Occlusion", "type": "string", "enum": ["None", "Partial"]}],
    "labels": [
        {
            "label": "Car",
            "categoryAttributes": [{"name": "Type", "type": "string", "enum": ["Sedan", "SUV"]}],
        },
        {"label": "Pedestrian"},
    ],
    "instructions": {"shortInstruction": "Draw a cuboid around each object", "fullInstruction": "..."},
}


def scene(n: int = 2000, seed: int = 0, elements: str = "xyzi") -> np.ndarray[Any, Any]:
    """A ground plane with a car-sized block of points at (10, 0) and a post at (5, 4)."""
    rng = np.random.default_rng(seed)
    ground = np.column_stack([rng.uniform(-20, 20, n), rng.uniform(-20, 20, n), rng.normal(0, 0.02, n)])
    car = np.column_stack(
        [rng.uniform(8, 12, n // 4), rng.uniform(-1, 1, n // 4), rng.uniform(0, 1.5, n // 4)]
    )
    post = np.column_stack(
        [rng.normal(5, 0.1, n // 8), rng.normal(4, 0.1, n // 8), rng.uniform(0, 2, n // 8)]
    )
    xyz = np.vstack([ground, car, post]).astype(np.float32)
    cols = [xyz]
    if "i" in elements:
        cols.append(rng.uniform(0, 1, (len(xyz), 1)).astype(np.float32))
    if "rgb" in elements:
        cols.append(rng.integers(0, 256, (len(xyz), 3)).astype(np.float32))
    return np.hstack(cols)


def put_frame(put: Callable[[str, bytes], None], uri: str, fmt: str, seed: int = 0, n: int = 2000) -> int:
    """Store a scene frame at ``uri`` in ``fmt``; return its point count."""
    points = scene(n, seed, fmt.split("/", 1)[1])
    put(uri, encode_frame(points, fmt))
    return len(points)


def single_frame_line(uri: str, fmt: str, *, camera: bool = True) -> dict[str, Any]:
    meta: dict[str, Any] = {"format": fmt, "unix-timestamp": 1566861644.75, "ego-vehicle-pose": POSE}
    if camera:
        meta["prefix"] = "s3://input-data/pc/"
        meta["images"] = [CAMERA]
    return {"source-ref": uri, "source-ref-metadata": meta}


def sequence_doc(frames: int, prefix: str = "s3://input-data/pc/seq/") -> dict[str, Any]:
    return {
        "seq-no": 1,
        "prefix": prefix,
        "number-of-frames": frames,
        "frames": [
            {
                "frame-no": 10 + i,
                "unix-timestamp": 1566861644.0 + i * 0.1,
                "frame": f"frame{i}.bin",
                "format": "binary/xyzi",
                "ego-vehicle-pose": POSE,
            }
            for i in range(frames)
        ],
    }


def pc_request(name: str, suffix: str, ui: str, *, attr: str, workers: int = 1) -> dict[str, Any]:
    """A boto3-shaped CreateLabelingJob request for a point cloud type (HumanTaskUiArn)."""
    return {
        "LabelingJobName": name,
        "LabelAttributeName": attr,
        "InputConfig": {
            "DataSource": {"S3DataSource": {"ManifestS3Uri": f"s3://input-data/{name}/manifest.jsonl"}}
        },
        "OutputConfig": {"S3OutputPath": "s3://output-data/jobs/"},
        "RoleArn": "arn:aws:iam::000000000000:role/GroundTruthExecution",
        "LabelCategoryConfigS3Uri": f"s3://input-data/{name}/labels.json",
        "HumanTaskConfig": {
            "WorkteamArn": "arn:aws:sagemaker:us-east-1:000000000000:workteam/private-crowd/labelers",
            "UiConfig": {"HumanTaskUiArn": UI + ui},
            "PreHumanTaskLambdaArn": f"arn:aws:lambda:{REGION}:{GT}:function:PRE-{suffix}",
            "TaskTitle": "Label the point cloud",
            "TaskDescription": "Draw cuboids around cars",
            "NumberOfHumanWorkersPerDataObject": workers,
            "TaskTimeLimitInSeconds": 3600,
            "TaskAvailabilityLifetimeInSeconds": 864000,
            "AnnotationConsolidationConfig": {
                "AnnotationConsolidationLambdaArn": f"arn:aws:lambda:{REGION}:{GT}:function:ACS-{suffix}"
            },
        },
    }


def manifest(lines: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(line) + "\n" for line in lines)


def cuboid(label: str = "Car", x: float = 10.0, **extra: Any) -> dict[str, Any]:
    return {
        "label": label,
        "center-x": x,
        "center-y": 0.0,
        "center-z": 0.75,
        "length": 4.0,
        "width": 2.0,
        "height": 1.5,
        "roll": 0.0,
        "pitch": 0.0,
        "yaw": 0.1,
        **extra,
    }
