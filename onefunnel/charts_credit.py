"""Chart builders for the Credit pages, and the small frame helpers they need (which channels the
models disagree on).

Attribution's four charts are Vega-Lite: each builder returns (data, spec) for
`st.vega_lite_chart(data, spec, theme=None)`: the browser draws them in about half the time the Plotly
figures took (the weekly review made the same move, onefunnel/charts_review.py). Spend & ROI's two charts are
Plotly figures. Styling follows onefunnel/charts.py (`projector_layout`'s large type, team colours): spend
is marketing's colour, attributed revenue is shared (won revenue belongs to both teams). The five
attribution models get five fixed colours of their own, none of them a team colour, so a model looks the
same in every chart. Builders are pure functions of DataFrames: no Streamlit and no SQL in here.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from onefunnel.charts import (BASE_FONT, CATEGORICAL, FONT_FAMILY, GOAL_COLOR, MONEY_TICKS, MUTED, NEUTRAL,
                              money_short, projector_layout, team_color, vega_axis_labels)
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


# ---- Vega-Lite: the projector theme ------------------------------------------------------------------

def _config() -> dict:
    """projector_layout's theme in Vega-Lite terms: large type on white, light grid lines, the legend on top."""
    tick, text = BASE_FONT - 2, "#212529"
    return {"font": FONT_FAMILY, "background": "white", "view": {"stroke": None},
            "axis": {"labelFontSize": tick, "titleFontSize": tick, "titleFontWeight": "normal", "labelColor": text,
                     "titleColor": text, "gridColor": "#f1f3f5", "domainColor": MUTED, "tickColor": MUTED,
                     "labelLimit": 320, "titlePadding": 10},
            "legend": {"labelFontSize": tick, "symbolSize": 200, "labelLimit": 260, "columnPadding": 18},
            "axisY": {"labelPadding": 10}}


def _model_color() -> dict:
    """Colour by the model's label: the five models in their order, each in its own colour."""
    return {"field": "model_label", "type": "nominal",
            "scale": {"domain": [MODEL_LABELS[m] for m in MODELS], "range": [MODEL_COLORS[m] for m in MODELS]},
            "legend": {"orient": "top", "direction": "horizontal", "title": None}}


# ---- the five models side by side ----------------------------------------------------------------

def models_side_by_side(df: pd.DataFrame, dim: str = "channel", top: int = 10) -> tuple[pd.DataFrame, dict]:
    """Grouped horizontal bars, (data, spec) for st.vega_lite_chart: one group per channel (or campaign),
    largest linear credit first ('(none)' last), one bar per model.

    `df`: attribution_credit_by_channel / _by_campaign (columns dim, the five models and
    their *_share)."""
    rows = top_rows(df, dim, top)
    data = pd.DataFrame([{dim: r[dim], "model": m, "model_label": MODEL_LABELS[m], "credit": float(r[m] or 0.0),
                          "credit_text": money_short(r[m]), "share": r[f"{m}_share"]}
                         for _, r in rows.iterrows() for m in MODELS],
                        columns=[dim, "model", "model_label", "credit", "credit_text", "share"])
    spec = {"height": {"step": 90, "for": "position"}, "mark": {"type": "bar"},
            "encoding": {
                "y": {"field": dim, "type": "nominal", "sort": rows[dim].tolist(), "title": None,
                      "scale": {"paddingInner": 0.25}},
                "yOffset": {"field": "model_label", "type": "nominal", "sort": [MODEL_LABELS[m] for m in MODELS],
                            "scale": {"paddingInner": 0.05}},
                "x": {"field": "credit", "type": "quantitative", "title": "credited won revenue",
                      "axis": {**vega_axis_labels("money"), "grid": True, "tickCount": 8}},
                "color": _model_color(),
                "tooltip": [{"field": dim, "title": dim.capitalize()}, {"field": "model_label", "title": "Model"},
                            {"field": "credit_text", "title": "Credit"},
                            {"field": "share", "type": "quantitative", "format": ".0%",
                             "title": "Share of won revenue"}]},
            "config": _config()}
    return data, spec


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


