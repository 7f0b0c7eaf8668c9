"""The weekly review (issue 12): one ISO week's numbers for Monday's meeting, from the metrics layer.

`build(con, "2026-W38")` gathers every number the page and the export show, by measure name (no formula
is restated here): the joint goal of the quarter as of the week's Sunday, the funnel, the key measures
with their 6-week and 12-month series and the prior year, the three biggest changes and what drove them,
friction with owners, the wins of both teams, and the decisions and actions (onefunnel/decisions.py).

**The three biggest changes** (`biggest_changes`), the rule written once:

1. Candidates are the key measures (KEY_MEASURES) whose value this week and last week are both known
   and differ.
2. A change's size is its relative change, |this - last| / max(|this|, |last|): between 0 and 1 for
   every unit, so a rate that fell from 34% to 22% (0.35) and MQLs that rose from 40 to 50 (0.20) are
   compared on one scale. The three largest are kept, largest first (ties: KEY_MEASURES order).
3. What drove it: each candidate is split by channel, owner and campaign (those its records have; spend
   has no owner). A value's contribution is its share of the change:
   - an additive measure (a count or a sum): this week's value minus last week's, for that value;
   - a rate num / den: num_v(this) / den(this) - num_v(last) / den(last), the value's numerator over
     the whole week's denominator; the contributions of all values add up exactly to the rate's change
     (mix and rate effects together).
   The driver is the value, over all three dimensions, with the largest contribution in the direction of
   the change (ties: channel, owner, campaign, then the value's name); its share = contribution / change,
   which can exceed 100% when other values moved the other way. No value moved with the change: no driver.
4. In words: "MQL → SQL fell from 34% to 22%; Paid Social (channel) accounts for 60% of the drop." A share
   over 100% is said as the value's own amount: "...; Paid Social (channel) alone fell by 50.0 pts, more
   than the whole drop, while others moved the other way."
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

from onefunnel import layer, periods
from onefunnel.db import get_setting
from onefunnel.formats import FORMATTERS, fmt_date, fmt_int, fmt_money
from onefunnel.queries import run_rows

KEY_MEASURES = ["won_revenue", "pipeline_created", "mqls", "mql_to_sql_rate", "win_rate", "sla_compliance", "spend"]
FUNNEL = [("Lead", "leads_created"), ("MQL", "mqls"), ("SQL", "sqls"), ("Opportunity", "opps_created"),
          ("Won", "won_deals")]
DRIVER_DIMENSIONS = ["channel", "owner", "campaign"]
GOAL_MEASURES = ["revenue_goal", "won_revenue", "goal_attainment", "elapsed_share", "expected_to_date", "pace_gap",
                 "forecast", "remaining_to_goal", "required_won_deals", "required_opps", "required_sqls",
                 "required_mqls", "required_leads", "required_meetings"]
REVERSE_STEPS = [("required_won_deals", "won deals"), ("required_opps", "opportunities"), ("required_sqls", "SQLs"),
                 ("required_mqls", "MQLs"), ("required_leads", "leads")]
WINS_MEASURES = ["won_deals", "won_revenue", "marketing_sourced_revenue", "sales_sourced_revenue"]
LIST_LIMIT = 8     # rows of each friction list and of the wins shown in the export (all in numbers.csv counts)
PAGE_LIST_ROWS = 100   # rows of each friction list on the page (53k stalled deals at 1M leads; all on Friction)
LIST_ROWS = max(PAGE_LIST_ROWS, LIST_LIMIT)   # rows of each friction list a Review keeps


def today() -> dt.date:
    return periods.today()


def fmt(name: str, value) -> str:
    """A measure's value in its format ($1.2k, 34%)."""
    return FORMATTERS[layer.measure(name).format](value)


# ---- weeks ------------------------------------------------------------------------------------------------

def last_whole_week(ref: dt.date) -> str:
    """METRICS.md "Weeks": the last whole week before `ref`."""
    return periods.week_name(ref - dt.timedelta(days=ref.weekday() + 7))


