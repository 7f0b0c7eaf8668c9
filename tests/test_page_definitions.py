"""AppTest of the Definitions page: definitions shown, settings edited and logged with who and when,
and the settings tables (one place: onefunnel/settings_tables.py) changing the numbers they should."""

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from onefunnel.definitions import METRICS, STAGES
from tests.conftest import ROOT
from tests.fixtures.leadership.story import TODAY, load_story


@pytest.fixture
def story(app_env, monkeypatch):
    monkeypatch.setenv("ONEFUNNEL_TODAY", TODAY)
    load_story(app_env)
    return app_env


def _page(path="pages/definitions.py") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(path)
    at.run()
    assert not at.exception, at.exception
    return at


def _editor(at, prefix):
    return next(d for d in at.data_editor if d.key.startswith(prefix))


def _settings(db) -> tuple[dict, pd.DataFrame]:
    from onefunnel.ui import _shared_connection   # the app (in this process) holds the file open

    con = _shared_connection(str(db)).cursor()
    try:
        settings = {k: json.loads(v) for k, v in con.execute("select key, value from settings").fetchall()}
        log = con.execute("select key, old_value, new_value, changed_by from settings_log order by rowid").df()
    finally:
        con.close()
    return settings, log


def test_every_stage_and_metric_with_definition_owner_and_target(story):
    at = _page()
    stages = _editor(at, "stages_editor").value
    assert stages["stage"].tolist() == [s for s, _ in STAGES]
    assert stages["owner"].tolist() == ["marketing", "marketing", "sales", "sales", "shared"]   # defaults
    metrics = _editor(at, "metrics_editor").value.set_index("key")
    assert set(metrics.index) == set(METRICS)
    assert metrics.loc["won_revenue", "definition"] == METRICS["won_revenue"].definition
    # default targets: sla_compliance 0.9 shown as percent 90; response time 24 hours as is
    assert metrics.loc["sla_compliance", "target"] == 90
    assert metrics.loc["mql_response_hours_median", "target"] == 24
    # the five plain templates, with the headers of CONVENTIONS.md
    codes = "\n".join(c.value for c in at.code)
    for header in ("lead_id,email,created_at,company,source,campaign,owner,mql_at,sql_at,disqualified_at,"
                   "disqualify_reason,status",
                   "opportunity_id,name,created_at,close_date,stage,amount,probability,is_closed,is_won,owner,"
                   "source,email,lead_id",
                   "email,touched_at,channel,campaign", "email,at,type,owner", "date,channel,campaign,cost"):
        assert header in codes
    # the story's own changes are in the log (goals and non_marketing_sources set by 'test')
    log = next(d.value for d in at.dataframe if "new_value" in d.value.columns)
    assert "Non marketing sources" in log["setting"].tolist() and "Goal for Sep 2026" in log["setting"].tolist()


def test_edit_settings_is_saved_and_logged_with_who(story):
    at = _page()
    at.text_input(key="who").set_value("Ada Lovelace")
    at.number_input(key="sla_hours_0").set_value(48.0)
    at.selectbox(key="fy_0").set_value(4)
    at.button(key="save_settings").click().run()
    assert not at.exception, at.exception
    assert any("Settings saved" in s.value for s in at.success)
    settings, log = _settings(story)
    assert settings["sla_hours"] == 48 and settings["fiscal_year_start_month"] == 4
    assert settings["stall_days"] == 14          # unchanged: no log row
    mine = log[log["changed_by"] == "Ada Lovelace"]
    assert mine["key"].tolist() == ["sla_hours", "fiscal_year_start_month"]
    assert json.loads(mine["old_value"].iloc[0]) == 24 and json.loads(mine["new_value"].iloc[0]) == 48
    # the page shows the change log, newest first
    shown = next(d.value for d in at.dataframe if "new_value" in d.value.columns)
    assert shown["setting"].tolist()[:2] == ["Fiscal year starts in month", "Follow-up SLA"]
    assert shown["new_value"].tolist()[1] == "48.0 h"


