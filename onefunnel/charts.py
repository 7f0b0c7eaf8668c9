"""Plotly figure builders for the Leadership pages, and the shared projector theme.

Every chart on every page goes through `projector_layout(fig)`: large type, a white
background, few grid lines, a horizontal legend on top; so it reads on a big screen.
Team colours come from `ui.TEAM_COLORS` through `team_color()`: marketing is always the
same purple, sales the same teal, shared (both teams) the same orange.
Figures are pure functions of DataFrames / numbers: no Streamlit and no SQL in here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import threading
from collections import OrderedDict

import pandas as pd
import plotly.graph_objects as go

from onefunnel.formats import fmt_money

# Defined here too (same values as ui.TEAM_COLORS) so figure builders need no Streamlit import.
TEAM_COLORS = {"marketing": "#7048e8", "sales": "#0c8599", "shared": "#e8590c"}
# Categories with no team (channels, rejection reasons): Okabe & Ito's colour-blind-safe set without its
# yellow (unreadable on white) and sky blue (too near blue), plus olive and wine; every pair stays clearly
# apart (tests/test_chart_colors.py).
CATEGORICAL = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#7F6000", "#882255", "#000000"]
NEUTRAL = "#868e96"
MUTED = "#dee2e6"
GOAL_COLOR = "#495057"
FONT_FAMILY = "Inter, 'Source Sans Pro', 'Segoe UI', Helvetica, Arial, sans-serif"
BASE_FONT = 18      # projector: readable from the back of the room
TITLE_FONT = 22


def team_color(team: str | None) -> str:
    """The accent colour of a team (marketing | sales | shared); neutral grey otherwise."""
    return TEAM_COLORS.get((team or "").lower(), NEUTRAL)


def with_alpha(hex_color: str, alpha: float) -> str:
    """'#rrggbb' -> 'rgba(r,g,b,alpha)' (bands, muted bars)."""
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def projector_layout(fig: go.Figure, height: int | None = 420, title: str | None = None,
                     legend: bool = True) -> go.Figure:
    """Apply the shared big-screen theme to a figure (in place) and return it.

    Large type, white background, light horizontal grid only, legend on top, no mode bar
    clutter is left to `st.plotly_chart(..., config=PLOTLY_CONFIG, theme=None)`."""
    fig.update_layout(
        template="plotly_white",
        font={"family": FONT_FAMILY, "size": BASE_FONT, "color": "#212529"},
        title={"text": title, "font": {"size": TITLE_FONT}, "x": 0, "xanchor": "left"} if title else None,
        margin={"l": 10, "r": 10, "t": 60 if title else 30, "b": 10},
        height=height,
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0,
                "font": {"size": BASE_FONT - 2}},
        hoverlabel={"font": {"size": BASE_FONT - 2, "family": FONT_FAMILY}},
        plot_bgcolor="white",
        paper_bgcolor="white",
        separators=".,",
    )
    fig.update_xaxes(showgrid=False, tickfont={"size": BASE_FONT - 2}, title_font={"size": BASE_FONT - 2},
                     linecolor=MUTED, automargin=True)
    fig.update_yaxes(gridcolor="#f1f3f5", tickfont={"size": BASE_FONT - 2}, title_font={"size": BASE_FONT - 2},
                     zeroline=False, automargin=True)
    return fig


# Pass to st.plotly_chart(config=...): no logo, a lean mode bar, a PNG download at projector size.
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
                 "toImageButtonOptions": {"format": "png", "scale": 2}}


money_short = fmt_money   # chart labels use the pages' money format

# Axis labels as the pages write numbers: $1.5B, $1.2M, 250k, 0.5. d3's "~s" would write $1.5G and 500m.
MONEY_TICKS = {"tickprefix": "$", "exponentformat": "B"}   # Plotly: its own labels, B (not G) for billions
_SHORT = (("1e9", "B"), ("1e6", "M"), ("1e3", "k"))


def vega_axis_labels(kind: str) -> dict:
    """A Vega-Lite axis's label format for a measure's format (pct, money, int, hours ...): percentages as 40%,
    other numbers shortened like fmt_money, with a $ for money (a labelExpr: d3 has no B for billions)."""
    if kind in ("pct", "share"):
        return {"format": ".0%"}
    a = "abs(datum.value)"
    steps = "".join(f"{a} >= {div} ? format({a} / {div}, '.3~r') + '{suffix}' : " for div, suffix in _SHORT)
    sign = "(datum.value < 0 ? '-' : '')" + (" + '$'" if kind == "money" else "")
    return {"labelExpr": f"{sign} + ({steps}format({a}, '.3~r'))"}


def plotly_axis_labels(kind: str) -> dict:
    """vega_axis_labels for a Plotly axis."""
    if kind in ("pct", "share"):
        return {"tickformat": ".0%"}
    return MONEY_TICKS if kind == "money" else {"exponentformat": "B"}


# ---- joint goal -------------------------------------------------------------------------------------

def pacing_chart(daily: pd.DataFrame, as_of: dt.date, end: dt.date, won_revenue: float,
                 forecast: float | None, best_case: float | None, revenue_goal: float) -> go.Figure:
    """Cumulative won revenue against the cumulative goal line, day by day, and the forecast range.

    `daily`: one row per day of the period with columns day, cum_won_revenue, cum_goal
    (queries/goal_daily_pacing.sql). Won revenue is drawn up to the as-of day (or the last
    day with a win, if later). From the as-of day to the period end a band runs from
    `won_revenue` (nothing more closes) to `best_case` (every open deal closes), with the
    forecast (won + weighted pipeline) as a dashed line inside it."""
    fig = go.Figure()
    days = pd.to_datetime(daily["day"])
    fig.add_trace(go.Scatter(
        x=days, y=daily["cum_goal"], name="Goal (cumulative)", mode="lines",
        line={"color": GOAL_COLOR, "width": 3, "dash": "dot"},
        hovertemplate="%{x|%b %d}: goal to date %{customdata}<extra></extra>",
        customdata=[money_short(v) for v in daily["cum_goal"]]))
    last_win_day = daily.loc[daily["won_revenue"] > 0, "day"].max() if (daily["won_revenue"] > 0).any() else None
    upto = max(pd.Timestamp(as_of), pd.Timestamp(last_win_day)) if last_win_day is not None else pd.Timestamp(as_of)
    actual = daily[days <= upto]
    fig.add_trace(go.Scatter(
        x=pd.to_datetime(actual["day"]), y=actual["cum_won_revenue"], name="Won revenue (cumulative)",
        mode="lines", line={"color": TEAM_COLORS["shared"], "width": 5, "shape": "hv"},
        fill="tozeroy", fillcolor=with_alpha(TEAM_COLORS["shared"], 0.12),
        hovertemplate="%{x|%b %d}: won to date %{customdata}<extra></extra>",
        customdata=[money_short(v) for v in actual["cum_won_revenue"]]))
    if pd.Timestamp(as_of) < pd.Timestamp(end) and forecast is not None:
        x0, x1 = pd.Timestamp(as_of), pd.Timestamp(end)
        low, high = won_revenue, best_case if best_case is not None else forecast
        fig.add_trace(go.Scatter(x=[x0, x1, x1, x0], y=[won_revenue, high, low, won_revenue], fill="toself", mode="lines",
                                 fillcolor=with_alpha(TEAM_COLORS["shared"], 0.15), line={"width": 0},
                                 name="Forecast range", hoverinfo="skip"))
        fig.add_trace(go.Scatter(
            x=[x0, x1], y=[won_revenue, forecast], name="Forecast", mode="lines+markers",
            line={"color": TEAM_COLORS["shared"], "width": 3, "dash": "dash"}, marker={"size": [0, 12]},
            hovertemplate="forecast at period end: %{customdata}<extra></extra>",
            customdata=[money_short(won_revenue), money_short(forecast)]))
        fig.add_annotation(x=x1, y=forecast, text=f"forecast {money_short(forecast)}", showarrow=False,
                           xanchor="right", yanchor="bottom", font={"size": BASE_FONT, "color": TEAM_COLORS["shared"]})
    if revenue_goal:
        fig.add_annotation(x=pd.Timestamp(end), y=revenue_goal, text=f"goal {money_short(revenue_goal)}",
                           showarrow=False, xanchor="right", yanchor="bottom",
                           font={"size": BASE_FONT, "color": GOAL_COLOR})
    fig.add_vline(x=pd.Timestamp(as_of).timestamp() * 1000, line={"color": MUTED, "width": 2})
    fig.update_yaxes(**MONEY_TICKS, rangemode="tozero")
    fig.update_xaxes(tickformat="%b %d")
    return projector_layout(fig, height=440)


def sourcing_chart(rows: list[tuple[str, float, float]]) -> go.Figure:
    """Stacked horizontal bars: for each measure (label, marketing amount, sales amount)
    the marketing-sourced part (marketing colour) and the sales-sourced part (sales colour)."""
    labels = [r[0] for r in rows]
    fig = go.Figure()
    for i, (team, name) in enumerate((("marketing", "Marketing-sourced"), ("sales", "Sales-sourced"))):
        vals = [r[1 + i] for r in rows]
        fig.add_trace(go.Bar(y=labels, x=vals, name=name, orientation="h", marker_color=team_color(team),
                             text=[money_short(v) for v in vals], textposition="inside",
                             insidetextanchor="middle", textfont={"size": BASE_FONT, "color": "white"},
                             hovertemplate="%{y}: " + name.lower() + " %{text}<extra></extra>"))
    fig.update_layout(barmode="stack", bargap=0.35, legend_traceorder="normal")
    fig.update_xaxes(**MONEY_TICKS)
    fig.update_yaxes(autorange="reversed")
    return projector_layout(fig, height=90 + 80 * len(rows))


# ---- funnel ------------------------------------------------------------------------------------------

def funnel_chart(stages: pd.DataFrame, measure: str = "count", lens: str = "everyone") -> go.Figure:
    """The one funnel as a horizontal funnel chart, one bar per stage, coloured by owner team.

    `stages`: columns stage, owner (team), count, value, and the named step rate from the stage before
    (step/rate for counts, value_step/value_rate for amounts; from the metrics layer, never computed by
    Plotly). measure 'count' | 'value' (value drops the stages without an amount).
    With a team lens, the other team's stages are drawn muted. Clicking a bar selects
    the stage: read the point's `y` (the stage name) or `point_index`, not `x`."""
    df = stages.copy()
    col = "count" if measure == "count" else "value"
    rate = "rate" if measure == "count" else "value_rate"
    if measure == "value":
        df = df[df["value"].notna()]
    vals = df[col].astype(float).fillna(0).tolist()
    colors = [team_color(o) if lens in ("everyone", o) or o == "shared" else MUTED for o in df["owner"]]
    text = [(money_short(v) if measure == "value" else f"{int(v):,}")
            + ("" if r is None or pd.isna(r) else f" · {r:.0%}") for v, r in zip(vals, df[rate])]
    fig = go.Figure(go.Funnel(
        y=df["stage"].tolist(), x=vals, marker={"color": colors, "line": {"width": 0}},
        textposition="outside", textfont={"size": BASE_FONT, "color": "#212529"}, cliponaxis=False,
        texttemplate="<b>%{customdata}</b>", customdata=text,
        connector={"line": {"color": MUTED, "width": 1}, "fillcolor": "#f8f9fa"},
        hovertemplate="%{y}: %{customdata}<br>click to list the records<extra></extra>",
    ))
    fig.update_yaxes(tickfont={"size": BASE_FONT + 2})
    projector_layout(fig, height=100 + 85 * len(df), legend=False)
    fig.update_layout(margin={"r": 190})      # room for the outside labels of the widest bar
    return fig


