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


def fmt_date(d) -> str:
    return "–" if d is None else f"{d:%b} {d.day}, {d.year}"
