"""Funnel: Lead -> MQL -> SQL -> Opportunity -> Won, where it leaks, and the records behind every number.

Period counting takes the Volume metrics of queries/period_metrics.sql; cohort counting, breakdowns,
stage times and record lists come from funnel_*.sql.
"""

import pandas as pd
import streamlit as st

from onefunnel import charts, ui
from onefunnel.db import get_setting
from onefunnel.definitions import METRICS, STAGES, help_text

STAGE_NAMES = [s for s, _ in STAGES]
STAGE_TEXT = dict(STAGES)
# period counting: the Volume metric behind each stage (count, value)
VOLUME = {"Lead": ("leads_created", None), "MQL": ("mqls", None), "SQL": ("sqls", None),
          "Opportunity": ("opps_created", "pipeline_created"), "Won": ("won_deals", "won_revenue")}
COUNTING = {"period": "Period", "cohort": "Cohort"}
COUNTING_HELP = ("Period: each stage counts what reached it in the period (leads created, MQLs, SQLs, "
                 "opportunities created, deals won, each by its own date). Cohort: the leads created in the "
                 "period and how far they got at any time (MQL, SQL, linked to an opportunity, linked to a won "
                 "deal), counted as leads.")
DIMENSIONS = {"channel": "Source / channel", "campaign": "Campaign", "owner": "Owner"}

view = ui.view()
st.title("Funnel")
st.caption(f"{view.label}: {ui.fmt_date(view.start)} – {ui.fmt_date(view.end)}")

if not ui.has_data():
    ui.empty_workspace()
    st.stop()

con = ui.cursor()
owners = get_setting(con, "stage_owners", {}) or {}
people = get_setting(con, "stage_owner_people", {}) or {}

# ---- switches (bound to the URL, so a shared link opens the same funnel) -------------------------------
c1, c2, c3 = st.columns(3)
counting = c1.segmented_control("Counting", list(COUNTING), format_func=COUNTING.get, default="period",
                                required=True, key="counting", bind="query-params", help=COUNTING_HELP) or "period"
measure = c2.segmented_control("Measure", ["count", "value"], format_func={"count": "Count", "value": "Value"}.get,
                               default="count", required=True, key="measure", bind="query-params",
                               help="Value: the amount of the opportunities (leads, MQLs and SQLs carry none).") or "count"
percent_of = c3.segmented_control("Percent of", ["first", "previous"],
                                  format_func={"first": "First stage", "previous": "Previous stage"}.get,
                                  default="first", required=True, key="pct", bind="query-params") or "first"


def stage_totals(params: dict) -> pd.DataFrame:
    """One row per stage: stage, owner, count, value, in the chosen counting."""
    if counting == "period":
        m = ui.query("period_metrics", **params).iloc[0]
        rows = [(s, m[c], m[val] if val else None) for s, (c, val) in VOLUME.items()]
    else:
        b = ui.query("funnel_breakdown", **params, counting="cohort", dimension="none").set_index("stage")
        rows = [(s, b["records"].get(s, 0), (b["amount"].get(s) if s in ("Opportunity", "Won") else None))
                for s in STAGE_NAMES]
    df = pd.DataFrame(rows, columns=["stage", "count", "value"])
    df["count"] = df["count"].fillna(0).astype(int)
    df.loc[df["stage"].isin(["Opportunity", "Won"]), "value"] = df["value"].fillna(0.0)
    df["owner"] = [owners.get(s, "shared") for s in df["stage"]]
    return df


stages = stage_totals(view.params())
before = stage_totals(view.compare_params()) if view.compare else None
col = "count" if measure == "count" else "value"
shown = stages if measure == "count" else stages[stages["value"].notna()]

# ---- the funnel ---------------------------------------------------------------------------------------------------
left, right = st.columns([5, 6])
with left:
    def _on_chart_click():
        pts = st.session_state["funnel_chart"].selection.points
        if pts:
            p = pts[0]
            stage = p.get("y") or shown["stage"].iloc[p.get("point_index", 0)]
            st.session_state["stage"] = stage
            st.session_state["record_filter"] = "All"

    st.plotly_chart(charts.funnel_chart(shown, measure, percent_of, view.team), theme=None,
                    config=charts.PLOTLY_CONFIG, key="funnel_chart", on_select=_on_chart_click,
                    selection_mode="points")
    st.caption("Click a stage to list its records. Colours: the team that owns the stage "
               "(purple marketing, teal sales, orange both). " + ("Value starts at Opportunity: leads carry no amount."
                                                                 if measure == "value" else ""))
