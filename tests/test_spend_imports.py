"""Spend exports as the vendors write them load with the right totals, and the Spend page's queries
give the ROI, CAC and cost per MQL worked out by hand (METRICS.md "Spend", "Attribution").

Fixtures (tests/fixtures/credit/spend/), written the way each tool exports:
- google_ads_campaigns.csv: report name and date range above the header, "1,000.00" quoted with a
  thousands comma, `--` and `3.66%` cells, two trailing `Total:` rows. Brand: 05-31 1,000.00,
  06-01 200.00, 06-02 300.00 -> 1500 in all, 500 in June; channel Paid Search (preset default).
- linkedin_campaign_manager.csv: UTF-16 with BOM, tab-separated, a six-line metadata block above the
  header (report name, start, end, generated, account, blank), `Total Spent`, US dates.
  Retarget: 6/1/2026 1200.50 + 6/15/2026 799.50 = 2000.00; channel Paid Social (preset default).
- meta_ads_manager.csv: `Amount spent (USD)`; the first data row is the account total (1500.00)
  with blank names, which must not count: Ebook Q2 1000.00 + Retarget Visitors 500.00 = 1500.00.
- template_spend.csv: Email / newsletter 2026-06-03 1000.
"""

from pathlib import Path

import pytest

from tests.conftest import load_files

FIX = Path(__file__).parent / "fixtures" / "credit"
SPEND = FIX / "spend"
J = FIX / "journeys"
START, END = "2026-06-01", "2026-06-30"


@pytest.mark.parametrize("file,preset,read,loaded,skipped,total,channel,dates", [
    ("google_ads_campaigns.csv", "google_ads", 5, 3, 2, 1500.0, "Paid Search",
     ["2026-05-31", "2026-06-01", "2026-06-02"]),
    ("linkedin_campaign_manager.csv", "linkedin_ads", 2, 2, 0, 2000.0, "Paid Social", ["2026-06-01", "2026-06-15"]),
    ("meta_ads_manager.csv", "meta_ads", 3, 2, 1, 1500.0, "Paid Social", ["2026-06-01", "2026-06-01"]),
    ("template_spend.csv", "template_spend", 1, 1, 0, 1000.0, "Email", ["2026-06-03"]),
])
def test_vendor_export_loads_with_its_total(tmp_path, file, preset, read, loaded, skipped, total, channel, dates):
    from onefunnel.db import connect

    db = tmp_path / "spend.duckdb"
    (r,) = load_files(db, SPEND / file)
    assert (r.format, r.rows_read, r.rows_loaded, r.rows_skipped, r.rows_rejected) == \
        (preset, read, loaded, skipped, 0), r
    con = connect(db)
    try:
        rows = con.execute("select date::varchar, channel, cost from spend order by date, cost").fetchall()
    finally:
        con.close()
    assert sum(c for _, _, c in rows) == pytest.approx(total)
    assert {ch for _, ch, _ in rows} == {channel}
    assert [d for d, _, _ in rows] == dates


@pytest.fixture(scope="module")
def roi_db(tmp_path_factory):
    """The hand-worked journeys of test_attribution_journeys.py plus June spend:
    Paid Search 500 (Google Ads "Brand"), Paid Social 2000 (LinkedIn "Retarget"), Email 1000 (template)."""
    db = tmp_path_factory.mktemp("roi") / "roi.duckdb"
    load_files(db, J / "leads.csv", J / "opportunities.csv", J / "touches.csv",
               SPEND / "google_ads_campaigns.csv", SPEND / "linkedin_campaign_manager.csv",
               SPEND / "template_spend.csv")
    return db


@pytest.fixture
def con(roi_db):
    from onefunnel.db import connect

    c = connect(roi_db)
    yield c
    c.execute("delete from spend_campaign_map")
    c.close()


def q(con, name, **params):
    from onefunnel.queries import run

    return run(con, name, **params)


def rows_by(df, key):
    return {r[key]: r for r in df.to_dict("records")}


