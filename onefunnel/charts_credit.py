"""Plotly figure builders for the Credit pages (Attribution, Spend & ROI), and the small frame
helpers they need (which channels the models disagree on).

Styling comes from onefunnel/charts.py (`projector_layout`, team colours): spend is marketing's
colour, attributed revenue is shared (won revenue belongs to both teams). The five attribution
models get five fixed colours of their own, none of them a team colour, so a model looks the
same in every chart. Figures are pure functions of DataFrames: no Streamlit and no SQL in here.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from onefunnel.charts import BASE_FONT, CATEGORICAL, GOAL_COLOR, NEUTRAL, money_short, projector_layout, team_color, with_alpha
from onefunnel.definitions import ATTRIBUTION_MODELS

MODELS = list(ATTRIBUTION_MODELS)            # first_touch, last_touch, linear, u_shaped, time_decay
MODEL_LABELS = {k: v[0] for k, v in ATTRIBUTION_MODELS.items()}
MODEL_COLORS = {"first_touch": "#1971c2", "last_touch": "#c2255c", "linear": "#495057",
                "u_shaped": "#2f9e44", "time_decay": "#f59f00"}
SPEND_COLOR = team_color("marketing")       # spend is marketing's
CREDIT_COLOR = team_color("shared")         # won revenue is shared
NONE = "(none)"


def _pct(x) -> str:
    return "–" if x is None or pd.isna(x) else f"{x * 100:.0f}%"


def top_rows(df: pd.DataFrame, dim: str, n: int, value: str = "linear") -> pd.DataFrame:
    """The n rows with the most credit under `value`, '(none)' kept last if present."""
    body = df[df[dim] != NONE].sort_values([value, dim], ascending=[False, True]).head(n)
    return pd.concat([body, df[df[dim] == NONE]]) if (df[dim] == NONE).any() else body


# ---- the five models side by side ----------------------------------------------------------------

def models_side_by_side(df: pd.DataFrame, dim: str = "channel", top: int = 10) -> go.Figure:
    """Grouped horizontal bars: one group per channel (or campaign), one bar per model.

    `df`: attribution_credit_by_channel / _by_campaign (columns dim, the five models and
    their *_share)."""
    rows = top_rows(df, dim, top)
    labels = rows[dim].tolist()
    fig = go.Figure()
    for m in MODELS:
        fig.add_trace(go.Bar(
            y=labels, x=rows[m], name=MODEL_LABELS[m], orientation="h", marker_color=MODEL_COLORS[m],
            customdata=[[money_short(v), _pct(s)] for v, s in zip(rows[m], rows[f"{m}_share"])],
            hovertemplate="%{y} · " + MODEL_LABELS[m] + ": %{customdata[0]} (%{customdata[1]} of won revenue)"
                          "<extra></extra>"))
    fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05)
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickprefix="$", tickformat="~s", title_text="credited won revenue")
    return projector_layout(fig, height=140 + 26 * 5 * len(rows) // 2 + 30 * len(rows))


# ---- where the models disagree --------------------------------------------------------------------

def disagreement(df: pd.DataFrame, dim: str = "channel") -> pd.DataFrame:
    """Per channel: the model that credits it most and least (by share of won revenue) and the
    spread between them in percentage points, largest spread first. '(none)' is left out (it
    gets the same amount under every model)."""
    body = df[df[dim] != NONE]
    if body.empty:
        return pd.DataFrame(columns=[dim, "max_model", "max_share", "min_model", "min_share", "spread"])
    shares = body.set_index(dim)[[f"{m}_share" for m in MODELS]].fillna(0.0)
    shares.columns = MODELS
    out = pd.DataFrame({
        dim: shares.index,
        "max_model": shares.idxmax(axis=1).values, "max_share": shares.max(axis=1).values,
        "min_model": shares.idxmin(axis=1).values, "min_share": shares.min(axis=1).values,
    })
    out["spread"] = out["max_share"] - out["min_share"]
    return out.sort_values(["spread", dim], ascending=[False, True]).reset_index(drop=True)


def disagreement_sentence(row) -> str:
    """'Organic Search: 34% of won revenue under First touch, 5% under Last touch.'"""
    return (f"{row['channel']}: {_pct(row['max_share'])} of won revenue under {MODEL_LABELS[row['max_model']]}, "
            f"{_pct(row['min_share'])} under {MODEL_LABELS[row['min_model']]}")


def disagreement_chart(df: pd.DataFrame, dim: str = "channel", top: int = 8) -> go.Figure:
    """Dot plot: for each channel a grey bar from the lowest to the highest share of won revenue
    any model gives it, and one dot per model; channels the models disagree on most come first."""
    dis = disagreement(df, dim).head(top)
    shares = df.set_index(dim)
    fig = go.Figure()
    labels = dis[dim].tolist()
    fig.add_trace(go.Bar(y=labels, x=dis["spread"], base=dis["min_share"], orientation="h",
                         marker_color=with_alpha(NEUTRAL, 0.25), name="Range", showlegend=False,
                         hoverinfo="skip", width=0.35))
    for m in MODELS:
        vals = [shares.loc[c, f"{m}_share"] for c in labels]
        fig.add_trace(go.Scatter(
            y=labels, x=vals, mode="markers", name=MODEL_LABELS[m],
            marker={"color": MODEL_COLORS[m], "size": 18, "line": {"color": "white", "width": 1.5}},
            customdata=[_pct(v) for v in vals],
            hovertemplate="%{y} · " + MODEL_LABELS[m] + ": %{customdata} of won revenue<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickformat=".0%", title_text="share of won revenue credited", rangemode="tozero")
    return projector_layout(fig, height=140 + 60 * max(len(dis), 1))


# ---- one model in detail ---------------------------------------------------------------------------

def credit_by_month_chart(df: pd.DataFrame, model: str, top: int = 7) -> go.Figure:
    """Stacked bars of credited won revenue per close month, one colour per channel (the `top`
    channels by credit; the rest as 'Other channels'). `df`: attribution_credit_by_month."""
    d = df.copy()
    totals = d.groupby("channel")["credit"].sum().sort_values(ascending=False)
    keep = [c for c in totals.index if c != NONE][:top]
    d["series"] = [c if c in keep or c == NONE else "Other channels" for c in d["channel"]]
    d = d.groupby(["month", "series"], as_index=False)["credit"].sum()
    order = keep + [s for s in ("Other channels", NONE) if s in set(d["series"])]
    colors = {s: CATEGORICAL[i % len(CATEGORICAL)] for i, s in enumerate(keep)}
    colors.update({"Other channels": "#adb5bd", NONE: "#dee2e6"})
    fig = go.Figure()
    for s in order:
        part = d[d["series"] == s]
        fig.add_trace(go.Bar(x=pd.to_datetime(part["month"]), y=part["credit"], name=s, marker_color=colors[s],
                             customdata=[money_short(v) for v in part["credit"]],
                             hovertemplate="%{x|%b %Y} · " + s.replace("%", "%%") + ": %{customdata}<extra></extra>"))
    fig.update_layout(barmode="stack", bargap=0.3)
    fig.update_yaxes(tickprefix="$", tickformat="~s", title_text=f"credited ({MODEL_LABELS[model]})")
    fig.update_xaxes(tickformat="%b %Y", dtick="M1")
    return projector_layout(fig, height=420)


def deal_path_chart(path: pd.DataFrame, model: str) -> go.Figure:
    """A deal's touches on a time line, one row per touch in path order ("2 · Email / nurture"),
    so touches at the same instant stay apart: the dot's size is the credit under `model`;
    touches after the opportunity was created are hollow grey (no credit); a dashed line marks
    the opportunity's creation. `path`: attribution_deal_path."""
    p = path[path["touched_at"].notna()].copy()
    fig = go.Figure()
    if p.empty:
        return projector_layout(fig, height=200, legend=False)
    amount = float(path["amount"].iloc[0]) if len(path) else 0.0
    p["row"] = [f"{int(s)} · {c} / {k}" for s, c, k in zip(p["seq"], p["channel"], p["campaign"])]
    counted, later = p[p["counts"]], p[~p["counts"]]
    if len(counted):
        share = counted[model] / amount if amount else pd.Series(1.0 / len(counted), index=counted.index)
        credit_text = [money_short(v) for v in counted[model]]
        fig.add_trace(go.Scatter(
            x=counted["touched_at"], y=counted["row"], mode="markers+text", name=f"Credit ({MODEL_LABELS[model]})",
            marker={"size": (14 + 46 * share.fillna(0)).tolist(), "color": MODEL_COLORS[model],
                    "line": {"color": "white", "width": 2}},
            text=credit_text, textposition="middle left", textfont={"size": BASE_FONT - 2},
            customdata=credit_text, cliponaxis=False,
            hovertemplate="%{x|%b %d, %Y %H:%M} · %{y}: %{customdata}<extra></extra>"))
    if len(later):
        fig.add_trace(go.Scatter(
            x=later["touched_at"], y=later["row"], mode="markers+text", name="After the opportunity: no credit",
            marker={"size": 14, "color": "white", "line": {"color": NEUTRAL, "width": 2}},
            text=["no credit"] * len(later), textposition="middle right", textfont={"size": BASE_FONT - 4,
                                                                                     "color": NEUTRAL},
            cliponaxis=False,
            hovertemplate="%{x|%b %d, %Y %H:%M} · %{y}: after the opportunity was created<extra></extra>"))
    created = pd.Timestamp(path["opp_created_at"].iloc[0])
    fig.add_vline(x=created.timestamp() * 1000, line={"color": GOAL_COLOR, "width": 2, "dash": "dash"})
    fig.add_annotation(x=created, y=0, yref="paper", text="opportunity created", showarrow=False,
                       xanchor="right", yanchor="bottom", font={"size": BASE_FONT - 4, "color": GOAL_COLOR})
    times = pd.to_datetime(pd.concat([p["touched_at"], pd.Series([created])]))
    lo, hi = times.min(), times.max()
    pad = max((hi - lo) * 0.12, pd.Timedelta(hours=12))
    short = (hi - lo) < pd.Timedelta(days=3)
    fig.update_xaxes(range=[lo - pad * 2, hi + pad], tickformat="%b %d %H:%M" if short else "%b %d, %Y")
    fig.update_yaxes(categoryorder="array", categoryarray=p["row"].tolist()[::-1], type="category")
    return projector_layout(fig, height=120 + 55 * len(p), legend=False)


