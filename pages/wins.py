"""Wins board: what both teams have to celebrate in the period: the biggest deal, the best campaign
by influenced revenue, the fastest follow-up, the top closer, and every deal won with the campaigns
that touched it.

Numbers: queries/wins_deals.sql, wins_campaign_influence.sql, wins_fastest_followups.sql,
the metrics layer (won revenue, deals and win rate by owner).
"""

import pandas as pd
import streamlit as st

from onefunnel import charts, charts_teams, ui
from onefunnel.definitions import help_text

view = ui.view()
ui.page_header("Wins board", view)

deals = ui.query("wins_deals", start=view.start, end=view.end)
campaigns = ui.query("wins_campaign_influence", start=view.start, end=view.end)
fastest = ui.query("wins_fastest_followups", start=view.start, end=view.end)
closers = ui.measures_by(["won_revenue", "won_deals", "win_rate"], "owner", view.params()) \
    .rename(columns={"value": "owner"}).sort_values(["won_revenue", "owner"], ascending=[False, True])
_, m, _ = ui.period_metrics(view)

if deals.empty and fastest.empty:
    st.info("No deal won and no MQL answered in this period yet. Pick a longer period in the sidebar, "
            "or upload the latest CRM export on the Data page.", icon=":material/celebration:")
    st.page_link("pages/data.py", label="Upload exports", icon=":material/upload:")
    st.stop()

st.markdown(f"### {ui.fmt_int(m['won_deals'])} deals won · {ui.fmt_money(m['won_revenue'])} · "
            f"{ui.fmt_money(m['marketing_influenced_revenue'])} of it influenced by marketing")


def card_biggest(col):
    if deals.empty:
        col.metric("Biggest deal", "–", border=True)
        return
    d = deals.iloc[0]
    col.metric("Biggest deal", ui.fmt_money(d["amount"]), border=True,
               help="The won deal of the period with the largest amount. " + help_text("won_revenue"))
    col.markdown(f"**{ui.md(d['name'])}**  \nclosed by {ui.md(d['owner'])} on {ui.fmt_date(d['close_date'])}"
                 + (f"  \ntouched by {ui.md(d['campaigns'])}" if d["campaigns"] else ""))


def card_campaign(col):
    if campaigns.empty:
        col.metric("Best campaign", "–", border=True)
        return
    c = campaigns.iloc[0]
    col.metric("Best campaign (influenced revenue)", ui.fmt_money(c["influenced_revenue"]), border=True,
               help="Won revenue of the period whose lead had a touch of this campaign on or before the close "
                    "date (the marketing-influenced rule, per campaign; a deal counts for every campaign that "
                    "touched it). Owner: marketing.")
    col.markdown(f"**{ui.md(c['campaign'])}**  \n{int(c['influenced_deals'])} deal{'s' if c['influenced_deals'] != 1 else ''}"
                 " influenced")


def card_fastest(col):
    if fastest.empty:
        col.metric("Fastest follow-up", "–", border=True)
        return
    f = fastest.iloc[0]
    col.metric("Fastest follow-up", ui.fmt_hours(f["response_hours"]), border=True,
               help=help_text("mql_response_hours_median").replace("Median hours", "Hours"))
    col.markdown(f"**{ui.md(f['answered_by'])}** answered {ui.md(f['company'] or f['lead_key'])}  \n"
                 f"MQL owner {ui.md(f['owner'])}, source {ui.md(f['source'])}")


def card_closer(col):
    won = closers[closers["won_deals"] > 0]
    if won.empty:
        col.metric("Top closer", "–", border=True)
        return
    c = won.iloc[0]
    col.metric("Top closer (won revenue)", ui.fmt_money(c["won_revenue"]), border=True,
               help="The opportunity owner with the most won revenue in the period. " + help_text("won_revenue"))
    col.markdown(f"**{ui.md(c['owner'])}**  \n{int(c['won_deals'])} deals won, win rate {ui.fmt_pct(c['win_rate'])}")


