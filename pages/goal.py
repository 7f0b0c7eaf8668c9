"""Joint goal: are we on track for the goal both teams share, and what would it take to close the gap.

Every number here comes from queries/period_metrics.sql (one row per period); the pacing chart, the
wins and the monthly goals come from goal_*.sql; each month's quotas (per owner, summed beside the goal,
a difference flagged) from quota*.sql and goal_quotas_by_month.sql.
"""

import pandas as pd
import streamlit as st

from onefunnel import access, charts, ui
from onefunnel.db import delete_quota, get_setting, set_goal, set_quota
from onefunnel.definitions import METRICS, help_text

view = ui.view()
ui.page_header("Joint goal", view)

con = ui.cursor()
v, m, prev = ui.period_metrics(view)


FORECAST_RANGE_HELP = ("From the won revenue so far (nothing more closes) to won revenue + open pipeline "
                       "(every open deal with a close date in the period closes); the dashed line is the forecast.")

# ---- headline ------------------------------------------------------------------------------------------
goal, won, gap = v("revenue_goal"), v("won_revenue"), v("pace_gap")
if not goal:
    st.warning("No revenue goal is set for the months of this period. Set the monthly goals below "
               "(they are pro-rated by day when a period covers part of a month).", icon=":material/flag:")
elif view.as_of >= view.end:
    st.markdown(f"### The period is over: {ui.fmt_money(won)} won of a {ui.fmt_money(goal)} goal "
                f"({ui.fmt_pct(v('goal_attainment'))}).")
elif gap is not None and gap >= 0:
    st.markdown(f"### :green[Ahead of pace by {ui.fmt_money(gap)}] · {ui.fmt_money(won)} won of "
                f"{ui.fmt_money(goal)} with {ui.fmt_pct(v('elapsed_share'))} of the period gone")
else:
    st.markdown(f"### :red[Behind pace by {ui.fmt_money(-(gap or 0))}] · {ui.fmt_money(won)} won of "
                f"{ui.fmt_money(goal)} with {ui.fmt_pct(v('elapsed_share'))} of the period gone")
# the pace and the forecast can point different ways: say so in one sentence, never leave them side by side
reach = v("forecast_attainment")
if goal and view.as_of < view.end and reach is not None:
    ahead = gap is not None and gap >= 0
    f = f"The forecast, {ui.fmt_money(v('forecast'))} ({ui.fmt_pct(reach)} of the goal), "
    if not ahead and reach >= 1:
        f += ("still reaches the goal: the open deals due this period, weighted by their probability, would close "
              "the gap, so the pace gap is about timing; watch that those deals close.")
    elif ahead and reach < 1:
        f += ("falls short although the pace is ahead: too few open deals are due in the rest of the period to "
              "keep the pace; the pipeline for the remaining weeks is the risk.")
    else:
        f += "agrees with the pace" + (" (won so far plus the weighted open deals due this period)." if not ahead
                                       else ": the goal is within reach.")
    st.caption(f)

row1 = st.columns(4)
for col, key in zip(row1, ["revenue_goal", "won_revenue", "goal_attainment", "pace_gap"]):
    # without a goal there is no pace: the gap would only repeat won revenue
    no_pace = key in ("pace_gap", "goal_attainment") and not goal
    ui.metric(key, None if no_pace else v(key), None if no_pace else v(key, prev), container=col)

row2 = st.columns(4)
for col, key in zip(row2, ["forecast", "open_pipeline", "weighted_pipeline", "expected_to_date"]):
    ui.metric(key, v(key), v(key, prev), container=col)
st.page_link("pages/definitions.py", label="Where every number comes from: Definitions", icon=":material/menu_book:",
             query_params=st.query_params.to_dict())

# ---- pacing -----------------------------------------------------------------------------------------------
ui.section("Pacing", "Cumulative won revenue against the cumulative goal, day by day. "
           + FORECAST_RANGE_HELP)
