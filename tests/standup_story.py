"""The standup story (tests/fixtures/standup): a small company seen on Wednesday 2026-09-30 at 09:00, the
standup window opening on Tuesday 2026-09-29 00:00. Each record's name says what happened to it.

Imports get fixed times (the status-only rejection is dated by its import; the stage change by the re-import),
verdicts and comments are given at fixed times, so nothing depends on the clock."""

import datetime as dt
from pathlib import Path

from onefunnel.comments import add_comment
from onefunnel.db import connect
from onefunnel.feedback import give_verdict
from onefunnel.ingest import ingest_file
from onefunnel.settings_tables import import_owner_directory

HERE = Path(__file__).resolve().parent / "fixtures" / "standup"
NOW = dt.datetime(2026, 9, 30, 9, 0)
SINCE = dt.datetime(2026, 9, 29, 0, 0)
T = dt.datetime.fromisoformat


def imported(con, path, at: str):
    result = ingest_file(con, path, who="test")
    con.execute("update imports set imported_at = ? where import_id = ?", [T(at), result.import_id])
    con.execute("update opportunity_stage_changes set changed_at = ? where import_id = ?", [T(at), result.import_id])
    return result


def build(db, verdicts=True, comments=True):
    """Load the story into the database file `db` (closed again afterwards)."""
    con = connect(db)
    try:
        imported(con, HERE / "leads.csv", "2026-09-28 18:00")
        imported(con, HERE / "activities.csv", "2026-09-29 18:00")
        imported(con, HERE / "opportunities.csv", "2026-09-28 18:00")
        imported(con, HERE / "opportunities_later.csv", "2026-09-29 16:00")   # o3: Discovery -> Proposal
        import_owner_directory(con, (HERE / "directory.csv").read_bytes(), "directory.csv", "test")
        if verdicts:
            give_verdict(con, "s7_rejected_in_app_this_morning@su.test", "reject", "duplicate",
                         "same person as s2, other address", who="Rita Sales", at=T("2026-09-30 08:30"))
            give_verdict(con, "s8_rejected_in_export_and_app@su.test", "reject", "no budget", None,
                         who="Rita Sales", at=T("2026-09-29 11:00"))
            give_verdict(con, "s9_accepted_in_app_export_rejects@su.test", "accept", None, "they do need us",
                         who="Rita Sales", at=T("2026-09-29 12:00"))
        if comments:
            first = add_comment(con, "lead", "s1_new_mql_due_soon@su.test", "@Dana Reyes can you call today?",
                                "Mia Marketing", at=T("2026-09-29 17:00"))
            add_comment(con, "lead", "s1_new_mql_due_soon@su.test", "On it", "Dana Reyes", parent_id=first,
                        at=T("2026-09-30 08:00"))
            add_comment(con, "lead", "s4_old_mql_breached_last_week@su.test", "@omar.ortiz old one", "Mia Marketing",
                        at=T("2026-09-20 10:00"))
            add_comment(con, "deal", "template:o2", '<img src=x onerror=alert(1)> =HYPERLINK("x")',
                        "Mia Marketing", at=T("2026-09-29 12:00"))
    finally:
        con.close()
