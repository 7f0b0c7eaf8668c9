"""The embedded database: open the DuckDB file, apply migrations, (re)create the model, keep its tables fresh.

The model (queries/model/) is views over the stored records. The heavy ones are written `live.NAME`; each has a
table `NAME` in the main schema that every query reads, rebuilt from its view whenever the records, the imports or a
setting the model reads change (`refresh_model`), and patched per lead when sales give a verdict. Reading a table of
a million rows instead of recomputing the view is what makes a page fast; `model_drift` proves they agree.

One read-write process owns a DuckDB file. The app keeps one connection per process and
gives each browser session its own cursor; a second process that finds the file locked
gets `DatabaseLocked` with a message a person can act on. Inside the process, imports and
undos take `writing()` one at a time: two sessions importing the same file at once would
each find the other's rows not yet committed and store them twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import duckdb

from onefunnel import DEFAULT_DB, QUERIES_DIR, model_patch
from onefunnel.model_patch import built_import

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
MODEL_DIR = QUERIES_DIR / "model"
LIVE = "live"   # the schema of the model's views that have a table of the same name in main
# Settings (settings_log keys) the live views read; a change of any other setting leaves the tables as they are.
# tests/test_model_tables.py checks that every table a live view reads is a record store or listed here.
MODEL_SETTINGS = ("stage_map", "channel_map", "non_marketing_sources", "owner_names", "owner_directory",
                  "spend_campaign_map")
# The tables a verdict changes (lead_verdicts feeds only `leads` and what is derived from it row by row; mql_response
# carries the lead's sql_at and disqualified_at), in build order
VERDICT_TABLES = ("leads", "lead_dims", "mql_response")


class DatabaseLocked(RuntimeError):
    """Another process holds the database file open for writing."""


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """The database file: the explicit path, else $ONEFUNNEL_DB, else data/onefunnel.duckdb."""
    return Path(explicit or os.environ.get("ONEFUNNEL_DB") or DEFAULT_DB)


def connect(path: str | os.PathLike | None = None, refresh: bool = True) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the database, migrate it, create the model views and (refresh) bring the model's
    tables up to date."""
    path = db_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), config={
            # large imports spill to disk instead of growing the process (see README, Benchmark)
            "memory_limit": os.environ.get("ONEFUNNEL_MEMORY_LIMIT", "1GB"),
            "temp_directory": str(path.parent / f".{path.name}.tmp"),
        })
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            holder = re.search(r"PID (\d+)", str(exc))
            who = f" (process {holder.group(1)})" if holder else ""
            raise DatabaseLocked(
                f"The database {path} is in use by another OneFunnel process{who}. "
                "Stop that process (the app or a CLI command), or pass --db / ONEFUNNEL_DB "
                "to use another file."
            ) from None
        raise
    migrate(con)
    create_model(con)
    if refresh:
        refresh_model(con)
    refresh_statistics(con)
    return con


def refresh_statistics(con: duckdb.DuckDBPyConnection) -> None:
    """ANALYZE the touches' email and touched_at: with their distinct counts fresh DuckDB plans the
    attribution queries about 1.8x faster at 5M touches (measured, see README Benchmark). These two
    columns give the same plans as ANALYZE of the whole table, in 0.04 s instead of 0.1 s;
    ANALYZE of every table gives the slow plans back."""
    con.execute("analyze touch_store(email, touched_at)")


_WRITER = threading.RLock()
_IN_WRITE = threading.local()


@contextmanager
def writing():
    """One import or undo at a time in this process (the file's lock keeps other processes out): the block
    waits for the one running. Re-entrant: an import may call helpers that take it again."""
    with _WRITER:
        _IN_WRITE.depth = getattr(_IN_WRITE, "depth", 0) + 1
        try:
            yield
        finally:
            _IN_WRITE.depth -= 1


def idle() -> bool:
    """No import, undo or model refresh is under way in this process (the warm-up waits for that)."""
    if not _WRITER.acquire(blocking=False):
        return False
    _WRITER.release()
    return True


def out_of_room(exc: BaseException) -> bool:
    """Did DuckDB stop for lack of memory or of spill space (memory_limit, a full or capped temp_directory)?"""
    text = str(exc)
    return isinstance(exc, duckdb.OutOfMemoryException) or "Out of Memory Error" in text \
        or "No space left on device" in text


def room_text(con) -> str:
    """What to do when an import runs out of room, with this connection's limits."""
    try:
        limit, temp = con.execute("select current_setting('memory_limit'), current_setting('temp_directory')"
                                  ).fetchall()[0]
    except duckdb.Error:
        limit, temp = "?", "?"
    return (f"it ran out of memory (limit {limit}) and of room to spill to disk (temp folder {temp}); nothing was "
            "stored. Free disk space there, raise ONEFUNNEL_MEMORY_LIMIT, or import the file in parts")


