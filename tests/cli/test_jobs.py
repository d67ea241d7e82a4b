"""Tests of ``opentruth jobs create|describe|list|stop``, on SQLite and (one) on PostgreSQL."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from clisupport import TEXTS, Invoke, TextLab, build_text_lab, label_everything, ok, open_runtime
from dbsupport import create_pg_database, drop_pg_database, pg_url_of
from opentruth.cli.app import app
from opentruth.runtime import Runtime


def _iso(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, f"{value} has no time zone"
    return parsed


def test_create_label_and_describe_completed(
    ot: Invoke, text_lab: TextLab, runtime_of: Callable[[], Runtime]
) -> None:
    created = ok(ot("jobs", "create", "--request", str(text_lab.request_file)))
    arn = "arn:aws:sagemaker:us-east-1:000000000000:labeling-job/cli-text"
    assert created.stdout.splitlines()[0] == arn
    assert "status: InProgress" in created.stdout

    rt = runtime_of()
    answers = label_everything(rt, "cli-text")
    assert answers == 2 * len(TEXTS)  # two workers per object

    described = ok(ot("jobs", "describe", "cli-text", "--json"))
    job = json.loads(described.stdout)
    assert job == json.loads(json.dumps(rt.jobs.describe("cli-text"), default=lambda d: d.isoformat()))
    assert job["LabelingJobStatus"] == "Completed"
    assert job["LabelingJobArn"] == arn
    assert job["LabelCounters"]["TotalLabeled"] == len(TEXTS)
    assert job["LabelCounters"]["Unlabeled"] == 0
    assert _iso(job["CreationTime"]) <= _iso(job["LastModifiedTime"])
    assert job["LabelingJobOutput"]["OutputDatasetS3Uri"].endswith(
        "/cli-text/manifests/output/output.manifest"
    )
    for member, value in text_lab.request["HumanTaskConfig"].items():  # the request is echoed
        assert job["HumanTaskConfig"][member] == value
    # The AWS CLI's layout: four-space indentation.
    assert described.stdout.startswith('{\n    "')

    # The output manifest can be fetched with the s3 commands, one line per text, in order.
    out = text_lab.folder / "output.manifest"
    ok(ot("s3", "cp", job["LabelingJobOutput"]["OutputDatasetS3Uri"], str(out)))
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["source"] for line in lines] == TEXTS
    assert all(line["label-metadata"]["human-annotated"] == "yes" for line in lines)


def test_readable_describe_and_list(ot: Invoke, text_lab: TextLab) -> None:
    ok(ot("jobs", "create", "--request", str(text_lab.request_file)))
    view = ok(ot("jobs", "describe", "CLI-TEXT")).stdout  # names match in any case, as in SageMaker
    assert "cli-text" in view
    assert "InProgress" in view
    assert "Label counters" in view
    assert "(written when the job completes or stops)" in view

    listed = ok(ot("jobs", "list")).stdout
    assert "cli-text" in listed and "InProgress" in listed
    assert "cli-text" in ok(ot("jobs", "list", "--status", "InProgress")).stdout
    assert "cli-text" not in ok(ot("jobs", "list", "--status", "Completed")).stdout
    assert "cli-text" not in ok(ot("jobs", "list", "--name-contains", "other")).stdout
    as_json = json.loads(ok(ot("jobs", "list", "--json", "--name-contains", "TEXT")).stdout)
    assert [j["LabelingJobName"] for j in as_json["LabelingJobSummaryList"]] == ["cli-text"]

    bad = ot("jobs", "list", "--status", "Running")
    assert bad.exit_code == 2
    assert "InProgress" in bad.stderr  # says which states exist


def test_no_wait_leaves_the_job_initializing(ot: Invoke, text_lab: TextLab) -> None:
    created = ok(ot("jobs", "create", "--request", str(text_lab.request_file), "--no-wait"))
    assert "status:" not in created.stdout
    job = json.loads(ok(ot("jobs", "describe", "cli-text", "--json")).stdout)
    assert job["LabelingJobStatus"] == "Initializing"


def test_stop_writes_output_and_stops(ot: Invoke, text_lab: TextLab) -> None:
    ok(ot("jobs", "create", "--request", str(text_lab.request_file)))
    stopped = ok(ot("jobs", "stop", "cli-text"))
    assert "status: Stopped" in stopped.stdout
    job = json.loads(ok(ot("jobs", "describe", "cli-text", "--json")).stdout)
    assert job["LabelingJobStatus"] == "Stopped"
    assert job["LabelCounters"]["Unlabeled"] == len(TEXTS)
    assert "OutputDatasetS3Uri" in job["LabelingJobOutput"]
    # Stopping an ended job does nothing, as in SageMaker.
    assert "status: Stopped" in ok(ot("jobs", "stop", "cli-text")).stdout


def test_duplicate_name_is_resource_in_use(ot: Invoke, text_lab: TextLab) -> None:
    ok(ot("jobs", "create", "--request", str(text_lab.request_file), "--no-wait"))
    again = ot("jobs", "create", "--request", str(text_lab.request_file), "--no-wait")
    assert again.exit_code == 1
    assert "cli-text" in again.stderr


def test_role_without_output_access_fails_the_job(ot: Invoke, text_lab: TextLab) -> None:
    request = dict(text_lab.request, OutputConfig={"S3OutputPath": "s3://elsewhere/out/"})
    request_file = text_lab.folder / "denied.json"
    request_file.write_text(json.dumps(request))
    ok(ot("s3", "mb", "s3://elsewhere"))
    created = ot("jobs", "create", "--request", str(request_file))
    assert created.exit_code == 1
    assert "status: Failed" in created.stdout
    assert "failure reason: ClientError: User: arn:aws:sts::000000000000:assumed-role/" in created.stdout
    assert "arn:aws:s3:::elsewhere" in created.stdout


def test_bad_input_errors(ot: Invoke, text_lab: TextLab, tmp_path: Path) -> None:
    missing = ot("jobs", "create", "--request", str(tmp_path / "nope.json"))
    assert missing.exit_code == 2
    assert "nope.json does not exist" in missing.stderr

    broken = tmp_path / "broken.json"
    broken.write_text('{"LabelingJobName": "x",\n  oops}')
    bad_json = ot("jobs", "create", "--request", str(broken))
    assert bad_json.exit_code == 2
    assert "broken.json is not valid JSON" in bad_json.stderr and "line 2" in bad_json.stderr

    invalid = tmp_path / "invalid.json"
    invalid.write_text(json.dumps(dict(text_lab.request, LabelingJobName="bad name!")))
    rejected = ot("jobs", "create", "--request", str(invalid))
    assert rejected.exit_code == 2
    assert "labelingJobName" in rejected.stderr  # AWS names the member this way

    no_team = tmp_path / "no-team.json"
    human = dict(text_lab.request["HumanTaskConfig"])
    human["WorkteamArn"] = human["WorkteamArn"].replace("labelers", "ghosts")
    no_team.write_text(json.dumps(dict(text_lab.request, HumanTaskConfig=human)))
    unteamed = ot("jobs", "create", "--request", str(no_team))
    assert unteamed.exit_code == 2
    assert "opentruth workteams create" in unteamed.stderr

    for command in (["describe", "ghost"], ["stop", "ghost"]):
        unknown = ot("jobs", *command)
        assert unknown.exit_code == 1
        assert "ghost" in unknown.stderr


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database of its own (the CLI migrates it on first use)."""
    name = f"opentruth_cli_{uuid.uuid4().hex[:12]}"
    create_pg_database(name)
    try:
        yield pg_url_of(name)
    finally:
        drop_pg_database(name)


def test_jobs_on_postgresql(pg_database: str, cli_data: Path, tmp_path: Path) -> None:
    runner = CliRunner()

    def on_pg(*args: str) -> Result:
        return runner.invoke(app, [*args, "--data", str(cli_data), "--db", pg_database])

    lab = build_text_lab(on_pg, tmp_path / "files", job="pg-text", workers=1)
    created = ok(on_pg("jobs", "create", "--request", str(lab.request_file)))
    assert "status: InProgress" in created.stdout
    rt = open_runtime(cli_data, pg_database)
    try:
        assert label_everything(rt, "pg-text") == len(TEXTS)
    finally:
        rt.close()
    job = json.loads(ok(on_pg("jobs", "describe", "pg-text", "--json")).stdout)
    assert job["LabelingJobStatus"] == "Completed"
    assert job["LabelCounters"]["HumanLabeled"] == len(TEXTS)
    # The SQLite file of the data folder was never used: everything is in PostgreSQL.
    assert not (cli_data / "opentruth.db").exists()
