"""Property test (hypothesis): for random journeys, every model's credits add up to the won revenue
of the period (METRICS.md: "For every model the credits add up to won_revenue"), deal by deal and
in total, through the queries the pages run; and the pages' macro agrees with the CLI's view.

Journeys are written straight into the stored tables (lead_records, opportunity_records,
touch_store) so each example takes milliseconds: a few leads with or without a source (an
origin touch), touches drawn from a small set of instants (ties in time are common), channel and
campaign names that differ only by case, opportunities won or lost, inside or outside the period,
linked to a lead or to nobody, with amounts including 0.
"""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

START, END = dt.date(2026, 6, 1), dt.date(2026, 6, 30)
MODELS = ["first_touch", "last_touch", "linear", "u_shaped", "time_decay"]
BASE = dt.datetime(2026, 3, 1)
CHANNELS = ["Email", "email", "Paid Search", "Webinar", "Événements"]
CAMPAIGNS = ["a", "B", "b", "(none)", "zeta"]

instant = st.builds(lambda d, h: BASE + dt.timedelta(days=d, hours=h),
                    st.integers(0, 120), st.sampled_from([0, 0, 0, 6, 12.5]))
lead = st.fixed_dictionaries({
    "created_at": instant,
    "source": st.one_of(st.none(), st.sampled_from(CHANNELS)),
    "campaign": st.one_of(st.none(), st.sampled_from(CAMPAIGNS)),
    "touches": st.lists(st.tuples(instant, st.sampled_from(CHANNELS), st.sampled_from(CAMPAIGNS)), max_size=7),
})
opp = st.fixed_dictionaries({
    "lead": st.integers(-1, 5),          # index of the lead; -1 or past the end = unlinked
    "created_at": instant,
    "close_day": st.integers(-20, 50),   # days after 2026-06-01: some before, some after June
    "is_won": st.booleans(),
    "amount": st.one_of(st.just(0), st.integers(1, 500_000)),
})


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    from onefunnel.db import connect

    c = connect(tmp_path_factory.mktemp("prop") / "prop.duckdb")
    yield c
    c.close()


def write(con, leads, opps):
    con.execute("delete from lead_records; delete from opportunity_records; delete from touch_store")
    for i, ld in enumerate(leads):
        email = f"lead{i}@prop.test"
        con.execute("insert into lead_records (source_system, record_id, lead_key, email, created_at, source, campaign,"
                    " import_id, seq) values ('t', ?, ?, ?, ?, ?, ?, 0, ?)",
                    [email, email, email, ld["created_at"], ld["source"], ld["campaign"], i])
        for at, channel, campaign in ld["touches"]:
            con.execute("insert into touch_store (email, touched_at, channel, campaign, import_id, h) "
                        "values (?, ?, ?, ?, 0, 0)", [email, at, channel, campaign])
    for j, o in enumerate(opps):
        email = f"lead{o['lead']}@prop.test" if 0 <= o["lead"] < len(leads) else f"nobody{j}@prop.test"
        con.execute("insert into opportunity_records (source_system, record_id, name, created_at, close_date, stage,"
                    " amount, is_won_export, is_closed_export, email, import_id, seq) "
                    "values ('t', ?, ?, ?, ?, 'x', ?, ?, true, ?, 0, ?)",
                    [str(j), f"deal{j}", o["created_at"], START + dt.timedelta(days=o["close_day"]),
                     float(o["amount"]), o["is_won"], email, j])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(leads=st.lists(lead, min_size=0, max_size=5), opps=st.lists(opp, min_size=0, max_size=7))
def test_every_model_sums_to_won_revenue(con, leads, opps):
    from onefunnel.queries import run

    write(con, leads, opps)
    won = {str(j): float(o["amount"]) for j, o in enumerate(opps)
           if o["is_won"] and START <= START + dt.timedelta(days=o["close_day"]) <= END}
    won_revenue = sum(won.values())

    by_channel = run(con, "attribution_credit_by_channel", start=START, end=END)
    by_campaign = run(con, "attribution_credit_by_campaign", start=START, end=END)
    for m in MODELS:
        assert by_channel[m].sum() == pytest.approx(won_revenue, abs=1e-6), m
        assert by_campaign[m].sum() == pytest.approx(won_revenue, abs=1e-6), m
        assert (by_channel[m] >= -1e-9).all(), m

    # deal by deal: every won deal of P appears, its credits sum to its amount under every model
    per_deal = con.execute(
        "select opp_key, " + ", ".join(f"sum({m})" for m in MODELS) + ", count(*), "
        "count(*) filter (where first_touch > 0), count(*) filter (where last_touch > 0) "
        "from touch_credits_between(?, ?) group by opp_key", [START, END]).fetchall()
    assert {r[0] for r in per_deal} == {f"t:{k}" for k in won}
    for r in per_deal:
        amount = won[r[0].split(":", 1)[1]]
        assert list(r[1:6]) == pytest.approx([amount] * 5, abs=1e-6), r
        if amount > 0:   # first and last touch give everything to one touch each
            assert r[7] == 1 and r[8] == 1

    # the touch path of each won deal shows the same credits as the period tables
    for key in list(won)[:2]:
        path = run(con, "attribution_deal_path", opp_key=f"t:{key}")
        counted = path[path["counts"]]
        assert counted["linear"].sum() == pytest.approx(won[key], abs=1e-6)

    # the pages' macro and the CLI's view agree
    cols = "opp_key, channel, campaign, touched_at, " + ", ".join(MODELS)
    a = con.execute(f"select {cols} from touch_credits_between(?, ?) order by all", [START, END]).fetchall()
    b = con.execute(f"select {cols} from touch_credits where close_date between ? and ? order by all",
                    [START, END]).fetchall()
    assert len(a) == len(b)
    for ra, rb in zip(a, b):
        assert ra[:4] == rb[:4] and ra[4:] == pytest.approx(rb[4:])
