"""Property test (hypothesis): on random leads and deals, every breakdown's counts and sums add up to the
period's totals, for each dimension (METRICS.md "Breakdowns": "The counts and sums of all rows add up to
the period's totals"), and every rate of a row is its own numerator over its own denominator.

Records are written straight into the stored tables, as tests/test_attribution_property.py does: leads with
or without a source, campaign and owner (empty strings too), dates inside and outside June 2026, deals
linked to a lead or to nobody, won, lost or open.
"""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

START, END = dt.date(2026, 6, 1), dt.date(2026, 6, 30)
BASE = dt.datetime(2026, 5, 20)
maybe_day = st.one_of(st.none(), st.integers(0, 45).map(lambda d: BASE + dt.timedelta(days=d, hours=9)))
lead = st.fixed_dictionaries({
    "created_at": maybe_day, "mql_at": maybe_day, "sql_at": maybe_day,
    "source": st.sampled_from([None, "", "Paid Search", "paid search", "Webinar"]),
    "campaign": st.sampled_from([None, "", "a", "b"]),
    "owner": st.sampled_from([None, "", "Dana", "Sam"]),
})
opp = st.fixed_dictionaries({
    "lead": st.integers(-1, 6), "created_day": st.integers(-15, 40), "close_day": st.integers(-15, 40),
    "state": st.sampled_from(["won", "lost", "open"]), "amount": st.integers(0, 90_000),
    "owner": st.sampled_from([None, "", "Dana", "Sam", "Kim"]),
})
COUNTS = ["leads_created", "mqls", "sqls", "opps_created", "won_deals", "lost_deals"]
SUMS = ["pipeline_created", "won_revenue"]
RATES = {"lead_to_mql_rate": ("leads_became_mql", "leads_created"), "mql_to_sql_rate": ("mqls_became_sql", "mqls"),
         "sql_to_opp_rate": ("sqls_with_opportunity", "sqls")}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    from onefunnel.db import connect

    c = connect(tmp_path_factory.mktemp("breakdown") / "prop.duckdb")
    c.execute("insert into channel_map values ('paid search', 'Paid Search')")
    yield c
    c.close()


def write(con, leads, opps):
    con.execute("delete from lead_records; delete from opportunity_records")
    for i, ld in enumerate(leads):
        email = f"lead{i}@prop.test"
        con.execute("insert into lead_records (source_system, record_id, lead_key, email, created_at, mql_at, sql_at,"
                    " source, campaign, owner, import_id, seq) values ('t', ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
                    [email, email, email, ld["created_at"], ld["mql_at"], ld["sql_at"], ld["source"],
                     ld["campaign"], ld["owner"], i])
    for j, o in enumerate(opps):
        email = f"lead{o['lead']}@prop.test" if 0 <= o["lead"] < len(leads) else f"nobody{j}@prop.test"
        con.execute("insert into opportunity_records (source_system, record_id, name, created_at, close_date, stage,"
                    " amount, is_won_export, is_closed_export, owner, email, import_id, seq) "
                    "values ('t', ?, ?, ?, ?, 'x', ?, ?, ?, ?, ?, 0, ?)",
                    [str(j), f"deal{j}", START + dt.timedelta(days=o["created_day"]),
                     START + dt.timedelta(days=o["close_day"]), float(o["amount"]), o["state"] == "won",
                     o["state"] != "open", o["owner"], email, j])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(leads=st.lists(lead, max_size=7), opps=st.lists(opp, max_size=7))
def test_breakdown_rows_add_up_to_the_totals(con, leads, opps):
    from onefunnel import layer

    write(con, leads, opps)
    totals = layer.values(con, COUNTS + SUMS, START, END)
    for dimension in ("channel", "campaign", "owner"):
        rows = layer.breakdown(con, dimension, START, END)
        for key in COUNTS:
            assert sum(r[key] for r in rows) == totals[key], (dimension, key)
        for key in SUMS:
            assert sum(r[key] for r in rows) == pytest.approx(totals[key], abs=1e-6), (dimension, key)
        assert len({r["value"] for r in rows}) == len(rows)
        # each row's rates are ratios of that row's own counts
        parts = {r["value"]: r for r in layer.by(con, [n for pair in RATES.values() for n in pair]
                                                  + ["won_deals", "lost_deals"], dimension, START, END)}
        for r in rows:
            p = parts.get(r["value"], {})      # no record for these measures: all 0
            n = {k: p.get(k) or 0 for pair in RATES.values() for k in pair} | {
                k: p.get(k) or 0 for k in ("won_deals", "lost_deals")}
            for rate, (num, den) in RATES.items():
                assert r[rate] == (None if n[den] == 0 else pytest.approx(n[num] / n[den])), (dimension, rate)
            decided = n["won_deals"] + n["lost_deals"]
            assert r["win_rate"] == (None if decided == 0 else pytest.approx(n["won_deals"] / decided))
