"""Run the Alembic migrations shipped inside the package, programmatically.

``upgrade(engine_or_url)`` brings a database to the newest schema; it is what ``opentruth serve``
and every CLI command call before touching the state. The Alembic ``Config`` is built in code,
so no ``alembic.ini`` has to exist where opentruth is installed.

For developers, a new revision is generated against a scratch database with::

    python -m opentruth.db.migrate revision "add queues" [--url sqlite:///tmp/x.db]

and must keep the history linear (``tests/db/test_migrate.py`` fails on a second head).
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from opentruth.db.engine import make_engine

__all__ = ["alembic_config", "current_revision", "head_revisions", "upgrade"]

SCRIPT_LOCATION = str(Path(__file__).resolve().parent / "migrations")


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """Build the Alembic config in code: the packaged scripts, and a connection or a URL."""
    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    cfg.set_main_option("path_separator", "os")
    # Revision files are named v<rev>_<slug>.py: a module name must not start with a digit.
    cfg.set_main_option("file_template", "v%%(rev)s_%%(slug)s")
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url)
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revisions() -> tuple[str, ...]:
    """Return the head revisions of the packaged history (exactly one when it is linear)."""
    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())


@contextmanager
def _migration_connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        if engine.dialect.name != "sqlite":
            yield conn
            return
        # Alembic's batch mode rebuilds a SQLite table (create new, copy, drop old, rename). With
        # foreign keys on, dropping a parent table would cascade-delete its children, so keys
        # are switched off around the migration and checked afterwards. The pragma only works
        # outside a transaction, hence the raw driver connection before Alembic begins one.
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            yield conn
            problems = raw.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"migration left dangling foreign keys: {problems[:5]}")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def upgrade(target: Engine | str, revision: str = "head") -> None:
    """Upgrade the database at ``target`` (an engine or a URL) to ``revision``.

    Safe to call on every start: an up-to-date database is left as it is.
    """
    engine = make_engine(target) if isinstance(target, str) else target
    try:
        with _migration_connection(engine) as conn:
            command.upgrade(alembic_config(connection=conn), revision)
    finally:
        if isinstance(target, str):
            engine.dispose()


def current_revision(target: Engine) -> str | None:
    """Return the revision the database is at, or None for an empty database."""
    with target.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m opentruth.db.migrate")
    sub = parser.add_subparsers(dest="cmd", required=True)
    up = sub.add_parser("upgrade", help="upgrade a database to the newest schema")
    up.add_argument("url")
    rev = sub.add_parser("revision", help="autogenerate a new revision from the models")
    rev.add_argument("message")
    rev.add_argument("--url", help="scratch database to compare against (default: a temporary SQLite)")
    args = parser.parse_args(argv)
    if args.cmd == "upgrade":
        upgrade(args.url)
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'scratch.db'}"
        upgrade(url)
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                cfg = alembic_config(connection=conn)
                # Sequential ids (0001, 0002, ...) make the one linear history easy to read.
                rev_id = f"{len(list(ScriptDirectory.from_config(cfg).walk_revisions())) + 1:04d}"
                command.revision(cfg, message=args.message, autogenerate=True, rev_id=rev_id)
        finally:
            engine.dispose()


if __name__ == "__main__":
    _main()