# ---- spend and return ------------------------------------------------------------------------------

def spend_vs_credit_chart(df: pd.DataFrame, dim: str, model: str, top: int = 12) -> go.Figure:
    """Paired bars per channel (or campaign): spend (marketing colour) and the won revenue credited
    to it under `model` (shared colour), with the ROI written next to them.
    `df`: spend_roi_by_channel / spend_roi_by_campaign (columns dim, spend, credit, roi)."""
    d = df[df["spend"] > 0].sort_values(["spend", dim], ascending=[False, True]).head(top)
    labels = d[dim].tolist() if dim == "channel" else [f"{c} · {ch}" for c, ch in zip(d["campaign"], d["channel"])]
    fig = go.Figure()
    fig.add_trace(go.Bar(y=labels, x=d["spend"], name="Spend", orientation="h", marker_color=SPEND_COLOR,
                         text=[money_short(v) for v in d["spend"]], textposition="outside",
                         textfont={"size": BASE_FONT - 2},
                         hovertemplate="%{y}: spend %{text}<extra></extra>"))
    fig.add_trace(go.Bar(y=labels, x=d["credit"], name=f"Credited won revenue ({MODEL_LABELS[model]})",
                         orientation="h", marker_color=CREDIT_COLOR,
                         text=[f"{money_short(c)} · ROI {'–' if pd.isna(r) else f'{r:.1f}×'}"
                               for c, r in zip(d["credit"], d["roi"])],
                         textposition="outside", textfont={"size": BASE_FONT - 2},
                         hovertemplate="%{y}: credited %{text}<extra></extra>"))
    fig.update_layout(barmode="group", bargap=0.3)
    fig.update_traces(cliponaxis=False)
    fig.update_yaxes(autorange="reversed")
    top_value = float(pd.concat([d["spend"], d["credit"]]).max()) if len(d) else 0.0
    fig.update_xaxes(tickprefix="$", tickformat="~s", range=[0, top_value * 1.45 or 1])
    return projector_layout(fig, height=140 + 90 * max(len(d), 1))