with right:
    table = shown[["stage", "owner", col]].rename(columns={col: "now"}).copy()
    base = table["now"].astype(float)
    if percent_of == "first":
        table["pct"] = base / base.iloc[0] * 100 if base.iloc[0] else None
    else:
        table["pct"] = base / base.shift(1).where(base.shift(1) != 0) * 100
    table["drop_off"] = (base.shift(1) - base)
    if before is not None:
        prev_vals = before.set_index("stage")[col].reindex(table["stage"]).astype(float).values
        table["delta"] = base.values - prev_vals
    table["owner"] = [o.capitalize() + (f" · {people[s]}" if people.get(s) else "") for s, o in zip(table["stage"], table["owner"])]
    fmt = "dollar" if measure == "value" else "%d"
    st.dataframe(table, hide_index=True, key="stage_table", placeholder="–", column_config={
        "stage": st.column_config.TextColumn("Stage", help=" ".join(f"{s}: {t}" for s, t in STAGES)),
        "owner": st.column_config.TextColumn("Owner", help="Stage owners are set on the Definitions page.",
                                             width="small"),
        "now": st.column_config.NumberColumn("Count" if measure == "count" else "Value", format=fmt,
                                             help=COUNTING_HELP),
        "pct": st.column_config.NumberColumn("% of first" if percent_of == "first" else "% of previous",
                                             format="%.0f%%"),
        "drop_off": st.column_config.NumberColumn("Drop-off", format=fmt,
                                                  help="Previous stage − this stage (negative: more reached this "
                                                       "stage than the one before, e.g. deals from older leads)."),
        "delta": st.column_config.NumberColumn("Δ vs comparison", format=fmt,
                                               help="This period − the comparison period, same counting."),
    })
    if counting == "cohort":
        st.caption(f"Cohort Lead → MQL = {ui.fmt_pct(stages['count'][1] / stages['count'][0] if stages['count'][0] else None)}"
                   " (the lead → MQL rate of the period). " + METRICS["lead_to_mql_rate"].definition)
    st.page_link("pages/definitions.py", label="Stage and metric definitions", icon=":material/menu_book:",
                 query_params=st.query_params.to_dict())

# ---- breakdowns ----------------------------------------------------------------------------------------------------------
ui.section("Breakdown", "The funnel by source channel, campaign or owner. Click a cell to list its records."
           + (" Δ = change against the comparison period." if view.compare else ""))


def _on_dimension():
    st.session_state["record_filter"] = "All"


dimension = st.segmented_control("By", list(DIMENSIONS), format_func=DIMENSIONS.get, default="channel",
                                 required=True, key="dimension", bind="query-params", on_change=_on_dimension) or "channel"
breakdown = ui.query("funnel_breakdown", **view.params(), counting=counting, dimension=dimension)
pivot = (breakdown.pivot_table(index="dim_value", columns="stage", values="records" if measure == "count" else "amount",
                               aggfunc="sum")
         .reindex(columns=[s for s in shown["stage"]]).fillna(0))
pivot = pivot.sort_values(pivot.columns[0], ascending=False)
grid = pivot.copy()
if view.compare:
    prev_b = ui.query("funnel_breakdown", **view.compare_params(), counting=counting, dimension=dimension)
    prev_p = (prev_b.pivot_table(index="dim_value", columns="stage",
                                 values="records" if measure == "count" else "amount", aggfunc="sum")
              .reindex(index=pivot.index, columns=pivot.columns).fillna(0))
    for s in pivot.columns:
        grid[f"{s} Δ"] = pivot[s] - prev_p[s]
    grid = grid[[c for s in pivot.columns for c in (s, f"{s} Δ")]]
grid = grid.reset_index().rename(columns={"dim_value": DIMENSIONS[dimension]})


def _on_cell():
    cells = st.session_state["breakdown_table"].selection.cells
    if cells:
        row, column = cells[0]
        stage_name = str(column).removesuffix(" Δ")
        if stage_name in STAGE_NAMES:
            st.session_state["stage"] = stage_name
            st.session_state["record_filter"] = st.session_state["_breakdown_rows"][row]


st.session_state["_breakdown_rows"] = grid[DIMENSIONS[dimension]].tolist()
st.dataframe(grid, hide_index=True, key="breakdown_table", on_select=_on_cell, selection_mode="single-cell",
             placeholder="–",
             column_config={c: st.column_config.NumberColumn(c, format="dollar" if measure == "value" else "%d")
                            for c in grid.columns if c != DIMENSIONS[dimension]})