def stage_times_chart(times: pd.DataFrame) -> go.Figure:
    """Median days per step as bars (owner team's colour) with the 90th percentile as a tick mark
    (columns step, owner, median_days, p90_days); the numbers are written to the right."""
    fig = go.Figure()
    fig.add_trace(go.Bar(y=times["step"], x=times["median_days"], name="Median", orientation="h",
                         marker_color=[team_color(o) for o in times["owner"]],
                         customdata=[_days(v) for v in times["median_days"]],
                         hovertemplate="%{y}: median %{customdata}<extra></extra>"))
    fig.add_trace(go.Scatter(y=times["step"], x=times["p90_days"], name="90th percentile", mode="markers",
                             marker={"symbol": "line-ns", "size": 30, "line": {"width": 4, "color": GOAL_COLOR}},
                             customdata=[_days(v) for v in times["p90_days"]],
                             hovertemplate="%{y}: 90th percentile %{customdata}<extra></extra>"))
    top = pd.concat([times["median_days"], times["p90_days"]]).max()
    top = float(top) if pd.notna(top) and top > 0 else 1.0
    for r in times.itertuples():
        right = max(x for x in (r.median_days, r.p90_days, 0) if pd.notna(x))
        fig.add_annotation(y=r.step, x=right + top * 0.03, xanchor="left", showarrow=False,
                           text=f"{_days(r.median_days)} · p90 {_days(r.p90_days)}", font={"size": BASE_FONT - 2})
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text="days", range=[0, top * 1.7])
    return projector_layout(fig, height=110 + 70 * len(times))


