"""The common language in words: stages, attribution models, and every measure's label, definition,
owner team and format as the pages use them. The measures' words come from the metrics layer
(queries/measures.toml), so a number and its definition are written in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from onefunnel import layer


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    definition: str
    owner: str          # marketing | sales | shared
    fmt: str            # int | money | pct | hours | days | ratio


METRICS: dict[str, Metric] = {
    n: Metric(n, m.label, m.definition, m.owner, m.format) for n, m in layer.layer().measures.items()}
# roi is per channel only: credit under the linear model / spend (queries/attribution_summary.sql)
METRICS["roi"] = Metric("roi", "ROI", "A channel's linear attributed revenue / its spend in the period.",
                        "marketing", "ratio")

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
