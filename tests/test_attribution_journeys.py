"""Hand-written journeys with exact credits under every model (METRICS.md "Attribution"), read
through the queries the Attribution and Spend pages run.

Fixture: tests/fixtures/credit/journeys/ (template CSVs). P = June 2026. Won deals of P, with their
qualifying touches = the lead's touches (origin touch included) with touched_at <= the
opportunity's created_at, in time order (ties: channel, then campaign, code-point order):

 J1  1000, opp created 05-10 09:00. Lead source Paid Search / brand (origin touch 05-01 09:00).
     One touch: every model gives Paid Search / brand 1000.
 J2  2000, opp created 05-15 00:00. Lead without source (no origin touch).
     Email / newsletter 05-11 12:00 (d = 3.5 days), Webinar / webinar_may 05-15 00:00 (d = 0: a
     touch at the very minute the opportunity is created counts).
     first: Email 2000 · last: Webinar 2000 · linear: 1000 / 1000 · u_shaped (two): 1000 / 1000
     time decay: weights 2^(-3.5/7) = 2^(-1/2) = 1/sqrt2 and 2^0 = 1; shares
       Email   = (1/sqrt2) / (1 + 1/sqrt2) = 1 / (sqrt2 + 1) = sqrt2 - 1  -> 2000 (sqrt2 - 1) = 828.43
       Webinar = 1 / (1 + 1/sqrt2) = sqrt2 / (sqrt2 + 1) = 2 - sqrt2      -> 2000 (2 - sqrt2) = 1171.57
 J3  15000, opp created 05-01 00:00. Lead source Organic Search, no campaign: origin touch
     Organic Search / (none) 04-10 00:00 (d = 21); Email / nurture 04-17 (d = 14); Paid Social /
     retarget 04-24 (d = 7); Events / roundtable 05-01 00:00 (d = 0); Webinar / late_webinar
     05-01 00:01 is one minute AFTER the opportunity was created: it must not count.
     first: Organic 15000 · last: Events 15000 · linear: 3750 each
     u_shaped: 40% first = 6000, 40% last = 6000, 20% = 3000 split over the 2 middle = 1500 each
     time decay: weights 2^-3, 2^-2, 2^-1, 2^0 = 1/8, 1/4, 1/2, 1 (sum 15/8); shares 1/15, 2/15,
       4/15, 8/15 -> 1000, 2000, 4000, 8000
 J4  3000, opp created 05-20 10:00. Three touches at exactly 05-20 10:00 (d = 0 for all):
     Webinar / webinar_may, Email / alpha_nurture, Email / Beta_promo. Order: channel (Email <
     Webinar), then campaign in code-point order ('B' = 0x42 < 'a' = 0x61, so Beta_promo before
     alpha_nurture, the reverse of a case-insensitive sort):
       1 Email / Beta_promo, 2 Email / alpha_nurture, 3 Webinar / webinar_may
     first: Beta_promo 3000 · last: webinar_may 3000 · linear: 1000 each
     u_shaped: 1200 / 600 / 1200 · time decay: equal weights 1 -> 1000 each
 J5  500, opp created 05-20 00:00; its lead's only touch is 05-25: no qualifying touch -> (none) 500
 J6  700, unlinked (its email is nobody's): (none) 700
 Not in P: J7 closed lost in June (no credit), J8 won 05-31.
Won revenue of P = 1000 + 2000 + 15000 + 3000 + 500 + 700 = 22200.
"""

import math
from pathlib import Path

import pytest

from tests.conftest import load_files

FIX = Path(__file__).parent / "fixtures" / "credit" / "journeys"
START, END = "2026-06-01", "2026-06-30"
R2 = math.sqrt(2)
MODELS = ["first_touch", "last_touch", "linear", "u_shaped", "time_decay"]
WON = 22200.0

