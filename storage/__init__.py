"""Persistence: SQLModel tables, engine and session setup, queries and Alembic migrations.

Reads no settings and imports nothing else of the project: callers pass a database URL.
"""
