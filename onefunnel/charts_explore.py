"""Plotly figures of the Explore page: one measure by one or two dimensions.

A figure takes the page's long table (a row per value, or per pair of values, already computed by the
metrics layer) and only draws it: bars for one dimension, a line over a time grain, grouped bars or a
heatmap for two dimensions. No Streamlit and no SQL in here.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from onefunnel.charts import NEUTRAL, projector_layout, team_color
from onefunnel.formats import fmt_days, fmt_hours, fmt_int, fmt_money, fmt_pct, fmt_ratio

FORMAT_TEXT = {"int": fmt_int, "money": fmt_money, "pct": fmt_pct, "hours": fmt_hours, "days": fmt_days,
               "ratio": fmt_ratio}
MAX_GROUPS = 8          # more column values than this: a heatmap instead of grouped bars
PALETTE = ["#1971c2", "#e8590c", "#2f9e44", "#7048e8", "#c2255c", "#0c8599", "#f08c00", "#495057"]


def chart_kind(row_is_time: bool, col_is_time: bool | None, n_columns: int = 0) -> str:
    """bar | line | grouped | heatmap. col_is_time None: no column dimension."""
    if col_is_time is None:
        return "line" if row_is_time else "bar"
    if row_is_time or col_is_time:
        return "line"
    return "grouped" if n_columns <= MAX_GROUPS else "heatmap"


def explore_chart(df: pd.DataFrame, measure: str, label: str, fmt: str, owner: str | None,
                  row_is_time: bool, col_is_time: bool | None = None) -> go.Figure:
    """`df`: columns value (rows), value_2 (columns, when there is a second dimension) and `measure`, in the
    order to draw. Time values are text labels that sort in time order (2026-07, 2026-W38, 2026-07-01)."""
    text = FORMAT_TEXT[fmt]
    color = team_color(owner) if owner else NEUTRAL
    two = col_is_time is not None
    kind = chart_kind(row_is_time, col_is_time, df["value_2"].nunique() if two else 0)
    fig = go.Figure()
    y = df[measure].astype(float)
    if kind == "bar":
        fig.add_trace(go.Bar(x=df["value"], y=y, marker_color=color, name=label,
                             text=[text(v) for v in df[measure]], textposition="outside", cliponaxis=False,
                             hovertemplate="%{x}: %{text}<extra></extra>"))
    elif kind == "line" and not two:
        fig.add_trace(go.Scatter(x=df["value"], y=y, mode="lines+markers", line={"color": color, "width": 3},
                                 name=label, text=[text(v) for v in df[measure]],
                                 hovertemplate="%{x}: %{text}<extra></extra>"))
    elif kind == "line":
        # the time grain on the x axis, a line per value of the other dimension
        time_col, other = ("value", "value_2") if row_is_time else ("value_2", "value")
        for i, (name, part) in enumerate(df.groupby(other, sort=False)):
            part = part.sort_values(time_col)
            fig.add_trace(go.Scatter(x=part[time_col], y=part[measure].astype(float), mode="lines+markers",
                                     name=str(name), line={"color": PALETTE[i % len(PALETTE)], "width": 3},
                                     text=[text(v) for v in part[measure]],
                                     hovertemplate=f"{name} · %{{x}}: %{{text}}<extra></extra>"))
        fig.update_xaxes(categoryorder="category ascending")
    elif kind == "grouped":
        for i, (name, part) in enumerate(df.groupby("value_2", sort=False)):
            fig.add_trace(go.Bar(x=part["value"], y=part[measure].astype(float), name=str(name),
                                 marker_color=PALETTE[i % len(PALETTE)], text=[text(v) for v in part[measure]],
                                 hovertemplate=f"%{{x}} · {name}: %{{text}}<extra></extra>"))
        fig.update_layout(barmode="group")
        fig.update_xaxes(categoryorder="array", categoryarray=list(dict.fromkeys(df["value"])))   # the table's order
    else:
        grid = df.pivot(index="value", columns="value_2", values=measure)
        grid = grid.reindex(index=list(dict.fromkeys(df["value"])), columns=list(dict.fromkeys(df["value_2"])))
        fig.add_trace(go.Heatmap(z=grid.astype(float).values, x=[str(c) for c in grid.columns],
                                 y=[str(r) for r in grid.index], colorscale="Blues", hoverongaps=False,
                                 colorbar={"title": {"text": label}},
                                 text=[[text(v) if not pd.isna(v) else "" for v in row] for row in grid.values],
                                 texttemplate="%{text}",
                                 hovertemplate="%{y} · %{x}: %{text}<extra></extra>"))
        fig.update_yaxes(autorange="reversed")
    if kind != "heatmap":     # the measure on the y axis (a heatmap's colour bar names it)
        fig.update_yaxes(title_text=label, tickformat=".0%" if fmt == "pct" else None,
                         tickprefix="$" if fmt == "money" else None)
    if kind in ("bar", "grouped"):
        fig.update_yaxes(rangemode="tozero")
    rows = df["value"].nunique()
    height = 160 + 28 * rows if kind == "heatmap" else 440
    return projector_layout(fig, height=min(height, 900), legend=two and kind != "heatmap")
