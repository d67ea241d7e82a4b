"""Assemble a running opentruth from its settings: database, object store, logs, metrics, roles,
and the labeling services. The CLI and the server both start here.

Settings come from options, then the environment (``OPENTRUTH_DATA``, ``OPENTRUTH_DB``,
``OPENTRUTH_STORE``, ``OPENTRUTH_ACCOUNT``, ``OPENTRUTH_REGION``), then defaults: everything
embedded under ``./data`` (SQLite at ``DATA/opentruth.db``, objects under ``DATA/objects``).
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from opentruth.cloud.db_telemetry import DatabaseLogStore, DatabaseMetricStore
from opentruth.cloud.embedded_store import EmbeddedObjectStore
from opentruth.cloud.functions import EmbeddedFunctions, FunctionCredentials
from opentruth.cloud.keys import EmbeddedKeyManager
from opentruth.cloud.notifications import NotifyingObjectStore
from opentruth.cloud.objectstore import ObjectStore
from opentruth.db import repo_jobs
from opentruth.db.engine import Database, default_url
from opentruth.db.iam_secrets import SecretBox
from opentruth.db.migrate import upgrade
from opentruth.errors import ValidationError
from opentruth.iam import Evaluator
from opentruth.iam.roles import Role
from opentruth.labeling.jobs import JobService, Kick
from opentruth.labeling.resources import Resources
from opentruth.labeling.runner import JobRunner
from opentruth.labeling.workers import WorkerService
from opentruth.labeling.workteams import WorkteamService

DEFAULT_DATA = "data"


@dataclass(frozen=True)
class Settings:
    """Where opentruth keeps its state, and who it is."""

    data_dir: Path
    db_url: str
    store_url: str | None = None
    account: str = "000000000000"
    region: str = "us-east-1"
    portal_url: str = "http://127.0.0.1:8080"
    queue_url: str | None = None  # huey: None = SQLite in DATA, or redis://...
    consolidation_window: float = 2.0
    #: The share of wall time a background pass (consolidation) may take while it runs, so
    #: that it never holds up the worker API for long (see :mod:`opentruth.labeling.pacing`).
    background_share: float = 0.5
    #: Extra origins the portal's Content-Security-Policy allows (scripts, styles, images,
    #: connections); empty by default. ``OPENTRUTH_PORTAL_CSP_ALLOW``, space-separated.
    portal_csp_allow: tuple[str, ...] = ()

    @classmethod
    def resolve(
        cls,
        data: str | Path | None = None,
        db: str | None = None,
        store: str | None = None,
        *,
        portal_url: str | None = None,
        queue_url: str | None = None,
    ) -> Settings:
        data_dir = Path(data or os.environ.get("OPENTRUTH_DATA") or DEFAULT_DATA).resolve()
        return cls(
            data_dir=data_dir,
            db_url=db or os.environ.get("OPENTRUTH_DB") or default_url(data_dir),
            store_url=store or os.environ.get("OPENTRUTH_STORE"),
            account=os.environ.get("OPENTRUTH_ACCOUNT", "000000000000"),
            region=os.environ.get("OPENTRUTH_REGION", "us-east-1"),
            portal_url=portal_url or os.environ.get("OPENTRUTH_PORTAL_URL", "http://127.0.0.1:8080"),
            queue_url=queue_url or os.environ.get("OPENTRUTH_QUEUE"),
            portal_csp_allow=tuple(os.environ.get("OPENTRUTH_PORTAL_CSP_ALLOW", "").split()),
            background_share=_share(os.environ.get("OPENTRUTH_BACKGROUND_SHARE")),
        )


def _share(value: str | None) -> float:
    """``OPENTRUTH_BACKGROUND_SHARE``: a fraction in (0, 1]; unset, the default."""
    if value is None or not value.strip():
        return Settings.background_share
    try:
        share = float(value)
    except ValueError:
        share = -1.0
    if not 0 < share <= 1:
        raise ValidationError(
            f"OPENTRUTH_BACKGROUND_SHARE={value!r}: give a fraction of wall time in (0, 1], such as 0.5"
        )
    return share


class DatabaseRoles:
    """Execution roles stored by ``opentruth iam create-role`` or IAM's CreateRole."""

    def __init__(self, db: Database, account: str) -> None:
        self.db = db
        self.account = account

    def get_role(self, role_arn: str) -> Role:
        from opentruth.db import repo_iam_roles

        with self.db.read() as s:
            return repo_iam_roles.get_role(s, role_arn)


