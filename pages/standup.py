"""Standup: what changed since the last working day (or a chosen moment), one line per item with its owner: new
MQLs, MQLs that breached or will soon breach the follow-up SLA, leads rejected and why, deals that moved, new
comments. Sales give their verdict on an MQL here; anyone comments and sees what mentions them. Filters live in
the URL. Lists: queries/standup_*.sql; writes: onefunnel.feedback, onefunnel.comments.
"""

import datetime as dt

import pandas as pd
import streamlit as st

from onefunnel import access, comments, feedback, standup, ui

view = ui.view()
ui.page_header("Standup", view, "What changed since the last standup, one line per item with its owner. "
               "Sales' verdicts and comments given here feed Marketing's lead-quality feedback.")

now = standup.now()
owners = ui.query("standup_owners")
teams = sorted(set(owners["team"]))

c1, c2, c3, c4, c5 = st.columns([1.6, 1, 1, 1.2, 0.8])
mode = c1.segmented_control("Since", ["last working day", "chosen time"], default="last working day",
                            key="su_since", bind="query-params", required=True) or "last working day"
if mode == "chosen time":
    default = standup.default_since(now)
    day = c2.date_input("From day", value=default.date(), key="su_day", bind="query-params")
    at = c3.time_input("at", value=default.time(), key="su_time", bind="query-params", step=900)
    since = dt.datetime.combine(day if isinstance(day, dt.date) else default.date(),
                                at if isinstance(at, dt.time) else default.time())
else:
    since = standup.default_since(now)
team = c4.selectbox("Team", ["(everyone)", *teams], key="su_team", bind="query-params",
                    help="The owner's team in the owner directory (Definitions page).")
team_owners = owners if team in (None, "(everyone)") else owners[owners["team"] == team]
owner = c4.selectbox("Owner", ["(everyone)", *team_owners["owner"]], key="su_owner", bind="query-params")
soon = c5.number_input("Due within (h)", min_value=1, max_value=72, value=4, step=1, key="su_soon",
                       bind="query-params", help="MQLs whose follow-up SLA runs out within this many hours.")
sla_hours = view.params()["sla_hours"]
st.caption(f"From {since:%a %b %-d, %H:%M} to now, {now:%a %b %-d, %H:%M} · follow-up SLA {sla_hours:g} h")

w = dict(since=since, now=now, team="" if team in (None, "(everyone)") else team,
         owner="" if owner in (None, "(everyone)") else owner)
new_mqls = ui.query("standup_new_mqls", **w)
sla = ui.query("standup_sla", **w, sla_hours=float(sla_hours), soon_hours=float(soon))
rejected = ui.query("standup_rejections", **w)
deals = ui.query("standup_deals", **w)
notes = ui.query("standup_comments", **w)

m = st.columns(5)
m[0].metric("New MQLs", f"{len(new_mqls):,}", border=True)
m[1].metric("SLA breached", f"{(sla['status'] == 'breached').sum():,}", border=True)
m[2].metric(f"Due within {soon:g} h", f"{(sla['status'] == 'due soon').sum():,}", border=True)
m[3].metric("Leads rejected", f"{len(rejected):,}", border=True)
m[4].metric("Deals moved", f"{len(deals):,}", border=True)

TIME = "MMM D, HH:mm"