def _days(x) -> str:
    if x is None or pd.isna(x):
        return "–"
    return f"{x:.0f} d" if x >= 10 else f"{x:.1f} d"


def result_chart(df: pd.DataFrame, x: str, y: str, limit: int = 200) -> go.Figure:
    """The SQL console's chart: column y over column x as bars, the first `limit` rows in the result's order."""
    rows = df.head(limit)
    fig = go.Figure(go.Bar(x=rows[x].astype(str), y=rows[y], marker_color=NEUTRAL,
                           hovertemplate=f"{x}: %{{x}}<br>{y}: %{{y}}<extra></extra>"))
    projector_layout(fig, height=380, legend=False)
    fig.update_xaxes(title_text=x, type="category")
    fig.update_yaxes(title_text=y)
    return fig


# ---- figures built once -------------------------------------------------------------------------------------------
_FIGURES: "OrderedDict[tuple, go.Figure]" = OrderedDict()
_FIGURES_LOCK = threading.Lock()
_FIGURES_KEPT = 128


def shared_figure(build, *args, **kw) -> go.Figure:
    """build(*args, **kw), made once for the same inputs and shared by every run and session that draws it:
    Plotly validates every property it sets, so a chart of a few bars costs 10-60 ms to build, and a warm page
    builds five. The key is the builder and an exact digest of its pickled inputs. Draw the figure; never
    change it (pages pass builders to ui.chart, which draws it)."""
    try:
        digest = hashlib.blake2b(pickle.dumps((args, sorted(kw.items())), protocol=5), digest_size=20).digest()
    except (pickle.PicklingError, TypeError, AttributeError):
        return build(*args, **kw)
    key = (build.__module__, build.__qualname__, digest)
    with _FIGURES_LOCK:
        if key in _FIGURES:
            _FIGURES.move_to_end(key)
            return _FIGURES[key]
    fig = build(*args, **kw)
    with _FIGURES_LOCK:
        _FIGURES[key] = fig
        while len(_FIGURES) > _FIGURES_KEPT:
            _FIGURES.popitem(last=False)
    return fig
