"""Acceptance stories for "one person, one lead", re-imports and lead links (METRICS.md,
section Records). Fixtures: tests/story/links/ (see its README.md). Every test ingests
into its own database under tmp_path; expected values are worked by hand next to them.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "story"))
from storycli import Check, by_owner, ingest, metrics, money  # noqa: E402

JUNE = ("2026-06-01", "2026-06-30")


# --------------------------------------------------------------------------- merge
# merge_leads_first.csv : "  Merged.Person@Story.Test "  created 06-05 09:00, mql 06-10 09:00,
#                         company Old Co, source Webinar/june_webinar, owner Dana Reyes
# merge_leads_second.csv: "merged.person@story.test"    created 06-02 09:00, mql 06-12 09:00,
#                         sql 06-15 09:00, company New Co, source Paid Search/june_kw,
#                         owner Sam Ortiz
# merge_opportunities.csv: won 1000, created 06-20, closed 06-25, email MERGED.PERSON@story.test
# One lead: created_at = min(06-05, 06-02) = 06-02, mql_at = min(06-10, 06-12) = 06-10,
# sql_at = 06-15; owner/source/campaign from the file imported last.

def _merged(tmp_path, order):
    db = tmp_path / "merge.duckdb"
    ingest(db, *[f"links/merge_leads_{o}.csv" for o in order], "links/merge_opportunities.csv")
    return db


def test_same_email_in_two_lead_files_is_one_lead_with_earliest_dates(tmp_path):
    db = _merged(tmp_path, ("first", "second"))
    c = Check()
    c.values(metrics(db, *JUNE)["metrics"], {
        "leads_created": 1,   # one person, not two
        "mqls": 1,
        "sqls": 1,
        # opp created 06-20 >= mql 06-10 (opp email differs only in case) -> sourced
        "marketing_sourced_revenue": money(1000),
    }, "June")
    # created_at is the earliest (06-02): nothing created from 06-03 on
    c.values(metrics(db, "2026-06-03", "2026-06-30")["metrics"], {"leads_created": 0},
             "06-03..06-30")
    # mql_at is the earliest (06-10): it falls in 06-01..06-10, sql_at 06-15 does not
    c.values(metrics(db, "2026-06-01", "2026-06-10")["metrics"], {"mqls": 1, "sqls": 0},
             "06-01..06-10")
    c.values(metrics(db, "2026-06-11", "2026-06-30")["metrics"], {"mqls": 0, "sqls": 1},
             "06-11..06-30")
    c.done()


def test_other_fields_come_from_the_most_recently_imported_file(tmp_path):
    out = metrics(_merged(tmp_path, ("first", "second")), *JUNE)
    c = Check()
    # owner from merge_leads_second (imported last) = Sam Ortiz; one MQL (06-10), no
    # activity and 06-10 09:00 + 24h < 07-01 00:00 -> breach, median null
    rows = by_owner(out["by_owner"]["lead_owners"], "lead_owners", c)
    c.equal(sorted(rows, key=str), ["Sam Ortiz"], "lead owners listed")
    if "Sam Ortiz" in rows:
        c.values(rows["Sam Ortiz"], {"mqls": 1, "sla_met": 0, "sla_breaches": 1,
                                     "mql_response_hours_median": None}, "lead_owners[Sam]")
    # source from the last file = Paid Search/june_kw: ONE origin touch at created_at 06-02
    # (<= opp created 06-20) gets the whole 1000 in every model
    for model in ("first_touch", "linear"):
        c.credit_map(out["attribution"][model]["by_channel"], {"Paid Search": money(1000)},
                     f"attribution.{model}.by_channel")
        c.credit_map(out["attribution"][model]["by_campaign"], {"june_kw": money(1000)},
                     f"attribution.{model}.by_campaign")
    c.done()


def test_import_order_not_dates_decides_the_other_fields(tmp_path):
    out = metrics(_merged(tmp_path, ("second", "first")), *JUNE)
    c = Check()
    # now merge_leads_first is imported last: owner Dana Reyes, source Webinar/june_webinar;
    # dates are still the earliest ones (created 06-02, mql 06-10)
    rows = by_owner(out["by_owner"]["lead_owners"], "lead_owners", c)
    c.equal(sorted(rows, key=str), ["Dana Reyes"], "lead owners listed")
    c.credit_map(out["attribution"]["linear"]["by_channel"], {"Webinar": money(1000)},
                 "attribution.linear.by_channel")
    c.values(out["metrics"], {"leads_created": 1, "mqls": 1, "sqls": 1}, "June")
    db = tmp_path / "merge.duckdb"
    # created_at is still min(06-05, 06-02) = 06-02 although the 06-05 file came last
    c.values(metrics(db, "2026-06-03", "2026-06-30")["metrics"], {"leads_created": 0},
             "06-03..06-30")
    # sql_at 06-15 exists only in merge_leads_second; the later file's empty cell keeps it
    c.values(metrics(db, "2026-06-11", "2026-06-30")["metrics"], {"mqls": 0, "sqls": 1},
             "06-11..06-30")
    c.done()


# --------------------------------------------------------------------------- re-import
ALL_GENERIC = [
    "q3_core/leads.csv", "q3_core/opportunities.csv", "q3_core/touches.csv", "q3_core/spend.csv",
    "sla/leads.csv", "sla/activities.csv",
    "attribution/leads.csv", "attribution/opportunities.csv", "attribution/touches.csv",
    "attribution/spend.csv",
    "links/hubspot_contacts.csv", "links/hubspot_deals.csv",
]


def test_reimporting_the_same_files_changes_no_number(tmp_path):
    db = tmp_path / "reimport.duckdb"
    ingest(db, *ALL_GENERIC)
    periods = [("2026-01-01", "2026-12-31", {}), ("2026-07-01", "2026-09-30", {}),
               ("2026-03-01", "2026-03-31", {"as_of": "2026-03-20"}),
               ("2026-05-01", "2026-05-31", {})]
    before = [metrics(db, s, e, **kw) for s, e, kw in periods]
    ingest(db, *ALL_GENERIC)
    ingest(db, "q3_core/touches.csv", "sla/activities.csv", "attribution/spend.csv")
    after = [metrics(db, s, e, **kw) for s, e, kw in periods]
    for (s, e, _), b, a in zip(periods, before, after):
        assert a == b, f"metrics for {s}..{e} changed after re-import"


def test_reimported_record_replaces_the_earlier_version(tmp_path):
    db = tmp_path / "revised.duckdb"
    c = Check()
    ingest(db, "links/revised_opportunities_v1.csv")
    c.values(metrics(db, *JUNE)["metrics"], {
        # v1: open 5000, prob 50, closing 06-28
        "opps_created": 1, "won_deals": 0,
        "open_pipeline": money(5000), "weighted_pipeline": money(2500),
    }, "after v1")
    ingest(db, "links/revised_opportunities_v2.csv")
    c.values(metrics(db, *JUNE)["metrics"], {
        # v2 (same id LK-R1) replaces v1: won 6000, closed 06-18; still one opportunity
        "opps_created": 1, "pipeline_created": money(6000),
        "won_deals": 1, "won_revenue": money(6000),
        "open_pipeline": money(0), "weighted_pipeline": money(0),
    }, "after v2")
    c.done()


# --------------------------------------------------------------------------- overlap
# lead overlap_touched_person (no source); won deal 900 created 06-10, closed 06-20.
# export 1: Email 06-02, Webinar 06-05; export 2: Webinar 06-05 (same row again), Paid Search
# 06-08. spend export 1: 06-01 100, 06-02 200; export 2: 06-02 200 (same row), 06-03 300.

def test_overlapping_reexport_adds_only_new_rows(tmp_path):
    db = tmp_path / "overlap.duckdb"
    c = Check()
    ingest(db, "links/overlap_leads.csv", "links/overlap_opportunities.csv",
           "links/overlap_touches_export_1.csv", "links/overlap_spend_export_1.csv")
    first = metrics(db, *JUNE)
    # 2 touches -> 450 each; spend 100 + 200
    c.credit_map(first["attribution"]["linear"]["by_channel"],
                 {"Email": money(450), "Webinar": money(450)}, "export 1: linear")
    c.values(first["metrics"], {"spend": money(300)}, "export 1")
    ingest(db, "links/overlap_touches_export_2.csv", "links/overlap_spend_export_2.csv")
    second = metrics(db, *JUNE)
    # 3 distinct touches -> 300 each (a duplicated Webinar row would give 225/450/225)
    c.credit_map(second["attribution"]["linear"]["by_channel"],
                 {"Email": money(300), "Webinar": money(300), "Paid Search": money(300)},
                 "export 1+2: linear")
    # 100 + 200 + 300 (not 800)
    c.values(second["metrics"], {"spend": money(600)}, "export 1+2")
    c.done()


# --------------------------------------------------------------------------- explicit links
# HubSpot contacts: 101 (MQL 06-03, Original Source Paid Social, created 06-01 09:00),
#                   102 (no MQL, Direct Traffic, created 06-02 09:00).
# Deals carry no email at all: 9001 won 5000 created 06-10, "101;102";
#                              9002 won 2000 created 06-12, "102;101".

def test_hubspot_deal_links_to_first_associated_contact(tmp_path):
    db = tmp_path / "hubspot.duckdb"
    ingest(db, "links/hubspot_contacts.csv", "links/hubspot_deals.csv")
    out = metrics(db, *JUNE)
    c = Check()
    c.values(out["metrics"], {
        "leads_created": 2, "mqls": 1,
        "won_deals": 2, "won_revenue": money(7000),
        # 9001 -> 101 (mql 06-03 <= 06-10) sourced; 9002 -> 102 (never mql) not sourced
        "marketing_sourced_revenue": money(5000),
    })
    # origin touches: 9001 gets 101's Paid Social, 9002 gets 102's Direct Traffic
    c.credit_map(out["attribution"]["first_touch"]["by_channel"],
                 {"Paid Social": money(5000), "Direct Traffic": money(2000)},
                 "attribution.first_touch.by_channel")
    rows = by_owner(out["by_owner"]["opportunity_owners"], "opportunity_owners", c)
    c.equal(sorted(rows, key=str), ["Dana Reyes", "Sam Ortiz"], "opportunity owners")
    c.done()


def test_generic_opportunity_links_by_lead_id_before_email(tmp_path):
    db = tmp_path / "leadid.duckdb"
    ingest(db, "links/lead_id_leads.csv", "links/lead_id_opportunities.csv")
    m = metrics(db, *JUNE)["metrics"]
    c = Check()
    # lead_id L-100 (mql 06-02) wins over the email of L-200 (never mql): opp created 06-10
    # -> marketing sourced 1000 (linking by email would give 0)
    c.values(m, {"leads_created": 2, "won_revenue": money(1000),
                 "marketing_sourced_revenue": money(1000)})
    c.done()


def test_touch_and_activity_matching_no_lead_attach_to_nobody(tmp_path):
    db = tmp_path / "orphan.duckdb"
    ingest(db, "links/orphan_leads.csv", "links/orphan_touches.csv",
           "links/orphan_activities.csv", "links/orphan_opportunities.csv")
    out = metrics(db, *JUNE)
    c = Check()
    c.values(out["metrics"], {
        # only real_lead_with_no_touches: the touch/activity emails create no lead
        "leads_created": 1,
        "won_deals": 1, "won_revenue": money(800),
        # the deal's email matches no lead -> unlinked: not influenced even though a touch
        # carries the same email
        "marketing_influenced_revenue": money(0),
        "marketing_sourced_revenue": money(0),
    })
    for model in ("first_touch", "last_touch", "linear"):
        c.credit_map(out["attribution"][model]["by_channel"], {"(none)": money(800)},
                     f"attribution.{model}.by_channel")
    c.done()