def deal_links(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out.insert(0, "deal", ["/deal?deal=" + k for k in out["opp_key"]])
    return out


def table(df: pd.DataFrame, key: str, columns: dict, empty: str, file: str):
    if df.empty:
        st.caption(empty)
        return
    shown = df[list(columns)]
    ui.table(shown, hide_index=True, width="stretch", key=key, column_config=columns)
    ui.download_csv(shown, file, key=f"dl_{key}")


ui.section("New MQLs", "Leads that became MQL in the window, with the owner who follows them up.")
table(new_mqls, "su_new_mqls", {
    "company": "Lead", "email": "Email", "owner": "Owner", "team": "Team", "channel": "Channel",
    "campaign": "Campaign", "mql_at": st.column_config.DatetimeColumn("MQL at", format=TIME),
    "verdict": "Sales' verdict"}, "No new MQL in the window.", "standup_new_mqls.csv")

ui.section("Follow-up SLA", f"Breached: the {sla_hours:g} h ran out in the window with no activity. Due soon: no "
           f"activity yet and {sla_hours:g} h run out within {soon:g} h.")
table(sla, "su_sla", {
    "status": "Status", "company": "Lead", "email": "Email", "owner": "Owner", "team": "Team",
    "mql_at": st.column_config.DatetimeColumn("MQL at", format=TIME),
    "due_at": st.column_config.DatetimeColumn("Due at", format=TIME),
    "hours_left": st.column_config.NumberColumn("Hours left", format="%.1f h")},
    "No MQL breached the SLA in the window and none is due soon.", "standup_sla.csv")

ui.section("Leads rejected and why", "Rejected in the window, by the export or by sales in the app (each lead once).")
table(rejected, "su_rejected", {
    "company": "Lead", "email": "Email", "owner": "Owner", "team": "Team",
    "rejected_at": st.column_config.DatetimeColumn("Rejected at", format=TIME), "reason": "Reason",
    "rejected_by": "Said by", "verdict_by": "Who (app)", "note": "Note"},
    "No lead was rejected in the window.", "standup_rejections.csv")

ui.section("Deals", "Created, moved to another stage (seen by a re-import), won or lost in the window.")
table(deal_links(deals), "su_deals", {
    "deal": st.column_config.LinkColumn("Deal", display_text=r"/deal\?deal=(.*)"), "name": "Name",
    "owner": "Owner", "team": "Team", "event": "What happened",
    "at": st.column_config.DatetimeColumn("When", format=TIME), "from_stage": "From stage", "to_stage": "To stage",
    "amount": ui.number_column("Amount", "money")},
    "No deal was created, moved, won or lost in the window.", "standup_deals.csv")

ui.section("New comments", "Comments written in the window, with the owner of the lead or deal they are about.")
table(notes, "su_comments", {
    "subject_kind": "On a", "subject_id": "Which", "owner": "Owner", "author": "By",
    "created_at": st.column_config.DatetimeColumn("At", format=TIME), "is_reply": "Reply", "body": "Comment"},
    "No new comment in the window.", "standup_comments.csv")

# ---- sales' verdict -----------------------------------------------------------------------------------------
ui.section("Sales' verdict on an MQL", "Accept or reject an MQL with a reason and a note. An import never "
           "changes a verdict; when the export disagrees, the conflict is listed below.")
MAX_CANDIDATES = 500
candidates = ui.query("lead_verdict_candidates", team=w["team"], owner=w["owner"], limit=MAX_CANDIDATES)
reasons = feedback.rejection_reasons(ui.cursor())
if candidates.empty:
    st.caption("No MQL to give a verdict on.")
else:
    # the newest MQLs only: a select box of every MQL (hundreds of thousands at scale) took seconds to send
    labels = {r.lead_key: f"{r.company or r.lead_key} · {r.email or '–'} · {r.owner}"
              + (f" · {r.verdict}ed" if isinstance(r.verdict, str) else "")
              for r in candidates.head(MAX_CANDIDATES).itertuples()}   # then the older ones in conflict
    total = int(candidates["candidates"].iloc[0])
    if total > MAX_CANDIDATES:
        st.caption(f"The newest {MAX_CANDIDATES:,} of {total:,} MQLs; pick an owner above to reach others.")
    no_feedback = access.view_only("feedback")
    with st.form("su_verdict_form", clear_on_submit=True):
        f1, f2 = st.columns([2, 1])
        lead = f1.selectbox("MQL", list(labels), format_func=labels.get, key="su_verdict_lead")
        verdict = f2.radio("Verdict", ["accept", "reject"], horizontal=True, key="su_verdict")
        reason = f1.selectbox("Reason (for a rejection)", reasons, index=None, key="su_verdict_reason",
                              placeholder="Pick a reason")
        access.name_input(f2, "Your name")
        note = st.text_input("Note", key="su_verdict_note", max_chars=500)
        if st.form_submit_button("Save verdict", icon=":material/gavel:", disabled=no_feedback):
            try:
                feedback.give_verdict(ui.cursor(), lead, verdict, reason, note, who=access.writer("feedback"),
                                    at=now)
                st.session_state["su_saved"] = f"Saved: {verdict} {labels[lead]}"
                st.rerun()
            except feedback.VerdictRefused as exc:
                st.error(ui.md(str(exc)), icon=":material/block:")
    if st.session_state.get("su_saved"):
        st.success(ui.md(st.session_state.pop("su_saved")), icon=":material/check_circle:")
    conflicts = candidates[candidates["verdict_conflict"].notna()]
    if not conflicts.empty:
        st.warning(f"{len(conflicts)} verdict{'s disagree' if len(conflicts) > 1 else ' disagrees'} with the export. "
                   "The person's verdict counts.",
                   icon=":material/sync_problem:")
        ui.table(conflicts[["company", "email", "owner", "verdict", "verdict_by", "verdict_conflict"]],
                     hide_index=True, width="stretch", key="su_conflicts", column_config={
                         "company": "Lead", "email": "Email", "owner": "Owner", "verdict": "Verdict",
                         "verdict_by": "By", "verdict_conflict": "Conflict"})
with st.expander("Rejection reasons (the list sales pick from)"):
    text = st.text_area("One reason a line", "\n".join(reasons), key="su_reasons_text")
    if st.button("Save the reasons", key="su_reasons_save", disabled=not access.can("settings")):
        try:
            feedback.set_rejection_reasons(ui.cursor(), text.splitlines(), who=access.writer("settings"))
            st.rerun()
        except feedback.VerdictRefused as exc:
            st.error(ui.md(str(exc)), icon=":material/block:")

# ---- comments -------------------------------------------------------------------------------------------------
ui.section("Comments", "On a lead (its email or key), a deal (its key, e.g. hubspot:123), a campaign (its name) or "
           "a friction item. Write @Name to mention an owner. Comments are plain text.")
no_comments = access.view_only("comments")
with st.form("su_comment_form", clear_on_submit=True):
    k1, k2, k3 = st.columns([1, 2, 1])
    kind = k1.selectbox("On a", list(comments.KINDS), key="su_comment_kind")
    subject = k2.text_input("Which one", key="su_comment_subject")
    parent = k3.number_input("Reply to comment #", min_value=0, value=0, step=1, key="su_comment_parent",
                             help="0 = a new thread.")
    body = st.text_area("Comment", key="su_comment_body", max_chars=comments.MAX_CHARS)
    if st.form_submit_button("Post comment", icon=":material/chat:", disabled=no_comments):
        try:
            comments.add_comment(ui.cursor(), kind, subject.strip(), body, access.writer("comments"), parent_id=int(parent) or None,
                                  at=now)
            st.rerun()
        except comments.CommentRefused as exc:
            st.error(ui.md(str(exc)), icon=":material/block:")

t1, t2 = st.columns(2)
with t1:
    st.markdown("**A thread**")
    tk = st.selectbox("On a", list(comments.KINDS), key="su_thread_kind", bind="query-params")
    tid = st.text_input("Which one", key="su_thread_id", bind="query-params")
    if tid:
        thread = ui.query("comments_thread", kind=tk, subject_id=tid.strip())
        if thread.empty:
            st.caption("No comment on it yet.")
        for c in thread.itertuples():
            pad = "↳ " * int(c.depth)
            st.markdown(f"{pad}**#{c.comment_id} {ui.md(c.author)}** · {c.created_at:%b %-d %H:%M}  \n"
                        f"{pad}{ui.md(c.body)}")
with t2:
    st.markdown("**Mentions me**")
    me = st.selectbox("I am", ["(pick an owner)", *owners["owner"]], key="su_me", bind="query-params")
    if me and me != "(pick an owner)":
        mentions = ui.query("comments_mentions", person=me)
        if mentions.empty:
            st.caption(f"No comment mentions @{me}.")
        else:
            ui.table(mentions, hide_index=True, width="stretch", key="su_mentions",
                         column_config={"comment_id": "#", "subject_kind": "On a", "subject_id": "Which",
                                        "author": "By", "created_at": st.column_config.DatetimeColumn(
                                            "At", format=TIME), "body": "Comment"})
            ui.download_csv(mentions, f"mentions_{me}.csv", key="dl_su_mentions")