def check_week(name: str, ref: dt.date) -> tuple[dt.date, dt.date]:
    """(Monday, Sunday) of a week the review can show: ValueError for a malformed week or one that has not
    ended before `ref` (a review is of a whole week, so its numbers are those of `metrics --json`)."""
    start, end = periods.iso_week(name)
    if end >= ref:
        raise ValueError(f"{name.strip()} has not ended yet (it runs {fmt_date(start)} – {fmt_date(end)}; today is "
                         f"{fmt_date(ref)}): the latest week with a review is {last_whole_week(ref)}")
    return start, end


def same_week_last_year(monday: dt.date) -> dt.date:
    """The Monday of the same ISO week number a year before (week 53 -> week 52 when that year has none)."""
    y, w, _ = monday.isocalendar()
    weeks = dt.date(y - 1, 12, 28).isocalendar()[1]
    return dt.date.fromisocalendar(y - 1, min(w, weeks), 1)


# ---- the review's data -----------------------------------------------------------------------------------

@dataclass
class Review:
    week: str
    start: dt.date
    end: dt.date
    last: tuple
    last_year: tuple
    data_to: dt.date | None
    quarter: tuple
    goal: dict
    goal_last_week: dict
    rows: dict                      # measure -> {"this_week", "last_week", "same_week_last_year", "target"}
    series: dict                    # measure -> {"weeks": [...], "weeks_ly": [...], "months": [...], "months_ly": [...]}
    changes: list
    friction: dict                  # list -> its first LIST_ROWS rows
    friction_totals: dict           # list -> how many rows it has
    wins: list
    wins_totals: dict
    actions_due: list = field(default_factory=list)
    items: list = field(default_factory=list)

    @property
    def freshness(self) -> str:
        return f"data to {fmt_date(self.data_to)}" if self.data_to else "no data"

    def reverse_funnel_sentence(self) -> str:
        """The reverse funnel in one sentence (as on the Joint goal page), from the required_* measures."""
        g = self.goal
        if not g.get("revenue_goal"):
            return "No revenue goal is set for this quarter: set the monthly goals on the Joint goal page."
        remaining = g.get("remaining_to_goal") or 0
        if remaining == 0:
            return f"The goal is reached: {fmt_money(g['won_revenue'])} won against {fmt_money(g['revenue_goal'])}."
        known = [(g[k], noun) for k, noun in REVERSE_STEPS if g.get(k) is not None]
        if not known:
            return (f"To close the remaining {fmt_money(remaining)}: the last 180 days won no deal, so there is no "
                    "average deal size to work back from.")
        (n0, noun0), rest = known[0], known[1:]
        text = f"To close the remaining {fmt_money(remaining)} you need about {fmt_int(n0)} more {noun0}"
        if rest:
            text += ", from " + ", ".join(f"{fmt_int(n)} {noun}" for n, noun in rest)
        if g.get("required_meetings") and noun0 == "won deals":
            text += f", and about {fmt_int(g['required_meetings'])} meetings"
        return text + ", at the last 180 days' rates."


def _targets(con, names, this: dict, last: dict, week_goal) -> dict:
    """Each measure's target for the week: the setting metric_targets, else the layer's default target
    (a number; "previous": last week's value; "goal": the week's revenue goal; anything else: none)."""
    overrides = get_setting(con, "metric_targets", {}) or {}
    out = {}
    for n in names:
        t = overrides.get(n, layer.measure(n).target)
        if isinstance(t, (int, float)) and not isinstance(t, bool):
            out[n] = float(t)
        elif t == "previous":
            out[n] = last.get(n)
        elif t == "goal":
            out[n] = week_goal or None
        else:
            out[n] = None
    return out


def _series(con, names, start: dt.date, end: dt.date, grain: str, buckets: list[dt.date]) -> dict:
    rows = {r["value"]: r for r in layer.by(con, names, grain, start, end)}
    out = {}
    for n in names:
        m = layer.measure(n)
        out[n] = [rows[b][n] if b in rows else (0 if m.additive else None) for b in buckets]
    return out


def _weekly(con, names, mondays: list[dt.date]) -> dict:
    """{monday: {measure: value}} for consecutive weeks, in one query (each week stands as of its Sunday,
    so a week's values are those of `layer.values` for Monday..Sunday); a week with no record at all is
    asked on its own so its values are exactly values()'s."""
    rows = {r["value"]: r for r in layer.by(con, names, "week", mondays[0], mondays[-1] + dt.timedelta(days=6))}
    return {w: ({n: rows[w][n] for n in names} if w in rows
                else layer.values(con, names, w, w + dt.timedelta(days=6))) for w in mondays}


