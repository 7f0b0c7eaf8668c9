"""The database file and the CLI around it: migrations, the lock message, goals, errors."""

import json

from onefunnel.db import connect, get_setting, set_goal, set_setting
from tests.conftest import run_cli


def test_migrations_apply_once_and_are_recorded(tmp_path):
    db = tmp_path / "m.duckdb"
    con = connect(db)
    versions = [r[0] for r in con.execute("select version from schema_migrations order by 1").fetchall()]
    assert versions and versions[0] == "001_init"
    con.close()
    con = connect(db)   # second open: nothing re-applied, nothing fails
    assert [r[0] for r in con.execute("select version from schema_migrations order by 1").fetchall()] == versions
    con.close()


def test_a_second_process_gets_a_clear_message_when_the_file_is_locked(tmp_path):
    db = tmp_path / "locked.duckdb"
    holder = connect(db)          # this process holds the file read-write
    try:
        proc = run_cli("metrics", "--db", db, "--start", "2026-01-01", "--end", "2026-01-31", "--json", check=False)
    finally:
        holder.close()
    assert proc.returncode == 2
    assert "in use by another OneFunnel process" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_goal_command_sets_and_logs_the_goal(tmp_path):
    db = tmp_path / "g.duckdb"
    run_cli("goal", "--db", db, "--month", "2026-07", "--amount", "31000")
    run_cli("goal", "--db", db, "--month", "2026-07", "--amount", "62000")
    out = json.loads(run_cli("metrics", "--db", db, "--start", "2026-07-01", "--end", "2026-07-31", "--json").stdout)
    assert out["metrics"]["revenue_goal"] == 62000        # the whole month: 62000 x 31/31
    con = connect(db)
    log = con.execute("select old_value, new_value, changed_by from settings_log where key = 'goal:2026-07' "
                      "order by changed_at").fetchall()
    con.close()
    assert [(json.loads(o) if o else None, json.loads(n), who) for o, n, who in log] == [
        (None, 31000, "cli"), (31000, 62000, "cli")]


def test_goal_command_refuses_a_bad_month(tmp_path):
    proc = run_cli("goal", "--db", tmp_path / "g.duckdb", "--month", "2026-13", "--amount", "1", check=False)
    assert proc.returncode == 2 and "YYYY-MM" in proc.stderr


def test_metrics_refuses_a_period_that_ends_before_it_starts(tmp_path):
    proc = run_cli("metrics", "--db", tmp_path / "e.duckdb", "--start", "2026-02-01", "--end", "2026-01-01",
                   "--json", check=False)
    assert proc.returncode == 2 and "before it starts" in proc.stderr


def test_settings_changes_are_logged_with_who(con):
    set_setting(con, "sla_hours", 8, who="dana")
    set_setting(con, "sla_hours", 8, who="dana")     # unchanged: not logged twice
    assert get_setting(con, "sla_hours") == 8
    rows = con.execute("select old_value, new_value, changed_by from settings_log where key = 'sla_hours'").fetchall()
    assert [(json.loads(o), json.loads(n), w) for o, n, w in rows] == [(24, 8, "dana")]
    set_goal(con, "2026-01", 100.0, who="eli")
    assert con.execute("select amount from goals").fetchall() == [(100.0,)]


def test_empty_database_gives_zero_counts_and_null_rates(tmp_path):
    out = json.loads(run_cli("metrics", "--db", tmp_path / "empty.duckdb", "--start", "2026-07-01",
                             "--end", "2026-09-30", "--json").stdout)
    m = out["metrics"]
    assert m["leads_created"] == 0 and m["won_revenue"] == 0 and m["revenue_goal"] == 0
    assert m["lead_to_mql_rate"] is None and m["win_rate"] is None and m["goal_attainment"] is None
    assert out["attribution"]["linear"] == {"by_channel": {}, "by_campaign": {}}
    assert out["by_owner"] == {"opportunity_owners": [], "lead_owners": []}


def _database_before(db, version: str):
    """A database file as the code before migration `version` left it (an open connection)."""
    import duckdb

    from onefunnel.db import MIGRATIONS_DIR

    old = duckdb.connect(str(db))
    old.execute("create table schema_migrations (version varchar primary key, applied_at timestamp)")
    for f in sorted(MIGRATIONS_DIR.glob("*.sql")):
        if f.stem < version:
            for stmt in duckdb.extract_statements(f.read_text()):
                old.execute(stmt)
            old.execute("insert into schema_migrations values (?, now())", [f.stem])
    return old


