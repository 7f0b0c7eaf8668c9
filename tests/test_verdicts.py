"""Sales' verdict on every MQL (issue 14 item 2), on the standup story (tests/standup_story.py).

MQLs of September 2026: s1..s9, nine. Rejected, each once:
  s5  export, by status only (Unqualified, no date)        -> export
  s6  export disqualify date 09-29                          -> export
  s7  rejected in the app (duplicate)                       -> sales (app)
  s8  export date 09-25 and rejected in the app            -> export and sales (app), once
  s9  export says Disqualified, sales accepted in the app   -> not rejected, a conflict
so mqls_rejected = 4; undecided = no SQL date and not rejected = s1 s2 s3 s4 s9 = 5."""

import datetime as dt

import pytest

from onefunnel import layer
from onefunnel.db import connect, get_setting
from onefunnel.feedback import VerdictRefused, give_verdict, rejection_reasons, set_rejection_reasons
from onefunnel.ingest import ingest_file
from onefunnel.queries import run_rows
from tests.standup_story import HERE, build

SEP = dict(start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30))


@pytest.fixture
def story(tmp_path):
    db = tmp_path / "story.duckdb"
    build(db)
    con = connect(db)
    yield con
    con.close()


def quality(con):
    return layer.values(con, ["mqls", "mqls_rejected", "mqls_undecided"], **SEP)


def rejected_by(con):
    return dict(con.execute("select lead_key, rejected_by from leads where rejected_by is not null").fetchall())


def test_each_rejection_counts_once_whatever_its_sources(story):
    assert quality(story) == {"mqls": 9, "mqls_rejected": 4, "mqls_undecided": 5}
    assert rejected_by(story) == {
        "s5_export_unqualified_status_only@su.test": "export",
        "s6_export_disqualified_yesterday@su.test": "export",
        "s7_rejected_in_app_this_morning@su.test": "sales (app)",
        "s8_rejected_in_export_and_app@su.test": "export and sales (app)",
    }
    # s8: rejected at the earlier of the export's date (09-25 10:00) and the verdict (09-29 11:00), the person's reason
    assert story.execute("select disqualified_at, disqualify_reason, export_disqualify_reason from leads "
                         "where lead_key = 's8_rejected_in_export_and_app@su.test'").fetchall() == [
        (dt.datetime(2026, 9, 25, 10), "no budget", "Bad timing")]


def test_an_export_status_alone_rejects(tmp_path):
    db = tmp_path / "bare.duckdb"
    build(db, verdicts=False, comments=False)
    con = connect(db)
    # without verdicts: s5 (status), s6, s8, s9 (export dates) = 4; s9 is no longer accepted
    assert quality(con)["mqls_rejected"] == 4
    assert con.execute("select disqualify_reason from leads where lead_key = 's5_export_unqualified_status_only@su.test'"
                       ).fetchall() == [("status Unqualified",)]
    con.close()


def test_a_conflict_between_export_and_verdict_is_shown(story):
    rows = story.execute("select lead_key, verdict_conflict from leads where verdict_conflict is not null").fetchall()
    assert rows == [("s9_accepted_in_app_export_rejects@su.test",
                     "accepted in the app; the export rejects it (Competitor)")]


def test_re_importing_never_overwrites_a_verdict(story, tmp_path):
    before = story.execute("select * from lead_verdicts order by verdict_id").fetchall()
    ingest_file(story, HERE / "leads.csv", who="test")           # the same export again
    # a later export that now also disqualifies s7 (in the export, "Spam") and no longer s9
    later = (HERE / "leads.csv").read_text().replace(
        "Omar Ortiz,2026-09-20 10:00,,,,", "Omar Ortiz,2026-09-20 10:00,,2026-09-30 07:00,Spam,Unqualified")
    path = tmp_path / "leads_later.csv"
    path.write_text(later)
    ingest_file(story, path, who="test")
    assert story.execute("select * from lead_verdicts order by verdict_id").fetchall() == before
    assert quality(story) == {"mqls": 9, "mqls_rejected": 4, "mqls_undecided": 5}
    assert rejected_by(story)["s7_rejected_in_app_this_morning@su.test"] == "export and sales (app)"
    # the verdict's reason stays the one shown; the export's is kept beside it
    assert story.execute("select disqualified_at, disqualify_reason, export_disqualify_reason from leads "
                         "where lead_key = 's7_rejected_in_app_this_morning@su.test'").fetchall() == [
        (dt.datetime(2026, 9, 30, 7), "duplicate", "Spam")]


