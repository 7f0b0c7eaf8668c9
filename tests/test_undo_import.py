"""Taking an import back (onefunnel/ingest/undo.py, the Data page, `python -m onefunnel undo`).

Files are hand-written template CSVs; record names say what happened. The period is 2026-07-01 ..
2026-09-30 throughout.
"""

import json

import pytest
from streamlit.testing.v1 import AppTest

from onefunnel.db import connect
from onefunnel.ingest import ingest_file, records, undo
from onefunnel.ingest.undo import UndoRefused, undo_import
from tests.conftest import ROOT, load_files, run_cli, shown

PERIOD = ("--start", "2026-07-01", "--end", "2026-09-30", "--as-of", "2026-09-30", "--json")

# ---- set A: what the user meant to import -------------------------------------------------------------
A_FILES = {
    "leads_a.csv": "lead_id,email,created_at,source,campaign,mql_at,sql_at\n"
                   "L1,ada@example.com,2026-07-01,Paid Search,brand,2026-07-02,2026-07-05\n"
                   "L2,bob@example.com,2026-07-10,Referrals,,,\n",
    "opps_a.csv": "opportunity_id,name,created_at,close_date,stage,amount,email\n"
                  "O1,Ada won 1000,2026-07-06,2026-08-01,Closed Won,1000,ada@example.com\n",
    "touches_a.csv": "email,touched_at,channel,campaign\n"
                     "ada@example.com,2026-06-20,Paid Search,brand\n",
    "spend_a.csv": "date,channel,campaign,cost\n2026-07-01,Paid Search,brand,300\n",
}
# ---- B: the wrong file, one per kind; each overlaps A in one way ------------------------------------
B_FILES = {
    # a new person (cy) and a second record (L9) of ada with an earlier created_at
    "lead": ("leads_b.csv", "lead_id,email,created_at,source,mql_at\n"
                            "L9,ada@example.com,2026-06-01,Webinar,\n"
                            "L8,cy@example.com,2026-07-15,Webinar,2026-07-16\n"),
    # a second won deal
    "opportunity": ("opps_b.csv", "opportunity_id,name,created_at,close_date,stage,amount,email\n"
                                  "O2,Bob won 5000,2026-07-11,2026-09-01,Closed Won,5000,bob@example.com\n"),
    # A's touch again (stored once, under A) and a new touch of bob
    "touch": ("touches_b.csv", "email,touched_at,channel,campaign\n"
                               "ada@example.com,2026-06-20,Paid Search,brand\n"
                               "bob@example.com,2026-07-09,Paid Social,retarget\n"),
    # A's spend line again (stored once, under A), a new line, and a rejected row (no cost)
    "spend": ("spend_b.csv", "date,channel,campaign,cost\n"
                             "2026-07-01,Paid Search,brand,300\n"
                             "2026-07-02,Paid Social,retarget,700\n"
                             "2026-07-03,Paid Social,retarget,\n"),
}
TABLES = ("imports", "lead_records", "leads", "opportunity_records", "touch_records", "activity_records",
          "spend_records", "import_rejects", "settings_log")


def write(tmp_path, files: dict) -> list:
    paths = []
    for name, text in files.items():
        p = tmp_path / name
        p.write_text(text)
        paths.append(p)
    return paths


def metrics(db) -> dict:
    doc = json.loads(run_cli("metrics", "--db", db, *PERIOD).stdout)
    return {"metrics": doc["metrics"], "attribution": doc["attribution"]}


def snapshot(con) -> dict:
    return {t: sorted(con.execute(f"select * from {t}").fetchall(), key=repr) for t in TABLES}


def leads(con) -> dict:
    return {r[0]: r[1:] for r in con.execute(
        "select lead_key, created_at::date::varchar, mql_at::date::varchar, source from leads").fetchall()}


