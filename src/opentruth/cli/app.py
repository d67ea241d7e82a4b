"""The typer application: each command group lives in its own module and is mounted here."""

from __future__ import annotations

import typer

from opentruth.cli import iam as _iam
from opentruth.cli import role as _role
from opentruth.cli.helpformat import OpenTruthGroup
from opentruth.cli.serve import serve as _serve

app = typer.Typer(
    name="opentruth",
    cls=OpenTruthGroup,
    help="Self-hosted SageMaker Ground Truth labeling jobs, every side effect authorised by IAM.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(_iam.app, name="iam")
app.add_typer(_role.app, name="role")
app.command("serve")(_serve)

# opentruth init; opentruth iam set-password (IAM store administration).
from opentruth.cli import iamadmin as _iamadmin  # noqa: E402
from opentruth.cli import init as _init  # noqa: E402

app.command("init")(_init.init)
_iam.app.command("set-password")(_iamadmin.set_password)

# opentruth jobs|s3|workers|workteams|logs|metrics|demo (issue 3 §5; logs and metrics: issue 6 §3).
from opentruth.cli import demo as _demo  # noqa: E402
from opentruth.cli import jobs as _jobs  # noqa: E402
from opentruth.cli import logs as _logs  # noqa: E402
from opentruth.cli import s3 as _s3  # noqa: E402
from opentruth.cli import workforce as _workforce  # noqa: E402

app.add_typer(_jobs.app, name="jobs")
app.add_typer(_s3.app, name="s3")
app.add_typer(_workforce.workers_app, name="workers")
app.add_typer(_workforce.workteams_app, name="workteams")
app.add_typer(_logs.app, name="logs")
app.command("metrics")(_logs.metrics)
app.command("demo")(_demo.demo)

# opentruth functions (issue 6 §1: functions for custom workflows).
from opentruth.cli import functions as _functions  # noqa: E402

app.add_typer(_functions.app, name="functions")
