"""One deal (url /deal?deal=ID): owner, stage, amount, dates, the time in each stage the imports saw, the lead
behind it, its touches with each attribution model's credit (a won deal: attribution_deal_path, as the
Attribution page), activities, sales' verdicts on the lead and the comments on the deal and the lead.
Queries: queries/deal_*.sql.
"""

import pandas as pd
import streamlit as st

from onefunnel import standup, ui
from onefunnel.definitions import ATTRIBUTION_MODELS

view = ui.view()
ui.page_header("Deal", view, "Everything about one opportunity, for everyone: where it stands, how it got there "
               "and who said what.")

MAX_DEALS = 2000   # a select box of every deal (150k at scale) took seconds to draw; a link opens any deal
asked = st.query_params.get("deal")
deals = ui.query("deal_list", limit=MAX_DEALS, asked=asked or "")
if deals.empty:
    st.info("No deals yet: upload an opportunities export on the Data page.")
    st.stop()
labels = {r.opp_key: f"{r.name} · {r.owner} · {r.stage}" for r in deals.itertuples()}   # the asked deal included
total = int(deals["deals"].iloc[0])
if total > MAX_DEALS:
    st.caption(f"The first {MAX_DEALS:,} of {total:,} deals are listed; a deal's link from any list opens it.")
opp_key = st.selectbox("Deal", list(labels), format_func=labels.get, key="deal", bind="query-params",
                       help="Type to search by name. The link of this page opens this deal.")
if not opp_key:
    st.stop()
d = ui.query("deal_summary", deal=opp_key).iloc[0]
now = standup.now()

state = "won" if d["is_won"] else "lost" if d["is_closed"] else "open"
c = st.columns(4)
c[0].metric("Amount", ui.fmt_money(d["amount"]), border=True)
c[1].metric("Stage", str(d["stage"] or "–"), border=True)
c[2].metric("State", state, border=True)
c[3].metric("Owner", str(d["owner"]), border=True)
st.markdown(f"**{ui.md(d['name'])}** · {ui.md(opp_key)} · created "
            f"{ui.fmt_date(pd.Timestamp(d['created_at']).date()) if pd.notna(d['created_at']) else '–'} · close date "
            f"{ui.fmt_date(pd.Timestamp(d['close_date']).date()) if pd.notna(d['close_date']) else '–'}"
            + (f" · probability {d['probability']:.0f}%" if pd.notna(d["probability"]) else ""))

ui.section("Time in each stage", "As the imports saw it: the first stage from the deal's creation, then each stage "
           "a re-import brought, from that import. The current stage of an open deal counts up to now.")
stages = ui.query("deal_stages", deal=opp_key, now=now)
ui.table(stages, hide_index=True, width="stretch", key="deal_stages", column_config={
    "stage": "Stage", "entered_at": st.column_config.DatetimeColumn("Entered", format="MMM D YYYY, HH:mm"),
    "left_at": st.column_config.DatetimeColumn("Left", format="MMM D YYYY, HH:mm"),
    "days": st.column_config.NumberColumn("Days", format="%.1f")})

ui.section("The lead behind it")
if pd.isna(d["lead_key"]):
    st.caption("Not linked to a lead (no contact id or email that matches one).")
else:
    lead = pd.DataFrame([{k: d[k] for k in ("company", "email", "lead_owner", "channel", "campaign", "lead_created_at",
                                            "mql_at", "sql_at", "disqualified_at", "disqualify_reason", "rejected_by",
                                            "verdict_conflict")}])
    ui.table(lead, hide_index=True, width="stretch", key="deal_lead", column_config={
        "company": "Lead", "email": "Email", "lead_owner": "Owner", "channel": "Channel", "campaign": "Campaign",
        "lead_created_at": "Created", "mql_at": "MQL", "sql_at": "SQL", "disqualified_at": "Rejected",
        "disqualify_reason": "Reason", "rejected_by": "Rejected by", "verdict_conflict": "Conflict"})

ui.section("Touches and credit", "The lead's touches in time order. A won deal's amount is split among the touches "
           "on or before the opportunity was created, under each attribution model (as on the Attribution page).")
models = list(ATTRIBUTION_MODELS)
if d["is_won"]:
    path = ui.query("attribution_deal_path", opp_key=opp_key)
    cols = ["touched_at", "channel", "campaign", "is_origin", "counts", *models]
    ui.table(ui.for_people(path[cols], money=models), hide_index=True, width="stretch", key="deal_touches",
                 column_config={
                     "touched_at": st.column_config.DatetimeColumn("When", format="MMM D YYYY, HH:mm"),
                     "channel": "Channel", "campaign": "Campaign", "is_origin": "Origin", "counts": "Credited",
                     **{m: ui.number_column(ATTRIBUTION_MODELS[m][0], "money") for m in models}})
else:
    touches = ui.query("deal_touches", deal=opp_key)
    st.caption("Credit goes to won deals only; this deal is " + state + ".")
    ui.table(touches, hide_index=True, width="stretch", key="deal_touches", column_config={
        "touched_at": st.column_config.DatetimeColumn("When", format="MMM D YYYY, HH:mm"), "channel": "Channel",
        "campaign": "Campaign", "is_origin": "Origin", "counts": "Before the opportunity"})

a1, a2 = st.columns(2)
with a1:
    ui.section("Activities")
    ui.table(ui.query("deal_activities", deal=opp_key), hide_index=True, width="stretch", key="deal_activities",
                 column_config={
                     "activity_at": st.column_config.DatetimeColumn("At", format="MMM D YYYY, HH:mm"),
                     "type": "Type", "owner": "By"})
with a2:
    ui.section("Sales' verdicts on the lead")
    ui.table(ui.query("deal_verdicts", deal=opp_key), hide_index=True, width="stretch", key="deal_verdicts",
                 column_config={"verdict_id": None, "verdict": "Verdict", "reason": "Reason",
                                                 "note": "Note", "given_by": "By", "given_at": st.column_config.
                                                 DatetimeColumn("At", format="MMM D YYYY, HH:mm")})

ui.section("Comments", "On this deal and on its lead. Comment on the Standup page.")
for kind, subject in (("deal", opp_key), ("lead", d["lead_key"])):
    if not isinstance(subject, str):
        continue
    thread = ui.query("comments_thread", kind=kind, subject_id=subject)
    for c in thread.itertuples():
        st.markdown(f"{'↳ ' * int(c.depth)}**{ui.md(c.author)}** on the {kind} · {c.created_at:%b %-d %H:%M}  \n"
                    f"{'↳ ' * int(c.depth)}{ui.md(c.body)}")
    if thread.empty:
        st.caption(f"No comment on the {kind} yet.")
