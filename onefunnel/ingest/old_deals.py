"""Old open deals (issue 11 item 5): an export's open deals whose close date is long past or missing.

A CRM keeps deals nobody closed; imported as they are, years-old "open" deals flood the stalled list and the
open pipeline. An opportunity file's preview counts them (`staged_counts`) and the person importing decides
what they mean before anything is stored: keep (open, as exported), lost (closed as lost on their close date,
or without one on their creation date), skip (stored with the import but left out of every number). The
decision is kept per import (old_deal_decisions, migration 016) and applied by the opportunities view, so the
stored rows stay as exported and taking the import back takes the decision with it.

Old: open (not closed or won by the export's flags or the stage map) and a close date before the cutoff,
OLD_AFTER_DAYS before the import day, or no close date and created before the cutoff (a deal of unknown age
is not called old).
"""

from __future__ import annotations

import datetime as dt

from onefunnel.formats import fmt_date, fmt_int

OLD_AFTER_DAYS = 90
POLICIES = {"keep": "kept open, as exported", "lost": "counted as lost", "skip": "left out of every number"}
CHOICES = {"keep": "Keep them open", "lost": "Treat them as lost", "skip": "Skip them"}
# the stage a stored opportunity gets (records.store) and whether the stage map closes it
STAGE_SQL = "case when lower(status) in ('won', 'lost') then status else coalesce(stage, status) end"


def cutoff(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=OLD_AFTER_DAYS)


def _count_sql(relation: str) -> str:
    """relation: rows with stored_stage, closed, won (the export's flags; null when it has none)."""
    kind = "old_deal_kind(close_date, created_at, $cutoff::date)"   # queries/model/20_opportunities.sql
    return f"""select count(*) filter (where {kind} = 'no close date'), count(*) filter (where {kind} = 'past close date')
               from {relation} r left join stage_map m on lower(trim(r.stored_stage)) = lower(trim(m.stage))
               where not (coalesce(r.won, m.is_won, false) or coalesce(r.closed, m.is_closed, false))"""


def staged_counts(con, day: dt.date) -> tuple[int, int]:
    """(no close date, close date before the cutoff) among the open deals of the staged rows (temp view ok)."""
    rows = f"(select close_date, created_at, {STAGE_SQL} as stored_stage, is_closed as closed, is_won as won from ok)"
    return tuple(con.execute(_count_sql(rows), {"cutoff": cutoff(day)}).fetchall()[0])


def stored_counts(con, import_id: int, day: dt.date) -> tuple[int, int]:
    rows = ("(select close_date, created_at, stage as stored_stage, is_closed_export as closed, is_won_export as won "
            f"from opportunity_records where import_id = {int(import_id)})")
    return tuple(con.execute(_count_sql(rows), {"cutoff": cutoff(day)}).fetchall()[0])


def describe(no_date: int, past: int, day: dt.date) -> str:
    parts = []
    if past:
        parts.append(f"{fmt_int(past)} with a close date before {fmt_date(cutoff(day))}")
    if no_date:
        parts.append(f"{fmt_int(no_date)} with no close date, created before {fmt_date(cutoff(day))}")
    return f"{fmt_int(no_date + past)} open deals are old: " + " and ".join(parts)


def decide(con, import_id: int, policy: str, day: dt.date, deals: int, who: str | None) -> None:
    """Keep the decision of an import (called inside or right after its transaction)."""
    if policy not in POLICIES:
        raise ValueError(f"old open deals: {policy!r} is not one of {', '.join(POLICIES)}")
    con.execute("insert or replace into old_deal_decisions (import_id, policy, cutoff, deals, decided_by) "
                "values (?, ?, ?, ?, ?)", [import_id, policy, cutoff(day), deals, who])


def note(no_date: int, past: int, policy: str, day: dt.date) -> str:
    return f"{describe(no_date, past, day)}; {POLICIES[policy]}"
