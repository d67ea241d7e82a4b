"""Tests of ``opentruth functions create|list|invoke``."""

from __future__ import annotations

import json
from pathlib import Path

from clisupport import Invoke, ok

EXAMPLE_PRE = Path(__file__).resolve().parents[2] / "examples" / "custom-workflow" / "functions" / "pre"


def test_create_list_invoke_the_example_pre_function(ot: Invoke) -> None:
    made = ok(
        ot(
            "functions",
            "create",
            "--name",
            "animals-pre",
            "--handler",
            "pre_annotation.lambda_handler",
            "--code",
            str(EXAMPLE_PRE),
            "--timeout",
            "10",
            "--memory",
            "256",
        )
    )
    assert made.stdout.strip() == "arn:aws:lambda:us-east-1:000000000000:function:animals-pre"
    listed = ok(ot("functions", "list")).stdout
    assert "animals-pre\tpython\tpre_annotation.lambda_handler\t10s\t256MB" in listed
    event = {
        "version": "2018-10-16",
        "labelingJobArn": "arn:aws:sagemaker:us-east-1:000000000000:labeling-job/x",
        "dataObject": {"source": "meow", "skip": True},
    }
    out = ok(ot("functions", "invoke", "animals-pre", "--payload", json.dumps(event)))
    reply = json.loads(out.stdout)
    assert reply["taskInput"]["taskObject"] == "meow" and reply["isHumanAnnotationRequired"] is False


def test_invoke_errors_and_usage(ot: Invoke, tmp_path: Path) -> None:
    code = tmp_path / "code"
    code.mkdir()
    (code / "fn.py").write_text("def handler(event, context):\n    raise KeyError('nope')\n")
    ok(ot("functions", "create", "--name", "bad", "--handler", "fn.handler", "--code", str(code)))
    failed = ot("functions", "invoke", "bad")
    assert failed.exit_code == 1
    assert json.loads(failed.stdout)["errorType"] == "KeyError"
    both = ot("functions", "create", "--name", "x", "--url", "http://127.0.0.1:1/", "--code", str(code))
    assert both.exit_code == 2 and "not both" in both.output
    missing = ot("functions", "create", "--name", "y", "--handler", "nothere.handler", "--code", str(code))
    assert missing.exit_code == 2 and "nothere.py" in missing.output
    assert ot("functions", "invoke", "ghost").exit_code == 1
