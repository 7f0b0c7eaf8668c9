"""Marketing view: leads, MQLs, conversion, cost and sourced revenue per channel and campaign, and
sales' verdict on marketing's MQLs (accepted, rejected and why, won): the loop that tells marketing
which leads are worth making.

Numbers: the metrics layer by name (headline; per channel or channel · campaign through
metrics.marketing_scorecard and metrics.lead_quality), marketing_rejection_reasons.sql. A lead's channel is
its source renamed by the channel_map setting, which is also how spend channels meet lead sources.
"""

import streamlit as st

from onefunnel import access, charts_teams, feedback, ui
from onefunnel.definitions import METRICS

view = ui.view()
ui.page_header("Marketing", view)

params = view.params()
v, m, prev = ui.period_metrics(view)


# ---- headline ------------------------------------------------------------------------------------------
row1 = st.columns(4)
for col, key in zip(row1, ["leads_created", "mqls", "lead_to_mql_rate", "mql_to_sql_rate"]):
    ui.metric(key, v(key), v(key, prev), container=col)
row2 = st.columns(4)
for col, key in zip(row2, ["cost_per_lead", "cost_per_mql", "marketing_sourced_pipeline",
                           "marketing_sourced_revenue"]):
    ui.metric(key, v(key), v(key, prev), container=col)

level = st.segmented_control("Break down by", ["channel", "campaign"], default="channel", key="mkt_level",
                             required=True, bind="query-params",
                             help="Channel = the lead's source, renamed by the channel map (Definitions page).") \
    or "channel"

dimension = "channel" if level == "channel" else "channel_campaign"
funnel = ui.scorecard("marketing_scorecard", dimension, view).rename(columns={"value": "label"})
quality = ui.scorecard("lead_quality", dimension, view).rename(columns={
    "value": "label", "mqls_became_sql": "accepted", "mqls_rejected": "rejected", "mqls_won": "won",
    "mqls_undecided": "undecided", "mql_to_sql_rate": "accepted_rate", "mql_rejected_rate": "rejected_rate",
    "mql_won_rate": "won_rate"})
reasons = ui.query("marketing_rejection_reasons", start=view.start, end=view.end)
reasons = reasons[reasons["level"] == level].copy()
reasons["label"] = reasons["channel"] if level == "channel" else reasons["channel"] + " · " + reasons["campaign"].astype(str)
sources = ui.query("marketing_rejection_sources", start=view.start, end=view.end)
sources = sources[sources["level"] == level].copy()
sources["label"] = sources["channel"] if level == "channel" else sources["channel"] + " · " + sources["campaign"].astype(str)


def section_funnel():
    ui.section(f"Funnel by {level}",
               "Leads and MQLs of the period with the cohort rates of METRICS.md, cost per lead and per MQL "
               "(spend of the channel/campaign in the period; '–' where no spend was uploaded for it), and the "
               "marketing-sourced pipeline and revenue of its leads.")
    if funnel.empty:
        st.info("No leads, MQLs, sourced deals or spend in this period. Pick a longer period in the sidebar.")
        return
    if level == "channel":
        ui.chart(charts_teams.channel_volume_chart, funnel[funnel["label"] != "(none)"]
                 if (funnel["leads_created"] > 0).any() else funnel, key="mkt_volume_chart")
    no_leads_spend = funnel[funnel["has_spend"] & (funnel["leads_created"] == 0)]
    if not no_leads_spend.empty:
        st.caption("Spend that meets no lead source: " + ", ".join(map(ui.md, no_leads_spend["label"]))
                   + ". Map spend channels and lead sources to one channel on the Definitions page (channel map).")
    table = funnel[["label", "leads_created", "mqls", "lead_to_mql_rate", "mql_to_sql_rate", "spend",
                    "cost_per_lead", "cost_per_mql", "marketing_sourced_pipeline",
                    "marketing_sourced_revenue"]].copy()
    table.loc[~funnel["has_spend"], "spend"] = None
    # MQL -> SQL is the lead-quality table's "Accepted %": kept in the CSV, not shown twice
    short = {"cost_per_lead": "Cost/lead", "cost_per_mql": "Cost/MQL",
             "marketing_sourced_pipeline": "Sourced pipeline", "marketing_sourced_revenue": "Sourced revenue"}
    cols = {k: ui.number_column(short.get(k, METRICS[k].label), METRICS[k].fmt, help=METRICS[k].definition)
            for k in table.columns if k in METRICS}
    cols["label"] = ui.text_column(level.capitalize(), 12)
    ui.table(ui.for_people(table, money=["spend", "cost_per_lead", "cost_per_mql", "marketing_sourced_pipeline",
                                             "marketing_sourced_revenue"], rates=["lead_to_mql_rate", "mql_to_sql_rate"]),
                 hide_index=True, width="stretch", column_config=cols, key="mkt_funnel_table",
                 column_order=[c for c in table.columns if c != "mql_to_sql_rate"])
    ui.download_csv(table.rename(columns={"label": level}), f"marketing_by_{level}_{view.start}_{view.end}.csv",
                    key="dl_mkt_funnel")


