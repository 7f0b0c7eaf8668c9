"""Numbers formatted for people (1.2M, 34%, 5.5 h): one set of rules for pages and charts."""

from __future__ import annotations

import math


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt_money(x, currency: str = "$") -> str:
    if _missing(x):
        return "–"
    sign = "-" if x < 0 else ""
    a = abs(float(x))
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if a >= div:
            v = a / div
            return f"{sign}{currency}{v:.1f}{suffix}" if v < 100 else f"{sign}{currency}{v:.0f}{suffix}"
    return f"{sign}{currency}{a:,.0f}"


def fmt_int(x) -> str:
    return "–" if _missing(x) else f"{int(round(x)):,}"


def fmt_pct(x, digits: int = 0) -> str:
    if _missing(x):
        return "–"
    return f"{x * 100:.{digits}f}%" if abs(x) >= 0.1 or digits else f"{x * 100:.1f}%"


def fmt_hours(x) -> str:
    if _missing(x):
        return "–"
    return f"{x:.1f} h" if x < 72 else f"{x / 24:.1f} d"


def fmt_days(x) -> str:
    return "–" if _missing(x) else f"{x:.0f} d" if x >= 10 else f"{x:.1f} d"


def fmt_ratio(x) -> str:
    return "–" if _missing(x) else f"{x:.1f}×"


# a measure's format (queries/measures.toml) -> its formatter
FORMATTERS = {"int": fmt_int, "money": fmt_money, "pct": fmt_pct, "share": fmt_pct, "hours": fmt_hours,
              "days": fmt_days, "ratio": fmt_ratio}


def fmt_date(d) -> str:
    return "–" if d is None else f"{d:%b} {d.day}, {d.year}"


def _month(ym: str) -> str:
    import datetime as dt

    return f"{dt.date.fromisoformat(ym + '-01'):%b %Y}"


SETTING_NAMES = {"sla_hours": ("Follow-up SLA", fmt_hours), "stall_days": ("Stalled after (days)", fmt_int),
                 "fiscal_year_start_month": ("Fiscal year starts in month", fmt_int)}


def change_text(key: str, old: str | None, new: str | None) -> tuple[str, str, str]:
    """A settings_log row for people: (what changed, from, to), e.g. ('Goal for Dec 2026', '–', '$285,000')
    for key 'goal:2026-12' and values '285000.0'. Values are the log's JSON text; a table's rows are counted."""
    import json

    def load(v):
        if _missing(v):
            return None
        try:
            return json.loads(v)
        except (TypeError, ValueError):   # a value logged as plain text
            return v

    o, n = load(old), load(new)
    money = lambda v: "–" if v is None else f"${float(v):,.0f}"   # noqa: E731
    if key.startswith("goal:"):
        return f"Goal for {_month(key[5:])}", money(o), money(n)
    if key.startswith("quota:"):
        owner, ym = key[6:].rsplit(":", 1)
        return f"Quota of {owner} for {_month(ym)}", money(o), money(n)
    if key.startswith("people:"):
        return f"Role of {key[7:]}", o or "(not on the list)", n or "(not on the list)"
    if key.startswith("definition:"):
        return f"Definition of {key.split(':')[-1]}", o or "(product's words)", n or "(product's words)"
    if key in SETTING_NAMES:
        label, f = SETTING_NAMES[key]
        return label, "–" if o is None else f(o), "–" if n is None else f(n)

    def short(v):
        if v is None:
            return "–"
        if isinstance(v, list):
            return f"{len(v)} row{'s' if len(v) != 1 else ''}"
        if isinstance(v, dict):
            return ", ".join(f"{k}: {x}" for k, x in v.items()) or "(none)"
        return str(v)
    return key.replace("_", " ").capitalize(), short(o), short(n)
