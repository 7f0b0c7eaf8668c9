"""Editable tables (st.data_editor) leave the app through their toolbar's "Download as CSV" too, which exports
the cells as shown: ui.editor shows formula-like text with a leading ' (safe.cell_safe) and takes the escape
back on save, so an unedited table saves exactly what it held (issue 15 section 3)."""

import json

import pandas as pd
from streamlit.testing.v1 import AppTest

from onefunnel.safe import cell_safe
from tests.conftest import ROOT

LINK = '=HYPERLINK("https://evil.example","click")'
CMD = "+cmd|' /C calc'!A0"
SUM = "@SUM(A1:A9)"


def _editor_app():
    import pandas as pd
    import streamlit as st

    from onefunnel import ui

    data = pd.DataFrame({"source": ['=HYPERLINK("https://evil.example","click")', "Web", "@SUM(A1:A9)"],
                         "channel": ["+cmd|' /C calc'!A0", "Paid", "Paid"],
                         "note": ["plain", "-2+3", None],
                         "n": [1, -2, 3]})
    st.session_state["result"] = ui.editor(
        data, key="ed", num_rows="dynamic", disabled=["source"],
        column_config={"channel": st.column_config.SelectboxColumn(
            "Channel", options=["+cmd|' /C calc'!A0", "Paid", "=1+1"])})


def _formula_like(value) -> bool:
    return isinstance(value, str) and cell_safe(value) != value


def test_the_editor_shows_formula_text_and_options_with_a_quote():
    at = AppTest.from_function(_editor_app, default_timeout=60).run()
    assert not at.exception, at.exception
    shown = at.data_editor[0].value
    assert shown["source"].tolist() == ["'" + LINK, "Web", "'" + SUM]
    assert shown["channel"].tolist() == ["'" + CMD, "Paid", "Paid"]
    assert shown["note"].tolist()[:2] == ["plain", "'-2+3"]
    assert shown["n"].tolist() == [1, -2, 3]                       # numbers, negative ones too, untouched
    config = json.loads(at.data_editor[0].proto.columns)
    assert config["channel"]["type_config"]["options"] == ["'" + CMD, "Paid", "'=1+1"]


def test_an_unedited_editor_returns_what_it_was_given():
    at = AppTest.from_function(_editor_app, default_timeout=60).run()
    result = at.session_state["result"]
    assert result["source"].tolist() == [LINK, "Web", SUM]
    assert result["channel"].tolist() == [CMD, "Paid", "Paid"]
    assert result["note"].tolist()[:2] == ["plain", "-2+3"] and pd.isna(result["note"].iloc[2])
    assert result["n"].tolist() == [1, -2, 3]


def test_edits_are_kept_as_typed_and_picked_options_as_they_are():
    at = AppTest.from_function(_editor_app, default_timeout=60).run()
    at.session_state["ed"] = {
        "edited_rows": {1: {"channel": "'=1+1", "note": "'-2+3 edited"}, 0: {"note": "=typed()"}},
        "added_rows": [{"source": "=new()", "channel": "'" + CMD, "note": "'-2+3"}],
        "deleted_rows": [2]}
    at.run()
    assert not at.exception, at.exception
    result = at.session_state["result"]
    assert result["source"].tolist() == [LINK, "Web", "=new()"]        # the escape of a kept cell is undone
    assert result["channel"].tolist() == [CMD, "=1+1", CMD]             # an option picked is the option
    # typed text is what was typed, even when it looks like a shown escaped value of another row
    assert result["note"].tolist() == ["=typed()", "'-2+3 edited", "'-2+3"]
    assert result["n"].tolist()[:2] == [1, -2]


def test_the_definitions_page_shows_imported_stage_names_safely_and_saves_nothing_unedited(app_env, monkeypatch):
    from onefunnel import settings_tables
    from onefunnel.db import connect

    con = connect(app_env)
    try:
        settings_tables.save_table(con, "stage_map", pd.DataFrame(
            [{"stage": LINK, "is_closed": True, "is_won": True}, {"stage": "Lost", "is_closed": True, "is_won": False}]),
            "test")
        settings_tables.save_table(con, "owner_names", pd.DataFrame([{"owner": "005XX", "name": SUM}]), "test")
        settings_tables.save_table(con, "owner_directory", pd.DataFrame(
            [{"owner": "Dana", "team": CMD, "manager": None, "region": "-West"}]), "test")
        before = {t: settings_tables.read_table(con, t) for t in ("stage_map", "owner_names", "owner_directory")}
    finally:
        con.close()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/definitions.py")
    at.run()
    assert not at.exception, at.exception
    editors = {d.key.rsplit("_", 1)[0]: d for d in at.data_editor}
    raw = [(k, v) for k, d in editors.items() for col in d.value.columns for v in d.value[col] if _formula_like(v)]
    assert raw == []
    assert "'" + LINK in editors["stage_map_editor"].value["stage"].tolist()
    assert editors["owner_names_editor"].value["name"].tolist() == ["'" + SUM]
    assert editors["owner_directory_editor"].value[["team", "region"]].values.tolist() == [["'" + CMD, "'-West"]]
    for button in ("save_stage_map", "save_owner_names", "save_owner_directory"):
        at.button(key=button).click().run()
        assert not at.exception, at.exception
        assert any("nothing changed" in s.value for s in at.success), button
    from onefunnel.ui import _shared_connection

    con = _shared_connection(str(app_env)).cursor()
    try:
        for table, rows in before.items():
            assert settings_tables.read_table(con, table).equals(rows), table
    finally:
        con.close()