@pytest.mark.parametrize("kind", list(B_FILES))
def test_undo_b_gives_the_numbers_of_a_alone(tmp_path, kind):
    a = write(tmp_path, A_FILES)
    name, text = B_FILES[kind]
    b = write(tmp_path, {name: text})
    only_a, both = tmp_path / "only_a.duckdb", tmp_path / "both.duckdb"
    load_files(only_a, *a)
    results = load_files(both, *a, *b)
    b_id = results[-1].import_id
    con = connect(both)
    counts = undo_import(con, b_id, who="dana")
    assert con.execute("select undone_by from imports where import_id = ?", [b_id]).fetchall() == [("dana",)]
    assert con.execute("select count(*) from imports where undone_at is null").fetchall()[0][0] == 4
    con.close()
    # rows B stored: lead 2 records (L9, L8); opportunity 1 (O2); touch 1 (bob's: ada's was A's);
    # spend 1 line (700: the 300 line was A's) and 1 rejected-row note
    expected = {"lead": {"lead_records": 2, "leads": 1},   # cy disappears; ada is rebuilt from L1
                "opportunity": {"opportunity_records": 1},
                "touch": {"touch_records": 1},
                "spend": {"spend_records": 1, "import_rejects": 1}}[kind]
    assert {k: v for k, v in counts.items() if v} == expected
    after = metrics(both)
    assert after == metrics(only_a)
    # A alone, by hand: leads ada (07-01) and bob (07-10) created in P = 2; MQLs: ada = 1;
    # won: O1 1000; spend: 300
    m = after["metrics"]
    assert (m["leads_created"], m["mqls"], m["won_deals"], m["won_revenue"], m["spend"]) == (2, 1, 1, 1000, 300)


def test_undo_a_lead_file_rebuilds_the_person_from_the_remaining_record(tmp_path):
    # ada has a record in each file: L1 (created 07-05, MQL 07-10, source Paid Search) and L9
    # (created 07-01, MQL 07-20, source Webinar, imported later). Merged: the earliest dates
    # (created 07-01, MQL 07-10) and the latest record's source (Webinar).
    first, second = write(tmp_path, {
        "first.csv": "lead_id,email,created_at,source,mql_at\nL1,ada@example.com,2026-07-05,Paid Search,2026-07-10\n"
                     "L2,bob@example.com,2026-07-06,Referrals,\n",
        "second.csv": "lead_id,email,created_at,source,mql_at\nL9,ada@example.com,2026-07-01,Webinar,2026-07-20\n"})
    db = tmp_path / "x.duckdb"
    r1, r2 = load_files(db, first, second)
    con = connect(db)
    assert leads(con)["ada@example.com"] == ("2026-07-01", "2026-07-10", "Webinar")
    before = snapshot(con)
    counts = undo_import(con, r1.import_id, who="test")
    # the first file's records are gone: ada is L9 alone, bob (only in the first file) is no lead any more
    assert leads(con) == {"ada@example.com": ("2026-07-01", "2026-07-20", "Webinar")}
    assert counts["lead_records"] == 2 and counts["leads"] == 1
    assert con.execute("select record_id from lead_records").fetchall() == [("L9",)]
    log = con.execute("select old_value, new_value, changed_by from settings_log where key = ?",
                      [f"import:{r1.import_id}"]).fetchall()
    assert len(log) == 1 and log[0][2] == "test"
    assert json.loads(log[0][0])["file_name"] == "first.csv"
    assert json.loads(log[0][1]) == {"state": "undone", "removed": counts}
    # untouched: the other import's row, and everything of the second file
    assert snapshot(con)["opportunity_records"] == before["opportunity_records"]
    con.close()


def test_undo_the_later_lead_file_keeps_the_earlier_record(tmp_path):
    first, second = write(tmp_path, {
        "first.csv": "lead_id,email,created_at,source,mql_at\nL1,ada@example.com,2026-07-05,Paid Search,2026-07-10\n",
        "second.csv": "lead_id,email,created_at,source,mql_at\nL9,ada@example.com,2026-07-01,Webinar,2026-07-20\n"})
    db = tmp_path / "x.duckdb"
    _, r2 = load_files(db, first, second)
    con = connect(db)
    undo_import(con, r2.import_id)
    assert leads(con) == {"ada@example.com": ("2026-07-05", "2026-07-10", "Paid Search")}   # L1 as imported
    con.close()


def test_replaced_records_are_not_restored(tmp_path):
    # the documented limit: v2 of L1 replaced v1; taking v2 back leaves no L1 at all
    v1, v2 = write(tmp_path, {"v1.csv": "lead_id,email,created_at,source\nL1,ada@example.com,2026-07-05,Old\n",
                              "v2.csv": "lead_id,email,created_at,source\nL1,ada@example.com,2026-07-05,New\n"})
    db = tmp_path / "x.duckdb"
    _, r2 = load_files(db, v1, v2)
    con = connect(db)
    assert undo_import(con, r2.import_id)["lead_records"] == 1
    assert con.execute("select count(*) from lead_records").fetchall()[0][0] == 0
    assert con.execute("select count(*) from leads").fetchall()[0][0] == 0
    con.close()
    assert "not restored" in undo.undo_import.__doc__.lower() and "not restored" in undo.LIMITS


