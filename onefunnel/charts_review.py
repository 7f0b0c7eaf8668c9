"""Charts of the weekly review: per key measure, the last 6 weeks beside the last 12 months, the prior year
dashed (Amazon's Weekly Business Review layout). Pure functions of the review's series: `trend_chart` is the
page's (Vega-Lite, quick for the browser to draw), `trend_figure` the export's (Plotly, drawn by kaleido)."""

from __future__ import annotations


import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from onefunnel import layer
from onefunnel.charts import GOAL_COLOR, NEUTRAL, plotly_axis_labels, team_color, vega_axis_labels
from onefunnel.formats import FORMATTERS

FONT = "Helvetica, Arial, sans-serif"


def trend_figure(name: str, s: dict, width: int = 900, height: int = 300) -> go.Figure:
    """6 weeks (left) and 12 months (right) of a measure, this year solid, the year before dashed."""
    m = layer.measure(name)
    color = team_color(m.owner)
    fig = make_subplots(rows=1, cols=2, column_widths=[0.4, 0.6], horizontal_spacing=0.08,
                        subplot_titles=("Last 6 weeks", "Last 12 months"))
    weeks = [f"W{w.isocalendar()[1]:02d}" for w in s["weeks"]]
    months = [f"{d:%b %y}" for d in s["months"]]
    for col, x, cur, prior in ((1, weeks, s["w"], s["w_ly"]), (2, months, s["m"], s["m_ly"])):
        fig.add_trace(go.Scatter(x=x, y=prior, name="Year before", mode="lines+markers",
                                 line={"color": NEUTRAL, "dash": "dash", "width": 2}, marker={"size": 5},
                                 showlegend=col == 1), row=1, col=col)
        fig.add_trace(go.Scatter(x=x, y=cur, name="This year", mode="lines+markers",
                                 line={"color": color, "width": 3}, marker={"size": 7},
                                 showlegend=col == 1), row=1, col=col)
    fig.update_yaxes(rangemode="tozero", gridcolor="#e9ecef", zeroline=False, **plotly_axis_labels(m.format))
    fig.update_xaxes(showgrid=False, type="category")
    fig.update_layout(template="plotly_white", width=width, height=height,
                      font={"family": FONT, "size": 13, "color": "#212529"},
                      title={"text": m.label, "x": 0, "font": {"size": 16, "color": GOAL_COLOR}},
                      margin={"l": 50, "r": 10, "t": 60, "b": 30},
                      legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.22})
    return fig



def trend_chart(name: str, s: dict, width: int = 540, height: int = 200) -> tuple[pd.DataFrame, dict]:
    """trend_figure as a Vega-Lite chart (data, spec) for st.vega_lite_chart: the same two panels, series and
    colours; the year before dashed."""
    m = layer.measure(name)
    panels = (("Last 6 weeks", [f"W{w.isocalendar()[1]:02d}" for w in s["weeks"]], s["w"], s["w_ly"]),
              ("Last 12 months", [f"{d:%b %y}" for d in s["months"]], s["m"], s["m_ly"]))
    data = pd.DataFrame([{"panel": panel, "x": x, "i": i, "year": year, "value": values[i],
                          "text": FORMATTERS[m.format](values[i])}
                         for panel, xs, cur, prior in panels for year, values in (("This year", cur), ("Year before", prior))
                         for i, x in enumerate(xs)])
    years = ["This year", "Year before"]

    def panel(title: str, w: int) -> dict:
        # a panel without a single value gets a fixed scale (Vega would log "Infinite extent" and draw no axis)
        empty = data.loc[data["panel"] == title, "value"].isna().all()
        return {"transform": [{"filter": {"field": "panel", "equal": title}}], "width": w, "height": height,
                "title": {"text": title, "fontSize": 13, "fontWeight": "normal"},
                "mark": {"type": "line", "point": True, "strokeWidth": 2.5},
                "encoding": {
                    "x": {"field": "x", "type": "ordinal", "sort": {"field": "i"}, "title": None, "axis": {"labelAngle": 0 if w < width // 2 else -40}},
                    "y": {"field": "value", "type": "quantitative", "title": None,
                          "scale": {"zero": True, **({"domain": [0, 1]} if empty else {})},
                          "axis": {**vega_axis_labels(m.format), "gridColor": "#e9ecef"}},
                    "color": {"field": "year", "type": "nominal", "title": None,
                              "scale": {"domain": years, "range": [team_color(m.owner), NEUTRAL]},
                              "legend": {"orient": "top", "direction": "horizontal"}},
                    "strokeDash": {"field": "year", "type": "nominal", "legend": None,
                                   "scale": {"domain": years, "range": [[1, 0], [6, 4]]}},
                    "tooltip": [{"field": "x", "title": title}, {"field": "year", "title": " "},
                                {"field": "text", "title": m.label}]}}

    spec = {"title": {"text": m.label, "anchor": "start", "fontSize": 16, "color": GOAL_COLOR},
            "hconcat": [panel("Last 6 weeks", int(width * 0.4)), panel("Last 12 months", int(width * 0.6))],
            "config": {"font": FONT, "view": {"stroke": None}, "axis": {"labelFontSize": 12}}}
    return data, spec
