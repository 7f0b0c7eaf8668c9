"""`python -m onefunnel backup DIR` and `restore DIR` (onefunnel/backup.py): a consistent backup while the app's
process holds the database and writes to it, a restore that gives the same numbers, and a restore refused while
the database is in use.

Numbers: the leadership story (tests/fixtures/leadership/README.md) wins 35000 in 2026-Q3 (P-O1 20000, P-O2
10000, P-O5 5000) against a goal of 31000 + 31000 + 30000 = 92000.
"""

import json
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, run_cli
from tests.fixtures.leadership.story import load_story

# the app's process as far as the database goes: ui._shared_connection opens the file and starts the backup
# agent; then it keeps writing, one goal change per transaction (goal and its log line together)
HOLDER = """
import sys, time
from onefunnel import ui
from onefunnel.db import set_goal
con = ui._shared_connection(sys.argv[1])
cur = con.cursor()
print("ready", flush=True)
n = 0
while True:
    n += 1
    set_goal(cur, "2027-01", n * 1000.0, who="writer")
    time.sleep(0.002)
"""


def _q3(db) -> dict:
    out = run_cli("metrics", "--start", "2026-07-01", "--end", "2026-09-30", "--as-of", "2026-09-30", "--json",
                  "--db", db).stdout
    return json.loads(out)["metrics"]


@pytest.fixture
def story_db(tmp_path):
    db = tmp_path / "story.duckdb"
    load_story(db)
    return db


@pytest.fixture
def holder(story_db):
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(story_db)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    yield proc
    proc.kill()
    proc.wait()


def test_backup_while_a_writer_holds_the_database_then_restore(story_db, holder, tmp_path):
    time.sleep(0.5)   # some goal changes are committed before the backup starts
    proc = run_cli("backup", tmp_path / "bk", "--db", story_db)
    assert "asking it to write the backup" in proc.stderr
    assert f"written to {tmp_path / 'bk'}" in proc.stdout
    # the writer went on while the export ran; the backup is one snapshot of it: as many logged changes of
    # 2027-01 as its goal says in thousands (the n-th change sets n * 1000)
    restored = tmp_path / "restored.duckdb"
    proc = run_cli("restore", tmp_path / "bk", "--db", restored)
    assert f"restored {restored}" in proc.stdout
    import duckdb
    con = duckdb.connect(str(restored), read_only=True)
    try:
        goal = con.execute("select amount from goals where month = date '2027-01-01'").fetchone()[0]
        changes = con.execute("select count(*), max(new_value::varchar::double) from settings_log"
                              " where key = 'goal:2027-01'").fetchone()
    finally:
        con.close()
    assert goal >= 1000 and changes == (goal / 1000, goal)
    m = _q3(restored)
    assert m["won_revenue"] == 35000
    holder.kill()
    holder.wait()
    assert m["won_deals"] == 3                                  # P-O1, P-O2, P-O5
    # every number of the quarter is the same as in the source, now free again (its 2027-01 goal may have
    # grown after the backup; Q3 has nothing of 2027)
    assert _q3(story_db) == m


def test_restore_refuses_a_database_in_use_and_leaves_it(story_db, holder, tmp_path):
    other = tmp_path / "other.duckdb"
    load_story(other)
    run_cli("backup", tmp_path / "bk", "--db", other)
    proc = run_cli("restore", tmp_path / "bk", "--db", story_db, check=False)
    assert proc.returncode == 2
    assert f"The database {story_db} is in use" in proc.stderr and "Stop the app first" in proc.stderr
    assert not list(tmp_path.glob("story.duckdb.before-restore-*"))


def test_restore_replaces_a_database_and_keeps_the_old_file(story_db, tmp_path):
    run_cli("backup", tmp_path / "bk", "--db", story_db)
    run_cli("goal", "--month", "2026-09", "--amount", "60000", "--db", story_db)
    assert _q3(story_db)["revenue_goal"] == 122000          # 31000 + 31000 + 60000
    proc = run_cli("restore", tmp_path / "bk", "--db", story_db)
    assert "the database it replaced is kept as" in proc.stdout
    assert _q3(story_db)["revenue_goal"] == 92000           # the backup's 30000 for September again
    kept = list(tmp_path.glob("story.duckdb.before-restore-*"))
    assert len([k for k in kept if not k.name.endswith(".wal")]) == 1
    # a backup folder is refused when it is not empty, and a folder that is no backup cannot be restored
    assert run_cli("backup", tmp_path / "bk", "--db", story_db, check=False).returncode == 1
    (tmp_path / "nothing").mkdir()
    proc = run_cli("restore", tmp_path / "nothing", "--db", story_db, check=False)
    assert proc.returncode == 1 and "is not a OneFunnel backup" in proc.stderr


def test_a_moved_backup_folder_still_restores(story_db, tmp_path):
    run_cli("backup", tmp_path / "bk", "--db", story_db)
    (tmp_path / "bk").rename(tmp_path / "moved")
    run_cli("restore", tmp_path / "moved", "--db", tmp_path / "fresh.duckdb")
    assert _q3(tmp_path / "fresh.duckdb")["won_revenue"] == 35000