daily = ui.query("goal_daily_pacing", **view.params())
ui.chart(charts.pacing_chart, daily, view.as_of, view.end, won or 0.0, v("forecast"),
         (won or 0.0) + (v("open_pipeline") or 0.0), goal or 0.0, key="pacing_chart")

# ---- reverse funnel ------------------------------------------------------------------------------------------
ui.section("What it takes to close the gap",
           "The reverse funnel: the remaining revenue divided back through the last 180 days' average deal "
           "and conversion rates (each step rounded up).")
remaining = v("remaining_to_goal") or 0.0
STEPS = [("required_won_deals", "won_deals", "won deals", "trailing.avg_deal_size"),
         ("required_opps", "opps_created", "opportunities", "trailing.win_rate"),
         ("required_sqls", "sqls", "SQLs", "trailing.sql_to_opp_rate"),
         ("required_mqls", "mqls", "MQLs", "trailing.mql_to_sql_rate"),
         ("required_leads", "leads_created", "leads", "trailing.lead_to_mql_rate")]
if not goal:
    st.info("Set a goal to see what it takes to reach it.", icon=":material/flag:")
elif remaining == 0:
    st.success(f"The goal is reached: {ui.fmt_money(won)} won against {ui.fmt_money(goal)}. "
               "Nothing more is needed this period.", icon=":material/celebration:")
else:
    needed = [(v(req), noun) for req, _, noun, _ in STEPS]
    known = [(n, noun) for n, noun in needed if n is not None]
    if not known:
        st.markdown(f"#### To close the remaining {ui.fmt_money(remaining)}: the last 180 days won no deal, "
                    "so there is no average deal size to work back from.")
    else:
        (n0, noun0), rest = known[0], known[1:]
        sentence = f"#### To close the remaining {ui.fmt_money(remaining)} you need about {ui.fmt_int(n0)} more {noun0}"
        if rest:
            sentence += ", from " + ", ".join(f"{ui.fmt_int(n)} {noun}" for n, noun in rest)
        meetings = v("required_meetings")
        if meetings and known[0][1] == "won deals":     # no meeting in the trailing wins: no clause
            sentence += f", and about {ui.fmt_int(meetings)} meetings"
        sentence += ", at the last 180 days' rates."
        st.markdown(sentence)
        missing = [noun for n, noun in needed if n is None]
        if missing:
            st.caption(f"No figure for {', '.join(missing)}: the last 180 days have no conversion at that step "
                       "to work back from.")
    elapsed = v("elapsed_share") or 0.0
    rows = []
    for req, produced, noun, rate in STEPS:
        so_far = v(produced)
        more_at_pace = v(f"{produced}_more_at_pace")
        need = v(req)
        rows.append({"Stage": noun[:1].upper() + noun[1:],
                     "Needed (more)": need,
                     "Produced so far": so_far,
                     "More at this pace by period end": round(more_at_pace) if more_at_pace is not None else None,
                     "Covered at this pace": (None if need is None or more_at_pace is None
                                              else "yes" if more_at_pace >= need else "no"),
                     "Rate used (last 180 days)": (ui.fmt_money(v(rate)) + " per deal" if rate == "trailing.avg_deal_size"
                                                   else ui.fmt_pct(v(rate)))})
    ui.table(pd.DataFrame(rows), hide_index=True, key="reverse_funnel_table",
                 column_config={
                     "Needed (more)": st.column_config.NumberColumn(
                         format="%d", help="Rounded up; " + help_text("required_won_deals").split(".")[0]
                         + ", then divided back through each trailing rate."),
                     "Produced so far": st.column_config.NumberColumn(
                         format="%d", help="This period's volume: won deals, opportunities created, SQLs, MQLs, "
                                           "leads created (Volume metrics)."),
                     "More at this pace by period end": st.column_config.NumberColumn(
                         format="%d", help="Produced so far ÷ share of the period elapsed × share remaining."),
                     "Rate used (last 180 days)": st.column_config.TextColumn(
                         help="Trailing 180 days before the period: average deal, win rate, SQL → opportunity, "
                              "MQL → SQL, lead → MQL."),
                 })
    cycle = v("sales_cycle_days")
    if cycle is not None:
        st.caption(f"Mind the lag: a deal won this period took a median of {ui.fmt_days(cycle)} from opportunity "
                   "to close, so leads and MQLs added now mostly close in later periods.")

