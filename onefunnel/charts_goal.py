"""Charts of the Joint goal page (pages/goal.py), in Vega-Lite: each builder returns (data, spec) for
`st.vega_lite_chart(data, spec, theme=None)`. The browser draws Vega-Lite in a fraction of the time Plotly took
(the weekly review and Attribution made the same move: onefunnel/charts_review.py, charts_credit.py).

Styling follows onefunnel/charts.py: the projector theme (`vega_config`), the team colours (won revenue is
shared, so the pacing chart is in the shared colour), the goal in GOAL_COLOR. Builders are pure functions of
DataFrames and numbers: no Streamlit and no SQL in here.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from onefunnel.charts import (BASE_FONT, FONT_FAMILY, GOAL_COLOR, MUTED, TEAM_COLORS, money_short, team_color,
                              vega_config)

GOAL = "Goal (cumulative)"
WON = "Won revenue (cumulative)"
RANGE = "Forecast range"
FORECAST = "Forecast"
SERIES = [GOAL, WON, RANGE, FORECAST]          # the legend's order, as the Plotly chart had it
SHARED = TEAM_COLORS["shared"]


def _blend(hex_color: str, alpha: float) -> str:
    """The colour `hex_color` at `alpha` over white, as an opaque '#rrggbb' (the forecast range's band, so its
    legend symbol has the band's colour)."""
    h = hex_color.lstrip("#")
    return "#" + "".join(f"{round(int(h[i:i + 2], 16) * alpha + 255 * (1 - alpha)):02x}" for i in (0, 2, 4))


SERIES_COLORS = {GOAL: GOAL_COLOR, WON: SHARED, RANGE: _blend(SHARED, 0.2), FORECAST: SHARED}
SERIES_DASHES = {GOAL: [2, 5], WON: [1, 0], RANGE: [1, 0], FORECAST: [9, 6]}


def _ms(day) -> float:
    """Milliseconds since the epoch of a day's midnight read as UTC; a float, as Arrow sends an int64 to the
    browser as a BigInt, which Vega cannot place on a scale."""
    return float(pd.Timestamp(day).value // 10**6)


def _row(series: str, day, value: float, **more) -> dict:
    value = float(value)
    return {"series": series, "t": _ms(day), "day": f"{pd.Timestamp(day):%b %d, %Y}", "value": value,
            "low": None, "value_text": money_short(value), "note": None, **more}


# ---- pacing ----------------------------------------------------------------------------------------------

def pacing_chart(daily: pd.DataFrame, as_of: dt.date, end: dt.date, won_revenue: float,
                 forecast: float | None, best_case: float | None, revenue_goal: float) -> tuple[pd.DataFrame, dict]:
    """Cumulative won revenue against the cumulative goal line, day by day, and the forecast range, as
    (data, spec).

    `daily`: one row per day of the period with columns day, won_revenue, cum_won_revenue, cum_goal
    (queries/goal_daily_pacing.sql). Won revenue is drawn as steps up to the as-of day (or the last day
    with a win, if later), filled below. From the as-of day to the period end a band runs from
    `won_revenue` (nothing more closes) to `best_case` (every open deal closes), with the forecast
    (won + weighted pipeline) as a dashed line inside it, a dot and its amount at the period end. The goal
    is written at the period end, a grey rule marks the as-of day.

    `data` has one row per point: series (the four above, or "as of" for the rule), t (ms, UTC), day,
    value, low (the band's lower edge), value_text, note (the label written at the point)."""
    days = pd.to_datetime(daily["day"])
    as_of_ts, end_ts = pd.Timestamp(as_of), pd.Timestamp(end)
    rows = [_row(GOAL, d, v) for d, v in zip(days, daily["cum_goal"])]
    won_days = days[daily["won_revenue"].astype(float) > 0]
    upto = max(as_of_ts, won_days.max()) if len(won_days) else as_of_ts
    rows += [_row(WON, d, v) for d, v in zip(days, daily["cum_won_revenue"]) if d <= upto]
    won_revenue = float(won_revenue or 0.0)
    if as_of_ts < end_ts and forecast is not None:
        high = best_case if best_case is not None else forecast
        rows += [_row(RANGE, as_of_ts, won_revenue, low=won_revenue),
                 _row(RANGE, end_ts, high, low=won_revenue)]
        rows += [_row(FORECAST, as_of_ts, won_revenue),
                 _row(FORECAST, end_ts, forecast, note=f"forecast {money_short(forecast)}")]
    if revenue_goal:
        rows.append({**_row("goal", end_ts, revenue_goal), "note": f"goal {money_short(revenue_goal)}"})
    rows.append(_row("as of", as_of_ts, 0.0))
    data = pd.DataFrame(rows, columns=["series", "t", "day", "value", "low", "value_text", "note"])

    present = [s for s in SERIES if (data["series"] == s).any()]
    x = {"field": "t", "type": "temporal", "title": None, "scale": {"type": "utc"},
         "axis": {"format": "%b %d", "grid": False, "tickCount": 8, "labelOverlap": True}}
    y = {"field": "value", "type": "quantitative", "title": None, "scale": {"zero": True},
         "axis": {"format": "$~s", "tickCount": 8}}
    color = {"field": "series", "type": "nominal", "title": None,
             "scale": {"domain": present, "range": [SERIES_COLORS[s] for s in present]},
             "legend": {"orient": "top", "direction": "horizontal", "symbolType": "stroke",
                        "symbolStrokeWidth": 4, "symbolSize": 500}}
    dash = {"field": "series", "type": "nominal", "title": None,
            "scale": {"domain": present, "range": [SERIES_DASHES[s] for s in present]}}
    tooltip = [{"field": "day", "title": "Day"}, {"field": "series", "title": "Series"},
               {"field": "value_text", "title": "Amount"}]

    def only(*series: str) -> list[dict]:
        return [{"filter": {"field": "series", "oneOf": list(series)}}]

    notes = {"filter": "datum.note != null"}
    layers = [
        {"transform": only("as of"), "mark": {"type": "rule", "color": MUTED, "strokeWidth": 2, "tooltip": None},
         "encoding": {"x": x}},
        {"transform": only(RANGE), "mark": {"type": "area", "opacity": 1, "tooltip": None},
         "encoding": {"x": x, "y": y, "y2": {"field": "low"}, "color": color}},
        {"transform": only(WON), "mark": {"type": "area", "interpolate": "step-after", "color": SHARED,
                                          "opacity": 0.12, "tooltip": None},
         "encoding": {"x": x, "y": y}},
        {"transform": only(GOAL, FORECAST), "mark": {"type": "line", "strokeWidth": 3, "tooltip": None},
         "encoding": {"x": x, "y": y, "color": color, "strokeDash": dash}},
        {"transform": only(WON), "mark": {"type": "line", "interpolate": "step-after", "strokeWidth": 5, "tooltip": None},
         "encoding": {"x": x, "y": y, "color": color, "strokeDash": dash}},
        {"transform": only(FORECAST) + [notes],
         "mark": {"type": "circle", "size": 150, "color": SHARED, "opacity": 1, "tooltip": None},
         "encoding": {"x": x, "y": y}},
        {"transform": only(FORECAST, "goal") + [notes],
         "mark": {"type": "text", "align": "right", "baseline": "bottom", "dx": -4, "dy": -6,
                  "fontSize": BASE_FONT, "font": FONT_FAMILY, "tooltip": None},
         "encoding": {"x": x, "y": y, "text": {"field": "note"},
                      "color": {"condition": {"test": "datum.series === 'goal'", "value": GOAL_COLOR},
                                "value": SHARED}}},
        # invisible points carry the tooltips (a line's tooltip would show its first point wherever it is hovered);
        # the other marks have none (Streamlit would give them one listing their raw fields)
        {"transform": only(GOAL, WON, FORECAST),
         "mark": {"type": "point", "filled": True, "size": 160, "opacity": 0},
         "encoding": {"x": x, "y": y, "tooltip": tooltip}},
    ]
    return data, {"height": 340, "layer": layers, "config": vega_config()}


# ---- sourcing ------------------------------------------------------------------------------------------------

SOURCING = ["Marketing-sourced", "Sales-sourced"]


def sourcing_chart(rows: list[tuple[str, float, float]]) -> tuple[pd.DataFrame, dict]:
    """Stacked horizontal bars, (data, spec): for each measure (label, marketing amount, sales amount) in the
    order given, top to bottom, the marketing-sourced part (marketing colour) left of the sales-sourced part
    (sales colour), each with its amount written inside when it fits.

    `data`: one row per measure and part: measure, series, amount, amount_text, and the part's left and right
    edges x0, x1 (marketing's part starts at 0, sales' where marketing's ends)."""
    out = []
    for label, marketing, sales in rows:
        marketing, sales = float(marketing or 0.0), float(sales or 0.0)
        for series, x0, amount in ((SOURCING[0], 0.0, marketing), (SOURCING[1], marketing, sales)):
            out.append({"measure": label, "series": series, "amount": amount, "amount_text": money_short(amount),
                        "x0": x0, "x1": x0 + amount})
    data = pd.DataFrame(out, columns=["measure", "series", "amount", "amount_text", "x0", "x1"])
    y = {"field": "measure", "type": "nominal", "sort": [r[0] for r in rows], "title": None,
         "scale": {"paddingInner": 0.35, "paddingOuter": 0.2}}
    x = {"field": "x0", "type": "quantitative", "title": None, "axis": {"format": "$~s", "grid": True, "tickCount": 8}}
    spec = {"height": {"step": 80}, "layer": [
        {"mark": {"type": "bar"},
         "encoding": {"y": y, "x": x, "x2": {"field": "x1"},
                      "color": {"field": "series", "type": "nominal", "title": None,
                                "scale": {"domain": SOURCING, "range": [team_color("marketing"), team_color("sales")]},
                                "legend": {"orient": "top", "direction": "horizontal"}},
                      "tooltip": [{"field": "measure", "title": "Measure"}, {"field": "series", "title": "Part"},
                                  {"field": "amount_text", "title": "Amount"}]}},
        # the amount in the middle of its part, when the part is wide enough to hold it (a $0 part has none)
        {"transform": [{"filter": "datum.amount > 0"}, {"calculate": "(datum.x0 + datum.x1) / 2", "as": "mid"}],
         "mark": {"type": "text", "align": "center", "baseline": "middle", "color": "white", "fontSize": BASE_FONT,
                  "font": FONT_FAMILY, "tooltip": None},
         "encoding": {"y": y, "x": {**x, "field": "mid"}, "text": {"field": "amount_text"},
                      "opacity": {"condition": {"test": "scale('x', datum.x1) - scale('x', datum.x0) > 70",
                                                "value": 1}, "value": 0}}}],
        "config": vega_config()}
    return data, spec
