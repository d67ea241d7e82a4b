"""Video frame test data: frames (tiny PNGs), sequence files, label category files, requests."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from PIL import Image

from labsupport import GT, REGION, ROLE_ARN, TEAM_ARN

UI = f"arn:aws:sagemaker:{REGION}:394669845002:human-task-ui/"
Put = Callable[[str, bytes], None]


def frame_png(i: int, size: tuple[int, int] = (160, 120)) -> bytes:
    """A small frame that differs by frame number (a moving square)."""
    img = Image.new("RGB", size, (30, 40, 60))
    x = 10 + 8 * i
    for dx in range(20):
        for dy in range(20):
            img.putpixel(((x + dx) % size[0], 40 + dy), (220, 180, 40))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def put_sequence(put: Put, name: str, frames: int, *, bucket: str = "input-data", seq_no: int = 1) -> str:
    """Frames and a sequence file under ``s3://bucket/<name>/``; returns the sequence file's URI."""
    prefix = f"s3://{bucket}/{name}/"
    for i in range(frames):
        put(f"{prefix}frame_{i:04d}.png", frame_png(i))
    doc = {
        "seq-no": seq_no,
        "prefix": prefix,
        "number-of-frames": frames,
        "frames": [
            {"frame-no": i, "unix-timestamp": 1566861644 + i, "frame": f"frame_{i:04d}.png"}
            for i in range(frames)
        ],
    }
    uri = f"{prefix}seq.json"
    put(uri, json.dumps(doc).encode())
    return uri


def label_config(annotation_type: str = "BoundingBox", **extra: Any) -> dict[str, Any]:
    """A 2020-03-01 label category file with frame, global and label attributes."""
    return {
        "documentVersion": "2020-03-01",
        "frameAttributes": [
            {
                "name": "weather",
                "description": "The weather in the frame",
                "type": "string",
                "enum": ["clear", "rain"],
            }
        ],
        "categoryGlobalAttributes": [
            {"name": "occluded", "type": "string", "enum": ["no", "partially", "yes"]}
        ],
        "labels": [
            {
                "label": "car",
                "categoryAttributes": [{"name": "size", "type": "string", "enum": ["small", "large"]}],
            },
            {"label": "bus"},
        ],
        "annotationType": annotation_type,
        "instructions": {
            "shortInstruction": "Box every vehicle",
            "fullInstruction": "<p>Box each car and bus.</p>",
        },
        **extra,
    }


def video_request(
    name: str, kind: str, *, manifest: str = "s3://input-data/manifest.jsonl", attr: str = "tracks-ref"
) -> dict[str, Any]:
    """A boto3-shaped CreateLabelingJob request for a video frame type (or its adjustment)."""
    base = kind.removeprefix("Adjustment")
    return {
        "LabelingJobName": name,
        "LabelAttributeName": attr,
        "InputConfig": {"DataSource": {"S3DataSource": {"ManifestS3Uri": manifest}}},
        "OutputConfig": {"S3OutputPath": "s3://output-data/jobs/"},
        "RoleArn": ROLE_ARN,
        "LabelCategoryConfigS3Uri": "s3://input-data/video-labels.json",
        "HumanTaskConfig": {
            "WorkteamArn": TEAM_ARN,
            "UiConfig": {"HumanTaskUiArn": UI + base},
            "PreHumanTaskLambdaArn": f"arn:aws:lambda:{REGION}:{GT}:function:PRE-{kind}",
            "TaskTitle": "Track vehicles",
            "TaskDescription": "Draw a box around each vehicle in every frame",
            "NumberOfHumanWorkersPerDataObject": 1,
            "TaskTimeLimitInSeconds": 3 * 24 * 3600,
            "TaskAvailabilityLifetimeInSeconds": 10 * 24 * 3600,
            "AnnotationConsolidationConfig": {
                "AnnotationConsolidationLambdaArn": f"arn:aws:lambda:{REGION}:{GT}:function:ACS-{kind}"
            },
        },
    }


def box_answer(task_input: dict[str, Any], *, shift: int = 0) -> dict[str, Any]:
    """A worker's answer: a car tracked over the first two frames and a bus on the second."""
    frames = [f["no"] for f in task_input["sequence"]["frames"]][:2]
    return {
        "ot-video-frames": {
            "annotationType": "BoundingBox",
            "frameAnnotations": [
                {
                    "frameNo": frames[0],
                    "frameAttributes": {"weather": "clear"},
                    "annotations": [
                        {
                            "label": "car",
                            "objectId": "car-a",
                            "left": 10 + shift,
                            "top": 40,
                            "width": 20,
                            "height": 20,
                            "attributes": {"occluded": "no", "size": "small"},
                        }
                    ],
                },
                {
                    "frameNo": frames[1],
                    "annotations": [
                        {
                            "label": "car",
                            "objectId": "car-a",
                            "left": 18,
                            "top": 40,
                            "width": 20,
                            "height": 20,
                        },
                        {
                            "label": "bus",
                            "objectId": "bus-b",
                            "left": 80,
                            "top": 10,
                            "width": 50,
                            "height": 30,
                        },
                    ],
                },
            ],
        }
    }