# ---- sourcing --------------------------------------------------------------------------------------------------
ui.section("Both teams' part of one number",
           "Marketing-sourced: the lead was an MQL on or before the opportunity was created. Sales-sourced: "
           "the rest. Influenced: the lead had a marketing touch on or before the close date.")
msr, mspipe = v("marketing_sourced_revenue") or 0.0, v("marketing_sourced_pipeline") or 0.0
ssr, sspipe = v("sales_sourced_revenue") or 0.0, v("sales_sourced_pipeline") or 0.0
order = ["sales", "marketing"] if view.team == "sales" else ["marketing", "sales"]
rev_cards, pipe_cards = st.columns(3), st.columns(3)
for key, team, cards in (("marketing_sourced_revenue", "marketing", rev_cards), ("sales_sourced_revenue", "sales", rev_cards),
                         ("marketing_sourced_pipeline", "marketing", pipe_cards), ("sales_sourced_pipeline", "sales", pipe_cards)):
    ui.metric(key, v(key), v(key, prev), container=cards[order.index(team)])
ui.metric("marketing_influenced_revenue", v("marketing_influenced_revenue"), v("marketing_influenced_revenue", prev),
          container=rev_cards[2])
ui.metric("pipeline_created", v("pipeline_created"), v("pipeline_created", prev), container=pipe_cards[2])
ui.chart(charts.sourcing_chart, [("Won revenue", msr, ssr), ("Pipeline created", mspipe, sspipe)], key="sourcing_chart")

# ---- wins ----------------------------------------------------------------------------------------------------------
ui.section("Wins of the period", "Every deal won in the period, by the team that sourced it.")
wins = ui.query("goal_period_wins", **view.params())
WIN_COLUMNS = {
    "deal": st.column_config.TextColumn("Deal"),
    "amount": ui.number_column("Amount", "money", help=help_text("won_revenue")),
    "owner": st.column_config.TextColumn("Owner", help="The opportunity owner."),
    "channel": st.column_config.TextColumn("Sourcing channel",
                                           help="The lead's original source (after the channel map), "
                                                "else the deal's own source."),
    "close_date": st.column_config.DateColumn("Closed", format="MMM D, YYYY"),
    "is_influenced": st.column_config.CheckboxColumn("Influenced", help=help_text("marketing_influenced_revenue")),
}
if wins.empty:
    st.info("No deal was won in this period yet.", icon=":material/hourglass_empty:")
else:
    cols = [st.container(), st.container()]   # one above the other: six columns need the page's width
    for col, team in zip(cols, order):
        part = wins[wins["sourced_by"] == team]
        with col:
            st.markdown(f"#### :{'violet' if team == 'marketing' else 'blue'}[{team.capitalize()}-sourced] · "
                        f"{ui.fmt_int(len(part))} deal{'' if len(part) == 1 else 's'} · {ui.fmt_money(part['amount'].sum())}")
            ui.table(ui.for_people(part[list(WIN_COLUMNS)], money=["amount"]), hide_index=True, column_config=WIN_COLUMNS,
                         key=f"wins_{team}")
    ui.download_csv(wins.drop(columns=["opp_key"]), f"wins_{view.start}_{view.end}.csv",
                    label="Download the wins (CSV)", key="wins_csv")

# ---- monthly goals ----------------------------------------------------------------------------------------------
ui.section("Monthly goals", "Goals are set per calendar month; a period counts each month's goal by its days in "
           "the period. Edit a goal in the table and save: the change log keeps who changed what and when.")
