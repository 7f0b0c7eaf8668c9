"""A page run reads the data's version once (ui.begin_run), not once per query, and never keeps it past a write:
a write committed by this process or a page about to write (access.writer) makes the next read fresh."""

from streamlit.testing.v1 import AppTest

from onefunnel import ui


def test_the_version_is_read_once_per_run_and_again_after_a_write(app_env, monkeypatch):
    reads = []
    real = ui.db_data_version
    monkeypatch.setattr(ui, "db_data_version", lambda con: reads.append(1) or real(con))

    def script():
        import streamlit as st

        from onefunnel import access, db, ui

        ui.begin_run()
        first = ui.data_version()
        ui.query("data_freshness")
        ui.query("data_import_history")
        st.session_state["same"] = ui.data_version() == first
        st.session_state["reads_before_write"] = None     # filled by the test from its counter
        con = ui.cursor()
        with db.transaction(con):
            con.execute("insert into settings_log (key, old_value, new_value, changed_by) values ('x', '1', '2', 't')")
        st.session_state["changed_after_commit"] = ui.data_version() != first
        access.writer("goals")
        st.session_state["after_writer"] = ui.data_version()

    at = AppTest.from_function(script).run()
    assert not at.exception
    assert at.session_state["same"] and at.session_state["changed_after_commit"]
    # one read before the write, one after the commit, one after access.writer dropped the memo
    assert len(reads) == 3
    reads.clear()
    at.run()                                    # a new run reads it again, once before its own write
    assert len(reads) == 3


def test_without_begin_run_every_call_reads_the_version(app_env, monkeypatch):
    reads = []
    real = ui.db_data_version
    monkeypatch.setattr(ui, "db_data_version", lambda con: reads.append(1) or real(con))

    def script():
        from onefunnel import ui

        ui.data_version()
        ui.data_version()

    at = AppTest.from_function(script).run()
    assert not at.exception and len(reads) == 2
