"""The SQL console (onefunnel/console.py) and `python -m onefunnel sql`: what runs, what is refused and why,
the time and memory limits, the snapshot it reads while another connection holds the database file, the
schema of the canonical views, saved queries. The workspace is three hand-written leads and one call.

The attack tests run against a database this module holds open read-write, as the app does; the last test
checks that after all of them the workspace's tables, the snapshot file and the folder are as they were."""

import hashlib
import json
import time

import duckdb
import pandas as pd
import pytest

from onefunnel import console
from onefunnel.db import connect, get_setting, set_setting
from tests.conftest import load_files, run_cli

LEADS = """lead_id,email,created_at,company,source,campaign,owner,mql_at,sql_at
L1,ada@example.com,2026-07-01 09:00,Analytical Engines,Paid Search,brand,Dana Reyes,2026-07-02 10:00,2026-07-03 09:00
L2,grace@example.com,2026-07-03 10:00,Compilers Inc,Webinar,launch,Marcus Webb,2026-07-04 08:00,
L3,edsger@example.com,2026-07-05 11:00,Semaphores BV,,,Marcus Webb,,
"""
# ada's MQL is called 2 hours later (met); grace's MQL is never called (breached by 2026-07-31)
ACTIVITIES = "email,at,type,owner\nada@example.com,2026-07-02 12:00,call,Dana Reyes\n"

FOREVER = "select count(*) from range(1000000) a, range(1000000) b"
HUGE_SORT = ("select a.range, b.range, repeat('x', 100) as s from range(1000000) a, range(100000) b "
             "order by s, a.range desc")   # 10^11 rows of 100 bytes: terabytes to sort


def _files(folder):
    return sorted((str(p.relative_to(folder)), p.stat().st_size) for p in folder.rglob("*") if p.is_file())


def _contents(con) -> dict:
    tables = [r[0] for r in con.execute("select table_name from duckdb_tables() where database_name = "
                                        "current_database() and not temporary order by 1").fetchall()]
    return {t: con.execute(f'select * from "{t}" order by all').fetchall() for t in tables}


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    """The workspace, held open read-write like the app holds it; its snapshot; the state before any attack."""
    folder = tmp_path_factory.mktemp("console")
    (folder / "leads.csv").write_text(LEADS)
    (folder / "activities.csv").write_text(ACTIVITIES)
    db = folder / "workspace.duckdb"
    load_files(db, folder / "leads.csv", folder / "activities.csv")
    con = connect(db)
    snap = console.snapshot(con, db)

    class W:
        pass

    w = W()
    w.folder, w.db, w.con, w.snap = folder, db, con, snap
    w.tables_before, w.files_before, w.snap_before = _contents(con), _files(folder), _digest(snap)
    yield w
    con.close()


def refused(ws, sql) -> str:
    with pytest.raises(console.Refused) as caught:
        console.run(sql, ws.snap)
    return str(caught.value)


# ---- what runs -----------------------------------------------------------------------------------------

def test_a_select_over_the_canonical_views(ws):
    r = console.run("select lead_key, channel, owner_name from lead_dims order by lead_key", ws.snap)
    assert (r.names(), list(r.rows()), r.truncated) == (
        ["lead_key", "channel", "owner_name"],
        [("ada@example.com", "Paid Search", "Dana Reyes"), ("edsger@example.com", "(none)", "Marcus Webb"),
         ("grace@example.com", "Webinar", "Marcus Webb")], False)


def test_a_with_select_and_a_table_macro_of_the_model(ws):
    r = console.run("with s as (select * from mql_sla(24, date '2026-07-31')) "
                    "select lead_key, response_hours, sla_status from s order by lead_key", ws.snap)
    assert list(r.rows()) == [("ada@example.com", 2.0, "met"), ("grace@example.com", None, "breached")]


def test_rows_are_capped_and_the_cap_is_said(ws):
    r = console.run("select range as n from range(25)", ws.snap, max_rows=10)
    assert (r.table.num_rows, r.truncated, list(r.rows())[-1]) == (10, True, (9,))
    assert console.run("select range as n from range(25)", ws.snap, max_rows=25).truncated is False


def test_the_chart_takes_the_first_text_and_the_first_number_column(ws):
    r = console.run("select 1 as n, owner_name, count(*) as leads, 'x' as note from lead_dims group by 2 order by 2",
                    ws.snap)
    assert r.chart_columns() == ("owner_name", "n")
    assert console.run("select lead_key from leads", ws.snap).chart_columns() is None


# ---- refusals: each says why, and nothing runs ----------------------------------------------------------------

def test_two_statements_in_one_string(ws):
    assert "One statement at a time: this text holds 2 statements" in refused(ws, "select 1; drop table leads")


