"""The Attribution page's four charts as Vega-Lite (data, spec), onefunnel/charts_credit.py: the rows each chart
draws (top-N rules, order), the models' fixed colours and labels, the axis formats and the tooltips, worked out
by hand on small frames; then the builders on the hand-worked journeys' real query results
(tests/test_attribution_journeys.py)."""

import json

import pandas as pd
import pytest

from onefunnel import charts_credit as cc
from onefunnel.charts import CATEGORICAL
from tests.test_attribution_journeys import END, START, journeys, q  # noqa: F401  (journeys: a fixture)

LABELS = ["First touch", "Last touch", "Linear", "U-shaped", "Time decay"]
COLORS = ["#1971c2", "#c2255c", "#495057", "#2f9e44", "#f59f00"]


def by_channel(rows: dict[str, list[float]], won: float = 1000.0) -> pd.DataFrame:
    """attribution_credit_by_channel's columns: channel, the five models' credits and their shares of `won`."""
    df = pd.DataFrame([{"channel": c, **dict(zip(cc.MODELS, v))} for c, v in rows.items()])
    for m in cc.MODELS:
        df[f"{m}_share"] = df[m] / won
    return df


def fields(spec) -> set[str]:
    """Every field an encoding of the spec (its layers too) reads."""
    found = set()
    if isinstance(spec, dict):
        for k, v in spec.items():
            if k == "field" and isinstance(v, str):
                found.add(v)
            elif k not in ("transform", "data"):
                found |= fields(v)
    elif isinstance(spec, list):
        for v in spec:
            found |= fields(v)
    return found


def made(spec) -> set[str]:
    """Fields the spec's transforms make (aggregate 'as')."""
    return {a["as"] for layer in [spec, *spec.get("layer", [])] for t in layer.get("transform", [])
            for a in t.get("aggregate", [])}


def check_fields(data: pd.DataFrame, spec: dict) -> None:
    missing = fields(spec) - set(data.columns) - made(spec)
    assert not missing, missing
    json.dumps(spec)                                # plain JSON, as Streamlit sends it


def test_the_spec_helper_finds_a_missing_field():
    with pytest.raises(AssertionError):
        check_fields(pd.DataFrame({"a": [1]}), {"encoding": {"x": {"field": "b"}}})


# ---- five models side by side ----------------------------------------------------------------------

def test_models_side_by_side_keeps_the_top_rows_by_linear_credit_and_none_last():
    # linear credit: B 900 = C 900 (tie: by name) > A 500 > D 100; top 3 drops D; (none) stays, last
    df = by_channel({"A": [100, 200, 500, 300, 400], "B": [900, 0, 900, 450, 300], "C": [0, 900, 900, 450, 600],
                     "D": [0, 0, 100, 0, 0], "(none)": [300] * 5})
    data, spec = cc.models_side_by_side(df, "channel", top=3)
    check_fields(data, spec)
    enc = spec["encoding"]
    assert enc["y"]["sort"] == ["B", "C", "A", "(none)"]
    assert list(data["channel"]) == [c for c in ["B", "C", "A", "(none)"] for _ in range(5)]
    assert list(data["model_label"][:5]) == LABELS
    b = data[data["channel"] == "B"]
    assert list(b["credit"]) == [900, 0, 900, 450, 300]
    assert list(b["credit_text"]) == ["$900", "$0", "$900", "$450", "$300"]
    assert list(b["share"]) == pytest.approx([0.9, 0.0, 0.9, 0.45, 0.3])
    # one bar per model inside the group, in the models' order and colours, the legend on top
    assert enc["yOffset"]["field"] == "model_label" and enc["yOffset"]["sort"] == LABELS
    assert enc["color"]["scale"] == {"domain": LABELS, "range": COLORS}
    assert enc["color"]["legend"]["orient"] == "top"
    assert enc["x"]["field"] == "credit" and "labelExpr" in enc["x"]["axis"]   # $0, $5k, $1.5B (not $1.5G)
    tips = {t["field"]: t for t in enc["tooltip"]}
    assert set(tips) == {"channel", "model_label", "credit_text", "share"} and tips["share"]["format"] == ".0%"


def test_models_side_by_side_by_campaign():
    df = by_channel({f"c{i}": [i] * 5 for i in range(15)}).rename(columns={"channel": "campaign"})
    data, spec = cc.models_side_by_side(df, "campaign", top=12)
    check_fields(data, spec)
    assert spec["encoding"]["y"]["sort"] == [f"c{i}" for i in range(14, 2, -1)]
    assert len(data) == 12 * 5 and spec["encoding"]["tooltip"][0] == {"field": "campaign", "title": "Campaign"}


# ---- where the models disagree ------------------------------------------------------------------------

