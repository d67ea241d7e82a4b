"""Alembic revision scripts, one linear history."""
