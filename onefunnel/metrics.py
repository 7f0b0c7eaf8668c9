"""The metrics document of METRICS.md ("CLI JSON"): the period's measures from the metrics layer
(onefunnel/layer.py), attribution and roi, the owners, and with options a comparison and a breakdown."""

from __future__ import annotations

import datetime as dt

from onefunnel import layer
from onefunnel.db import get_setting
from onefunnel.periods import comparison
from onefunnel.queries import run_rows

MODELS = ["first_touch", "last_touch", "linear", "u_shaped", "time_decay"]
CONTRACT_KEYS = layer.names(cli=True)
OPPORTUNITY_OWNER_KEYS = ["won_deals", "won_revenue", "win_rate", "quota", "quota_attainment"]
LEAD_OWNER_KEYS = ["mqls", "sla_met", "sla_breaches", "mql_response_hours_median"]


def attribution_and_roi(con, start, end) -> tuple[dict, dict]:
    """The `attribution` maps (credit by channel and by campaign per model) and the `roi` map."""
    attribution = {m: {"by_channel": {}, "by_campaign": {}} for m in MODELS}
    roi = {}
    for row in run_rows(con, "attribution_summary", start=start, end=end):
        dim = "by_" + row["dimension"]
        for m in MODELS:
            credit = layer._clean(row[m])
            if credit:
                attribution[m][dim][row["name"]] = round(credit, 6)
        if row["dimension"] == "channel" and row["spend"] is not None:
            roi[row["name"]] = layer._clean(row["roi"])
    return attribution, roi


def owners(con, start, end, as_of=None, sla_hours=None) -> dict:
    """METRICS.md "By owner": opportunity owners with a deal closed in P (with quota), lead owners with
    an MQL in P."""
    opp = layer.by(con, OPPORTUNITY_OWNER_KEYS + ["lost_deals"], "owner", start, end, as_of, sla_hours)
    opp = sorted((r for r in opp if r["won_deals"] + r["lost_deals"] > 0),
                 key=lambda r: (-r["won_revenue"], r["value"]))
    leads = layer.by(con, LEAD_OWNER_KEYS, "owner", start, end, as_of, sla_hours)
    leads = sorted((r for r in leads if r["mqls"] > 0), key=lambda r: (-r["mqls"], r["value"]))
    return {
        "opportunity_owners": [{"owner": r["value"], **{k: r[k] for k in OPPORTUNITY_OWNER_KEYS}} for r in opp],
        "lead_owners": [{"owner": r["value"], **{k: r[k] for k in LEAD_OWNER_KEYS}} for r in leads],
    }


REP_MEASURES = ["mqls", "mql_response_hours_median", "mql_response_hours_p90", "sla_met", "sla_breaches",
                "sla_pending", "sla_compliance", "sqls", "sql_to_opp_rate", "won_deals", "lost_deals", "win_rate",
                "won_revenue", "avg_deal_size", "sales_cycle_days"]


def rep_scorecard(con, start, end, as_of=None, sla_hours=None) -> list[dict]:
    """The Sales page's per-rep table: the measures of REP_MEASURES by owner (a lead owner for MQLs and
    SQLs, an opportunity owner for deals), for reps with an MQL, an SQL or a closed deal in P; rows by
    won revenue, then MQLs, then name."""
    rows = layer.by(con, REP_MEASURES, "owner", start, end, as_of, sla_hours)
    rows = [{"owner": r.pop("value"), **r} for r in rows if r["mqls"] or r["sqls"] or r["won_deals"] or r["lost_deals"]]
    return sorted(rows, key=lambda r: (-r["won_revenue"], -r["mqls"], r["owner"]))


MARKETING_MEASURES = ["leads_created", "mqls", "lead_to_mql_rate", "mql_to_sql_rate", "spend", "cost_per_lead",
                      "cost_per_mql", "marketing_sourced_pipeline", "marketing_sourced_revenue", "spend_lines"]
QUALITY_MEASURES = ["mqls", "mqls_became_sql", "mqls_rejected", "mqls_won", "mqls_undecided", "mql_to_sql_rate",
                    "mql_rejected_rate", "mql_won_rate"]


def marketing_scorecard(con, dimension: str, start, end) -> list[dict]:
    """The Marketing page's table per channel (or channel · campaign): MARKETING_MEASURES for values with
    leads, MQLs, sourced amounts or cost lines in P; spend and costs are None where no cost line was
    uploaded (has_spend false). Rows by leads, then MQLs, then value."""
    rows = []
    for r in layer.by(con, MARKETING_MEASURES, dimension, start, end):
        r["has_spend"] = r.pop("spend_lines") > 0
        if not r["has_spend"]:
            r["spend"] = r["cost_per_lead"] = r["cost_per_mql"] = None
        if r["leads_created"] or r["mqls"] or r["marketing_sourced_pipeline"] or r["marketing_sourced_revenue"] \
                or r["has_spend"]:
            rows.append(r)
    return sorted(rows, key=lambda r: (-r["leads_created"], -r["mqls"], str(r["value"])))


def lead_quality(con, dimension: str, start, end) -> list[dict]:
    """Sales' verdict on the MQLs of P per channel (or channel · campaign): QUALITY_MEASURES for values
    with an MQL in P, by MQLs then value."""
    rows = [r for r in layer.by(con, QUALITY_MEASURES, dimension, start, end) if r["mqls"]]
    return sorted(rows, key=lambda r: (-r["mqls"], str(r["value"])))


def metrics_document(con, start: dt.date, end: dt.date, as_of: dt.date | None = None,
                     sla_hours: float | None = None, goal: float | None = None,
                     compare: str | None = None, by: str | None = None) -> dict:
    """The JSON object `python -m onefunnel metrics --json` prints (METRICS.md, "CLI JSON")."""
    p = layer.params(con, start, end, as_of, sla_hours, goal)
    attribution, roi = attribution_and_roi(con, start, end)
    doc = {
        "period": {"start": start.isoformat(), "end": end.isoformat(), "as_of": p["as_of"].isoformat()},
        "metrics": layer.values(con, CONTRACT_KEYS, start, end, p["as_of"], p["sla_hours"], goal),
        "attribution": attribution,
        "roi": roi,
        "by_owner": owners(con, start, end, p["as_of"], p["sla_hours"]),
    }
    if compare:
        fy = int(get_setting(con, "fiscal_year_start_month", 1))
        c = comparison(start, end, p["as_of"], compare, fy)
        doc["comparison"] = {
            "period": {"start": c.start.isoformat(), "end": c.end.isoformat(), "as_of": c.as_of.isoformat()},
            "metrics": layer.values(con, CONTRACT_KEYS, c.start, c.end, c.as_of, p["sla_hours"]),
        }
    if by:
        doc["by"] = {"dimension": by, "rows": layer.breakdown(con, by, start, end, p["as_of"], p["sla_hours"])}
    return doc