cards = {"marketing": [card_campaign], "sales": [card_biggest, card_fastest, card_closer]}
order = (cards["marketing"] + cards["sales"] if view.team != "sales"
         else cards["sales"] + cards["marketing"])
for draw, col in zip(order, st.columns(len(order))):
    draw(col)
if view.team != "everyone":
    st.caption(f"Team lens **{ui.TEAMS[view.team]}**: your team's wins first; the other team's follow.")

# ---- campaigns ------------------------------------------------------------------------------------------
ui.section("Campaigns behind the wins", "Influenced revenue per campaign: won deals of the period whose lead "
           "had a touch of the campaign on or before the close date. A deal counts for every campaign that touched "
           "it, so the bars do not add up to won revenue.")
if campaigns.empty:
    st.info("No won deal of this period was touched by a campaign.")
else:
    ui.chart(charts_teams.campaign_influence_chart, campaigns, key="wins_campaign_chart")

# ---- deals ------------------------------------------------------------------------------------------------
ui.section("Every deal won", "With the sales owner, the lead's channel and the campaigns that touched the lead on "
           "or before the close date. Marketing-sourced = the lead was an MQL before the opportunity was created.")
if deals.empty:
    st.info("No deal won in this period yet.")
else:
    owners = sorted(deals["owner"].unique())
    chosen = st.multiselect("Owner", owners, key="wins_owner", placeholder="Everyone")
    shown = deals[deals["owner"].isin(chosen)] if chosen else deals
    table = shown[["name", "owner", "amount", "close_date", "sales_cycle_days", "lead_channel", "campaigns",
                   "is_marketing_sourced"]]
    linked = table.assign(deal="/deal?deal=" + shown["opp_key"])   # the deal's own page
    ui.table(ui.for_people(linked, money=["amount"]), hide_index=True, width="stretch", key="wins_deals_table",
                 column_config={
        "deal": st.column_config.LinkColumn("Page", display_text="Open", width=ui.col_width("Open", 5), help="The deal's own page"),
        "name": ui.text_column("Deal", 12), "owner": ui.text_column("Closed by", 12),
        "amount": ui.number_column("Amount", "money"),
        "close_date": st.column_config.DateColumn("Closed", format="MMM D, YYYY", width=ui.col_width("Closed", 12)),
        "sales_cycle_days": st.column_config.NumberColumn("Cycle", format="%d d", width=ui.col_width("Cycle", 6)),
        "lead_channel": ui.text_column("Lead channel", 12), "campaigns": ui.text_column("Campaigns", 11, help="The campaigns that touched the lead on or before the close date."),
        "is_marketing_sourced": st.column_config.CheckboxColumn("Mktg-sourced", width=ui.col_width("Mktg-sourced"),
                                                                help="Marketing-sourced: the lead was an MQL before "
                                                                     "the opportunity was created."),
    })
    ui.download_csv(table, f"deals_won_{view.start}_{view.end}.csv", key="dl_wins_deals")

# ---- fastest follow-ups -------------------------------------------------------------------------------------
ui.section("Fastest follow-ups", "The quickest first activities on MQLs of the period.")
if fastest.empty:
    st.info("No MQL of this period has been answered yet.")
else:
    table = fastest[["answered_by", "owner", "company", "source", "mql_at", "response_hours"]]
    ui.table(table, hide_index=True, width="stretch", key="wins_fastest_table", column_config={
        "answered_by": "Answered by", "owner": "MQL owner", "company": "Lead", "source": "Source",
        "mql_at": st.column_config.DatetimeColumn("MQL", format="MMM D, HH:mm"),
        "response_hours": ui.number_column("Response", "hours"),
    })
    ui.download_csv(table, f"fastest_followups_{view.start}_{view.end}.csv", key="dl_wins_fastest")
