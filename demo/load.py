"""Load the demo company (demo.company writes its exports) into a database."""

from __future__ import annotations

import pandas as pd

from onefunnel import ROOT
from onefunnel.db import set_goal, set_quota, set_setting
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
    for line in set_up_team(con, demo_goals()):
        yield line


# The demo company's people: who answers for each stage, the sales reps' managers and regions.
STAGE_PEOPLE = {"Lead": "Lena Fischer", "MQL": "Omar Haddad", "SQL": "Grace Lin", "Opportunity": "Grace Lin",
                "Won": "Grace Lin and Lena Fischer"}
DIRECTORY = [("Dana Reyes", "Sales", "Grace Lin", "East"), ("Marcus Webb", "Sales", "Grace Lin", "East"),
             ("Priya Natarajan", "Sales", "Owen Park", "West"), ("Tom Becker", "Sales", "Owen Park", "West"),
             ("Elena Sokolova", "Sales", "Owen Park", "West")]


def set_up_team(con, goals: dict[str, float]):
    """Stage people, the owner directory and quotas (each rep a fifth of the month's goal; in the last
    month the quotas fall 5% short, so the Joint goal page shows its disagreement flag)."""
    set_setting(con, "stage_owner_people", STAGE_PEOPLE, who="demo")
    save_table(con, "owner_directory",
               pd.DataFrame(DIRECTORY, columns=["owner", "team", "manager", "region"]), "demo")
    last = max(goals)
    for month, amount in goals.items():
        share = amount / len(DIRECTORY) * (0.95 if month == last else 1.0)
        for owner, *_ in DIRECTORY:
            set_quota(con, owner, month, round(share, 2), who="demo")
    yield f"stage people, owner directory ({len(DIRECTORY)} reps) and quotas for {len(goals)} months set"
