"""Plotly figures of the weekly review: per key measure, the last 6 weeks beside the last 12 months, the
prior year dashed (Amazon's Weekly Business Review layout). Pure functions of the review's series."""

from __future__ import annotations


import plotly.graph_objects as go
from plotly.subplots import make_subplots

from onefunnel import layer
from onefunnel.charts import GOAL_COLOR, NEUTRAL, team_color

FONT = "Helvetica, Arial, sans-serif"


def _axis_format(name: str) -> dict:
    f = layer.measure(name).format
    if f == "pct":
        return {"tickformat": ".0%"}
    if f == "money":
        return {"tickprefix": "$", "tickformat": "~s"}
    return {"tickformat": "~s"}


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
    fig.update_yaxes(rangemode="tozero", gridcolor="#e9ecef", zeroline=False, **_axis_format(name))
    fig.update_xaxes(showgrid=False, type="category")
    fig.update_layout(template="plotly_white", width=width, height=height,
                      font={"family": FONT, "size": 13, "color": "#212529"},
                      title={"text": m.label, "x": 0, "font": {"size": 16, "color": GOAL_COLOR}},
                      margin={"l": 50, "r": 10, "t": 60, "b": 30},
                      legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.22})
    return fig

