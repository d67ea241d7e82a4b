"""SNS with real boto3 against the whole server: the streaming "Done when" — a streaming job
receives objects published to its SNS topic, a worker labels them through the worker API, and
the outputs arrive on an SQS queue subscribed to the output topic (bench/streaming.py's flow)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "streaming.py"


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_streaming", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_streaming_job_with_boto3(tmp_path: Path, gt_schema: Any) -> None:
    figures = _bench().run(3, tmp_path)
    outputs = figures["outputs"]
    assert [o["source"] for o in outputs] == ["text 0", "text 1", "text 2"]
    for line in outputs:
        assert line["label-metadata"]["class-name"] == "pos"
        assert line["dataset-objectid-attribute-name"] == "$label-attribute-name-object-id"
        assert gt_schema("output-manifest-line.text-classification", line, "label") == []
    assert len(figures["publish_to_task"]) == len(figures["submit_to_output"]) == 3


@pytest.mark.parametrize("name", ["bad name!", "x" * 257])
def test_bad_topic_names(name: str) -> None:
    from opentruth.cloud.topics import DatabaseTopics, InvalidParameter, topic_arn

    assert topic_arn("us-east-1", "000000000000", "t").endswith(":t")
    topics = DatabaseTopics.__new__(DatabaseTopics)
    with pytest.raises(InvalidParameter):
        topics.create_topic(name)
