"""Alembic migrations of the opentruth database (one linear history; run by opentruth.db.migrate)."""
