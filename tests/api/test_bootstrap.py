"""``opentruth init`` and ``opentruth iam set-password``: account, admin, keys and AWS profile."""

from __future__ import annotations

import configparser
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from opentruth.api.bootstrap import bootstrap, upsert_ini_section
from opentruth.cli.app import app
from opentruth.db.engine import Database
from opentruth.db.iam_secrets import SecretBox
from opentruth.db.repo_iam import principal_for_access_key, verify_password
from opentruth.db.repo_workforce import fast_hasher


@pytest.fixture
def aws_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    config, creds = tmp_path / "aws" / "config", tmp_path / "aws" / "credentials"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
    monkeypatch.delenv("OPENTRUTH_ROOT_KEY", raising=False)
    return config, creds


def test_bootstrap_is_idempotent_and_rotates(tmp_path: Path) -> None:
    db = Database.from_url(data_dir=tmp_path)
    box = SecretBox.load(tmp_path)
    first = bootstrap(db, box, hasher=fast_hasher())
    assert first.created and first.password and first.key_id.startswith("AKIA")
    again = bootstrap(db, box, hasher=fast_hasher())
    assert not again.created and again.password is None
    assert (again.key_id, again.secret) == (first.key_id, first.secret)
    rotated = bootstrap(db, box, rotate=True, hasher=fast_hasher())
    assert rotated.key_id != first.key_id
    with db.read() as s:
        caller = principal_for_access_key(s, box, rotated.key_id)
        assert caller.arn == "arn:aws:iam::000000000000:user/admin"
        assert verify_password(s, "admin", first.password, hasher=fast_hasher()) is not None
    assert stat.S_IMODE((tmp_path / "iam-root.key").stat().st_mode) == 0o600
    db.dispose()


def test_init_command_writes_the_profile(tmp_path: Path, aws_env: tuple[Path, Path]) -> None:
    config, creds = aws_env
    creds.parent.mkdir(parents=True)
    creds.write_text("# my keys\n[default]\naws_access_key_id = X\n")
    data = tmp_path / "data"
    runner = CliRunner()
    out = runner.invoke(app, ["init", "--data", str(data), "--endpoint-url", "http://127.0.0.1:9999"])
    assert out.exit_code == 0, out.output
    assert "dashboard password:" in out.output
    parsed = configparser.ConfigParser()
    parsed.read(creds)
    key = parsed["opentruth"]["aws_access_key_id"]
    assert key in out.output and parsed["default"]["aws_access_key_id"] == "X"
    assert "# my keys" in creds.read_text()
    assert stat.S_IMODE(creds.stat().st_mode) == 0o600
    cfg = configparser.ConfigParser()
    cfg.read(config)
    assert cfg["profile opentruth"]["endpoint_url"] == "http://127.0.0.1:9999"
    assert cfg["profile opentruth"]["region"] == "us-east-1"

    second = runner.invoke(app, ["init", "--data", str(data)])
    assert second.exit_code == 0 and key in second.output and "unchanged" in second.output
    parsed.read(creds)
    assert parsed["opentruth"]["aws_access_key_id"] == key

    pw = runner.invoke(
        app, ["iam", "set-password", "--user-name", "admin", "--data", str(data), "--password", "n3w"]
    )
    assert pw.exit_code == 0, pw.output
    db = Database.from_url(data_dir=data)
    with db.read() as s:
        assert verify_password(s, "admin", "n3w") is not None
    db.dispose()
    missing = runner.invoke(
        app, ["iam", "set-password", "--user-name", "ghost", "--data", str(data), "--password", "x"]
    )
    assert missing.exit_code == 1


def test_upsert_replaces_only_its_section(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text(
        "[profile a]\nregion = x\n\n[profile opentruth]\nregion = old\nendpoint_url = e\n\n[b]\nk = v\n"
    )
    upsert_ini_section(path, "profile opentruth", {"region": "new"})
    text = path.read_text()
    assert "region = new" in text and "old" not in text and "endpoint_url" not in text
    assert "[profile a]\nregion = x" in text and "[b]\nk = v" in text
