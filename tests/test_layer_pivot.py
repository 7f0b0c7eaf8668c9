"""The metrics layer's pivots (onefunnel/layer.py): measures by two dimensions, and filters.

On the teams fixture (tests/fixtures/teams/README.md). Expected numbers are worked out by hand from the
fixture's rows; the working is next to each assertion.
"""

import datetime as dt

import pytest

from tests.test_layer import _teams_db

D = dt.date
Q3 = (D(2026, 7, 1), D(2026, 9, 30))
JUN_SEP = (D(2026, 6, 1), D(2026, 9, 30))
ADDITIVE = ["leads_created", "mqls", "sqls", "opps_created", "pipeline_created", "won_deals", "won_revenue",
            "lost_deals"]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    from onefunnel.db import connect

    c = connect(_teams_db(tmp_path_factory.mktemp("pivot")))
    yield c
    c.close()


def test_two_dimensions_add_up_to_one(con):
    from onefunnel import layer

    wanted = ADDITIVE + ["win_rate"]
    one = {r["value"]: r for r in layer.by(con, wanted, "channel", *JUN_SEP)}
    two = layer.by(con, wanted, ("channel", "month"), *JUN_SEP)
    for channel, row in one.items():
        cells = [c for c in two if c["value"] == channel]
        for key in ADDITIVE:
            assert sum(c[key] for c in cells) == pytest.approx(row[key]), (channel, key)
    cell = {(c["value"], c["value_2"]): c for c in two}
    # Paid Search in July: l1 (07-01) and l2 (07-03) created; no deal closed in July
    ps_jul = cell[("Paid Search", D(2026, 7, 1))]
    assert (ps_jul["leads_created"], ps_jul["won_deals"], ps_jul["win_rate"]) == (2, 0, None)
    # Paid Search in August: o1 won 50k (08-10), o2 lost (08-20) -> win rate 1 / 2, from the month's own deals
    ps_aug = cell[("Paid Search", D(2026, 8, 1))]
    assert (ps_aug["won_revenue"], ps_aug["lost_deals"], ps_aug["win_rate"]) == (50000, 1, 0.5)
    # Organic Search in September: o3 won 30k (09-05), nothing lost -> 1.0
    assert cell[("Organic Search", D(2026, 9, 1))]["win_rate"] == 1.0


def test_two_dimensions_take_the_second_as_columns(con):
    from onefunnel import layer

    rows = layer.by(con, ["won_revenue"], ["owner", "channel"], *Q3)
    won = {(r["value"], r["value_2"]): r["won_revenue"] for r in rows if r["won_revenue"]}
    # Rita won o1 (Paid Search lead l1) 50k and o3 (Organic Search lead l8) 30k in Q3
    assert won == {("Rita Rapid", "Paid Search"): 50000, ("Rita Rapid", "Organic Search"): 30000}


def test_a_filter_keeps_the_records_with_those_values(con):
    from onefunnel import layer

    wanted = ["won_revenue", "won_deals", "lost_deals", "win_rate", "opps_created", "pipeline_created",
              "leads_created"]
    got = layer.values(con, wanted, *Q3, where=[("channel", ["Paid Search", "Organic Search"])])
    # deals of Paid Search leads: o1 (l1, created 07-10, won 50k 08-10), o2 (l2, created 07-06, lost 20k
    # 08-20), o5 (l2, created 09-01, 40k, open); of Organic Search leads: o3 (l8, created 07-05, won 30k 09-05),
    # o7 (l7, created 09-01, 8k, open). Won 50k + 30k, 2 won, 1 lost -> 2 / 3; created o1 o2 o3 o5 o7 = 5,
    # 50 + 20 + 30 + 40 + 8 = 148k. Leads created in Q3: l1, l2, l6 (Paid Search), l7 (Organic; l8 is June) = 4
    assert got == {"won_revenue": 80000, "won_deals": 2, "lost_deals": 1, "win_rate": pytest.approx(2 / 3),
                   "opps_created": 5, "pipeline_created": 148000, "leads_created": 4}
    # the unfiltered quarter: 7 leads more; o4 (unlinked) and o6 (Referrals) are out of the filter above
    everyone = layer.values(con, ["opps_created", "leads_created"], *Q3)
    assert everyone == {"opps_created": 5 + 1, "leads_created": 4 + 5}   # o6 created 08-20; l3 l4 l5 l9 l11


def test_filters_combine_and_split(con):
    from onefunnel import layer

    rows = layer.by(con, ["opps_created", "won_revenue"], "channel", *Q3,
                    where=[("owner", ["Norm Never"]), ("stage", ["Qualification", "Negotiation"])])
    got = {r["value"]: (r["opps_created"], r["won_revenue"]) for r in rows}
    # Norm's deals: o4 (unlinked, Negotiation, created 06-01, open with close date 09-15: in Q3 by its close
    # date, so its row is there, with nothing won) and o7 (Organic Search lead l7, Qualification, created 09-01)
    assert got == {"Organic Search": (1, 0), "(unlinked)": (0, 0)}


def test_a_filter_value_is_bound_never_written_into_the_sql(con):
    from onefunnel import layer

    evil = "x') or true or ('"
    assert layer.values(con, ["leads_created", "won_revenue"], *Q3, where=[("channel", [evil])]) == \
        {"leads_created": 0, "won_revenue": 0}
    sql = layer.compile_sql(("leads_created",), None, ("channel",))
    assert "$where_0" in sql and "x')" not in sql
    # a value no record has: zero rows by channel
    assert layer.by(con, ["leads_created"], "channel", *Q3, where=[("campaign", ["no-such-campaign"])]) == []


def test_what_cannot_be_split_or_filtered_is_refused():
    from onefunnel import layer

    with pytest.raises(ValueError, match="cannot be filtered by stage"):
        layer.compile_sql(("leads_created",), None, ("stage",))     # a lead has no deal stage
    with pytest.raises(ValueError, match="cannot be split by channel, stage"):
        layer.compile_sql(("win_rate", "spend"), ("channel", "stage"))
    with pytest.raises(ValueError, match="at most 2 different"):
        layer.compile_sql(("won_revenue",), ("channel", "channel"))
    with pytest.raises(KeyError, match="no dimension named 'colour'"):
        layer.compile_sql(("won_revenue",), None, ("colour",))
    lay = layer.layer()
    assert lay.supports("win_rate", ("owner", "stage")) and not lay.supports("leads_created", ("owner", "stage"))
    assert lay.supports("cost_per_lead", ("channel", "month")) and not lay.supports("cost_per_lead", "owner")


def test_every_measure_runs_by_two_dimensions_with_a_filter_and_adds_up(con):
    from onefunnel import layer

    lay = layer.layer()
    where = [("channel", ["Paid Search", "Organic Search"])]
    wanted = [n for n in lay.measures if lay.supports(n, ("owner", "week", "channel"))]
    assert {"won_revenue", "win_rate", "mqls", "sla_breaches", "weighted_pipeline"} <= set(wanted)
    cells = layer.by(con, wanted, ("owner", "week"), *Q3, where=where)
    total = layer.values(con, wanted, *Q3, where=where)
    for name in wanted:
        if lay.measures[name].additive:
            assert sum(c[name] or 0 for c in cells) == pytest.approx(total[name] or 0), name
