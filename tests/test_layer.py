"""The metrics layer (queries/measures.toml, onefunnel/layer.py): comparisons like for like, breakdowns that
add up, the activity it takes to win, quotas, and the house rule that pages never compute a rate.

Expected numbers were worked out by hand from ../shared/METRICS.md; the working is next to each assertion.
"""

import ast
import datetime as dt
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, load_files, run_cli

sys.path.insert(0, str(ROOT / "tests" / "story"))
from storycli import ingest, metrics, money, rate  # noqa: E402

D = dt.date


# ---- comparisons (METRICS.md "Comparisons") -----------------------------------------------------------

def test_day_46_of_a_quarter_is_compared_with_the_first_46_days_of_the_one_before():
    from onefunnel.periods import comparison

    c = comparison(D(2026, 7, 1), D(2026, 9, 30), D(2026, 8, 15), "previous")
    # Jul 1 .. Aug 15 = 31 + 15 = 46 days; Apr 1 + 45 days = May 16 (April 30 days + 16)
    assert (c.start, c.end, c.as_of) == (D(2026, 4, 1), D(2026, 5, 16), D(2026, 5, 16))
    assert c.cut and "first 46 days" in c.describe(46)


def test_a_whole_period_is_compared_with_the_whole_one_before():
    from onefunnel.periods import comparison

    # a month: March (31 days) against February (28): the one before, not "31 days back"
    c = comparison(D(2026, 3, 1), D(2026, 3, 31), D(2026, 3, 31), "previous")
    assert (c.start, c.end, c.cut) == (D(2026, 2, 1), D(2026, 2, 28), False)
    # running month, day 10: Feb 1 .. Feb 10
    c = comparison(D(2026, 3, 1), D(2026, 3, 31), D(2026, 3, 10), "previous")
    assert (c.start, c.end, c.as_of) == (D(2026, 2, 1), D(2026, 2, 10), D(2026, 2, 10))
    # day 30 of March: Feb 1 + 29 days is Mar 2, cut to February's end
    assert comparison(D(2026, 3, 1), D(2026, 3, 31), D(2026, 3, 30), "previous").end == D(2026, 2, 28)
    # a fiscal quarter when the year starts in April: Apr-Jun against Jan-Mar
    c = comparison(D(2026, 4, 1), D(2026, 6, 30), None, "previous", fy_start_month=4)
    assert (c.start, c.end) == (D(2026, 1, 1), D(2026, 3, 31))
    # the same dates are no fiscal quarter when the year starts in February: 91 days ending Mar 31
    c = comparison(D(2026, 4, 1), D(2026, 6, 30), None, "previous", fy_start_month=2)
    assert (c.start, c.end) == (D(2025, 12, 31), D(2026, 3, 31))
    # a year
    c = comparison(D(2026, 1, 1), D(2026, 12, 31), None, "previous")
    assert (c.start, c.end) == (D(2025, 1, 1), D(2025, 12, 31))


def test_a_custom_range_is_compared_with_as_many_days_before_it():
    from onefunnel.periods import comparison

    c = comparison(D(2026, 1, 10), D(2026, 1, 19), None, "previous")    # 10 days
    assert (c.start, c.end, c.as_of) == (D(2025, 12, 31), D(2026, 1, 9), D(2026, 1, 9))


def test_year_comparison_across_february_29():
    from onefunnel.periods import comparison

    c = comparison(D(2028, 2, 1), D(2028, 2, 29), None, "year")
    assert (c.start, c.end) == (D(2027, 2, 1), D(2027, 2, 28))
    c = comparison(D(2028, 2, 29), D(2028, 3, 31), None, "year")
    assert (c.start, c.end) == (D(2027, 2, 28), D(2027, 3, 31))
    # running: 2028-02-29 .. 03-10 is 11 days; 2027-02-28 + 10 days = 2027-03-10
    c = comparison(D(2028, 2, 29), D(2028, 3, 31), D(2028, 3, 10), "year")
    assert (c.start, c.end) == (D(2027, 2, 28), D(2027, 3, 10))


