"""Shared Streamlit pieces: the database cursor per session, the shared sidebar (period,
comparison, team lens, all bound to the URL), cached queries, number formats, metric
cards with their definitions, safe downloads and empty states. Pages import from here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from onefunnel import charts, layer, periods, safe
from onefunnel.db import DatabaseLocked, commits, connect, db_path, get_setting
from onefunnel.db import data_version as db_data_version, ensure_fresh, run_checked
from onefunnel.formats import (  # noqa: F401 - re-exported for pages
    FORMATTERS, _missing, change_text, fmt_date, fmt_days, fmt_hours, fmt_int, fmt_money, fmt_pct, fmt_ratio)
from onefunnel.definitions import METRICS, help_text
from onefunnel.queries import run
from onefunnel.safe import excel_safe, md, plot_text  # noqa: F401 - pages call ui.md, ui.plot_text

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
    from onefunnel import backup

    con = connect(path)
    backup.start_agent(con, path)   # `python -m onefunnel backup` asks this process while it holds the file
    return con


def session_cursor():
    """This run's cursor on the process-wide connection, unchecked: for access.py, which decides who may use
    cursor(). One cursor per session and script thread: when a rerun starts while the previous run of the same
    session is still inside a query, Streamlit runs the two on different threads, and DuckDB refuses a second
    call on a busy cursor ("connection is busy") instead of waiting. Cursors of finished threads are closed."""
    import threading

    path = str(db_path())
    mine = st.session_state.setdefault(f"_onefunnel_cursors::{path}", {})
    tid = threading.get_ident()
    if tid not in mine:
        alive = {t.ident for t in threading.enumerate()}
        for old in [t for t in mine if t not in alive]:
            mine.pop(old).close()
        try:
            mine[tid] = _shared_connection(path).cursor()
        except DatabaseLocked as exc:
            st.error(str(exc), icon=":material/lock:")
            st.stop()
    return mine[tid]


def cursor():
    """This session's cursor. Every read and write of a page starts here, so here the person is checked too
    (access.py): someone who may not see the numbers gets the sign-in or the refusal instead, however the
    page was reached."""
    from onefunnel import access

    con = session_cursor()
    person = access.person_of_this_run(con)
    if not access.may_see(person):
        access.gate(person)
        st.stop()
    memo = _run_memo()
    if not memo.get("fresh"):
        ensure_fresh(con)   # every write refreshes the model's tables; this catches one that did not
        memo["fresh"] = True
        if "_onefunnel_run" in st.session_state:   # an app.py run (begin_run forgets it at the next one)
            run_checked(True)   # the run's queries need not check again (5-16 ms each) until a commit
    return con


def begin_run() -> None:
    """app.py calls this first in every run: the run's checks (the model's tables are fresh, the data's version)
    are then made once per run, not once per query (5 ms each at 1M leads, 20 queries a page)."""
    st.session_state["_onefunnel_run"] = {"commits": commits()}
    run_checked(False)


def _run_memo() -> dict:
    """This run's memo; empty (and not kept) outside app.py's runs, and forgotten when this process committed
    a write since it was made, or a page is about to write (access.writer)."""
    memo = st.session_state.get("_onefunnel_run")
    if memo is None:
        return {}
    if memo.get("commits") != commits():
        memo.clear()
        memo["commits"] = commits()
    return memo


def data_version(con=None) -> tuple:
    """Changes whenever data or settings change; part of every cache key. Read once per run (begin_run)."""
    if con is not None:
        return db_data_version(con)
    memo = _run_memo()
    if "version" not in memo:
        memo["version"] = db_data_version(cursor())
    return memo["version"]


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
    """The name recorded in change logs, without a permission check: pages pass access.writer(action) instead
    (tests/test_house.py)."""
    from onefunnel import access

    person = access.current()
    return (str(st.session_state.get("who") or "").strip() or access.SINGLE_USER_NAME) if person.single_user \
        else person.log_name


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_measures(wanted: tuple, dimension, params: tuple, version: tuple, path: str, where: tuple = ()) -> list[dict]:
    con = _shared_connection(path).cursor()
    try:
        p = dict(params)
        if dimension:
            return layer.by(con, wanted, dimension, **p, where=where)
        return [layer.values(con, wanted, **p, where=where)]
    finally:
        con.close()


def _period_args(params: dict) -> tuple:
    return tuple(sorted((k, params[k]) for k in ("start", "end", "as_of", "sla_hours", "goal")))


def _where_args(where) -> tuple:
    return tuple((d, tuple(vals)) for d, vals in (where or ()))


def measures(names, params: dict, where=()) -> dict:
    """Measures of the metrics layer by name for a period (view.params() or compare_params()); `where`:
    filters as (dimension, values) pairs (layer.values)."""
    return _cached_measures(tuple(names), None, _period_args(params), data_version(), str(db_path()),
                            _where_args(where))[0]


def measures_by(names, dimension, params: dict, where=()) -> pd.DataFrame:
    """Measures by one dimension of the metrics layer: a row per value (column `value`); by a tuple of two
    dimensions, a row per pair (columns `value`, `value_2`). `where` as in measures()."""
    dims = layer.dims_of(dimension)
    rows = _cached_measures(tuple(names), dims if len(dims) > 1 else dims[0], _period_args(params), data_version(),
                            str(db_path()), _where_args(where))
    return pd.DataFrame(rows, columns=[*layer.VALUE_COLUMNS[:len(dims)], *names])


PAGE_MEASURES = tuple(n for n in layer.layer().measures if n not in ("quota", "quota_attainment")) + tuple(
    f"trailing.{n}" for n in ("avg_deal_size", "win_rate", "sql_to_opp_rate", "mql_to_sql_rate", "lead_to_mql_rate"))


def period_metrics(view: "View"):
    """(v, m, prev): every measure of the period by name, the comparison period's (None without one),
    and v(key, row=m), a measure's value as plain Python (None for null or no row)."""
    m = measures(PAGE_MEASURES, view.params())
    prev = measures(PAGE_MEASURES, view.compare_params()) if view.compare else None

    def v(key, row=m):
        return None if row is None else row.get(key)

    return v, m, prev


