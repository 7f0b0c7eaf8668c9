"""Plotly figure builders for the Teams pages (ownership, marketing, sales, friction, wins).

Styling comes from onefunnel/charts.py (projector theme, team colours); figures are pure
functions of DataFrames / numbers: no Streamlit and no SQL in here.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from onefunnel.charts import (BASE_FONT, CATEGORICAL, GOAL_COLOR, MONEY_TICKS, MUTED, NEUTRAL, money_short,
                              projector_layout, team_color, with_alpha)
from onefunnel.safe import plot_text

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
REJECT_COLOR = "#c92a2a"


def _pct(x) -> str:
    return "–" if x is None or pd.isna(x) else f"{x * 100:.0f}%"


def _hours(x) -> str:
    if x is None or pd.isna(x):
        return "–"
    return f"{x:.1f} h" if x < 72 else f"{x / 24:.1f} d"


# ---- ownership ---------------------------------------------------------------------------------------

def journey_map(stages: list[dict], lens: str = "everyone") -> go.Figure:
    """The journey Lead -> ... -> Won as a row of boxes coloured by owner team.

    `stages`: dicts with stage, owner (team), person ('' = none), count (this period), and
    rate_to_next (text on the arrow to the next stage, '' for none). With a team lens the other
    team's stages are drawn lighter (never hidden)."""
    fig = go.Figure()
    n = len(stages)
    for i, s in enumerate(stages):
        color = team_color(s["owner"])
        strong = lens in ("everyone", s["owner"]) or s["owner"] == "shared"
        fig.add_shape(type="rect", x0=i - 0.42, x1=i + 0.42, y0=0.05, y1=0.95, line={"color": color, "width": 3},
                      fillcolor=with_alpha(color, 0.16 if strong else 0.05), layer="below")
        who = s["owner"].capitalize() + (f"<br>{plot_text(s['person'])}" if s.get("person") else "")
        fig.add_annotation(x=i, y=0.78, text=f"<b>{plot_text(s['stage'])}</b>", showarrow=False,
                           font={"size": BASE_FONT + 4, "color": "#212529"})
        fig.add_annotation(x=i, y=0.52, text=s.get("count_text", ""), showarrow=False,
                           font={"size": BASE_FONT + 8, "color": color})
        fig.add_annotation(x=i, y=0.22, text=who, showarrow=False, font={"size": BASE_FONT - 2, "color": color})
        if i < n - 1:
            fig.add_annotation(x=i + 0.58, y=0.5, ax=i + 0.42, ay=0.5, xref="x", yref="y", axref="x", ayref="y",
                               showarrow=True, arrowhead=3, arrowsize=1.4, arrowwidth=2, arrowcolor=NEUTRAL,
                               text="")
            if s.get("rate_to_next"):
                fig.add_annotation(x=i + 0.5, y=0.98, text=s["rate_to_next"], showarrow=False,
                                   font={"size": BASE_FONT - 4, "color": GOAL_COLOR}, yanchor="bottom")
    fig.update_xaxes(visible=False, range=[-0.5, n - 0.5])
    fig.update_yaxes(visible=False, range=[0, 1.15])
    return projector_layout(fig, height=260, legend=False)


# ---- marketing -----------------------------------------------------------------------------------------

def channel_volume_chart(df: pd.DataFrame) -> go.Figure:
    """Leads and MQLs per channel (columns label, leads_created, mqls, mql_to_sql_rate)."""
    df = df.sort_values("leads_created", ascending=True)
    base = team_color("marketing")
    fig = go.Figure()
    fig.add_trace(go.Bar(y=df["label"], x=df["leads_created"], name="Leads", orientation="h",
                         marker_color=with_alpha(base, 0.35), text=df["leads_created"].map(lambda v: f"{int(v):,}"),
                         textposition="outside", hovertemplate="%{y}: %{x:,} leads<extra></extra>"))
    fig.add_trace(go.Bar(y=df["label"], x=df["mqls"], name="MQLs", orientation="h", marker_color=base,
                         text=[f"{int(m):,} · {_pct(r)} to SQL" for m, r in zip(df["mqls"], df["mql_to_sql_rate"])],
                         textposition="outside",
                         hovertemplate="%{y}: %{text}<extra></extra>"))
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_xaxes(rangemode="tozero")
    return projector_layout(fig, height=120 + 70 * len(df))


