"""Post-annotation function: weighted voting over the workers' radio-group answers.

Ground Truth calls it with ``payload.s3Uri``, a JSON file listing each data object with its
workers' answers; the function reads it with plain boto3, which finds the temporary
credentials of the function's role and (on opentruth) the endpoint in the environment, as
on AWS, so the same file runs unchanged on both. It returns one
consolidated label per object. Each worker's vote counts ``weights.json``'s weight for that
worker id (``default`` otherwise).
"""

import json
import os
from urllib.parse import urlparse

import boto3

with open(os.path.join(os.path.dirname(__file__), "weights.json"), encoding="utf-8") as f:
    WEIGHTS = json.load(f)


def read_payload(uri):
    parsed = urlparse(uri)
    body = boto3.client("s3").get_object(Bucket=parsed.netloc, Key=parsed.path.lstrip("/"))["Body"]
    return json.loads(body.read())


def choice(answer):
    """The chosen label of a crowd-radio-group answer: {"<label>": {"on": true}, ...}."""
    for group in answer.values():
        if isinstance(group, dict):
            for label, state in group.items():
                if isinstance(state, dict) and state.get("on"):
                    return label
    return None


def lambda_handler(event, context):
    attr = event["labelAttributeName"]
    results = []
    for item in read_payload(event["payload"]["s3Uri"]):
        scores = {}
        for annotation in item["annotations"]:
            label = choice(json.loads(annotation["annotationData"]["content"]))
            if label is None:
                continue
            weight = WEIGHTS["workers"].get(annotation["workerId"], WEIGHTS["default"])
            scores[label] = scores.get(label, 0.0) + weight
        winner = max(sorted(scores), key=lambda k: scores[k]) if scores else None
        total = sum(scores.values()) or 1.0
        results.append(
            {
                "datasetObjectId": item["datasetObjectId"],
                "consolidatedAnnotation": {
                    "content": {
                        attr: {
                            "label": winner,
                            "confidence": round(scores.get(winner, 0.0) / total, 2),
                            "votes": scores,
                        }
                    }
                },
            }
        )
    return results