fy = int(get_setting(con, "fiscal_year_start_month", 1))
months = ui.query("goal_months", **view.params(), fy_start_month=fy)
editor_key = f"goal_editor_{st.session_state.get('goal_editor_round', 0)}"
months["goal_in_period"] = months["goal_in_period"].round(0)
month_keys = months["month_key"].tolist()
first_month, last_month = f"{month_keys[0]}-01", f"{month_keys[-1]}-01"
agreement = ui.query("goal_quotas_by_month", first_month=first_month, last_month=last_month)
months = months.merge(agreement[["month_key", "quota_total", "difference", "disagrees"]], on="month_key", how="left")


def dollars(x: float) -> str:
    """Exact dollars ($300,000; cents when there are any): a disagreement is read to the dollar."""
    return f"${x:,.0f}" if round(x, 2) == round(x) else f"${x:,.2f}"


def quota_flag(r) -> str:
    if pd.isna(r.quota_total):
        return ""
    if not r.disagrees:
        return "agree"
    return f"⚠ quotas {dollars(abs(r.difference))} {'short' if r.difference > 0 else 'over'}"


months["quota_flag"] = [quota_flag(r) for r in months.itertuples()]
read_only = access.view_only("goals")   # a viewer sees the goals and quotas, the editors stay locked
edited = ui.editor(
    months[["month_key", "goal", "quota_total", "quota_flag", "days_in_period", "goal_in_period"]], hide_index=True,
    key=editor_key, placeholder="not set",
    height=36 * (len(months) + 1) + 4,
    disabled=True if read_only else ["month_key", "quota_total", "quota_flag", "days_in_period", "goal_in_period"],
    column_config={
        "month_key": st.column_config.TextColumn("Month", width=100),
        "goal": st.column_config.NumberColumn("Goal", format="dollar", min_value=0, step=1000, width=110,
                                              help="The revenue goal of the whole calendar month; empty = not set."),
        "quota_total": st.column_config.NumberColumn("Quotas (sum)", format="dollar", step=1,
                                                     help="The sum of the owners' quotas of the month (Quotas, "
                                                          "below); empty = no quota set."),
        "quota_flag": st.column_config.TextColumn("Goal vs quotas", width=ui.col_width("Goal vs quotas", 24),
                                                  help="A month whose quotas do not add up to its goal is flagged, "
                                                       "never adjusted: change the goal or a quota."),
        "days_in_period": st.column_config.NumberColumn("Days in period", width=ui.col_width("Days in period")),
        "goal_in_period": st.column_config.NumberColumn("Counts toward period", format="dollar",
                                                        width=ui.col_width("Counts toward period"),
                                                        help=help_text("revenue_goal")),
    })
disagree = months[months["disagrees"].fillna(False).astype(bool)]
if not disagree.empty:
    st.warning("**The goal and the quotas disagree** (flagged, not reconciled: change the month's goal or a quota "
               "below):\n" + "\n".join(
                   f"- {r.month_key}: Goal {dollars(r.goal) if not pd.isna(r.goal) else '(not set)'} and quotas "
                   f"{dollars(r.quota_total)} disagree by {dollars(abs(r.difference))}."
                   for r in disagree.itertuples()), icon=":material/warning:")
c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
access.name_input(c1)
if c2.button("Save goals", icon=":material/save:", key="save_goals", type="primary", disabled=read_only):
    changed = []
    for before, after in zip(months.itertuples(), edited.itertuples()):
        old, new = before.goal, after.goal
        if pd.isna(new) or (not pd.isna(old) and float(old) == float(new)):
            continue
        set_goal(con, before.month_key, float(new), access.writer("goals"))
        changed.append(f"{before.month_key}: {ui.fmt_money(new)}")
    st.session_state["goal_editor_round"] = st.session_state.get("goal_editor_round", 0) + 1
    st.session_state["goal_saved"] = changed
    st.rerun()
saved = st.session_state.pop("goal_saved", None)
if saved:
    st.success("Saved " + ", ".join(saved) + ".", icon=":material/check_circle:")
elif saved is not None:
    st.info("No goal changed.")
