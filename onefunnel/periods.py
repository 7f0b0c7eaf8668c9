"""Periods: preset ranges (fiscal quarters and years), ISO weeks, and the like-for-like comparison
period of METRICS.md "Comparisons" that every delta on a page and `metrics --compare` use."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass


def today() -> dt.date:
    """Today, or $ONEFUNNEL_TODAY (tests pin the clock with it); the pages and the CLI share it."""
    fixed = os.environ.get("ONEFUNNEL_TODAY")
    return dt.date.fromisoformat(fixed) if fixed else dt.date.today()


def add_months(d: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after d's month."""
    y, m = divmod(d.month - 1 + months, 12)
    return dt.date(d.year + y, m + 1, 1)


def period_range(preset: str, ref: dt.date, fy_start_month: int = 1) -> tuple[dt.date, dt.date]:
    """[start, end] of a preset period around the reference day (fiscal quarters and years)."""
    if preset == "this_week":
        start = ref - dt.timedelta(days=ref.weekday())
        return start, start + dt.timedelta(days=6)
    if preset == "last_week":
        start = ref - dt.timedelta(days=ref.weekday() + 7)
        return start, start + dt.timedelta(days=6)
    if preset == "this_month":
        start = ref.replace(day=1)
        return start, add_months(start, 1) - dt.timedelta(days=1)
    if preset == "last_month":
        start = add_months(ref.replace(day=1), -1)
        return start, ref.replace(day=1) - dt.timedelta(days=1)
    months_into_fy = (ref.month - fy_start_month) % 12
    fy_start = add_months(ref.replace(day=1), -months_into_fy)
    if preset in ("this_quarter", "last_quarter"):
        q_start = add_months(fy_start, (months_into_fy // 3) * 3)
        if preset == "last_quarter":
            q_start = add_months(q_start, -3)
        return q_start, add_months(q_start, 3) - dt.timedelta(days=1)
    if preset == "year_to_date":
        return fy_start, ref
    if preset == "last_12_months":
        return add_months(ref.replace(day=1), -11), ref
    raise ValueError(preset)


def whole_months(start: dt.date, end: dt.date, fy_start_month: int = 1) -> int | None:
    """1, 3 or 12 when [start, end] is exactly a calendar month, a fiscal quarter or a fiscal year."""
    if start.day != 1:
        return None
    for months in (1, 3, 12):
        if end != add_months(start, months) - dt.timedelta(days=1):
            continue
        if months == 1 or (start.month - fy_start_month) % months == 0:
            return months
    return None


def year_back(d: dt.date) -> dt.date:
    """d one year earlier; Feb 29 becomes Feb 28."""
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


@dataclass(frozen=True)
class Comparison:
    start: dt.date
    end: dt.date
    as_of: dt.date
    mode: str           # previous | year
    cut: bool           # cut to the days P has run (P is running)

    def describe(self, days_run: int | None = None) -> str:
        """'Jul 1 – Aug 15, 2026, the same 46 days of the previous quarter'."""
        from onefunnel.formats import fmt_date

        text = f"{fmt_date(self.start)} – {fmt_date(self.as_of)}"
        if self.cut and days_run:
            text += f", the first {days_run} days of the " + ("period before" if self.mode == "previous" else "period a year before")
        return text


def comparison(start: dt.date, end: dt.date, as_of: dt.date | None, mode: str,
               fy_start_month: int = 1) -> Comparison | None:
    """METRICS.md "Comparisons": the comparison period C of P = [start, end] as of `as_of`.

    previous: a whole month, fiscal quarter or fiscal year is compared with the one before it, any other
    period with as many days ending the day before it starts; year: P one year back (Feb 29 -> Feb 28).
    A running period (as_of < end) is compared to date: C is cut to as many days as P has run, and C's
    numbers stand as of C's last day."""
    if mode in (None, "none"):
        return None
    as_of = as_of or end
    if mode == "previous":
        months = whole_months(start, end, fy_start_month)
        if months:
            c_start = add_months(start, -months)
            c_end = start - dt.timedelta(days=1)
        else:
            days = (end - start).days + 1
            c_start, c_end = start - dt.timedelta(days=days), start - dt.timedelta(days=1)
    elif mode in ("year", "last_year"):
        c_start, c_end = year_back(start), year_back(end)
        mode = "year"
    else:
        raise ValueError(f"unknown comparison {mode!r} (previous or year)")
    cut = as_of < end
    if cut:
        c_end = min(c_end, c_start + (as_of - start))
    return Comparison(c_start, c_end, c_end, mode, cut)


_WEEK = re.compile(r"(\d{4})-W(\d{2})")


def iso_week(name: str) -> tuple[dt.date, dt.date]:
    """'2026-W38' -> (Monday 2026-09-14, Sunday 2026-09-20). Raises ValueError for a malformed week."""
    m = _WEEK.fullmatch(name.strip())
    if not m:
        raise ValueError(f"not an ISO week (YYYY-Www, e.g. 2026-W38): {name!r}")
    try:
        monday = dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError:
        raise ValueError(f"{name!r} is not a week of {m.group(1)}") from None
    return monday, monday + dt.timedelta(days=6)


def week_name(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"
