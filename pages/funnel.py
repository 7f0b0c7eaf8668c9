"""Funnel: Lead -> MQL -> SQL -> Opportunity -> Won, where it leaks, and the records behind every number.

Stage counts and the step rates between stages are measures of the metrics layer, each shown by its name
(period counting: the METRICS.md rates, Lead → MQL ... Win rate; cohort counting: the rates of the leads
created in the period), so no unnamed conversion is shown.
Cohort amounts, breakdown cells, stage times and record lists come from funnel_*.sql.
"""

import pandas as pd
import streamlit as st

from onefunnel import charts, ui
from onefunnel.db import get_setting
from onefunnel.definitions import METRICS, STAGES, help_text

STAGE_NAMES = [s for s, _ in STAGES]
STAGE_TEXT = dict(STAGES)
# per counting: each stage's count measure, and the named step rate from the stage before it
STAGE_MEASURES = {
    "period": {"Lead": ("leads_created", None), "MQL": ("mqls", "lead_to_mql_rate"), "SQL": ("sqls", "mql_to_sql_rate"),
               "Opportunity": ("opps_created", "sql_to_opp_rate"), "Won": ("won_deals", "win_rate")},
    "cohort": {"Lead": ("leads_created", None), "MQL": ("leads_became_mql", "lead_to_mql_rate"),
               "SQL": ("leads_became_sql", "cohort_sql_per_mql"),
               "Opportunity": ("leads_became_opportunity", "cohort_opp_per_sql"),
               "Won": ("leads_became_won", "cohort_won_per_opp")},
}
# value: the amount behind Opportunity and Won (period counting: measures; cohort: funnel_breakdown)
VALUE_MEASURES = {"Opportunity": "pipeline_created", "Won": "won_revenue"}
VALUE_STEP = {"Won": "won_value_per_pipeline"}
COUNTING = {"period": "Period", "cohort": "Cohort"}
COUNTING_HELP = ("Period: each stage counts what reached it in the period (leads created, MQLs, SQLs, "
                 "opportunities created, deals won, each by its own date). Cohort: the leads created in the "
                 "period and how far they got at any time (MQL, SQL, linked to an opportunity, linked to a won "
                 "deal), counted as leads.")
DIMENSIONS = {"channel": "Source / channel", "campaign": "Campaign", "owner": "Owner"}

view = ui.view()
ui.page_header("Funnel", view)

con = ui.cursor()
owners = get_setting(con, "stage_owners", {}) or {}
people = get_setting(con, "stage_owner_people", {}) or {}

# ---- switches (bound to the URL, so a shared link opens the same funnel) -------------------------------
c1, c2 = st.columns(2)
counting = c1.segmented_control("Counting", list(COUNTING), format_func=COUNTING.get, default="period",
                                required=True, key="counting", bind="query-params", help=COUNTING_HELP) or "period"
measure = c2.segmented_control("Measure", ["count", "value"], format_func={"count": "Count", "value": "Value"}.get,
                               default="count", required=True, key="measure", bind="query-params",
                               help="Value: the amount of the opportunities (leads, MQLs and SQLs carry none).") or "count"


def stage_totals(params: dict) -> pd.DataFrame:
    """One row per stage: stage, owner, count, value, and the named step rate from the stage before
    (step = its label, rate = its value; value_step / value_rate for the amounts), in the chosen counting."""
    stages = STAGE_MEASURES[counting]
    wanted = [n for pair in stages.values() for n in pair if n]
    if counting == "period":
        wanted += [*VALUE_MEASURES.values(), *VALUE_STEP.values(), "won_per_opportunity"]
    m = ui.measures(wanted, params)
    if counting == "period":
        value = {s: m[n] for s, n in VALUE_MEASURES.items()}
    else:
        b = ui.query("funnel_breakdown", **params, counting="cohort", dimension="none").set_index("stage")
        value = {s: b["amount"].get(s, 0.0) for s in VALUE_MEASURES}
    rows = []
    for s, (count_key, step_key) in stages.items():
        value_step = VALUE_STEP.get(s) if counting == "period" else None
        rows.append({"stage": s, "count": m[count_key] or 0, "value": value.get(s),
                     "step": METRICS[step_key].label if step_key else None,
                     "rate": m[step_key] if step_key else None,
                     "value_step": METRICS[value_step].label if value_step else None,
                     "value_rate": m.get(value_step) if value_step else None})
    df = pd.DataFrame(rows)
    df["count"] = df["count"].astype(int)
    df.loc[df["stage"].isin(["Opportunity", "Won"]), "value"] = df["value"].fillna(0.0)
    df["owner"] = [owners.get(s, "shared") for s in df["stage"]]
    df.attrs["won_per_opportunity"] = m.get("won_per_opportunity")
    return df