changes = ui.query("goal_changes", limit=10)
if not changes.empty:
    with st.expander("Recent goal changes"):
        ui.table(changes, hide_index=True, key="goal_changes", column_config={
            "changed_at": st.column_config.DatetimeColumn("When", format="MMM D, YYYY HH:mm"),
            "changed_by": "Who", "month": "Month",
            "old_goal": st.column_config.NumberColumn("From", format="dollar"),
            "new_goal": st.column_config.NumberColumn("To", format="dollar")})

# ---- quotas ---------------------------------------------------------------------------------------------------
ui.section("Quotas", "Marketing's goal is sales' quota: each opportunity owner's quota per calendar month, "
           "pro-rated by day like the goal. Their sum is shown beside the month's goal above, and a month where "
           "they differ is flagged. Empty = no quota. Saved with the name typed above.")
quota_owners = ui.query("quota_owners")["owner"].tolist()
if not quota_owners:
    st.info("Quotas are set per opportunity owner, and no opportunity in your data has an owner yet. Import "
            "opportunities with an owner column (or set one from the shell: `python -m onefunnel quota --owner NAME "
            "--month YYYY-MM --amount N`).", icon=":material/person_off:")
else:
    quotas = ui.query("quotas_of_months", first_month=first_month, last_month=last_month)
    grid = pd.DataFrame(index=pd.Index(quota_owners, name="owner"), columns=month_keys, dtype="float64")
    for q in quotas.itertuples():
        grid.loc[q.owner, q.month_key] = q.amount
    grid = grid.reset_index()
    quota_key = f"quota_editor_{st.session_state.get('quota_editor_round', 0)}"
    quotas_edited = ui.editor(
        grid, hide_index=True, key=quota_key, placeholder="–", disabled=True if read_only else ["owner"],
        height=min(36 * (len(grid) + 1) + 4, 400),
        column_config={"owner": st.column_config.TextColumn("Owner", pinned=True),
                       **{mk: st.column_config.NumberColumn(mk, format="dollar", min_value=0, step=1000)
                          for mk in month_keys}})
    if st.button("Save quotas", icon=":material/save:", key="save_quotas", disabled=read_only):
        done, problems = [], []
        for before, after in zip(grid.to_dict("records"), quotas_edited.to_dict("records")):
            for mk in month_keys:
                old, new = before[mk], after[mk]
                if (pd.isna(old) and pd.isna(new)) or (not pd.isna(old) and not pd.isna(new) and float(old) == float(new)):
                    continue
                try:
                    if pd.isna(new):
                        delete_quota(con, before["owner"], mk, access.writer("goals"))
                        done.append(f"{before['owner']} {mk}: removed")
                    else:
                        set_quota(con, before["owner"], mk, float(new), access.writer("goals"))
                        done.append(f"{before['owner']} {mk}: {dollars(float(new))}")
                except ValueError as exc:
                    problems.append(f"{before['owner']} {mk}: {exc}")
        for k in ("quota_editor_round", "goal_editor_round"):   # fresh editors show what was stored
            st.session_state[k] = st.session_state.get(k, 0) + 1
        st.session_state["quota_saved"] = (done, problems)
        st.rerun()
    quota_saved = st.session_state.pop("quota_saved", None)
    if quota_saved:
        done, problems = quota_saved
        if done:
            st.success("Saved quotas: " + ", ".join(done) + ".", icon=":material/check_circle:")
        for problem in problems:
            st.error(problem, icon=":material/error:")
        if not done and not problems:
            st.info("No quota changed.")
quota_changes = ui.query("quota_changes", limit=20)
if not quota_changes.empty:
    with st.expander("Recent quota changes"):
        ui.table(quota_changes, hide_index=True, key="quota_changes", column_config={
            "changed_at": st.column_config.DatetimeColumn("When", format="MMM D, YYYY HH:mm"),
            "changed_by": "Who", "owner": "Owner", "month": "Month",
            "old_quota": st.column_config.NumberColumn("From", format="dollar"),
            "new_quota": st.column_config.NumberColumn("To", format="dollar")})
