"""The Joint goal page's Vega-Lite charts (onefunnel/charts_goal.py) from small hand-written frames: the rows each
chart draws and the encodings, worked out by hand; every spec is valid Vega-Lite (the schema Altair ships)."""

import datetime as dt
import json
from pathlib import Path

import altair
import jsonschema
import pandas as pd
import pytest

from onefunnel import charts_goal
from onefunnel.charts_goal import pacing_chart, sourcing_chart

# A 10-day period, Jul 1 - Jul 10 2026, a goal of 30 a day (300 in all), as of Jul 5. Wins: 100 on Jul 2, 50 on Jul 4.
DAYS = [dt.date(2026, 7, d) for d in range(1, 11)]
WON_PER_DAY = [0, 100, 0, 50, 0, 0, 0, 0, 0, 0]


def _daily(won=WON_PER_DAY) -> pd.DataFrame:
    cum, total = [], 0
    for w in won:
        total += w
        cum.append(total)
    return pd.DataFrame({"day": DAYS, "won_revenue": won, "cum_won_revenue": cum,
                         "cum_goal": [30.0 * (i + 1) for i in range(10)]})


def _ms(m, d) -> float:
    """Midnight of a day of 2026, UTC, in ms since the epoch."""
    return dt.datetime(2026, m, d, tzinfo=dt.timezone.utc).timestamp() * 1000


def _series(data, name):
    return data[data["series"] == name]


@pytest.fixture(scope="module")
def validator():
    schema = json.loads((Path(altair.__file__).parent / "vegalite/v6/schema/vega-lite-schema.json").read_text())
    return jsonschema.Draft7Validator(schema)


def _valid(validator, data, spec):
    errors = [e.message[:200] for e in validator.iter_errors({**spec, "data": {"values": data.to_dict("records")}})]
    assert not errors, errors


def test_pacing_draws_the_cumulative_series_the_range_and_the_notes(validator):
    # won so far 150; forecast 150 + weighted 60 = 210; best case 150 + open 250 = 400; goal 300
    data, spec = pacing_chart(_daily(), dt.date(2026, 7, 5), dt.date(2026, 7, 10), 150.0, 210.0, 400.0, 300.0)
    goal = _series(data, "Goal (cumulative)")
    assert goal["value"].tolist() == [30, 60, 90, 120, 150, 180, 210, 240, 270, 300]
    assert goal["t"].tolist() == [_ms(7, d) for d in range(1, 11)]          # each day's midnight, UTC
    assert goal["day"].iloc[0] == "Jul 01, 2026" and goal["value_text"].iloc[-1] == "$300"
    won = _series(data, "Won revenue (cumulative)")     # Jul 1 .. Jul 5 (the as-of day): 0, 100, 100, 150, 150
    assert won["value"].tolist() == [0, 100, 100, 150, 150]
    assert won["t"].iloc[-1] == _ms(7, 5)
    band = _series(data, "Forecast range")             # from won (150) at Jul 5 to 150..400 at Jul 10
    assert band["t"].tolist() == [_ms(7, 5), _ms(7, 10)]
    assert band["value"].tolist() == [150, 400] and band["low"].tolist() == [150, 150]
    forecast = _series(data, "Forecast")
    assert forecast["value"].tolist() == [150, 210] and forecast["t"].tolist() == [_ms(7, 5), _ms(7, 10)]
    assert sorted(data["note"].dropna()) == ["forecast $210", "goal $300"]
    assert _series(data, "goal")[["t", "value"]].values.tolist() == [[_ms(7, 10), 300]]
    assert _series(data, "as of")["t"].tolist() == [_ms(7, 5)]     # the as-of day's rule

    layers = spec["layer"]
    colored = [lay["encoding"]["color"] for lay in layers if "field" in lay["encoding"].get("color", {})]
    assert colored and all(c == colored[0] for c in colored)       # one scale: one legend
    color = colored[0]
    # goal grey, won and forecast the shared (orange) colour, the range that orange at 20% over white:
    # e8 59 0c -> 0.2 x (232, 89, 12) + 0.8 x 255 = (250.4, 221.8, 206.4) -> fa de ce
    assert dict(zip(color["scale"]["domain"], color["scale"]["range"])) == {
        "Goal (cumulative)": "#495057", "Won revenue (cumulative)": "#e8590c", "Forecast range": "#fadece",
        "Forecast": "#e8590c"}
    assert color["legend"]["orient"] == "top"
    line = next(lay for lay in layers if lay["mark"]["type"] == "line")          # the goal and the forecast
    dashes = line["encoding"]["strokeDash"]["scale"]
    assert dict(zip(dashes["domain"], dashes["range"]))["Won revenue (cumulative)"] == [1, 0]     # solid
    assert dict(zip(dashes["domain"], dashes["range"]))["Forecast"] != [1, 0]                    # dashed
    assert line["encoding"]["y"]["axis"]["format"] == "$~s"
    assert line["encoding"]["x"]["axis"]["format"] == "%b %d" and line["encoding"]["x"]["scale"]["type"] == "utc"
    # won revenue as steps (a day's wins count from that day on), its line and the fill below it; nothing else
    steps = [(lay["mark"]["type"], lay["transform"][0]["filter"]["oneOf"]) for lay in layers
             if lay["mark"].get("interpolate") == "step-after"]
    assert sorted(steps) == [("area", ["Won revenue (cumulative)"]), ("line", ["Won revenue (cumulative)"])]
    tips = [lay for lay in layers if "tooltip" in lay["encoding"]]
    assert [t["field"] for t in tips[0]["encoding"]["tooltip"]] == ["day", "series", "value_text"]
    _valid(validator, data, spec)