stages = stage_totals(view.params())
won_per_opp = stages.attrs.get("won_per_opportunity")
before = stage_totals(view.compare_params()) if view.compare else None
col = "count" if measure == "count" else "value"
shown = stages if measure == "count" else stages[stages["value"].notna()]
# the funnel starts at the first stage with records (deals-only data has no lead, MQL or SQL)
has = shown[col].fillna(0).astype(float) > 0
if has.any() and not has.iloc[0]:
    empty = shown["stage"][: int(has.values.argmax())].tolist()
    shown = shown[int(has.values.argmax()):]
    st.info(f"No {', '.join(empty)} records in this period, so the funnel starts at {shown['stage'].iloc[0]}: "
            "the workspace holds deals without their leads, or no lead reached those stages in the period. "
            "Upload the contacts or leads export on the Data page to see the whole funnel.",
            icon=":material/info:")

# ---- the funnel ---------------------------------------------------------------------------------------------------
left = right = st.container()   # stacked: the stage table needs the page's width
with left:
    def _on_chart_click():
        pts = st.session_state["funnel_chart"].selection.points
        if pts:
            p = pts[0]
            stage = p.get("y") or shown["stage"].iloc[p.get("point_index", 0)]
            st.session_state["stage"] = stage
            st.session_state["record_filter"] = "All"
            st.session_state["_open_records"] = True

    ui.chart(charts.funnel_chart, shown, measure, view.team, key="funnel_chart",
             options={"on_select": _on_chart_click, "selection_mode": "points"})
    st.caption("Click a stage to list its records. Colours: the team that owns the stage "
               "(purple marketing, teal sales, orange both). " + ("Value starts at Opportunity: leads carry no amount."
                                                                 if measure == "value" else ""))
with right:
    step, rate = ("step", "rate") if measure == "count" else ("value_step", "value_rate")
    table = shown[["stage", "owner", col, step, rate]].rename(
        columns={col: "now", step: "step", rate: "pct"}).copy()
    base = table["now"].astype(float)
    table["drop_off"] = (base.shift(1) - base).where(lambda d: d >= 0)   # more than the stage before: "–"
    if before is not None:
        prev_vals = before.set_index("stage")[col].reindex(table["stage"]).astype(float).values
        table["delta"] = base.values - prev_vals
    table["owner"] = [o.capitalize() + (f" · {people[s]}" if people.get(s) else "") for s, o in zip(table["stage"], table["owner"])]
    fmt = "dollar" if measure == "value" else "%d"
    ui.table(ui.for_people(table, rates=["pct"]), hide_index=True, key="stage_table", column_config={
        "stage": st.column_config.TextColumn("Stage", help=" ".join(f"{s}: {t}" for s, t in STAGES)),
        "owner": ui.text_column("Owner", 24, help="Stage owners are set on the Definitions page."),
        "now": st.column_config.NumberColumn("Count" if measure == "count" else "Value", format=fmt,
                                             help=COUNTING_HELP),
        "step": st.column_config.TextColumn("Step from the stage before",
                                            help="Each step rate has its own name and definition (Definitions "
                                                 "page, Conversions): period counting gives ratios of the "
                                                 "period's volumes, cohort counting follows the leads created."),
        "pct": st.column_config.NumberColumn("Conversion", format="percent"),
        "drop_off": st.column_config.NumberColumn("Drop-off", format=fmt,
                                                  help="Previous stage − this stage; – when more reached this "
                                                       "stage than the one before (e.g. deals from older leads)."),
        "delta": st.column_config.NumberColumn("Δ vs comparison", format=fmt,
                                               help="This period − the comparison period, same counting."),
    })
    if counting == "cohort":
        st.caption(f"Cohort Lead → MQL = {ui.fmt_pct(stages['rate'][1])}"
                   " (the lead → MQL rate of the period). " + METRICS["lead_to_mql_rate"].definition)
    else:
        st.caption("Period counting: each stage counts what reached it in the period; the step rates are the "
                   "agreed conversion rates (Lead → MQL, MQL → SQL, SQL → Opportunity, Win rate), which follow each "
                   "stage's own group, so they are not the ratio of two bars (e.g. "
                   + METRICS["won_per_opportunity"].label + " would be " + ui.fmt_pct(won_per_opp)
                   + "). The Definitions page puts every conversion side by side.")
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
            st.session_state["_open_records"] = True


st.session_state["_breakdown_rows"] = grid[DIMENSIONS[dimension]].tolist()
ui.table(grid, hide_index=True, key="breakdown_table", on_select=_on_cell, selection_mode="single-cell",
             column_config={c: st.column_config.NumberColumn(c, format="dollar" if measure == "value" else "%d")
                            for c in grid.columns if c != DIMENSIONS[dimension]})
ui.download_csv(grid, f"funnel_by_{dimension}_{counting}_{view.start}_{view.end}.csv",
                label="Download the breakdown (CSV)", key="breakdown_csv")

