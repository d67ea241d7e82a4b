"""Pre-annotation function: turn one manifest line into the worker's task input.

Ground Truth calls it once per data object with
``{"version": "2018-10-16", "labelingJobArn": ..., "dataObject": <the manifest line>}``.
Lines marked ``"skip": true`` need no human (they are left out of labeling).
"""

import json
import os

with open(os.path.join(os.path.dirname(__file__), "labels.json"), encoding="utf-8") as f:
    CONFIG = json.load(f)


def lambda_handler(event, context):
    line = event["dataObject"]
    return {
        "taskInput": {
            "taskObject": line.get("source", line.get("source-ref")),
            "question": CONFIG["question"],
            "labels": CONFIG["labels"],
        },
        "isHumanAnnotationRequired": not line.get("skip", False),
    }