def rep_scorecard(view: "View") -> pd.DataFrame:
    """The Sales page's per-rep table (onefunnel.metrics.rep_scorecard), cached like every query."""
    from onefunnel.metrics import REP_MEASURES

    return pd.DataFrame(_cached_reps(_period_args(view.params()), data_version(), str(db_path())),
                        columns=["owner", *REP_MEASURES])


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_reps(params: tuple, version: tuple, path: str) -> list[dict]:
    from onefunnel.metrics import rep_scorecard

    p = dict(params)
    con = _shared_connection(path).cursor()
    try:
        return rep_scorecard(con, p["start"], p["end"], p["as_of"], p["sla_hours"])
    finally:
        con.close()


def conversion_difference(first: str, second: str, params: dict) -> list[dict]:
    """The records behind the difference of two conversions (layer.ratio_parts): for the groups they divide
    by and the records they count as converted, those in one measure and not in the other. Cached."""
    p = tuple((k, params[k]) for k in ("start", "end", "as_of", "sla_hours"))
    return _cached_difference(first, second, p, data_version(), str(db_path()))


@st.cache_data(show_spinner=False, max_entries=32)
def _cached_difference(first: str, second: str, params: tuple, version: tuple, path: str) -> list[dict]:
    (num_a, den_a), (num_b, den_b) = layer.ratio_parts(first), layer.ratio_parts(second)
    con = _shared_connection(path).cursor()

    def keyed(names):
        return pd.DataFrame(layer.records(con, names, **dict(params)), columns=["record_type", "record_key", "record"])

    out = []
    try:
        for what, a, b in (("divided by", den_a, den_b), ("counted as converted", num_a, num_b)):
            ra, rb = keyed(a), keyed(b)
            for x, y, xs, ys in ((first, second, ra, rb), (second, first, rb, ra)):
                # object keys: pandas' hash table (Arrow text's isin walks the values in Python)
                only = xs[~xs["record_key"].astype(object).isin(ys["record_key"].astype(object))][["record_type", "record"]]
                out.append({"key": f"{what}_{x}", "records": only.reset_index(drop=True),
                            "title": f"{fmt_int(len(only))} records {what} in {METRICS[x].label}, "
                                     f"not in {METRICS[y].label}"})
    finally:
        con.close()
    return out


@st.cache_data(show_spinner=False, max_entries=128)
def _cached_scorecard(fn: str, dimension: str, start, end, version: tuple, path: str) -> list[dict]:
    from onefunnel import metrics

    con = _shared_connection(path).cursor()
    try:
        return getattr(metrics, fn)(con, dimension, start, end)
    finally:
        con.close()


