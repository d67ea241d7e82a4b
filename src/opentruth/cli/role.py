"""``opentruth role``: check an execution role against a labeling job, or generate one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from opentruth.cli.console import make_console
from opentruth.errors import OpenTruthError, ValidationError
from opentruth.iam.roles import Role, decode_document
from opentruth.labeling.policygen import generate_role
from opentruth.labeling.requirements import JobRequirements, TagLookup, derive_requirements
from opentruth.labeling.rolecheck import RoleCheck, StoreObjects, check_role, read_local_manifest

app = typer.Typer(help="Check or generate the execution role of a labeling job.", no_args_is_help=True)

_DECISION_STYLE = {"Allowed": "green", "ExplicitlyDenied": "bold red", "ImplicitlyDenied": "red"}

JobOpt = Annotated[
    Path,
    typer.Option(
        "--job", metavar="FILE", help="The CreateLabelingJob request (boto3 create_labeling_job JSON)."
    ),
]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def _load_job(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"cannot read job file {path}: {exc}") from None
    except ValueError as exc:
        raise ValidationError(f"job file {path}: not valid JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise ValidationError(f"job file {path}: must be a JSON object (the create_labeling_job parameters)")
    return doc


def _job_role_arn(job: dict[str, Any]) -> str | None:
    """The job's ``RoleArn``: it picks the role out of a get-account-authorization-details file."""
    arn = job.get("RoleArn")
    return arn if isinstance(arn, str) else None


def role_from_aws(role_name: str, client: Any = None) -> Role:
    """Read a live role through the IAM API (GetRole, its inline and attached policies).

    Customer managed policy documents are fetched at their default version; AWS managed ones
    too, so that a policy opentruth does not ship still resolves.
    """
    import boto3  # imported here: only this option needs it, and it is slow to import

    iam = client or boto3.client("iam")
    role = iam.get_role(RoleName=role_name)["Role"]
    inline: list[dict[str, Any]] = []
    for page in iam.get_paginator("list_role_policies").paginate(RoleName=role_name):
        for name in page["PolicyNames"]:
            doc = iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"]
            inline.append({"PolicyName": name, "PolicyDocument": decode_document(doc, name)})
    attached: list[dict[str, str]] = []
    documents: dict[str, Any] = {}
    arns: list[str] = []
    for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=role_name):
        for pol in page["AttachedPolicies"]:
            attached.append({"PolicyName": pol["PolicyName"], "PolicyArn": pol["PolicyArn"]})
            arns.append(pol["PolicyArn"])
    boundary = role.get("PermissionsBoundary")
    if boundary and boundary.get("PermissionsBoundaryArn"):
        arns.append(boundary["PermissionsBoundaryArn"])
    for arn in arns:
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        doc = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
        documents[arn] = decode_document(doc, arn)
    detail: dict[str, Any] = {
        "Path": role.get("Path", "/"),
        "RoleName": role["RoleName"],
        "RoleId": role.get("RoleId"),
        "Arn": role["Arn"],
        "AssumeRolePolicyDocument": decode_document(role["AssumeRolePolicyDocument"], "trust policy"),
        "RolePolicyList": inline,
        "AttachedManagedPolicies": attached,
        "Tags": role.get("Tags", []),
        "ManagedPolicyDocuments": documents,
    }
    if boundary:
        detail["PermissionsBoundary"] = boundary
    return Role.from_detail(detail)


def _live_role(role_name: str) -> Role:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return role_from_aws(role_name)
    except (ClientError, BotoCoreError) as exc:
        raise ValidationError(f"cannot read role {role_name} from AWS IAM: {exc}") from None


def _requirements(
    job: dict[str, Any], manifest: Path | None, data: Path | None, sample: int | None
) -> JobRequirements:
    sources: list[str] | None = None
    tags: TagLookup | None = None
    if manifest is not None:
        sources = read_local_manifest(manifest)
    elif data is not None:
        store = StoreObjects(data)
        tags = store.tags
        uri = (((job.get("InputConfig") or {}).get("DataSource") or {}).get("S3DataSource") or {}).get(
            "ManifestS3Uri"
        )
        if isinstance(uri, str) and uri:
            sources = store.manifest_sources(uri)
    return derive_requirements(job, data_objects=sources, sample=sample, object_tags=tags)


