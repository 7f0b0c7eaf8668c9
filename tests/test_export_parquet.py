"""`python -m onefunnel export --parquet DIR` (issue 17): every canonical table as Parquet, row for row the
same as DuckDB reads it; an empty workspace exits 1 and writes nothing; DIR is never half-written."""

from __future__ import annotations

import duckdb
import pytest

from tests.conftest import ROOT, load_files, run_cli

STORY = ROOT / "tests" / "story"
Q3 = [STORY / "q3_core" / f for f in ("leads.csv", "opportunities.csv", "touches.csv", "spend.csv")]


def test_export_writes_every_table_with_the_same_rows(tmp_path):
    from onefunnel.export import TABLES

    db = tmp_path / "q3.duckdb"
    load_files(db, *Q3)
    out = tmp_path / "pq"
    proc = run_cli("export", "--db", db, "--parquet", out)
    assert f"{len(TABLES)} tables" in proc.stdout
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.parquet" for t in TABLES)
    con = duckdb.connect(str(db), read_only=True)
    try:
        for t in TABLES:
            want = con.execute(f"select * from {t} except all select * from read_parquet('{out / t}.parquet')").fetchall()
            back = con.execute(f"select * from read_parquet('{out / t}.parquet') except all select * from {t}").fetchall()
            assert want == [] and back == [], t
    finally:
        con.close()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".pq.")] == []   # no temp folder left


def test_export_of_an_empty_workspace_exits_1_and_writes_nothing(tmp_path):
    out = tmp_path / "pq"
    proc = run_cli("export", "--db", tmp_path / "empty.duckdb", "--parquet", out, check=False)
    assert proc.returncode == 1
    assert "no data" in proc.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".pq.")] == []


def test_a_failed_export_leaves_the_previous_one_whole(tmp_path, monkeypatch):
    from onefunnel import export
    from onefunnel.db import connect

    db = tmp_path / "q3.duckdb"
    load_files(db, *Q3)
    out = tmp_path / "pq"
    con = connect(db)
    try:
        export.export_parquet(con, out)
        before = sorted(p.name for p in out.iterdir())
        monkeypatch.setattr(export, "TABLES", export.TABLES + ["no_such_table"])
        with pytest.raises(duckdb.Error):
            export.export_parquet(con, out)
    finally:
        con.close()
    assert sorted(p.name for p in out.iterdir()) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".pq.")] == []