# ---- records behind a stage ---------------------------------------------------------------------------------------
def show_records(stage: str, only: str, where: str) -> None:
    records = ui.query("funnel_stage_records", **view.params(), counting=counting, stage=stage,
                       dimension="none" if only == "All" else dimension, dim_value=only)
    st.markdown(f"**{ui.fmt_int(len(records))} {stage} records**"
                + (f" · {DIMENSIONS[dimension].lower()} {ui.md(only)}" if only != "All" else "")
                + (f" · {ui.fmt_money(records['amount'].sum())}" if records["amount"].notna().any() else ""))
    st.caption(STAGE_TEXT[stage])
    ui.table(records.drop(columns=["record_type", "record_key"]), hide_index=True,
                 key=f"records_table_{where}",
                 column_config={
                     "record": st.column_config.TextColumn("Lead / deal"),
                     "company": "Company", "channel": "Channel", "campaign": "Campaign", "owner": "Owner",
                     "stage_at": st.column_config.DatetimeColumn(f"{stage} date", format="MMM D, YYYY"),
                     "amount": st.column_config.NumberColumn("Amount", format="dollar"),
                     "detail": st.column_config.TextColumn("Status / deals"),
                 })
    ui.download_csv(records, f"funnel_{stage.lower()}_{counting}_{view.start}_{view.end}.csv",
                    label=f"Download these {ui.fmt_int(len(records))} records (CSV)", key=f"records_csv_{where}")


@st.dialog("Records behind the number", width="large")
def records_dialog(stage: str, only: str) -> None:
    show_records(stage, only, "dialog")
    st.caption("The stage and filter are in the page's address: copy it to share these records. "
               "They are also listed under 'Records behind the numbers' below.")


ui.section("Records behind the numbers", "Pick a stage, or click a bar of the funnel or a cell of the breakdown.")
r1, r2 = st.columns([3, 2])
stage = r1.segmented_control("Stage", STAGE_NAMES, key="stage", bind="query-params")
values = ["All"] + sorted(breakdown["dim_value"].unique().tolist())
if st.session_state.get("record_filter") not in values:
    st.session_state["record_filter"] = "All"
only = r2.selectbox(f"Only this {DIMENSIONS[dimension].lower()}", values, key="record_filter", bind="query-params")
if stage:
    with st.container(key="records_below"):
        show_records(stage, only, "below")
    # a click (or a shared link that names a stage, on its first view) opens the records where the reader is
    opened_from_link = not st.session_state.get("_funnel_seen")
    if st.session_state.pop("_open_records", False) or opened_from_link:
        records_dialog(stage, only)
st.session_state["_funnel_seen"] = True

# ---- where it leaks: time between stages -------------------------------------------------------------------------------
ui.section("Time between stages and drop-off",
           "Median and 90th percentile days per step; drop-off = records that reached the step's first stage "
           "but not its second, in this counting.")
times = ui.query("funnel_stage_times", **view.params(), counting=counting)
times["owner"] = [owners.get(s, "shared") for s in times["stage"]]
counts = stages.set_index("stage")["count"]
prev_stage = {"MQL": "Lead", "SQL": "MQL", "Opportunity": "SQL", "Won": "Opportunity"}
times["drop_off"] = [counts[prev_stage[s]] - counts[s] if counts[prev_stage[s]] >= counts[s] else None
                     for s in times["stage"]]
by_stage = stages.set_index("stage")
times["conversion"] = [by_stage.loc[s, "rate"] for s in times["stage"]]
times["conversion_name"] = [by_stage.loc[s, "step"] for s in times["stage"]]
t1 = t2 = st.container()   # stacked: the table needs the page's width
with t1:
    ui.chart(charts.stage_times_chart, times, key="times_chart")
with t2:
    ui.table(times[["step", "pairs", "median_days", "p90_days", "drop_off", "conversion", "conversion_name"]],
                 hide_index=True,
                 key="times_table", column_config={
                     "step": "Step",
                     "pairs": st.column_config.NumberColumn("Records timed", help="Records with both dates."),
                     "median_days": st.column_config.NumberColumn("Median (days)", format="%.1f",
                                                                  help="Opportunity → Won in period counting is the "
                                                                       "sales cycle: " + help_text("sales_cycle_days")),
                     "p90_days": st.column_config.NumberColumn("90th pct (days)", format="%.1f",
                                                               help="Linear interpolation (quantile_cont)."),
                     "drop_off": st.column_config.NumberColumn("Drop-off", format="%d"),
                     "conversion": st.column_config.NumberColumn("Conversion", format="percent"),
                     "conversion_name": st.column_config.TextColumn("Which conversion"),
                 })
    late = times[times["out_of_order"] > 0]
    if not late.empty:
        st.caption("Left out of the times (later stage dated before the earlier): "
                   + ", ".join(f"{r.step} {r.out_of_order}" for r in late.itertuples()))