def quarter_of(con, day: dt.date) -> tuple[dt.date, dt.date]:
    fy = int(get_setting(con, "fiscal_year_start_month", 1))
    return periods.period_range("this_quarter", day, fy)


def goal_numbers(con, day: dt.date) -> dict:
    """The joint goal's measures of the (fiscal) quarter holding `day`, as of `day`."""
    q_start, q_end = quarter_of(con, day)
    return layer.values(con, GOAL_MEASURES, q_start, q_end, as_of=day)


def _friction_list(con, name: str, **params) -> tuple[list[dict], int]:
    """The first LIST_ROWS rows of a Friction list (everyone's) and how many it has in all (on each row: one row is
    asked for even when none is kept)."""
    rows = run_rows(con, name, owners=[], limit=max(LIST_ROWS, 1), **params)
    return rows[:LIST_ROWS], (rows[0]["total"] if rows else 0)


def build(con, week: str, ref: dt.date | None = None, with_changes: bool = True,
          data_to: dt.date | None | bool = False) -> Review:
    """Every number of the review of `week` (ValueError for a malformed week or one not yet over). data_to: what
    the data runs to (queries/data_freshness.sql), when the caller has it already; False: read it here."""
    from onefunnel import decisions

    ref = ref or today()
    start, end = check_week(week, ref)
    week = periods.week_name(start)
    last = (start - dt.timedelta(days=7), end - dt.timedelta(days=7))
    ly_start = same_week_last_year(start)
    ly = (ly_start, ly_start + dt.timedelta(days=6))
    names = list(dict.fromkeys([n for _, n in FUNNEL] + KEY_MEASURES + ["sla_breaches"] + WINS_MEASURES
                               + ["revenue_goal"]))
    weeks = [start - dt.timedelta(days=7 * k) for k in range(5, -1, -1)]
    weeks_ly = [same_week_last_year(w) for w in weeks]
    by_week = _weekly(con, names, weeks)
    by_week_ly = _weekly(con, names, weeks_ly)
    this_v, last_v, ly_v = by_week[start], by_week[last[0]], by_week_ly[ly_start]
    targets = _targets(con, names, this_v, last_v, this_v["revenue_goal"])
    rows = {n: {"this_week": this_v[n], "last_week": last_v[n], "same_week_last_year": ly_v[n],
                "target": targets[n]} for n in names}

    m_start = periods.add_months(end.replace(day=1), -11)
    months = [periods.add_months(m_start, k) for k in range(12)]
    months_ly = [periods.year_back(m) for m in months]
    s_w = {n: [by_week[w][n] for w in weeks] for n in KEY_MEASURES}
    s_wly = {n: [by_week_ly[w][n] for w in weeks_ly] for n in KEY_MEASURES}
    s_m = _series(con, KEY_MEASURES, m_start, end, "month", months)
    s_mly = _series(con, KEY_MEASURES, months_ly[0], periods.year_back(end), "month", months_ly)
    series = {n: {"weeks": weeks, "months": months, "w": s_w[n], "w_ly": s_wly[n], "m": s_m[n], "m_ly": s_mly[n]}
              for n in KEY_MEASURES}

    sla_hours = float(get_setting(con, "sla_hours", 24))
    stall_days = int(get_setting(con, "stall_days", 14))
    lists = {
        "sla_breaches": _friction_list(con, "friction_sla_breaches", start=start, end=end, as_of=end,
                                       sla_hours=sla_hours),
        "rejected_mqls": _friction_list(con, "friction_rejected_mqls", start=start, end=end),
        "stalled_deals": _friction_list(con, "friction_stalled_opportunities", as_of=end, stall_days=stall_days),
    }
    wins = run_rows(con, "goal_period_wins", start=start, end=end)
    q = quarter_of(con, end)
    fresh = run_rows(con, "data_freshness")[0]["newest"] if data_to is False else data_to
    review = Review(
        week=week, start=start, end=end, last=last, last_year=ly, data_to=fresh, quarter=q,
        goal=goal_numbers(con, end), goal_last_week=goal_numbers(con, last[1]) if last[1] >= q[0] else {},
        rows=rows, series=series,
        changes=changes_of_week(con, start, end, this_v, last_v) if with_changes else [],
        friction={k: rows for k, (rows, _) in lists.items()}, friction_totals={k: n for k, (_, n) in lists.items()},
        wins=wins,
        wins_totals={t: sum(w["amount"] or 0 for w in wins if w["sourced_by"] == t) for t in ("marketing", "sales")})
    review.actions_due = decisions.items(con, periods.week_name(last[0]), kind="action")
    review.items = decisions.items(con, week)
    return review


