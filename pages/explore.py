"""Explore: ask your own question. Measures of the metrics layer by a dimension for rows and optionally one
for columns, filtered by the values of other dimensions, over the sidebar's period: a table, a chart, a CSV.
With one dimension for rows that is not a time grain, each measure has a Δ column against the sidebar's
comparison period (like for like, as every page). The team lens picks the measures it starts with.

Every number is computed by the metrics layer (ui.measures_by -> layer.by, filters and both dimensions in
its one query), so it equals the one on the other pages and in `metrics --by`; this page picks, reshapes
and formats. Every control is bound to the URL: the link shown reopens the same view.
"""

from urllib.parse import urlencode, urlsplit

import pandas as pd
import streamlit as st

from onefunnel import layer, ui
from onefunnel.charts import PLOTLY_CONFIG
from onefunnel.charts_explore import explore_chart
from onefunnel.periods import week_name

LAYER = layer.layer()
MEASURES = {n: m.label for n, m in LAYER.measures.items()}
DIMENSIONS = {n: d.label for n, d in LAYER.dimensions.items()}
FILTERABLE = [n for n, d in LAYER.dimensions.items() if not d.grain]   # the period already cuts time
# what a lens starts with (a link's measures win): the shared outcome, or the team's own stages of the funnel
DEFAULT_MEASURES = {"everyone": ["won_revenue", "win_rate"],
                    "marketing": ["mqls", "lead_to_mql_rate", "mql_to_sql_rate"],
                    "sales": ["won_revenue", "win_rate", "opps_created"]}
NUMBER_FORMAT = {"int": "%d", "money": "dollar", "pct": "percent", "hours": "%.1f", "days": "%.1f", "ratio": "%.2f"}
DELTA_FORMAT = {"int": "%+d", "money": "dollar", "pct": "%+.1f pts", "hours": "%+.1f", "days": "%+.1f",
                "ratio": "%+.2f"}
NONE = "(none)"


def time_label(dimension: str, value) -> str:
    """A time grain's value as text that sorts in time order."""
    grain = LAYER.dimensions[dimension].grain
    if value is None or pd.isna(value):
        return NONE
    if grain == "week":
        return week_name(value)
    return value.strftime("%Y-%m") if grain == "month" else value.isoformat()


def with_changes(now: pd.DataFrame, before: pd.DataFrame, chosen: list, row_label: str) -> tuple[pd.DataFrame, dict]:
    """The rows table with a Δ column after each measure: now minus the comparison period, both indexed by the
    row's value. Rows of the comparison alone come last, largest first. A missing value of a count or sum is 0;
    of a rate it stays empty, and so does its Δ. A rate's Δ is in percentage points."""
    gone = before.loc[~before.index.isin(now.index)].sort_values(chosen[0], ascending=False, na_position="last")
    rows = list(now.index) + list(gone.index)
    now, before = now.reindex(rows).astype(float), before.reindex(rows).astype(float)   # None -> NaN
    out, formats = {row_label: rows}, {}
    for m in chosen:
        spec, label = LAYER.measures[m], MEASURES[m]
        a, b = (now[m].fillna(0), before[m].fillna(0)) if spec.additive else (now[m], before[m])
        out[label], out[f"{label} Δ"] = a, (a - b) * (100 if spec.format == "pct" else 1)
        formats[label], formats[f"{label} Δ"] = spec.format, "Δ" + spec.format
    return pd.DataFrame(out), formats


view = ui.view()
ui.page_header("Explore", view)
st.caption("Pick measures and how to split them; every number is the metrics layer's, the same as on the other "
           "pages and in `python -m onefunnel metrics --by`. The link at the bottom reopens this view.")

# ---- what to show (every control is bound to the URL) ----------------------------------------------------
measures_box = st.container()
c1, c2 = st.columns(2)
rows_dim = c1.selectbox("Rows", list(DIMENSIONS), index=list(DIMENSIONS).index("channel"), format_func=DIMENSIONS.get,
                        key="rows", bind="query-params", help="A value of this dimension per row.")
