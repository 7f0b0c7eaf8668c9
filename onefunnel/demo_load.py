"""Load the demo company (onefunnel.demo writes its exports) into a database."""

from __future__ import annotations

import json

from onefunnel import ROOT
from onefunnel.db import set_goal

DEMO_DIR = ROOT / "data" / "demo"


def mark_non_marketing(con, sources: list[str], who: str | None = None) -> None:
    """Add lead sources to non_marketing_sources (their leads get no origin touch); the change is logged."""
    old = [r[0] for r in con.execute("select source from non_marketing_sources order by source").fetchall()]
    new = sorted(set(old) | set(sources))
    if new == old:
        return
    con.execute("begin transaction")
    try:
        for source in sources:
            con.execute("insert or ignore into non_marketing_sources (source) values (?)", [source])
        con.execute("insert into settings_log (key, old_value, new_value, changed_by) values (?, ?, ?, ?)",
                    ["non_marketing_sources", json.dumps(old), json.dumps(new), who])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def load_demo(con, progress=None):
    """Write the demo exports to data/demo/ and import them with the goals. Yields status lines."""
    from onefunnel.demo import NON_MARKETING_SOURCES, demo_goals, write_demo_exports
    from onefunnel.ingest import ingest_file

    files = write_demo_exports(DEMO_DIR)
    for n, path in enumerate(files):
        if progress:
            progress(n / (len(files) + 1), f"Importing {path.name}")
        r = ingest_file(con, path, who="demo")
        yield f"{r.file_name}: {r.label}, {r.rows_loaded} rows loaded, {r.rows_rejected} rejected"
    mark_non_marketing(con, NON_MARKETING_SOURCES, who="demo")
    yield f"non-marketing sources (no origin touch): {', '.join(NON_MARKETING_SOURCES)}"
    for month, amount in demo_goals().items():
        set_goal(con, month, amount, who="demo")
    yield f"goals set for {len(demo_goals())} months"
