"""The default engine: the workspace's own DuckDB file, where the SQL is written (no translation)."""

from __future__ import annotations

from onefunnel.db import connect as _connect


def connect(db_file):
    """The workspace's DuckDB connection (migrated); the metrics layer runs its SQL on it as written."""
    return _connect(db_file)


def to_sql(sql: str) -> str:
    """DuckDB is the dialect the queries are written in: nothing to translate."""
    return sql
