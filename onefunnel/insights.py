"""Headline insights: the few sentences a page leads with, ranked by impact.

The rule, written once: every candidate carries an impact, an absolute count of the records it is about
(SLA breaches, lost deals, ...), never a share alone, so "1 of 2 MQLs breached" on a quiet Saturday cannot
outrank a rep with 31 breaches. A candidate is shown only when its count reaches MIN_COUNT. Candidates are
ranked by impact, largest first (ties: the kind's order in the list, then the subject's name), and the page
shows the first `top`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from onefunnel.formats import fmt_int

MIN_COUNT = 3
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True)
class Insight:
    kind: str          # what the count is about, e.g. "breaches by rep"
    subject: str       # the rep, the weekday, ... (imported text: escape it before Markdown)
    detail: str        # plain words with numbers, no imported text
    impact: int        # the absolute count the ranking uses


def rank(candidates: list[Insight], top: int = 3, min_count: int = MIN_COUNT) -> list[Insight]:
    kinds = list(dict.fromkeys(c.kind for c in candidates))
    kept = [c for c in candidates if c.impact >= min_count]
    return sorted(kept, key=lambda c: (-c.impact, kinds.index(c.kind), c.subject))[:top]


def sales_insights(reps: pd.DataFrame, hours: pd.DataFrame, sla_hours: float, top: int = 3) -> list[Insight]:
    """The Sales page's headline. reps: the rep scorecard (owner, mqls, sla_breaches, lost_deals, won_deals);
    hours: sales_response_by_hour for everyone (weekday 1-7, mqls, sla_breaches)."""
    out = []
    for r in reps.to_dict("records"):
        b, n = int(r.get("sla_breaches") or 0), int(r.get("mqls") or 0)
        if b:
            out.append(Insight("breaches by rep", str(r["owner"]),
                               f"{fmt_int(b)} of {fmt_int(n)} MQLs breached the {sla_hours:g}-hour SLA", b))
    if not hours.empty:
        days = hours.groupby("weekday")[["mqls", "sla_breaches"]].sum()
        for day, r in days.iterrows():
            b, n = int(r["sla_breaches"]), int(r["mqls"])
            if b:
                out.append(Insight("breaches by arrival day", f"MQLs arriving on {WEEKDAYS[int(day) - 1]}",
                                   f"{fmt_int(b)} of {fmt_int(n)} breached the SLA", b))
    for r in reps.to_dict("records"):
        lost, won = int(r.get("lost_deals") or 0), int(r.get("won_deals") or 0)
        if lost:
            out.append(Insight("lost deals by rep", str(r["owner"]),
                               f"{fmt_int(lost)} deals lost, {fmt_int(won)} won", lost))
    return rank(out, top)