# ---- the three biggest changes (the rule: see the module's docstring) ----------------------------------------

@dataclass(frozen=True)
class Change:
    measure: str
    this_week: float
    last_week: float
    size: float
    driver: str | None = None        # the dimension value
    dimension: str | None = None
    share: float | None = None       # of the change

    @property
    def sentence(self) -> str:
        m = layer.measure(self.measure)
        rose = self.this_week > self.last_week
        text = (f"{m.label} {'rose' if rose else 'fell'} from {fmt(self.measure, self.last_week)} to "
                f"{fmt(self.measure, self.this_week)}")
        if self.driver is None:
            return text + "; no channel, owner or campaign moved with it."
        change = "rise" if rose else "drop"
        if self.share > 1:      # others moved the other way: a share over 100% reads oddly, say the amount
            amount = self.share * abs(self.this_week - self.last_week)
            shown = (f"{amount * 100:.1f} pts" if layer.ratio_parts(self.measure) is not None
                     else fmt(self.measure, amount))
            return (text + f"; {self.driver} ({self.dimension}) alone {'rose' if rose else 'fell'} by {shown}, "
                    f"more than the whole {change}, while others moved the other way.")
        return text + f"; {self.driver} ({self.dimension}) accounts for {self.share * 100:.0f}% of the {change}."


def relative_change(this, last) -> float | None:
    if this is None or last is None or this == last:
        return None
    return abs(this - last) / max(abs(this), abs(last))


def contributions(name: str, this_rows: list[dict], last_rows: list[dict], this_total, last_total) -> dict:
    """Each dimension value's contribution to the change of `name` (rows: layer.by rows holding the measure,
    or for a rate its numerator and denominator measures): see the module's docstring, step 3."""
    parts = layer.ratio_parts(name)
    vals = {r["value"] for r in this_rows} | {r["value"] for r in last_rows}
    t = {r["value"]: r for r in this_rows}
    la = {r["value"]: r for r in last_rows}
    out = {}
    if parts is None:
        for v in vals:
            out[v] = (t.get(v, {}).get(name) or 0) - (la.get(v, {}).get(name) or 0)
        return out
    num, den = parts

    def total(rows, cols):
        return sum(sum(r.get(c) or 0 for c in cols) for r in rows)
    d_this, d_last = total(this_rows, den), total(last_rows, den)
    for v in vals:
        n_this = sum(t.get(v, {}).get(c) or 0 for c in num)
        n_last = sum(la.get(v, {}).get(c) or 0 for c in num)
        out[v] = (n_this / d_this if d_this else 0) - (n_last / d_last if d_last else 0)
    return out


def biggest_changes(this: dict, last: dict, splits: dict, top: int = 3) -> list[Change]:
    """The rule of the module's docstring, on plain data. this/last: {measure: value}; splits:
    {measure: {dimension: (rows this week, rows last week)}} with rows as layer.by gives them."""
    sized = []
    for i, n in enumerate(KEY_MEASURES):
        size = relative_change(this.get(n), last.get(n))
        if size:
            sized.append((-size, i, n))
    out = []
    for neg_size, _, n in sorted(sized)[:top]:
        delta = this[n] - last[n]
        best = None
        for di, dim in enumerate(DRIVER_DIMENSIONS):
            if dim not in splits.get(n, {}):
                continue
            rows_t, rows_l = splits[n][dim]
            for value, c in contributions(n, rows_t, rows_l, this[n], last[n]).items():
                if c * delta <= 0:
                    continue
                key = (-abs(c), di, str(value))
                if best is None or key < best[0]:
                    best = (key, value, dim, c)
        if best:
            out.append(Change(n, this[n], last[n], -neg_size, str(best[1]), best[2], best[3] / delta))
        else:
            out.append(Change(n, this[n], last[n], -neg_size))
    return out


