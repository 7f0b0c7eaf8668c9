"""Concurrency and faults (issue 15 section 4): two sessions importing the same file at once, two undos of one
import at once, an import that runs out of memory and spill space, and kill -9 at random points of imports.
(A reader during an import: tests/test_concurrency.py; a second process: tests/test_db_cli.py.)"""

import os
import random
import signal
import subprocess
import sys
import threading
import time

import pytest

from onefunnel.db import connect
from onefunnel.ingest import FileRefused, ingest_file
from onefunnel.ingest.undo import UndoRefused, undo_import
from tests.conftest import ROOT


def touches_file(path, n, tag="t"):
    with open(path, "w") as f:
        f.write("email,touched_at,channel,campaign\n")
        for i in range(n):
            f.write(f"{tag}{i}@x.test,2026-07-{1 + i % 28:02d} 10:00,Email,campaign-{i % 7}\n")
    return path


def in_threads(fn, n=2):
    """Run fn(i) in n threads released together; returns [(result or None, exception or None)]."""
    gate = threading.Barrier(n)
    out = [None] * n

    def run(i):
        gate.wait()
        try:
            out[i] = (fn(i), None)
        except BaseException as exc:  # noqa: BLE001 - the exception is what the test looks at
            out[i] = (None, exc)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_two_sessions_importing_the_same_touches_at_once_store_them_once(tmp_path):
    f = touches_file(tmp_path / "touches.csv", 500)
    shared = connect(tmp_path / "db.duckdb")

    def session(_):
        cur = shared.cursor()
        try:
            return ingest_file(cur, f)
        finally:
            cur.close()
    out = in_threads(session)
    assert [exc for _, exc in out] == [None, None]
    # the first import stores the 500 touches as new; the second finds every one stored: 0 new
    assert sorted(r.rows_new for r, _ in out) == [0, 500]
    assert shared.execute("select count(*) from touch_records").fetchall() == [(500,)]
    shared.close()


def test_two_undos_of_one_import_at_once_one_takes_it_back_the_other_is_told(tmp_path):
    f = touches_file(tmp_path / "touches.csv", 200)
    shared = connect(tmp_path / "db.duckdb")
    import_id = ingest_file(shared, f).import_id

    def session(_):
        cur = shared.cursor()
        try:
            return undo_import(cur, import_id, who=f"user {_}")
        finally:
            cur.close()
    out = in_threads(session)
    done = [r for r, exc in out if exc is None]
    refused = [exc for _, exc in out if exc is not None]
    assert len(done) == 1 and done[0]["touch_records"] == 200
    assert len(refused) == 1 and isinstance(refused[0], UndoRefused), refused
    assert f"import #{import_id} (touches.csv) was already taken back" in str(refused[0])
    assert shared.execute("select count(*) from touch_records").fetchall() == [(0,)]
    shared.close()


def test_an_import_out_of_memory_and_spill_space_says_so_and_stores_nothing(tmp_path):
    small = touches_file(tmp_path / "small.csv", 3, tag="s")
    big = touches_file(tmp_path / "big.csv", 300_000)
    con = connect(tmp_path / "db.duckdb")
    ingest_file(con, small)
    con.execute("set memory_limit = '40MB'")
    con.execute("set max_temp_directory_size = '1MB'")          # the temp folder as good as full
    with pytest.raises(FileRefused) as exc:
        ingest_file(con, big)
    assert exc.value.file_name == "big.csv"
    assert "ran out of memory (limit 38.1 MiB)" in exc.value.reason and "nothing was stored" in exc.value.reason
    assert "CSV" not in exc.value.reason                          # not blamed on the file
    # nothing half-stored: the first import alone
    assert con.execute("select count(*) from touch_records").fetchall() == [(3,)]
    assert con.execute("select file_name from imports").fetchall() == [("small.csv",)]
    con.execute("reset memory_limit")
    con.execute("reset max_temp_directory_size")
    assert ingest_file(con, big).rows_loaded == 300_000             # the connection works on
    con.close()


WORKER = """
import sys
from onefunnel.db import connect
from onefunnel.ingest import ingest_file
con = connect(sys.argv[1])
for f in sys.argv[2:]:
    r = ingest_file(con, f)
    print("ACK", r.import_id, r.file_name, r.rows_loaded, flush=True)
"""


@pytest.mark.slow
def test_kill_9_during_imports_loses_no_acknowledged_import_and_leaves_nothing_partial(tmp_path):
    """Rounds of a process importing lead files one after another, killed (SIGKILL) at a random moment after its
    first import of the round: at most 20 rounds, and no new round after 15 s (a bound on the loop, not an
    assertion)."""
    db = tmp_path / "kill.duckdb"
    connect(db).close()
    rng = random.Random(15)
    acked, files, n = {}, [], 0
    stop_at = time.monotonic() + 15
    for round_ in range(20):
        if time.monotonic() > stop_at:
            break
        batch = []
        for _ in range(4):
            n += 1
            f = tmp_path / f"leads_{n:03d}.csv"
            f.write_text("lead_id,email,created_at\n"
                         + "".join(f"K{n}-{i},k{n}-{i}@x.test,2026-07-01\n" for i in range(20_000)))
            batch.append(f)
        files += batch
        proc = subprocess.Popen([sys.executable, "-c", WORKER, str(db), *map(str, batch)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        first = proc.stdout.readline()             # the first file of the round is stored (a slow start is no kill)
        time.sleep(rng.uniform(0.0, 0.8))          # then a random point in the next imports
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        for line in (first + out).splitlines():
            if line.startswith("ACK"):
                _, import_id, name, rows = line.split()
                acked[name] = (int(import_id), int(rows))
    con = connect(db)
    try:
        stored = {name: (iid, rows) for iid, name, rows in
                  con.execute("select import_id, file_name, rows_loaded from imports").fetchall()}
        # every acknowledged import is there, as acknowledged
        assert {k: stored.get(k) for k in acked} == acked
        # nothing partial: each stored import has all of its 20,000 records, and no record lacks its import
        per_import = dict(con.execute("select import_id, count(*) from lead_records group by 1").fetchall())
        assert all(per_import.get(iid) == rows == 20_000 for iid, rows in stored.values()), (stored, per_import)
        assert con.execute("select count(*) from lead_records where import_id not in "
                           "(select import_id from imports)").fetchall() == [(0,)]
    finally:
        con.close()
    assert 0 < len(acked) < len(files)          # the kills fell both between and inside imports
