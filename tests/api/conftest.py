"""A real ``uvicorn`` server on 127.0.0.1 with the AWS endpoint, and real boto3 clients for it.

One server per test module (the ``server`` fixture is module-scoped) keeps the suite fast. The
server runs in a thread of the test process; its clock can be shifted through ``server.clock``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
import uvicorn
from botocore.config import Config

from opentruth.api.app import create_app
from opentruth.api.bootstrap import BootstrapResult, bootstrap
from opentruth.api.call import ApiResources
from opentruth.db.engine import Database
from opentruth.db.iam_secrets import SecretBox
from opentruth.db.repo_workforce import fast_hasher
from opentruth.db.types import utcnow


@dataclass
class Server:
    """A running server: its URL, resources and the admin's credentials."""

    url: str
    resources: ApiResources
    admin: BootstrapResult
    app: Any
    skew: list[timedelta] = field(default_factory=lambda: [timedelta(0)])

    def client(
        self, service: str, key: str | None = None, secret: str | None = None, token: str | None = None
    ) -> Any:
        """A boto3 client for ``service`` against this server (admin credentials by default)."""
        make: Any = boto3.client  # typed per literal service name in the stubs
        return make(
            service,
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=key or self.admin.key_id,
            aws_secret_access_key=secret or self.admin.secret,
            aws_session_token=token,
            config=Config(retries={"max_attempts": 1, "mode": "standard"}),
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data: Path = tmp_path_factory.mktemp("data")
    db = Database.from_url(data_dir=data)
    box = SecretBox.load(data)
    admin = bootstrap(db, box, hasher=fast_hasher())
    skew = [timedelta(0)]

    def clock() -> datetime:
        return utcnow() + skew[0]

    resources = ApiResources(db=db, box=box, clock=clock, hasher=fast_hasher())
    app = create_app(resources)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield Server(f"http://127.0.0.1:{port}", resources, admin, app, skew)
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
        db.dispose()


MakeUser = Callable[..., tuple[str, str]]


@pytest.fixture(scope="module")
def make_user(server: Server) -> MakeUser:
    """Create a user (optionally with an inline policy) and return its (key id, secret)."""
    iam = server.client("iam")

    def make(name: str, policy: dict[str, Any] | None = None) -> tuple[str, str]:
        iam.create_user(UserName=name)
        if policy is not None:
            import json

            iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]

    return make