def _print_check(check: RoleCheck) -> None:
    console = make_console()
    table = Table(title=f"role {check.role.name} for labeling job {check.requirements.job.name}")
    for column in ("Requirement", "Severity", "Action", "Resource", "Decision", "Deciding statement"):
        table.add_column(column, overflow="fold")
    for row in (check.trust, *check.results):
        req = row.requirement
        style = _DECISION_STYLE.get(row.decision, "")
        if not row.allowed and req.severity == "advisory":
            style = "yellow"
        decision = f"[{style}]{row.decision}[/]"
        table.add_row(req.requirement, req.severity, req.action, req.resource, decision, row.statement)
    for item in check.unchecked:
        table.add_row("read data objects", "fatal", "s3:GetObject", item, "Unchecked", "")
    console.print(table)
    # Plain lines (not table cells), so that they never wrap mid-sentence.
    for row in check.results:
        if not row.allowed and row.why:
            typer.echo(f"why: {row.requirement.action} on {row.requirement.resource}: {row.why}")
    if not check.trust.allowed:
        typer.echo(
            f"why: the trust policy does not let sagemaker.amazonaws.com assume {check.role.arn} "
            f"for {check.trust.requirement.context.get('aws:SourceArn')}"
        )
    for row in check.warnings:
        typer.echo(
            f"warning: {row.requirement.action} on {row.requirement.resource} is denied; "
            f"the job runs but cannot {row.requirement.requirement}"
        )
    for item in check.unchecked:
        typer.echo(f"unchecked: {item} (check them with --manifest FILE or --data DIR)")
    if check.allowed:
        typer.echo(f"OK: role {check.role.name} can run labeling job {check.requirements.job.name}")
    else:
        denied = sum(1 for r in check.results if not r.allowed and r.requirement.severity == "fatal")
        typer.echo(
            f"FAIL: role {check.role.name} cannot run labeling job {check.requirements.job.name} "
            f"({denied} fatal requirement(s) denied{'' if check.trust.allowed else ', trust policy denies'})"
        )


_H_ROLE = "ROLE.json, or a get-account-authorization-details output."
_H_ROLE_NAME = "The role to take from a get-account-authorization-details file (default: the job's RoleArn)."
_H_AWS = "Read the role from AWS IAM (boto3)."
_H_MANIFEST = "A local copy of the input manifest: check its data objects."
_H_DATA = "opentruth's data directory: read the manifest and object tags from it."
_H_SAMPLE = "Check only N data objects, spread evenly over the manifest."


@app.command("check")
def check(
    job: JobOpt,
    role: Annotated[Path | None, typer.Option("--role", metavar="FILE", help=_H_ROLE)] = None,
    role_name: Annotated[str | None, typer.Option("--role-name", metavar="NAME", help=_H_ROLE_NAME)] = None,
    from_aws: Annotated[str | None, typer.Option("--from-aws", metavar="ROLE_NAME", help=_H_AWS)] = None,
    manifest: Annotated[Path | None, typer.Option("--manifest", metavar="FILE", help=_H_MANIFEST)] = None,
    data: Annotated[Path | None, typer.Option("--data", metavar="DIR", help=_H_DATA)] = None,
    sample: Annotated[int | None, typer.Option("--sample", metavar="N", min=1, help=_H_SAMPLE)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail on advisory denials too (logs and metrics would be lost).")
    ] = False,
) -> None:
    """Check that a role can run a labeling job: exit 0 if so, 1 if not (2 on bad input).

    Advisory requirements (CloudWatch logs and metrics) only warn, as on AWS, where the job runs
    without them; ``--strict`` makes them fail the check as well.
    """
    if (role is None) == (from_aws is None):
        raise _fail("give exactly one of --role ROLE.json or --from-aws ROLE_NAME")
    if manifest is not None and data is not None:
        raise _fail("give at most one of --manifest FILE or --data DIR")
    try:
        request = _load_job(job)
        if from_aws is not None:
            the_role = _live_role(from_aws)
        else:
            assert role is not None
            the_role = Role.load(role, role_name, role_arn=_job_role_arn(request))
        reqs = _requirements(request, manifest, data, sample)
        result = check_role(the_role, reqs)
    except OpenTruthError as exc:
        raise _fail(exc.message) from None
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
    else:
        _print_check(result)
    ok = result.clean if strict else result.allowed
    raise typer.Exit(0 if ok else 1)


_H_OUT = "Write role.json and the policy documents into this folder."
_H_GRANT = "A local copy of the manifest: grant exactly the objects it names."


@app.command("policy")
def policy(
    job: JobOpt,
    out: Annotated[Path | None, typer.Option("--out", metavar="DIR", help=_H_OUT)] = None,
    manifest: Annotated[Path | None, typer.Option("--manifest", metavar="FILE", help=_H_GRANT)] = None,
) -> None:
    """Print (or write) the least-privilege execution and trust policies for a labeling job."""
    try:
        request = _load_job(job)
        sources = read_local_manifest(manifest) if manifest is not None else None
        generated = generate_role(derive_requirements(request, data_objects=sources))
    except OpenTruthError as exc:
        raise _fail(exc.message) from None
    if out is None:
        typer.echo(json.dumps(generated.to_output(), indent=2))
        return
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "role.json": generated.role.to_detail(),
        "execution-policy.json": generated.execution_policy,
        "trust-policy.json": generated.trust_policy,
    }
    for name, doc in files.items():
        (out / name).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    typer.echo(f"wrote {', '.join(str(out / n) for n in files)}")