col_options = [NONE] + [d for d in DIMENSIONS if d != rows_dim]
cols_dim = c2.selectbox("Columns", col_options, format_func=lambda d: DIMENSIONS.get(d, "(none)"),
                        key="columns", bind="query-params", help="Optional: a second dimension, one column per value.")
cols_dim = None if cols_dim in (None, NONE) else cols_dim
filter_dims = st.multiselect("Filter by", [d for d in FILTERABLE if d not in (rows_dim, cols_dim)],
                             format_func=DIMENSIONS.get, key="filters", bind="query-params",
                             help="Keep only the records with the values picked below.")
split = tuple(d for d in (rows_dim, cols_dim) if d)
offered = [n for n in MEASURES if LAYER.supports(n, split + tuple(filter_dims))]
with measures_box:
    chosen = st.multiselect("Measures", offered, default=[n for n in DEFAULT_MEASURES[view.team] if n in offered],
                            format_func=MEASURES.get, key="measures", bind="query-params",
                            placeholder="Pick one or more measures")
    if view.team != "everyone":
        st.caption(f"Team lens **{ui.TEAMS[view.team]}**: the measures start with your team's part of the funnel.")
    hidden = len(MEASURES) - len(offered)
    if hidden:
        st.caption(f"{hidden} measures are hidden: they cannot be split or filtered by "
                   + ", ".join(DIMENSIONS[d].lower() for d in split + tuple(filter_dims))
                   + " (a lead has no deal stage, spend has no owner, goals have no channel, ...); "
                   "the Definitions page says which records each measure counts.")

params = view.params()
where = []
if filter_dims:
    fcols = st.columns(len(filter_dims))
    for fc, fdim in zip(fcols, filter_dims):
        known = ui.measures_by(chosen or offered[:1], fdim, params)["value"] if (chosen or offered) else []
        options = sorted({str(v) for v in known if v is not None})
        picked = fc.multiselect(DIMENSIONS[fdim], options, key=f"in_{fdim}", bind="query-params",
                                placeholder="All values")
        if picked:
            where.append((fdim, picked))

if not chosen:
    st.info("Pick one or more measures above.", icon=":material/touch_app:")
    st.stop()

# ---- the numbers, from the metrics layer --------------------------------------------------------------
long = ui.measures_by(chosen, split, params, where=where)
long = long[long[chosen].fillna(0).ne(0).any(axis=1)].copy()    # a value shows when any measure is non-zero
# The comparison (METRICS.md "Comparisons", like for like) needs rows that exist in both periods: one dimension
# that is not a time grain (a week of the period has no counterpart week in the comparison).
compared = bool(view.comparison) and not cols_dim and not LAYER.dimensions[rows_dim].grain
if compared:
    before = ui.measures_by(chosen, split, view.compare_params(), where=where)
    before = before[before[chosen].fillna(0).ne(0).any(axis=1)]
    before = before.assign(value=before["value"].fillna(NONE).astype(str)).set_index("value")[chosen]
if long.empty:
    st.info(f"No records in {view.label.lower()} for these measures"
            + (" and filters" if where else "") + ". Try another period or measure.", icon=":material/search_off:")
    st.stop()
is_time = {d: bool(LAYER.dimensions[d].grain) for d in split}
for col, dim in zip(layer.VALUE_COLUMNS, split):
    long[col] = [time_label(dim, v) for v in long[col]] if is_time[dim] else long[col].fillna(NONE).astype(str)
first = chosen[0]
if is_time[rows_dim]:
    long = long.sort_values(list(layer.VALUE_COLUMNS[:len(split)]))
