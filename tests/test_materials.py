"""Materials (issue 14 item 6): touches and activities may carry an asset; per asset, the leads it reached, their
MQLs, the opportunities it influenced and their won revenue, and sales' rating.

September 2026:
  pricing-guide.pdf reaches m1 (touch 09-02), m2 (touch 09-03), m3 (an activity 09-06): 3 leads, MQLs m1 m3 = 2.
      m1's o1 (won 09-20, $5,000) closes after 09-02: influenced. m3's o2 closed lost 08-20, before 09-06: not.
      m3's o3 is open: influenced. -> 2 opportunities, $5,000 won.
  case-study-acme reaches m3 (touch 09-04): 1 lead, 1 MQL; o3 (open) influenced, o2 not -> 1, $0.
  m1's touch of 09-05 names no asset: no row.
Ratings of pricing-guide.pdf: Dana useful, then Dana not useful ("outdated": her latest counts), Rita useful
-> useful 1 (Rita), not useful 1 (Dana), last note "outdated"."""

import datetime as dt

import pytest

from onefunnel.db import connect
from onefunnel.feedback import VerdictRefused, rate_asset
from onefunnel.ingest import ingest_file
from onefunnel.queries import run_rows

LEADS = """lead_id,email,created_at,owner,mql_at
,m1@mat.test,2026-08-01 09:00,Dana Reyes,2026-08-05 09:00
,m2@mat.test,2026-08-01 09:00,Dana Reyes,
,m3@mat.test,2026-08-01 09:00,Dana Reyes,2026-08-06 09:00
"""
TOUCHES = """email,touched_at,channel,campaign,asset
m1@mat.test,2026-09-02 10:00,Email,nurture,pricing-guide.pdf
m2@mat.test,2026-09-03 10:00,Email,nurture,pricing-guide.pdf
m3@mat.test,2026-09-04 10:00,Email,nurture,case-study-acme
m1@mat.test,2026-09-05 10:00,Email,nurture,
"""
PLAIN_TOUCHES = """email,touched_at,channel,campaign
m1@mat.test,2026-09-05 10:00,Email,nurture
"""
ACTIVITIES = """email,at,type,owner,asset
m3@mat.test,2026-09-06 10:00,email,Dana Reyes,pricing-guide.pdf
"""
OPPS = """opportunity_id,name,created_at,close_date,stage,amount,email
o1,m1 won,2026-09-10 09:00,2026-09-20,Closed Won,5000,m1@mat.test
o2,m3 lost before,2026-08-01 09:00,2026-08-20,Closed Lost,7000,m3@mat.test
o3,m3 open,2026-09-10 09:00,,Proposal,2000,m3@mat.test
"""
SEP = dict(start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30))
T = dt.datetime.fromisoformat


@pytest.fixture
def db(tmp_path):
    con = connect(tmp_path / "mat.duckdb")
    for name, text in (("leads.csv", LEADS), ("touches.csv", TOUCHES), ("activities.csv", ACTIVITIES),
                       ("opportunities.csv", OPPS)):
        (tmp_path / name).write_text(text)
        ingest_file(con, tmp_path / name, who="test")
    yield con, tmp_path
    con.close()


def test_each_asset_with_what_it_reached_and_influenced(db):
    con, _ = db
    rows = run_rows(con, "materials_by_asset", **SEP)
    assert [(r["asset"], r["leads"], r["mqls"], r["opportunities"], r["won_revenue"]) for r in rows] == [
        ("pricing-guide.pdf", 3, 2, 2, 5000.0), ("case-study-acme", 1, 1, 1, 0.0)]


def test_sales_rate_an_asset_and_each_persons_latest_rating_counts(db):
    con, _ = db
    rate_asset(con, "pricing-guide.pdf", True, "closes deals", who="Dana Reyes", at=T("2026-09-10 10:00"))
    rate_asset(con, "pricing-guide.pdf", False, "outdated", who="Dana Reyes", at=T("2026-09-20 10:00"))
    rate_asset(con, "pricing-guide.pdf", True, None, who="Rita Sales", at=T("2026-09-21 10:00"))
    row = run_rows(con, "materials_by_asset", **SEP)[0]
    assert (row["asset"], row["useful"], row["not_useful"], row["last_note"]) == ("pricing-guide.pdf", 1, 1, "outdated")
    with pytest.raises(VerdictRefused):
        rate_asset(con, "  ", True, who="x")


def test_a_touch_without_an_asset_repeats_as_before(db):
    con, tmp = db
    before = con.execute("select count(*) from touch_records").fetchall()[0][0]
    # the same touch from a file without the asset column, and the asset file again: nothing new
    (tmp / "plain.csv").write_text(PLAIN_TOUCHES)
    ingest_file(con, tmp / "plain.csv", who="test")
    ingest_file(con, tmp / "touches.csv", who="test")
    assert con.execute("select count(*) from touch_records").fetchall()[0][0] == before == 4
    # its hash is the hash of the fields a touch had before the asset column (rows stored before still match)
    assert con.execute("select count(*) from touch_store where asset is null and h <> "
                       "hash(email, lead_ref, lead_ref_system, touched_at, channel, campaign)").fetchall() == [(0,)]


def test_the_marketing_page_lists_materials_and_takes_a_rating(app_env, tmp_path):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT, load_files

    files = []
    for name, text in (("leads.csv", LEADS), ("touches.csv", TOUCHES), ("activities.csv", ACTIVITIES),
                       ("opportunities.csv", OPPS)):
        (tmp_path / name).write_text(text)
        files.append(tmp_path / name)
    load_files(app_env, *files)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/marketing.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # the default view is Q3 2026: the same September touches
    table = next(d.value for d in at.dataframe if "not_useful" in d.value.columns)
    assert list(zip(table["asset"], table["leads"], table["won_revenue"])) == [
        ("pricing-guide.pdf", 3, 5000), ("case-study-acme", 1, 0)]
    at.selectbox(key="mkt_rate_asset_name").set_value("case-study-acme")
    at.radio(key="mkt_rate_useful").set_value("not useful")
    at.text_input(key="mkt_rate_note").set_value("=HYPERLINK(\"x\") too long")
    next(b for b in at.button if b.label == "Rate the asset").click().run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "not_useful" in d.value.columns)
    row = table[table["asset"] == "case-study-acme"].iloc[0]
    # the table (ui.table) quotes a cell a spreadsheet would run as a formula
    assert (row["useful"], row["not_useful"], row["last_note"]) == (0, 1, '\'=HYPERLINK("x") too long')
