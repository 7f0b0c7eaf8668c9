"""The engine seam: where the metrics layer's SQL runs.

The metrics layer (onefunnel/layer.py), the attribution query and the settings it reads are written once, in
DuckDB SQL, and run on a connection-like object: anything with `execute(sql, params)` returning a cursor
with `description`, `fetchall()` and `df()`.

- `duckdb` (the default): the workspace's DuckDB connection itself (`onefunnel.db.connect`); the SQL is
  written in its dialect, so nothing is translated.
- `spark` (engines/spark.py): Spark SQL over the canonical tables exported as Parquet
  (`python -m onefunnel export --parquet DIR`); each statement is transpiled from DuckDB SQL with SQLGlot,
  with the DuckDB macros it calls expanded inline.

Ingest, mapping and the app stay on DuckDB; only the read side (metrics) can move to Spark.
"""

ENGINES = ("duckdb", "spark")