def _split_names(name: str) -> list[str]:
    parts = layer.ratio_parts(name)
    return [name] if parts is None else list(dict.fromkeys(parts[0] + parts[1]))


def changes_of_week(con, start: dt.date, end: dt.date, this_v: dict | None = None,
                    last_v: dict | None = None) -> list[Change]:
    """The three biggest changes of the week against the week before, from the layer's breakdowns: one
    query per driver dimension, split by (week, value) over the two weeks."""
    last = (start - dt.timedelta(days=7), end - dt.timedelta(days=7))
    this_v = this_v if this_v is not None else layer.values(con, KEY_MEASURES, start, end)
    last_v = last_v if last_v is not None else layer.values(con, KEY_MEASURES, *last)
    moved = [n for n in KEY_MEASURES if relative_change(this_v[n], last_v[n])]
    splits = {n: {} for n in moved}
    for d in DRIVER_DIMENSIONS:
        can = [n for n in moved if all(layer.layer().supports(c, d) for c in _split_names(n))]
        cols = list(dict.fromkeys(c for n in can for c in _split_names(n)))
        if not cols:
            continue
        rows_t, rows_l = [], []
        for r in layer.by(con, cols, ("week", d), last[0], end):
            row = {**r, "value": r["value_2"]}
            (rows_t if r["value"] == start else rows_l).append(row)
        for n in can:
            splits[n][d] = (rows_t, rows_l)
    return biggest_changes(this_v, last_v, splits)


# ---- numbers.csv --------------------------------------------------------------------------------------------

NUMBERS_COLUMNS = ["section", "measure", "this_week", "last_week", "same_week_last_year", "target"]


def numbers(review: Review) -> list[dict]:
    """Every number of the review as rows of numbers.csv. `measure` is the METRICS.md key where one exists
    (the week's value, as `metrics --json` gives it for Monday..Sunday); the joint goal's numbers are the
    quarter's as of the week's Sunday (and last Sunday), named `quarter.KEY`; counts of the friction lists
    and wins by team have names of their own."""
    out = []

    def add(section, measure, this=None, last=None, ly=None, target=None):
        out.append({"section": section, "measure": measure, "this_week": this, "last_week": last,
                    "same_week_last_year": ly, "target": target})

    for n in GOAL_MEASURES:
        add("goal", f"quarter.{n}", review.goal.get(n), review.goal_last_week.get(n))
    for _, n in FUNNEL:
        r = review.rows[n]
        add("funnel", n, r["this_week"], r["last_week"], r["same_week_last_year"], r["target"])
    for n in KEY_MEASURES:
        r = review.rows[n]
        add("key_measures", n, r["this_week"], r["last_week"], r["same_week_last_year"], r["target"])
    for c in review.changes:
        add("changes", c.measure, c.this_week, c.last_week)
    r = review.rows["sla_breaches"]
    add("friction", "sla_breaches", r["this_week"], r["last_week"], r["same_week_last_year"], r["target"])
    for k, n in review.friction_totals.items():
        add("friction", f"friction.{k}_listed", n)
    for n in WINS_MEASURES:
        r = review.rows[n]
        if n in ("won_deals", "won_revenue"):
            continue     # already in the funnel and key measures
        add("wins", n, r["this_week"], r["last_week"], r["same_week_last_year"], r["target"])
    for team in ("marketing", "sales"):
        add("wins", f"wins.{team}_sourced_deals", sum(1 for w in review.wins if w["sourced_by"] == team))
    return out


def plain(v) -> str:
    """A number as numbers.csv writes it: plain (no thousands separator, rates as fractions), empty for
    null; repr of a float round-trips exactly."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    return str(v)


def numbers_csv(review: Review) -> bytes:
    """numbers.csv: plain numbers; text cells that Excel would run as a formula get a leading '."""
    import csv
    import io

    from onefunnel.safe import cell_safe

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(NUMBERS_COLUMNS)
    for row in numbers(review):
        cells = []
        for c in NUMBERS_COLUMNS:
            v = row[c]
            cells.append(cell_safe(plain(v)) if isinstance(v, str) else plain(v))
        w.writerow(cells)
    return buf.getvalue().encode("utf-8")
