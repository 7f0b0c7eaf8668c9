"""Spend & ROI: what marketing spent, per channel and campaign, against the won revenue credited back.

Spend comes from the `spend_mapped` view (queries/model/55_spend_mapped.sql: channel_map, the presets'
default channels, the spend_campaign_map setting edited at the bottom of this page); credit from the
`touch_credits_between` macro under the chosen model. Queries: period_metrics, spend_roi_by_channel,
spend_roi_by_campaign, spend_by_month, spend_by_source, spend_campaign_mapping, spend_touch_campaigns.
"""

import datetime as dt

import pandas as pd
import streamlit as st

from onefunnel import charts_credit as cc
from onefunnel import access, ui
from onefunnel.definitions import ATTRIBUTION_MODELS, help_text
from onefunnel.settings_tables import save_spend_campaign_map

MODELS = list(ATTRIBUTION_MODELS)
SOURCES = {"google_ads": "Google Ads", "linkedin_ads": "LinkedIn Campaign Manager", "meta_ads": "Meta Ads Manager",
           "template": "Spend template"}
HELP = {
    "roi": "Won revenue of the period credited to the channel under the chosen model / its spend in the period. "
           "Under Linear this is METRICS.md's roi. Owner: marketing.",
    "cac": "Spend / the won deals credited to the channel, each deal counted by its share of credit under the "
           "chosen model (a deal split 50/50 counts half). Owner: marketing.",
    "cost_per_mql": "Spend / MQLs of the period whose lead's source is this channel (the source renamed by the "
                    "channel map). Owner: marketing.",
    "cost_per_lead": "Spend / leads created in the period whose source is this channel. Owner: marketing.",
}




KINDS = {"spend": "money", "credit": "money", "roi": "ratio", "attributed_deals": "tenths", "cac": "money",
         "mqls": "int", "cost_per_mql": "money", "leads": "int", "cost_per_lead": "money", "spend_all_time": "money",
         "lines": "int"}   # roi, cac and the costs are empty without spend, deals or MQLs: the table shows "–"


view = ui.view()
ui.page_header("Spend & ROI", view, "What was spent in the period, and the won revenue of the same period "
               "credited back to the same channels and campaigns.")

con = ui.cursor()
period = {"start": view.start, "end": view.end}
_, m, prev = ui.period_metrics(view)
sources = ui.query("spend_by_source", **period)


def val(row, key):
    return None if row is None else row.get(key)


if sources.empty:
    st.info("No spend is loaded yet. Upload a Google Ads campaign report, a LinkedIn Campaign Manager or Meta Ads "
            "Manager export, or the spend template (date, channel, campaign, cost) on the Data page.",
            icon=":material/payments:")
    st.page_link("pages/data.py", label="Upload spend exports", icon=":material/upload:")
    st.stop()

# ---- headline ------------------------------------------------------------------------------------------
cols = st.columns(4)
for col, key in zip(cols, ["spend", "cost_per_lead", "cost_per_mql", "marketing_cac"]):
    ui.metric(key, val(m, key), val(prev, key), container=col)

model = st.segmented_control("Attribution model", MODELS, format_func=cc.MODEL_LABELS.get, default="linear",
                             key="model", bind="query-params", required=True) or "linear"
st.caption(f"Credit under **{cc.MODEL_LABELS[model]}**: {ATTRIBUTION_MODELS[model][1]}"
           + (" This is the ROI of METRICS.md." if model == "linear" else
              " METRICS.md's roi is the Linear one; the other models show how much the answer depends on the model."))

# ---- by channel ----------------------------------------------------------------------------------------
ui.section("Return by channel",
           "Spend of the period against the won revenue of the period credited to the same channel. Channels "
           "without spend are listed too: their credit is what marketing gets for free (or pays for elsewhere).")
by_channel = ui.query("spend_roi_by_channel", **period, model=model)
paid = by_channel[by_channel["spend"] > 0]
if paid.empty:
    st.info(f"No spend is dated in {ui.fmt_date(view.start)} – {ui.fmt_date(view.end)}. The spend loaded covers "
            f"{ui.fmt_date(sources['first_date'].min())} – {ui.fmt_date(sources['last_date'].max())}; pick that "
            "period in the sidebar.", icon=":material/event_busy:")
