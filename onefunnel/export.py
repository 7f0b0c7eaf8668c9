"""`python -m onefunnel export --parquet DIR`: the canonical tables as Parquet, for another engine (Spark).

Writes one `<name>.parquet` per table of CANONICAL (what the metrics layer's SQL and the table macros it
uses read) with DuckDB's COPY, each read as `select * from <name>`, so it does not matter whether the
workspace holds them as views or as tables. The files go to a temporary folder beside DIR that is renamed
to DIR only when every table is written: DIR is never half-written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

# The canonical tables, then the settings tables the layer, its joins and the macros read.
CANONICAL = ["leads", "lead_dims", "lead_ids", "lead_records", "opportunities", "touches", "activities", "spend",
             "touch_campaigns", "spend_mapped", "mql_response", "touch_credit_rows", "lead_outcomes",
             "opportunity_influence", "opportunity_activities"]
SETTINGS = ["goals", "quotas", "goal_days", "quota_days", "channel_map", "owner_directory", "owner_names",
            "non_marketing_sources", "stage_map", "spend_campaign_map", "settings"]
TABLES = CANONICAL + SETTINGS


class EmptyWorkspace(Exception):
    pass


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def export_parquet(con, out_dir: Path) -> dict[str, int]:
    """Write every table of TABLES to out_dir/<name>.parquet; returns rows per table. Raises EmptyWorkspace
    when the workspace holds no lead, deal, touch, activity or cost line (nothing to compute metrics on)."""
    counts = {t: con.execute(f"select count(*) from {t}").fetchall()[0][0]
              for t in ("leads", "opportunities", "touches", "activities", "spend")}
    if not any(counts.values()):
        raise EmptyWorkspace("the workspace holds no data (no lead, deal, touch, activity or cost line): "
                             "import files first (python -m onefunnel ingest FILE ...)")
    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".partial", dir=out_dir.parent))
    rows = {}
    try:
        for t in TABLES:
            target = tmp / f"{t}.parquet"
            con.execute(f"copy (select * from {t}) to {_sql_string(str(target))} (format parquet)")
            rows[t] = con.execute(f"select count(*) from {t}").fetchall()[0][0]
        old = None
        if out_dir.exists():   # replace a previous export: move it aside, put the new one in, drop the old
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".old", dir=out_dir.parent))
            os.rename(out_dir, old / "x")
        os.rename(tmp, out_dir)
        if old:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return rows