_commits = [0]   # transactions committed by this process: a page run's memo of the data's version checks it


def commits() -> int:
    return _commits[0]


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """BEGIN; COMMIT when the block ends, ROLLBACK (and re-raise) if anything escapes it."""
    con.execute("begin transaction")
    try:
        yield
        con.execute("commit")
        _commits[0] += 1
    except BaseException:
        con.execute("rollback")
        raise


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations not yet applied, each in its own transaction. Returns their names."""
    con.execute(
        "create table if not exists schema_migrations ("
        " version varchar primary key, applied_at timestamp default current_localtimestamp())"
    )
    done = {r[0] for r in con.execute("select version from schema_migrations").fetchall()}
    applied = []
    for file in sorted(MIGRATIONS_DIR.glob("*.sql")):
        if file.stem in done:
            continue
        with transaction(con):
            for stmt in duckdb.extract_statements(file.read_text()):
                con.execute(stmt)
            con.execute("insert into schema_migrations (version) values (?)", [file.stem])
        applied.append(file.stem)
    return applied


_LIVE_VIEW = re.compile(rf"^\s*create\s+or\s+replace\s+view\s+{LIVE}\.(\w+)\s", re.I | re.M)


def live_names() -> list[str]:
    """The model's views that have a table, in the order they are built (file order: each reads only earlier ones)."""
    return [m.group(1) for f in sorted(MODEL_DIR.glob("*.sql")) for m in _LIVE_VIEW.finditer(f.read_text())]


@lru_cache(maxsize=1)
def _model_code() -> str:
    return hashlib.sha1("".join(f.name + f.read_text() for f in sorted(MODEL_DIR.glob("*.sql"))).encode()).hexdigest()


def create_model(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the views and macros of queries/model/, in file-name order. A live view's table is created
    empty when it is missing (a new file, or one from before the tables); refresh_model fills it. A statement that
    does not bind because a table has an older version's columns (a view reading a column the model added since)
    has those tables made empty in the view's shape first (_reshape_stale)."""
    con.execute(f"create schema if not exists {LIVE}")
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables() where database_name = current_database()"
                                        " and schema_name = 'main'").fetchall()}
    for file in sorted(MODEL_DIR.glob("*.sql")):
        for stmt in duckdb.extract_statements(file.read_text()):
            try:
                try:
                    con.execute(stmt)
                except duckdb.BinderException:
                    if not _reshape_stale(con):
                        raise
                    con.execute(stmt)
                made = _LIVE_VIEW.match(stmt.query)
                if made and made.group(1) not in tables:
                    con.execute(f"drop view if exists main.{made.group(1)}")
                    con.execute(f"create table main.{made.group(1)} as select * from {LIVE}.{made.group(1)} limit 0")
                    con.execute("delete from model_state")
            except duckdb.Error as exc:
                raise RuntimeError(f"{file.name}: {exc}") from exc


def _reshape_stale(con: duckdb.DuckDBPyConnection) -> bool:
    """Make empty, in their live view's columns, the model's tables whose columns differ from it (an older version's
    model built them); refresh_model rebuilds every table after it. Whether any table was."""
    shape = ("select table_name, list((column_name, data_type) order by column_index) from duckdb_columns() c "
             "where database_name = current_database() and schema_name = ? and (? or exists (select 1 from "
             "duckdb_tables() t where t.database_name = c.database_name and t.schema_name = c.schema_name "
             "and t.table_name = c.table_name)) group by all")
    live = dict(con.execute(shape, [LIVE, True]).fetchall())   # the views
    stale = [name for name, cols in con.execute(shape, ["main", False]).fetchall()   # the tables
             if name in live and cols != live[name]]
    for name in stale:
        con.execute(f"create or replace table main.{name} as select * from {LIVE}.{name} limit 0")
    if stale:
        con.execute("delete from model_state")
    return bool(stale)


# Up to this many stored records the generation also hashes their content: a change that bypassed the import
# (a test writing rows, a hand-made fix) is then seen by the next reader. Above it the hash would cost more than
# the query it guards, and every product write (import, undo, setting, verdict) refreshes the tables itself.
HASHED_ROWS = 100_000
_HASHED = ("lead_records", "lead_merges", "opportunity_records", "touch_store", "activity_store", "spend_store",
           "old_deal_decisions", *MODEL_SETTINGS)


