"""Touches, activities and spend lines are a set (METRICS.md: de-duplicated on all fields).

An import writes its rows straight into the store and lists the hashes that repeat in
row_repeats; the views (touch_records, ...) read each distinct row once, under the import that
stored it first, and compact_repeats() deletes the extra copies after the commit (migration 006).
"""

from onefunnel.db import connect
from onefunnel.ingest import ingest_file, row_sets
from onefunnel.ingest.undo import undo_import

HEADER = "email,touched_at,channel,campaign\n"
R1 = "ada@example.com,2026-07-01 10:00,Email,news\n"
R2 = "ada@example.com,2026-07-02 10:00,Paid Search,brand\n"
R3 = "bob@example.com,2026-07-03 10:00,Events,roundtable\n"
R4 = "cy@example.com,2026-07-04 10:00,Email,news\n"


def _files(tmp_path):
    a = tmp_path / "week1.csv"
    a.write_text(HEADER + R1 + R2 + R3)
    b = tmp_path / "week2.csv"   # overlaps week 1 by two rows, and repeats its one new row
    b.write_text(HEADER + R2 + R3 + R4 + R4)
    return a, b


def _stored(con):
    return {
        "view": sorted(con.execute("select email, channel, file_name from touch_records join imports using (import_id)"
                                   ).fetchall()),
        "physical": con.execute("select count(*) from touch_store").fetchall()[0][0],
        "pending": con.execute("select count(*) from row_repeats").fetchall()[0][0],
    }


SET_AFTER_BOTH = [("ada@example.com", "Email", "week1.csv"), ("ada@example.com", "Paid Search", "week1.csv"),
                  ("bob@example.com", "Events", "week1.csv"), ("cy@example.com", "Email", "week2.csv")]


def test_an_overlapping_export_adds_only_its_new_rows(tmp_path):
    a, b = _files(tmp_path)
    con = connect(tmp_path / "x.duckdb")
    assert ingest_file(con, a).rows_new == 3
    r = ingest_file(con, b)
    assert (r.rows_read, r.rows_loaded, r.rows_new) == (4, 4, 1)
    # R2 and R3 stay under week 1, R4 is stored once; the copies are gone from the store
    assert _stored(con) == {"view": SET_AFTER_BOTH, "physical": 4, "pending": 0}
    con.close()


def test_reads_are_right_before_the_copies_are_deleted(tmp_path, monkeypatch):
    a, b = _files(tmp_path)
    leads = tmp_path / "leads.csv"   # three people without a source: every touch below is imported, none is an origin
    leads.write_text("email,created_at\nada@example.com,2026-06-01\nbob@example.com,2026-06-01\ncy@example.com,2026-06-01\n")
    con = connect(tmp_path / "x.duckdb")
    ingest_file(con, leads)
    ingest_file(con, a)
    monkeypatch.setattr(row_sets, "compact_repeats", lambda c: 0)   # as if the app stopped right after the commit
    ingest_file(con, b)
    monkeypatch.undo()
    assert _stored(con) == {"view": SET_AFTER_BOTH, "physical": 7, "pending": 3}   # R2, R3, R4 listed
    assert con.execute("select count(*) from touches").fetchall() == [(4,)]     # the metrics' view reads the set
    assert row_sets.compact_repeats(con) == 3
    assert _stored(con) == {"view": SET_AFTER_BOTH, "physical": 4, "pending": 0}
    con.close()


def test_undo_takes_back_only_the_rows_an_import_added(tmp_path, monkeypatch):
    a, b = _files(tmp_path)
    con = connect(tmp_path / "x.duckdb")
    ingest_file(con, a)
    monkeypatch.setattr(row_sets, "compact_repeats", lambda c: 0)
    second = ingest_file(con, b).import_id
    monkeypatch.undo()
    assert undo_import(con, second)["touch_records"] == 1    # R4 (its copy went first); R2, R3 are week 1's
    assert _stored(con)["view"] == SET_AFTER_BOTH[:3]
    con.close()


def test_a_file_hashed_by_another_duckdb_is_hashed_again(tmp_path):
    a, b = _files(tmp_path)
    con = connect(tmp_path / "x.duckdb")
    ingest_file(con, a)
    # as if another DuckDB version had computed h: different numbers for the same rows
    con.execute("update touch_store set h = h + 1")
    con.execute("update settings set value = to_json('v0.0.0') where key = 'row_hash_duckdb'")
    assert ingest_file(con, b).rows_new == 1
    assert _stored(con) == {"view": SET_AFTER_BOTH, "physical": 4, "pending": 0}
    assert con.execute("select value = to_json(version()) from settings where key = 'row_hash_duckdb'"
                       ).fetchall() == [(True,)]
    con.close()


def test_hashes_that_share_their_first_32_bits_are_not_repeats(tmp_path, monkeypatch):
    # Repeats are found by the hashes' 32-bit prefixes first; distinct rows whose prefixes are
    # equal (about 3,000 pairs in 5M rows) must not count as repeats.
    _, b = _files(tmp_path)
    real = row_sets.insert

    def same_prefix(con, p, rows, import_id):
        stored = real(con, p, rows, import_id)
        con.execute("update touch_store set h = (h & 4294967295::ubigint) | (12345::ubigint << 32)")
        return stored

    monkeypatch.setattr(row_sets, "insert", same_prefix)
    monkeypatch.setattr(row_sets, "compact_repeats", lambda c: 0)
    con = connect(tmp_path / "x.duckdb")
    assert ingest_file(con, b).rows_new == 3                # R2, R3, R4 (twice in the file)
    assert con.execute("select count(*) from row_repeats").fetchall() == [(1,)]   # R4's hash only
    assert sorted(con.execute("select email, channel from touch_records").fetchall()) == [
        ("ada@example.com", "Paid Search"), ("bob@example.com", "Events"), ("cy@example.com", "Email")]
    con.close()
