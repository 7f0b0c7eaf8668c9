"""Attribution: who gets credit for won revenue, under five honest models side by side.

Every credit comes from the `touch_credits_between` macro (queries/model/55_touch_credits_between.sql,
the models of METRICS.md "Attribution"): attribution_credit_by_channel / _by_campaign (all models),
attribution_credit_by_month (one model), attribution_won_deals and attribution_deal_path (one deal).
Sourced and influenced revenue come from period_metrics.
"""

import pandas as pd
import streamlit as st

from onefunnel import charts_credit as cc
from onefunnel import ui
from onefunnel.definitions import ATTRIBUTION_MODELS, help_text

MODELS = list(ATTRIBUTION_MODELS)
NO_TOUCH_HELP = ("Won revenue of the period credited to '(none)': deals with no linked lead, or whose lead had no "
                 "touch on or before the opportunity was created (the same amount under every model) / won "
                 "revenue. Owner: marketing.")




def models_table(df: pd.DataFrame, dim: str, label: str) -> None:
    """The five models side by side as a table: credit and share of won revenue per model."""
    extra = ["channels"] if "channels" in df else []
    config = {dim: st.column_config.TextColumn(label, pinned=True), "channels": "Channels",
              "deals": st.column_config.NumberColumn("Deals", help="Won deals of the period with a qualifying "
                                                                   "touch here.")}
    kinds = {"deals": "int"}
    for mm in MODELS:
        name, definition = ATTRIBUTION_MODELS[mm]
        config[mm] = st.column_config.NumberColumn(name, help=definition)
        config[f"{mm}_share"] = st.column_config.NumberColumn(f"{name} %", help=f"{name} credit / won revenue.")
        kinds[mm], kinds[f"{mm}_share"] = "money", "pct"
    # five models side by side fit the page in one unit at a time: credit in dollars, or its share of won revenue
    share = st.segmented_control("Show", ["Credit", "Share of won revenue"], default="Credit", required=True,
                                 key=f"models_unit_{dim}") == "Share of won revenue"
    for mm in MODELS:
        config[mm if not share else f"{mm}_share"] = st.column_config.NumberColumn(
            ATTRIBUTION_MODELS[mm][0], help=ATTRIBUTION_MODELS[mm][1], width=ui.col_width(ATTRIBUTION_MODELS[mm][0], 9))
    config[dim] = ui.text_column(label, 16, pinned=True)
    order = [dim] + extra + ["deals"] + [f"{mm}_share" if share else mm for mm in MODELS]
    shown, config = ui.numbers(df, kinds, config)
    ui.table(shown, hide_index=True, column_config=config, column_order=order, width="stretch")


view = ui.view()
ui.page_header("Attribution", view, "Who gets credit for the revenue won in the period, under five models side by "
               "side. No model is the truth: where they agree, the credit is safe; where they disagree, talk.")

period = {"start": view.start, "end": view.end}
by_channel = ui.query("attribution_credit_by_channel", **period)
_, m, prev = ui.period_metrics(view)
prev_channel = ui.query("attribution_credit_by_channel", start=view.compare[0], end=view.compare[1]) \
    if view.compare else None

if by_channel.empty:
    st.info(f"No deal was won in {ui.fmt_date(view.start)} – {ui.fmt_date(view.end)}, so there is no credit to "
            "share. Pick a longer period in the sidebar, or upload opportunities (with their close dates and "
            "won stages) on the Data page.", icon=":material/pie_chart:")
    st.page_link("pages/data.py", label="Upload exports", icon=":material/upload:")
    st.stop()


def no_touch_share(frame):
    """The (none) channel's share of won revenue (the same under every model), 0 without such a row."""
    if frame is None or frame.empty:
        return None
    none = frame.loc[frame["channel"] == cc.NONE, "linear_share"]
    return float(none.iloc[0]) if len(none) else 0.0


def val(row, key):
    return None if row is None else row.get(key)


# ---- headline: how much of won revenue marketing touched ------------------------------------------------
cols = st.columns(4)
ui.metric("won_revenue", val(m, "won_revenue"), val(prev, "won_revenue"), container=cols[0])
ui.metric("marketing_sourced_revenue", val(m, "marketing_sourced_revenue"), val(prev, "marketing_sourced_revenue"),
          container=cols[1])
ui.metric("marketing_influenced_revenue", val(m, "marketing_influenced_revenue"),
          val(prev, "marketing_influenced_revenue"), container=cols[2])
