"""Friction: the standup page. Where the hand-over between marketing and sales is failing today:
MQLs waiting past the follow-up SLA, MQLs sales rejected, stalled opportunities, and the same
counts week by week. Every list filters by owner and downloads as an Excel-safe CSV. A list shows its first
ui.LIST_ROWS rows (the query's limit: at 1M leads the stalled deals alone are 53k rows) and its total; its
download runs the query again, for every row, when clicked.

"Right now" is the end of the view's as-of day. Numbers: queries/friction_*.sql.
"""

import pandas as pd
import streamlit as st

from onefunnel import charts_teams, ui
from onefunnel.db import get_setting
from onefunnel.ingest import old_deals

view = ui.view()
ui.page_header("Friction", view, f"Right now = the end of {ui.fmt_date(view.as_of)}.")

params = view.params()
sla_hours = params["sla_hours"]
stall_days = int(get_setting(ui.cursor(), "stall_days", 14))

owners = ui.query("standup_owners")["owner"].tolist()   # every lead and opportunity owner
chosen = st.multiselect("Owner", owners, key="friction_owner", placeholder="Everyone",
                        help="Lead owner for MQLs, opportunity owner for deals. Empty = everyone.")
mine = {"owners": list(chosen)}
lists = {   # query -> its parameters: the first ui.LIST_ROWS rows of each list, and its total
    "friction_sla_breaches": {**params, **mine},
    "friction_rejected_mqls": {"start": view.start, "end": view.end, **mine},
    "friction_stalled_opportunities": {"as_of": view.as_of, "stall_days": stall_days, **mine},
}
waiting, rejected, stalled = (ui.query(name, **p, limit=ui.LIST_ROWS) for name, p in lists.items())
weekly = ui.query("friction_weekly", **params, stall_days=stall_days, **mine)


def total(df: pd.DataFrame) -> int:
    return int(df["total"].iloc[0]) if len(df) else 0


def listed(df: pd.DataFrame, name: str, columns: list[str], file_name: str, download_key: str, extra: tuple = (),
           **table) -> None:
    """A list's first rows as a table (`columns`, then the `extra` ones the download leaves out), and a download
    of all of them."""
    ui.table(df[[*columns, *extra]], total=total(df), hide_index=True, width="stretch", **table)
    ui.download_query_csv(name, {**lists[name], "limit": None}, columns, file_name, total(df), len(df),
                          key=download_key)


c1, c2, c3 = st.columns(3)
c1.metric("MQLs waiting past the SLA", ui.fmt_int(total(waiting)), border=True,
          help=f"MQLs of the period with no activity yet, more than {sla_hours:g} h after the MQL date at the end "
               f"of {ui.fmt_date(view.as_of)}, not yet accepted or rejected. Owner: sales.")
c2.metric("MQLs rejected in the period", ui.fmt_int(total(rejected)), border=True,
          help="Leads with an MQL date that sales disqualified in the period. Owners: marketing (lead quality) "
               "and sales (the verdict).")
c3.metric("Stalled opportunities", ui.fmt_int(total(stalled)), border=True,
          help=f"Open at the end of {ui.fmt_date(view.as_of)} and past their close date, or with no activity on "
               f"their lead for {stall_days} days or more (setting stall_days). Owner: sales.")


def section_waiting():
    ui.section("MQLs breaching the follow-up SLA right now",
               f"No activity yet, more than {sla_hours:g} h after becoming MQL (oldest first). Leads already "
               "accepted or rejected are not waiting. They all count in the period's SLA breaches.")
    if waiting.empty:
        st.success("No MQL is waiting past the SLA.", icon=":material/check_circle:")
        return
    columns = ["company", "email", "owner", "source", "campaign", "mql_at", "hours_waiting", "hours_over_sla"]
    listed(waiting, "friction_sla_breaches", columns, f"mqls_waiting_past_sla_{view.as_of}.csv",
           "dl_friction_waiting", key="friction_waiting_table", column_config={
        "company": "Lead", "email": "Email", "owner": "Owner", "source": "Source", "campaign": "Campaign",
        "mql_at": st.column_config.DatetimeColumn("MQL since", format="MMM D, HH:mm"),
        "hours_waiting": st.column_config.NumberColumn("Hours waiting", format="%.0f h"),
        "hours_over_sla": st.column_config.NumberColumn("Over the SLA by", format="%.0f h"),
    })