def test_edit_stage_owner_metric_owner_and_target(story):
    at = _page()
    at.text_input(key="who").set_value("Ada Lovelace")
    at.session_state["stages_editor_0"] = {"edited_rows": {2: {"owner": "shared", "person": "Sam Ortiz"}},
                                           "added_rows": [], "deleted_rows": []}
    at.button(key="save_stages").click().run()
    assert not at.exception, at.exception
    keys = list(METRICS)
    at.session_state["metrics_editor_1"] = {
        "edited_rows": {keys.index("sla_compliance"): {"target": 95},
                        keys.index("win_rate"): {"owner": "shared"}},
        "added_rows": [], "deleted_rows": []}
    at.button(key="save_metrics").click().run()
    assert not at.exception, at.exception
    settings, _ = _settings(story)
    assert settings["stage_owners"]["SQL"] == "shared"
    assert settings["stage_owner_people"] == {"SQL": "Sam Ortiz"}
    assert settings["metric_targets"]["sla_compliance"] == pytest.approx(0.95)    # 95 % stored as 0.95
    assert settings["metric_targets"]["win_rate"] == pytest.approx(0.3)           # untouched default kept
    assert settings["metric_owners"] == {"win_rate": "shared"}                    # only overrides stored
    # the funnel shows the new stage owner
    at.switch_page("pages/funnel.py")
    at.run()
    stage_table = next(d.value for d in at.dataframe if "stage" in d.value.columns).set_index("stage")
    assert stage_table.loc["SQL", "owner"] == "Shared · Sam Ortiz"


def test_stage_map_change_moves_a_deal_and_is_logged(story):
    at = _page()
    # 'Negotiation' is not mapped: the story's P-O3 (30000, 50%) is open
    assert any("Negotiation (1)" in c.value for c in at.caption)
    at.text_input(key="who").set_value("Ada Lovelace")
    at.session_state["stage_map_editor_0"] = {
        "edited_rows": {}, "added_rows": [{"stage": "Negotiation", "is_closed": True, "is_won": False}],
        "deleted_rows": []}
    at.button(key="save_stage_map").click().run()
    assert not at.exception, at.exception
    assert any("Stage names saved" in s.value for s in at.success)
    settings, log = _settings(story)
    row = log[log["key"] == "stage_map"].iloc[-1]
    assert row["changed_by"] == "Ada Lovelace"
    assert {"stage": "Negotiation", "is_closed": True, "is_won": False} in json.loads(row["new_value"])
    assert {"stage": "Negotiation", "is_closed": True, "is_won": False} not in json.loads(row["old_value"])
    # now P-O3 is closed (lost): open pipeline = P-O6 10000 only; weighted = 10000 x trailing 50% = 5000
    at.switch_page("pages/goal.py")
    at.run()
    m = {x.label: x.value for x in at.metric}
    assert m["Open pipeline"] == "$10.0k" and m["Weighted pipeline"] == "$5.0k"


def test_duplicate_stage_name_is_refused(story):
    at = _page()
    at.session_state["stage_map_editor_0"] = {
        "edited_rows": {}, "added_rows": [{"stage": " closed won ", "is_closed": True, "is_won": False}],
        "deleted_rows": []}
    at.button(key="save_stage_map").click().run()
    assert any("listed twice" in e.value for e in at.error)
    _, log = _settings(story)
    assert "stage_map" not in log["key"].tolist()


def test_channel_map_and_non_marketing_sources(story):
    at = _page()
    at.session_state["channel_map_editor_0"] = {
        "edited_rows": {}, "added_rows": [{"source": "Webinar", "channel": "Events"}], "deleted_rows": []}
    at.button(key="save_channel_map").click().run()
    assert not at.exception, at.exception
    # the funnel breakdown now counts the Webinar lead (open_deal) under Events
    at.switch_page("pages/funnel.py")
    at.run()
    b = next(d.value for d in at.dataframe if "Source / channel" in d.value.columns).set_index("Source / channel")
    assert "Webinar" not in b.index and b.loc["Events", "Lead"] == 1


