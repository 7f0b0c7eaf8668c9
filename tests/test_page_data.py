"""AppTest of the Data page: preview before storing, import, refusal, history."""

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

GOOD = b"email,created_at,source\nada@example.com,2026-07-01,Paid Search\nbob@example.com,2026-13-45,Referrals\n"
RAGGED = b"email,created_at,source\nada@example.com,2026-07-01\n"


def _data_page(app_env):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    return at


def test_preview_then_import(app_env):
    at = _data_page(app_env)
    assert not at.exception
    assert any("no data yet" in i.value for i in at.info)
    at.file_uploader[0].set_value(("leads.csv", GOOD, "text/csv")).run()
    assert any("detected **Leads (template)**" in m.value for m in at.markdown)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rows read"] == "2" and metrics["Will load"] == "1" and metrics["Rejected"] == "1"
    # nothing stored before confirming
    import duckdb
    at.button(key="confirm_import").click().run()
    assert not at.exception
    assert any("1 rows loaded (1 new), 1 rejected" in w.value for w in at.warning)
    history = at.dataframe[0].value
    assert history["rows_loaded"].tolist() == [1] and history["rows_rejected"].tolist() == [1]


def test_refused_file_is_explained_and_not_importable(app_env):
    at = _data_page(app_env)
    at.file_uploader[0].set_value(("ragged.csv", RAGGED, "text/csv")).run()
    errors = [e.value for e in at.error]
    assert any("ragged.csv" in e and "line 2" in e and "2 fields where the header has 3" in e for e in errors), errors
    assert not [b for b in at.button if b.key == "confirm_import"]