def lead_quality_chart(df: pd.DataFrame) -> go.Figure:
    """Of each channel's (or campaign's) MQLs: share accepted by sales, rejected, won.

    `df`: columns label, mqls, accepted_rate, rejected_rate, won_rate (one row per group)."""
    df = df.iloc[::-1]
    fig = go.Figure()
    for col, name, color in (("accepted_rate", "Accepted (SQL)", team_color("sales")),
                             ("rejected_rate", "Rejected", REJECT_COLOR),
                             ("won_rate", "Won", team_color("shared"))):
        fig.add_trace(go.Bar(y=df["label"], x=df[col], name=name, orientation="h", marker_color=color,
                             text=[_pct(v) if v else "" for v in df[col]], textposition="outside",   # no "0%" afloat
                             customdata=list(zip(df["mqls"], df[col].map(_pct))),
                             hovertemplate="%{y}: " + name.lower() + " %{customdata[1]} of %{customdata[0]} MQLs"
                                           "<extra></extra>"))
    fig.update_layout(barmode="group", bargap=0.2, bargroupgap=0.05)
    fig.update_xaxes(tickformat=".0%", range=[0, 1.12])
    return projector_layout(fig, height=130 + 95 * len(df))


def rejection_reasons_chart(df: pd.DataFrame) -> go.Figure:
    """Rejected MQLs per group stacked by reason (columns label, reason, rejected)."""
    reasons = df.groupby("reason")["rejected"].sum().sort_values(ascending=False).index.tolist()
    labels = df.groupby("label")["rejected"].sum().sort_values().index.tolist()
    fig = go.Figure()
    for i, reason in enumerate(reasons):      # one clearly different colour per reason, not shades of one red
        part = df[df["reason"] == reason].set_index("label")["rejected"].reindex(labels).fillna(0)
        fig.add_trace(go.Bar(y=labels, x=part.values, name=reason, orientation="h",
                             marker_color=CATEGORICAL[i % len(CATEGORICAL)],
                             hovertemplate="%{y}: %{x} rejected for " + reason.replace("%", "%%")
                             + "<extra></extra>"))
    fig.update_layout(barmode="stack", bargap=0.3)
    fig.update_xaxes(title_text="rejected MQLs", tickformat=",d", dtick=1 if len(df) and
                     df.groupby("label")["rejected"].sum().max() <= 10 else None)
    return projector_layout(fig, height=130 + 55 * len(labels))


# ---- sales ---------------------------------------------------------------------------------------------

def rep_response_chart(df: pd.DataFrame, sla_hours: float) -> go.Figure:
    """Median response hours per rep (bar) with the 90th percentile (tick) and the SLA line.

    `df`: columns owner, mql_response_hours_median, mql_response_hours_p90."""
    df = df.iloc[::-1]
    color = team_color("sales")
    med = df["mql_response_hours_median"]
    fig = go.Figure()
    fig.add_trace(go.Bar(y=df["owner"], x=med.fillna(0), name="Median", orientation="h",
                         marker_color=[REJECT_COLOR if (not pd.isna(v) and v > sla_hours) else color for v in med],
                         text=[("no response yet" if pd.isna(v) else _hours(v)) for v in med],
                         textposition="outside", hovertemplate="%{y}: median %{text}<extra></extra>"))
    fig.add_trace(go.Scatter(y=df["owner"], x=df["mql_response_hours_p90"], name="90th percentile", mode="markers",
                             marker={"symbol": "line-ns", "size": 28, "line": {"width": 4, "color": GOAL_COLOR}},
                             text=df["mql_response_hours_p90"].map(_hours),
                             hovertemplate="%{y}: 90th percentile %{text}<extra></extra>"))
    fig.add_vline(x=sla_hours, line={"color": REJECT_COLOR, "width": 2, "dash": "dash"},
                  annotation_text=f"SLA {sla_hours:g} h", annotation_position="top",
                  annotation_font={"size": BASE_FONT - 2, "color": REJECT_COLOR})
    fig.update_xaxes(title_text="hours from MQL to first activity", rangemode="tozero")
    return projector_layout(fig, height=140 + 60 * len(df))


