"""Backups of the workspace: `python -m onefunnel backup DIR` and `restore DIR` (README, Deploy).

A backup is DuckDB's EXPORT DATABASE (one Parquet file per table, schema.sql, load.sql) plus
onefunnel-backup.json (when, from which file, the row count of every table). EXPORT runs in one
transaction, so it is one consistent snapshot even while imports and edits go on.

One process holds a DuckDB file. When the app holds it, the CLI cannot open it; it asks the app instead:
it drops a request into data/.<db>.requests/, and the app's process (which watches that folder from the
moment it opens the database, see ui._shared_connection) exports on its own connection and answers.

A restore builds the database from a backup in a new file beside the target and then swaps it in, keeping
the old file as <db>.before-restore-<time>. It refuses while any process holds the database.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
import uuid
from pathlib import Path

import duckdb

MANIFEST = "onefunnel-backup.json"
POLL_S = 0.5


class BackupError(RuntimeError):
    """A backup or restore that cannot be done, with a message a person can act on."""


def _tables(con) -> list[str]:
    return [r[0] for r in con.execute("select table_name from duckdb_tables() where database_name = current_database()"
                                      " and schema_name = 'main' order by 1").fetchall()]


def row_counts(con) -> dict[str, int]:
    """Rows of every table of the database (the manifest's check, and the tests')."""
    return {t: con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in _tables(con)}


def export(con, dest: str | os.PathLike, source: str | os.PathLike = "") -> dict:
    """Write a backup of `con`'s database into the folder `dest` (new or empty). Returns the manifest."""
    dest = Path(dest).resolve()
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: give a new folder for the backup")
    dest.mkdir(parents=True, exist_ok=True)
    from onefunnel.db import transaction

    cur = con.cursor()
    try:
        with transaction(cur):   # one snapshot for the export and the counts; it writes nothing
            cur.execute(f"export database '{_sql_path(dest)}' (format parquet)")
            counts = row_counts(cur)
    finally:
        cur.close()
    manifest = {"created_at": dt.datetime.now().isoformat(timespec="seconds"), "source": str(source),
                "folder": str(dest), "rows": counts}
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def _sql_path(p: Path) -> str:
    return str(p).replace("'", "''")


