"""Acceptance stories: hand-worked metric values for every section of METRICS.md.

Each story lives in tests/story/<name>/ (see its README.md). Every expected value below
was derived by hand from shared/METRICS.md; the working is in the comment next to it.
Each test ingests its story through the CLI into its own database under tmp_path.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "story"))
from storycli import Check, by_owner, ingest, metrics, money, rate, set_goal  # noqa: E402

MODELS = ("first_touch", "last_touch", "linear", "u_shaped", "time_decay")


# --------------------------------------------------------------------------- loaders
def load_q3(tmp_path: Path) -> Path:
    db = tmp_path / "q3.duckdb"
    ingest(db, "q3_core/leads.csv", "q3_core/opportunities.csv",
           "q3_core/touches.csv", "q3_core/spend.csv")
    return db


def q3(tmp_path: Path, **kw) -> dict:
    return metrics(load_q3(tmp_path), "2026-07-01", "2026-09-30", **kw)


def load_sla(tmp_path: Path) -> Path:
    db = tmp_path / "sla.duckdb"
    ingest(db, "sla/leads.csv", "sla/activities.csv")
    return db


def load_goal(tmp_path: Path) -> Path:
    db = tmp_path / "goal.duckdb"
    ingest(db, "goal_forecast/leads.csv", "goal_forecast/opportunities.csv")
    set_goal(db, "2025-12", 99999)   # outside P: must add nothing
    set_goal(db, "2026-01", 31000)
    set_goal(db, "2026-02", 28000)
    set_goal(db, "2026-03", 77777)   # outside P: must add nothing
    return db


GOAL_P = ("2026-01-17", "2026-02-10")


def load_attribution(tmp_path: Path) -> Path:
    db = tmp_path / "attr.duckdb"
    ingest(db, "attribution/leads.csv", "attribution/opportunities.csv",
           "attribution/touches.csv", "attribution/spend.csv")
    return db


def attr(tmp_path: Path) -> dict:
    return metrics(load_attribution(tmp_path), "2026-05-01", "2026-05-31")


# =========================================================================== q3_core
# P = 2026-07-01..2026-09-30. Leads (L#) and deals (O#) as in tests/story/q3_core:
#  L1 mql_q3_sql_q3_won_marketing_sourced   created 06-20  mql 07-05  sql 07-10
#  L2 created_q3_mql_q3_sql_after_end       created 07-02  mql 07-03  sql 10-05
#  L3 created_q3_never_mql_status_says_mql  created 08-01  (status label only)
#  L4 created_q3_mql_after_end              created 09-20  mql 10-02
#  L5 created_q3_mql_q3_never_sql           created 08-10  mql 08-11
#  L6 sql_q3_mql_before_q3_no_opportunity   created 05-01  mql 06-15  sql 07-20
#  L7 created_on_start_won_sales_sourced..  created 07-01 00:00  mql 07-25  sql 07-26
#  L8 won_before_q3_mql_before_opp          created 05-10  mql 06-01  sql 06-05
#  L9 created_on_end_day_late_status_customer created 09-30 23:59
#  L10 created_day_after_end                created 10-01 00:00
#  L11 created_q3_never_mql_won_influenced.. created 07-03
#  L12 mql_q3_disqualified                  created 06-25  mql 08-20
#  O1 won  10000 created 07-12 15:30 close 08-20 Dana  -> L1
#  O2 won   6000 created 07-15       close 09-10 Sam   -> L7
#  O3 lost  4000 created 07-20       close 08-30 Lee   unlinked (explicit flags, custom stage)
#  O4 won   3000 created 08-01       close 09-30 Sam   -> L11 (explicit flags, stage "Signed")
#  O5 won   5000 created 06-10       close 07-30 Dana  -> L8
#  O6 open  8000 prob 25 created 08-05 close 09-25 Sam -> L2
#  O7 lost  2000 created 09-01       close 10-15 Lee   unlinked
#  O8 won   7000 created 05-01       close 06-20 Lee   unlinked
#  O9 lost  1500 created 08-15       close 09-15 Dana  unlinked

def test_q3_volume(tmp_path):
    m = q3(tmp_path)["metrics"]
    c = Check()
    c.values(m, {
        # created in P: L2 07-02, L3 08-01, L4 09-20, L5 08-10, L7 07-01 00:00,
        # L9 09-30 23:59, L11 07-03 -> 7 (L1/L6/L8/L12 before, L10 10-01 after)
        "leads_created": 7,
        # mql in P: L1 07-05, L2 07-03, L5 08-11, L7 07-25, L12 08-20 -> 5
        # (L4 10-02 after end; L6 06-15, L8 06-01 before; L3's status label is no mql_at)
        "mqls": 5,
        # sql in P: L1 07-10, L6 07-20, L7 07-26 -> 3 (L2 10-05 after end, L8 06-05 before)
        "sqls": 3,
        # created in P: O1, O2, O3, O4, O6, O7, O9 -> 7 (O5 06-10, O8 05-01 before)
        "opps_created": 7,
        # 10000 + 6000 + 4000 + 3000 + 8000 + 2000 + 1500
        "pipeline_created": money(34500),
        # won & close in P: O1 08-20, O2 09-10, O4 09-30, O5 07-30 -> 4 (O8 06-20 before)
        "won_deals": 4,
        # 10000 + 6000 + 3000 + 5000
        "won_revenue": money(24000),
        # closed not won, close in P: O3 08-30 (is_closed=true, is_won=false), O9 09-15 -> 2
        # (O7 closes 10-15, after end)
        "lost_deals": 2,
    })
    c.done()


def test_q3_conversion_and_velocity(tmp_path):
    m = q3(tmp_path)["metrics"]
    c = Check()
    c.values(m, {
        # cohort created in P = {L2, L3, L4, L5, L7, L9, L11}; with any mql_at: L2, L4 (10-02,
        # after end still counts), L5, L7 -> 4/7
        "lead_to_mql_rate": rate(4 / 7),
        # cohort mql in P = {L1, L2, L5, L7, L12}; with any sql_at: L1, L2 (sql 10-05 after
        # end converts), L7 -> 3/5
        "mql_to_sql_rate": rate(3 / 5),
        # cohort sql in P = {L1, L6, L7}; linked to an opportunity: L1 (O1), L7 (O2) -> 2/3
        "sql_to_opp_rate": rate(2 / 3),
        # won 4 / (won 4 + lost 2)
        "win_rate": rate(4 / 6),
        # 24000 / 4
        "avg_deal_size": money(6000),
        # close_date - date(created_at): O1 08-20 - 07-12 = 39, O2 09-10 - 07-15 = 57,
        # O4 09-30 - 08-01 = 60, O5 07-30 - 06-10 = 50; sorted 39, 50, 57, 60
        # -> median (50 + 57) / 2 = 53.5
        "sales_cycle_days": rate(53.5),
    })
    c.done()


def test_q3_sourcing_influence_pipeline_and_no_goal(tmp_path):
    out = q3(tmp_path)
    m = out["metrics"]
    c = Check()
    c.values(out["period"], {"start": "2026-07-01", "end": "2026-09-30",
                             "as_of": "2026-09-30"}, "period")
    c.values(m, {
        # opps created in P whose lead has mql_at <= opp created_at:
        # O1 (L1 mql 07-05 <= 07-12) 10000, O6 (L2 mql 07-03 <= 08-05) 8000;
        # O2 not (L7 mql 07-25 is after O2 created 07-15: sales sourced), O4 (L11 no mql),
        # O3/O7/O9 unlinked -> 18000
        "marketing_sourced_pipeline": money(18000),
        # same rule over won deals O1, O2, O4, O5: O1 10000 + O5 (L8 mql 06-01 <= 06-10) 5000
        "marketing_sourced_revenue": money(15000),
        # won deals whose lead has a touch with date(touched_at) <= close_date (no lead has a
        # source, so no origin touches): O1 (touch 07-01) 10000; O4 (touch 09-30 16:00 on its
        # close day 09-30) 3000; O2's only touch 09-11 is after its close 09-10; O5 none
        "marketing_influenced_revenue": money(13000),
        # no goal set -> 0 and attainment null
        "revenue_goal": money(0),
        "goal_attainment": None,
        # as_of defaults to end: 92 / 92 days
        "elapsed_share": rate(1.0),
        "expected_to_date": money(0),
        # 24000 - 0
        "pace_gap": money(24000),
        # not closed, close in P: O6 (09-25) 8000
        "open_pipeline": money(8000),
        # 8000 x 25 / 100
        "weighted_pipeline": money(2000),
        # 24000 + 2000
        "forecast": money(26000),
    })
    c.done()


def test_q3_reverse_funnel_is_all_zero_when_nothing_remains(tmp_path):
    m = q3(tmp_path)["metrics"]
    c = Check()
    # remaining = max(revenue_goal 0 - won_revenue 24000, 0) = 0 -> every required_* is 0
    c.values(m, {k: 0 for k in ("required_won_deals", "required_opps", "required_sqls",
                                "required_mqls", "required_leads")})
    c.done()


def test_q3_spend(tmp_path):
    m = q3(tmp_path)["metrics"]
    c = Check()
    c.values(m, {
        # in P: 07-01 1200 + 08-15 300 + 09-30 600 (06-30 500 and 10-01 900 are outside)
        "spend": money(2100),
        "cost_per_lead": money(2100 / 7),   # = 300
        "cost_per_mql": money(2100 / 5),    # = 420
        "marketing_cac": money(2100 / 4),   # = 525
    })
    c.done()


def test_q3_roi_and_linear_credit(tmp_path):
    out = q3(tmp_path)
    c = Check()
    # qualifying touches (touched_at <= opp created_at): O1 <- Email 07-01 10:00 (created
    # 07-12 15:30); O2's touch 09-11 and O4's touch 09-30 come after their created_at,
    # O5's lead has none -> (none): 6000 + 3000 + 5000
    c.credit_map(out["attribution"]["linear"]["by_channel"],
                 {"Email": money(10000), "(none)": money(14000)}, "attribution.linear.by_channel")
    # roi lists every channel with spend in P: Paid Search 0/1200, Email 10000/300,
    # Paid Social 0/600
    c.credit_map(out["roi"], {"Paid Search": rate(0.0), "Email": rate(10000 / 300),
                              "Paid Social": rate(0.0)}, "roi", keep_zeros=True)
    c.done()


def test_q3_opportunity_owners(tmp_path):
    out = q3(tmp_path)
    c = Check()
    rows = by_owner(out["by_owner"]["opportunity_owners"], "opportunity_owners", c)
    # deals closed in P: Dana O1 won 10000, O5 won 5000, O9 lost -> 2, 15000, 2/3
    #                    Sam  O2 won 6000, O4 won 3000          -> 2, 9000, 1.0
    #                    Lee  O3 lost (O7 closes after end, O8 before start) -> 0, 0, 0.0
    expected = {
        "Dana Reyes": {"won_deals": 2, "won_revenue": money(15000), "win_rate": rate(2 / 3)},
        "Sam Ortiz": {"won_deals": 2, "won_revenue": money(9000), "win_rate": rate(1.0)},
        "Lee Chan": {"won_deals": 0, "won_revenue": money(0), "win_rate": rate(0.0)},
    }
    c.equal(sorted(rows, key=str), sorted(expected), "opportunity owners listed")
    for name, exp in expected.items():
        if name in rows:
            c.values(rows[name], exp, f"opportunity_owners[{name}]")
    c.done()


# =========================================================================== sla
# P = March 2026, as_of_end = 2026-04-01 00:00 by default. Response times (hours):
#  S1 mql_answered_in_6h               03-02 09:00 -> call 15:00                    6
#  S2 mql_answered_exactly_24h_met     03-03 10:00 -> 03-04 10:00                  24
#  S3 mql_answered_24h_1min_breach     03-05 08:00 -> 03-06 08:01         24 + 1/60
#  S4 mql_called_before_mql_then_..48h 03-10 09:00; call 08:00 before (ignored),
#                                       meeting 03-12 09:00                          48
#  S5 mql_never_called_breached        03-20 09:00, none
#  S6 mql_never_called_pending         03-31 08:00, none
#  S7 mql_no_owner_answered_in_2h..    03-25 14:00 -> 16:00 (by Lee, anyone counts)  2
#  S8 mql_on_last_evening_..after_end  03-31 20:00 -> 04-01 08:00                   12
#  (mql_before_period_owned_by_lee: MQL 02-27, outside P)
SLA_3MIN = 24 + 1 / 60


def test_sla_default_24h(tmp_path):
    m = metrics(load_sla(tmp_path), "2026-03-01", "2026-03-31")["metrics"]
    c = Check()
    c.values(m, {
        "mqls": 8,
        # responses sorted: 2, 6, 12, 24, 24.0167, 48 -> median (12 + 24) / 2 = 18
        "mql_response_hours_median": rate(18.0),
        # quantile_cont 0.9 over 6 values: position 0.9 x 5 = 4.5 -> halfway between
        # 24.0167 and 48 = (24 + 1/60 + 48) / 2 = 36.00833
        "mql_response_hours_p90": rate((SLA_3MIN + 48) / 2),
        # <= 24h: S1 6, S2 24 (exactly 24 is met), S7 2, S8 12 -> 4
        "sla_met": 4,
        # > 24h: S3 (24h01m), S4 (48h; the call before mql_at does not count);
        # no response and 03-20 09:00 + 24h < 04-01 00:00: S5 -> 3
        "sla_breaches": 3,
        # no response and 03-31 08:00 + 24h = 04-01 08:00 >= 04-01 00:00: S6 -> 1
        "sla_pending": 1,
        "sla_compliance": rate(4 / 7),
    })
    c.done()


def test_sla_hours_setting_moves_the_split(tmp_path):
    m = metrics(load_sla(tmp_path), "2026-03-01", "2026-03-31", sla_hours=48)["metrics"]
    c = Check()
    c.values(m, {
        # response times do not depend on sla_hours
        "mql_response_hours_median": rate(18.0),
        "mql_response_hours_p90": rate((SLA_3MIN + 48) / 2),
        # <= 48h: S1, S2, S3, S4 (exactly 48), S7, S8 -> 6
        "sla_met": 6,
        # S5: 03-20 09:00 + 48h = 03-22 09:00 < 04-01 00:00 -> breach
        "sla_breaches": 1,
        # S6: 03-31 08:00 + 48h = 04-02 08:00 >= 04-01 00:00 -> pending
        "sla_pending": 1,
        "sla_compliance": rate(6 / 7),
    })
    c.done()


def test_sla_as_of_moves_pending_and_breach(tmp_path):
    db = load_sla(tmp_path)
    c = Check()
    mid = metrics(db, "2026-03-01", "2026-03-31", as_of="2026-03-20")
    c.values(mid["period"], {"as_of": "2026-03-20"}, "period(as_of 03-20)")
    c.values(mid["metrics"], {
        # as_of_end = 03-21 00:00. Responses are not hidden by as_of, so met stays
        # S1, S2, S7, S8 -> 4 and breaches by time stay S3, S4 -> 2
        "sla_met": 4,
        "sla_breaches": 2,
        # S5: 03-20 09:00 + 24h = 03-21 09:00 >= 03-21 00:00 -> pending; S6 pending -> 2
        "sla_pending": 2,
        "sla_compliance": rate(4 / 6),
        "mqls": 8,
    }, "metrics(as_of 03-20)")
    late = metrics(db, "2026-03-01", "2026-03-31", as_of="2026-04-01")
    c.values(late["metrics"], {
        # as_of_end = 04-02 00:00: S6 03-31 08:00 + 24h = 04-01 08:00 < 04-02 -> breach
        "sla_met": 4,
        "sla_breaches": 4,   # S3, S4, S5, S6
        "sla_pending": 0,
        "sla_compliance": rate(4 / 8),
    }, "metrics(as_of 04-01)")
    c.done()


def test_sla_lead_owners_and_no_opportunity_owners(tmp_path):
    out = metrics(load_sla(tmp_path), "2026-03-01", "2026-03-31")
    c = Check()
    c.equal(out["by_owner"]["opportunity_owners"], [], "opportunity_owners (no deal closed)")
    rows = by_owner(out["by_owner"]["lead_owners"], "lead_owners", c)
    expected = {
        # Dana: S1 6h met, S2 24h met, S6 pending -> mqls 3, met 2, breaches 0,
        #       median of (6, 24) = 15
        "Dana Reyes": {"mqls": 3, "sla_met": 2, "sla_breaches": 0,
                       "mql_response_hours_median": rate(15.0)},
        # Sam: S3 24h01m breach, S4 48h breach, S8 12h met -> median of (12, 24.0167, 48)
        "Sam Ortiz": {"mqls": 3, "sla_met": 1, "sla_breaches": 2,
                      "mql_response_hours_median": rate(SLA_3MIN)},
        # no owner: S5 breach (no response), S7 2h met -> median 2
        "(none)": {"mqls": 2, "sla_met": 1, "sla_breaches": 1,
                   "mql_response_hours_median": rate(2.0)},
        # Lee Chan owns only an MQL before P -> not listed
    }
    c.equal(sorted(rows, key=str), sorted(expected), "lead owners listed")
    for name, exp in expected.items():
        if name in rows:
            c.values(rows[name], exp, f"lead_owners[{name}]")
    c.done()


# =========================================================================== goal_forecast
# P = 2026-01-17..2026-02-10 = 15 days of January + 10 days of February = 25 days.
# T = 2025-07-21..2026-01-16. In T:
#   leads created: 7 (trailing_*), with mql: 4 -> lead_to_mql(T) = 4/7
#   mqls: 4, with sql: 3                          -> mql_to_sql(T) = 3/4
#   sqls: 3, linked to an opp: 2 (won leads a, b) -> sql_to_opp(T) = 2/3
#   won: 3000 (11-15), 4000 (12-01), 5000 (12-20) -> avg_deal_size(T) = 4000
#   lost: 07-21 (T's first day), 01-16 (T's last day) -> win_rate(T) = 3/5 = 0.6
#   (the lead/mql and the won 50000 / lost deals dated 2025-07-20 are outside T)
# In P: won 6000 (01-17) + 4000 (02-05) = 10000, no lost deal;
#   open with close in P: 5000 prob 40 (02-01), 9000 prob missing (02-10);
#   7000 prob 90 closes 02-11, after end.
GOAL_P_VALUE = 31000 * 15 / 31 + 28000 * 10 / 28   # = 15000 + 10000 = 25000


def test_goal_prorated_over_two_months_and_pace(tmp_path):
    m = metrics(load_goal(tmp_path), *GOAL_P)["metrics"]
    c = Check()
    c.values(m, {
        "won_deals": 2,
        "won_revenue": money(10000),
        "opps_created": 4,                 # created 01-18, 01-19, 01-19, 01-20
        "pipeline_created": money(25000),  # 5000 + 9000 + 7000 + 4000
        # 31000 x 15/31 + 28000 x 10/28 = 15000 + 10000 (Dec and Mar goals add nothing)
        "revenue_goal": money(GOAL_P_VALUE),
        "goal_attainment": rate(10000 / 25000),
        # as_of = end: 25/25
        "elapsed_share": rate(1.0),
        "expected_to_date": money(25000),
        "pace_gap": money(10000 - 25000),
    })
    c.done()


def test_goal_elapsed_share_follows_as_of(tmp_path):
    db = load_goal(tmp_path)
    c = Check()
    mid = metrics(db, *GOAL_P, as_of="2026-01-26")["metrics"]
    c.values(mid, {
        # 01-17..01-26 inclusive = 10 days of 25
        "elapsed_share": rate(10 / 25),
        "expected_to_date": money(25000 * 0.4),    # 10000
        "pace_gap": money(10000 - 10000),          # 0
        # as_of hides nothing: both won deals still count (the 02-05 one is after as_of)
        "won_revenue": money(10000),
        "revenue_goal": money(25000),
    }, "as_of 2026-01-26")
    before = metrics(db, *GOAL_P, as_of="2026-01-10")["metrics"]
    c.values(before, {
        # 01-17..01-10 is -6 days -> clamped to 0
        "elapsed_share": rate(0.0),
        "expected_to_date": money(0),
        "pace_gap": money(10000),
    }, "as_of 2026-01-10 (before start)")
    after = metrics(db, *GOAL_P, as_of="2026-03-15")["metrics"]
    c.values(after, {
        # min(as_of, end) = end -> 25/25
        "elapsed_share": rate(1.0),
        "expected_to_date": money(25000),
    }, "as_of 2026-03-15 (after end)")
    c.done()


def test_goal_flag_overrides_monthly_goals(tmp_path):
    m = metrics(load_goal(tmp_path), *GOAL_P, goal=41000)["metrics"]
    c = Check()
    c.values(m, {
        "revenue_goal": money(41000),
        "goal_attainment": rate(10000 / 41000),
        "expected_to_date": money(41000),
        "pace_gap": money(10000 - 41000),
        # remaining 31000: 31000/4000 = 7.75 -> 8; /0.6 = 12.9167 -> 13;
        # /(2/3) = 19.375 -> 20; /(3/4) = 25.8333 -> 26; /(4/7) = 45.2083 -> 46
        "required_won_deals": 8,
        "required_opps": 13,
        "required_sqls": 20,
        "required_mqls": 26,
        "required_leads": 46,
    })
    c.done()


def test_weighted_pipeline_missing_probability_uses_trailing_win_rate(tmp_path):
    m = metrics(load_goal(tmp_path), *GOAL_P)["metrics"]
    c = Check()
    c.values(m, {
        # open, close in P: 5000 + 9000 (the 7000 closing 02-11 is outside)
        "open_pipeline": money(14000),
        # 5000 x 40/100 + 9000 x win_rate(T) 0.6 = 2000 + 5400
        "weighted_pipeline": money(7400),
        # 10000 + 7400
        "forecast": money(17400),
        # P's own win rate is 2/2 and must not be the one used above
        "win_rate": rate(1.0),
    })
    c.done()


def test_reverse_funnel_rounds_up_from_unrounded_trailing_chain(tmp_path):
    m = metrics(load_goal(tmp_path), *GOAL_P)["metrics"]
    c = Check()
    c.values(m, {
        # remaining = 25000 - 10000 = 15000
        "required_won_deals": 4,   # 15000 / 4000 = 3.75 -> 4
        "required_opps": 7,        # 3.75 / 0.6 = 6.25 -> 7
        "required_sqls": 10,       # 6.25 / (2/3) = 9.375 -> 10 (from rounded 7: 10.5 -> 11)
        "required_mqls": 13,       # 9.375 / (3/4) = 12.5 -> 13
        "required_leads": 22,      # 12.5 / (4/7) = 21.875 -> 22
    })
    c.done()


def test_reverse_funnel_zero_when_goal_already_met(tmp_path):
    m = metrics(load_goal(tmp_path), *GOAL_P, goal=9000)["metrics"]
    c = Check()
    # remaining = max(9000 - 10000, 0) = 0 -> all 0 (even though T's rates are fine)
    c.values(m, {k: 0 for k in ("required_won_deals", "required_opps", "required_sqls",
                                "required_mqls", "required_leads")})
    c.values(m, {"goal_attainment": rate(10000 / 9000)})
    c.done()


def test_rates_null_when_denominator_zero(tmp_path):
    m = metrics(load_goal(tmp_path), *GOAL_P)["metrics"]
    c = Check()
    c.values(m, {
        # no lead created / mql / sql in P and no spend at all
        "leads_created": 0, "mqls": 0, "sqls": 0,
        "lead_to_mql_rate": None, "mql_to_sql_rate": None, "sql_to_opp_rate": None,
        "spend": money(0),
        "cost_per_lead": None,    # 0 / 0
        "cost_per_mql": None,     # 0 / 0
        "marketing_cac": money(0),  # 0 / 2 won deals
        "sla_met": 0, "sla_breaches": 0, "sla_pending": 0,
        "sla_compliance": None,   # 0 / (0 + 0)
    })
    c.done()


# =========================================================================== reverse_zero_rate
# T (for April 2026) = 2025-10-03..2026-03-31: won 2000, lost 2 -> avg 2000, win_rate 1/3;
# 2 SQLs, neither linked to an opportunity -> sql_to_opp_rate(T) = 0.

def test_zero_trailing_rate_gives_null_from_that_step_on(tmp_path):
    db = tmp_path / "rz.duckdb"
    ingest(db, "reverse_zero_rate/leads.csv", "reverse_zero_rate/opportunities.csv")
    m = metrics(db, "2026-04-01", "2026-04-30", goal=5000)["metrics"]
    c = Check()
    c.values(m, {
        "won_revenue": money(0),
        "win_rate": None,            # nothing closed in P
        "avg_deal_size": None,       # 0 won deals
        "sales_cycle_days": None,    # median over no deal
        # remaining = 5000 - 0
        "required_won_deals": 3,     # 5000 / 2000 = 2.5 -> 3
        "required_opps": 8,          # 2.5 / (1/3) = 7.5 -> 8
        "required_sqls": None,       # sql_to_opp_rate(T) = 0 -> null from here on
        "required_mqls": None,
        "required_leads": None,
        # open 4500 closing 04-20 without probability -> 4500 x win_rate(T) 1/3 = 1500
        "open_pipeline": money(4500),
        "weighted_pipeline": money(1500),
        "forecast": money(1500),
    })
    c.done()


def test_no_trailing_history_gives_all_null_and_zero_weight(tmp_path):
    db = tmp_path / "rz.duckdb"
    ingest(db, "reverse_zero_rate/leads.csv", "reverse_zero_rate/opportunities.csv")
    m = metrics(db, "2030-01-01", "2030-01-31", goal=1000)["metrics"]
    c = Check()
    c.values(m, {
        # T = 2029-07-05..2029-12-31 has no closed deal: avg_deal_size(T) null -> all null
        "required_won_deals": None, "required_opps": None, "required_sqls": None,
        "required_mqls": None, "required_leads": None,
        # open 3000 closing 2030-01-15 without probability; win_rate(T) null -> counts 0
        "open_pipeline": money(3000),
        "weighted_pipeline": money(0),
        "forecast": money(0),
    })
    c.done()


# =========================================================================== attribution
# P = May 2026; won deals and their qualifying touches (touched_at <= opp created_at),
# in time order (ties: channel, then campaign, code-point order):
#  AT-1  1000 created 04-10 09:00: origin Paid Search/brand_kw 04-01 09:00            (1)
#  AT-2  2000 created 04-12 10:00: Email/nurture_a 04-02 10:00 (d=10),
#        Webinar/webinar_apr 04-12 10:00 (d=0, at created_at counts);
#        Paid Social 04-12 10:01 excluded; lead has no source                       (2)
#  AT-3 10000 created 04-05 00:00: origin Organic/(none) 03-01 00:00 (d=35),
#        Email/nurture_b 03-15 12:00 (d=20.5), Webinar/webinar_mar 03-22 (d=14),
#        Paid Search/generic_kw 03-29 (d=7); Events 04-06 excluded                   (4)
#  AT-4  3000 created 04-20 10:00: three touches at 04-15 10:00 -> order
#        Email/Zeta_promo, Email/alpha_nurture, Webinar/spring_series (d=5 each)      (3)
#  AT-5  4000 unlinked                                        -> (none)
#  AT-6   500 lead with empty source and no touches            -> (none)
#  (AT-7 lost, AT-8 won 04-28: no credit in May)
# won_revenue = 1000 + 2000 + 10000 + 3000 + 4000 + 500 = 20500
WON_MAY = 20500

# time decay weights 2^(-d/7)
_W2 = 2 ** (-10 / 7)                                     # AT-2 Email (Webinar weight 1)
_W3 = {"Organic": 2 ** (-35 / 7), "Email": 2 ** (-20.5 / 7),
       "Webinar": 2 ** (-14 / 7), "Paid Search": 2 ** (-7 / 7)}
_S3 = sum(_W3.values())                                  # 1/32 + 0.13134 + 1/4 + 1/2

EXPECTED_ATTRIBUTION = {
    "first_touch": {
        # AT-1 Paid Search, AT-2 Email, AT-3 Organic, AT-4 Email (Zeta_promo), (none) 4500
        "by_channel": {"Paid Search": 1000, "Email": 2000 + 3000, "Organic": 10000,
                       "(none)": 4500},
        # AT-3's origin touch has no campaign -> (none): 10000 + 4500
        "by_campaign": {"brand_kw": 1000, "nurture_a": 2000, "Zeta_promo": 3000,
                        "(none)": 10000 + 4500},
    },
    "last_touch": {
        # AT-1 Paid Search, AT-2 Webinar, AT-3 Paid Search, AT-4 Webinar (spring_series)
        "by_channel": {"Paid Search": 1000 + 10000, "Webinar": 2000 + 3000, "(none)": 4500},
        "by_campaign": {"brand_kw": 1000, "webinar_apr": 2000, "generic_kw": 10000,
                        "spring_series": 3000, "(none)": 4500},
    },
    "linear": {
        # AT-2 1000 each; AT-3 2500 each; AT-4 1000 each
        "by_channel": {"Paid Search": 1000 + 2500, "Email": 1000 + 2500 + 2000,
                       "Webinar": 1000 + 2500 + 1000, "Organic": 2500, "(none)": 4500},
        "by_campaign": {"brand_kw": 1000, "nurture_a": 1000, "webinar_apr": 1000,
                        "nurture_b": 2500, "webinar_mar": 2500, "generic_kw": 2500,
                        "Zeta_promo": 1000, "alpha_nurture": 1000, "spring_series": 1000,
                        "(none)": 2500 + 4500},
    },
    "u_shaped": {
        # AT-2 50/50; AT-3 40% Organic 4000, 10% Email 1000, 10% Webinar 1000,
        # 40% Paid Search 4000; AT-4 40% Zeta_promo 1200, 20% alpha_nurture 600,
        # 40% spring_series 1200
        "by_channel": {"Paid Search": 1000 + 4000, "Email": 1000 + 1000 + 1200 + 600,
                       "Webinar": 1000 + 1000 + 1200, "Organic": 4000, "(none)": 4500},
        "by_campaign": {"brand_kw": 1000, "nurture_a": 1000, "webinar_apr": 1000,
                        "nurture_b": 1000, "webinar_mar": 1000, "generic_kw": 4000,
                        "Zeta_promo": 1200, "alpha_nurture": 600, "spring_series": 1200,
                        "(none)": 4000 + 4500},
    },
    "time_decay": {
        # AT-2: Email 2000 w/(w+1) ~ 541.74, Webinar 2000/(w+1) ~ 1458.26 (w = 2^(-10/7));
        # AT-3: 10000 x w_i / S ~ Organic 342.43, Email 1439.24, Webinar 2739.44,
        #       Paid Search 5478.88; AT-4 equal weights (all d = 5) -> 1000 each
        "by_channel": {
            "Paid Search": 1000 + 10000 * _W3["Paid Search"] / _S3,
            "Email": 2000 * _W2 / (_W2 + 1) + 10000 * _W3["Email"] / _S3 + 2000,
            "Webinar": 2000 * 1 / (_W2 + 1) + 10000 * _W3["Webinar"] / _S3 + 1000,
            "Organic": 10000 * _W3["Organic"] / _S3,
            "(none)": 4500},
        "by_campaign": {
            "brand_kw": 1000,
            "nurture_a": 2000 * _W2 / (_W2 + 1),
            "webinar_apr": 2000 / (_W2 + 1),
            "nurture_b": 10000 * _W3["Email"] / _S3,
            "webinar_mar": 10000 * _W3["Webinar"] / _S3,
            "generic_kw": 10000 * _W3["Paid Search"] / _S3,
            "Zeta_promo": 1000, "alpha_nurture": 1000, "spring_series": 1000,
            "(none)": 10000 * _W3["Organic"] / _S3 + 4500},
    },
}


def test_expected_attribution_tables_add_up():
    """Guards the hand-worked tables themselves (no CLI involved)."""
    for model, maps in EXPECTED_ATTRIBUTION.items():
        for name, table in maps.items():
            assert sum(table.values()) == pytest.approx(WON_MAY, rel=1e-12), (model, name)


@pytest.mark.parametrize("model", MODELS)
def test_attribution_model(tmp_path, model):
    out = attr(tmp_path)
    c = Check()
    c.values(out["metrics"], {"won_deals": 6, "won_revenue": money(WON_MAY)})
    got = out["attribution"].get(model)
    if not isinstance(got, dict):
        c.errors.append(f"attribution.{model}: missing")
        c.done()
    for name in ("by_channel", "by_campaign"):
        exp = {k: money(v) for k, v in EXPECTED_ATTRIBUTION[model][name].items()}
        c.credit_map(got.get(name), exp, f"attribution.{model}.{name}")
        if isinstance(got.get(name), dict):
            # every model's credits add up to won_revenue (cents rounding tolerated)
            total = sum(got[name].values())
            tol = 0.005 * max(1, len(got[name]))
            if abs(total - WON_MAY) > tol:
                c.errors.append(f"attribution.{model}.{name}: sums to {total}, not {WON_MAY}")
    c.done()


def test_attribution_roi(tmp_path):
    out = attr(tmp_path)
    c = Check()
    c.values(out["metrics"], {
        # May rows: 1000 + 1100 + 400 + 750 (04-30 300 and 06-01 999 outside)
        "spend": money(3250),
        "marketing_cac": money(3250 / 6),
    })
    # linear credit / spend in P; Organic and Webinar have credit but no spend in P -> absent
    c.credit_map(out["roi"], {
        "Paid Search": rate(3500 / 1750),   # 2.0
        "Email": rate(5500 / 1100),         # 5.0
        "Paid Social": rate(0 / 400),       # 0.0: spend, no credit
    }, "roi", keep_zeros=True)
    c.done()


def test_attribution_story_influence_counts_origin_touch(tmp_path):
    m = attr(tmp_path)["metrics"]
    c = Check()
    # won deals whose lead has a touch dated <= close date: AT-1 (its origin touch 04-01 is
    # a touch of the lead) 1000, AT-2 2000, AT-3 10000, AT-4 3000; AT-5 unlinked,
    # AT-6 no touch at all -> 16000
    c.values(m, {"marketing_influenced_revenue": money(16000)})
    c.done()


# =========================================================================== JSON shape
def test_counts_are_json_integers(tmp_path):
    """Counts and required_* are whole numbers in the contract; they should be JSON ints."""
    m = metrics(load_goal(tmp_path), *GOAL_P)["metrics"]
    bad = {k: m.get(k) for k in ("leads_created", "mqls", "sqls", "opps_created", "won_deals",
                                 "lost_deals", "sla_met", "sla_breaches", "sla_pending",
                                 "required_won_deals", "required_opps", "required_sqls",
                                 "required_mqls", "required_leads")
           if not (isinstance(m.get(k), int) and not isinstance(m.get(k), bool))}
    assert not bad, f"not JSON integers: {bad}"
