"""AppTest of the Data page: preview before storing, import, refusal, history."""

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, shown

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
    assert any("detected **Leads (template)**" in shown(m.value) for m in at.markdown)
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
    errors = [shown(e.value) for e in at.error]
    assert any("ragged.csv" in e and "line 2" in e and "2 fields where the header has 3" in e for e in errors), errors
    assert not [b for b in at.button if b.key == "confirm_import"]


# headers no preset knows: refused, then mapped by hand on the page
UNKNOWN = b"Deal Ref,Client,Rep,Phase,Booked\nD-1,Acme,Ann,Won,1200\nD-2,Bolt,Ben,Open,\n"


def test_map_the_columns_yourself(app_env):
    at = _data_page(app_env)
    at.file_uploader[0].set_value(("our_crm.csv", UNKNOWN, "text/csv")).run()
    assert any("no recognisable header" in e.value for e in at.error)
    assert [e.label for e in at.expander if e.label == "Map the columns yourself"]
    fid = next(b.key for b in at.button if b.key and b.key.startswith("map-save-"))[len("map-save-"):]
    assert at.text_input(key=f"map-name-{fid}").value == "our_crm"   # the file name stem, no typing needed
    # a mapping is proposed from the header words and values: opportunity records, and per field the column
    # position of the file (0 Deal Ref, 1 Client, 2 Rep, 3 Phase, 4 Booked: numbers, so the amount)
    assert at.selectbox(key=f"map-kind-{fid}").value == "opportunity"
    assert any("Proposed from the column names and values" in c.value for c in at.caption)
    for field, col in {"record_id": 0, "name": 1, "owner": 2, "stage": 3, "amount": 4, "created_at": None}.items():
        assert at.selectbox(key=f"map-{fid}-opportunity-{field}").value == col, field
    at.button(key=f"map-save-{fid}").click().run()
    assert not at.exception
    # re-checked with the new format: 2 rows (D-1 won 1200, D-2 open), nothing unused
    assert any("detected **our_crm**" in shown(m.value) and "opportunity records" in shown(m.value) for m in at.markdown)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Rows read"] == "2" and metrics["Will load"] == "2" and metrics["Rejected"] == "0"
    assert not any("Not used" in c.value for c in at.caption)
    at.button(key="confirm_import").click().run()
    assert any("our_crm.csv" in shown(s.value) and "2 rows loaded" in shown(s.value) for s in at.success)
    # the mapping is listed, can be renamed (an empty name is refused) and forgotten; what it imported stays
    assert at.selectbox(key="forget_format_0").value == "custom:our_crm"
    at.button(key="rename_format_button").click().run()
    assert any("new name" in e.value for e in at.error)
    at.text_input(key="rename_format_name_0").set_value("Our CRM deals")
    at.button(key="rename_format_button").click().run()
    assert not at.exception and not at.error
    mappings = next(d.value for d in at.dataframe if "mapping" in d.value.columns)
    assert mappings["mapping"].tolist() == ["Our CRM deals"]
    assert at.text_input(key="rename_format_name_1").value == ""
    assert at.selectbox(key="forget_format_1").value == "custom:our_crm"
    at.button(key="forget_format_button").click().run()
    assert not at.exception and not [b for b in at.button if b.key == "forget_format_button"]
    assert at.dataframe[0].value["rows_loaded"].tolist() == [2]


def test_ignored_columns_are_shown_and_the_mapping_is_pre_filled(app_env):
    at = _data_page(app_env)
    opp = b"opportunity_id,created_at,close_date,stage,amount,region\nO-1,2026-06-01,2026-07-01,Won,500,EU\n"
    at.file_uploader[0].set_value(("pipe.csv", opp, "text/csv")).run()
    assert any("detected **Opportunities (template)**" in shown(m.value) for m in at.markdown)
    assert any(shown(c.value) == "• Not used: region" for c in at.caption)
    fid = next(b.key for b in at.button if b.key and b.key.startswith("map-save-"))[len("map-save-"):]
    # pre-filled with what the template reads: opportunity_id (column 0), created_at (1) ... amount (4)
    assert at.selectbox(key=f"map-kind-{fid}").value == "opportunity"
    assert [at.selectbox(key=f"map-{fid}-opportunity-{f}").value
            for f in ("record_id", "created_at", "close_date", "stage", "amount")] == [0, 1, 2, 3, 4]
    at.selectbox(key=f"map-{fid}-opportunity-source").set_value(5)
    at.button(key=f"map-save-{fid}").click().run()
    assert any("detected **pipe**" in shown(m.value) for m in at.markdown)
    assert not any("Not used" in c.value for c in at.caption)


def test_a_loose_template_match_is_refused_and_a_mapping_proposed(app_env):
    at = _data_page(app_env)
    # opportunity_id and close_date make it the template, which would read no stage, amount or creation date
    opp = b"opportunity_id,close_date,deal_stage,close_value,engage_date\nO-1,7/20/2026,Won,500,7/1/2026\n"
    at.file_uploader[0].set_value(("pipe.csv", opp, "text/csv")).run()
    errors = [shown(e.value) for e in at.error]
    assert any("pipe.csv" in e and "only loosely: no column for stage (or is_won), amount, created_at" in e
               and "deal_stage, close_value, engage_date are not used" in e for e in errors), errors
    assert not [b for b in at.button if b.key == "confirm_import"]
    fid = next(b.key for b in at.button if b.key and b.key.startswith("map-save-"))[len("map-save-"):]
    # proposed: opportunity_id 0, close_date 1 (dates), deal_stage 2, close_value 3 (numbers), engage_date 4
    assert at.selectbox(key=f"map-kind-{fid}").value == "opportunity"
    assert [at.selectbox(key=f"map-{fid}-opportunity-{f}").value
            for f in ("record_id", "close_date", "stage", "amount", "created_at")] == [0, 1, 2, 3, 4]
    at.button(key=f"map-save-{fid}").click().run()
    assert any("detected **pipe**" in shown(m.value) for m in at.markdown)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Will load"] == "1" and metrics["Rejected"] == "0"