# Credit by channel, models in the order of MODELS (worked out in the docstring):
#  Email   first: J2 2000 + J4 3000 = 5000; last: 0; linear: J2 1000 + J3 3750 + J4 2000 = 6750;
#          u: J2 1000 + J3 1500 + J4 (1200 + 600) = 4300; decay: J2 2000(sqrt2 - 1) + J3 2000 + J4 2000
#  Webinar first: 0; last: J2 2000 + J4 3000; linear: 1000 + 1000; u: 1000 + 1200; decay: 2000(2 - sqrt2) + 1000
#  (none)  J5 500 + J6 700 = 1200 under every model
BY_CHANNEL = {
    "Paid Search":    [1000, 1000, 1000, 1000, 1000],
    "Email":          [5000, 0, 6750, 4300, 4000 + 2000 * (R2 - 1)],
    "Webinar":        [0, 5000, 2000, 2200, 2000 * (2 - R2) + 1000],
    "Organic Search": [15000, 0, 3750, 6000, 1000],
    "Paid Social":    [0, 0, 3750, 1500, 4000],
    "Events":         [0, 15000, 3750, 6000, 8000],
    "(none)":         [1200, 1200, 1200, 1200, 1200],
}
# Credit by campaign ('(none)' = J3's origin touch without a campaign + J5 + J6):
#  (none) first: 15000 + 1200; last: 1200; linear: 3750 + 1200; u: 6000 + 1200; decay: 1000 + 1200
BY_CAMPAIGN = {
    "brand":         [1000, 1000, 1000, 1000, 1000],
    "newsletter":    [2000, 0, 1000, 1000, 2000 * (R2 - 1)],
    "webinar_may":   [0, 5000, 2000, 2200, 2000 * (2 - R2) + 1000],
    "(none)":        [16200, 1200, 4950, 7200, 2200],
    "nurture":       [0, 0, 3750, 1500, 2000],
    "retarget":      [0, 0, 3750, 1500, 4000],
    "roundtable":    [0, 15000, 3750, 6000, 8000],
    "Beta_promo":    [3000, 0, 1000, 1200, 1000],
    "alpha_nurture": [0, 0, 1000, 600, 1000],
}
# Touch paths: (channel, campaign, counts, first, last, linear, u_shaped, time_decay)
PATHS = {
    "template:J1": [("Paid Search", "brand", True, 1000, 1000, 1000, 1000, 1000)],
    "template:J2": [("Email", "newsletter", True, 2000, 0, 1000, 1000, 2000 * (R2 - 1)),
                    ("Webinar", "webinar_may", True, 0, 2000, 1000, 1000, 2000 * (2 - R2))],
    "template:J3": [("Organic Search", "(none)", True, 15000, 0, 3750, 6000, 1000),
                    ("Email", "nurture", True, 0, 0, 3750, 1500, 2000),
                    ("Paid Social", "retarget", True, 0, 0, 3750, 1500, 4000),
                    ("Events", "roundtable", True, 0, 15000, 3750, 6000, 8000),
                    ("Webinar", "late_webinar", False, None, None, None, None, None)],
    "template:J4": [("Email", "Beta_promo", True, 3000, 0, 1000, 1200, 1000),
                    ("Email", "alpha_nurture", True, 0, 0, 1000, 600, 1000),
                    ("Webinar", "webinar_may", True, 0, 3000, 1000, 1200, 1000)],
    # no qualifying touch: the (none) row first (no date), then the touch that came too late
    "template:J5": [("(none)", "(none)", True, 500, 500, 500, 500, 500),
                    ("Email", "nurture", False, None, None, None, None, None)],
    "template:J6": [("(none)", "(none)", True, 700, 700, 700, 700, 700)],
}


@pytest.fixture(scope="module")
def journeys(tmp_path_factory):
    from onefunnel.db import connect

    db = tmp_path_factory.mktemp("journeys") / "journeys.duckdb"
    load_files(db, FIX / "leads.csv", FIX / "opportunities.csv", FIX / "touches.csv")
    con = connect(db)
    yield con
    con.close()


def q(con, name, **params):
    from onefunnel.queries import run

    return run(con, name, **params)


def close(a, b):
    return a == pytest.approx(b, abs=1e-6)


@pytest.mark.parametrize("dim,expected", [("channel", BY_CHANNEL), ("campaign", BY_CAMPAIGN)])
def test_credit_by_channel_and_campaign_every_model(journeys, dim, expected):
    df = q(journeys, f"attribution_credit_by_{dim}", start=START, end=END)
    got = {r[dim]: [r[m] for m in MODELS] for r in df.to_dict("records")}
    assert set(got) == set(expected)
    for key, values in expected.items():
        assert got[key] == pytest.approx(values, abs=1e-6), (dim, key)
    for i, m in enumerate(MODELS):
        assert sum(v[i] for v in got.values()) == pytest.approx(WON), m
    # shares are of won revenue: Organic Search under first touch = 15000 / 22200
    if dim == "channel":
        row = df.set_index("channel").loc["Organic Search"]
        assert close(row["first_touch_share"], 15000 / 22200) and close(row["won_revenue"], WON)
        # deals with a qualifying touch on the channel: Email J2, J3, J4 = 3; (none) J5, J6 = 2
        assert df.set_index("channel")["deals"].to_dict()["Email"] == 3
        assert df.set_index("channel")["deals"].to_dict()["(none)"] == 2


