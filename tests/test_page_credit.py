"""AppTest of the Credit pages (Attribution, Spend & ROI) on the hand-worked journeys of
tests/test_attribution_journeys.py plus June spend (tests/test_spend_imports.py), viewed as
"This month" with today pinned to 2026-06-30 (P = June 2026, won revenue 22200)."""

import json

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, load_files
from tests.test_attribution_journeys import FIX as J
from tests.test_spend_imports import SPEND


def _page(page: str, period: str = "This month") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["period"] = period          # the sidebar's period is bound to the URL by its label
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    assert not [e.value for e in at.error], [e.value for e in at.error]
    return at


@pytest.fixture
def june(app_env, monkeypatch):
    monkeypatch.setenv("ONEFUNNEL_TODAY", "2026-06-30")
    load_files(app_env, J / "leads.csv", J / "opportunities.csv", J / "touches.csv",
               SPEND / "google_ads_campaigns.csv", SPEND / "linkedin_campaign_manager.csv",
               SPEND / "template_spend.csv")
    return app_env


def metrics(at):
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("page", ["pages/attribution.py", "pages/spend.py"])
def test_empty_workspace_says_what_to_do(app_env, page):
    at = _page(page)
    assert any("no data yet" in i.value for i in at.info)


def test_attribution_headline_and_disagreement(june):
    at = _page("pages/attribution.py")
    m = metrics(at)
    # won revenue 22200; (none) = J5 500 + J6 700 = 1200 -> 1200 / 22200 = 5.4%
    assert m["Won revenue"] == "$22.2k"
    assert m["No marketing touch"] == "5.4%"
    # marketing-sourced: J1's lead was an MQL (05-02) before its opportunity (05-10): 1000
    assert m["Marketing-sourced revenue"] == "$1.0k"
    # influenced = won deals whose lead has a touch dated <= close date: J1..J5 (J5's 05-25 touch
    # is before its 06-22 close) = 1000 + 2000 + 15000 + 3000 + 500 = 21500
    assert m["Marketing-influenced revenue"] == "$21.5k"
    # shares of won revenue per channel: Events last touch 15000 / 22200 = 68%, first touch 0;
    # Organic Search the reverse (same spread, Events first by name); Email: linear 6750 / 22200
    # = 30%, last touch 0
    bullets = [md.value for md in at.markdown if md.value.startswith("- **")]
    assert bullets == [
        "- **Events**: 68% of won revenue under Last touch, 0.0% under First touch (68 points apart)",
        "- **Organic Search**: 68% of won revenue under First touch, 0.0% under Last touch (68 points apart)",
        "- **Email**: 30% of won revenue under Linear, 0.0% under Last touch (30 points apart)",
    ]


def test_attribution_tables_side_by_side(june):
    at = _page("pages/attribution.py")
    by_channel = at.dataframe[0].value.set_index("channel")
    # BY_CHANNEL of the journeys test: Email first 5000, last 0, linear 6750, u 4300
    assert by_channel.loc["Email", ["first_touch", "last_touch", "linear", "u_shaped"]].tolist() == \
        pytest.approx([5000, 0, 6750, 4300])
    by_campaign = at.dataframe[1].value.set_index("campaign")
    assert by_campaign.loc["alpha_nurture", "u_shaped"] == pytest.approx(600)


def test_attribution_draws_its_charts_in_vega_lite(june):
    """The page's five charts are Vega-Lite (Plotly's took the browser most of the page's time), keyed as before."""
    at = _page("pages/attribution.py")
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert not at.get("plotly_chart")
    assert len(specs) == 5          # by channel, by campaign, disagreement, by month, the deal's path
    sorts = [s["encoding"]["y"]["sort"] for s in specs[:3]]
    assert sorts[0][:2] == ["Email", "Events"] and sorts[0][-1] == "(none)"     # linear 6750, then 3750s by name
    assert sorts[2][:2] == ["Events", "Organic Search"]                          # 68 points apart each
    assert specs[3]["encoding"]["y"]["title"] == "credited (Linear)"
    assert "opportunity created" in [layer["mark"].get("text") for layer in specs[4]["layer"]]


