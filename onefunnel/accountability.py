"""Accountability: which team owns each stage and metric, and whether a metric is on track.

The status rule is written once here (and shown next to every status on the Ownership page):

- higher is better: **on track** when actual >= target; **at risk** when actual is below target
  but within 10% of it (actual >= 0.9 x target); **off track** below that.
- lower is better (response hours, cost per lead, sales cycle, breaches ...): **on track** when
  actual <= target; **at risk** up to 10% above it (actual <= 1.1 x target); **off track** above.
- a volume (a count or a sum of amounts, e.g. won revenue) is judged against its target x the
  share of the period elapsed at as_of (METRICS.md elapsed_share) while the period is running,
  so a quarter half gone is compared with half its target. Rates are never pro-rated.
- won revenue without a target of its own uses the revenue goal of the period (the goals table).
- no target -> "no target"; no actual (a rate with a zero denominator) -> "no data".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from onefunnel.definitions import METRICS

AT_RISK_BAND = 0.10

ON_TRACK, AT_RISK, OFF_TRACK, NO_TARGET, NO_DATA = "on track", "at risk", "off track", "no target", "no data"
STATUS_ORDER = [OFF_TRACK, AT_RISK, ON_TRACK, NO_DATA, NO_TARGET]

# Metrics where a smaller number is the better one.
LOWER_IS_BETTER = frozenset({
    "mql_response_hours_median", "mql_response_hours_p90", "sla_breaches", "sla_pending", "lost_deals",
    "sales_cycle_days", "cost_per_lead", "cost_per_mql", "marketing_cac",
})

# Volumes that grow through the period (their targets are pro-rated by elapsed_share).
ADDITIVE = frozenset({
    "leads_created", "mqls", "sqls", "opps_created", "pipeline_created", "won_deals", "won_revenue",
    "lost_deals", "sla_met", "sla_breaches", "marketing_sourced_pipeline", "marketing_sourced_revenue",
    "marketing_influenced_revenue",
})

JOURNEY = ["Lead", "MQL", "SQL", "Opportunity", "Won"]

# The metrics shown under each stage of the journey (and in the accountability table, in order).
STAGE_METRICS: dict[str, list[str]] = {
    "Lead": ["leads_created", "lead_to_mql_rate", "cost_per_lead"],
    "MQL": ["mqls", "mql_to_sql_rate", "cost_per_mql", "marketing_sourced_pipeline"],
    "SQL": ["sqls", "mql_response_hours_median", "mql_response_hours_p90", "sla_compliance", "sla_breaches",
            "sql_to_opp_rate"],
    "Opportunity": ["opps_created", "pipeline_created", "win_rate", "avg_deal_size", "sales_cycle_days"],
    "Won": ["won_deals", "won_revenue", "goal_attainment", "marketing_sourced_revenue",
            "marketing_influenced_revenue", "marketing_cac"],
}

# The count of each stage in a period (period_metrics keys).
STAGE_COUNT = {"Lead": "leads_created", "MQL": "mqls", "SQL": "sqls", "Opportunity": "opps_created",
               "Won": "won_deals"}

DEFAULT_STAGE_OWNERS = {"Lead": "marketing", "MQL": "marketing", "SQL": "sales", "Opportunity": "sales",
                        "Won": "shared"}


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def effective_target(key: str, target, elapsed_share: float | None = 1.0):
    """The target an actual is compared with: volumes pro-rated by the share of the period elapsed."""
    if _missing(target):
        return None
    if key in ADDITIVE and elapsed_share is not None and not _missing(elapsed_share):
        return float(target) * max(0.0, min(1.0, float(elapsed_share)))
    return float(target)


def status(key: str, actual, target) -> str:
    """on track / at risk / off track of an actual against its (effective) target."""
    if _missing(target):
        return NO_TARGET
    if _missing(actual):
        return NO_DATA
    actual, target = float(actual), float(target)
    eps = 1e-9 * max(1.0, abs(target))   # 0.4 x 0.9 is 0.36000000000000004 in floating point
    if key in LOWER_IS_BETTER:
        if actual <= target + eps:
            return ON_TRACK
        return AT_RISK if actual <= target * (1 + AT_RISK_BAND) + eps else OFF_TRACK
    if actual >= target - eps:
        return ON_TRACK
    return AT_RISK if actual >= target * (1 - AT_RISK_BAND) - eps else OFF_TRACK


def rule_text(key: str, target, fmt: Callable[[float], str], prorated_from=None) -> str:
    """The rule that decides the status, in words with the numbers filled in."""
    if _missing(target):
        return "No target set (Definitions page)."
    target = float(target)
    if key in LOWER_IS_BETTER:
        text = (f"On track ≤ {fmt(target)}; at risk ≤ {fmt(target * (1 + AT_RISK_BAND))} (10% over); "
                "off track above. Lower is better.")
    else:
        text = (f"On track ≥ {fmt(target)}; at risk ≥ {fmt(target * (1 - AT_RISK_BAND))} (within 10%); "
                "off track below.")
    if prorated_from is not None and not _missing(prorated_from) and float(prorated_from) != target:
        text += f" Target {fmt(float(prorated_from))} for the whole period, pro-rated to the days elapsed."
    return text


def stage_of(key: str) -> str | None:
    for stage, keys in STAGE_METRICS.items():
        if key in keys:
            return stage
    return None


def metric_owner(key: str, metric_owners: dict | None) -> str:
    """The owner team of a metric: the metric_owners setting, else definitions.METRICS."""
    return (metric_owners or {}).get(key) or METRICS[key].owner


@dataclass
class Row:
    stage: str
    key: str
    label: str
    owner: str
    person: str
    target: float | None
    actual: float | None
    previous: float | None
    status: str
    rule: str


def accountability_rows(actual: dict, previous: dict | None, *, targets: dict | None,
                        metric_owners: dict | None, stage_people: dict | None,
                        fmt: Callable[[str, float], str]) -> list[Row]:
    """One row per metric of STAGE_METRICS: owner, target (effective), actual, comparison, status, rule.

    `actual` / `previous` are period_metrics rows (dicts); fmt(key, value) formats a value."""
    targets = dict(targets or {})
    goal = actual.get("revenue_goal")
    if "won_revenue" not in targets and not _missing(goal) and goal and goal > 0:
        targets["won_revenue"] = goal
    share = actual.get("elapsed_share", 1.0)
    rows = []
    for stage, keys in STAGE_METRICS.items():
        for key in keys:
            raw = targets.get(key)
            target = effective_target(key, raw, share)
            value = actual.get(key)
            rows.append(Row(
                stage=stage, key=key, label=METRICS[key].label,
                owner=metric_owner(key, metric_owners),
                person=(stage_people or {}).get(stage) or "",
                target=target, actual=None if _missing(value) else value,
                previous=None if previous is None or _missing(previous.get(key)) else previous.get(key),
                status=status(key, value, target),
                rule=rule_text(key, target, lambda v, k=key: fmt(k, v), prorated_from=raw),
            ))
    return rows


def order_for_team(rows: list[Row], team: str) -> list[Row]:
    """The lens team's metrics first, then shared ones, then the other team's (stable within)."""
    if team not in ("marketing", "sales"):
        return list(rows)
    rank = {team: 0, "shared": 1}
    return sorted(rows, key=lambda r: rank.get(r.owner, 2))