share_now, share_prev = no_touch_share(by_channel), no_touch_share(prev_channel)
cols[3].metric("No marketing touch", ui.fmt_pct(share_now),
               delta=ui.fmt_delta("marketing_sourced_share", share_now, share_prev),
               delta_color="inverse", help=NO_TOUCH_HELP, border=True)
if val(m, "won_revenue"):
    st.caption(f"Sourced: {ui.fmt_pct(val(m, 'marketing_sourced_share'))} of won revenue came from "
               f"leads that were an MQL before their opportunity. Influenced: "
               f"{ui.fmt_pct(val(m, 'marketing_influenced_share'))} had a marketing touch on or before "
               f"the close date. {ui.fmt_pct(share_now)} had no touch before the opportunity was created, so no model "
               "can credit a channel with it.")

# ---- the five models side by side ------------------------------------------------------------------------
ui.section("Five models side by side",
           " · ".join(f"**{name}**: {definition}" for name, definition in ATTRIBUTION_MODELS.values()))
tab_channel, tab_campaign = st.tabs(["By channel", "By campaign"])
with tab_channel:   # Vega-Lite: the browser drew the page's Plotly figures in about twice the time (issue 16)
    st.vega_lite_chart(*cc.models_side_by_side(by_channel, "channel"), theme=None, width="stretch",
                       key="models_by_channel")
    models_table(by_channel, "channel", "Channel")
    ui.download_csv(by_channel, f"attribution_by_channel_{view.start}_{view.end}.csv", key="dl_channel")
with tab_campaign:
    by_campaign = ui.query("attribution_credit_by_campaign", **period)
    st.vega_lite_chart(*cc.models_side_by_side(by_campaign, "campaign", top=12), theme=None, width="stretch",
                       key="models_by_campaign")
    models_table(by_campaign, "campaign", "Campaign")
    ui.download_csv(by_campaign, f"attribution_by_campaign_{view.start}_{view.end}.csv", key="dl_campaign")

# ---- where the models disagree -------------------------------------------------------------------------
ui.section("Where the models disagree",
           "For each channel, the lowest and the highest share of won revenue any model gives it. A long bar is "
           "a channel that opens deals but does not close them (first touch loves it, last touch ignores it), "
           "or the other way round.")
dis = cc.disagreement(by_channel)
if dis.empty or dis["spread"].iloc[0] < 0.005:
    st.info("Every model gives every channel the same share here (each won deal has a single touch, "
            "or none).", icon=":material/balance:")
else:
    for _, row in dis.head(3).iterrows():
        if row["spread"] >= 0.05:
            st.markdown(f"- **{ui.md(row['channel'])}**: {ui.fmt_pct(row['max_share'])} of won revenue under "
                        f"{cc.MODEL_LABELS[row['max_model']]}, {ui.fmt_pct(row['min_share'])} under "
                        f"{cc.MODEL_LABELS[row['min_model']]} ({row['spread'] * 100:.0f} points apart)")
    st.vega_lite_chart(*cc.disagreement_chart(by_channel), theme=None, width="stretch", key="disagreement")

# ---- one model in detail -------------------------------------------------------------------------------
ui.section("One model in detail")
model = st.segmented_control("Attribution model", MODELS, format_func=cc.MODEL_LABELS.get, default="linear",
                             key="model", bind="query-params", required=True) or "linear"
st.caption(f"**{cc.MODEL_LABELS[model]}**: {ATTRIBUTION_MODELS[model][1]}")
by_month = ui.query("attribution_credit_by_month", **period, model=model)
c1, c2 = st.columns([3, 2])
with c1:
    st.markdown(f"**Credited won revenue by close month ({cc.MODEL_LABELS[model]})**")
    st.vega_lite_chart(*cc.credit_by_month_chart(by_month, model), theme=None, width="stretch", key="by_month")
with c2:
    st.markdown(f"**Campaigns under {cc.MODEL_LABELS[model]}**")
    camp = ui.query("attribution_credit_by_campaign", **period)[["campaign", "channels", model, f"{model}_share"]]
    camp = camp.sort_values([model, "campaign"], ascending=[False, True])
    shown, config = ui.numbers(camp, {model: "money", f"{model}_share": "pct"}, {
        "campaign": "Campaign", "channels": "Channels",
        model: st.column_config.NumberColumn("Credit", help=ATTRIBUTION_MODELS[model][1]),
        f"{model}_share": st.column_config.NumberColumn("Share", help="Credit / won revenue.")})
    ui.table(shown, hide_index=True, width="stretch", height=400, column_order=["campaign", model, f"{model}_share"],
             column_config=config)