def test_marketing_feedback_names_both_sources(story):
    rows = run_rows(story, "marketing_rejection_sources", **SEP)
    channel = [r for r in rows if r["level"] == "channel"]
    assert channel == [{"level": "channel", "channel": "Paid Search", "campaign": None, "rejected": 4,
                        "export_only": 2, "app_only": 1, "both_sources": 1, "conflicts": 1}]
    reasons = {(r["reason"], r["rejected"]) for r in run_rows(story, "marketing_rejection_reasons", **SEP)
               if r["level"] == "channel"}
    # s5 by its status, s6 by the export's reason, s7 and s8 by the person's reason
    assert reasons == {("status Unqualified", 1), ("No budget", 1), ("duplicate", 1), ("no budget", 1)}


def test_a_verdict_needs_an_mql_and_a_reason_from_the_list(story):
    s1 = "s1_new_mql_due_soon@su.test"
    with pytest.raises(VerdictRefused, match="needs a reason"):
        give_verdict(story, s1, "reject", "", who="x")
    with pytest.raises(VerdictRefused, match="not in the list"):
        give_verdict(story, s1, "reject", "too small", who="x")
    with pytest.raises(VerdictRefused, match="no lead"):
        give_verdict(story, "nobody@su.test", "accept", who="x")
    with pytest.raises(VerdictRefused, match="accept or reject"):
        give_verdict(story, s1, "maybe", who="x")
    assert story.execute("select count(*) from lead_verdicts").fetchall() == [(3,)]


def test_the_reasons_are_an_editable_logged_list(story):
    assert rejection_reasons(story) == ["not our customer profile", "no budget", "student or job seeker",
                                        "duplicate", "bad contact data", "other"]
    set_rejection_reasons(story, [" too small ", "no budget", "No Budget", ""], who="Rita Sales")
    assert get_setting(story, "rejection_reasons") == ["too small", "no budget"]
    give_verdict(story, "s1_new_mql_due_soon@su.test", "reject", "too small", who="Rita Sales",
                 at=dt.datetime(2026, 9, 30, 9))
    assert story.execute("select changed_by from settings_log where key = 'rejection_reasons'").fetchall() == [
        ("Rita Sales",)]
    assert story.execute("select changed_by from settings_log where key = 'verdict:s1_new_mql_due_soon@su.test'"
                         ).fetchall() == [("Rita Sales",)]


def test_the_standup_offers_the_newest_mqls_and_every_conflict(story):
    """lead_verdict_candidates: the newest $limit MQLs (by MQL date), then any older one whose verdict conflicts
    with the export (s9), and how many there are in all. MQL dates: s1 09-29 10:00, s2 08:00, s3 07:00, s4 09-22,
    s7 09-20, s8 09-18, s9 09-17, s6 09-15, s5 09-10."""
    def offered(**p):
        rows = run_rows(story, "lead_verdict_candidates", **{"team": "", "owner": "", **p})
        return [r["lead_key"].split("_")[0] for r in rows], {r["candidates"] for r in rows}

    assert offered(limit=2) == (["s1", "s2", "s9"], {9})
    assert offered(limit=8) == (["s1", "s2", "s3", "s4", "s7", "s8", "s9", "s6"], {9})
    # Dana Reyes's MQLs: s1, s3, s5, s6, s9
    assert offered(limit=1, owner="Dana Reyes") == (["s1", "s9"], {5})


def test_the_deal_picker_lists_the_newest_deals_and_the_one_a_link_asks_for(story):
    """deal_list: the newest $limit deals by creation, the deal $asked wherever it stands, and how many there are.
    Created: o4 09-29, o3 08-10, o2 08-05, o1 08-01, o5 07-01."""
    def listed(**p):
        rows = run_rows(story, "deal_list", **{"asked": "", **p})
        return [r["name"] for r in rows], {r["deals"] for r in rows}

    assert listed(limit=2) == (["Created yesterday", "Moved to proposal"], {5})
    o5 = story.execute("select opp_key from opportunities where name = 'Nothing happened'").fetchall()[0][0]
    assert listed(limit=2, asked=o5) == (["Created yesterday", "Moved to proposal", "Nothing happened"], {5})
    assert listed(limit=9)[0] == ["Created yesterday", "Moved to proposal", "Lost today", "Won yesterday",
                                  "Nothing happened"]
