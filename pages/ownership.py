"""Ownership: who owns each stage of the one funnel and each metric, and whether it is on track.

Owners, people and targets are settings edited on the Definitions page (stage_owners,
stage_owner_people, metric_owners, metric_targets). Actuals come from queries/period_metrics.sql;
the status rule is written once in onefunnel/accountability.py and shown next to each status.
"""

import pandas as pd
import streamlit as st

from onefunnel import accountability as acc
from onefunnel import charts, charts_teams, ui
from onefunnel.db import get_setting
from onefunnel.definitions import METRICS

view = ui.view()
ui.page_header("Ownership", view)

con = ui.cursor()
stage_owners = {**acc.DEFAULT_STAGE_OWNERS, **(get_setting(con, "stage_owners", {}) or {})}
stage_people = get_setting(con, "stage_owner_people", {}) or {}
metric_owners = get_setting(con, "metric_owners", {}) or {}
targets = get_setting(con, "metric_targets", {}) or {}

_, m, prev = ui.period_metrics(view)
baseline = ui.baseline_metrics(view)   # the like-for-like previous period: "previous" default targets

# ---- the journey map -----------------------------------------------------------------------------------
ui.section("The journey and its owners",
           "Each stage's count in the period and its owner team (and person, where one is named). "
           "The arrows carry the cohort conversion rates of METRICS.md. Owners are set on the Definitions page.")
RATE_TO_NEXT = {"Lead": "lead_to_mql_rate", "MQL": "mql_to_sql_rate", "SQL": "sql_to_opp_rate",
                "Opportunity": "win_rate"}
stages = []
for stage in acc.JOURNEY:
    key = acc.STAGE_COUNT[stage]
    rate_key = RATE_TO_NEXT.get(stage)
    stages.append({
        "stage": stage, "owner": stage_owners.get(stage, "shared"), "person": stage_people.get(stage, ""),
        "count_text": ui.fmt_int(m.get(key)),
        "rate_to_next": f"{METRICS[rate_key].label}: {ui.fmt_pct(m.get(rate_key))}" if rate_key else "",
    })
ui.chart(charts_teams.journey_map, stages, view.team, key="journey_map")
legend = st.columns(3)
for col, team in zip(legend, ("marketing", "sales", "shared")):
    owned = [s["stage"] for s in stages if s["owner"] == team]
    col.markdown(f"**{team.capitalize()}** owns: {', '.join(owned) if owned else 'no stage'}")
st.page_link("pages/definitions.py", label="Change owners, people and targets on the Definitions page",
             icon=":material/edit:")

# ---- accountability table ---------------------------------------------------------------------------------
ui.section("Accountability",
           "Every metric with its owner, target, actual and the comparison period. "
           "The status follows one rule, written next to it: on track when the actual meets the target; "
           "at risk within 10% of it; off track beyond. For lower-is-better metrics (response hours, costs, "
           "cycle, breaches) the rule is inverted. Volumes are compared with their target pro-rated to the "
           "days elapsed; won revenue without a target uses the revenue goal.")
rows = acc.accountability_rows(m, prev, targets=targets, metric_owners=metric_owners, stage_people=stage_people,
                               fmt=ui.fmt_metric, baseline=baseline)
rows = acc.order_for_team(rows, view.team)
if view.team != "everyone":
    st.caption(f"Team lens **{ui.TEAMS[view.team]}**: that team's metrics come first; shared and the other "
               "team's metrics follow.")

STATUS_COLORS = {acc.ON_TRACK: "#d3f9d8", acc.AT_RISK: "#ffe8cc", acc.OFF_TRACK: "#ffe3e3"}
counts = pd.Series([r.status for r in rows]).value_counts()
c1, c2, c3, c4 = st.columns(4)
c1.metric("On track", int(counts.get(acc.ON_TRACK, 0)), border=True)
c2.metric("At risk", int(counts.get(acc.AT_RISK, 0)), border=True)
c3.metric("Off track", int(counts.get(acc.OFF_TRACK, 0)), border=True)
c4.metric("Without a target", int(counts.get(acc.NO_TARGET, 0)), border=True,
          help="Set targets on the Definitions page (setting metric_targets).")

# what is off track or at risk opens first: in a meeting the exceptions are the agenda
attention = int(counts.get(acc.AT_RISK, 0) + counts.get(acc.OFF_TRACK, 0))
status_filter = st.segmented_control("Show", ["needs attention", "with a target", "all"],
                                     default="needs attention" if attention else "all",
                                     key="own_status_filter", required=True) or "all"
table = pd.DataFrame([{
    "Stage": r.stage,
    "Metric": r.label,
    "Owner": r.owner.capitalize(),
    "Person": r.person,
    "Target": ui.fmt_metric(r.key, r.target) if r.target is not None else "",
    "Actual": ui.fmt_metric(r.key, r.actual),
    "Comparison": ui.fmt_metric(r.key, r.previous) if prev is not None else "",
    "Status": r.status,
    "Rule": r.rule,
    "Definition": METRICS[r.key].definition,
    "_status": r.status,
} for r in rows])
if status_filter == "with a target":
    table = table[table["_status"] != acc.NO_TARGET]
elif status_filter == "needs attention":
    table = table[table["_status"].isin([acc.AT_RISK, acc.OFF_TRACK])]
compare_label = (f"Comparison ({ui.fmt_date(view.compare[0])} – {ui.fmt_date(view.compare[1])})"
                 if view.compare else "Comparison")
shown = table.drop(columns="_status").rename(columns={"Comparison": compare_label})
if not view.compare:
    shown = shown.drop(columns=compare_label)
styled = shown.style.map(lambda s: f"background-color: {STATUS_COLORS[s]}; font-weight: 600"
                        if s in STATUS_COLORS else "", subset=["Status"])
ui.table(styled, hide_index=True, width="stretch", key="accountability_table",
             height=min(35 * (len(shown) + 1) + 3, 35 * 16),
             column_config={"Rule": st.column_config.TextColumn(width="large"),
                            "Definition": st.column_config.TextColumn(width="large")})
ui.download_csv(shown, f"accountability_{view.start}_{view.end}.csv", key="dl_accountability")