def section_rejected():
    ui.section("MQLs rejected in the period", "Leads with an MQL date that sales disqualified in the period, "
               "latest first, with the reason and where they came from.")
    if rejected.empty:
        st.success("Sales rejected no MQL in this period.", icon=":material/check_circle:")
        return
    reasons = ui.query("friction_rejection_reasons", **lists["friction_rejected_mqls"])
    st.caption("Reasons: " + " · ".join(f"{ui.md(r.reason)} {ui.fmt_int(r.rejected)}" for r in reasons.itertuples()))
    columns = ["company", "email", "owner", "source", "channel", "campaign", "mql_at", "disqualified_at", "reason",
               "was_accepted"]
    listed(rejected, "friction_rejected_mqls", columns, f"mqls_rejected_{view.start}_{view.end}.csv",
           "dl_friction_rejected", key="friction_rejected_table", column_config={
        "company": "Lead", "email": "Email", "owner": "Owner", "source": "Source", "channel": "Channel",
        "campaign": "Campaign",
        "mql_at": st.column_config.DatetimeColumn("MQL", format="MMM D, YYYY"),
        "disqualified_at": st.column_config.DatetimeColumn("Rejected", format="MMM D, YYYY"),
        "reason": "Reason",
        "was_accepted": st.column_config.CheckboxColumn("Was SQL", help="Sales accepted it first."),
    })


def section_stalled():
    ui.section("Stalled opportunities", f"Open deals past their close date, or with no activity on their lead "
               f"for {stall_days} days or more (the stall_days setting). Largest first.")
    for d in ui.query("friction_old_deal_decisions").to_dict("records"):
        st.caption(f"Import #{d['import_id']} ({ui.md(d['file_name'])}) had {ui.fmt_int(d['deals'])} old open deals "
                   f"(closing before {ui.fmt_date(d['cutoff'])}, or created before it with no close date): "
                   f"{old_deals.POLICIES[d['policy']]}" + (", so they are in this list when stalled."
                                                            if d["policy"] == "keep" else "."))
    if stalled.empty:
        st.success("No opportunity is stalled.", icon=":material/check_circle:")
        return
    columns = ["name", "owner", "stage", "amount", "close_date", "days_past_close", "last_activity_at", "idle_days",
               "reason"]
    linked = stalled.assign(deal="/deal?deal=" + stalled["opp_key"])   # the deal's own page
    listed(linked, "friction_stalled_opportunities", columns, f"stalled_opportunities_{view.as_of}.csv",
           "dl_friction_stalled", extra=("deal",), key="friction_stalled_table", column_config={
        "deal": st.column_config.LinkColumn("Open", display_text="Open deal"),
        "name": "Opportunity", "owner": "Owner", "stage": "Stage",
        "amount": st.column_config.NumberColumn("Amount", format="dollar"),
        "close_date": st.column_config.DateColumn("Close date", format="MMM D, YYYY"),
        "days_past_close": st.column_config.NumberColumn("Days past close", format="%d d"),
        "last_activity_at": st.column_config.DatetimeColumn("Last activity", format="MMM D, YYYY"),
        "idle_days": st.column_config.NumberColumn("Days idle", format="%d d"),
        "reason": "Why it is listed",
    })


def section_trend():
    ui.section("Week by week", "Is it getting better? SLA breaches among each week's MQLs, MQLs rejected in the "
               "week, and opportunities stalled at the week's end"
               + (f" (owners: {', '.join(chosen)})." if chosen else " (all owners)."))
    if weekly.empty:
        st.info("The period has not started yet.")
        return
    ui.chart(charts_teams.friction_weekly_chart, weekly, ui.data_to(), key="friction_weekly_chart")
    newest = ui.data_to()
    known = weekly[pd.to_datetime(weekly["week_start"]).dt.date <= newest] if newest else weekly   # no zeros past the data
    if len(known) < len(weekly):
        st.caption(f"Weeks after {ui.fmt_date(newest)}, the newest record, are shaded: no data yet, not zero.")
    if len(known) >= 2:
        last, before = known.iloc[-1], known.iloc[-2]
        parts = []
        for col, name in (("sla_breaches", "SLA breaches"), ("rejected_mqls", "rejected MQLs"),
                          ("stalled_opps", "stalled deals")):
            diff = int(last[col]) - int(before[col])
            parts.append(f"{name} {int(last[col])} ({diff:+d})")
        st.caption(f"Week of {ui.fmt_date(last['week_start'])} against the week before: " + " · ".join(parts))


# The marketing lens starts with the rejections (lead quality); sales and everyone with the waiting MQLs.
order = ([section_rejected, section_waiting, section_stalled] if view.team == "marketing"
         else [section_waiting, section_stalled, section_rejected] if view.team == "sales"
         else [section_waiting, section_rejected, section_stalled])
if view.team != "everyone":
    st.caption(f"Team lens **{ui.TEAMS[view.team]}**: your team's lists come first.")
for draw in order:
    draw()
section_trend()