def test_iso_weeks():
    from onefunnel.periods import iso_week, week_name

    assert iso_week("2026-W38") == (D(2026, 9, 14), D(2026, 9, 20))
    assert week_name(D(2027, 1, 1)) == "2026-W53"
    for bad in ("2026-38", "2026-W54", "W38"):
        with pytest.raises(ValueError):
            iso_week(bad)


def test_cli_compare_previous_on_the_leadership_story(tmp_path):
    from tests.fixtures.leadership.story import load_story

    db = tmp_path / "lead.duckdb"
    load_story(db)
    doc = metrics(db, "2026-07-01", "2026-09-30", as_of="2026-08-15", compare="previous")
    assert doc["comparison"]["period"] == {"start": "2026-04-01", "end": "2026-05-16", "as_of": "2026-05-16"}
    c = doc["comparison"]["metrics"]
    # Apr 1 .. May 16: the 8 trailing leads (created 04-01), 4 MQL (04-02), 3 SQL (04-03), deals T-O1 and
    # T-O2 created 04-05, T-O1 won 10000 on 05-01, T-O2 lost on 05-02 -> win rate 1 / 2
    assert (c["leads_created"], c["mqls"], c["sqls"], c["opps_created"]) == (8, 4, 3, 2)
    assert (c["won_deals"], c["lost_deals"]) == (1, 1) and c["won_revenue"] == money(10000)
    assert c["win_rate"] == rate(0.5)
    # C's own goals: the story sets July to September only -> 0, attainment null
    assert c["revenue_goal"] == 0 and c["goal_attainment"] is None
    # elapsed share of C as of its own last day: 46 / 46
    assert c["elapsed_share"] == rate(1.0)
    assert set(c) == set(doc["metrics"])


# ---- breakdowns (METRICS.md "Breakdowns") -------------------------------------------------------------

TEAMS = ROOT / "tests" / "fixtures" / "teams"


def _teams_db(tmp_path):
    from tests.test_team_queries import load_teams_fixture

    db = tmp_path / "teams.duckdb"
    load_teams_fixture(db)
    return db


def test_breakdown_by_channel_adds_up_and_names_unlinked_deals(tmp_path):
    doc = metrics(_teams_db(tmp_path), "2026-06-01", "2026-09-30", by="channel")
    rows = {r["value"]: r for r in doc["by"]["rows"]}
    assert doc["by"]["dimension"] == "channel"
    # rows by won revenue (Paid Search o1 50k, Organic Search o3 30k), then leads created (Paid Social 4,
    # Referrals 1, (unlinked) 0)
    assert [r["value"] for r in doc["by"]["rows"]] == ["Paid Search", "Organic Search", "Paid Social",
                                                       "Referrals", "(unlinked)"]
    ps = rows["Paid Search"]
    # leads l1, l2, l6, l10 created and MQL in Jun-Sep; SQL l1, l2 -> MQL -> SQL 2/4; deals o1, o2, o5
    # (110k) created; o1 won 50k, o2 lost -> win rate 1/2; both SQLs have a deal -> 1.0
    assert (ps["leads_created"], ps["mqls"], ps["sqls"], ps["opps_created"]) == (4, 4, 2, 3)
    assert ps["pipeline_created"] == money(110000) and ps["won_revenue"] == money(50000)
    assert ps["mql_to_sql_rate"] == rate(0.5) and ps["win_rate"] == rate(0.5) and ps["sql_to_opp_rate"] == rate(1)
    # Organic Search: l7 (never MQL) and l8 -> lead -> MQL 1/2; deals o3 (30k, won) and o7 (8k)
    og = rows["Organic Search"]
    assert og["lead_to_mql_rate"] == rate(0.5) and og["opps_created"] == 2 and og["pipeline_created"] == money(38000)
    # linkedin is mapped to Paid Social: l3, l4, l5, l11
    assert rows["Paid Social"]["leads_created"] == 4 and rows["Paid Social"]["win_rate"] is None
    # o4 has no lead: its own row, never a channel of its own source
    un = rows["(unlinked)"]
    assert (un["leads_created"], un["opps_created"], un["won_deals"]) == (0, 1, 0)
    assert un["pipeline_created"] == money(15000)
    m = doc["metrics"]
    for key in ("leads_created", "mqls", "sqls", "opps_created", "won_deals", "lost_deals"):
        assert sum(r[key] for r in doc["by"]["rows"]) == m[key], key
    for key in ("pipeline_created", "won_revenue"):
        assert sum(r[key] for r in doc["by"]["rows"]) == money(m[key]), key
    # totals: 11 leads, 10 MQLs, 3 SQLs, 7 deals worth 175k, 2 won (80k), 1 lost
    assert (m["leads_created"], m["mqls"], m["sqls"], m["opps_created"]) == (11, 10, 3, 7)
    assert m["pipeline_created"] == money(175000) and m["won_revenue"] == money(80000)


