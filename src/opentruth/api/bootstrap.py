"""Bootstrap: the account, its admin user and keys, and an AWS CLI profile pointing at opentruth.

``opentruth init`` runs :func:`bootstrap` then :func:`write_aws_profile`. A second run keeps the
account, the admin and its key (and prints them again); ``rotate`` issues a new admin key and
deletes the old one. The admin's console password is only printed when it is created (it is
stored as an Argon2 hash); ``opentruth iam set-password`` sets a new one.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from opentruth.db.engine import Database
from opentruth.db.iam_secrets import SecretBox
from opentruth.db.migrate import upgrade
from opentruth.db.models import DEFAULT_ACCOUNT_ID, DEFAULT_REGION
from opentruth.db.repo_iam import (
    access_key_secret,
    check_root_key,
    create_access_key,
    create_user,
    delete_access_key,
    find_user,
    list_access_keys,
    new_password,
    put_user_policy,
    set_login_profile,
)
from opentruth.db.repo_jobs import ensure_account

ADMIN_USER = "admin"
ADMIN_POLICY_NAME = "AdministratorAccess"
#: The AdministratorAccess document.
ADMIN_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
PROFILE = "opentruth"
DEFAULT_ENDPOINT = "http://127.0.0.1:8080"


@dataclass(frozen=True)
class BootstrapResult:
    """What ``opentruth init`` prints."""

    account_id: str
    region: str
    user_arn: str
    key_id: str
    secret: str = field(repr=False)
    password: str | None = field(default=None, repr=False)
    created: bool = False
    rotated: bool = False


def bootstrap(
    db: Database,
    box: SecretBox,
    *,
    account_id: str = DEFAULT_ACCOUNT_ID,
    region: str = DEFAULT_REGION,
    rotate: bool = False,
    hasher: PasswordHasher | None = None,
) -> BootstrapResult:
    """Create (or keep) the account and the ``admin`` user with an access key; idempotent."""
    upgrade(db.engine)

    def run(session: Session) -> BootstrapResult:
        account = ensure_account(session, account_id, region)
        check_root_key(session, box, account_id)
        user = find_user(session, ADMIN_USER, account_id)
        created = user is None
        password: str | None = None
        if user is None:
            user = create_user(session, ADMIN_USER, account_id=account_id)
            put_user_policy(session, ADMIN_USER, ADMIN_POLICY_NAME, ADMIN_POLICY, account_id)
            password = new_password()
            set_login_profile(
                session, ADMIN_USER, password, hasher=hasher, create=True, account_id=account_id
            )
        keys = [k for k in list_access_keys(session, ADMIN_USER, account_id) if k.status == "Active"]
        if keys and not rotate:
            key_id = keys[-1].key_id
            secret = access_key_secret(session, box, key_id)
        else:
            for old in keys:
                delete_access_key(session, ADMIN_USER, old.key_id, account_id)
            new = create_access_key(session, box, ADMIN_USER, account_id)
            key_id, secret = new.key_id, new.secret
        return BootstrapResult(
            account.account_id,
            account.region,
            user.arn,
            key_id,
            secret,
            password,
            created,
            rotate and bool(keys),
        )

    return db.run(run)


def _section_re(name: str) -> re.Pattern[str]:
    return re.compile(rf"^\[\s*{re.escape(name)}\s*\][^\n]*\n(?:(?!\[)[^\n]*\n?)*", re.MULTILINE)


def upsert_ini_section(path: Path, section: str, values: dict[str, str], *, private: bool = False) -> None:
    """Replace (or append) one ``[section]`` of an INI file, leaving the rest of it untouched.

    The AWS files hold the user's other profiles and comments; a full ``configparser``
    round-trip would drop the comments, so only our section's text is rewritten.
    """
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"[{section}]\n" + "".join(f"{k} = {v}\n" for k, v in values.items())
    pattern = _section_re(section)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block + "\n", text, count=1)
    else:
        if text and not text.endswith("\n"):
            text += "\n"
        text += ("\n" if text else "") + block
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".opentruth-tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def aws_files() -> tuple[Path, Path]:
    """(config file, credentials file), honouring ``AWS_CONFIG_FILE``/``AWS_SHARED_CREDENTIALS_FILE``."""
    home = Path.home() / ".aws"
    config = Path(os.environ.get("AWS_CONFIG_FILE") or home / "config").expanduser()
    creds = Path(os.environ.get("AWS_SHARED_CREDENTIALS_FILE") or home / "credentials").expanduser()
    return config, creds


def write_aws_profile(
    result: BootstrapResult, endpoint_url: str = DEFAULT_ENDPOINT, profile: str = PROFILE
) -> tuple[Path, Path]:
    """Write the ``opentruth`` profile: keys in the credentials file (0600), region and
    ``endpoint_url`` in the config file (which current boto3 and the AWS CLI honour)."""
    config, creds = aws_files()
    upsert_ini_section(
        creds,
        profile,
        {"aws_access_key_id": result.key_id, "aws_secret_access_key": result.secret},
        private=True,
    )
    upsert_ini_section(config, f"profile {profile}", {"region": result.region, "endpoint_url": endpoint_url})
    return config, creds
