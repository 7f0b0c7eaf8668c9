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

Every measure held to account has a default target in the metrics layer (queries/measures.toml,
`target`), which the setting metric_targets (Definitions page) overrides:
- a number (win rate 30%, SLA compliance 90%, median response 24 h ...);
- "previous": hold the like-for-like comparison period (METRICS.md "Comparisons", previous): at least
  its value, or at most for lower-is-better measures; not pro-rated, as the comparison is already cut
  to the same days;
- "goal": won revenue against the revenue goal; "elapsed": attainment against the share of the
  period elapsed (on pace).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from onefunnel import layer
from onefunnel.definitions import METRICS

AT_RISK_BAND = 0.10

ON_TRACK, AT_RISK, OFF_TRACK, NO_TARGET, NO_DATA = "on track", "at risk", "off track", "no target", "no data"
STATUS_ORDER = [OFF_TRACK, AT_RISK, ON_TRACK, NO_DATA, NO_TARGET]

_LAYER = layer.layer().measures
# Direction, additivity and the stage a measure is held to account under: from the metrics layer.
LOWER_IS_BETTER = frozenset(n for n, m in _LAYER.items() if m.lower_is_better)
ADDITIVE = frozenset(n for n, m in _LAYER.items() if m.additive)

JOURNEY = ["Lead", "MQL", "SQL", "Opportunity", "Won"]

# The metrics shown under each stage of the journey (and in the accountability table, in order).
STAGE_METRICS: dict[str, list[str]] = {s: [n for n, m in _LAYER.items() if m.stage == s] for s in JOURNEY}

# The count of each stage in a period.
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


def default_target(key: str, actual: dict, baseline: dict | None):
    """(target, pro-rate?, words) of a measure from the metrics layer's default (see module docstring)."""
    rule = _LAYER[key].target
    if rule is None:
        return None, False, ""
    if rule == "previous":
        value = None if baseline is None else baseline.get(key)
        return (None if _missing(value) else value), False, "default: the same days of the period before"
    if rule == "goal":
        goal = actual.get("revenue_goal")
        return (goal if not _missing(goal) and goal and goal > 0 else None), True, "the revenue goal"
    if rule == "elapsed":
        goal = actual.get("revenue_goal")
        share = actual.get("elapsed_share")
        return (share if goal and not _missing(share) else None), False, "default: on pace (share of the period elapsed)"
    return float(rule), False, "default target"


def accountability_rows(actual: dict, previous: dict | None, *, targets: dict | None,
                        metric_owners: dict | None, stage_people: dict | None,
                        fmt: Callable[[str, float], str], baseline: dict | None = None) -> list[Row]:
    """One row per metric of STAGE_METRICS: owner, target (effective), actual, comparison, status, rule.

    `actual` / `previous` are the measures of the period and of the shown comparison (dicts);
    `baseline` those of the like-for-like previous period, for "previous" default targets;
    fmt(key, value) formats a value. A target in `targets` (the setting) overrides the default."""
    targets = dict(targets or {})
    share = actual.get("elapsed_share", 1.0)
    rows = []
    for stage, keys in STAGE_METRICS.items():
        for key in keys:
            raw = targets.get(key)
            if raw is not None:
                target = effective_target(key, raw, share)
            else:
                raw, prorate, _ = default_target(key, actual, baseline)
                target = effective_target(key, raw, share) if prorate else raw
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