def scorecard(fn: str, dimension: str, view: "View") -> pd.DataFrame:
    """A page table of onefunnel.metrics by dimension (marketing_scorecard, lead_quality), cached."""
    return pd.DataFrame(_cached_scorecard(fn, dimension, view.start, view.end, data_version(), str(db_path())))


def baseline_metrics(view: "View") -> dict:
    """The measures of the like-for-like previous period (METRICS.md "Comparisons"), whatever the sidebar
    compares with: the "previous" default targets of the accountability table hold a team to it."""
    fy = int(get_setting(cursor(), "fiscal_year_start_month", 1))
    c = periods.comparison(view.start, view.end, view.as_of, "previous", fy)
    return measures(PAGE_MEASURES, {**view.params(), "start": c.start, "end": c.end, "as_of": c.as_of})


def data_to() -> dt.date | None:
    """The newest record date of the workspace (queries/data_freshness.sql): what the data runs to."""
    newest = query("data_freshness")["newest"].iloc[0]
    return None if pd.isna(newest) else pd.Timestamp(newest).date()


def has_data() -> bool:
    con = cursor()
    return bool(con.execute("select count(*) from imports").fetchall()[0][0])


# ---- periods --------------------------------------------------------------------------------------

def today() -> dt.date:
    """Today, or $ONEFUNNEL_TODAY (tests pin the clock with it): periods.today()."""
    return periods.today()


# the rules live in onefunnel.periods (the CLI uses them too)
period_range = periods.period_range


@dataclass(frozen=True)
class View:
    """What this session looks at: the period, its comparison and the team lens."""
    start: dt.date
    end: dt.date
    as_of: dt.date
    compare: tuple[dt.date, dt.date] | None
    team: str
    label: str
    comparison: periods.Comparison | None = None

    def compare_text(self) -> str:
        """What a delta compares with, e.g. 'vs Apr 1, 2026 – May 16, 2026, the first 46 days of the period
        before'."""
        if not self.comparison:
            return ""
        return "vs " + self.comparison.describe((self.as_of - self.start).days + 1)

    def params(self) -> dict:
        return {"start": self.start, "end": self.end, "as_of": self.as_of,
                "sla_hours": float(get_setting(cursor(), "sla_hours", 24)), "goal": None}

    def compare_params(self) -> dict | None:
        if not self.compare:
            return None
        c = self.comparison
        return {**self.params(), "start": c.start, "end": c.end, "as_of": c.as_of}

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
    c = periods.comparison(start, end, as_of, {"last_year": "year"}.get(compare_mode, compare_mode), fy)
    return View(start, end, as_of, (c.start, c.end) if c else None, team, label, c)


def sidebar_query() -> list[tuple[str, str]]:
    """The sidebar's controls as URL query parameters (their labels, as bound), for a link that reopens
    this view: period (with start and end for a custom one), comparison, team lens."""
    state = st.session_state
    out = [("period", PERIODS[state.get("period") or "this_quarter"])]
    if state.get("period") == "custom":
        out += [(k, state[k].isoformat()) for k in ("start", "end") if isinstance(state.get(k), dt.date)]
    out.append(("compare", COMPARE[state.get("compare") or "previous"]))
    out.append(("team", TEAMS[state.get("team") or "everyone"]))
    return out


def view() -> View:
    """The view set by the sidebar in app.py on this run."""
    v = st.session_state.get("_view")
    if v is None:
        v = sidebar()
        st.session_state["_view"] = v
    return v


# ---- formats ----------------------------------------------------------------------------------------
# the rules live in onefunnel.formats (charts use them too); pages call them as ui.fmt_*

def fmt_metric(key: str, value) -> str:
    return FORMATTERS[METRICS[key].fmt](value)


def fmt_delta(key: str, value, previous) -> str | None:
    """The change against the comparison in the measure's unit; None when either side is missing."""
    if previous is None or _missing(previous) or _missing(value):
        return None
    diff = value - previous
    kind = METRICS[key].fmt
    if kind in ("pct", "share"):
        pts = round(diff * 100, 1)
        return f"{pts + 0.0:+.1f} pts"           # + 0.0: never "-0.0"
    if kind == "money":
        return ("+" if round(diff) >= 0 else "-") + fmt_money(abs(diff))
    if kind == "int":
        return f"{int(round(diff)):+,}"
    return f"{round(diff, 1) + 0.0:+.1f}"