def test_settings_tables_save_logs_once_and_only_on_change(con):
    from onefunnel import settings_tables

    rows = pd.DataFrame({"source": [" Web ", "Organic Search"], "channel": ["Organic Search", "Organic Search"]})
    assert settings_tables.save_table(con, "channel_map", rows, "Ada") is True
    assert settings_tables.read_table(con, "channel_map")["source"].tolist() == ["Organic Search", "Web"]
    assert settings_tables.save_table(con, "channel_map", rows, "Ada") is False      # nothing changed
    log = con.execute("select key, changed_by from settings_log").fetchall()
    assert log == [("channel_map", "Ada")]
    with pytest.raises(ValueError, match="channel is empty"):
        settings_tables.save_table(con, "channel_map", pd.DataFrame({"source": ["X"], "channel": [""]}), "Ada")
    # a won stage is always closed
    settings_tables.save_table(con, "stage_map", pd.DataFrame({"stage": ["Signed"], "is_closed": [False],
                                                               "is_won": [True]}), "Ada")
    assert settings_tables.read_table(con, "stage_map").values.tolist() == [["Signed", True, True]]


def test_empty_workspace_still_shows_the_language(app_env):
    at = _page()
    assert _editor(at, "metrics_editor").value.shape[0] == len(METRICS)
    assert any("No change yet" in c.value for c in at.caption)


def test_conversions_panel_decodes_two_conversions(story):
    """Every conversion of the period side by side; win rate against "won per opportunity created" (the two a
    sales and a marketing leader may both call conversion) and the records behind the difference."""
    at = _page()
    table = next(d.value for d in at.dataframe if "Conversion" in d.value.columns).set_index("Conversion")
    # Q3 (today 2026-08-15): won P-O1, P-O2, P-O5 / (3 + lost P-O4) = 75%; won 3 of 6 opportunities created = 50%
    assert table.loc["Win rate", "Value"] == "75%"
    assert table.loc["Won per opportunity created (period counting)", "Value"] == "50%"
    assert table.loc["Win rate", "Formula"] == "Won deals / (Won deals + Lost deals)"
    # defaults: win rate against won per opportunity created. Both count the same 3 won deals; the groups they
    # divide by differ by the two open deals created in Q3 (P-O3, P-O6), which no win rate counts yet
    captions = [c.value for c in at.caption]
    assert "2 records divided by in Won per opportunity created (period counting), not in Win rate" in captions
    assert "0 records divided by in Win rate, not in Won per opportunity created (period counting)" in captions
    assert "0 records counted as converted in Win rate, not in Won per opportunity created (period counting)" in captions
    diff = next(d.value for d in at.dataframe if "record" in d.value.columns)
    assert sorted(diff["record"]) == ["Epsilon open 30000 at 50%", "Unlinked open 10000 no probability"]


def test_change_log_reads_as_words():
    from onefunnel.formats import change_text

    assert change_text("goal:2026-12", None, "285000.0") == ("Goal for Dec 2026", "–", "$285,000")
    assert change_text("quota:Dana Reyes:2026-07", "1000", "1500.5") == ("Quota of Dana Reyes for Jul 2026",
                                                                          "$1,000", "$1,500")
    assert change_text("sla_hours", "24", "12") == ("Follow-up SLA", "24.0 h", "12.0 h")
    assert change_text("channel_map", "[]", '[{"source": "Web", "channel": "Organic"}]') == \
        ("Channel map", "0 rows", "1 row")


def test_change_log_on_the_page(story):
    at = _page()
    log = next(d.value for d in at.dataframe if "setting" in d.value.columns)
    # the story sets goals for July to September 2026 (31000, 31000, 30000) and one settings table
    assert "Goal for Sep 2026" in log["setting"].tolist()
    assert "$30,000" in log.loc[log["setting"] == "Goal for Sep 2026", "new_value"].tolist()
    assert not any(s.startswith("goal:") for s in log["setting"])