def test_roi_cac_cost_per_mql_by_channel_linear(con):
    got = rows_by(q(con, "spend_roi_by_channel", start=START, end=END, model="linear"), "channel")
    # linear credit (test_attribution_journeys.BY_CHANNEL): Paid Search 1000, Paid Social 3750 (J3's
    # retarget touch), Email 6750. ROI = credit / June spend.
    ps, social, email = got["Paid Search"], got["Paid Social"], got["Email"]
    assert (ps["spend"], ps["credit"], ps["roi"]) == pytest.approx((500, 1000, 2.0))
    assert (social["spend"], social["credit"], social["roi"]) == pytest.approx((2000, 3750, 1.875))
    assert (email["spend"], email["credit"], email["roi"]) == pytest.approx((1000, 6750, 6.75))
    # deals counted by their share of credit: Paid Search J1 = 1; Paid Social J3 1/4;
    # Email J2 1/2 + J3 1/4 + J4 2/3 = 17/12. CAC = spend / that.
    assert ps["attributed_deals"] == pytest.approx(1) and ps["cac"] == pytest.approx(500)
    assert social["attributed_deals"] == pytest.approx(0.25) and social["cac"] == pytest.approx(8000)
    assert email["attributed_deals"] == pytest.approx(17 / 12) and email["cac"] == pytest.approx(1000 * 12 / 17)
    # MQLs of June by lead source: Paid Social a, b = 2 -> 1000 each; Paid Search 1 (the one_touch
    # lead became MQL in May) -> 500; Email none -> null. Leads created in June: Email 1 -> 1000.
    assert (social["mqls"], social["cost_per_mql"]) == (2, pytest.approx(1000))
    assert (ps["mqls"], ps["cost_per_mql"]) == (1, pytest.approx(500))
    assert email["mqls"] == 0 and email["cost_per_mql"] != email["cost_per_mql"]   # NaN
    assert (email["leads"], email["cost_per_lead"]) == (1, pytest.approx(1000))
    # channels with credit and no spend are listed without ROI; '(none)' is left out
    assert got["Webinar"]["spend"] == 0 and got["Webinar"]["credit"] == pytest.approx(2000)
    assert got["Webinar"]["roi"] != got["Webinar"]["roi"]
    assert "(none)" not in got
    assert set(got) == {"Paid Search", "Paid Social", "Email", "Webinar", "Organic Search", "Events"}


def test_linear_roi_matches_the_cli_roi(con):
    page = rows_by(q(con, "spend_roi_by_channel", start=START, end=END, model="linear"), "channel")
    summary = q(con, "attribution_summary", start=START, end=END)
    summary = summary[(summary["dimension"] == "channel") & summary["spend"].notna()].rename(columns={"name": "channel"})
    cli = rows_by(summary, "channel")
    assert set(cli) == {"Paid Search", "Paid Social", "Email"}
    for ch, r in cli.items():
        assert page[ch]["roi"] == pytest.approx(r["roi"])


@pytest.mark.parametrize("model,expected", [
    # first touch: Paid Search J1 1000 (1 deal); Paid Social never first -> 0, no deal, CAC null;
    # Email first in J2 and J4: 5000, 2 deals -> CAC 500
    ("first_touch", {"Paid Search": (1000, 2.0, 1, 500), "Paid Social": (0, 0.0, 0, None),
                     "Email": (5000, 5.0, 2, 500)}),
    # time decay: Paid Social J3 4000 = 4/15 of the deal -> CAC 2000 / (4/15) = 7500
    ("time_decay", {"Paid Social": (4000, 2.0, 4 / 15, 7500)}),
])
def test_roi_and_cac_under_other_models(con, model, expected):
    got = rows_by(q(con, "spend_roi_by_channel", start=START, end=END, model=model), "channel")
    for ch, (credit, roi, deals, cac) in expected.items():
        r = got[ch]
        assert (r["credit"], r["roi"], r["attributed_deals"]) == pytest.approx((credit, roi, deals)), ch
        assert (r["cac"] != r["cac"]) if cac is None else r["cac"] == pytest.approx(cac)


