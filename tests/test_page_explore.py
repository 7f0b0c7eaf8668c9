"""AppTest of the Explore page on the teams fixture (tests/fixtures/teams/README.md), period 2026-06-01 ..
2026-09-30: the pivot shows the numbers of `python -m onefunnel metrics --by`, two dimensions add up to one,
a filter keeps what it says, and the link shown reopens the same view.
"""

import json
import math
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, shown, run_cli
from tests.test_team_queries import load_teams_fixture

PERIOD = {"period": "Custom", "start": "2026-06-01", "end": "2026-09-30"}
MEASURES = {"won_revenue": "Won revenue", "win_rate": "Win rate", "leads_created": "Leads",
            "mql_to_sql_rate": "MQL → SQL", "opps_created": "Opportunities", "pipeline_created": "Pipeline created",
            "lost_deals": "Lost deals"}


@pytest.fixture
def teams(app_env):
    load_teams_fixture(app_env)
    return app_env


def _explore(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in {**PERIOD, **query}.items():
        at.query_params[k] = v
    at.run()
    at.switch_page("pages/explore.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _table(at):
    return at.dataframe[0].value


def _same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and a == pytest.approx(b)


@pytest.mark.parametrize("dimension,label", [("channel", "Channel"), ("campaign", "Campaign"), ("owner", "Owner")])
def test_the_pivot_is_metrics_by(teams, dimension, label):
    # the CLI first: the app holds the database file while it runs
    doc = json.loads(run_cli("metrics", "--db", teams, "--start", "2026-06-01", "--end", "2026-09-30",
                             "--by", dimension, "--json").stdout)
    at = _explore(rows=label)
    at.multiselect(key="measures").set_value(list(MEASURES)).run()
    table = _table(at).set_index(label)
    # the page lists a value when any of its measures is non-zero (metrics --by: any count)
    cli = {r["value"]: r for r in doc["by"]["rows"] if any(r[m] for m in MEASURES)}
    assert sorted(table.index) == sorted(cli) and len(cli) > 1
    for value, row in cli.items():
        for key, col in MEASURES.items():
            assert _same(table.loc[value, col], row[key]), (value, key, table.loc[value, col], row[key])


def test_defaults_need_no_typing(teams):
    at = _explore()
    # won revenue and win rate by channel: Paid Search o1 50k won, o2 lost (1/2); Organic Search o3 30k (1/1)
    t = _table(at)
    # the default comparison, the previous four months (Feb - May), has no record: Δ = the value, a rate's empty
    assert t.columns.tolist() == ["Channel", "Won revenue", "Won revenue Δ", "Win rate", "Win rate Δ"]
    assert t[["Channel", "Won revenue", "Won revenue Δ", "Win rate"]].values.tolist() == [
        ["Paid Search", 50000.0, 50000.0, 0.5], ["Organic Search", 30000.0, 30000.0, 1.0]]
    assert t["Win rate Δ"].isna().all()
    assert at.get("plotly_chart")


def test_two_dimensions_add_up_to_the_one_dimension_totals(teams):
    at = _explore(rows="Channel", columns="Month")
    at.multiselect(key="measures").set_value(["leads_created", "won_revenue"]).run()
    grid = _table(at).set_index("Channel")
    months = ["2026-06", "2026-07", "2026-08", "2026-09"]
    assert grid.columns.tolist() == [f"{m} · {x}" for m in ("Leads", "Won revenue") for x in months]
    # Paid Search leads by created month: l10 (06-01); l1, l2 (July); none in August; l6 (09-01)
    assert grid.loc["Paid Search", [f"Leads · {x}" for x in months]].fillna(0).tolist() == [1, 2, 0, 1]
    # Organic Search won o3 30k on 09-05
    assert grid.loc["Organic Search", "Won revenue · 2026-09"] == 30000
    at.selectbox(key="columns").set_value("(none)").run()
    one = _table(at).set_index("Channel")
    for channel in one.index:
        for m in ("Leads", "Won revenue"):
            cells = grid.loc[channel, [f"{m} · {x}" for x in months]].fillna(0)
            assert cells.sum() == one.loc[channel, m], (channel, m)


def test_a_filter_keeps_the_records_with_its_values(teams):
    at = _explore(rows="Owner")
    at.multiselect(key="measures").set_value(["won_revenue", "win_rate", "opps_created"]).run()
    at.multiselect(key="filters").set_value(["channel"]).run()
    assert "Paid Search" in at.multiselect(key="in_channel").options
    at.multiselect(key="in_channel").set_value(["Paid Search", "Organic Search"]).run()
    t = _table(at).set_index("Owner")
    # deals of Paid Search and Organic Search leads created or closed Jun - Sep: Rita's o1 (won 50k), o2 (lost),
    # o3 (won 30k), o5 (open, created 09-01) -> 80k, 2 / 3, 4 created; Norm's o7 (Organic lead l7, created
    # 09-01, open) -> 0, no decided deal, 1 created. o4 (Norm, unlinked) and o6 (Referrals) are filtered out.
    assert sorted(t.index) == ["Norm Never", "Rita Rapid"]
    assert t.loc["Rita Rapid", "Won revenue"] == 80000 and t.loc["Rita Rapid", "Win rate"] == pytest.approx(2 / 3)
    assert t.loc["Rita Rapid", "Opportunities"] == 4
    assert t.loc["Norm Never", "Opportunities"] == 1 and t.loc["Norm Never", "Won revenue"] == 0
    assert math.isnan(t.loc["Norm Never", "Win rate"])
    assert any("channel is Paid Search, Organic Search" in shown(c.value) for c in at.caption)


def test_measures_that_cannot_be_split_are_hidden_and_said_why(teams):
    at = _explore(rows="Deal stage")
    offered = at.multiselect(key="measures").options
    assert "Won revenue" in offered and "Leads" not in offered and "Spend" not in offered
    assert any("measures are hidden" in c.value and "deal stage" in c.value for c in at.caption)


def test_the_link_reopens_the_same_view(teams):
    at = _explore(rows="Owner")
    at.multiselect(key="measures").set_value(["won_revenue", "opps_created"]).run()
    at.selectbox(key="columns").set_value("stage").run()
    at.multiselect(key="filters").set_value(["channel"]).run()
    at.multiselect(key="in_channel").set_value(["Paid Search"]).run()
    before = _table(at)
    link = at.code[-1].value
    assert link.startswith("/explore?")
    query = {}
    for k, v in parse_qsl(urlsplit(link).query):
        query.setdefault(k, []).append(v)
    assert query["measures"] == ["Won revenue", "Opportunities"] and query["in_channel"] == ["Paid Search"]
    again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in query.items():
        again.query_params[k] = v if len(v) > 1 else v[0]
    again.run()
    again.switch_page("pages/explore.py")
    again.run()
    assert not again.exception
    assert _table(again).equals(before)
    # Paid Search deals by stage, all Rita's: o1 Closed Won 50k, o2 Closed Lost, o5 Proposal (created 09-01)
    stages = ["Closed Lost", "Closed Won", "Proposal"]
    assert before.columns.tolist() == ["Owner"] + [f"{m} · {s}" for m in ("Won revenue", "Opportunities") for s in stages]
    assert before.values.tolist() == [["Rita Rapid", 0, 50000, 0, 1, 1, 1]]


def test_a_period_without_records_says_so(teams):
    at = _explore(start="2025-01-01", end="2025-03-31")
    assert any("No records" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_the_chart_follows_the_dimensions():
    import pandas as pd

    from onefunnel.charts_explore import explore_chart

    one = pd.DataFrame({"value": ["Paid Search", "Referrals"], "won_revenue": [50000.0, 0.0]})
    fig = explore_chart(one, "won_revenue", "Won revenue", "money", "shared", row_is_time=False)
    assert [t.type for t in fig.data] == ["bar"] and list(fig.data[0].text) == ["$50.0k", "$0"]
    months = pd.DataFrame({"value": ["2026-07", "2026-08"], "win_rate": [None, 0.5]})
    assert [t.type for t in explore_chart(months, "win_rate", "Win rate", "pct", "sales", True).data] == ["scatter"]
    # two dimensions: a line per channel over months; grouped bars for up to 8 column values; else a heatmap
    grid = pd.DataFrame({"value": ["Paid Search", "Paid Search", "Referrals"], "value_2": ["2026-07", "2026-08", "2026-07"],
                         "leads_created": [2, 1, 1]})
    fig = explore_chart(grid, "leads_created", "Leads", "int", "marketing", False, True)
    assert [(t.type, t.name) for t in fig.data] == [("scatter", "Paid Search"), ("scatter", "Referrals")]
    # grouped bars keep the table's row order, though the first bars (column A) skip Referrals
    two = pd.DataFrame({"value": ["Paid Search", "Referrals", "Social"], "value_2": ["A", "B", "A"],
                        "leads_created": [2, 1, 1]})
    fig = explore_chart(two, "leads_created", "Leads", "int", "marketing", False, False)
    assert [(t.type, t.name) for t in fig.data] == [("bar", "A"), ("bar", "B")] and fig.layout.barmode == "group"
    assert list(fig.layout.xaxis.categoryarray) == ["Paid Search", "Referrals", "Social"]
    wide = pd.DataFrame({"value": ["x"] * 9, "value_2": [f"c{i}" for i in range(9)], "leads_created": range(9)})
    fig = explore_chart(wide, "leads_created", "Leads", "int", "marketing", False, False)
    assert [t.type for t in fig.data] == ["heatmap"] and list(fig.data[0].z[0]) == list(range(9))


def test_the_comparison_adds_a_change_column_per_measure(teams):
    # Aug-Sep against the previous period Jun-Jul (today is pinned to 09-30: whole periods). Leads created by
    # channel: now l3 (linkedin -> Paid Social), l4, l5, l11 (Paid Social), l6 (Paid Search), l9 (Referrals);
    # then l1, l2, l10 (Paid Search), l7, l8 (Organic Search). Won revenue now: o1 50k (Paid Search, 08-10),
    # o3 30k (Organic Search, 09-05); none closed in Jun-Jul. Win rate now: Paid Search o1 won, o2 lost -> 1/2,
    # Organic Search 1/1; then no decided deal -> empty, and so is its change.
    at = _explore(start="2026-08-01", end="2026-09-30", compare="Previous period")
    at.multiselect(key="measures").set_value(["leads_created", "won_revenue", "win_rate"]).run()
    t = _table(at).set_index("Channel")
    assert t.columns.tolist() == ["Leads", "Leads Δ", "Won revenue", "Won revenue Δ", "Win rate", "Win rate Δ"]
    assert t.loc["Paid Social", ["Leads", "Leads Δ"]].tolist() == [4, 4]
    assert t.loc["Paid Search", ["Leads", "Leads Δ", "Won revenue", "Won revenue Δ"]].tolist() == [1, -2, 50000, 50000]
    assert t.loc["Referrals", ["Leads", "Leads Δ"]].tolist() == [1, 1]
    # Organic Search: no lead created now, two then; its 30k won now
    assert t.loc["Organic Search", ["Leads", "Leads Δ", "Won revenue", "Won revenue Δ"]].tolist() == [0, -2, 30000, 30000]
    assert t.loc["Paid Search", "Win rate"] == 0.5 and math.isnan(t.loc["Paid Search", "Win rate Δ"])
    assert any("Δ = change vs Jun 1, 2026 – Jul 31, 2026" in c.value for c in at.caption), [c.value for c in at.caption]


def test_a_time_dimension_says_why_it_has_no_change_column(teams):
    at = _explore(rows="Month", compare="Previous period")
    assert not any(c.endswith(" Δ") for c in _table(at).columns)
    assert any("No Δ column" in c.value for c in at.caption)


@pytest.mark.parametrize("team,measures", [("marketing", ["mqls", "lead_to_mql_rate", "mql_to_sql_rate"]),
                                           ("sales", ["won_revenue", "win_rate", "opps_created"])])
def test_the_team_lens_picks_the_measures_it_starts_with(teams, monkeypatch, team, measures):
    import dataclasses

    from onefunnel import ui

    original = ui.sidebar   # the lens as tests/test_page_teams.py sets it (AppTest drops the sidebar's widgets)
    monkeypatch.setattr(ui, "sidebar", lambda: dataclasses.replace(original(), team=team))
    at = _explore()
    assert at.multiselect(key="measures").value == measures
    assert any(f"Team lens **{team.capitalize()}**" in c.value for c in at.caption)
    if team == "marketing":
        # MQLs by channel, Jun - Sep: Paid Search l10 (06-02), l1, l2 (July), l6 (09-01); Paid Social l3 (linkedin,
        # 08-01), l11, l4, l5 (September); Organic Search l8 (06-20); Referrals l9 (08-15)
        t = _table(at).set_index("Channel")
        assert t["MQLs"].to_dict() == {"Paid Search": 4, "Paid Social": 4, "Organic Search": 1, "Referrals": 1}