def metric(key: str, value, previous=None, label: str | None = None, container=None,
           higher_is_better: bool | None = None) -> None:
    """A metric card with its definition as the tooltip and the change against the comparison
    (green when it moved the measure's better way, per the metrics layer's direction)."""
    target = container or st
    if higher_is_better is None:
        higher_is_better = not (key in layer.layer().measures and layer.measure(key).lower_is_better)
    delta = fmt_delta(key, value, previous)
    unchanged = delta is not None and not any(ch in "123456789" for ch in delta)
    # no change (as shown: "+0.0 pts", "+$0"): grey, no arrow, in words
    target.metric(label or METRICS[key].label, fmt_metric(key, value), delta="no change" if unchanged else delta,
                  delta_color="off" if unchanged else "normal" if higher_is_better else "inverse",
                  delta_arrow="off" if unchanged else "auto", help=help_text(key), border=True)


# ---- downloads -----------------------------------------------------------------------------------------

# Column widths for st.dataframe: glide sizes a column to its header and first cells, which cut "$99,196" to
# "9,196" when the table is squeezed; a column of this kind gets at least the width of its widest value.
_NUMBER_FORMATS = {"int": "localized", "money": "dollar", "pct": "percent", "share": "percent", "hours": "%.1f h",
                   "days": "%.1f d", "ratio": "%.1f×", "tenths": "%.1f"}
_VALUE_CHARS = {"int": 5, "money": 9, "pct": 5, "share": 5, "hours": 7, "days": 7, "ratio": 5, "tenths": 5}


def col_width(label: str, chars: int = 0) -> int:
    """Pixels for a column whose header is `label` and whose widest value has `chars` characters (14 px Source
    Sans: at most 7 px a character, 16 px of padding)."""
    return int(max(len(label), chars) * 7 + 20)


def number_column(label: str, kind: str = "int", help: str | None = None, chars: int | None = None):
    """A number column in the measure format of its kind (tables: whole dollars, see for_people), wide enough
    for its header and values."""
    return st.column_config.NumberColumn(label, format=_NUMBER_FORMATS[kind], help=help,
                                         width=col_width(label, chars or _VALUE_CHARS[kind]))


def text_column(label: str, chars: int = 12, help: str | None = None, **kw):
    return st.column_config.TextColumn(label, help=help, width=col_width(label, chars), **kw)


def for_people(df: pd.DataFrame, money=(), rates=()) -> pd.DataFrame:
    """A table's copy for display: amounts in whole dollars ($120,000 not $120,000.17), rates to a tenth of a
    percent (43.8%, not 43.75%). Downloads keep the exact values."""
    out = df.copy()
    for c in money:
        if c in out.columns:
            out[c] = pd.to_numeric(out[c], errors="coerce").round(0).astype("Int64")
    for c in rates:
        if c in out.columns:
            out[c] = pd.to_numeric(out[c], errors="coerce").round(3)
    return out


def numbers(df: pd.DataFrame, kinds: dict[str, str], config: dict | None = None) -> tuple[pd.DataFrame, dict]:
    """A table's frame and column_config for ui.table with its numbers formatted for people: each column named in
    `kinds` (column -> "money", "pct", "ratio", ... of _NUMBER_FORMATS) shown as a number column in that format,
    money in whole dollars and rates to a tenth of a percent (for_people); the label, help, width and pinning
    `config` gives it are kept. The browser formats the cells, so the table still sorts by value. (A pandas
    Styler did this before: Streamlit marshals a Styler cell by cell, 40% of the Attribution page's run.)"""
    shown = for_people(df, money=[c for c, k in kinds.items() if k == "money"],
                       rates=[c for c, k in kinds.items() if k in ("pct", "share")])
    out = dict(config or {})
    for c, kind in kinds.items():
        if c not in df.columns:
            continue
        cfg = out.get(c)
        cfg = {"label": cfg} if isinstance(cfg, str) else dict(cfg or {})
        cfg["type_config"] = {"type": "number", "format": _NUMBER_FORMATS[kind]}
        out[c] = cfg
    return shown, out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    return safe.csv_bytes(df)


TABLE_ROWS = 10_000   # rows a page's table shows; its download (and the console's) has them all
LIST_ROWS = 1_000   # rows a Friction list asks its query for: a standup reads the top (download_query_csv has all)