def response_heatmap(df: pd.DataFrame, sla_hours: float) -> go.Figure:
    """Median response hours by the weekday (rows) and hour (columns) the MQL arrived.

    `df`: sales_response_by_hour rows (weekday 1-7, hour 0-23, mqls, sla_breaches, median)."""
    grid = pd.DataFrame(index=range(1, 8), columns=range(24), dtype=float)
    counts = pd.DataFrame(0, index=range(1, 8), columns=range(24))
    breaches = pd.DataFrame(0, index=range(1, 8), columns=range(24))
    for r in df.itertuples():
        grid.loc[r.weekday, r.hour] = r.mql_response_hours_median
        counts.loc[r.weekday, r.hour] = r.mqls
        breaches.loc[r.weekday, r.hour] = r.sla_breaches
    top = max(sla_hours * 2, float(grid.max().max()) if grid.notna().any().any() else sla_hours)
    # a cell whose MQLs breached without any response yet has no median: drawn at the top of the scale
    unanswered = grid.isna() & (breaches > 0)
    z = grid.mask(unanswered, top)
    custom = [[[int(counts.loc[d, h]), int(breaches.loc[d, h]),
                "no response yet" if unanswered.loc[d, h] else _hours(grid.loc[d, h])]
               for h in range(24)] for d in range(1, 8)]
    text = [[str(int(counts.loc[d, h])) if counts.loc[d, h] else "" for h in range(24)] for d in range(1, 8)]
    fig = go.Figure(go.Heatmap(
        z=z.values.tolist(), x=[f"{h:02d}" for h in range(24)], y=WEEKDAYS, customdata=custom,
        text=text, texttemplate="%{text}", textfont={"size": BASE_FONT - 4, "color": "white"},
        zmin=0, zmax=top, hoverongaps=False,
        colorscale=[[0, with_alpha(team_color("sales"), 0.25)], [min(sla_hours / top, 1), team_color("sales")],
                    [min(sla_hours / top + 0.001, 1), "#f08c00"], [1, REJECT_COLOR]],
        colorbar={"title": {"text": "median h"}, "ticksuffix": " h"},
        hovertemplate="%{y} %{x}:00 · %{customdata[0]} MQLs · median %{customdata[2]} · "
                      "%{customdata[1]} breached<extra></extra>"))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=[f"{h:02d}" for h in range(24)])
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=WEEKDAYS)
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text="hour the MQL arrived (numbers: MQLs)")
    return projector_layout(fig, height=380, legend=False)


# ---- friction ------------------------------------------------------------------------------------------

def friction_weekly_chart(df: pd.DataFrame, data_to=None) -> go.Figure:
    """Friction counts week by week (columns week_start, sla_breaches, rejected_mqls, stalled_opps). Weeks that
    start after `data_to` (the newest record) are not drawn as zeros: they are shaded "no data yet"."""
    if data_to is not None:
        future = pd.to_datetime(df["week_start"]).dt.date > data_to
        past_data = df[future]
        df = df[~future]
    x = pd.to_datetime(df["week_start"])
    fig = go.Figure()
    if data_to is not None and len(past_data):
        fig.add_vrect(x0=pd.Timestamp(data_to), x1=pd.to_datetime(past_data["week_start"]).max() + pd.Timedelta(days=6),
                      fillcolor="#f1f3f5", line_width=0, annotation_text="no data yet",
                      annotation_position="top left")
    for col, name, color, dash in (("sla_breaches", "SLA breaches", team_color("sales"), "solid"),
                                   ("stalled_opps", "Stalled opportunities", team_color("sales"), "dot"),
                                   ("rejected_mqls", "Rejected MQLs", team_color("marketing"), "solid")):
        fig.add_trace(go.Scatter(x=x, y=df[col], name=name, mode="lines+markers",
                                 line={"color": color, "width": 4, "dash": dash}, marker={"size": 10},
                                 hovertemplate="week of %{x|%b %d}: %{y} " + name.lower() + "<extra></extra>"))
    fig.update_xaxes(tickformat="%b %d")
    top = int(df[["sla_breaches", "stalled_opps", "rejected_mqls"]].max().max()) if len(df) else 0
    fig.update_yaxes(rangemode="tozero", title_text="count", tickformat=",d",   # counts: whole ticks
                     dtick=1 if top <= 10 else None)
    return projector_layout(fig, height=380)


# ---- wins ----------------------------------------------------------------------------------------------

def campaign_influence_chart(df: pd.DataFrame, top: int = 10) -> go.Figure:
    """Influenced revenue per campaign, the best first (columns campaign, influenced_revenue, influenced_deals)."""
    df = df.head(top).iloc[::-1]
    colors = [team_color("marketing")] * len(df)
    if len(df):
        colors[-1] = team_color("shared")
    fig = go.Figure(go.Bar(
        y=df["campaign"], x=df["influenced_revenue"], orientation="h", marker_color=colors,
        text=[f"{money_short(v)} · {int(n)} deal{'s' if n != 1 else ''}"
              for v, n in zip(df["influenced_revenue"], df["influenced_deals"])],
        textposition="outside", hovertemplate="%{y}: %{text}<extra></extra>"))
    top = float(df["influenced_revenue"].max()) if len(df) else 0.0
    fig.update_xaxes(**MONEY_TICKS, range=[0, top * 1.3 or 1])   # room for the labels
    return projector_layout(fig, height=120 + 48 * len(df), legend=False)


__all__ = ["journey_map", "channel_volume_chart", "lead_quality_chart", "rejection_reasons_chart",
           "rep_response_chart", "response_heatmap", "friction_weekly_chart", "campaign_influence_chart",
           "MUTED"]