def test_copy_to_a_file(ws):
    target = ws.folder / "leads_out.csv"
    reason = refused(ws, f"copy leads to '{target}'")
    assert "this is a COPY statement, which reads or writes files" in reason
    assert not target.exists()


def test_attach(ws):
    other = ws.folder / "other.duckdb"
    assert "this is a ATTACH statement, which opens another database file" in refused(ws, f"attach '{other}' as other")
    assert not other.exists()


@pytest.mark.parametrize("sql", ["install httpfs", "load httpfs"])
def test_install_and_load(ws, sql):
    assert "this is a LOAD statement, which installs or loads an extension" in refused(ws, sql)


@pytest.mark.parametrize("sql, kind, why", [
    ("set memory_limit = '64GB'", "SET", "changes a setting"),
    ("reset memory_limit", "SET", "changes a setting"),
    ("pragma enable_profiling", "PRAGMA", "runs a pragma"),
])
def test_set_reset_pragma(ws, sql, kind, why):
    assert f"this is a {kind} statement, which {why}" in refused(ws, sql)


@pytest.mark.parametrize("function", ["read_csv", "read_text", "read_parquet", "glob"])
@pytest.mark.parametrize("where", ["path", "url"])
def test_reading_a_file_or_url(ws, function, where):
    target = str(ws.folder / "leads.csv") if where == "path" else "https://example.com/leads.csv"
    reason = refused(ws, f"select * from {function}('{target}')")
    assert reason.startswith(f"The table function {function}() reads files or URLs.")


def test_a_file_named_as_a_table(ws):
    assert "looks like a file or a URL" in refused(ws, f"select * from '{ws.folder / 'leads.csv'}'")


@pytest.mark.parametrize("sql, kind", [
    ("create table stolen as select * from leads", "CREATE"),
    ("insert into settings (key, value) values ('sla_hours', '1')", "INSERT"),
    ("delete from lead_records", "DELETE"),
    ("drop view leads", "DROP"),
    ("update settings set value = '1' where key = 'sla_hours'", "UPDATE"),
])
def test_changes_to_the_workspace(ws, sql, kind):
    assert f"this is a {kind} statement, which changes the workspace" in refused(ws, sql)


@pytest.mark.parametrize("sql, words", [
    ("select current_setting('memory_limit')", "current_setting() reads DuckDB's settings"),
    ("select * from duckdb_settings()", "duckdb_settings() reads or changes DuckDB's settings"),
    ("select * from query('select 1')", "query() runs SQL held in a string"),
])
def test_settings_and_sql_in_a_string(ws, sql, words):
    assert words in refused(ws, sql)


def test_text_that_is_not_sql(ws):
    assert refused(ws, "selec lead_key from leads").startswith("DuckDB cannot read this as SQL")
    assert refused(ws, "  -- nothing but a comment") == "There is no statement to run: type one SELECT."


# ---- the sandbox on its own refuses too (the check is not the only wall) --------------------------------------

@pytest.mark.parametrize("sql", [
    "select * from read_text('{leads}')",
    "copy (select 1) to '{folder}/out.csv'",
    "attach '{folder}/other.duckdb' as other",
    "create table t as select 1",
    "set memory_limit = '64GB'",
    "load httpfs",
])
def test_the_sandbox_alone_refuses(ws, sql):
    box = console.sandbox(ws.snap)
    try:
        with pytest.raises(duckdb.Error):
            box.execute(sql.format(leads=ws.folder / "leads.csv", folder=ws.folder)).fetchall()
    finally:
        box.close()
    assert not (ws.folder / "out.csv").exists() and not (ws.folder / "other.duckdb").exists()


def test_a_dataframe_in_the_callers_scope_is_not_a_table(ws):
    secret_frame = pd.DataFrame({"password": ["hunter2"]})   # noqa: F841 - what a replacement scan would read
    with pytest.raises(console.QueryFailed, match="Table with name secret_frame does not exist"):
        console.run("select * from secret_frame", ws.snap)
    box = console.sandbox(ws.snap)    # even in this process, with the frame in scope
    try:
        with pytest.raises(duckdb.CatalogException, match="secret_frame"):
            box.execute("select * from secret_frame").fetchall()
    finally:
        box.close()


# ---- limits ------------------------------------------------------------------------------------------------------

def test_a_query_that_runs_forever_is_interrupted_at_the_time_limit(ws):
    start = time.monotonic()
    with pytest.raises(console.TimedOut, match="time limit of 1 s"):
        console.run(FOREVER, ws.snap, console.Limits(time_limit_s=1))
    # the query never ends by itself: returning at all is the interrupt; the bound only catches a limit ignored
    # (generous, the machine is shared)
    assert time.monotonic() - start < 20


