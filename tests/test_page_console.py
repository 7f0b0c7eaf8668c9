"""AppTest of the SQL console page: a query's table and chart, a refusal as a message, a query saved by name
and reopened from the link's ?query=NAME, and deleted. Three hand-written leads (tests/test_console.py)."""

from streamlit.testing.v1 import AppTest

from onefunnel import console
from tests.conftest import ROOT, shown, load_files
from tests.test_console import LEADS

BY_OWNER = "select owner_name, count(*) as leads from lead_dims group by 1 order by 1"


def _workspace(app_env):
    leads = app_env.parent / "leads.csv"
    leads.write_text(LEADS)
    load_files(app_env, leads)


def _page(query=None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if query:
        at.query_params["query"] = query
    at.run()
    at.switch_page("pages/console.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _run(at, sql):
    at.text_area(key="console_sql").set_value(sql)
    at.button(key="console_run").click().run()
    assert not at.exception, at.exception


def test_a_query_shows_its_table_and_chart_and_a_refusal_says_why(app_env):
    _workspace(app_env)
    at = _page()
    assert any("Type one SELECT" in i.value for i in at.info)
    assert any(c.value == console.EXAMPLE for c in at.code)
    assert any(e.label == "leads" for e in at.expander)                    # the schema beside the box
    _run(at, BY_OWNER)
    assert at.dataframe[0].value.values.tolist() == [["Dana Reyes", 1], ["Marcus Webb", 2]]
    assert any(c.value.startswith("2 rows in ") for c in at.caption)
    assert any("leads by owner_name (the first text column and the first number column)" in shown(c.value)
               for c in at.caption)
    assert len(at.get("plotly_chart")) == 1
    _run(at, f"select * from read_csv('{app_env.parent / 'leads.csv'}')")
    assert [shown(e.value) for e in at.error] == [
        "Refused: The table function read_csv() reads files or URLs. Allowed table functions: funnel_members, "
        "generate_series, mql_sla, mql_sla_by_owner, range, touch_credits_between, unnest. Nothing was run."]
    assert not at.dataframe


def test_a_saved_query_reopens_from_its_link_and_can_be_deleted(app_env):
    _workspace(app_env)
    at = _page()
    _run(at, BY_OWNER)
    at.text_input(key="console_save_name").set_value("Leads by owner")
    at.text_input(key="who").set_value("Ada Lovelace")
    at.button(key="console_save").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Saved “Leads by owner”."]
    assert at.query_params["query"] == "Leads by owner"

    again = _page(query="Leads by owner")                                  # a new session opens the link
    assert again.selectbox(key="query").value == "Leads by owner"
    assert again.text_area(key="console_sql").value == BY_OWNER
    assert again.dataframe[0].value.values.tolist() == [["Dana Reyes", 1], ["Marcus Webb", 2]]
    assert any(c.value.startswith("Saved by Ada Lovelace on ") for c in again.caption)

    again.button(key="console_delete").click().run()
    assert not again.exception, again.exception
    assert [s.value for s in again.success] == ["Deleted the saved query “Leads by owner”."]
    assert again.selectbox(key="query").options == []
    gone = _page(query="Leads by owner")
    assert any("There is no saved query called “Leads by owner”" in shown(w.value) for w in gone.warning)


def test_saving_a_refused_statement_is_refused(app_env):
    _workspace(app_env)
    at = _page()
    at.text_area(key="console_sql").set_value("delete from lead_records")
    at.text_input(key="console_save_name").set_value("Wipe")
    at.button(key="console_save").click().run()
    assert [shown(e.value) for e in at.error] == [
        "Not saved: Only a SELECT (or WITH ... SELECT) runs in the console; this is a DELETE statement, "
        "which changes the workspace."]
    assert at.selectbox(key="query").options == []


def test_the_limits_are_changed_on_the_page_and_logged(app_env):
    _workspace(app_env)
    at = _page()
    at.text_input(key="who").set_value("Ada Lovelace")
    at.number_input(key="console_limit_time").set_value(5.0)
    at.text_input(key="console_limit_memory").set_value("40GB")
    at.button(key="console_save_limits").click().run()
    assert [shown(e.value) for e in at.error] == ["Not saved: the memory limit is 64MB to 8GB, got 40GB."]
    at.text_input(key="console_limit_memory").set_value("256MB")
    at.button(key="console_save_limits").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Limits saved."]
    assert "a query is stopped after 5 s or 256MB of memory" in at.caption[0].value