ui.download_csv(grid, f"funnel_by_{dimension}_{counting}_{view.start}_{view.end}.csv",
                label="Download the breakdown (CSV)", key="breakdown_csv")

# ---- records behind a stage ---------------------------------------------------------------------------------------
ui.section("Records behind the numbers", "Pick a stage, or click a bar of the funnel or a cell of the breakdown.")
r1, r2 = st.columns([3, 2])
stage = r1.segmented_control("Stage", STAGE_NAMES, key="stage", bind="query-params")
values = ["All"] + sorted(breakdown["dim_value"].unique().tolist())
if st.session_state.get("record_filter") not in values:
    st.session_state["record_filter"] = "All"
only = r2.selectbox(f"Only this {DIMENSIONS[dimension].lower()}", values, key="record_filter")
if stage:
    records = ui.query("funnel_stage_records", **view.params(), counting=counting, stage=stage,
                       dimension="none" if only == "All" else dimension, dim_value=only)
    st.markdown(f"**{ui.fmt_int(len(records))} {stage} records**"
                + (f" · {DIMENSIONS[dimension].lower()} {only}" if only != "All" else "")
                + (f" · {ui.fmt_money(records['amount'].sum())}" if records["amount"].notna().any() else ""))
    st.caption(STAGE_TEXT[stage])
    st.dataframe(records.drop(columns=["record_type", "record_key"]), hide_index=True, key="records_table",
                 placeholder="–",
                 column_config={
                     "record": st.column_config.TextColumn("Lead / deal"),
                     "company": "Company", "channel": "Channel", "campaign": "Campaign", "owner": "Owner",
                     "stage_at": st.column_config.DatetimeColumn(f"{stage} date", format="MMM D, YYYY"),
                     "amount": st.column_config.NumberColumn("Amount", format="dollar"),
                     "detail": st.column_config.TextColumn("Status / deals"),
                 })
    ui.download_csv(records, f"funnel_{stage.lower()}_{counting}_{view.start}_{view.end}.csv",
                    label=f"Download these {ui.fmt_int(len(records))} records (CSV)", key="records_csv")

# ---- where it leaks: time between stages -------------------------------------------------------------------------------
ui.section("Time between stages and drop-off",
           "Median and 90th percentile days per step; drop-off = records that reached the step's first stage "
           "but not its second, in this counting.")
times = ui.query("funnel_stage_times", **view.params(), counting=counting)
times["owner"] = [owners.get(s, "shared") for s in times["stage"]]
counts = stages.set_index("stage")["count"]
prev_stage = {"MQL": "Lead", "SQL": "MQL", "Opportunity": "SQL", "Won": "Opportunity"}
times["drop_off"] = [counts[prev_stage[s]] - counts[s] for s in times["stage"]]
times["drop_off_pct"] = [(1 - counts[s] / counts[prev_stage[s]]) * 100 if counts[prev_stage[s]] else None
                         for s in times["stage"]]
t1, t2 = st.columns([1, 1])
with t1:
    st.plotly_chart(charts.stage_times_chart(times), theme=None, config=charts.PLOTLY_CONFIG, key="times_chart")
with t2:
    st.dataframe(times[["step", "pairs", "median_days", "p90_days", "drop_off", "drop_off_pct"]], hide_index=True,
                 key="times_table", placeholder="–", column_config={
                     "step": "Step",
                     "pairs": st.column_config.NumberColumn("Records timed", help="Records with both dates."),
                     "median_days": st.column_config.NumberColumn("Median (days)", format="%.1f",
                                                                  help="Opportunity → Won in period counting is the "
                                                                       "sales cycle: " + help_text("sales_cycle_days")),
                     "p90_days": st.column_config.NumberColumn("90th pct (days)", format="%.1f",
                                                               help="Linear interpolation (quantile_cont)."),
                     "drop_off": st.column_config.NumberColumn("Drop-off", format="%d"),
                     "drop_off_pct": st.column_config.NumberColumn("Drop-off %", format="%.0f%%"),
                 })
    late = times[times["out_of_order"] > 0]
    if not late.empty:
        st.caption("Left out of the times (later stage dated before the earlier): "
                   + ", ".join(f"{r.step} {r.out_of_order}" for r in late.itertuples()))