def section_quality():
    ui.section("Lead quality: what sales did with the MQLs",
               f"Of each {level}'s MQLs of the period: accepted by sales (became SQL, at any time), rejected "
               "(disqualified in the export, by date or by a status such as Unqualified, or rejected by sales in "
               "the app; each lead counted once, the person's verdict deciding), won (the lead has a won deal), "
               "still undecided. Accepted = the MQL → SQL rate. Accepted and rejected can overlap (accepted, then "
               "disqualified later).")
    if quality.empty:
        st.info("No MQLs in this period yet.")
        return
    top = quality.head(12)
    ui.chart(charts_teams.lead_quality_chart, top, key="mkt_quality_chart")
    worst = quality[quality["mqls"] >= 5].sort_values("rejected_rate", ascending=False).head(1)
    if not worst.empty and worst.iloc[0]["rejected_rate"] >= 0.5:
        w = worst.iloc[0]
        st.warning(f"Sales rejected {ui.fmt_pct(w['rejected_rate'])} of the {int(w['mqls'])} MQLs from "
                   f"**{ui.md(w['label'])}** (accepted {ui.fmt_pct(w['accepted_rate'])}).", icon=":material/thumb_down:")
    table = quality[["label", "mqls", "accepted", "rejected", "won", "undecided", "accepted_rate", "rejected_rate",
                     "won_rate"]]
    ui.table(ui.for_people(table, rates=["accepted_rate", "rejected_rate", "won_rate"]), hide_index=True,
                 width="stretch", key="mkt_quality_table", column_config={
        "label": ui.text_column(level.capitalize(), 14),
        "mqls": ui.number_column("MQLs", help=METRICS["mqls"].definition),
        "accepted": ui.number_column("Accepted (SQL)"),
        "rejected": ui.number_column("Rejected"),
        "won": ui.number_column("Won"),
        "undecided": ui.number_column("Undecided"),
        "accepted_rate": ui.number_column("Accepted %", "pct", help=METRICS["mql_to_sql_rate"].definition),
        "rejected_rate": ui.number_column("Rejected %", "pct"),
        "won_rate": ui.number_column("Won %", "pct"),
    })
    ui.download_csv(table.rename(columns={"label": level}), f"lead_quality_by_{level}_{view.start}_{view.end}.csv",
                    key="dl_mkt_quality")
    if not reasons.empty:
        st.markdown("**Why sales rejected them**")
        ui.chart(charts_teams.rejection_reasons_chart, reasons, key="mkt_reasons_chart")
        ui.download_csv(reasons[["label", "reason", "rejected"]].rename(columns={"label": level}),
                        f"rejection_reasons_by_{level}_{view.start}_{view.end}.csv", label="Download reasons",
                        key="dl_mkt_reasons")
    if not sources.empty:
        st.markdown("**Who said so: the export, sales in the app, or both**")
        table = sources[["label", "rejected", "export_only", "app_only", "both_sources", "conflicts"]]
        ui.table(table, hide_index=True, width="stretch", key="mkt_sources_table", column_config={
            "label": ui.text_column(level.capitalize(), 14),
            "rejected": ui.number_column("Rejected", help="Each rejected MQL once, whatever said it."),
            "export_only": ui.number_column("Export", help="Disqualified in the uploaded export (a disqualify "
                                            "date, or a Lead Status / Status of Unqualified or Disqualified)."),
            "app_only": ui.number_column("Sales (app)", help="Rejected by sales on the Standup page."),
            "both_sources": ui.number_column("Both", help="Rejected in the export and by sales in the app."),
            "conflicts": ui.number_column("Conflicts", help="Accepted by sales in the app while the export "
                                          "rejects them: the person's verdict counts; see the Standup page."),
        })
        ui.download_csv(table.rename(columns={"label": level}),
                        f"rejection_sources_by_{level}_{view.start}_{view.end}.csv", label="Download sources",
                        key="dl_mkt_sources")