def open_store(settings: Settings) -> ObjectStore:
    """The embedded folder store, or S3 / an S3-compatible store (``s3://`` or ``http(s)://``)."""
    url = settings.store_url
    if not url or url.startswith("file:") or "://" not in url:
        root = (
            Path(url[len("file:") :])
            if url and url.startswith("file:")
            else (Path(url) if url else settings.data_dir)
        )
        return EmbeddedObjectStore(root, account=settings.account, region=settings.region)
    if url.startswith(("http://", "https://")):
        from opentruth.cloud.s3_store import S3ObjectStore

        # Credentials come from the usual AWS sources (environment, profile).
        return S3ObjectStore(endpoint_url=url, account=settings.account, region=settings.region)
    raise ValidationError(
        f"unsupported object store {url!r}: give a folder, file:PATH, or an http(s):// S3 endpoint"
    )


def token_secret(data_dir: Path) -> bytes:
    """The key that signs worker tokens, derived from the deployment's root key, so that every
    process of one deployment accepts every other's tokens."""
    from opentruth.db.iam_secrets import ROOT_KEY_ENV, ROOT_KEY_FILENAME, SecretBox

    SecretBox.load(data_dir)  # creates DATA/iam-root.key (0600) when there is no key yet
    env = os.environ.get(ROOT_KEY_ENV)
    root = base64.b64decode(env) if env else (data_dir / ROOT_KEY_FILENAME).read_bytes()
    return hashlib.sha256(b"opentruth worker tokens\x00" + root).digest()


@dataclass
class Runtime:
    """The assembled services of one process."""

    settings: Settings
    db: Database
    res: Resources
    jobs: JobService
    runner: JobRunner
    workers: WorkerService
    _closers: list[object] = field(default_factory=list)

    @classmethod
    def open(cls, settings: Settings, *, kick: Kick | None = None, migrate: bool = True) -> Runtime:
        """Open (and migrate) the database and build the services."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db = Database.from_url(settings.db_url)
        if migrate:
            upgrade(db.engine)
        with db.transaction() as s:
            repo_jobs.ensure_account(s, settings.account, settings.region)
        box = SecretBox.load(settings.data_dir)
        evaluator = Evaluator()
        res = Resources(
            db=db,
            # Writes publish S3 events (to the SNS topics, attached below) as S3 does.
            store=NotifyingObjectStore(open_store(settings)),
            logs=DatabaseLogStore(db, settings.account),
            metrics=DatabaseMetricStore(db, settings.account),
            roles=DatabaseRoles(db, settings.account),
            evaluator=evaluator,
            account=settings.account,
            region=settings.region,
            portal_url=settings.portal_url,
            keys=EmbeddedKeyManager(db, box, account=settings.account, region=settings.region),
            work_dir=settings.data_dir / "jobs",
            functions=EmbeddedFunctions(
                db,
                settings.data_dir,
                account=settings.account,
                region=settings.region,
                # A handler runs as its role, and boto3 inside it reaches this server (with
                # that role's temporary credentials), as a real function reaches AWS.
                credentials=FunctionCredentials(db, box, evaluator=evaluator),
                endpoint_url=settings.portal_url,
            ),
        )
        runner = JobRunner(
            res,
            consolidation_window=settings.consolidation_window,
            kick=kick,
            background_share=settings.background_share,
        )
        if isinstance(res.store, NotifyingObjectStore):
            res.store.notifier = runner.streaming.topics
        workers = WorkerService(res, runner, token_secret(settings.data_dir))
        return cls(settings, db, res, JobService(res, kick=kick), runner, workers)

    @property
    def workteams(self) -> WorkteamService:
        """Work teams, on the same path as the SageMaker API's (CLI and demo use it)."""
        return WorkteamService(self.res)

    def close(self) -> None:
        self.db.dispose()
