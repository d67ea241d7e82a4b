"""``opentruth demo``: a complete sample, from data shipped inside the package.

It sets up, in the data folder: a bucket holding a manifest of short product reviews, their
label categories and a crowd-classifier template; an execution role whose policy is the seed's
built-in (non-streaming) policy and whose trust policy lets SageMaker assume it for this
account's labeling jobs; a work team of two workers; and a text-classification job, initialised
inline so that it is InProgress. Then it prints how to label: the worker login, or a curl loop.

Running it again reuses what exists. An active demo job is reported as is; once the last one
has ended, a new one is created under the next free name. Passwords are only known when a
worker is created (they are stored as Argon2 hashes), so a second run shows them only with
``--reset-passwords``.
"""

from __future__ import annotations

import json
import secrets
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Annotated, Any

import typer

from opentruth.cli.common import DEFAULT_HOST, DEFAULT_PORT, DataOption, DbOption, StoreOption
from opentruth.cli.context import EXIT_FAILURE, fail, open_runtime

if TYPE_CHECKING:
    from opentruth.runtime import Runtime

DATA_PACKAGE = "opentruth"
DATA_FOLDER = "demo_data"
ROLE_NAME = "OpenTruthDemoRole"
ROLE_PATH = "/service-role/"
TEAM = "demo-team"
WORKERS = ("demo-worker-1", "demo-worker-2")
JOB_PREFIX = "opentruth-demo-"
LABEL_ATTRIBUTE = "sentiment"
PREFIX = "demo/"
_ACTIVE = ("Initializing", "InProgress", "Stopping")


def demo_file(name: str) -> bytes:
    """A file of the sample data shipped in the package (``opentruth/demo_data``)."""
    return resources.files(DATA_PACKAGE).joinpath(DATA_FOLDER, name).read_bytes()


def demo_texts() -> list[str]:
    """The sample texts, one per line of ``texts.txt``."""
    return [line.strip() for line in demo_file("texts.txt").decode("utf-8").splitlines() if line.strip()]


def demo_labels() -> list[str]:
    """The label categories of ``labels.json``."""
    config = json.loads(demo_file("labels.json"))
    return [str(item["label"]) for item in config["labels"]]


def bucket_name(account: str) -> str:
    """The demo bucket; the account id keeps it apart from buckets of other deployments."""
    return f"opentruth-demo-{account}"


def seed_builtin_policy(bucket: str) -> dict[str, Any]:
    """The seed's execution policy for built-in task types (non-streaming), on one bucket that
    holds both the input and the output."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "S3ViewBuckets",
                "Effect": "Allow",
                "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
                "Resource": [f"arn:aws:s3:::{bucket}"],
            },
            {
                "Sid": "S3GetPutObjects",
                "Effect": "Allow",
                "Action": ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
                "Resource": [f"arn:aws:s3:::{bucket}/*"],
            },
            {
                "Sid": "CloudWatch",
                "Effect": "Allow",
                "Action": [
                    "cloudwatch:PutMetricData",
                    "logs:CreateLogStream",
                    "logs:CreateLogGroup",
                    "logs:DescribeLogStreams",
                    "logs:PutLogEvents",
                ],
                "Resource": "*",
            },
        ],
    }


def trust_policy(account: str, region: str) -> dict[str, Any]:
    """SageMaker may assume the role, but only for this account's labeling jobs (the two
    confused-deputy keys SageMaker sets when it assumes a role)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sagemaker.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account},
                    "ArnLike": {"aws:SourceArn": f"arn:aws:sagemaker:{region}:{account}:labeling-job/*"},
                },
            }
        ],
    }


def role_detail(account: str, region: str, bucket: str) -> dict[str, Any]:
    """The demo role, in the ROLE.json shape of ``opentruth iam create-role``."""
    return {
        "Path": ROLE_PATH,
        "RoleName": ROLE_NAME,
        "Arn": f"arn:aws:iam::{account}:role{ROLE_PATH}{ROLE_NAME}",
        "AssumeRolePolicyDocument": trust_policy(account, region),
        "RolePolicyList": [
            {"PolicyName": "GroundTruthBuiltInTaskTypes", "PolicyDocument": seed_builtin_policy(bucket)}
        ],
        "AttachedManagedPolicies": [],
        "Tags": [{"Key": "project", "Value": "opentruth-demo"}],
    }


