"""Shared Streamlit pieces: the database cursor per session, the shared sidebar (period,
comparison, team lens, all bound to the URL), cached queries, number formats, metric
cards with their definitions, safe downloads and empty states. Pages import from here.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from onefunnel.db import DatabaseLocked, connect, db_path, get_setting
from onefunnel.formats import (  # noqa: F401 - re-exported for pages
    _missing, fmt_date, fmt_days, fmt_hours, fmt_int, fmt_money, fmt_pct, fmt_ratio)
from onefunnel.definitions import METRICS, help_text
from onefunnel.queries import run

# One accent colour per team, used on every page.
TEAM_COLORS = {"marketing": "#7048e8", "sales": "#0c8599", "shared": "#e8590c"}
NEUTRAL = "#868e96"
GOAL_COLOR = "#495057"

PERIODS = {
    "this_week": "This week",
    "last_week": "Last week",
    "this_month": "This month",
    "last_month": "Last month",
    "this_quarter": "This quarter",
    "last_quarter": "Last quarter",
    "year_to_date": "Year to date",
    "last_12_months": "Last 12 months",
    "custom": "Custom",
}
COMPARE = {"previous": "Previous period", "last_year": "Same period last year", "none": "No comparison"}
TEAMS = {"everyone": "Everyone", "marketing": "Marketing", "sales": "Sales"}


# ---- database ------------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def _shared_connection(path: str):
    return connect(path)


def cursor():
    """This session's cursor on the process-wide connection (DuckDB: one cursor per thread)."""
    path = str(db_path())
    key = f"_onefunnel_cursor::{path}"
    if key not in st.session_state:
        try:
            st.session_state[key] = _shared_connection(path).cursor()
        except DatabaseLocked as exc:
            st.error(str(exc), icon=":material/lock:")
            st.stop()
    return st.session_state[key]


def data_version(con=None) -> tuple:
    """Changes whenever data or settings change; part of every cache key."""
    con = con or cursor()
    return tuple(con.execute(
        "select (select coalesce(max(import_id), 0) from imports),"
        " (select count(*) from settings_log),"
        " (select count(*) from lead_records) + (select count(*) from opportunity_records)").fetchall()[0])


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(name: str, params: tuple, version: tuple, path: str) -> pd.DataFrame:
    con = _shared_connection(path).cursor()
    try:
        return run(con, name, **dict(params))
    finally:
        con.close()


def query(name: str, **params) -> pd.DataFrame:
    """Run a named query (queries/<name>.sql), cached until the data or settings change."""
    return _cached(name, tuple(sorted(params.items())), data_version(), str(db_path()))


def who() -> str:
    """The name recorded in change logs: the signed-in user, else the name typed on an edit form."""
    try:
        if st.user.is_logged_in:
            return str(st.user.get("email") or st.user.get("name"))
    except Exception:  # st.user needs auth configured; without it there is no signed-in user
        pass
    return st.session_state.get("who") or "app user"


def period_metrics(view: "View"):
    """(v, m, prev): the period's row of queries/period_metrics.sql, the comparison period's (None
    without one), and v(key, row=m), a metric's value as plain Python (None for null or no row)."""
    m = query("period_metrics", **view.params()).iloc[0]
    prev = query("period_metrics", **view.compare_params()).iloc[0] if view.compare else None

    def v(key, row=m):
        if row is None:
            return None
        x = row[key]
        return None if pd.isna(x) else x

    return v, m, prev


def has_data() -> bool:
    con = cursor()
    return bool(con.execute("select count(*) from imports").fetchall()[0][0])


# ---- periods --------------------------------------------------------------------------------------

def today() -> dt.date:
    """Today, or $ONEFUNNEL_TODAY (tests pin the clock with it)."""
    fixed = os.environ.get("ONEFUNNEL_TODAY")
    return dt.date.fromisoformat(fixed) if fixed else dt.date.today()