def test_breakdown_by_campaign_and_owner_has_none_rows(tmp_path):
    db = _teams_db(tmp_path)
    camp = {r["value"]: r for r in metrics(db, "2026-07-01", "2026-09-30", by="campaign")["by"]["rows"]}
    # l9 (Referrals) has no campaign: (none) with its lead and MQL; its deal o6 (Aug 20) counts there too
    assert (camp["(none)"]["leads_created"], camp["(none)"]["mqls"], camp["(none)"]["opps_created"]) == (1, 1, 1)
    owner = {r["value"]: r for r in metrics(db, "2026-07-01", "2026-09-30", by="owner")["by"]["rows"]}
    # leads without an owner created in Q3: l7, l9, l11; MQL in Q3: l9, l11 (l7 never); every deal has an owner
    assert (owner["(none)"]["leads_created"], owner["(none)"]["mqls"], owner["(none)"]["opps_created"]) == (3, 2, 0)
    # Rita's deals closed in Q3: o1 50k and o3 30k won, o2 lost
    assert owner["Rita Rapid"]["won_revenue"] == money(80000) and owner["Rita Rapid"]["win_rate"] == rate(2 / 3)


def test_without_options_the_document_keeps_its_shape(tmp_path):
    doc = metrics(_teams_db(tmp_path), "2026-07-01", "2026-09-30")
    assert set(doc) == {"period", "metrics", "attribution", "roi", "by_owner"}


# ---- activity it takes to win a deal ------------------------------------------------------------------

def test_activities_and_meetings_per_won_deal(tmp_path):
    db = tmp_path / "act.duckdb"
    ingest(db, "activity/leads.csv", "activity/opportunities.csv", "activity/activities.csv")
    m = metrics(db, "2026-05-01", "2026-05-31")["metrics"]
    # linked won deals of May: won_with_two_meetings (call, Meeting, MEETING on or before 05-10 = 3, 2 meetings;
    # the 05-12 meeting is after the close) and won_call_on_close_day (1, 0); unlinked_won has no lead
    assert m["activities_per_won_deal"] == rate((3 + 1) / 2)
    assert m["meetings_per_won_deal"] == rate((2 + 0) / 2)
    assert m["won_deals"] == 3
    # June: won_in_june has one meeting (05-05) before its 06-02 close
    june = metrics(db, "2026-06-01", "2026-06-30")["metrics"]
    assert june["meetings_per_won_deal"] == rate(1.0)
    # a period with no linked won deal: null
    assert metrics(db, "2026-04-01", "2026-04-30")["metrics"]["activities_per_won_deal"] is None


# ---- quotas -----------------------------------------------------------------------------------------------

def test_quota_and_attainment_per_opportunity_owner(tmp_path):
    db = tmp_path / "act.duckdb"
    ingest(db, "activity/leads.csv", "activity/opportunities.csv")
    run_cli("quota", "--db", db, "--owner", "Dana Reyes", "--month", "2026-05", "--amount", "6200")
    run_cli("quota", "--db", db, "--owner", "Dana Reyes", "--month", "2026-06", "--amount", "3000")
    doc = metrics(db, "2026-05-01", "2026-05-31")
    owners = {r["owner"]: r for r in doc["by_owner"]["opportunity_owners"]}
    # Dana won 1000 + 2000 in May against a 6200 quota -> 3000 / 6200
    assert owners["Dana Reyes"]["quota"] == money(6200)
    assert owners["Dana Reyes"]["quota_attainment"] == rate(3000 / 6200)
    # Sam Ortiz won 3000 (unlinked_won) without a quota: 0 and null
    assert owners["Sam Ortiz"]["quota"] == 0 and owners["Sam Ortiz"]["quota_attainment"] is None
    # pro-rated by day like the goal: May 16 .. Jun 15 = 16/31 of 6200 + 15/30 of 3000 = 3200 + 1500
    doc = metrics(db, "2026-05-16", "2026-06-15")
    dana = {r["owner"]: r for r in doc["by_owner"]["opportunity_owners"]}["Dana Reyes"]
    assert dana["quota"] == money(4700)