def test_disagreement_chart_rows_ranges_and_dots():
    # spreads of the shares: X 0.5 - 0.1 = 0.4, Z 0.45 - 0.2 = 0.25, Y 0.3 - 0.2 = 0.1; top 2 keeps X, Z;
    # '(none)' is never drawn (the same under every model)
    df = by_channel({"X": [500, 100, 300, 300, 200], "Y": [200, 300, 200, 200, 200],
                     "Z": [450, 200, 300, 300, 300], "(none)": [900] * 5})
    data, spec = cc.disagreement_chart(df, top=2)
    check_fields(data, spec)
    assert spec["encoding"]["y"]["sort"] == ["X", "Z"]
    assert list(data["channel"]) == ["X"] * 5 + ["Z"] * 5
    assert list(data["share"]) == pytest.approx([0.5, 0.1, 0.3, 0.3, 0.2, 0.45, 0.2, 0.3, 0.3, 0.3])
    band, dots = spec["layer"]
    # the grey band runs from each channel's lowest share to its highest
    agg = band["transform"][0]
    assert agg["groupby"] == ["channel"]
    assert {(a["op"], a["field"], a["as"]) for a in agg["aggregate"]} == {("min", "share", "lo"), ("max", "share", "hi")}
    assert band["encoding"]["x"]["field"] == "lo" and band["encoding"]["x2"]["field"] == "hi"
    assert data.groupby("channel")["share"].agg(["min", "max"]).loc["X"].tolist() == pytest.approx([0.1, 0.5])
    assert dots["encoding"]["color"]["scale"] == {"domain": LABELS, "range": COLORS}
    assert band["encoding"]["x"]["axis"]["format"] == dots["encoding"]["x"]["axis"]["format"] == ".0%"
    assert {t["field"]: t.get("format") for t in dots["encoding"]["tooltip"]} == {
        "channel": None, "model_label": None, "share": ".0%"}


# ---- credit by month ------------------------------------------------------------------------------------

def test_credit_by_month_keeps_the_top_channels_and_every_month():
    # totals: A 700, B 500, C 120, D 80; top 2 -> A, B; C + D -> Other channels; no credit in February
    rows = [("2026-01-01", "A", 300), ("2026-01-01", "C", 100), ("2026-01-01", "(none)", 50),
            ("2026-03-01", "A", 400), ("2026-03-01", "B", 500), ("2026-03-01", "C", 20), ("2026-03-01", "D", 80)]
    df = pd.DataFrame(rows, columns=["month", "channel", "credit"])
    data, spec = cc.credit_by_month_chart(df, "u_shaped", top=2)
    check_fields(data, spec)
    got = {(m, s): c for m, s, c in zip(data["month"], data["series"], data["credit"])}
    assert got == {("Jan 2026", "A"): 300, ("Jan 2026", "Other channels"): 100, ("Jan 2026", "(none)"): 50,
                   ("Mar 2026", "A"): 400, ("Mar 2026", "B"): 500, ("Mar 2026", "Other channels"): 100}
    enc = spec["encoding"]
    assert enc["x"]["scale"]["domain"] == ["Jan 2026", "Feb 2026", "Mar 2026"]      # the empty month too
    order = ["A", "B", "Other channels", "(none)"]
    assert enc["color"]["scale"] == {"domain": order, "range": [CATEGORICAL[0], CATEGORICAL[1], "#adb5bd", "#dee2e6"]}
    # the largest channel at the bottom of each stack, '(none)' on top
    assert [order[i] for i in data.sort_values(["month", "stack"])["stack"][:3]] == ["A", "Other channels", "(none)"]
    assert enc["order"]["field"] == "stack"
    assert "labelExpr" in enc["y"]["axis"] and enc["y"]["title"] == "credited (U-shaped)"
    assert "$500" in set(data["credit_text"]) and [t["field"] for t in enc["tooltip"]] == ["month", "series",
                                                                                           "credit_text"]


# ---- a deal's touch path ---------------------------------------------------------------------------------

def _path() -> pd.DataFrame:
    """Three counted touches (linear 500 / 250 / 250 of 1000) and one after the opportunity (Jan 08 00:00)."""
    t = pd.to_datetime(["2026-01-01 00:00", "2026-01-06 00:00", "2026-01-07 12:00", "2026-01-11 00:00"])
    return pd.DataFrame({"seq": [1, 2, 3, 4], "touched_at": t, "channel": ["Events", "Email", "Email", "Webinar"],
                         "campaign": ["roundtable", "nurture", "promo", "late"], "counts": [True, True, True, False],
                         "amount": 1000.0, "opp_created_at": pd.Timestamp("2026-01-08 00:00"),
                         **{m: [500.0, 250.0, 250.0, None] for m in cc.MODELS}})


def ms(s: str) -> float:
    return pd.Timestamp(s).value / 1e6