def _add_months(d: dt.date, months: int) -> dt.date:
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
        return start, _add_months(start, 1) - dt.timedelta(days=1)
    if preset == "last_month":
        start = _add_months(ref.replace(day=1), -1)
        return start, ref.replace(day=1) - dt.timedelta(days=1)
    months_into_fy = (ref.month - fy_start_month) % 12
    fy_start = _add_months(ref.replace(day=1), -months_into_fy)
    if preset in ("this_quarter", "last_quarter"):
        q_start = _add_months(fy_start, (months_into_fy // 3) * 3)
        if preset == "last_quarter":
            q_start = _add_months(q_start, -3)
        return q_start, _add_months(q_start, 3) - dt.timedelta(days=1)
    if preset == "year_to_date":
        return fy_start, ref
    if preset == "last_12_months":
        return _add_months(ref.replace(day=1), -11), ref
    raise ValueError(preset)


def comparison_range(start: dt.date, end: dt.date, mode: str) -> tuple[dt.date, dt.date] | None:
    if mode == "previous":
        days = (end - start).days + 1
        return start - dt.timedelta(days=days), start - dt.timedelta(days=1)
    if mode == "last_year":
        def back(d):
            try:
                return d.replace(year=d.year - 1)
            except ValueError:          # 29 February
                return d.replace(year=d.year - 1, day=28)
        return back(start), back(end)
    return None


@dataclass(frozen=True)
class View:
    """What this session looks at: the period, its comparison and the team lens."""
    start: dt.date
    end: dt.date
    as_of: dt.date
    compare: tuple[dt.date, dt.date] | None
    team: str
    label: str

    def params(self) -> dict:
        return {"start": self.start, "end": self.end, "as_of": self.as_of,
                "sla_hours": float(get_setting(cursor(), "sla_hours", 24)), "goal": None}

    def compare_params(self) -> dict | None:
        if not self.compare:
            return None
        start, end = self.compare
        return {**self.params(), "start": start, "end": end, "as_of": end}

    def url_params(self) -> dict:
        """Query parameters that reopen this view (for links between pages)."""
        return {k: v for k, v in st.query_params.to_dict().items()}


def sidebar() -> View:
    """The shared sidebar; every control is bound to the URL so a copied link opens the same view."""
    con = cursor()
    fy = int(get_setting(con, "fiscal_year_start_month", 1))
    ref = today()
    with st.sidebar:
        st.markdown("**View**")
        preset = st.selectbox("Period", list(PERIODS), index=list(PERIODS).index("this_quarter"),
                              format_func=PERIODS.get, key="period", bind="query-params",
                              help="Fiscal quarters and years start in the month set on the Definitions page.")
        if preset == "custom":
            default_start, default_end = period_range("this_quarter", ref, fy)
            start = st.date_input("From", value=default_start, key="start", bind="query-params")
            end = st.date_input("To", value=default_end, key="end", bind="query-params")
            if not isinstance(start, dt.date) or not isinstance(end, dt.date):
                start, end = default_start, default_end
            if end < start:
                st.warning("The period ends before it starts; showing it the other way round.")
                start, end = end, start
        else:
            start, end = period_range(preset, ref, fy)
        compare_mode = st.selectbox("Compare with", list(COMPARE), format_func=COMPARE.get,
                                    key="compare", bind="query-params")
        team = st.segmented_control("Team lens", list(TEAMS), format_func=TEAMS.get, default="everyone",
                                    key="team", bind="query-params", required=True) or "everyone"
        as_of = min(max(ref, start), end)
        st.caption(f"{fmt_date(start)} – {fmt_date(end)}"
                   + (f" · as of {fmt_date(as_of)}" if as_of < end else ""))
    label = PERIODS[preset] if preset != "custom" else f"{fmt_date(start)} – {fmt_date(end)}"
    return View(start, end, as_of, comparison_range(start, end, compare_mode), team, label)


def view() -> View:
    """The view set by the sidebar in app.py on this run."""
    v = st.session_state.get("_view")
    if v is None:
        v = sidebar()
        st.session_state["_view"] = v
    return v


# ---- formats ----------------------------------------------------------------------------------------
# the rules live in onefunnel.formats (charts use them too); pages call them as ui.fmt_*

FORMATTERS = {"int": fmt_int, "money": fmt_money, "pct": fmt_pct, "hours": fmt_hours,
              "days": fmt_days, "ratio": fmt_ratio, "share": fmt_pct}


def fmt_metric(key: str, value) -> str:
    return FORMATTERS[METRICS[key].fmt](value)


def metric(key: str, value, previous=None, label: str | None = None, container=None,
           higher_is_better: bool = True) -> None:
    """A metric card with its definition as the tooltip and the change against the comparison."""
    target = container or st
    delta = None
    if previous is not None and not _missing(previous) and not _missing(value):
        diff = value - previous
        kind = METRICS[key].fmt
        if kind in ("pct", "share"):
            delta = f"{diff * 100:+.1f} pts"
        elif kind == "money":
            delta = ("+" if diff >= 0 else "") + fmt_money(diff)
        elif kind == "int":
            delta = f"{int(round(diff)):+,}"
        else:
            delta = f"{diff:+.1f}"
    target.metric(label or METRICS[key].label, fmt_metric(key, value), delta=delta,
                  delta_color="normal" if higher_is_better else "inverse",
                  help=help_text(key), border=True)


# ---- downloads -----------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that Excel would run as a formula with ' (OWASP CSV injection)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
    return out


def people(df: pd.DataFrame, formats: dict, text: tuple = ()):
    """The frame for st.dataframe with numbers formatted for people ($1.2M, 34%, 2.1×). Columns in
    `text` that may be empty become formatted text ('–' when empty: Streamlit would print 'None')."""
    out = df.copy()
    for c in text:
        if c in out.columns:
            out[c] = [formats[c](v) if v is not None and not pd.isna(v) else "–" for v in out[c]]
    return out.style.format({c: f for c, f in formats.items() if c in out.columns and c not in text}, na_rep="–")


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    return excel_safe(df).to_csv(index=False).encode("utf-8-sig")


def download_csv(df: pd.DataFrame, file_name: str, label: str = "Download CSV", key: str | None = None) -> None:
    st.download_button(label, data=to_csv_bytes(df), file_name=file_name, mime="text/csv",
                       icon=":material/download:", key=key, disabled=df.empty)


# ---- empty states -------------------------------------------------------------------------------------

def empty_workspace() -> None:
    """What an empty workspace says: what to upload, where, or load the demo company."""
    st.info("This workspace has no data yet. Upload your CRM and marketing exports "
            "(HubSpot, Salesforce, Pipedrive, Google Ads, or the plain templates) on the Data page, "
            "or load the demo company to look around.", icon=":material/upload_file:")
    c1, c2 = st.columns(2)
    c1.page_link("pages/data.py", label="Upload exports", icon=":material/upload:")
    if c2.button("Load the demo company", icon=":material/science:", key="load_demo_empty"):
        load_demo_with_progress()


def load_demo_with_progress() -> None:
    from demo.load import load_demo   # not part of the runtime package

    bar = st.progress(0.0, text="Writing the demo company's exports…")
    for line in load_demo(cursor(), progress=lambda f, m: bar.progress(min(f, 1.0), text=m)):
        pass
    bar.progress(1.0, text="Demo company loaded")
    st.rerun()


def page_header(title: str, view: View) -> None:
    """A page's title, the period it shows, and, for an empty workspace, what to do next (then stop)."""
    st.title(title)
    st.caption(f"{view.label}: {fmt_date(view.start)} – {fmt_date(view.end)}"
               + (f" · numbers as of {fmt_date(view.as_of)}" if view.as_of < view.end else ""))
    if not has_data():
        empty_workspace()
        st.stop()


def section(title: str, caption: str | None = None) -> None:
    st.subheader(title, divider="gray")
    if caption:
        st.caption(caption)