def section_messages():
    ui.section("Messages by stage", "Which campaigns touched leads at each step of the funnel in the period: before "
               "MQL, MQL → SQL, SQL → opportunity, opportunity → close (and after). Touches at that step and the "
               "leads they reached, so marketing knows what to send at which point.")
    steps = ui.query("messages_by_stage", start=view.start, end=view.end)
    if steps.empty:
        st.info("No touches in this period.")
        return
    ui.table(steps, hide_index=True, width="stretch", key="mkt_messages_table", column_config={
        "step": ui.text_column("Step", 18), "channel": ui.text_column("Channel", 12),
        "campaign": ui.text_column("Campaign", 14), "touches": ui.number_column("Touches"),
        "leads": ui.number_column("Leads")})
    ui.download_csv(steps, f"messages_by_stage_{view.start}_{view.end}.csv", key="dl_mkt_messages")


def section_materials():
    ui.section("Materials", "Per asset (the material a touch or an activity carried: template column `asset`, see "
               "README \"Materials\"): the leads it reached in the period, their MQLs, the opportunities it "
               "influenced (it reached the lead by the close date) and their won revenue, and sales' rating.")
    assets = ui.query("materials_by_asset", start=view.start, end=view.end)
    if assets.empty:
        st.info("No touch or activity of this period names an asset. Add an `asset` column to the touches or "
                "activities you upload.")
        return
    ui.table(ui.for_people(assets, money=["won_revenue"]), hide_index=True, width="stretch",
                 key="mkt_materials_table", column_config={
                     "asset": ui.text_column("Asset", 18), "leads": ui.number_column("Leads reached"),
                     "mqls": ui.number_column("MQLs"), "opportunities": ui.number_column("Opportunities"),
                     "won_revenue": ui.number_column("Won revenue", "money"), "useful": ui.number_column("Useful"),
                     "not_useful": ui.number_column("Not useful"), "last_note": ui.text_column("Latest note", 20)})
    ui.download_csv(assets, f"materials_{view.start}_{view.end}.csv", key="dl_mkt_materials")
    no_rating = access.view_only("feedback")
    with st.form("mkt_rate_asset", clear_on_submit=True):
        r1, r2, r3 = st.columns([2, 1, 1])
        asset = r1.selectbox("Asset", list(assets["asset"]), key="mkt_rate_asset_name")
        useful = r2.radio("Sales' rating", ["useful", "not useful"], horizontal=True, key="mkt_rate_useful")
        access.name_input(r3, "Your name")
        note = st.text_input("Note", key="mkt_rate_note", max_chars=500)
        if st.form_submit_button("Rate the asset", icon=":material/thumbs_up_down:", disabled=no_rating):
            feedback.rate_asset(ui.cursor(), asset, useful == "useful", note, who=access.writer("feedback"))
            st.rerun()


# The sales lens reads the feedback loop first; marketing and everyone start with the funnel.
sections = [section_quality, section_funnel] if view.team == "sales" else [section_funnel, section_quality]
if view.team == "sales":
    st.caption("Team lens **Sales**: the lead-quality feedback comes first.")
for draw in sections:
    draw()
section_messages()
section_materials()
