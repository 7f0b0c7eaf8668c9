"""Sales view: per rep, the MQLs received and how fast they were followed up (SLA met / breached /
pending), then SQL -> opportunity, win rate, cycle, average deal and won revenue; and follow-up speed
by the hour and weekday MQLs arrive, so routing gaps show up.

Numbers: the metrics layer by name (headline; per rep: metrics.rep_scorecard, the measures by owner),
sales_response_by_hour.sql.
"""

import streamlit as st

from onefunnel import charts_teams, insights, ui
from onefunnel.definitions import METRICS

view = ui.view()
ui.page_header("Sales", view)

params = view.params()
sla_hours = params["sla_hours"]
v, m, prev = ui.period_metrics(view)


# ---- headline ------------------------------------------------------------------------------------------
row1 = st.columns(4)
for col, key in zip(row1, ["mqls", "sla_compliance", "mql_response_hours_median", "sla_breaches"]):
    ui.metric(key, v(key), v(key, prev), container=col,
              higher_is_better=key not in ("mql_response_hours_median", "sla_breaches"))
row2 = st.columns(4)
for col, key in zip(row2, ["sql_to_opp_rate", "win_rate", "avg_deal_size", "won_revenue"]):
    ui.metric(key, v(key), v(key, prev), container=col)
st.caption(f"SLA: first activity within {sla_hours:g} hours of the MQL date (setting on the Definitions page). "
           f"{ui.fmt_int(v('sla_pending'))} MQLs are still within the SLA at the end of {ui.fmt_date(view.as_of)}.")

reps = ui.rep_scorecard(view)
owners = reps["owner"].tolist()
everyone_hours = ui.query("sales_response_by_hour", **params, owner=None)
headline = insights.sales_insights(reps, everyone_hours, sla_hours)
if headline:
    st.markdown("**Where follow-up and deals slip most** (ranked by count, at least "
                f"{insights.MIN_COUNT})\n\n" + "\n".join(f"- **{ui.md(i.subject)}**: {i.detail}" for i in headline))


def section_reps():
    ui.section("Per rep", "MQLs received are the rep's own leads (lead owner) with an MQL date in the period; "
               "deals are the rep's opportunities closed in the period. '(none)' = no owner.")
    if reps.empty:
        st.info("No MQLs, SQLs or closed deals in this period. Pick a longer period in the sidebar.")
        return
    answered = reps[reps["mqls"] > 0]
    if not answered.empty:
        ui.chart(charts_teams.rep_response_chart, answered, sla_hours, key="sales_rep_chart")
    table = reps[["owner", "mqls", "mql_response_hours_median", "mql_response_hours_p90", "sla_met",
                  "sla_breaches", "sla_pending", "sla_compliance", "sql_to_opp_rate", "win_rate",
                  "sales_cycle_days", "avg_deal_size", "won_deals", "won_revenue"]]

    short = {"mqls": "MQLs received", "mql_response_hours_median": "Median response",
             "mql_response_hours_p90": "P90 response", "sla_met": "SLA met", "sla_breaches": "Breached",
             "sla_pending": "Pending", "sla_compliance": "SLA %", "sql_to_opp_rate": "SQL → Opp",
             "win_rate": "Win rate", "sales_cycle_days": "Cycle", "avg_deal_size": "Avg deal",
             "won_deals": "Won deals", "won_revenue": "Won revenue"}
    config = {"owner": ui.text_column("Rep", 16, pinned=True),
              **{k: ui.number_column(short[k], METRICS[k].fmt, help=f"{METRICS[k].label}: {METRICS[k].definition}")
                 for k in table.columns if k in METRICS}}
    shown = ui.for_people(table, money=["avg_deal_size", "won_revenue"],
                          rates=["sla_compliance", "sql_to_opp_rate", "win_rate"])
    # two tables that fit the page, each with the rep first: follow-up, then deals
    st.markdown("**Follow-up of the MQLs received**")
    ui.table(shown, hide_index=True, width="stretch", key="sales_rep_table", column_config=config,
                 column_order=["owner", "mqls", "mql_response_hours_median", "mql_response_hours_p90", "sla_met",
                               "sla_breaches", "sla_pending", "sla_compliance"])
    st.markdown("**Deals closed**")
    ui.table(shown, hide_index=True, width="stretch", key="sales_rep_deals_table", column_config=config,
                 column_order=["owner", "sql_to_opp_rate", "win_rate", "sales_cycle_days", "avg_deal_size",
                               "won_deals", "won_revenue"])
    ui.download_csv(table, f"sales_by_rep_{view.start}_{view.end}.csv", key="dl_sales_reps")


def section_hours():
    ui.section("Follow-up speed by hour and weekday",
               "Median hours to the first activity, by when the MQL arrived. Orange and red cells are slower "
               "than the SLA: MQLs arriving then wait (nights, weekends, or a rep's queue).")
    who = st.selectbox("Rep", ["Everyone"] + owners, key="sales_hour_owner")
    hours = everyone_hours if who == "Everyone" else ui.query("sales_response_by_hour", **params, owner=who)
    if hours.empty:
        st.info("No MQLs in this period for this selection.")
        return
    ui.chart(charts_teams.response_heatmap, hours, sla_hours, key="sales_heatmap")
    slow = hours[hours["mqls"] > 0]
    by_day = hours.groupby("weekday")[["mqls", "sla_breaches"]].sum()
    worst = by_day.sort_values(["sla_breaches", "mqls"], ascending=False)   # impact: breaches, not shares
    if not worst.empty and worst.iloc[0]["sla_breaches"] > 0:
        day = charts_teams.WEEKDAYS[int(worst.index[0]) - 1]
        st.caption(f"Most breaches by arrival day: **{day}** ({int(worst.iloc[0]['sla_breaches'])} of "
                   f"{int(worst.iloc[0]['mqls'])} MQLs breached).")
    ui.download_csv(slow, f"follow_up_by_hour_{view.start}_{view.end}.csv",
                    key="dl_sales_hours")


# The marketing lens looks at the hand-over speed first; sales and everyone start with the reps.
if view.team == "marketing":
    st.caption("Team lens **Marketing**: follow-up speed of your MQLs comes first.")
    section_hours()
    section_reps()
else:
    section_reps()
    section_hours()