def table(data, rows: int = TABLE_ROWS, total: int | None = None, **kw):
    """st.dataframe as every page shows a table: "–" for a missing value, and text cells that a spreadsheet
    would run as a formula made safe (safe.cell_safe), since the table toolbar's own download exports the
    cells as they are. The first `rows` rows only, with a caption saying so: nobody reads 100k rows in a
    meeting, and sending them costs seconds (a page's download_csv of the table has every row). `total`: how
    many rows the list has when `data` holds only its first ones (a query with a limit). `data` may be a frame
    or a pandas Styler."""
    from pandas.io.formats.style import Styler

    if isinstance(data, pd.DataFrame) and max(len(data), total or 0) > min(rows, len(data)):
        # (a Styler is drawn whole: a short list)
        st.caption(f"Showing the first {fmt_int(min(rows, len(data)))} of {fmt_int(max(len(data), total or 0))} "
                   "rows, in the order above.")
        data = data.head(rows)
    if isinstance(data, Styler):
        data.data = excel_safe(data.data, headers=False)
    elif isinstance(data, pd.DataFrame):
        data = excel_safe(data, headers=False)
    return st.dataframe(data, placeholder="–", **kw)


def editor(data: pd.DataFrame, *, key: str, column_config: dict | None = None, **kw) -> pd.DataFrame:
    """st.data_editor as every page shows one. Its toolbar download, like st.dataframe's, exports the cells as
    shown, and Streamlit 1.67 can only turn it off for every table at once (client.disableDataExport). So text
    cells and selectbox options are shown made safe (safe.cell_safe, as ui.table), and the result takes the
    escape back: an existing cell still equal to its shown text gets its original value, and an edited or added
    cell that picked a shown option gets that option. Unedited, it returns what data held (a cell a user typed is
    kept as typed). `data` needs a unique index; the rest goes to st.data_editor."""
    if not data.index.is_unique:
        raise ValueError("ui.editor needs a frame with a unique index")
    shown = excel_safe(data, headers=False)
    config, choices = dict(column_config or {}), {}
    for col, cfg in config.items():
        kind = (cfg.get("type_config") or {}) if isinstance(cfg, dict) else {}
        options = kind.get("options")
        if kind.get("type") != "selectbox" or not options:
            continue
        back, safe_options = {}, []
        for o in options:
            value = o["value"] if isinstance(o, dict) else o
            back.setdefault(safe.cell_safe(value), value)   # two options alike once escaped: the first wins
            safe_options.append({**o, "value": safe.cell_safe(value), "label": safe.cell_safe(o.get("label", value))}
                                if isinstance(o, dict) else safe.cell_safe(o))
        config[col] = {**cfg, "type_config": {**cfg["type_config"], "options": safe_options}}
        choices[col] = back
    edited = st.data_editor(shown, key=key, column_config=config, **kw)
    if not isinstance(edited, pd.DataFrame):
        return edited
    state = st.session_state.get(key)
    if isinstance(state, dict) and not any(state.get(k) for k in ("edited_rows", "added_rows", "deleted_rows")):
        return data.copy()   # nothing edited: what data held (most runs; the loop below costs ms a table)
    added = len(state.get("added_rows") or []) if isinstance(state, dict) else 0
    out = edited.copy()
    kept = set(out.index[:len(out) - added])           # added rows come last, deleted ones are gone
    escaped = {col: {i for i, a, b in zip(data.index, data[col], shown[col]) if isinstance(a, str) and a != b}
               for col in data.columns if col in out.columns}
    for col in [c for c in escaped if escaped[c] or c in choices]:
        back = choices.get(col, {})
        for i in out.index:
            value = out.at[i, col]
            if not isinstance(value, str):
                continue
            if i in kept and value == shown.at[i, col]:
                if i in escaped[col]:
                    out.at[i, col] = data.at[i, col]
            elif value in back:
                out.at[i, col] = back[value]
    return out


def plotly_chart(fig, **kw):
    """st.plotly_chart with the figure's data texts escaped (safe.figure: a label is never a link or an
    image), the figure's own colours and the house toolbar, unless the call says otherwise."""
    kw.setdefault("theme", None)
    kw.setdefault("config", charts.PLOTLY_CONFIG)
    return st.plotly_chart(safe.figure(fig), **kw)


def chart(build, *args, key: str, options: dict | None = None, **kw):
    """Draw build(*args, **kw), a figure builder of onefunnel.charts*, built once for the same inputs
    (charts.shared_figure); `options` go to st.plotly_chart (theme, config, on_select, ...)."""
    return plotly_chart(charts.shared_figure(build, *args, **kw), key=key, **(options or {}))