def test_roi_by_campaign_uses_the_same_name_mapping(con):
    mapping = rows_by(q(con, "spend_campaign_mapping"), "spend_campaign")
    # "Brand" (Google Ads) and "Retarget" (LinkedIn) differ from the touch campaigns only by case
    assert (mapping["Brand"]["campaign"], mapping["Brand"]["mapped_by"]) == ("brand", "same name")
    assert (mapping["Retarget"]["campaign"], mapping["Retarget"]["mapped_by"]) == ("retarget", "same name")
    assert (mapping["newsletter"]["campaign"], mapping["newsletter"]["mapped_by"]) == ("newsletter", "as exported")
    assert all(mapping[k]["has_touches"] for k in mapping)
    got = {(r["channel"], r["campaign"]): r
           for r in q(con, "spend_roi_by_campaign", start=START, end=END, model="linear").to_dict("records")}
    # spend 500 / 2000 / 1000 against linear credit 1000 / 3750 / 1000 (BY_CAMPAIGN of the journeys);
    # the unpaid campaigns of the paid channels come with their credit and no spend
    assert got[("Paid Search", "brand")]["roi"] == pytest.approx(2.0)
    assert got[("Paid Social", "retarget")]["roi"] == pytest.approx(1.875)
    assert got[("Email", "newsletter")]["roi"] == pytest.approx(1.0)
    assert {k: r["credit"] for k, r in got.items() if r["spend"] == 0} == pytest.approx(
        {("Email", "nurture"): 3750, ("Email", "Beta_promo"): 1000, ("Email", "alpha_nurture"): 1000})
    assert len(got) == 6


def test_mapping_setting_moves_spend_to_other_touches(con):
    # the setting sends the newsletter spend to Webinar / webinar_may (linear credit 2000)
    con.execute("insert into spend_campaign_map values ('Email', 'newsletter', 'Webinar', 'webinar_may')")
    ch = rows_by(q(con, "spend_roi_by_channel", start=START, end=END, model="linear"), "channel")
    assert ch["Webinar"]["spend"] == 1000 and ch["Webinar"]["roi"] == pytest.approx(2.0)
    assert ch["Email"]["spend"] == 0 and ch["Email"]["roi"] != ch["Email"]["roi"]
    camp = {(r["channel"], r["campaign"]): r
            for r in q(con, "spend_roi_by_campaign", start=START, end=END, model="linear").to_dict("records")}
    assert camp[("Webinar", "webinar_may")]["spend"] == 1000
    assert rows_by(q(con, "spend_campaign_mapping"), "spend_campaign")["newsletter"]["mapped_by"] == "setting"
    # a setting row with an empty target keeps the line's own channel and campaign
    con.execute("update spend_campaign_map set channel = null, campaign = null")
    m = rows_by(q(con, "spend_campaign_mapping"), "spend_campaign")["newsletter"]
    assert (m["channel"], m["campaign"], m["mapped_by"]) == ("Email", "newsletter", "setting")


def test_spend_by_month_and_by_source(con):
    df = q(con, "spend_by_month", start="2026-05-01", end=END, model="linear")
    got = {(str(r["month"])[:7], r["channel"]): (r["spend"], r["credit"]) for r in df.to_dict("records")}
    # May: Google Ads 05-31 1000 against J8 (won 05-31, 4444, one Paid Search touch)
    assert got[("2026-05", "Paid Search")] == pytest.approx((1000, 4444))
    assert got[("2026-06", "Paid Search")] == pytest.approx((500, 1000))
    assert got[("2026-06", "Paid Social")] == pytest.approx((2000, 3750))
    assert got[("2026-06", "Email")] == pytest.approx((1000, 6750))
    src = rows_by(q(con, "spend_by_source", start=START, end=END), "source_system")
    assert (src["google_ads"]["spend"], src["google_ads"]["lines"]) == (pytest.approx(500), 2)
    assert (src["google_ads"]["spend_all_time"], src["google_ads"]["lines_all_time"]) == (pytest.approx(1500), 3)
    assert src["linkedin_ads"]["spend"] == pytest.approx(2000) and src["template"]["spend"] == pytest.approx(1000)
