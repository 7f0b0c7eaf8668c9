"""Old open deals at import: counted in the preview, decided by the importer (keep, lost, skip), applied to
every number (issue 11 item 5). Expected values: tests/fixtures/old_deals/README.md, worked out by hand."""
import datetime as dt

import pytest

from tests.conftest import ROOT, run_cli

HERE = ROOT / "tests" / "fixtures" / "old_deals"
FILE = HERE / "opportunities.csv"
AS_OF = dt.date(2026, 9, 30)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("ONEFUNNEL_TODAY", "2026-09-30")


def test_the_preview_counts_old_open_deals(tmp_path):
    from onefunnel.db import connect
    from onefunnel.ingest import preview

    con = connect(tmp_path / "p.duckdb")
    assert preview(con, FILE).old_open == (1, 1)       # OD-2 has no close date; OD-1 closes 2017-01-15
    con.close()


def _numbers(db):
    from onefunnel import layer
    from onefunnel.db import connect
    from onefunnel.queries import run_rows

    con = connect(db)
    try:
        stalled = sorted(r["name"] for r in run_rows(con, "friction_stalled_opportunities", as_of=AS_OF,
                                                          stall_days=14, owners=[], limit=None))
        q1_2017 = layer.values(con, ["lost_deals"], dt.date(2017, 1, 1), dt.date(2017, 3, 31))["lost_deals"]
        q4_2016 = layer.values(con, ["lost_deals", "opps_created"], dt.date(2016, 10, 1), dt.date(2016, 12, 31))
        return stalled, q1_2017, q4_2016["lost_deals"], q4_2016["opps_created"]
    finally:
        con.close()


RECENT = ["open_close_date_just_inside", "open_recent_close_next_month"]     # OD-6, OD-3


@pytest.mark.parametrize("policy, expected", [
    ("keep", (sorted(RECENT + ["open_2016_close_date_long_past", "open_2016_no_close_date"]), 1, 0, 2)),
    ("lost", (RECENT, 2, 1, 2)),
    ("skip", (RECENT, 1, 0, 0)),
])
def test_each_decision_on_the_numbers(tmp_path, policy, expected):
    db = tmp_path / f"{policy}.duckdb"
    out = run_cli("ingest", "--db", db, "--old-open-deals", policy, FILE).stdout
    assert "2 open deals are old: 1 with a close date before Jul 2, 2026 and 1 with no close date, created before Jul 2, 2026" in out
    stalled, q1, q4_lost, q4_created = _numbers(db)
    assert (stalled, q1, q4_lost, q4_created) == expected


def test_keep_says_how_to_decide_otherwise(tmp_path):
    out = run_cli("ingest", "--db", tmp_path / "k.duckdb", FILE).stdout
    assert "kept open, as exported" in out and "--old-open-deals lost|skip" in out


def test_taking_the_import_back_takes_the_deals_and_the_decision(tmp_path):
    db = tmp_path / "u.duckdb"
    run_cli("ingest", "--db", db, "--old-open-deals", "skip", FILE)
    run_cli("undo", "--db", db, "1")
    stalled, q1, q4_lost, q4_created = _numbers(db)
    assert (stalled, q1, q4_lost, q4_created) == ([], 0, 0, 0)


def test_the_data_page_asks_before_importing_and_applies_the_choice(app_env, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from onefunnel import layer
    from onefunnel.db import connect

    monkeypatch.setenv("ONEFUNNEL_TODAY", "2026-09-30")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    at.file_uploader[0].set_value(("opportunities.csv", FILE.read_bytes(), "text/csv")).run()
    assert any("2 open deals are old: 1 with a close date before Jul 2, 2026 and 1 with no close date, created before Jul 2, 2026" in w.value
               for w in at.warning)
    assert at.button(key="confirm_import").disabled            # nothing is stored before the choice
    at.radio[0].set_value("lost").run()
    assert not at.button(key="confirm_import").disabled
    at.button(key="confirm_import").click().run()
    assert not at.exception, at.exception
    con = connect(app_env)
    try:   # lost: OD-1 lost in 2017 Q1 beside OD-4 (README)
        assert layer.values(con, ["lost_deals"], dt.date(2017, 1, 1), dt.date(2017, 3, 31))["lost_deals"] == 2
    finally:
        con.close()


def test_the_stalled_list_says_what_was_decided(app_env, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import load_files

    load_files(app_env, FILE)          # in-process import: keep, as the default
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/friction.py")
    at.run()
    assert not at.exception, at.exception
    assert any("Import #1 (opportunities\\.csv) had 2 old open deals" in c.value and "kept open, as exported" in c.value
               for c in at.caption), [c.value for c in at.caption]