def test_a_cross_join_of_terabytes_is_stopped_by_the_memory_cap_and_the_next_query_runs(ws):
    with pytest.raises(console.OverMemory, match="more memory than the console's limit of 512MB"):
        console.run(HUGE_SORT, ws.snap, console.Limits(time_limit_s=30))
    assert list(console.run("select count(*) from leads", ws.snap).rows()) == [(3,)]


def test_the_limits_are_settings(ws, tmp_path):
    con = connect(tmp_path / "limits.duckdb")
    try:
        assert console.limits(con) == console.Limits(10.0, "512MB", 1)
        set_setting(con, "console_time_limit_s", 3, who="test")
        set_setting(con, "console_memory_limit", "lots", who="test")     # does not read: the default stays
        assert console.limits(con) == console.Limits(3.0, "512MB", 1)
        assert console.limits(con, time_limit_s=1.5).time_limit_s == 1.5
        console.set_limits(con, 20, "1GB", 1, who="Ada")
        assert console.limits(con) == console.Limits(20.0, "1GB", 1)
        for bad in [(0.5, "1GB", 1), (20, "32GB", 1), (20, "1 lot", 1), (20, "1GB", 999)]:
            with pytest.raises(ValueError):
                console.set_limits(con, *bad, who="Mallory")
        assert console.limits(con) == console.Limits(20.0, "1GB", 1)
        assert con.execute("select changed_by from settings_log where key = 'console_memory_limit' "
                           "order by changed_at desc, rowid desc limit 1").fetchone() == ("Ada",)
    finally:
        con.close()


# ---- the snapshot -----------------------------------------------------------------------------------------------------

def test_the_snapshot_is_taken_again_when_the_data_changes(tmp_path):
    (tmp_path / "leads.csv").write_text(LEADS)
    db = tmp_path / "w.duckdb"
    load_files(db, tmp_path / "leads.csv")
    con = connect(db)
    try:
        first = console.snapshot(con, db)
        assert console.snapshot(con, db) == first                      # same data: the same file
        (tmp_path / "more.csv").write_text("lead_id,email,created_at\nL9,barbara@example.com,2026-07-09 09:00\n")
        from onefunnel.ingest import ingest_file
        ingest_file(con, tmp_path / "more.csv", who="test")
        second = console.snapshot(con, db)
        assert second != first and not first.exists()
        assert list(console.run("select count(*) from leads", second).rows()) == [(4,)]
        assert console.latest_snapshot(db) == second
    finally:
        con.close()


def test_taking_a_snapshot_keeps_the_lock_on_the_database(tmp_path):
    db = tmp_path / "held.duckdb"
    con = connect(db)
    try:
        console.snapshot(con, db)          # the file copy must not drop this process's lock on db
        proc = run_cli("goal", "--db", db, "--month", "2026-07", "--amount", "1", check=False)
    finally:
        con.close()
    assert proc.returncode == 2 and "in use by another OneFunnel process" in proc.stderr


def test_the_database_copy_path_gives_the_same_rows(ws, tmp_path):
    part = tmp_path / "copied.duckdb"
    console._copy_database(ws.con, part)
    assert (list(console.run("select * from lead_dims order by all", part).rows())
            == list(console.run("select * from lead_dims order by all", ws.snap).rows()))


# ---- schema ------------------------------------------------------------------------------------------------------------

def test_the_schema_names_every_view_with_its_columns_and_sentence(ws):
    views = {v["title"]: v for v in console.schema(ws.con)}
    assert views["leads"]["sentence"] == 'One row per person (METRICS.md "One person, one lead").'
    assert views["leads"]["columns"][:3] == [("lead_key", "VARCHAR"), ("email", "VARCHAR"), ("created_at", "TIMESTAMP")]
    assert views["mql_sla(sla_hours, as_of)"]["kind"] == "table macro"
    assert views["mql_sla(sla_hours, as_of)"]["columns"][-1] == ("sla_status", "VARCHAR")
    # one comment for several views: each gets its sentence
    assert views["activity_records"]["sentence"].startswith("The stored rows of each kind as a set")
    assert views["quota_days"]["sentence"].startswith("Each monthly goal (and each owner's monthly quota)")
    assert "model_credit" not in " ".join(views)                      # a scalar macro is no table
    assert all(v["columns"] and v["sentence"] for v in views.values())


# ---- saved queries -------------------------------------------------------------------------------------------------------