def test_a_database_from_before_migration_005_keeps_its_people(tmp_path):
    # A file written by the old code: a `leads` table with one merged row per person. After
    # migration 005 the `leads` view must read the same people, and a new import must merge
    # with them as before.
    db = tmp_path / "old.duckdb"
    old = _database_before(db, "005")
    # Ada has a HubSpot and a Salesforce record (merged: earliest date, latest source); Bob has one.
    old.execute("""insert into lead_records (source_system, record_id, lead_key, email, created_at, source,
                                             import_id, seq) values
        ('hubspot', '1', 'ada@example.com', 'ada@example.com', '2026-07-05', 'Paid Search', 1, 10000000001),
        ('salesforce', '00Q1', 'ada@example.com', 'ada@example.com', '2026-07-01', 'Webinar', 2, 20000000001),
        ('hubspot', '2', 'bob@example.com', 'bob@example.com', '2026-07-09', 'Referrals', 1, 10000000002)""")
    old.execute("select nextval('import_id_seq'), nextval('import_id_seq')")   # imports 1 and 2 were taken
    old.execute("""insert into leads (lead_key, email, created_at, source) values
        ('ada@example.com', 'ada@example.com', '2026-07-01', 'Webinar'),
        ('bob@example.com', 'bob@example.com', '2026-07-09', 'Referrals')""")
    old.close()

    con = connect(db)
    people = "select lead_key, created_at::date::varchar, source from leads order by 1"
    assert con.execute(people).fetchall() == [("ada@example.com", "2026-07-01", "Webinar"),
                                              ("bob@example.com", "2026-07-09", "Referrals")]
    assert con.execute("select lead_key from lead_merges").fetchall() == [("ada@example.com",)]
    assert con.execute("select record_id, is_sole from lead_records order by 1").fetchall() == [
        ("00Q1", False), ("1", False), ("2", True)]
    con.close()

    # a new record for Bob, imported after the upgrade, merges with his old one
    f = tmp_path / "bob.csv"
    f.write_text("lead_id,email,created_at,source\nT9,bob@example.com,2026-07-03,Events\n")
    from onefunnel.ingest import ingest_file
    con = connect(db)
    ingest_file(con, f)
    assert con.execute(people).fetchall() == [("ada@example.com", "2026-07-01", "Webinar"),
                                              ("bob@example.com", "2026-07-03", "Events")]
    con.close()


def test_migration_007_keeps_old_content_hashes_under_their_algorithm(tmp_path):
    from onefunnel.ingest import ingest_file

    db = tmp_path / "old.duckdb"
    old = _database_before(db, "007")
    old.execute("select nextval('import_id_seq')")
    old.execute("insert into imports (import_id, file_name, content_sha256, format, record_kind, rows_read, "
                "rows_loaded, rows_new, rows_rejected, rows_skipped) "
                "values (1, 'old.csv', 'ab12', 'template_touches', 'touch', 0, 0, 0, 0, 0)")
    old.close()
    con = connect(db)
    assert con.execute("select content_hash from imports").fetchall() == [("sha256:ab12",)]
    f = tmp_path / "t.csv"
    f.write_text("email,touched_at,channel,campaign\nada@example.com,2026-07-01 10:00,Email,news\n")
    ingest_file(con, f)
    second = ingest_file(con, f)   # the same bytes again: told apart by the new hash
    assert any("identical to import #2" in n for n in second.notes)
    (new,) = con.execute("select content_hash from imports where import_id = 2").fetchall()[0]
    assert new.startswith("xxh3_128:") and len(new) == len("xxh3_128:") + 32
    con.close()


def test_migration_010_lower_cases_the_activity_types_stored_before(tmp_path):
    # Activities imported by the code before 010 kept the export's spelling. After it, `Meeting`
    # is `meeting`, and two rows that differed only by the spelling are one activity.
    from onefunnel.ingest import ingest_file

    db = tmp_path / "old.duckdb"
    old = _database_before(db, "010")
    cols = "email, lead_ref, lead_ref_system, activity_at, type, owner"
    old.execute(f"""insert into activity_store ({cols}, import_id, h)
        select *, 1, hash({cols}) from (values
            ('ada@example.com', null::varchar, null::varchar, timestamp '2026-07-02 09:00', 'Meeting', 'Dana'),
            ('ada@example.com', null, null, timestamp '2026-07-02 09:00', 'meeting', 'Dana'),
            ('bob@example.com', null, null, timestamp '2026-07-02 10:00', 'CALL', 'Marcus')) t({cols})""")
    old.execute("select nextval('import_id_seq')")   # import 1 was taken
    old.close()

    con = connect(db)
    assert sorted(con.execute("select email, type from activity_records").fetchall()) == [
        ("ada@example.com", "meeting"), ("bob@example.com", "call")]
    # the hashes are those the import computes: the same meeting imported again is no new row
    f = tmp_path / "again.csv"
    f.write_text("email,at,type,owner\nada@example.com,2026-07-02 09:00,MEETING,Dana\n")
    assert ingest_file(con, f).rows_new == 0
    assert con.execute("select count(*) from activity_store").fetchall() == [(2,)]   # the copy went
    con.close()
