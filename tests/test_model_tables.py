"""The model's tables (db.refresh_model): after every kind of write they hold exactly the rows of their live views,
and the numbers read from them change with the data. Issue 16: pages read tables, not views over the records."""

import datetime as dt
import re
import threading

import duckdb
import pandas as pd

from onefunnel import layer
from onefunnel.db import (LIVE, MODEL_DIR, MODEL_SETTINGS, connect, live_names, model_drift, model_generation,
                          refresh_model, writing)
from onefunnel.feedback import give_verdict, rejection_reasons
from onefunnel.ingest import ingest_file
from onefunnel.ingest.undo import undo_import
from onefunnel.settings_tables import save_table
from tests.conftest import run_cli

TEAMS = MODEL_DIR.parent.parent / "tests" / "fixtures" / "teams"
Q3 = dict(start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30))


def _teams(con):
    return [ingest_file(con, TEAMS / f"{n}.csv", who="test")
            for n in ("leads", "opportunities", "touches", "activities", "spend")]


def test_every_kind_of_write_leaves_the_tables_equal_to_their_views(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    assert model_drift(con) == []                      # empty workspace
    imports = _teams(con)
    assert model_drift(con) == []
    assert con.execute("select count(*) from main.leads").fetchall()[0][0] == \
        con.execute("select count(*) from lead_records").fetchall()[0][0] > 0

    # a setting the model reads: leads from source `linkedin` count under channel Social Ads
    channels = lambda: {r["value"] for r in layer.by(con, ["leads_created"], "channel", **Q3)}  # noqa: E731
    assert "linkedin" in channels() and "Social Ads" not in channels()
    save_table(con, "channel_map", pd.DataFrame([{"source": "linkedin", "channel": "Social Ads"}]), who="test")
    assert model_drift(con) == []
    assert "Social Ads" in channels() and "linkedin" not in channels()

    # a verdict patches its lead only, and the tables still equal the views
    mql = con.execute("select lead_key from leads where mql_at is not null and disqualified_at is null"
                      " order by lead_key limit 1").fetchall()[0][0]
    rejected = layer.values(con, ["mqls_rejected"], **Q3)["mqls_rejected"]
    give_verdict(con, mql, "reject", reason=rejection_reasons(con)[0], who="test")
    assert model_drift(con) == []
    assert con.execute("select verdict from leads where lead_key = ?", [mql]).fetchall()[0][0] == "reject"
    assert layer.values(con, ["mqls_rejected"], **Q3)["mqls_rejected"] == rejected + 1

    # an undo
    undo_import(con, imports[2].import_id, who="test")
    assert model_drift(con) == []
    assert con.execute("select count(*) from touches where not is_origin").fetchall()[0][0] == 0
    con.close()


def test_a_write_that_did_not_refresh_is_caught_by_the_next_reader(tmp_path):
    con = connect(tmp_path / "r.duckdb")
    _teams(con)
    con.execute("insert into channel_map values ('Paid Search', 'Search')")
    con.execute("insert into settings_log (key, old_value, new_value, changed_by) values ('channel_map', null, '[]', 't')")
    assert "lead_dims" in model_drift(con)            # the tables are stale
    held = threading.Event()
    release = threading.Event()

    def import_under_way():
        with writing():
            held.set()
            release.wait(10)

    t = threading.Thread(target=import_under_way)
    t.start()
    held.wait(10)
    assert refresh_model(con, wait=False) is None      # a reader does not wait for an import: it sees the old data
    release.set()
    t.join()
    assert refresh_model(con, wait=False) == "built"
    assert model_drift(con) == [] and refresh_model(con) is None
    con.close()


def test_goals_and_texts_do_not_rebuild_the_tables(tmp_path):
    from onefunnel.db import set_goal, set_setting

    con = connect(tmp_path / "g.duckdb")
    _teams(con)
    generation = model_generation(con)
    set_goal(con, "2026-09", 100_000, who="test")
    set_setting(con, "sla_hours", 12, who="test")
    assert model_generation(con) == generation and refresh_model(con) is None
    con.close()


def test_the_cli_ingest_leaves_fresh_tables(tmp_path):
    db = tmp_path / "cli.duckdb"
    run_cli("ingest", "--db", db, TEAMS / "leads.csv", TEAMS / "opportunities.csv", TEAMS / "touches.csv")
    raw = duckdb.connect(str(db))                      # not db.connect: that would refresh by itself
    assert raw.execute("select generation from model_state").fetchall()[0][0] == model_generation(raw)
    assert raw.execute("select count(*) from main.touches").fetchall()[0][0] > 0
    raw.close()


def test_a_database_from_before_the_tables_gets_them_on_open(tmp_path):
    db = tmp_path / "old.duckdb"
    con = connect(db)
    _teams(con)
    for name in live_names():                          # as the model was: views in main, no model_state
        con.execute(f"drop table main.{name}")
        con.execute(f"create view main.{name} as select * from {LIVE}.{name}")
    con.execute("delete from model_state")
    con.close()
    con = connect(db)
    kinds = dict(con.execute("select table_name, table_type from information_schema.tables"
                             " where table_schema = 'main'").fetchall())
    assert all(kinds[name] == "BASE TABLE" for name in live_names())
    assert model_drift(con) == []
    con.close()


def test_live_views_read_only_records_imports_verdicts_and_the_model_settings(tmp_path):
    """model_generation (and the verdict patch) must see every change a live view can see: every stored table a
    live view reads, directly or through a view in main, is a record store or a setting in MODEL_SETTINGS."""
    con = connect(tmp_path / "s.duckdb")
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'main'").fetchall()}
    views = dict(con.execute("select view_name, sql from duckdb_views() where not internal").fetchall())
    seen, todo = set(), [f"{LIVE}.{n}" for n in live_names()]
    texts = {f"{LIVE}.{n}": con.execute("select sql from duckdb_views() where schema_name = ? and view_name = ?",
                                        [LIVE, n]).fetchall()[0][0] for n in live_names()}
    read = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for ref in re.findall(r"\b(?:from|join)\s+(\w+)", texts.get(name) or views.get(name, ""), re.I):
            if ref in live_names():
                continue                                  # resolved in the live schema
            if ref in views:
                todo.append(ref)
            elif ref in tables:
                read.add(ref)
    allowed = {"lead_records", "opportunity_records", "touch_store", "activity_store", "spend_store", "imports",
               "lead_verdicts", "old_deal_decisions", *MODEL_SETTINGS,
               "lead_merges", "row_repeats"}                 # kept by imports and undos (ingest/records.py, row_sets.py)
    assert read and read <= allowed, read - allowed
    con.close()


def test_a_page_runs_check_holds_until_the_next_commit(tmp_path):
    """run_checked: after a page run checked the model (ui.cursor), its thread's later ensure_fresh calls skip the
    check; a commit of this process, or the next run (run_checked(False)), makes them check again."""
    from onefunnel.db import ensure_fresh, run_checked, set_setting

    con = connect(tmp_path / "r.duckdb")
    _teams(con)
    bypass = lambda: con.execute("insert into channel_map values ('linkedin', 'Social Ads')")  # noqa: E731
    try:
        run_checked(True)
        bypass()                                   # a write that did not refresh (nothing a page does)
        ensure_fresh(con)
        assert model_drift(con) != []              # skipped: the run already checked
        run_checked(False)
        ensure_fresh(con)
        assert model_drift(con) == []              # the next run checks, and refreshes
        run_checked(True)
        con.execute("delete from channel_map")
        set_setting(con, "stall_days", 30, who="test")   # a commit of this process
        ensure_fresh(con)
        assert model_drift(con) == []
    finally:
        run_checked(False)
        con.close()


def test_the_cache_key_changes_when_the_tables_catch_up_with_an_import(tmp_path):
    """A page that runs after an import's records are committed but before the model's tables are refreshed reads
    the old tables; its results must not be kept under the key of the refreshed state."""
    from onefunnel.db import data_version

    con = connect(tmp_path / "k.duckdb")
    ingest_file(con, TEAMS / "leads.csv", who="test", refresh=False)     # stored; the tables not yet refreshed
    between = data_version(con)
    assert refresh_model(con) == "built"
    assert data_version(con) != between
    con.close()