def spend_over_time_chart(df: pd.DataFrame, model: str) -> go.Figure:
    """Monthly spend (bars, marketing colour) against the won revenue credited to the same paid
    channels under `model` (line, shared colour). `df`: spend_by_month (month, channel, spend, credit)."""
    m = df.groupby("month", as_index=False)[["spend", "credit"]].sum().sort_values("month")
    x = pd.to_datetime(m["month"])
    fig = go.Figure()
    fig.add_trace(go.Bar(x=x, y=m["spend"], name="Spend", marker_color=SPEND_COLOR,
                         customdata=[money_short(v) for v in m["spend"]],
                         hovertemplate="%{x|%b %Y}: spend %{customdata}<extra></extra>"))
    fig.add_trace(go.Scatter(x=x, y=m["credit"], name=f"Credited won revenue ({MODEL_LABELS[model]})",
                             mode="lines+markers", line={"color": CREDIT_COLOR, "width": 4},
                             marker={"size": 10}, customdata=[money_short(v) for v in m["credit"]],
                             hovertemplate="%{x|%b %Y}: credited %{customdata}<extra></extra>"))
    fig.update_yaxes(tickprefix="$", tickformat="~s", rangemode="tozero")
    fig.update_xaxes(tickformat="%b %Y", dtick="M1")
    return projector_layout(fig, height=420)