def job_request(name: str, *, account: str, region: str, bucket: str, per_object: int) -> dict[str, Any]:
    """A boto3-shaped CreateLabelingJob request: built-in single-label text classification."""
    from opentruth.awsmodel.tasktypes import GROUND_TRUTH_LAMBDA_ACCOUNTS

    gt = GROUND_TRUTH_LAMBDA_ACCOUNTS.get(region)
    fn = f"arn:aws:lambda:{region}:{gt}:function"
    if gt is None:
        fail(
            f"region {region} has no Ground Truth built-in functions; use one of "
            f"{', '.join(sorted(GROUND_TRUTH_LAMBDA_ACCOUNTS))}"
        )
    base = f"s3://{bucket}/{PREFIX}"
    return {
        "LabelingJobName": name,
        "LabelAttributeName": LABEL_ATTRIBUTE,
        "InputConfig": {"DataSource": {"S3DataSource": {"ManifestS3Uri": f"{base}input.manifest"}}},
        "OutputConfig": {"S3OutputPath": f"{base}output/"},
        "RoleArn": f"arn:aws:iam::{account}:role{ROLE_PATH}{ROLE_NAME}",
        "LabelCategoryConfigS3Uri": f"{base}labels.json",
        "HumanTaskConfig": {
            "WorkteamArn": f"arn:aws:sagemaker:{region}:{account}:workteam/private-crowd/{TEAM}",
            "UiConfig": {"UiTemplateS3Uri": f"{base}template.liquid"},
            "PreHumanTaskLambdaArn": f"{fn}:PRE-TextMultiClass",
            "TaskKeywords": ["Text", "Sentiment"],
            "TaskTitle": "Sentiment of a product review",
            "TaskDescription": "Pick the sentiment that the review expresses.",
            "NumberOfHumanWorkersPerDataObject": per_object,
            "TaskTimeLimitInSeconds": 300,
            "TaskAvailabilityLifetimeInSeconds": 864000,
            "MaxConcurrentTaskCount": 1000,
            "AnnotationConsolidationConfig": {"AnnotationConsolidationLambdaArn": f"{fn}:ACS-TextMultiClass"},
        },
        "Tags": [{"Key": "project", "Value": "opentruth-demo"}],
    }


@dataclass
class DemoWorker:
    """A demo worker; ``password`` is known only when it was just set."""

    username: str
    password: str | None
    created: bool


# --------------------------------------------------------------------------------------------
# The steps (each reuses what exists)
# --------------------------------------------------------------------------------------------


def _put_data(runtime: Runtime, bucket: str) -> bool:
    """Create the bucket if needed and (re)write the sample objects; True if the bucket is new."""
    from opentruth.errors import ConflictError

    store = runtime.res.store
    try:
        store.create_bucket(bucket)
        created = True
    except ConflictError:  # BucketAlreadyOwnedByYou: this deployment made it before
        created = False
    manifest = "".join(json.dumps({"source": text}) + "\n" for text in demo_texts())
    store.put_object(
        bucket, f"{PREFIX}input.manifest", manifest.encode(), content_type="application/jsonlines"
    )
    store.put_object(
        bucket, f"{PREFIX}labels.json", demo_file("labels.json"), content_type="application/json"
    )
    store.put_object(
        bucket, f"{PREFIX}template.liquid", demo_file("template.liquid"), content_type="text/html"
    )
    return created


def _ensure_role(runtime: Runtime, bucket: str) -> tuple[str, bool]:
    from opentruth.db import repo_iam_roles

    account = runtime.settings.account
    with runtime.db.transaction() as s:
        existing = repo_iam_roles.find_role_arn(s, ROLE_NAME, account)
        if existing is not None:
            return existing, False
        role = repo_iam_roles.create_role_from_detail(
            s, role_detail(account, runtime.settings.region, bucket), account_id=account
        )
        return role.arn, True


def _ensure_workers(runtime: Runtime, reset: bool) -> list[DemoWorker]:
    from opentruth.db import repo_workforce
    from opentruth.errors import NotFoundError

    account = runtime.settings.account
    out: list[DemoWorker] = []
    with runtime.db.transaction() as s:
        for username in WORKERS:
            password = secrets.token_urlsafe(12)
            try:
                repo_workforce.get_worker(s, username, account_id=account)
            except NotFoundError:
                repo_workforce.create_worker(s, username, password, groups=[TEAM], account_id=account)
                out.append(DemoWorker(username, password, created=True))
                continue
            # Keep the worker (its tasks and answers stay its own); a new password only on request.
            repo_workforce.add_workers_to_group(s, TEAM, [username], account_id=account)
            if reset:
                repo_workforce.set_worker_password(s, username, password, account_id=account)
                out.append(DemoWorker(username, password, created=False))
            else:
                out.append(DemoWorker(username, None, created=False))
    return out


