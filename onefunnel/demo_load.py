"""Load the demo company (onefunnel.demo writes its exports) into a database."""

from __future__ import annotations

from onefunnel import ROOT
from onefunnel.db import set_goal

DEMO_DIR = ROOT / "data" / "demo"


def load_demo(con, progress=None):
    """Write the demo exports to data/demo/ and import them with the goals. Yields status lines."""
    from onefunnel.demo import demo_goals, write_demo_exports
    from onefunnel.ingest import ingest_file

    files = write_demo_exports(DEMO_DIR)
    for n, path in enumerate(files):
        if progress:
            progress(n / (len(files) + 1), f"Importing {path.name}")
        r = ingest_file(con, path, who="demo")
        yield f"{r.file_name}: {r.label}, {r.rows_loaded} rows loaded, {r.rows_rejected} rejected"
    for month, amount in demo_goals().items():
        set_goal(con, month, amount, who="demo")
    yield f"goals set for {len(demo_goals())} months"