def test_deal_path_rows_sizes_and_the_opportunity_line():
    data, spec = cc.deal_path_chart(_path(), "linear")
    check_fields(data, spec)
    assert list(data["row"]) == ["1 · Events / roundtable", "2 · Email / nurture", "3 · Email / promo",
                                 "4 · Webinar / late"]
    assert list(data["kind"]) == ["credit", "credit", "credit", "after"]
    assert list(data["t"]) == [ms("2026-01-01"), ms("2026-01-06"), ms("2026-01-07 12:00"), ms("2026-01-11")]
    assert list(data["credit_text"][:3]) == ["$500", "$250", "$250"]
    assert list(data["d"]) == pytest.approx([14 + 46 * 0.5, 14 + 46 * 0.25, 14 + 46 * 0.25, 14])
    layers = spec["layer"]
    rule, label, dots = layers[0], layers[1], layers[2]
    created = {"year": 2026, "month": 1, "date": 8, "hours": 0, "minutes": 0, "seconds": 0, "milliseconds": 0,
               "utc": True}
    assert rule["mark"]["type"] == "rule" and rule["encoding"]["x"]["datum"] == created
    assert label["mark"]["text"] == "opportunity created" and label["encoding"]["x"]["datum"] == created
    assert dots["mark"]["color"] == cc.MODEL_COLORS["linear"] and dots["transform"] == [
        {"filter": {"field": "kind", "equal": "credit"}}]
    assert dots["encoding"]["y"]["sort"] == list(data["row"])             # path order, the first touch on top
    # span Jan 01 - Jan 11 = 10 days, pad 12% = 28.8 h: from 57.6 h before the first touch to 28.8 h after the last
    x = dots["encoding"]["x"]
    assert x["scale"]["type"] == "utc" and x["scale"]["domain"] == [
        {"year": 2025, "month": 12, "date": 29, "hours": 14, "minutes": 24, "seconds": 0, "milliseconds": 0,
         "utc": True},
        {"year": 2026, "month": 1, "date": 12, "hours": 4, "minutes": 48, "seconds": 0, "milliseconds": 0,
         "utc": True}]
    assert x["axis"]["format"] == "%b %d, %Y"
    texts = [lay["mark"].get("text") for lay in layers]
    assert "no credit" in texts


def test_deal_path_under_another_model_and_a_short_path():
    p = _path()
    p["touched_at"] = pd.to_datetime(["2026-01-07 08:00", "2026-01-07 09:00", "2026-01-07 10:00", "2026-01-08 06:00"])
    p["first_touch"] = [1000.0, 0.0, 0.0, None]
    data, spec = cc.deal_path_chart(p, "first_touch")
    assert list(data["credit_text"][:3]) == ["$1.0k", "$0", "$0"]
    assert list(data["d"][:3]) == pytest.approx([60, 14, 14])
    dots = spec["layer"][2]
    assert dots["mark"]["color"] == cc.MODEL_COLORS["first_touch"]
    assert dots["encoding"]["x"]["axis"]["format"] == "%b %d %H:%M"    # under 3 days: hours on the axis


def test_deal_path_without_touches_draws_nothing():
    p = _path().assign(touched_at=pd.NaT)
    data, spec = cc.deal_path_chart(p, "linear")
    assert data.empty and "layer" not in spec


# ---- on the hand-worked journeys' query results ---------------------------------------------------------

def test_the_builders_on_the_journeys(journeys):  # noqa: F811
    ch = q(journeys, "attribution_credit_by_channel", start=START, end=END)
    data, spec = cc.models_side_by_side(ch, "channel", top=3)
    check_fields(data, spec)
    # linear: Email 6750, then Events / Organic Search / Paid Social 3750 each (by name); (none) last
    assert spec["encoding"]["y"]["sort"] == ["Email", "Events", "Organic Search", "(none)"]
    data, spec = cc.disagreement_chart(ch)
    check_fields(data, spec)
    assert spec["encoding"]["y"]["sort"][:2] == ["Events", "Organic Search"]        # 68 points apart each
    month = q(journeys, "attribution_credit_by_month", start="2026-05-01", end=END, model="linear")
    data, spec = cc.credit_by_month_chart(month, "linear")
    check_fields(data, spec)
    assert spec["encoding"]["x"]["scale"]["domain"] == ["May 2026", "Jun 2026"]
    assert data.loc[data["month"] == "May 2026", "credit"].tolist() == pytest.approx([4444])
    # J3: four counted touches (3750 each under linear), the webinar one minute after the opportunity
    path = q(journeys, "attribution_deal_path", opp_key="template:J3")
    data, spec = cc.deal_path_chart(path, "linear")
    check_fields(data, spec)
    assert list(data["kind"]) == ["credit"] * 4 + ["after"]
    assert list(data["credit_text"][:4]) == ["$3.8k"] * 4
    assert data["row"].iloc[-1] == "5 · Webinar / late_webinar"
    assert spec["layer"][0]["encoding"]["x"]["datum"] == {"year": 2026, "month": 5, "date": 1, "hours": 0,
                                                          "minutes": 0, "seconds": 0, "milliseconds": 0,
                                                          "utc": True}