# ---- the house rule: no page computes a rate -------------------------------------------------------------

def test_no_page_computes_a_rate():
    """Rates come from the metrics layer by name. A division in a page module is allowed only for a path
    (Path / name) or where the line says why it is not a rate (`# not a rate: ...`)."""
    found = []
    for path in sorted((ROOT / "pages").glob("*.py")):
        lines = path.read_text().splitlines()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Div, ast.FloorDiv)):
                src = ast.unparse(node)
                if "Path(" in src or "# not a rate" in lines[node.lineno - 1]:
                    continue
                found.append(f"{path.name}:{node.lineno}: {src}")
    assert not found, "pages compute rates; ask the metrics layer by name:\n" + "\n".join(found)


def test_every_measure_is_defined_once_and_compiles():
    from onefunnel import layer

    lay = layer.layer()
    contract = layer.names(cli=True)
    for key in ("leads_created", "win_rate", "activities_per_won_deal", "meetings_per_won_deal", "required_leads"):
        assert key in contract
    assert "quota" not in contract       # per owner only (METRICS.md "By owner")
    for name in lay.measures:
        layer.compile_sql((name,))
    for dim in ("channel", "campaign", "owner"):
        layer.compile_sql(tuple(layer.names(breakdown=True)), dim)
    # no SQL file restates a measure: period_metrics.sql and the owner queries are gone
    for gone in ("period_metrics", "owners_leads", "owners_opportunities", "sales_by_rep"):
        assert not (ROOT / "queries" / f"{gone}.sql").exists()


# ---- a time bucket stands as of its own last day ---------------------------------------------------------

def test_each_day_or_week_of_a_split_stands_as_of_its_own_last_day(tmp_path):
    from onefunnel import layer
    from onefunnel.db import connect

    db = tmp_path / "sla.duckdb"
    ingest(db, "sla/leads.csv", "sla/activities.csv")
    con = connect(db)
    counts = ["sla_met", "sla_breaches", "sla_pending"]
    d20, d21 = dt.date(2026, 3, 20), dt.date(2026, 3, 21)
    # mql_never_called_breached: MQL Mar 20 09:00, no answer, SLA 24 h -> due Mar 21 09:00. As of Mar 20's
    # end (Mar 21 00:00) it is still pending; as of Mar 21's end it is breached.
    assert layer.values(con, counts, d20, d21) == {"sla_met": 0, "sla_breaches": 1, "sla_pending": 0}
    days = layer.by(con, counts, "day", d20, d21)
    assert [(r["value"], r["sla_met"], r["sla_breaches"], r["sla_pending"]) for r in days] == [(d20, 0, 0, 1)]
    assert layer.values(con, counts, d20, d20) == {"sla_met": 0, "sla_breaches": 0, "sla_pending": 1}
    # weeks of March, as of Mar 31: the week of Mar 30 stands as of Mar 31 (not its Sunday, Apr 5), so the
    # MQL of Mar 31 08:00 with no answer is pending; the 12 h answer of Mar 31 20:00 is met.
    weeks = {r["value"]: r for r in layer.by(con, counts, "week", dt.date(2026, 3, 1), dt.date(2026, 3, 31))}
    assert (weeks[dt.date(2026, 3, 30)]["sla_met"], weeks[dt.date(2026, 3, 30)]["sla_pending"]) == (1, 1)
    # week of Mar 16: the Mar 20 MQL, due Mar 21 09:00, is breached by its Sunday (Mar 22)
    assert (weeks[dt.date(2026, 3, 16)]["sla_breaches"], weeks[dt.date(2026, 3, 16)]["sla_pending"]) == (1, 0)
    con.close()
