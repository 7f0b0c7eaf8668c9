"""The common language in words: every metric's label, definition, owner team and format.

The SQL in queries/ computes each number; this module says in one place what it means
(following ../shared/METRICS.md) so every page can show the definition next to the number.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    definition: str
    owner: str          # marketing | sales | shared
    fmt: str            # int | money | pct | hours | days | ratio | share


_M = [
    # Volume
    ("leads_created", "Leads", "Leads (people) whose created date is in the period. One person is one lead across systems (matched by email).", "marketing", "int"),
    ("mqls", "MQLs", "Leads whose MQL date is in the period.", "marketing", "int"),
    ("sqls", "SQLs", "Leads whose SQL date is in the period.", "sales", "int"),
    ("opps_created", "Opportunities", "Opportunities created in the period.", "sales", "int"),
    ("pipeline_created", "Pipeline created", "Sum of the amounts of the opportunities created in the period.", "sales", "money"),
    ("won_deals", "Won deals", "Opportunities won with a close date in the period.", "shared", "int"),
    ("won_revenue", "Won revenue", "Sum of the amounts of the deals won in the period.", "shared", "money"),
    ("lost_deals", "Lost deals", "Opportunities closed and not won, with a close date in the period.", "sales", "int"),
    # Conversion
    ("lead_to_mql_rate", "Lead → MQL", "Of the leads created in the period, the share that became an MQL (at any time).", "marketing", "pct"),
    ("mql_to_sql_rate", "MQL → SQL", "Of the leads that became MQL in the period, the share that became an SQL (at any time, even after the period).", "shared", "pct"),
    ("sql_to_opp_rate", "SQL → Opportunity", "Of the leads that became SQL in the period, the share linked to at least one opportunity.", "sales", "pct"),
    ("win_rate", "Win rate", "Won deals / (won + lost deals) closed in the period.", "sales", "pct"),
    ("avg_deal_size", "Average deal", "Won revenue / won deals.", "sales", "money"),
    ("sales_cycle_days", "Sales cycle", "Median days from an opportunity's creation to its close, over deals won in the period.", "sales", "days"),
    # SLA
    ("mql_response_hours_median", "Response time (median)", "Median hours from the MQL date to the first sales activity on the lead at or after it, over MQLs of the period that have one.", "sales", "hours"),
    ("mql_response_hours_p90", "Response time (90th pct)", "90th percentile of the same response times (linear interpolation).", "sales", "hours"),
    ("sla_met", "SLA met", "MQLs of the period answered within the SLA hours.", "sales", "int"),
    ("sla_breaches", "SLA breached", "MQLs of the period answered later than the SLA, or not answered and already past the SLA at the as-of day's end.", "sales", "int"),
    ("sla_pending", "SLA pending", "MQLs of the period not answered yet and still within the SLA at the as-of day's end.", "sales", "int"),
    ("sla_compliance", "SLA compliance", "SLA met / (met + breached).", "sales", "pct"),
    # Sourcing, goal, forecast
    ("marketing_sourced_pipeline", "Marketing-sourced pipeline", "Amount of the opportunities created in the period whose lead was an MQL on or before the opportunity's creation.", "marketing", "money"),
    ("marketing_sourced_revenue", "Marketing-sourced revenue", "Won revenue of the period whose lead was an MQL on or before the opportunity's creation.", "marketing", "money"),
    ("sales_sourced_revenue", "Sales-sourced revenue", "Won revenue − marketing-sourced revenue: won deals whose lead was not an MQL on or before the opportunity's creation, or that have no linked lead.", "sales", "money"),
    ("sales_sourced_pipeline", "Sales-sourced pipeline", "Pipeline created − marketing-sourced pipeline: opportunities created in the period whose lead was not an MQL on or before their creation, or that have no linked lead.", "sales", "money"),
    ("marketing_influenced_revenue", "Marketing-influenced revenue", "Won revenue of the period whose lead had a marketing touch on or before the close date.", "marketing", "money"),
    ("revenue_goal", "Revenue goal", "Sum over months of the monthly goal × (days of the month in the period / days in the month).", "shared", "money"),
    ("goal_attainment", "Attainment", "Won revenue / revenue goal.", "shared", "pct"),
    ("elapsed_share", "Period elapsed", "Days from the start to the as-of day (inclusive) / days in the period.", "shared", "pct"),
    ("expected_to_date", "Expected to date", "Revenue goal × share of the period elapsed.", "shared", "money"),
    ("pace_gap", "Pace gap", "Won revenue − expected to date: above zero is ahead of pace.", "shared", "money"),
    ("open_pipeline", "Open pipeline", "Amount of open opportunities with a close date in the period.", "sales", "money"),
    ("weighted_pipeline", "Weighted pipeline", "Open pipeline × probability; a missing probability counts as the trailing 180 days' win rate.", "sales", "money"),
    ("forecast", "Forecast", "Won revenue + weighted pipeline.", "shared", "money"),
    # Reverse funnel
    ("required_won_deals", "Won deals needed", "Remaining to goal / average deal of the trailing 180 days, rounded up.", "shared", "int"),
    ("required_opps", "Opportunities needed", "Won deals needed / trailing win rate, rounded up.", "sales", "int"),
    ("required_sqls", "SQLs needed", "Opportunities needed / trailing SQL → opportunity rate, rounded up.", "sales", "int"),
    ("required_mqls", "MQLs needed", "SQLs needed / trailing MQL → SQL rate, rounded up.", "marketing", "int"),
    ("required_leads", "Leads needed", "MQLs needed / trailing lead → MQL rate, rounded up.", "marketing", "int"),
    # Spend
    ("spend", "Spend", "Sum of ad and marketing cost dated in the period.", "marketing", "money"),
    ("cost_per_lead", "Cost per lead", "Spend / leads created.", "marketing", "money"),
    ("cost_per_mql", "Cost per MQL", "Spend / MQLs.", "marketing", "money"),
    ("marketing_cac", "Marketing CAC", "Spend / won deals.", "marketing", "money"),
    ("roi", "ROI", "A channel's linear attributed revenue / its spend in the period.", "marketing", "ratio"),
]

METRICS: dict[str, Metric] = {k: Metric(k, label, d, owner, fmt) for k, label, d, owner, fmt in _M}

STAGES = [
    ("Lead", "A person who entered the funnel (a contact or lead in any system), counted by creation date."),
    ("MQL", "Marketing qualified lead: a lead with an MQL date (from the export's date column, never from a label)."),
    ("SQL", "Sales qualified lead: sales accepted the lead (SQL date)."),
    ("Opportunity", "A deal in the CRM, linked to its lead by contact id or email."),
    ("Won", "An opportunity marked won (its export's Won flag, or a stage the stage map calls won)."),
]

ATTRIBUTION_MODELS = {
    "first_touch": ("First touch", "100% of a won deal's amount to the first qualifying touch."),
    "last_touch": ("Last touch", "100% to the last touch on or before the opportunity was created."),
    "linear": ("Linear", "Equal shares to every qualifying touch."),
    "u_shaped": ("U-shaped", "40% first, 40% last, 20% split among the touches between (50/50 for two)."),
    "time_decay": ("Time decay", "Weight 2^(−days before the opportunity / 7): a touch a week older counts half."),
}


def help_text(key: str) -> str:
    m = METRICS[key]
    return f"{m.definition} Owner: {m.owner}."