else:   # rows by the first measure of the row's value (the layer's, over every column), largest first
    totals = ui.measures_by([first], rows_dim, params, where=where) if cols_dim else long
    totals = totals.assign(value=totals["value"].fillna(NONE).astype(str))
    order = totals.sort_values([first, "value"], ascending=[False, True], na_position="last")["value"].tolist()
    long["_rank"] = long["value"].map({v: i for i, v in enumerate(order)})
    long = long.sort_values(["_rank"] + (["value_2"] if cols_dim else [])).drop(columns="_rank")

# ---- the table -----------------------------------------------------------------------------------------------
row_label = DIMENSIONS[rows_dim]
if cols_dim:
    column_values = sorted(long["value_2"].unique()) if is_time[cols_dim] else list(dict.fromkeys(long["value_2"]))
    grid = long.pivot(index="value", columns="value_2", values=chosen)      # reshaped, not computed
    grid = grid.reindex(index=list(dict.fromkeys(long["value"])))
    names = {(m, v): (str(v) if len(chosen) == 1 else f"{MEASURES[m]} · {v}") for m in chosen for v in column_values}
    table = pd.DataFrame({names[(m, v)]: grid[(m, v)] for m in chosen for v in column_values})
    table.insert(0, row_label, table.index)
    formats = {names[(m, v)]: LAYER.measures[m].format for m in chosen for v in column_values}
    st.caption(f"{MEASURES[first]} by {row_label.lower()} (rows) and {DIMENSIONS[cols_dim].lower()} (columns)"
               if len(chosen) == 1 else f"By {row_label.lower()} (rows) and {DIMENSIONS[cols_dim].lower()} (columns)")
elif compared:
    table, formats = with_changes(long.set_index("value")[chosen], before, chosen, row_label)
else:
    table = long.rename(columns={"value": row_label, **MEASURES})[[row_label] + [MEASURES[m] for m in chosen]]
    formats = {MEASURES[m]: LAYER.measures[m].format for m in chosen}
table = table.reset_index(drop=True)
ui.table(table, hide_index=True, key="explore_table", column_config={
    c: st.column_config.NumberColumn(c, format=DELTA_FORMAT[f[1:]] if f.startswith("Δ") else NUMBER_FORMAT[f])
    for c, f in formats.items()})
if compared:
    st.caption(f"Δ = change {view.compare_text()}; a rate's change is in percentage points. Values with "
               "records in the comparison period only come last.")
elif view.comparison:
    st.caption("No Δ column: the comparison shows when the table has one dimension for rows, and not a week, "
               "month or day (those have no counterpart in the comparison period).")
if where:
    st.caption("Filtered: " + "; ".join(f"{DIMENSIONS[d].lower()} is {ui.md(', '.join(map(str, v)))}" for d, v in where))
ui.download_csv(table, f"explore_{'_'.join(chosen)}_by_{'_'.join(split)}_{view.start}_{view.end}.csv",
                label="Download the table (CSV)", key="explore_csv")

# ---- the chart --------------------------------------------------------------------------------------------------
charted = st.selectbox("Chart", chosen, format_func=MEASURES.get, key="chart", bind="query-params") \
    if len(chosen) > 1 else first
m = LAYER.measures[charted or first]
fig = explore_chart(long, m.name, m.label, m.format, m.owner, is_time[rows_dim],
                    is_time[cols_dim] if cols_dim else None)
ui.plotly_chart(fig, key="explore_chart")

# ---- the link that reopens this view -----------------------------------------------------------------------
ui.section("Copy link", "This view's address: the measures, dimensions, filters and the sidebar's period.")
link = ui.sidebar_query() + [("measures", MEASURES[n]) for n in chosen] + [("rows", DIMENSIONS[rows_dim])]
link += [("columns", DIMENSIONS[cols_dim])] if cols_dim else []
link += [("filters", DIMENSIONS[d]) for d in filter_dims]
link += [(f"in_{d}", v) for d, values in where for v in values]
link += [("chart", MEASURES[charted])] if len(chosen) > 1 and charted else []
path = urlsplit(st.context.url or "").path or "/explore"
st.code(f"{path}?{urlencode(link)}", language=None, wrap_lines=True)