def test_expected_tables_add_up():
    """Guards the hand-worked tables themselves: each model sums to won revenue."""
    for table in (BY_CHANNEL, BY_CAMPAIGN):
        for i in range(5):
            assert sum(v[i] for v in table.values()) == pytest.approx(WON)


@pytest.mark.parametrize("opp_key", list(PATHS))
def test_deal_touch_path(journeys, opp_key):
    df = q(journeys, "attribution_deal_path", opp_key=opp_key)
    got = [(r["channel"], r["campaign"], bool(r["counts"]), *[None if r[m] != r[m] else r[m] for m in MODELS])
           for r in df.to_dict("records")]
    expected = PATHS[opp_key]
    assert [g[:3] for g in got] == [e[:3] for e in expected]
    for g, e in zip(got, expected):
        for gv, ev in zip(g[3:], e[3:]):
            assert (gv is None and ev is None) or gv == pytest.approx(ev, abs=1e-6), (opp_key, g, e)
    assert df["seq"].tolist() == list(range(1, len(expected) + 1))


def test_deal_path_days_before_opportunity(journeys):
    # J2: Email 05-11 12:00 -> 05-15 00:00 = 3.5 days; Webinar at the same minute = 0
    df = q(journeys, "attribution_deal_path", opp_key="template:J2")
    assert df["days_before_opp"].tolist() == pytest.approx([3.5, 0.0])
    # J3's late touch is one minute after: -1/1440 days
    late = q(journeys, "attribution_deal_path", opp_key="template:J3").iloc[-1]
    assert late["days_before_opp"] == pytest.approx(-1 / 1440)


def test_won_deals_list(journeys):
    df = q(journeys, "attribution_won_deals", start=START, end=END).set_index("opp_key")
    # six won deals in June, largest first (J7 is lost, J8 closed in May)
    assert df.index.tolist() == ["template:J3", "template:J4", "template:J2", "template:J1",
                                 "template:J6", "template:J5"]
    assert df.loc["template:J3", "touches"] == 4          # the late webinar does not count
    assert df.loc["template:J4", "first_channel"] == "Email" and df.loc["template:J4", "last_channel"] == "Webinar"
    assert df.loc["template:J5", "touches"] == 0 and bool(df.loc["template:J5", "is_linked"])
    assert df.loc["template:J6", "touches"] == 0 and not bool(df.loc["template:J6", "is_linked"])
    assert df.loc["template:J6", "first_channel"] == "(none)"


def test_credit_by_month_one_model(journeys):
    # every June deal closes in June: one month; the U-shaped column of BY_CHANNEL
    df = q(journeys, "attribution_credit_by_month", start=START, end=END, model="u_shaped")
    assert set(df["month"].astype(str)) == {"2026-06-01"}
    assert dict(zip(df["channel"], df["credit"])) == pytest.approx({k: v[3] for k, v in BY_CHANNEL.items()})
    # a wider period adds J8 (won 05-31, 4444, single origin touch Paid Search / brand) in May
    df = q(journeys, "attribution_credit_by_month", start="2026-05-01", end=END, model="linear")
    may = df[df["month"].astype(str) == "2026-05-01"]
    assert dict(zip(may["channel"], may["credit"])) == pytest.approx({"Paid Search": 4444})


def test_macro_matches_touch_credits_view(journeys):
    """touch_credits_between (what the pages read) = the touch_credits view (what the CLI reads)
    restricted to the period, row for row."""
    cols = "opp_key, channel, campaign, touched_at, first_touch, last_touch, linear, u_shaped, time_decay"
    a = journeys.execute(f"select {cols} from touch_credits_between(date '{START}', date '{END}') "
                         "order by all").fetchall()
    b = journeys.execute(f"select {cols} from touch_credits where close_date between date '{START}' "
                         f"and date '{END}' order by all").fetchall()
    assert len(a) == len(b) == 1 + 2 + 4 + 3 + 1 + 1
    for ra, rb in zip(a, b):
        assert ra[:4] == rb[:4] and ra[4:] == pytest.approx(rb[4:])


def test_cli_attribution_agrees(journeys):
    """The CLI's attribution_summary gives the same linear credits by channel."""
    df = q(journeys, "attribution_summary", start=START, end=END)
    df = df[df["dimension"] == "channel"]
    assert dict(zip(df["name"], df["linear"])) == pytest.approx({k: v[2] for k, v in BY_CHANNEL.items()})


def test_lost_and_out_of_period_deals_get_nothing(journeys):
    deals = set(q(journeys, "attribution_won_deals", start=START, end=END)["opp_key"])
    assert "template:J7" not in deals and "template:J8" not in deals
    # J7 is not won: its path is empty
    assert q(journeys, "attribution_deal_path", opp_key="template:J7").empty