def _ensure_team(runtime: Runtime) -> tuple[str, bool]:
    from opentruth.errors import NotFoundError

    try:
        return runtime.workteams.arn_of(TEAM), False
    except NotFoundError:
        arn = runtime.workteams.create_of_workers(TEAM, [], description="The opentruth demo's labelers")
        return arn, True


def _demo_jobs(runtime: Runtime) -> list[dict[str, Any]]:
    jobs: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = runtime.jobs.list(name_contains=JOB_PREFIX, max_results=100, next_token=token)
        jobs.extend(j for j in page["LabelingJobSummaryList"] if j["LabelingJobName"].startswith(JOB_PREFIX))
        token = page.get("NextToken")
        if not token:
            return jobs


def _next_name(existing: Sequence[str]) -> str:
    taken = {n.lower() for n in existing}
    n = len(existing) + 1
    while f"{JOB_PREFIX}{n}" in taken:
        n += 1
    return f"{JOB_PREFIX}{n}"


def _ensure_job(runtime: Runtime, bucket: str, per_object: int) -> tuple[str, bool]:
    jobs = _demo_jobs(runtime)
    active = [j for j in jobs if j["LabelingJobStatus"] in _ACTIVE]
    if active:
        return active[-1]["LabelingJobName"], False
    name = _next_name([j["LabelingJobName"] for j in jobs])
    settings = runtime.settings
    runtime.jobs.create(
        job_request(
            name, account=settings.account, region=settings.region, bucket=bucket, per_object=per_object
        )
    )
    return name, True


# --------------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------------


def demo(
    data: DataOption = None,
    db: DbOption = None,
    store: StoreOption = None,
    per_object: Annotated[
        int,
        typer.Option(
            "--workers-per-object", metavar="N", min=1, max=2, help="Answers wanted per text (1 or 2)."
        ),
    ] = 1,
    reset_passwords: Annotated[
        bool,
        typer.Option("--reset-passwords", help="Give existing demo workers new passwords, and show them."),
    ] = False,
    host: Annotated[
        str | None,
        typer.Option(
            "--host",
            metavar="HOST",
            help="The address `opentruth serve` will listen on (default: 127.0.0.1).",
        ),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(
            "--port", metavar="PORT", help="The port `opentruth serve` will listen on (default: 8080)."
        ),
    ] = None,
    portal_url: Annotated[
        str | None,
        typer.Option(
            "--portal-url",
            metavar="URL",
            help="Where workers reach the portal (default: http://HOST:PORT); alone, it also gives "
            "the host and port to serve on.",
        ),
    ] = None,
) -> None:
    """Set up a sample labeling job (bucket, manifest, role, team, workers) and print how to label it."""
    from opentruth.cli.jobs import run_steps

    with open_runtime(data, db, store) as runtime:
        settings = runtime.settings
        bucket = bucket_name(settings.account)
        made = _put_data(runtime, bucket)
        typer.echo(
            f"bucket:   s3://{bucket} ({'created' if made else 'reused'}), "
            f"{len(demo_texts())} texts in s3://{bucket}/{PREFIX}input.manifest"
        )
        role_arn, made = _ensure_role(runtime, bucket)
        typer.echo(f"role:     {role_arn} ({'created' if made else 'reused'})")
        workers = _ensure_workers(runtime, reset_passwords)
        team_arn, made = _ensure_team(runtime)
        typer.echo(f"team:     {team_arn} ({'created' if made else 'reused'})")
        for w in workers:
            state = "created" if w.created else "reused"
            shown = (
                f"password: {w.password}"
                if w.password
                else "password unchanged (shown when it was created; --reset-passwords sets a new one)"
            )
            typer.echo(f"worker:   {w.username} ({state}), {shown}")
        job, made = _ensure_job(runtime, bucket, per_object)
        if runtime.jobs.describe(job)["LabelingJobStatus"] == "Initializing":
            run_steps(runtime, f"initialising labeling job {job}")
        described = runtime.jobs.describe(job)
    status = described["LabelingJobStatus"]
    typer.echo(f"job:      {job} ({'created' if made else 'existing'}), status {status}")
    if status == "Failed":
        fail(f"the demo job failed: {described.get('FailureReason')}", EXIT_FAILURE)
    data_dir = settings.data_dir.as_posix()
    serve, portal = serve_command(data_dir, host, port, portal_url)
    _print_next_steps(data_dir, serve, portal, job, workers)