def test_pacing_after_the_period_has_no_range_and_draws_won_to_the_last_win(validator):
    # as of Jul 10 = the period's end: no forecast range, no forecast; no goal set: no goal note
    data, spec = pacing_chart(_daily(), dt.date(2026, 7, 10), dt.date(2026, 7, 10), 150.0, 210.0, 400.0, 0.0)
    assert set(data["series"]) == {"Goal (cumulative)", "Won revenue (cumulative)", "as of"}
    assert len(_series(data, "Won revenue (cumulative)")) == 10
    assert data["note"].isna().all()
    color = next(lay["encoding"]["color"] for lay in spec["layer"] if "field" in lay["encoding"].get("color", {}))
    assert color["scale"]["domain"] == ["Goal (cumulative)", "Won revenue (cumulative)"]   # the legend: what is drawn
    _valid(validator, data, spec)
    # a win dated after the as-of day (Jul 7, 25): won is drawn to that day, not cut at Jul 5
    late = WON_PER_DAY[:6] + [25, 0, 0, 0]
    data, _ = pacing_chart(_daily(late), dt.date(2026, 7, 5), dt.date(2026, 7, 10), 150.0, None, None, 300.0)
    assert _series(data, "Won revenue (cumulative)")["value"].tolist() == [0, 100, 100, 150, 150, 150, 175]
    assert _series(data, "Forecast").empty and _series(data, "Forecast range").empty     # no forecast: no range


def test_sourcing_stacks_marketing_then_sales_in_team_colours(validator):
    data, spec = sourcing_chart([("Won revenue", 20000.0, 15000.0), ("Pipeline created", 58000.0, 0.0)])
    assert data[["measure", "series", "amount", "x0", "x1"]].values.tolist() == [
        ["Won revenue", "Marketing-sourced", 20000, 0, 20000],
        ["Won revenue", "Sales-sourced", 15000, 20000, 35000],          # starts where marketing's part ends
        ["Pipeline created", "Marketing-sourced", 58000, 0, 58000],
        ["Pipeline created", "Sales-sourced", 0, 58000, 58000]]
    assert data["amount_text"].tolist() == ["$20.0k", "$15.0k", "$58.0k", "$0"]
    bars, labels = spec["layer"]
    color = bars["encoding"]["color"]
    assert dict(zip(color["scale"]["domain"], color["scale"]["range"])) == {
        "Marketing-sourced": "#7048e8", "Sales-sourced": "#0c8599"}
    assert color["legend"]["orient"] == "top"
    assert bars["encoding"]["y"]["sort"] == ["Won revenue", "Pipeline created"]      # the order given, top down
    assert bars["encoding"]["x"]["axis"]["format"] == "$~s"
    assert {"filter": "datum.amount > 0"} in labels["transform"]                       # a $0 part gets no label
    _valid(validator, data, spec)


def test_the_schema_check_catches_a_broken_spec(validator):
    data, spec = sourcing_chart([("Won revenue", 1.0, 2.0)])
    with pytest.raises(AssertionError):
        _valid(validator, data, {**spec, "layer": [{"mark": {"type": "bars"}}]})


def test_the_page_draws_no_plotly_goal_chart():
    """The Plotly builders are gone (nothing else used them); the page uses the Vega-Lite ones."""
    from onefunnel import charts

    assert not hasattr(charts, "pacing_chart") and not hasattr(charts, "sourcing_chart")
    page = (Path(__file__).resolve().parent.parent / "pages" / "goal.py").read_text()
    assert "charts_goal.pacing_chart" in page and "charts_goal.sourcing_chart" in page
    assert charts_goal.SERIES == ["Goal (cumulative)", "Won revenue (cumulative)", "Forecast range", "Forecast"]