def model_generation(con) -> str:
    """Names what the model's tables are built from: the imports, the records, the settings the model reads (not
    goals, texts or verdicts) and the model's code. Changes whenever a table may change. Its parts, joined by '/':
    imports (last id | last import time | last undo time), settings, records, code [, content hash] (model_patch
    reads them)."""
    row = con.execute(
        "select 1 as part, coalesce(max(import_id), 0)::varchar || '|' || coalesce(max(imported_at)::varchar, '')"
        "       || '|' || coalesce(max(undone_at)::varchar, '') from imports"
        " union all select 2, count(*)::varchar || '|' || coalesce(max(changed_at)::varchar, '') from settings_log"
        "  where list_contains(?, key) or key like 'import:%'"
        " union all select 3, ((select count(*) from lead_records) + (select count(*) from opportunity_records)"
        "  + (select count(*) from old_deal_decisions))::varchar order by part", [list(MODEL_SETTINGS)]).fetchall()
    generation = "/".join(r[1] for r in row) + "/" + _model_code()
    if int(row[2][1]) <= HASHED_ROWS:
        content = con.execute("select " + " + ".join(f"coalesce((select sum(hash(t)::hugeint) from {t} t), 0)"
                                                     for t in _HASHED)).fetchall()[0][0]
        generation += f"/{content}"
    return generation


def _last_verdict(con) -> int:
    return con.execute("select coalesce(max(verdict_id), 0) from lead_verdicts").fetchall()[0][0]


_RUN_CHECK = threading.local()   # a page run's thread: the commit count at which its run checked the model


def run_checked(checked: bool) -> None:
    """A page run (ui.cursor) checked the model at the start of the run: its thread's later ensure_fresh calls
    (one per query that misses the cache) skip the check until this process commits again. False forgets it
    (ui.begin_run, at the start of every run)."""
    _RUN_CHECK.at = commits() if checked else None


def ensure_fresh(con: duckdb.DuckDBPyConnection) -> None:
    """A reader's check before it queries the model: refresh the tables if the data changed without it (never
    waiting for an import under way, and never inside one: an import refreshes when it is done)."""
    if getattr(_RUN_CHECK, "at", None) == commits():
        return
    if isinstance(con, duckdb.DuckDBPyConnection) and not getattr(_IN_WRITE, "depth", 0):   # not Spark's
        refresh_model(con, wait=False)


def refresh_model(con: duckdb.DuckDBPyConnection, wait: bool = True) -> str | None:
    """Bring the model's tables up to date with the stored data, in one transaction (a reader sees the old tables
    until it commits). Returns 'built' (every table rebuilt), 'verdicts' (the leads with new verdicts patched) or
    None (already fresh, or wait=False and an import or undo is under way: the reader sees the data as it was).
    After imports alone, 'patched': only the rows of the leads and deals they change (onefunnel/model_patch.py)."""
    if not _WRITER.acquire(blocking=wait):
        return None
    _IN_WRITE.depth = getattr(_IN_WRITE, "depth", 0) + 1
    try:
        state = con.execute("select generation, verdict_id from model_state").fetchall()
        generation, verdict = model_generation(con), _last_verdict(con)
        if state and state[0] == (generation, verdict):
            return None
        with transaction(con):
            built = built_import(state[0][0], generation) if state and state[0][0] != generation else None
            if built is not None and model_patch.patch(con, LIVE, live_names(), built, state[0][1]):
                done = "patched"
            elif not state or state[0][0] != generation:
                for name in live_names():
                    con.execute(f"create or replace table main.{name} as select * from {LIVE}.{name}")
                done = "built"
            else:   # only new verdicts: model_patch.patch would also do, at 3x the time (1M leads: 0.3 s to 0.95 s)
                con.execute("create or replace temp table verdict_keys as select distinct lead_key from lead_verdicts"
                            " where verdict_id > ?", [state[0][1]])
                for name in VERDICT_TABLES:
                    con.execute(f"delete from main.{name} where lead_key in (select lead_key from verdict_keys)")
                    con.execute(f"insert into main.{name} select * from {LIVE}.{name}"
                                " where lead_key in (select lead_key from verdict_keys)")
                con.execute("drop table temp.verdict_keys")
                done = "verdicts"
            con.execute("delete from model_pending")
            con.execute("delete from model_state")
            con.execute("insert into model_state values (?, ?)", [generation, verdict])
        return done
    finally:
        _IN_WRITE.depth -= 1
        _WRITER.release()


