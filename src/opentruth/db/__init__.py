"""The state layer: SQLAlchemy models, Alembic migrations and the repository functions.

The database is the source of truth for every labeling job, data object, assignment and
background step. SQLite (WAL) under ``DATA/opentruth.db`` is the default; PostgreSQL is used
with a ``postgresql+psycopg://`` URL. Differences between the two live only in
:mod:`opentruth.db.repository`.

This is a base module: it imports nothing from the rest of opentruth except
:mod:`opentruth.errors`.
"""