def read_manifest(src: str | os.PathLike) -> dict:
    src = Path(src).resolve()
    try:
        return json.loads((src / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupError(f"{src} is not a OneFunnel backup (no readable {MANIFEST})") from None


def build(src: str | os.PathLike, target: Path) -> dict[str, int]:
    """Create the database file `target` (must not exist) from the backup in `src`; returns its row counts."""
    src = Path(src).resolve()
    manifest = read_manifest(src)
    con = duckdb.connect(str(target))
    try:
        # schema.sql lists views before what they read at times: run what can run until all has run
        pending = [s.query for s in duckdb.extract_statements((src / "schema.sql").read_text())]
        while pending:
            left, error = [], None
            for stmt in pending:
                try:
                    con.execute(stmt)
                except duckdb.CatalogException as exc:
                    left.append(stmt)
                    error = exc
            if len(left) == len(pending):
                raise BackupError(f"the backup's schema does not load: {error}")
            pending = left
        load = (src / "load.sql").read_text().replace(f"'{_sql_path(Path(manifest['folder']))}/",
                                                       f"'{_sql_path(src)}/")   # the folder may have moved
        for stmt in duckdb.extract_statements(load):
            con.execute(stmt.query)
        counts = row_counts(con)
    finally:
        con.close()
    if counts != manifest["rows"]:
        diff = {t: (n, counts.get(t)) for t, n in manifest["rows"].items() if counts.get(t) != n}
        raise BackupError(f"the restored tables do not hold what the backup says (table: backup, restored): {diff}")
    return counts


def restore(src: str | os.PathLike, db: str | os.PathLike) -> Path | None:
    """Replace the database file `db` with the backup in `src`. Refuses (BackupError) while a process holds
    `db`. Returns where the old file was kept (None when there was none)."""
    from onefunnel.db import DatabaseLocked, connect

    db = Path(db).resolve()
    read_manifest(src)
    hold = None
    if db.exists():
        try:   # holding the file for the swap also proves nobody else does
            hold = duckdb.connect(str(db))
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise BackupError(f"The database {db} is in use (the app or a CLI command has it open). Stop the "
                                  "app first, then restore: a restore under a running app would be overwritten "
                                  "by it, or lost.") from None
            raise
    fresh = db.with_name(f".{db.name}.restoring-{uuid.uuid4().hex[:8]}")
    kept = None
    try:
        build(src, fresh)
        if hold is not None:
            hold.execute("checkpoint")
            hold.close()
            hold = None
            kept = db.with_name(f"{db.name}.before-restore-{dt.datetime.now():%Y%m%d-%H%M%S}")
            db.rename(kept)
            wal = db.with_name(db.name + ".wal")
            if wal.exists():
                wal.rename(kept.with_name(kept.name + ".wal"))
        db.parent.mkdir(parents=True, exist_ok=True)
        fresh.rename(db)
    finally:
        if hold is not None:
            hold.close()
        for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
            leftover.unlink(missing_ok=True)
    try:
        connect(db).close()   # migrations and the model views, as the app will open it
    except DatabaseLocked:
        pass
    return kept


# ---- a backup of a database the app holds ---------------------------------------------------------------------

def requests_dir(db: str | os.PathLike) -> Path:
    db = Path(db).resolve()
    return db.parent / f".{db.name}.requests"


def ask_the_app(db: str | os.PathLike, dest: str | os.PathLike, timeout: float = 300) -> dict:
    """Have the process that holds `db` write the backup (see start_agent). Returns its manifest."""
    folder = requests_dir(db)
    if not _agent_alive(folder):
        raise BackupError(f"The database {db} is in use by a process that takes no backup requests (a CLI "
                          "command?): wait for it to finish, or stop it, and run the backup again.")
    rid = uuid.uuid4().hex
    tmp = folder / f"{rid}.tmp"
    tmp.write_text(json.dumps({"dest": str(Path(dest).resolve())}))
    tmp.rename(folder / f"{rid}.request")
    answer = folder / f"{rid}.answer"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answer.exists():
            reply = json.loads(answer.read_text())
            answer.unlink(missing_ok=True)
            if "error" in reply:
                raise BackupError(reply["error"])
            return reply["manifest"]
        time.sleep(0.2)
    (folder / f"{rid}.request").unlink(missing_ok=True)
    raise BackupError(f"The app holding {db} did not answer the backup request within {timeout:.0f} s.")


def _agent_alive(folder: Path) -> bool:
    for mark in folder.glob("agent-*") if folder.is_dir() else ():
        try:
            os.kill(int(mark.name.split("-", 1)[1]), 0)
            return True
        except (ValueError, ProcessLookupError):
            mark.unlink(missing_ok=True)   # left by a process that is gone
        except PermissionError:
            return True
    return False


def start_agent(con, db: str | os.PathLike) -> threading.Thread:
    """In the process holding `db`: answer backup requests from the CLI (a daemon thread). It keeps only a weak
    reference to `con` and ends once the connection is gone."""
    import weakref

    folder = requests_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    mark = folder / f"agent-{os.getpid()}"
    mark.touch()
    ref = weakref.ref(con)

    def answer(req: Path) -> bool:
        """False when the connection is gone (the request is left for the next holder)."""
        claimed = req.with_suffix(".working")
        try:
            req.rename(claimed)
        except OSError:
            return True   # another thread took it
        holder = ref()
        if holder is None:
            claimed.rename(req)
            return False
        try:
            reply = {"manifest": export(holder, json.loads(claimed.read_text())["dest"], db)}
        except duckdb.ConnectionException:
            claimed.rename(req)
            return False
        except Exception as exc:  # any failure goes back to the CLI as its message
            reply = {"error": f"The backup failed: {exc}"}
        finally:
            del holder
        tmp = claimed.with_suffix(".answering")
        tmp.write_text(json.dumps(reply))
        tmp.rename(claimed.with_suffix(".answer"))
        claimed.unlink(missing_ok=True)
        return True

    def loop():
        while ref() is not None:
            if not all(answer(req) for req in sorted(folder.glob("*.request"))):
                break
            time.sleep(POLL_S)
        mark.unlink(missing_ok=True)

    t = threading.Thread(target=loop, name="onefunnel-backup-agent", daemon=True)
    t.start()
    return t