def model_drift(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The model's tables whose rows differ from their live views (as multisets): [] when fresh."""
    return [name for name in live_names() if con.execute(
        f"select exists (select * from (select * from main.{name} except all select * from {LIVE}.{name})"
        f" union all (select * from {LIVE}.{name} except all select * from main.{name}))").fetchall()[0][0]]


def data_version(con: duckdb.DuckDBPyConnection) -> tuple:
    """Changes whenever data or settings change (imports, undos, every logged setting, verdicts and comments) and
    when the model's tables are refreshed: the pages' cache key and the name of the SQL console's snapshot. (A page
    that ran between an import's commit and its refresh read the old tables: its results are kept under that
    state, not under the new data's.) The times tell two database files apart."""
    # one row per part: DuckDB plans eight scalar subqueries in one select ten times slower (48 ms at 1M leads)
    return tuple(r[1] for r in con.execute(
        "select 1 as part, coalesce(max(import_id), 0)::varchar || '|' || coalesce(max(imported_at)::varchar, '')"
        "       || '|' || coalesce(max(undone_at)::varchar, '') from imports"
        " union all select 2, count(*)::varchar || '|' || coalesce(max(changed_at)::varchar, '') from settings_log"
        " union all select 3, ((select count(*) from lead_records) + (select count(*) from opportunity_records))::varchar"
        " union all select 4, coalesce(max(verdict_id), 0)::varchar from lead_verdicts"
        " union all select 5, coalesce(max(comment_id), 0)::varchar from comments"
        " union all select 6, coalesce(max(generation || '|' || verdict_id), '') from model_state order by part").fetchall())


# ---- settings -----------------------------------------------------------------------------

def get_setting(con, key: str, default=None):
    row = con.execute("select value from settings where key = ?", [key]).fetchall()
    return json.loads(row[0][0]) if row else default


def log_change(con, key: str, old, new, who: str | None) -> None:
    """The audit trail: one settings_log row for a change of `key` by `who` (old and new as JSON, SQL null when
    there was none or is none now). Every write of the product calls it inside its own transaction."""
    con.execute("insert into settings_log (key, old_value, new_value, changed_by) values (?, ?, ?, ?)",
                [key, None if old is None else json.dumps(old), None if new is None else json.dumps(new), who])


def set_setting(con, key: str, value, who: str | None = None) -> None:
    """Store a setting and log the change (old value, new value, who, when)."""
    old = get_setting(con, key)
    if old == value:
        return
    with transaction(con):
        con.execute(
            "insert or replace into settings (key, value, updated_at, updated_by)"
            " values (?, ?, current_localtimestamp(), ?)", [key, json.dumps(value), who])
        log_change(con, key, old, value, who)


def set_goal(con, month: str, amount: float, who: str | None = None) -> None:
    """Set the revenue goal of a calendar month ('YYYY-MM'); the change is logged."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise ValueError(f"month must be YYYY-MM, got {month!r}")
    if amount < 0:
        raise ValueError("a goal cannot be negative")
    first = f"{month}-01"
    old = con.execute("select amount from goals where month = ?::date", [first]).fetchall()
    with transaction(con):
        con.execute("insert or replace into goals (month, amount) values (?::date, ?)", [first, amount])
        log_change(con, f"goal:{month}", old[0][0] if old else None, amount, who)


# ---- quotas (METRICS.md "Quotas") -----------------------------------------------------------

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def set_quota(con, owner: str, month: str, amount: float, who: str | None = None) -> bool:
    """Set an opportunity owner's quota for a calendar month ('YYYY-MM'); logged in settings_log under
    'quota:<owner>:<YYYY-MM>' (old and new amount, who, when). Returns False (nothing logged) when the
    quota already was that amount. Raises ValueError for an empty owner, a bad month or an amount below 0."""
    owner = (owner or "").strip()
    if not owner:
        raise ValueError("a quota needs an owner")
    if not MONTH.fullmatch(month or ""):
        raise ValueError(f"month must be YYYY-MM, got {month!r}")
    amount = float(amount)
    if not amount >= 0:   # also refuses NaN
        raise ValueError(f"a quota cannot be negative, got {amount:g}")
    old = con.execute("select amount from quotas where owner = ? and month = ?::date",
                      [owner, f"{month}-01"]).fetchall()
    if old and old[0][0] == amount:
        return False
    with transaction(con):
        con.execute("insert or replace into quotas (owner, month, amount) values (?, ?::date, ?)",
                    [owner, f"{month}-01", amount])
        log_change(con, f"quota:{owner}:{month}", old[0][0] if old else None, amount, who)
    return True


def delete_quota(con, owner: str, month: str, who: str | None = None) -> bool:
    """Remove an owner's quota for a month (no quota counts 0); logged with new value null. Returns False
    when there was none."""
    if not MONTH.fullmatch(month or ""):
        raise ValueError(f"month must be YYYY-MM, got {month!r}")
    owner = (owner or "").strip()
    old = con.execute("select amount from quotas where owner = ? and month = ?::date",
                      [owner, f"{month}-01"]).fetchall()
    if not old:
        return False
    with transaction(con):
        con.execute("delete from quotas where owner = ? and month = ?::date", [owner, f"{month}-01"])
        log_change(con, f"quota:{owner}:{month}", old[0][0], None, who)
    return True