def disagreement_chart(df: pd.DataFrame, dim: str = "channel", top: int = 8) -> tuple[pd.DataFrame, dict]:
    """Dot plot, (data, spec): for each channel a grey bar from the lowest to the highest share of won
    revenue any model gives it, and one dot per model; channels the models disagree on most come first."""
    dis = disagreement(df, dim).head(top)
    shares = df.set_index(dim)
    data = pd.DataFrame([{dim: c, "model": m, "model_label": MODEL_LABELS[m],
                          "share": float(0.0 if pd.isna(shares.loc[c, f"{m}_share"]) else shares.loc[c, f"{m}_share"])}
                         for c in dis[dim] for m in MODELS], columns=[dim, "model", "model_label", "share"])
    x = {"type": "quantitative", "title": "share of won revenue credited", "scale": {"zero": True},
         "axis": {"format": ".0%", "grid": True, "tickCount": 8}}
    spec = {"height": {"step": 60},
            "encoding": {"y": {"field": dim, "type": "nominal", "sort": dis[dim].tolist(), "title": None}},
            "layer": [
                {"transform": [{"aggregate": [{"op": "min", "field": "share", "as": "lo"},
                                              {"op": "max", "field": "share", "as": "hi"}], "groupby": [dim]}],
                 "mark": {"type": "bar", "color": NEUTRAL, "opacity": 0.25, "height": {"band": 0.35}},
                 "encoding": {"x": {"field": "lo", **x}, "x2": {"field": "hi"}}},
                {"mark": {"type": "circle", "size": 260, "opacity": 1, "stroke": "white", "strokeWidth": 1.5},
                 "encoding": {"x": {"field": "share", **x}, "color": _model_color(),
                              "tooltip": [{"field": dim, "title": dim.capitalize()},
                                          {"field": "model_label", "title": "Model"},
                                          {"field": "share", "type": "quantitative", "format": ".0%",
                                           "title": "Share of won revenue"}]}}],
            "config": _config()}
    return data, spec


# ---- one model in detail ---------------------------------------------------------------------------

def credit_by_month_chart(df: pd.DataFrame, model: str, top: int = 7) -> tuple[pd.DataFrame, dict]:
    """Stacked bars, (data, spec), of credited won revenue per close month (every month from the first to
    the last, an empty one too), one colour per channel: the `top` channels by credit, the rest as 'Other
    channels', '(none)' on top. `df`: attribution_credit_by_month."""
    d = df.copy()
    totals = d.groupby("channel")["credit"].sum().sort_values(ascending=False)
    keep = [c for c in totals.index if c != NONE][:top]
    d["series"] = [c if c in keep or c == NONE else "Other channels" for c in d["channel"]]
    d["month"] = pd.to_datetime(d["month"]).dt.to_period("M").dt.to_timestamp()
    d = d.groupby(["month", "series"], as_index=False)["credit"].sum()
    order = keep + [s for s in ("Other channels", NONE) if s in set(d["series"])]
    colors = {s: CATEGORICAL[i % len(CATEGORICAL)] for i, s in enumerate(keep)}
    colors.update({"Other channels": "#adb5bd", NONE: "#dee2e6"})
    months = ([f"{m:%b %Y}" for m in pd.date_range(d["month"].min(), d["month"].max(), freq="MS")]
              if len(d) else [])
    d["stack"] = d["series"].map({s: i for i, s in enumerate(order)})
    d = d.sort_values(["month", "stack"]).reset_index(drop=True)
    data = pd.DataFrame({"month": [f"{m:%b %Y}" for m in d["month"]], "series": d["series"],
                         "credit": d["credit"].astype(float), "credit_text": [money_short(v) for v in d["credit"]],
                         "stack": d["stack"]})
    spec = {"height": 320, "mark": {"type": "bar"},
            "encoding": {
                "x": {"field": "month", "type": "ordinal", "title": None,
                      "scale": {"domain": months, "paddingInner": 0.3},
                      "axis": {"labelAngle": 0 if len(months) <= 6 else -40, "labelOverlap": True}},
                "y": {"field": "credit", "type": "quantitative", "title": f"credited ({MODEL_LABELS[model]})",
                      "stack": "zero", "axis": vega_axis_labels("money")},
                "color": {"field": "series", "type": "nominal",
                          "scale": {"domain": order, "range": [colors[s] for s in order]},
                          "legend": {"orient": "top", "direction": "horizontal", "title": None, "columns": 3,
                                     "labelLimit": 170}},
                "order": {"field": "stack", "type": "quantitative"},
                "tooltip": [{"field": "month", "title": "Month"}, {"field": "series", "title": "Channel"},
                            {"field": "credit_text", "title": "Credit"}]},
            "config": _config()}
    return data, spec


