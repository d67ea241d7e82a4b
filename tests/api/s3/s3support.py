"""A real opentruth S3 endpoint on 127.0.0.1 for the S3 API tests, and real clients for it.

One uvicorn server per test module (the ``s3_server`` fixture of conftest.py): the shared AWS endpoint of
:func:`opentruth.api.app.create_app` with :func:`opentruth.api.s3.mount_s3` over an embedded
object store, SigV4 verification and IAM users with access keys in a SQLite database.

Virtual-host addressing needs ``<bucket>.localhost`` to resolve, which this machine's resolver
does not do; :func:`s3_client` therefore connects to 127.0.0.1 while leaving the URL, the
signed ``Host`` header and everything else exactly as botocore built them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit, urlunsplit

import boto3
import uvicorn
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

from opentruth.api.app import create_app
from opentruth.api.call import ApiResources
from opentruth.api.s3 import mount_s3
from opentruth.cloud.embedded_store import EmbeddedObjectStore
from opentruth.db import repo_iam, repo_jobs
from opentruth.db.engine import Database
from opentruth.db.iam_secrets import SecretBox
from opentruth.db.migrate import upgrade
from opentruth.db.models import DEFAULT_ACCOUNT_ID, DEFAULT_REGION
from opentruth.db.repo_workforce import fast_hasher
from opentruth.iam.managed import GROUND_TRUTH_EXECUTION_ARN

ACCOUNT = DEFAULT_ACCOUNT_ID
REGION = DEFAULT_REGION
ADMIN_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Keys:
    """An IAM user's access key."""

    user: str
    key_id: str
    secret: str

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{ACCOUNT}:user/{self.user}"


@dataclass
class S3Server:
    """A running endpoint and the users it knows."""

    url: str
    port: int
    store: EmbeddedObjectStore
    resources: ApiResources
    users: dict[str, Keys] = field(default_factory=dict)

    def add_user(
        self, name: str, policy: dict[str, Any] | None = None, *, managed: tuple[str, ...] = ()
    ) -> Keys:
        """Create an IAM user with an inline ``policy`` and attached ``managed`` policies."""
        with self.resources.db.transaction() as s:
            repo_iam.create_user(s, name)
            if policy is not None:
                repo_iam.put_user_policy(s, name, "inline", json.dumps(policy))
            for arn in managed:
                repo_iam.attach_user_policy(s, name, arn)
            key = repo_iam.create_access_key(s, self.resources.box, name)
        keys = Keys(name, key.key_id, key.secret)
        self.users[name] = keys
        return keys

    def client(
        self,
        user: str = "admin",
        *,
        style: Literal["path", "virtual"] = "path",
        endpoint: str | None = None,
        sigv4: bool = False,
    ) -> Any:
        """A boto3 S3 client for ``user`` (``style``: ``path`` or ``virtual``).

        ``sigv4=True`` sets ``signature_version="s3v4"``, which presigned URLs need: botocore
        otherwise presigns S3 URLs with the legacy SigV2, which opentruth does not accept.
        """
        keys = self.users[user]
        return s3_client(
            endpoint or self.url, keys.key_id, keys.secret, style=style, port=self.port, sigv4=sigv4
        )

    def aws(
        self, *args: str, user: str = "admin", cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run the AWS CLI (``aws s3 …``) against the endpoint as ``user``."""
        keys = self.users[user]
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(
            AWS_ACCESS_KEY_ID=keys.key_id,
            AWS_SECRET_ACCESS_KEY=keys.secret,
            AWS_DEFAULT_REGION=REGION,
            AWS_CONFIG_FILE=os.devnull,
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
            AWS_EC2_METADATA_DISABLED="true",
        )
        aws = Path(sys.executable).with_name("aws")
        return subprocess.run(
            [str(aws), "--endpoint-url", self.url, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            cwd=cwd,
            check=False,
        )


def s3_client(
    endpoint: str,
    key_id: str,
    secret: str,
    *,
    style: Literal["path", "virtual"] = "path",
    port: int | None = None,
    sigv4: bool = False,
) -> S3Client:
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        region_name=REGION,
        config=Config(
            s3={"addressing_style": style},
            retries={"max_attempts": 1},
            signature_version="s3v4" if sigv4 else None,
        ),
    )
    if style == "virtual" and port is not None:

        def to_loopback(request: Any, **_: Any) -> None:
            # DNS for <bucket>.localhost is the one thing missing here: connect to 127.0.0.1,
            # send the Host header that was signed.
            parts = urlsplit(request.url)
            request.headers["Host"] = parts.netloc
            request.url = urlunsplit(parts._replace(netloc=f"127.0.0.1:{port}"))

        client.meta.events.register_first("before-send.s3", to_loopback)
    return client


class _ThreadServer(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test process keeps its own handlers
        pass


@contextmanager
def start_server(root: Path) -> Iterator[S3Server]:
    """Start the endpoint on a free port of 127.0.0.1 with users ``admin``, ``alice``, ``gt``."""
    db = Database.from_url(f"sqlite:///{root / 'opentruth.db'}")
    upgrade(db.engine)
    with db.transaction() as s:
        repo_jobs.ensure_account(s, ACCOUNT, REGION)
    resources = ApiResources(db=db, box=SecretBox.generate(), hasher=fast_hasher())
    store = EmbeddedObjectStore(root / "data", account=ACCOUNT, region=REGION, durable=False)
    app = create_app(resources)
    mount_s3(app, store)
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, ws="none", lifespan="off"
    )
    server = _ThreadServer(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise AssertionError("the test S3 server did not start")
        time.sleep(0.02)
    srv = S3Server(f"http://127.0.0.1:{port}", port, store, resources)
    srv.add_user("admin", ADMIN_POLICY)
    srv.add_user("alice")
    srv.add_user("gt", managed=(GROUND_TRUTH_EXECUTION_ARN,))
    try:
        yield srv
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        db.dispose()
