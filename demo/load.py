"""Load the demo company (demo.company writes its exports) into a database."""

from __future__ import annotations

import pandas as pd

from onefunnel import ROOT
from onefunnel.db import set_goal
from onefunnel.settings_tables import read_table, save_table

DEMO_DIR = ROOT / "data" / "demo"


def mark_non_marketing(con, sources: list[str], who: str | None = None) -> None:
    """Add lead sources to non_marketing_sources (their leads get no origin touch); the change is logged."""
    current = read_table(con, "non_marketing_sources")["source"].tolist()
    save_table(con, "non_marketing_sources", pd.DataFrame({"source": sorted(set(current) | set(sources))}), who)


def load_demo(con, progress=None):
    """Write the demo exports to data/demo/ and import them with the goals. Yields status lines."""
    from demo.company import NON_MARKETING_SOURCES, demo_goals, write_demo_exports
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