def download_csv(df: pd.DataFrame, file_name: str, label: str = "Download CSV", key: str | None = None) -> None:
    """A formula-safe CSV of `df`, written only when the button is clicked (Streamlit's deferred download), and
    the click does not rerun the page: a page run no longer pays for files nobody downloads."""
    if len(df) > TABLE_ROWS and label == "Download CSV":   # the table beside it shows only the first rows
        label = f"Download all {fmt_int(len(df))} rows (CSV)"
    _csv_button(label, lambda: to_csv_bytes(df), file_name, key, df.empty)


def _csv_button(label: str, build, file_name: str, key: str | None, disabled: bool) -> None:
    """A download button whose CSV `build()` writes on click; the click does not rerun the page."""
    st.download_button(label, data=build, file_name=file_name, mime="text/csv", icon=":material/download:",
                       key=key, disabled=disabled, on_click="ignore")


def download_query_csv(name: str, params: dict, columns: list[str], file_name: str, rows: int, shown: int,
                       key: str | None = None) -> None:
    """download_csv of every row of query `name` (`columns` of it) when the page holds only its first rows: the
    query runs when the button is clicked, on a cursor of its own (the click is served outside the page's
    run). `rows`: how many rows the list has; `shown`: how many the page shows."""
    con = _shared_connection(str(db_path()))

    def build() -> bytes:
        c = con.cursor()
        try:
            return to_csv_bytes(run(c, name, **params)[columns])
        finally:
            c.close()

    label = f"Download all {fmt_int(rows)} rows (CSV)" if rows > shown else "Download CSV"
    _csv_button(label, build, file_name, key, not rows)


# ---- empty states -------------------------------------------------------------------------------------

def empty_workspace() -> None:
    """What an empty workspace says: what to upload, where, or load the demo company."""
    st.info("This workspace has no data yet. Upload your CRM and marketing exports "
            "(HubSpot, Salesforce, Pipedrive, Google Ads, or the plain templates) on the Data page, "
            "or load the demo company to look around.", icon=":material/upload_file:")
    c1, c2 = st.columns(2)
    c1.page_link("pages/data.py", label="Upload exports", icon=":material/upload:")
    from onefunnel import access

    if c2.button("Load the demo company", icon=":material/science:", key="load_demo_empty",
                 disabled=not access.can("import")):
        load_demo_with_progress()


def load_demo_with_progress() -> None:
    from demo.load import load_demo   # not part of the runtime package
    from onefunnel import access

    access.writer("import")   # an import: admins only (the demo's rows are logged as "demo")

    bar = st.progress(0.0, text="Writing the demo company's exports…")
    for line in load_demo(cursor(), progress=lambda f, m: bar.progress(min(f, 1.0), text=m)):
        pass
    bar.progress(1.0, text="Demo company loaded")
    st.rerun()


def data_age(days: int) -> str:
    """How old the newest record is, in words. A date after today (a record dated ahead, or a clock behind the
    export's) says so rather than "-3 days old"."""
    n = abs(days)
    words = f"{fmt_int(n)} day{'' if n == 1 else 's'}"
    return "today" if days == 0 else f"{words} old" if days > 0 else f"{words} after today"


def page_header(title: str, view: View, lede: str | None = None) -> None:
    """A page's title, the period it shows (and what its changes compare with), the page's one-line lede,
    and, for an empty workspace, what to do next (then stop)."""
    st.title(title)
    if not has_data():
        empty_workspace()
        st.stop()
    newest = data_to()
    age = (today() - newest).days if newest else None
    dates = f"{fmt_date(view.start)} – {fmt_date(view.end)}"
    st.caption((dates if view.label == dates else f"{view.label}: {dates}")    # a custom period: its dates once
               + (f" · numbers as of {fmt_date(view.as_of)}" if view.as_of < view.end else "")
               + (f" · data to {fmt_date(newest)}, " + data_age(age) if newest else "")
               + (f" · changes {view.compare_text()}" if view.comparison else ""))
    if newest and view.as_of > newest and view.end > newest:
        st.warning(f"The newest record is from {fmt_date(newest)}: the {(view.as_of - newest).days} days after it "
                   f"up to {fmt_date(view.as_of)} have no data yet, so this period's volumes look low. Upload "
                   "fresh exports on the Data page.", icon=":material/update:")
    if lede:
        st.caption(lede)


def section(title: str, caption: str | None = None) -> None:
    st.subheader(title, divider="gray")
    if caption:
        st.caption(caption)