def test_model_selector_and_deal_drilldown(june):
    at = _page("pages/attribution.py")
    model = at.segmented_control(key="model")
    assert model.value == "linear"
    model.set_value("u_shaped").run()
    assert not at.exception
    assert any("**U-shaped**" in c.value for c in at.caption)
    # campaigns under U-shaped (the table next to the monthly chart): (none) 6000 + 1200 = 7200 first,
    # then roundtable 6000
    camp = at.dataframe[2].value
    assert camp["campaign"].tolist()[:2] == ["(none)", "roundtable"]
    assert camp.set_index("campaign").loc["roundtable", "u_shaped"] == pytest.approx(6000)

    deal = at.selectbox(key="deal")
    assert deal.value == "template:J3"          # largest deal first
    path = at.dataframe[3].value
    # J3: four qualifying touches and the late webinar that does not count
    assert path["channel"].tolist() == ["Organic Search", "Email", "Paid Social", "Events", "Webinar"]
    assert path["counted"].tolist() == ["yes"] * 4 + ["no: after the opportunity"]
    # credits (whole dollars): time decay 1/15, 2/15, 4/15, 8/15 of 15000; the late touch gets none
    assert path["time_decay"].tolist()[:4] == [1000, 2000, 4000, 8000] and pd.isna(path["time_decay"].iloc[4])
    assert metrics(at)["Qualifying touches"] == "4"

    deal.set_value("template:J6").run()
    assert any("not linked to any lead" in w.value for w in at.warning)
    deal.set_value("template:J5").run()
    assert any("no touch on or before the opportunity was created" in w.value for w in at.warning)
    path = at.dataframe[3].value
    assert path["channel"].tolist() == ["(none)", "Email"]
    assert path["linear"].iloc[0] == 500 and pd.isna(path["linear"].iloc[1])


def test_no_won_deal_in_period(june):
    at = _page("pages/attribution.py", period="Last month")   # May 2026: J8 won 05-31 -> not empty
    assert metrics(at)["Won revenue"] == "$4.4k"
    at = _page("pages/attribution.py", period="This week")    # Jun 29 - Jul 5: nothing won
    assert any("No deal was won" in i.value for i in at.info)


def test_spend_page_numbers(june):
    at = _page("pages/spend.py")
    m = metrics(at)
    # spend of June 500 + 2000 + 1000 = 3500; leads created in June 4 -> 875; MQLs 3 -> 1166.67;
    # won deals 6 -> 583.33
    assert (m["Spend"], m["Cost per lead"], m["Cost per MQL"], m["Marketing CAC"]) == \
        ("$3.5k", "$875", "$1.2k", "$583")
    # linear ROI: Email 6750 / 1000 = 6.75, the best (Paid Search 2.0, Paid Social 1.875)
    assert any(md.value == "#### Best return under Linear: Email at 6.8× ($6.8k credited for $1.0k spent)"
               for md in at.markdown)
    roi = at.dataframe[0].value.set_index("channel")
    # Paid Social: 3750 / 2000 = 1.875 (shown "1.9×"); CAC 2000 / (1/4 deal) = 8000; 2 MQLs -> 1000 each
    assert roi.loc["Paid Social", ["roi", "cac", "cost_per_mql"]].tolist() == pytest.approx([1.875, 8000, 1000])
    assert roi.loc["Paid Social", "credit"] == pytest.approx(3750)
    # Webinar has credit (2000) and no spend: no ROI, no CAC
    assert roi.loc["Webinar", ["roi", "cac", "cost_per_mql"]].isna().all()
    at.segmented_control(key="model").set_value("first_touch").run()
    # first touch: Email 5000 / 1000 = 5.0; Paid Search 1000 / 500 = 2.0; Paid Social 0
    assert any(md.value.startswith("#### Best return under First touch: Email at 5.0×") for md in at.markdown)
    assert at.dataframe[0].value.set_index("channel").loc["Paid Social", "credit"] == 0


def test_spend_page_mapping_reset_is_logged(june):
    con = duckdb.connect(str(june))
    con.execute("insert into spend_campaign_map values ('Email', 'newsletter', 'Webinar', 'webinar_may')")
    con.close()
    at = _page("pages/spend.py")
    # the setting moved the newsletter spend to Webinar (linear 2000 / 1000 = 2.0)
    assert at.dataframe[0].value.set_index("channel").loc["Webinar", "roi"] == pytest.approx(2.0)
    at.button(key="reset_spend_map").click().run()
    assert not at.exception
    roi = at.dataframe[0].value.set_index("channel")
    assert roi.loc["Email", "roi"] == pytest.approx(6.75) and roi.loc["Webinar", "spend"] == 0
    from onefunnel import ui
    cur = ui._shared_connection(str(june)).cursor()
    assert cur.execute("select count(*) from spend_campaign_map").fetchall()[0][0] == 0
    log = cur.execute("select new_value from settings_log where key = 'spend_campaign_map'").fetchall()
    assert [row[0] for row in log] == ["[]"]


def test_the_chosen_won_deal_links_to_its_deal_page(june):
    at = _page("pages/attribution.py")
    links = [e.proto for e in at.get("page_link")]
    deal = at.selectbox(key="deal").value
    assert [(p.label, p.page) for p in links if "deal" in p.label] == [("Open the deal's page", "deal")] and deal
    # the largest won deal of June is preselected: J3 (15000), its key template:J3
    assert deal == "template:J3" and [p.query_string for p in links if p.page == "deal"] == ["deal=template%3AJ3"]
