"""The standup lists (queries/standup_*.sql) on the standup story (tests/standup_story.py): now = Wednesday
2026-09-30 09:00, the window opens at the start of the last working day, Tuesday 2026-09-29 00:00. SLA 24 h,
"due soon" = within the next 4 h. Dana Reyes is in team East, Omar Ortiz in West."""

import datetime as dt

import pytest

from onefunnel.db import connect
from onefunnel.queries import run_rows
from onefunnel.standup import default_since, last_working_day
from tests.standup_story import NOW, SINCE, build

W = dict(since=SINCE, now=NOW, team="", owner="")


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    db = tmp_path_factory.mktemp("standup") / "story.duckdb"
    build(db)
    con = connect(db)
    yield con
    con.close()


def pick(rows, *cols):
    return [tuple(r[c] for c in cols) for r in rows]


def test_the_window_opens_at_the_last_working_day():
    assert last_working_day(dt.date(2026, 9, 30)) == dt.date(2026, 9, 29)    # Wednesday -> Tuesday
    assert last_working_day(dt.date(2026, 9, 28)) == dt.date(2026, 9, 25)    # Monday -> Friday
    assert last_working_day(dt.date(2026, 9, 27)) == dt.date(2026, 9, 25)    # Sunday -> Friday
    assert default_since(NOW) == SINCE


def test_new_mqls_with_their_owners(story):
    # s1 10:00, s2 08:00, s3 07:00 on Tuesday; s4..s9 became MQL earlier
    rows = run_rows(story, "standup_new_mqls", **W)
    assert pick(rows, "lead_key", "owner", "team") == [
        ("s1_new_mql_due_soon@su.test", "Dana Reyes", "East"),
        ("s2_new_mql_breached_overnight@su.test", "Omar Ortiz", "West"),
        ("s3_new_mql_answered_in_time@su.test", "Dana Reyes", "East"),
    ]
    assert pick(run_rows(story, "standup_new_mqls", **{**W, "team": "West"}), "lead_key") == [
        ("s2_new_mql_breached_overnight@su.test",)]
    assert pick(run_rows(story, "standup_new_mqls", **{**W, "owner": "Dana Reyes"}), "lead_key") == [
        ("s1_new_mql_due_soon@su.test",), ("s3_new_mql_answered_in_time@su.test",)]


def test_mqls_breached_and_about_to_breach_the_sla(story):
    # s2: MQL Tue 08:00, due Wed 08:00, no activity -> breached in the window.
    # s1: MQL Tue 10:00, due Wed 10:00 = 1 h after now -> due soon.
    # s3: answered Tue 12:00, within 24 h -> neither. s4: due 09-23, before the window.
    rows = run_rows(story, "standup_sla", **W, sla_hours=24.0, soon_hours=4.0)
    assert pick(rows, "lead_key", "owner", "status", "due_at", "hours_left") == [
        ("s2_new_mql_breached_overnight@su.test", "Omar Ortiz", "breached", dt.datetime(2026, 9, 30, 8), -1.0),
        ("s1_new_mql_due_soon@su.test", "Dana Reyes", "due soon", dt.datetime(2026, 9, 30, 10), 1.0),
    ]
    # looking only 30 minutes ahead, s1 is not due soon yet
    assert pick(run_rows(story, "standup_sla", **W, sla_hours=24.0, soon_hours=0.5), "lead_key") == [
        ("s2_new_mql_breached_overnight@su.test",)]


def test_leads_rejected_and_why(story):
    # s7: rejected in the app Wed 08:30 (duplicate, with a note); s6: export disqualify date Tue 15:00.
    # s8 was rejected on 09-25 (its export date), s5 when its Unqualified status came in (Mon 18:00): before.
    rows = run_rows(story, "standup_rejections", **W)
    assert pick(rows, "lead_key", "owner", "reason", "rejected_by", "verdict_by", "note") == [
        ("s7_rejected_in_app_this_morning@su.test", "Omar Ortiz", "duplicate", "sales (app)", "Rita Sales",
         "same person as s2, other address"),
        ("s6_export_disqualified_yesterday@su.test", "Dana Reyes", "No budget", "export", None, None),
    ]


def test_deals_that_moved_won_or_lost(story):
    # o2 lost Wed (close date 09-30), o3 Discovery -> Proposal by Tuesday 16:00's re-import, o4 created Tue
    # 14:00, o1 won Tue (close date 09-29). o5 had nothing happen.
    rows = run_rows(story, "standup_deals", **W)
    assert pick(rows, "opp_key", "owner", "event", "from_stage", "to_stage") == [
        ("template:o2", "Omar Ortiz", "lost", None, "Closed Lost"),
        ("template:o3", "Dana Reyes", "stage changed", "Discovery", "Proposal"),
        ("template:o4", "Omar Ortiz", "created", None, "Discovery"),
        ("template:o1", "Dana Reyes", "won", None, "Closed Won"),
    ]
    assert pick(run_rows(story, "standup_deals", **{**W, "team": "East"}), "opp_key", "event") == [
        ("template:o3", "stage changed"), ("template:o1", "won")]


def test_new_comments_with_the_owner_of_what_they_are_about(story):
    # the reply Wed 08:00 and its thread's first comment Tue 17:00 (lead s1, Dana's); the deal o2's (Omar's)
    # Tue 12:00; the comment of 09-20 is older than the window
    rows = run_rows(story, "standup_comments", **W)
    assert pick(rows, "subject_id", "owner", "author", "is_reply", "body") == [
        ("s1_new_mql_due_soon@su.test", "Dana Reyes", "Dana Reyes", True, "On it"),
        ("s1_new_mql_due_soon@su.test", "Dana Reyes", "Mia Marketing", False, "@Dana Reyes can you call today?"),
        ("template:o2", "Omar Ortiz", "Mia Marketing", False, '<img src=x onerror=alert(1)> =HYPERLINK("x")'),
    ]


def test_a_chosen_moment_opens_the_window_there(story):
    # since Wednesday 08:15: only s7's rejection (08:30) and the reply (08:00 is before it: out)
    since = dt.datetime(2026, 9, 30, 8, 15)
    w = {**W, "since": since}
    assert pick(run_rows(story, "standup_rejections", **w), "lead_key") == [("s7_rejected_in_app_this_morning@su.test",)]
    assert run_rows(story, "standup_comments", **w) == []
    assert run_rows(story, "standup_new_mqls", **w) == []
    # o2's close date (09-30) is the day of the chosen moment: still listed
    assert pick(run_rows(story, "standup_deals", **w), "opp_key", "event") == [("template:o2", "lost")]
