"""The body of ``opentruth iam lint``: validate one policy file and print its findings."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from opentruth.cli.console import make_console
from opentruth.iam.findings import Finding, Severity
from opentruth.iam.validate import PolicyType, validate_policy

_STYLE = {
    Severity.ERROR: "bold red",
    Severity.SECURITY_WARNING: "bold magenta",
    Severity.WARNING: "yellow",
    Severity.SUGGESTION: "cyan",
}


def lint_file(path: Path, policy_type: str, *, managed: bool = False, as_json: bool = False) -> int:
    """Validate the policy in ``path``, print the findings, and return the exit code:
    1 when any finding is an ERROR, 0 otherwise."""
    try:
        kind = PolicyType(policy_type.lower())
    except ValueError:
        raise typer.BadParameter(
            f"unknown policy type {policy_type!r}; use one of {', '.join(t.value for t in PolicyType)}",
            param_hint="--type",
        ) from None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise typer.BadParameter(f"cannot read {path}: {exc}", param_hint="POLICY") from None
    findings = validate_policy(text, policy_type=kind, managed=managed)
    if as_json:
        for finding in findings:
            typer.echo(json.dumps(finding.to_dict()))
    else:
        _print_table(path, findings)
    return 1 if any(f.severity is Severity.ERROR for f in findings) else 0


def _print_table(path: Path, findings: list[Finding]) -> None:
    console = make_console()
    if not findings:
        console.print(f"{path}: no findings.")
        return
    table = Table(title=f"{path}: {len(findings)} finding(s)", show_lines=False)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Code", no_wrap=True)
    table.add_column("Path", no_wrap=True)
    table.add_column("Message", overflow="fold", ratio=1)
    for f in findings:
        table.add_row(f"[{_STYLE[f.severity]}]{f.severity}[/]", f.code, f.path, f.message)
    console.print(table)