else:
    best = paid.sort_values("roi", ascending=False).iloc[0]
    st.markdown(f"#### Best return under {cc.MODEL_LABELS[model]}: {ui.md(best['channel'])} at "
                f"{ui.fmt_ratio(best['roi'])} ({ui.fmt_money(best['credit'])} credited for "
                f"{ui.fmt_money(best['spend'])} spent)")
    ui.chart(cc.spend_vs_credit_chart, by_channel, "channel", model, key="roi_channel")
channel_config = {
    "channel": st.column_config.TextColumn("Channel", pinned=True),
    "spend": st.column_config.NumberColumn("Spend", help=help_text("spend")),
    "credit": st.column_config.NumberColumn(f"Credited ({cc.MODEL_LABELS[model]})", help=ATTRIBUTION_MODELS[model][1]),
    "roi": st.column_config.NumberColumn("ROI", help=HELP["roi"]),
    "attributed_deals": st.column_config.NumberColumn("Deals credited", help=HELP["cac"]),
    "cac": st.column_config.NumberColumn("CAC", help=HELP["cac"]),
    "mqls": st.column_config.NumberColumn("MQLs", help=HELP["cost_per_mql"]),
    "cost_per_mql": st.column_config.NumberColumn("Cost per MQL", help=HELP["cost_per_mql"]),
    "leads": st.column_config.NumberColumn("Leads", help=HELP["cost_per_lead"]),
    "cost_per_lead": st.column_config.NumberColumn("Cost per lead", help=HELP["cost_per_lead"]),
}
shown, config = ui.numbers(by_channel, KINDS, channel_config)
ui.table(shown, hide_index=True, width="stretch", column_config=config,
         column_order=["channel", "spend", "credit", "roi", "attributed_deals", "cac", "mqls", "cost_per_mql", "leads",
                       "cost_per_lead"])
ui.download_csv(by_channel, f"roi_by_channel_{model}_{view.start}_{view.end}.csv", key="dl_roi_channel")

# ---- by campaign ---------------------------------------------------------------------------------------
ui.section("Return by campaign",
           "Spend campaigns (mapped to the touch campaigns they paid for, see the bottom of the page) against "
           "the credit of the same campaigns; the unpaid campaigns of the paid channels are listed too.")
by_campaign = ui.query("spend_roi_by_campaign", **period, model=model)
if not by_campaign.empty and (by_campaign["spend"] > 0).any():
    ui.chart(cc.spend_vs_credit_chart, by_campaign, "campaign", model, top=10, key="roi_campaign")
shown, config = ui.numbers(by_campaign, KINDS, {**channel_config, "channel": "Channel",
                                                "campaign": st.column_config.TextColumn("Campaign", pinned=True)})
ui.table(shown, hide_index=True, width="stretch", column_config=config,
         column_order=["campaign", "channel", "spend", "credit", "roi", "attributed_deals", "cac"])
ui.download_csv(by_campaign, f"roi_by_campaign_{model}_{view.start}_{view.end}.csv", key="dl_roi_campaign")

# ---- over time -----------------------------------------------------------------------------------------
end_month = view.end.replace(day=1)
y, mth = divmod(end_month.month - 1 - 11, 12)
over_start = min(view.start, dt.date(end_month.year + y, mth + 1, 1))
ui.section("Spend against credited revenue over time",
           f"{ui.fmt_date(over_start)} – {ui.fmt_date(view.end)} (at least the twelve months ending with the "
           "period): spend by its date, credit by its deal's close date, for the channels with spend.")
by_month = ui.query("spend_by_month", start=over_start, end=view.end, model=model)
if by_month.empty:
    st.info("No spend in these months.", icon=":material/event_busy:")
else:
    channels = sorted(by_month["channel"].unique())
    pick = st.selectbox("Channels", ["All paid channels"] + channels, key="over_time_channel")
    shown = by_month if pick == "All paid channels" else by_month[by_month["channel"] == pick]
    ui.chart(cc.spend_over_time_chart, shown, model, key="over_time")

# ---- imports -------------------------------------------------------------------------------------------
ui.section("Spend imports",
           "Google Ads campaign reports, LinkedIn Campaign Manager and Meta Ads Manager exports and the spend "
           "template (date, channel, campaign, cost) are recognised on the Data page. Google Ads lines count as "
           "Paid Search, LinkedIn and Meta as Paid Social, unless the channel map renames them.")