def test_unknown_or_already_undone_import_is_refused(tmp_path):
    (f,) = write(tmp_path, {"l.csv": "email,created_at\nada@example.com,2026-07-01\n"})
    db = tmp_path / "x.duckdb"
    (r,) = load_files(db, f)
    con = connect(db)
    with pytest.raises(UndoRefused, match="no import #99"):
        undo_import(con, 99)
    undo_import(con, r.import_id)
    with pytest.raises(UndoRefused, match="already taken back"):
        undo_import(con, r.import_id)
    con.close()


def _build(tmp_path):
    a = write(tmp_path, A_FILES)
    b = write(tmp_path, {n: t for n, t in B_FILES.values()})
    db = tmp_path / "x.duckdb"
    results = load_files(db, *a, *b)
    return db, results


def test_a_failure_after_the_first_delete_changes_nothing(tmp_path, monkeypatch):
    db, results = _build(tmp_path)
    lead_b = next(r for r in results if r.file_name == "leads_b.csv").import_id
    con = connect(db)
    before = snapshot(con)
    real = undo._delete
    calls = []

    def delete_then_fail(c, table, import_id):
        n = real(c, table, import_id)
        calls.append((table, n))
        raise RuntimeError("disk full")

    monkeypatch.setattr(undo, "_delete", delete_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        undo_import(con, lead_b, who="test")
    assert calls == [("lead_records", 2)]          # the first delete had happened
    assert snapshot(con) == before
    monkeypatch.undo()
    undo_import(con, lead_b, who="test")           # the connection is usable, the temp table gone
    con.close()


def test_a_failure_in_the_lead_rebuild_changes_nothing(tmp_path, monkeypatch):
    db, results = _build(tmp_path)
    lead_b = next(r for r in results if r.file_name == "leads_b.csv").import_id
    con = connect(db)
    before = snapshot(con)
    monkeypatch.setattr(records, "MERGE_LEADS", "insert into lead_merges select * from no_such_table")
    with pytest.raises(Exception, match="no_such_table"):
        undo_import(con, lead_b)
    assert snapshot(con) == before
    con.close()


def test_cli_undo(tmp_path):
    db, results = _build(tmp_path)
    spend_b = next(r for r in results if r.file_name == "spend_b.csv").import_id
    out = run_cli("undo", "--db", db, spend_b).stdout
    assert f"import #{spend_b} (spend_b.csv) taken back" in out and "1 spend_records" in out
    again = run_cli("undo", "--db", db, spend_b, check=False)
    assert again.returncode == 2 and "already taken back" in again.stderr
    assert run_cli("undo", "--db", db, 999, check=False).returncode == 2
    # spend in P: A's 300 only (B's 700 removed, the 300 line was A's)
    assert metrics(db)["metrics"]["spend"] == 300


def test_data_page_take_back_flow(app_env, tmp_path):
    a = write(tmp_path, A_FILES)
    name, text = B_FILES["lead"]
    b = write(tmp_path, {name: text})
    results = load_files(app_env, *a, *b)
    b_id = results[-1].import_id
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception
    pick = next(s for s in at.selectbox if s.key.startswith("undo_pick-"))
    assert pick.value is None                      # nothing preselected: the wrong import is not one click away
    assert len(pick.options) == 5 and pick.options[0].startswith(f"#{b_id} ")   # newest first
    assert next(c for c in at.checkbox if c.key.startswith("undo_sure-")).disabled
    pick.set_value(b_id).run()
    assert any("not restored" in w.value for w in at.warning)
    go = next(b for b in at.button if b.key.startswith("undo_go-"))
    assert go.disabled                             # confirmation first
    next(c for c in at.checkbox if c.key.startswith("undo_sure-")).check().run()
    go = next(b for b in at.button if b.key.startswith("undo_go-"))
    assert not go.disabled
    go.click().run()
    assert not at.exception
    assert any(f"Import #{b_id} **leads_b.csv** was taken back" in shown(s.value) and "2 lead records" in s.value
               and "1 lead of a person with no record left" in s.value for s in at.success), [s.value for s in at.success]
    history = at.dataframe[0].value
    status = dict(zip(history["#"], history["status"]))
    assert status[b_id].startswith("taken back") and status[b_id].endswith("by app user")
    assert [s for i, s in status.items() if i != b_id] == ["stored"] * 4
    pick = next(s for s in at.selectbox if s.key.startswith("undo_pick-"))
    assert not any(o.startswith(f"#{b_id} ") for o in pick.options) and len(pick.options) == 4
    assert not next(c for c in at.checkbox if c.key.startswith("undo_sure-")).value   # reset for the next one