def _ms(ts) -> float:
    """Milliseconds since the epoch of a timestamp read as UTC (its wall time, as the tables show it); a
    float, as Arrow sends an int64 to the browser as a BigInt, which Vega cannot place on a scale."""
    t = pd.Timestamp(ts)
    return float((t.tz_localize(None) if t.tzinfo else t).value // 10**6)


def _datetime(ts) -> dict:
    """A timestamp as a Vega-Lite DateTime in UTC (a scale's domain or a datum: Vega-Lite takes no number there
    on a time scale)."""
    t = pd.Timestamp(ts)
    return {"year": t.year, "month": t.month, "date": t.day, "hours": t.hour, "minutes": t.minute,
            "seconds": t.second, "milliseconds": t.microsecond // 1000, "utc": True}


def deal_path_chart(path: pd.DataFrame, model: str) -> tuple[pd.DataFrame, dict]:
    """A deal's touches on a time line, (data, spec), one row per touch in path order ("2 · Email / nurture"),
    so touches at the same instant stay apart: the dot's size is the credit under `model`, written left of
    it; touches after the opportunity was created are hollow grey ("no credit"); a dashed line marks the
    opportunity's creation, labelled "opportunity created". `path`: attribution_deal_path."""
    p = path[path["touched_at"].notna()].copy()
    if p.empty:
        return pd.DataFrame(columns=["row", "t"]), {"height": 200, "mark": {"type": "circle"}, "config": _config()}
    amount = float(path["amount"].iloc[0]) if len(path) else 0.0
    n_counted = int(p["counts"].sum())
    share = [(c / amount if amount else 1.0 / n_counted) if k else None
             for c, k in zip(p[model].fillna(0.0), p["counts"])]
    diameter = [14 + 46 * s if s is not None else 14.0 for s in share]
    data = pd.DataFrame({
        "row": [f"{int(s)} · {c} / {k}" for s, c, k in zip(p["seq"], p["channel"], p["campaign"])],
        "t": [_ms(t) for t in p["touched_at"]],
        "when": [f"{pd.Timestamp(t):%b %d, %Y %H:%M}" for t in p["touched_at"]],
        "kind": ["credit" if k else "after" for k in p["counts"]],
        "credit_text": [money_short(v) if k else "no credit: after the opportunity was created"
                        for v, k in zip(p[model], p["counts"])],
        "d": diameter, "area": [3.1416 * x * x / 4 for x in diameter]})
    created = pd.Timestamp(path["opp_created_at"].iloc[0])
    times = pd.to_datetime(pd.concat([p["touched_at"], pd.Series([created])]))
    lo, hi = times.min(), times.max()
    pad = max((hi - lo) * 0.12, pd.Timedelta(hours=12))
    short = (hi - lo) < pd.Timedelta(days=3)
    height = 55 * (len(p) + 1)      # a row each, and half a row free above and below (the label's room)
    x = {"type": "temporal", "title": None,
         "scale": {"type": "utc", "domain": [_datetime(lo - pad * 2), _datetime(hi + pad)], "nice": False},
         "axis": {"format": "%b %d %H:%M" if short else "%b %d, %Y", "tickCount": 6,
                  "tickMinStep": 3600_000 if short else 86400_000}}   # no two ticks with the same label
    y = {"field": "row", "type": "nominal", "sort": data["row"].tolist(), "title": None, "axis": {"grid": True},
         "scale": {"padding": 1}}
    tooltip = [{"field": "when", "title": "When"}, {"field": "row", "title": "Touch"},
               {"field": "credit_text", "title": f"Credit ({MODEL_LABELS[model]})"}]
    one = {"values": [{}]}          # a layer drawn once, not once per touch
    credit, after = ({"filter": {"field": "kind", "equal": k}} for k in ("credit", "after"))
    spec = {"height": height, "layer": [
        {"data": one, "mark": {"type": "rule", "color": GOAL_COLOR, "strokeWidth": 2, "strokeDash": [6, 4]},
         "encoding": {"x": {"datum": _datetime(created), **x}}},
        {"data": one, "mark": {"type": "text", "text": "opportunity created", "align": "right", "baseline": "bottom",
                               "dx": -6, "dy": -4, "fontSize": BASE_FONT - 4, "color": GOAL_COLOR,
                               "font": FONT_FAMILY},
         "encoding": {"x": {"datum": _datetime(created), **x}, "y": {"value": {"expr": "height"}}}},
        {"transform": [credit], "mark": {"type": "circle", "color": MODEL_COLORS[model], "opacity": 1,
                                         "stroke": "white", "strokeWidth": 2},
         "encoding": {"x": {"field": "t", **x}, "y": y, "size": {"field": "area", "type": "quantitative",
                                                                  "scale": None}, "tooltip": tooltip}},
        {"transform": [credit], "mark": {"type": "text", "align": "right", "baseline": "middle",
                                         "dx": {"expr": "-datum.d / 2 - 5"}, "fontSize": BASE_FONT - 2,
                                         "color": "#212529", "font": FONT_FAMILY},
         "encoding": {"x": {"field": "t", **x}, "y": y, "text": {"field": "credit_text"}}},
        {"transform": [after], "mark": {"type": "circle", "size": 154, "fill": "white", "opacity": 1,
                                        "stroke": NEUTRAL, "strokeWidth": 2},
         "encoding": {"x": {"field": "t", **x}, "y": y, "tooltip": tooltip}},
        {"transform": [after], "mark": {"type": "text", "text": "no credit", "align": "left", "baseline": "middle",
                                        "dx": 12, "fontSize": BASE_FONT - 4, "color": NEUTRAL, "font": FONT_FAMILY},
         "encoding": {"x": {"field": "t", **x}, "y": y}}],
        "padding": {"left": 5, "top": 5, "bottom": 5, "right": 85},   # room for "no credit" at the far right
        "config": _config()}
    return data, spec


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
    fig.update_xaxes(**MONEY_TICKS, range=[0, top_value * 1.45 or 1])
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
    fig.update_yaxes(**MONEY_TICKS, rangemode="tozero")
    fig.update_xaxes(tickformat="%b %Y", dtick="M1")
    return projector_layout(fig, height=420)
