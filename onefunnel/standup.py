"""The standup's window: from the start of the last working day (or a chosen moment) up to now. The lists
themselves are queries/standup_*.sql."""

from __future__ import annotations

import datetime as dt
import os

from onefunnel import periods


def now() -> dt.datetime:
    """Now to the minute (the page's lists are cached for that minute), or $ONEFUNNEL_NOW; with only
    $ONEFUNNEL_TODAY pinned (tests), 09:00 of that day."""
    fixed = os.environ.get("ONEFUNNEL_NOW")
    if fixed:
        return dt.datetime.fromisoformat(fixed)
    if os.environ.get("ONEFUNNEL_TODAY"):
        return dt.datetime.combine(periods.today(), dt.time(9, 0))
    return dt.datetime.now().replace(second=0, microsecond=0)


def last_working_day(today: dt.date) -> dt.date:
    """The working day (Monday to Friday) before today: Friday for a Saturday, Sunday or Monday."""
    d = today - dt.timedelta(days=1)
    while d.weekday() >= 5:
        d -= dt.timedelta(days=1)
    return d


def default_since(at: dt.datetime) -> dt.datetime:
    """The start (00:00) of the last working day before `at`."""
    return dt.datetime.combine(last_working_day(at.date()), dt.time(0, 0))