table = sources.assign(source=sources["source_system"].map(lambda s: SOURCES.get(s, s)))
shown, config = ui.numbers(table, KINDS, {
    "source": "Export", "channels": "Channels", "spend": st.column_config.NumberColumn("Spend in period"),
    "lines": st.column_config.NumberColumn("Lines in period"),
    "spend_all_time": st.column_config.NumberColumn("Spend, all loaded"),
    "first_date": st.column_config.DateColumn("From", format="MMM D, YYYY"),
    "last_date": st.column_config.DateColumn("To", format="MMM D, YYYY")})
ui.table(shown, hide_index=True, width="stretch", column_config=config,
         column_order=["source", "channels", "spend", "lines", "spend_all_time", "first_date", "last_date"])
st.page_link("pages/data.py", label="Upload more spend", icon=":material/upload:")

# ---- the mapping setting -------------------------------------------------------------------------------
ui.section("Which touches each spend campaign paid for",
           "A spend campaign counts for the touch channel and campaign set here. By default it keeps its channel "
           "and its name, or takes the spelling of a touch campaign that differs only by case, spaces, '-' or "
           "'_'. Change a row to tie a campaign to the touches it paid for; every change is logged.")
mapping = ui.query("spend_campaign_mapping")
targets = ui.query("spend_touch_campaigns")
unmatched = mapping[~mapping["has_touches"]]
if len(unmatched):
    st.warning(f"{len(unmatched)} spend campaign(s) match no touch campaign, so no revenue can be credited to "
               "them: map them below to the campaign their clicks arrive with.", icon=":material/link_off:")
edit = mapping[["spend_channel", "spend_campaign", "source_systems", "spend_all_time", "channel", "campaign",
                "mapped_by", "has_touches", "default_campaign"]].copy()
edit["source_systems"] = [", ".join(SOURCES.get(x, x) for x in str(v).split(", ")) for v in edit["source_systems"]]
channel_options = sorted(set(targets["channel"]) | set(edit["channel"]))
campaign_options = sorted(set(targets["campaign"]) | set(edit["campaign"]))
no_mapping = access.view_only("mappings")
with st.form("spend_map_form", border=False):
    edited = ui.editor(
        edit, hide_index=True, width="stretch", key="spend_map_editor", num_rows="fixed",
        disabled=True if no_mapping else ["spend_channel", "spend_campaign", "source_systems", "spend_all_time",
                                          "mapped_by", "has_touches"],
        column_order=["spend_channel", "spend_campaign", "source_systems", "spend_all_time", "channel", "campaign",
                      "mapped_by", "has_touches"],
        column_config={
            "spend_channel": "Spend channel", "spend_campaign": "Spend campaign",
            "source_systems": st.column_config.TextColumn("From"),
            "spend_all_time": st.column_config.NumberColumn("Spend, all loaded", format="dollar", step=1),
            "channel": st.column_config.SelectboxColumn("Touch channel", options=channel_options, required=True),
            "campaign": st.column_config.SelectboxColumn("Touch campaign", options=campaign_options, required=True),
            "mapped_by": st.column_config.TextColumn("How", help="setting: set here · same name: matched ignoring "
                                                                 "case, spaces, '-' and '_' · as exported: kept"),
            "has_touches": st.column_config.CheckboxColumn("Touches exist", help="Some touch carries this channel "
                                                                                  "and campaign."),
        })
    access.name_input()
    saved = st.form_submit_button("Save mapping", icon=":material/save:", disabled=no_mapping)
if saved:
    if save_spend_campaign_map(con, edited, access.writer("mappings")):
        st.toast("Mapping saved; the numbers above now use it.", icon=":material/check_circle:")
        st.rerun()
    else:
        st.toast("Nothing changed.", icon=":material/info:")
if (mapping["mapped_by"] == "setting").any() and st.button("Reset every campaign to its default",
                                                           icon=":material/restart_alt:", key="reset_spend_map",
                                                           disabled=no_mapping):
    save_spend_campaign_map(con, edit.assign(channel=edit["spend_channel"], campaign=edit["default_campaign"]),
                            access.writer("mappings"))
    st.rerun()
