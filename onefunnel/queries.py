"""The query runner of the SQL files in queries/ (lists, series); measures come from the metrics layer (layer.py).

`run(con, "goal_daily_pacing", start=..., end=...)` reads queries/goal_daily_pacing.sql and binds
the `$name` parameters the file uses (and only those, since DuckDB refuses extra keys).
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from onefunnel import QUERIES_DIR
from onefunnel.db import ensure_fresh

_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


@lru_cache(maxsize=None)
def sql_text(name: str) -> str:
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no query named {name!r} in {QUERIES_DIR}")
    return path.read_text()


def params_of(name: str) -> set[str]:
    text = "\n".join(line.split("--", 1)[0] for line in sql_text(name).splitlines())
    return set(_PARAM.findall(text))


def _execute(con, name: str, params: dict):
    needed = params_of(name)
    missing = needed - params.keys()
    if missing:
        raise TypeError(f"query {name!r} needs parameters {sorted(missing)}")
    ensure_fresh(con)
    return con.execute(sql_text(name), {k: params[k] for k in needed})


def run(con, name: str, **params) -> pd.DataFrame:
    """Run queries/<name>.sql with its parameters bound; returns a DataFrame."""
    return _execute(con, name, params).df()


def run_rows(con, name: str, **params) -> list[dict]:
    """Like run(), as a list of dicts with plain Python values (None for NULL): no DataFrame in between."""
    cur = _execute(con, name, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]
