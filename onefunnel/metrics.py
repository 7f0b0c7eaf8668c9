"""The metrics document of METRICS.md ("CLI JSON"), assembled from the named queries."""

from __future__ import annotations

import datetime as dt
import math

from onefunnel.db import get_setting
from onefunnel.queries import run_rows

MODELS = ["first_touch", "last_touch", "linear", "u_shaped", "time_decay"]
CONTRACT_KEYS = [
    "leads_created", "mqls", "sqls", "opps_created", "pipeline_created", "won_deals", "won_revenue",
    "lost_deals", "lead_to_mql_rate", "mql_to_sql_rate", "sql_to_opp_rate", "win_rate", "avg_deal_size",
    "sales_cycle_days", "mql_response_hours_median", "mql_response_hours_p90", "sla_met", "sla_breaches",
    "sla_pending", "sla_compliance", "marketing_sourced_pipeline", "marketing_sourced_revenue",
    "marketing_influenced_revenue", "revenue_goal", "goal_attainment", "elapsed_share",
    "expected_to_date", "pace_gap", "open_pipeline", "weighted_pipeline", "forecast",
    "required_won_deals", "required_opps", "required_sqls", "required_mqls", "required_leads",
    "spend", "cost_per_lead", "cost_per_mql", "marketing_cac",
]


def period_params(con, start: dt.date, end: dt.date, as_of: dt.date | None = None,
                  sla_hours: float | None = None, goal: float | None = None) -> dict:
    """The parameters every period query takes, with the workspace's defaults filled in."""
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    return {
        "start": start, "end": end, "as_of": as_of or end,
        "sla_hours": float(sla_hours if sla_hours is not None else get_setting(con, "sla_hours", 24)),
        "goal": goal,
    }


def _clean(value):
    """Plain JSON numbers: NaN/inf become null, Decimal and numpy types become float/int."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    try:
        f = float(value)
    except (TypeError, ValueError):
        return value
    return None if math.isnan(f) or math.isinf(f) else f


def period_metrics(con, **params) -> dict:
    """All scalar metrics of the period (contract keys plus a few context keys for pages)."""
    row = run_rows(con, "period_metrics", **params)[0]
    return {k: _clean(v) for k, v in row.items()}


def attribution_and_roi(con, start, end) -> tuple[dict, dict]:
    """The `attribution` maps (credit by channel and by campaign per model) and the `roi` map."""
    attribution = {m: {"by_channel": {}, "by_campaign": {}} for m in MODELS}
    roi = {}
    for row in run_rows(con, "attribution_summary", start=start, end=end):
        dim = "by_" + row["dimension"]
        for m in MODELS:
            credit = _clean(row[m])
            if credit:
                attribution[m][dim][row["name"]] = round(credit, 6)
        if row["dimension"] == "channel" and row["spend"] is not None:
            roi[row["name"]] = _clean(row["roi"])
    return attribution, roi


def metrics_document(con, start: dt.date, end: dt.date, as_of: dt.date | None = None,
                     sla_hours: float | None = None, goal: float | None = None) -> dict:
    """The JSON object `python -m onefunnel metrics --json` prints (METRICS.md, "CLI JSON")."""
    params = period_params(con, start, end, as_of, sla_hours, goal)
    scalars = period_metrics(con, **params)
    opp_owners = run_rows(con, "owners_opportunities", **params)
    lead_owners = run_rows(con, "owners_leads", **params)
    attribution, roi = attribution_and_roi(con, start, end)
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat(), "as_of": params["as_of"].isoformat()},
        "metrics": {k: scalars[k] for k in CONTRACT_KEYS},
        "attribution": attribution,
        "roi": roi,
        "by_owner": {
            "opportunity_owners": [
                {k: _clean(r[k]) if k != "owner" else r[k] for k in ("owner", "won_deals", "won_revenue", "win_rate")}
                for r in opp_owners],
            "lead_owners": [
                {k: _clean(r[k]) if k != "owner" else r[k]
                 for k in ("owner", "mqls", "sla_met", "sla_breaches", "mql_response_hours_median")}
                for r in lead_owners],
        },
    }