# ---- a deal's touch path -------------------------------------------------------------------------------
ui.section("A deal's touch path",
           "Every touch of the deal's lead in time order, with the credit each one gets under every model. "
           "Touches after the opportunity was created get none.")
deals = ui.query("attribution_won_deals", **period)
MAX_DEALS = 2000            # a selectbox of tens of thousands of options is slow to send and to search
if len(deals) > MAX_DEALS:
    st.caption(f"The {MAX_DEALS:,} largest of the {len(deals):,} deals won in the period are listed; pick a "
               "shorter period to reach the others.")


@st.cache_data(show_spinner=False, max_entries=16)
def deal_labels(start, end, version: tuple) -> dict:
    """The picker's labels, formatted once per period and data (2,000 of them took 50 ms of every run)."""
    return {r.opp_key: f"{r.name or r.opp_key} · {ui.fmt_money(r.amount)} · won {ui.fmt_date(r.close_date)} · "
                       f"{r.touches} touch{'es' if r.touches != 1 else ''}"
            for r in ui.query("attribution_won_deals", start=start, end=end).head(MAX_DEALS).itertuples()}


labels = deal_labels(view.start, view.end, ui.data_version())
opp_key = st.selectbox("Won deal", list(labels), format_func=labels.get, key="deal",
                       help="Won deals of the period, largest first. Type to search by name.")
deal = deals[deals["opp_key"] == opp_key].iloc[0]
path = ui.query("attribution_deal_path", opp_key=opp_key)
d1, d2 = st.columns([1, 3])
d1.metric("Amount", ui.fmt_money(deal["amount"]), border=True, help=help_text("won_revenue"))
d2.metric("Qualifying touches", ui.fmt_int(deal["touches"]), border=True,
          help="Touches of the deal's lead (the origin touch included) on or before the opportunity was created.")
st.markdown(f"Opportunity created **{ui.fmt_date(pd.Timestamp(deal['opp_created_at']).date())}**, won "
            f"**{ui.fmt_date(pd.Timestamp(deal['close_date']).date())}**"
            + (f" · owner {ui.md(deal['owner'])}" if isinstance(deal["owner"], str) and deal["owner"] else ""))
st.page_link("pages/deal.py", label="Open the deal's page", icon=":material/request_quote:",
             query_params={"deal": opp_key})
if not deal["is_linked"]:
    st.warning("This deal is not linked to any lead (no contact id or email that matches one), so its whole "
               "amount goes to '(none)' under every model. Export the deals with the contact's email or id.",
               icon=":material/link_off:")
elif deal["touches"] == 0:
    st.warning("This deal's lead has no touch on or before the opportunity was created, so its whole amount goes "
               "to '(none)' under every model.", icon=":material/timeline:")
if path["touched_at"].notna().any():
    st.vega_lite_chart(*cc.deal_path_chart(path, model), theme=None, width="stretch", key="deal_path")
table = path.assign(when=path["touched_at"], days=path["days_before_opp"],
                    kind=path["is_origin"].map({True: "origin (lead created)", False: "touch"}),
                    counted=path["counts"].map({True: "yes", False: "no: after the opportunity"}))
shown, config = ui.numbers(table, {"days": "tenths", **{mm: "money" for mm in MODELS}}, {
    "seq": st.column_config.NumberColumn("#"),
    "when": st.column_config.DatetimeColumn("Date", format="MMM D, YYYY HH:mm"),
    "channel": "Channel", "campaign": "Campaign", "kind": "Kind", "counted": "Counts",
    "days": st.column_config.NumberColumn("Days before opp.", help="Fractional days from the touch to the "
                                          "opportunity's creation (d in time decay's 2^(−d/7))."),
    **{mm: st.column_config.NumberColumn(cc.MODEL_LABELS[mm], help=ATTRIBUTION_MODELS[mm][1]) for mm in MODELS}})
ui.table(shown, hide_index=True, width="stretch", key="deal_path_table", column_config=config,
         column_order=["seq", "when", "channel", "campaign", "kind", "counted", "days", model])   # the model picked above; all five in the CSV
ui.download_csv(table.drop(columns=["when", "days", "kind", "counted"]), f"touch_path_{deal['opp_key']}.csv",
                key="dl_path")