def curl_loop(portal: str, job: str, workers: Sequence[DemoWorker], labels: Sequence[str]) -> str:
    """A bash loop that labels the job through the worker JSON API, as each worker in turn."""
    creds = " ".join(shlex.quote(f"{w.username}:{w.password or 'PASSWORD'}") for w in workers)
    # A failed login (no server yet, a wrong password) prints no token rather than a traceback.
    py_login = (
        "import sys, json; d = sys.stdin.read(); "
        'print(json.loads(d).get("token", "") if d[:1] == "{" else "")'
    )
    py_task = 'import sys, json; print(json.load(sys.stdin)["taskId"])'
    return "\n".join(
        [
            f"URL={shlex.quote(portal)}; JOB={shlex.quote(job)}; LABELS=({' '.join(labels)})",
            f"for CRED in {creds}; do",
            '  TOKEN=$(curl -s -X POST "$URL/worker/api/login" -H "Content-Type: application/json" \\',
            '    -d "{\\"username\\": \\"${CRED%%:*}\\", \\"password\\": \\"${CRED#*:}\\"}" \\',
            f"    | python3 -c {shlex.quote(py_login)})",
            '  [ -n "$TOKEN" ] || { echo "cannot log in as ${CRED%%:*} at $URL:'
            ' is opentruth serve running?"; continue; }',
            "  while true; do",
            '    TASK=$(curl -s -w "\\n%{http_code}" -X POST "$URL/worker/api/jobs/$JOB/tasks/next" \\',
            '      -H "Authorization: Bearer $TOKEN")',
            '    [ "$(echo "$TASK" | tail -n1)" = 200 ] || break   # 204: nothing left for this worker',
            f'    ID=$(echo "$TASK" | head -n1 | python3 -c {shlex.quote(py_task)})',
            "    LABEL=${LABELS[RANDOM % ${#LABELS[@]}]}",
            '    curl -s -X POST "$URL/worker/api/tasks/$ID/submit" -H "Authorization: Bearer $TOKEN" \\',
            '      -H "Content-Type: application/json" \\',
            '      -d "{\\"answerContent\\": {\\"crowd-classifier\\": {\\"label\\": \\"$LABEL\\"}}}" \\',
            "      > /dev/null",
            '    echo "$JOB: ${CRED%%:*} labeled task $ID as $LABEL"',
            "  done",
            "done",
        ]
    )


def _serve(data_dir: str, host: str, port: str) -> str:
    serve = f"opentruth serve --data {shlex.quote(data_dir)}"
    if host != DEFAULT_HOST:
        serve += f" --host {shlex.quote(host)}"
    if port != str(DEFAULT_PORT):
        serve += f" --port {shlex.quote(port)}"
    return serve


def serve_command(
    data_dir: str, host: str | None, port: int | None, portal_url: str | None
) -> tuple[str, str]:
    """The ``opentruth serve`` command that listens where the next steps point, and the portal's
    URL there. ``--portal-url`` alone names the host and port to serve on (from the URL);
    with ``--host`` or ``--port`` it is only the address workers use (a proxy in front)."""
    if portal_url and host is None and port is None:
        portal = portal_url.rstrip("/")
        url_host, _, url_port = portal.split("://", 1)[-1].partition(":")
        return _serve(data_dir, url_host or DEFAULT_HOST, url_port or str(DEFAULT_PORT)), portal
    host, port = host or DEFAULT_HOST, port or DEFAULT_PORT
    serve = _serve(data_dir, host, str(port))
    if portal_url:
        serve += f" --portal-url {shlex.quote(portal_url)}"
    return serve, (portal_url or f"http://{host}:{port}").rstrip("/")


def _print_next_steps(
    data_dir: str, serve: str, portal: str, job: str, workers: Sequence[DemoWorker]
) -> None:
    typer.echo("")
    typer.echo("Next steps:")
    typer.echo(f"  1. start the server:   {serve}")
    typer.echo(f"  2. label in a browser: {portal}/worker  (log in as {workers[0].username})")
    typer.echo("     or label with the worker JSON API (bash; random labels):")
    typer.echo("")
    for line in curl_loop(portal, job, workers, demo_labels()).splitlines():
        typer.echo(f"     {line}")
    typer.echo("")
    data = shlex.quote(data_dir)
    typer.echo(f"  3. watch the job:      opentruth jobs describe {job} --data {data}")
    typer.echo(f"                         opentruth logs tail {job} --follow --data {data}")
    if any(w.password is None for w in workers):
        typer.echo(
            "  (replace PASSWORD with the password shown when the worker was created, or run "
            "opentruth demo --reset-passwords)"
        )
