"""AppTest of the Definitions page's own-words and owner-directory sections: a stage's definition rewritten
by a team is shown in the stage table with who edited it and when, with its history; the owner directory
is edited and imported from the public Maven CRM sales_teams.csv (35 agents, counted by hand)."""

import datetime as dt
import json

import pandas as pd
import pytest

from onefunnel.definitions import STAGES
from onefunnel.formats import fmt_date
from tests.conftest import shown
from tests.fixtures.leadership.story import TODAY, load_story
from tests.test_owner_directory import MAVEN
from tests.test_page_definitions import _editor, _page, _settings

OURS = "A lead that scored 50 points or asked for a demo."


@pytest.fixture
def story(app_env, monkeypatch):
    monkeypatch.setenv("ONEFUNNEL_TODAY", TODAY)
    load_story(app_env)
    return app_env


def _history(at):
    return next((d.value for d in at.dataframe if "new_text" in d.value.columns), None)


def test_a_stage_definition_in_the_team_words_with_its_history(story):
    at = _page()
    assert at.selectbox(key="definition_text_name").value == "stage:Lead"
    at.selectbox(key="definition_text_name").set_value("stage:MQL").run()
    assert at.text_area(key="definition_text_stage:MQL_0").value == dict(STAGES)["MQL"]
    assert any("History of this definition (0 changes)" in e.label for e in at.expander)
    at.text_input(key="who").set_value("Ada Lovelace")
    at.text_area(key="definition_text_stage:MQL_0").set_value(OURS)
    at.button(key="save_definition_text").click().run()
    assert not at.exception, at.exception
    today = fmt_date(dt.date.today())          # updated_at is the database clock, not the pinned 'today'
    assert any("Definition saved" in s.value for s in at.success)
    stages = _editor(at, "stages_editor").value.set_index("stage")
    assert stages.loc["MQL", "definition"] == f"{OURS} (edited by Ada Lovelace on {today})"
    assert stages.loc["SQL", "definition"] == dict(STAGES)["SQL"]                      # the others unchanged
    assert at.text_area(key="definition_text_stage:MQL_1").value == OURS
    assert any(f"OneFunnel's words: {dict(STAGES)['MQL']}" in c.value for c in at.caption)
    assert any("History of this definition (1 change)" in e.label for e in at.expander)
    assert _history(at)[["changed_by", "old_text", "new_text"]].values.tolist() == [
        ["Ada Lovelace", "(OneFunnel's words)", OURS]]
    _, log = _settings(story)
    row = log[log["key"] == "definition:stage:MQL"].iloc[-1]
    assert pd.isna(row["old_value"]) and (json.loads(row["new_value"]), row["changed_by"]) == (OURS, "Ada Lovelace")
    # back to the product's words: the table reads them again, the history has both changes
    at.button(key="reset_definition_text").click().run()
    assert not at.exception, at.exception
    assert _editor(at, "stages_editor").value.set_index("stage").loc["MQL", "definition"] == dict(STAGES)["MQL"]
    assert _history(at)[["old_text", "new_text"]].values.tolist() == [
        [OURS, "(OneFunnel's words)"], ["(OneFunnel's words)", OURS]]
    assert "reset_definition_text" not in [b.key for b in at.button]


def test_the_owner_directory_is_imported_and_edited(story):
    at = _page()
    assert any("The directory is empty" in i.value and "broken down by team, manager and region" in i.value
               for i in at.info)
    at.text_input(key="who").set_value("Ada Lovelace")
    at.file_uploader(key="owner_directory_upload_0").set_value(
        ("sales_teams.csv", (MAVEN / "sales_teams.csv").read_bytes(), "text/csv")).run()
    at.button(key="import_owner_directory").click().run()
    assert not at.exception, at.exception
    assert any("35 owners read from sales_teams.csv (35 added, 0 replaced)" in shown(s.value) for s in at.success)
    directory = _editor(at, "owner_directory_editor").value.set_index("owner")
    assert len(directory) == 35
    assert directory.loc["Anna Snelling", ["manager", "region"]].tolist() == ["Dustin Brinkmann", "Central"]
    assert not any("The directory is empty" in i.value for i in at.info)
    # add a story owner (chosen from the owners in the data) with a team only: manager and region stay empty
    at.session_state["owner_directory_editor_1"] = {
        "edited_rows": {}, "added_rows": [{"owner": "Dana Reyes", "team": "Enterprise"}], "deleted_rows": []}
    at.button(key="save_owner_directory").click().run()
    assert not at.exception, at.exception
    assert any("Owner directory saved" in s.value for s in at.success)
    directory = _editor(at, "owner_directory_editor").value.set_index("owner")
    assert len(directory) == 36 and directory.loc["Dana Reyes", "team"] == "Enterprise"
    assert directory.loc["Dana Reyes", ["manager", "region"]].isna().all()
    _, log = _settings(story)
    mine = log[(log["key"] == "owner_directory") & (log["changed_by"] == "Ada Lovelace")]
    assert len(mine) == 2
    assert {"owner": "Dana Reyes", "team": "Enterprise", "manager": None, "region": None} in json.loads(
        mine["new_value"].iloc[-1])


def test_a_bad_directory_file_is_refused_with_its_line(story):
    at = _page()
    at.file_uploader(key="owner_directory_upload_0").set_value(
        ("agents.csv", b"agent,region\nAnna Snelling,Central\n", "text/csv")).run()
    at.button(key="import_owner_directory").click().run()
    assert not at.exception, at.exception
    assert any(shown(e.value).startswith("agents.csv, line 1: no column names the owner") for e in at.error)
    assert _editor(at, "owner_directory_editor").value.empty