def test_saved_queries_are_saved_replaced_and_deleted_with_a_log(tmp_path):
    con = connect(tmp_path / "saved.duckdb")
    try:
        assert console.save_query(con, "Leads by channel", "select channel, count(*) from lead_dims group by 1",
                                  who="Ada") is True
        assert console.save_query(con, "Leads by channel", "select channel, count(*) from lead_dims group by 1",
                                  who="Ada") is False                     # the same text: nothing logged
        console.save_query(con, "Leads by channel", "select channel from lead_dims", who="Grace")
        assert con.execute("select name, sql, author from saved_queries").fetchall() == [
            ("Leads by channel", "select channel from lead_dims", "Grace")]
        assert console.delete_query(con, "Leads by channel", who="Edsger") is True
        assert console.delete_query(con, "Leads by channel", who="Edsger") is False
        log = con.execute("select old_value, new_value, changed_by from settings_log "
                          "where key = 'saved_query:Leads by channel' order by changed_at, rowid").fetchall()
        assert [(json.loads(o) if o else None, json.loads(n) if n else None, who) for o, n, who in log] == [
            (None, "select channel, count(*) from lead_dims group by 1", "Ada"),
            ("select channel, count(*) from lead_dims group by 1", "select channel from lead_dims", "Grace"),
            ("select channel from lead_dims", None, "Edsger")]
        with pytest.raises(console.Refused):
            console.save_query(con, "Wipe", "delete from lead_records", who="Mallory")
        with pytest.raises(ValueError, match="name"):
            console.save_query(con, "<img src=x>", "select 1", who="Mallory")
        assert con.execute("select count(*) from saved_queries").fetchone() == (0,)
        assert get_setting(con, "console_time_limit_s") == 10
    finally:
        con.close()


# ---- the CLI ---------------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cli_db(tmp_path_factory):
    """A workspace no process holds (the CLI opens it, takes its snapshot and closes it)."""
    folder = tmp_path_factory.mktemp("cli")
    (folder / "leads.csv").write_text(LEADS)
    db = folder / "cli.duckdb"
    load_files(db, folder / "leads.csv")
    return db


def test_cli_prints_csv_with_a_header(cli_db):
    proc = run_cli("sql", "select lead_key, company, mql_at from leads order by lead_key", "--db", cli_db)
    assert proc.stdout == ("lead_key,company,mql_at\n"
                           "ada@example.com,Analytical Engines,2026-07-02 10:00:00\n"
                           "edsger@example.com,Semaphores BV,\n"
                           "grace@example.com,Compilers Inc,2026-07-04 08:00:00\n")


def test_cli_prints_json_objects(cli_db):
    proc = run_cli("sql", "select lead_key, sql_at is not null as is_sql, 1.5 as score from leads order by 1 limit 2",
                   "--db", cli_db, "--format", "json")
    assert json.loads(proc.stdout) == [{"lead_key": "ada@example.com", "is_sql": True, "score": 1.5},
                                       {"lead_key": "edsger@example.com", "is_sql": False, "score": 1.5}]


def test_cli_refuses_with_exit_2_and_runs_nothing(tmp_path):
    (tmp_path / "leads.csv").write_text(LEADS)
    db = tmp_path / "r.duckdb"
    load_files(db, tmp_path / "leads.csv")
    before = _files(tmp_path)
    proc = run_cli("sql", "drop table lead_records", "--db", db, check=False)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.startswith("refused: Only a SELECT (or WITH ... SELECT) runs in the console; this is a DROP")
    assert _files(tmp_path) == before                                  # not even a snapshot was taken


def test_cli_stops_a_query_past_the_time_limit_with_exit_3(cli_db):
    start = time.monotonic()
    proc = run_cli("sql", FOREVER, "--db", cli_db, "--time-limit", "1", check=False)
    assert (proc.returncode, proc.stdout) == (3, "")
    assert "stopped: The query ran past the console's time limit of 1 s" in proc.stderr
    assert time.monotonic() - start < 10                                 # a process start included


def test_cli_reads_the_apps_snapshot_while_the_app_holds_the_file(ws):
    proc = run_cli("sql", "select count(*) as leads from leads", "--db", ws.db)
    assert proc.stdout == "leads\n3\n"
    assert "another OneFunnel process holds" in proc.stderr and "reading the SQL console snapshot" in proc.stderr


def test_cli_prints_the_schema(cli_db):
    views = json.loads(run_cli("sql", "--schema", "--format", "json", "--db", cli_db).stdout)
    leads = next(v for v in views if v["view"] == "leads")
    assert leads["description"] == 'One row per person (METRICS.md "One person, one lead").'
    assert leads["columns"][0] == {"name": "lead_key", "type": "VARCHAR"}


# ---- after everything above ------------------------------------------------------------------------------------------------

def test_after_the_attacks_the_workspace_and_the_files_are_as_they_were(ws):
    for sql in ["select 1; drop table leads", f"copy leads to '{ws.folder}/x.csv'", "delete from lead_records",
                f"select * from read_text('{ws.folder}/leads.csv')", "drop view leads", "set threads = 64"]:
        with pytest.raises(console.Refused):
            console.run(sql, ws.snap)
    assert _contents(ws.con) == ws.tables_before
    assert _digest(ws.snap) == ws.snap_before
    assert _files(ws.folder) == ws.files_before
