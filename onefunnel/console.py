"""The SQL console: run one read-only query a person typed, in a sandbox the product enforces.

What runs: exactly one statement, of type SELECT (`WITH ... SELECT`, `FROM leads`, `DESCRIBE` and
`SUMMARIZE` parse as SELECT too), whose table functions are `range`, `generate_series`, `unnest` or a
table macro of queries/model, and which calls no settings function. `check()` refuses anything else
with the reason, before anything runs.

Where it runs (the design, measured on the 2-core machine): the app holds the database file
read-write, and DuckDB cannot open the same file again in that process with another config, nor in
another process at all. So the console reads a snapshot: a copy of the database file taken after a
CHECKPOINT, kept beside it (`.<file>.console/`) and taken again when the data version changes
(`snapshot()`). The copy is a plain file copy, by a helper process (a file this process
opened and closed would drop DuckDB's lock), when the file did not change while it was copied (0.6-0.9 s
for the 160 MB file of 1M leads and 5M touches, 0.1 s for the demo company), else DuckDB's
`COPY FROM DATABASE` inside one transaction (6.9-8.9 s at that scale). The views and macros of
queries/model are in the copy, so they are queryable.

Each query runs in its own child process (`python -m onefunnel.console`; `select 1` takes 0.35-0.5 s
end to end, the process start being most of it): it opens the
snapshot read-only with external access, extension install/load and Python replacement scans off, a
memory limit, a thread cap and no temporary directory (nothing spills to disk), locks the
configuration, begins a READ ONLY transaction and arms a timer that interrupts the query at the time
limit. The process also cannot grow any file (RLIMIT_FSIZE 0) nor its address space past the memory
limit plus 1 GiB (RLIMIT_AS), holds no Python object of the app (so no replacement scan can see one),
and is killed if it outlives the limit by 3 s. A crash or a runaway allocation ends that process,
never the app. Results come back over a pipe as Arrow, at most `max_rows` rows (10,000 shown on the
page, 1,000,000 for downloads and the CLI) and 256 MB.

Also here: the schema of the canonical views (columns, types and the first sentence of each view's
header comment in queries/model), the console's settings (time limit, memory limit, threads) and the
team's saved queries (table saved_queries, migration 011; every change logged in settings_log).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.ipc

from onefunnel import ROOT
from onefunnel.db import MIGRATIONS_DIR, MODEL_DIR, data_version, get_setting, log_change, set_setting, transaction

SHOW_ROWS = 10_000            # rows the page shows
DOWNLOAD_ROWS = 1_000_000     # rows a download or the CLI gets
MAX_BYTES = 256 * 2**20       # Arrow bytes a result may carry back
GRACE_S = 3.0                 # the child is killed this long after the time limit
DEFAULTS = {"console_time_limit_s": 10, "console_memory_limit": "512MB", "console_threads": 1}
EXAMPLE = ("select channel, count(*) as leads, count(mql_at) as mqls\n"
           "from lead_dims\ngroup by channel\norder by leads desc")

ALLOWED_TABLE_FUNCTIONS = {"range", "generate_series", "unnest"}
SETTINGS_FUNCTIONS = {"current_setting", "getvariable"}
_FILE_FUNCTIONS = re.compile(r"^(read_\w+|\w+_scan|glob|sniff_csv|parquet_\w+|iceberg_\w+|delta_\w+)$")
_DYNAMIC_SQL = {"query", "query_table", "json_execute_serialized_sql"}
_MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(KB|MB|GB|KiB|MiB|GiB)\s*$", re.I)
_UNITS = {"kb": 10**3, "mb": 10**6, "gb": 10**9, "kib": 2**10, "mib": 2**20, "gib": 2**30}

WHY_NOT = {   # statement type -> what it would do
    "COPY": "reads or writes files", "EXPORT": "writes files", "ATTACH": "opens another database file",
    "DETACH": "closes a database", "LOAD": "installs or loads an extension", "SET": "changes a setting",
    "VARIABLE_SET": "changes a setting", "PRAGMA": "runs a pragma", "CALL": "calls a procedure",
    "TRANSACTION": "controls the transaction, which the console keeps read-only",
    "EXPLAIN": "explains a plan instead of returning rows", "MULTI": "runs several statements",
}


class Refused(Exception):
    """The console will not run this statement (nothing was run). str() is the reason."""


class QueryFailed(Exception):
    """The statement was allowed but DuckDB stopped it (a mistake in the query, the memory limit)."""


class OverMemory(QueryFailed):
    """The query needed more memory than the console's memory limit."""


class TimedOut(Exception):
    """The query ran past the time limit and was interrupted."""


# ---- the check: one SELECT, nothing that reaches outside the workspace ------------------------------

def _parser():
    return duckdb.connect(config={"enable_external_access": False, "autoinstall_known_extensions": False,
                                  "autoload_known_extensions": False})


def check(sql: str) -> str:
    """The statement to run, or Refused with the reason. Parses only; runs nothing."""
    con = _parser()
    try:
        try:
            statements = con.extract_statements(sql or "")
        except duckdb.Error as exc:
            raise Refused(f"DuckDB cannot read this as SQL: {_first_line(exc)}") from None
        if not statements:
            raise Refused("There is no statement to run: type one SELECT.")
        if len(statements) > 1:
            raise Refused(f"One statement at a time: this text holds {len(statements)} statements.")
        kind = statements[0].type.name
        if kind != "SELECT":
            why = WHY_NOT.get(kind, "changes the workspace")
            raise Refused(f"Only a SELECT (or WITH ... SELECT) runs in the console; this is a {kind} "
                          f"statement, which {why}.")
        tree = json.loads(con.execute("select json_serialize_sql(?)", [sql]).fetchone()[0])
    finally:
        con.close()
    if tree.get("error"):
        raise Refused(f"The console cannot check this query: {tree.get('error_message')}")
    _check_tree(tree)
    return sql


def _check_tree(node) -> None:
    if isinstance(node, list):
        for item in node:
            _check_tree(item)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "TABLE_FUNCTION":
        name = (node.get("function") or {}).get("function_name", "").lower()
        if name not in ALLOWED_TABLE_FUNCTIONS | set(model_macros()):
            raise Refused(_table_function_reason(name))
    elif node.get("type") == "BASE_TABLE":
        name = node.get("table_name", "")
        if re.search(r"[/\\.:]", name):
            raise Refused(f"'{name}' looks like a file or a URL: the console reads only the workspace's "
                          "tables and views, never a file.")
    elif node.get("class") == "FUNCTION" and node.get("function_name", "").lower() in SETTINGS_FUNCTIONS:
        raise Refused(f"{node['function_name']}() reads DuckDB's settings, which the console does not show.")
    for value in node.values():
        _check_tree(value)


def _table_function_reason(name: str) -> str:
    allowed = ", ".join(sorted(ALLOWED_TABLE_FUNCTIONS | set(model_macros())))
    if _FILE_FUNCTIONS.match(name):
        what = "reads files or URLs"
    elif name in _DYNAMIC_SQL:
        what = "runs SQL held in a string, which the console cannot check"
    elif name.startswith(("duckdb_", "pragma_")) or name in ("which_secret", "checkpoint", "force_checkpoint"):
        what = "reads or changes DuckDB's settings and internals"
    else:
        what = "is not one the console allows"
    return f"The table function {name}() {what}. Allowed table functions: {allowed}."


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


# ---- limits (settings) ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Limits:
    time_limit_s: float = 10.0
    memory_limit: str = "512MB"
    threads: int = 1


def memory_bytes(text: str) -> int:
    """'512MB' -> 512000000; ValueError for anything that is not a number and a unit (KB..GiB)."""
    m = _MEMORY.match(str(text))
    if not m:
        raise ValueError(f"a memory limit is a number and a unit such as 512MB, got {text!r}")
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


def limits(con, time_limit_s: float | None = None) -> Limits:
    """The console's limits from the settings (console_time_limit_s, console_memory_limit, console_threads);
    a value that does not read falls back to its default."""
    def setting(key, cast):
        try:
            return cast(get_setting(con, key, DEFAULTS[key]))
        except (TypeError, ValueError, duckdb.Error):
            return cast(DEFAULTS[key])

    memory = setting("console_memory_limit", str)
    try:
        memory_bytes(memory)
    except ValueError:
        memory = DEFAULTS["console_memory_limit"]
    t = time_limit_s if time_limit_s is not None else setting("console_time_limit_s", float)
    return Limits(time_limit_s=max(0.1, float(t)), memory_limit=memory,
                  threads=max(1, setting("console_threads", int)))


def set_limits(con, time_limit_s: float, memory_limit: str, threads: int, who: str | None) -> None:
    """Change the console's limits (each change logged by set_setting). ValueError, nothing changed, for a time
    limit outside 1-300 s, a memory limit outside 64MB-8GB or threads outside 1 to the machine's cores."""
    if not 1 <= float(time_limit_s) <= 300:
        raise ValueError(f"the time limit is 1 to 300 seconds, got {time_limit_s:g}")
    memory_limit = str(memory_limit).strip()
    if not 64 * 10**6 <= memory_bytes(memory_limit) <= 8 * 10**9:
        raise ValueError(f"the memory limit is 64MB to 8GB, got {memory_limit}")
    if not 1 <= int(threads) <= (os.cpu_count() or 1):
        raise ValueError(f"threads are 1 to {os.cpu_count() or 1} (this machine's cores), got {threads}")
    set_setting(con, "console_time_limit_s", float(time_limit_s), who)
    set_setting(con, "console_memory_limit", memory_limit, who)
    set_setting(con, "console_threads", int(threads), who)


# ---- the snapshot the console reads -------------------------------------------------------------------

_snapshot_lock = threading.Lock()


def snapshot_dir(db_file: str | os.PathLike) -> Path:
    db_file = Path(db_file)
    return db_file.parent / f".{db_file.name}.console"


def _code_version() -> str:
    text = "".join(p.name + p.read_text() for p in sorted(MODEL_DIR.glob("*.sql")))
    text += "".join(p.name for p in sorted(MIGRATIONS_DIR.glob("*.sql")))
    return text


def snapshot_key(con) -> str:
    """Names the snapshot of the data as it is now: the data version and the model's code."""
    return hashlib.sha1((repr(data_version(con)) + _code_version()).encode()).hexdigest()[:16]


def snapshot(con, db_file: str | os.PathLike) -> Path:
    """The read-only copy of the database the console reads, taken again when the data version changed.
    `con` is the read-write connection that holds db_file."""
    folder = snapshot_dir(db_file)
    with _snapshot_lock:
        key = snapshot_key(con)
        target = folder / f"snapshot-{key}.duckdb"
        if target.exists():
            return target
        folder.mkdir(exist_ok=True)
        part = folder / f".part-{uuid.uuid4().hex}.duckdb"
        try:
            if not _copy_file(con, Path(db_file), part):
                _copy_database(con, part)
            os.replace(part, target)
        finally:
            part.unlink(missing_ok=True)
        for old in folder.glob("snapshot-*.duckdb"):   # a reader of an old one keeps its open file
            if old != target:
                old.unlink(missing_ok=True)
        return target


def _copy_file(con, db_file: Path, part: Path) -> bool:
    """CHECKPOINT, then copy the file; True when the file was not written while it was copied (and no
    WAL was left), so the copy is the checkpoint exactly."""
    try:
        con.execute("checkpoint")
    except duckdb.Error:
        return False
    wal = Path(f"{db_file}.wal")
    if wal.exists() and wal.stat().st_size:
        return False
    before = db_file.stat()
    # copied by another process: closing a file this process opened would drop DuckDB's lock on it (POSIX
    # fcntl locks belong to the process and go with the first close), letting another process in
    subprocess.run([sys.executable, "-c", "import shutil, sys; shutil.copyfile(sys.argv[1], sys.argv[2])",
                    str(db_file), str(part)], check=True, capture_output=True)
    after = db_file.stat()
    return (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns)


def _copy_database(con, part: Path) -> None:
    """COPY FROM DATABASE into a new file, in one transaction (consistent, and slower)."""
    part.unlink(missing_ok=True)
    alias = f"console_{uuid.uuid4().hex[:12]}"
    name = con.execute("select current_database()").fetchone()[0]
    con.execute(f"attach '{part}' as {alias}")
    try:
        with transaction(con):
            con.execute(f'copy from database "{name}" to {alias}')
    finally:
        con.execute(f"detach {alias}")


def latest_snapshot(db_file: str | os.PathLike) -> Path | None:
    """The newest snapshot beside db_file (for the CLI while the app holds the file), or None."""
    found = sorted(snapshot_dir(db_file).glob("snapshot-*.duckdb"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


# ---- running a query -----------------------------------------------------------------------------------

@dataclass
class Result:
    table: pa.Table            # at most max_rows rows
    truncated: bool            # there were more rows (or more than MAX_BYTES)
    seconds: float

    def names(self) -> list[str]:
        """The column names, a repeated one with ' (2)', ' (3)' (`select 1 as a, 2 as a`)."""
        seen: dict[str, int] = {}
        names = []
        for n in self.table.column_names:
            seen[n] = seen.get(n, 0) + 1
            names.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
        return names

    def frame(self):
        """The rows as a pandas DataFrame."""
        return self.table.rename_columns(self.names()).to_pandas()

    def rows(self):
        """The rows as tuples of plain Python values (None for NULL)."""
        return zip(*(c.to_pylist() for c in self.table.columns)) if self.table.num_columns else iter(())

    def chart_columns(self) -> tuple[str, str] | None:
        """(x, y): the first text column and the first numeric column, or None without both."""
        names = self.names()
        x = next((n for n, f in zip(names, self.table.schema)
                  if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)), None)
        y = next((n for n, f in zip(names, self.table.schema)
                  if pa.types.is_integer(f.type) or pa.types.is_floating(f.type) or pa.types.is_decimal(f.type)), None)
        return (x, y) if x and y else None


def run(sql: str, snapshot_file: str | os.PathLike, lim: Limits = Limits(), max_rows: int = SHOW_ROWS) -> Result:
    """Check the statement, then run it in a sandboxed child process over the snapshot.
    Raises Refused, TimedOut, OverMemory or QueryFailed."""
    sql = check(sql)
    start = time.time()
    deadline = start + lim.time_limit_s
    request = {"db": str(snapshot_file), "sql": sql, "max_rows": max_rows + 1, "max_bytes": MAX_BYTES,
               "memory_limit": lim.memory_limit, "threads": lim.threads, "deadline": deadline}
    try:
        proc = subprocess.run([sys.executable, "-B", "-m", "onefunnel.console"], cwd=ROOT,
                              input=json.dumps(request).encode(), capture_output=True,
                              timeout=lim.time_limit_s + GRACE_S,
                              env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", "PYTHONNOUSERSITE": "1"})
    except subprocess.TimeoutExpired:
        raise TimedOut(_time_message(lim)) from None
    status = _status(proc.stderr)
    if proc.returncode == 0:
        table = pa.ipc.open_stream(proc.stdout).read_all()
        truncated = table.num_rows > max_rows or bool(status.get("cut"))
        return Result(table.slice(0, max_rows), truncated, time.time() - start)
    message = status.get("message") or f"the query process ended with code {proc.returncode}"
    if proc.returncode == 2:
        raise Refused(message)
    if proc.returncode == 3 or time.time() >= deadline:
        raise TimedOut(_time_message(lim))
    if proc.returncode == 4:
        raise OverMemory(f"The query needed more memory than the console's limit of {lim.memory_limit} "
                         f"and was stopped: {message}")
    raise QueryFailed(message)


def run_in_workspace(con, db_file: str | os.PathLike, sql: str, max_rows: int = SHOW_ROWS,
                     time_limit_s: float | None = None) -> Result:
    """The page's and the CLI's entry: check first (a refused statement takes no snapshot), then run over
    the current snapshot of db_file with the workspace's limits."""
    check(sql)
    return run(sql, snapshot(con, db_file), limits(con, time_limit_s), max_rows)


def _time_message(lim: Limits) -> str:
    return (f"The query ran past the console's time limit of {lim.time_limit_s:g} s and was stopped "
            "(setting console_time_limit_s).")


def _status(stderr: bytes) -> dict:
    for line in reversed(stderr.decode("utf-8", "replace").splitlines()):
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return {}


# ---- the child process ----------------------------------------------------------------------------------

def sandbox(db: str | os.PathLike, memory_limit: str = "512MB", threads: int = 1) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the snapshot that can reach nothing outside it, in a READ ONLY
    transaction, its configuration locked."""
    con = duckdb.connect(str(db), read_only=True, config={
        "enable_external_access": False,        # no files, URLs, ATTACH, COPY, extensions, replacement scans
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "allow_community_extensions": False,
        "python_enable_replacements": False,    # no Python variable is a table
        "memory_limit": memory_limit,
        "threads": threads,
        "temp_directory": "",                   # nothing spills to disk: past the limit the query stops
    })
    con.execute("set enable_progress_bar = false")
    con.execute("set lock_configuration = true")
    con.execute("begin transaction read only")
    return con


def _limit_process(memory_limit: str) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))             # no file may grow
    cap = memory_bytes(memory_limit) + 2**30
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))             # DuckDB's limit plus Python and Arrow


def _worker() -> int:
    """Read a request on stdin, write the rows as an Arrow stream on stdout and a status line on stderr.
    Exit 0 done, 1 DuckDB error, 2 refused, 3 interrupted at the time limit, 4 out of memory."""
    def status(code: int, **fields) -> int:
        sys.stderr.write(json.dumps(fields) + "\n")
        return code

    req = json.loads(sys.stdin.buffer.read())
    try:
        _limit_process(req["memory_limit"])
        sql = check(req["sql"])
        con = sandbox(req["db"], req["memory_limit"], int(req["threads"]))
    except Refused as exc:
        return status(2, message=str(exc))
    except (duckdb.Error, ValueError, OSError) as exc:
        return status(1, message=_first_line(exc))
    timer = threading.Timer(max(0.0, req["deadline"] - time.time()), con.interrupt)
    timer.start()
    rows = size = 0
    cut = False
    try:
        reader = con.sql(sql).to_arrow_reader(2048)
        out = sys.stdout.buffer
        with pa.ipc.new_stream(out, reader.schema) as writer:
            for batch in reader:
                if rows + batch.num_rows > req["max_rows"]:
                    batch = batch.slice(0, req["max_rows"] - rows)
                writer.write_batch(batch)
                rows += batch.num_rows
                size += batch.nbytes
                if rows >= req["max_rows"] or size > req["max_bytes"]:
                    cut = size > req["max_bytes"]
                    break
    except Exception as exc:  # noqa: BLE001 - DuckDB's errors also arrive through Arrow as OSError
        return status(_exit_code(exc), message=_first_line(exc) if not isinstance(exc, MemoryError) else
                      "Out of Memory Error: the rows did not fit in the console's memory")
    finally:
        timer.cancel()
    return status(0, rows=rows, cut=cut)


def _exit_code(exc: Exception) -> int:
    """The worker's exit code for an error while the query ran (DuckDB's own exception, or its message
    carried by an Arrow OSError)."""
    text = str(exc)
    if isinstance(exc, duckdb.InterruptException) or text.startswith("INTERRUPT Error"):
        return 3
    if isinstance(exc, (duckdb.OutOfMemoryException, MemoryError)) or text.startswith("Out of Memory Error"):
        return 4
    if isinstance(exc, duckdb.PermissionException) or text.startswith("Permission Error"):
        return 2
    return 1


# ---- the schema of the canonical views ---------------------------------------------------------------------

_CREATE = re.compile(r"^create\s+or\s+replace\s+(view|macro)\s+(?:live\.)?(\w+)\s*(?:\(([^)]*)\))?\s*as\b\s*(table\b)?",
                     re.I | re.M)
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!e\.g\.)(?<!i\.e\.)\s+")


@lru_cache(maxsize=1)
def model_objects() -> tuple[dict, ...]:
    """The views and table macros of queries/model, in file order: name, kind ('view' | 'table macro'),
    params (a macro's parameter names), file, and sentence (the first sentence of its header comment)."""
    found = []
    for file in sorted(MODEL_DIR.glob("*.sql")):
        text = file.read_text()
        lines = text.splitlines()
        blocks = _comment_blocks(lines)
        for m in _CREATE.finditer(text):
            kind, name, params, is_table = m.group(1).lower(), m.group(2), m.group(3), m.group(4)
            if kind == "macro" and not is_table:
                continue     # a scalar macro (model_credit) is not a table to query
            line = text.count("\n", 0, m.start())
            found.append({"name": name, "kind": "view" if kind == "view" else "table macro",
                          "params": [p.strip() for p in (params or "").split(",") if p.strip()],
                          "file": file.name, "sentence": _sentence(name, line, blocks)})
    return tuple(found)


def model_macros() -> list[str]:
    return [o["name"] for o in model_objects() if o["kind"] == "table macro"]


def _comment_blocks(lines: list[str]) -> list[tuple[int, int, str]]:
    """(first line, last line, text) of each run of '--' lines."""
    blocks, start, parts = [], None, []
    for i, line in enumerate(lines + [""]):
        if line.strip().startswith("--"):
            if start is None:
                start, parts = i, []
            parts.append(line.strip()[2:].strip())
        elif start is not None:
            blocks.append((start, i - 1, " ".join(p for p in parts if p)))
            start = None
    return blocks


def _names_in_lead(text: str) -> list[str]:
    return re.findall(r"\w+", text.split(":", 1)[0]) if ":" in text else []


def _sentence(name: str, line: int, blocks) -> str:
    """The first sentence after 'name: ' in the comment block right above the statement, or in the block
    of the file that names it (one comment for several views)."""
    above = [b for b in blocks if b[1] == line - 1 and name in _names_in_lead(b[2])]
    naming = above or [b for b in blocks if name in _names_in_lead(b[2])]
    if not naming:
        return ""
    body = naming[0][2].split(":", 1)[1].strip()
    first = _SENTENCE_END.split(body, maxsplit=1)[0]
    return first[:1].upper() + first[1:]


def schema(con) -> list[dict]:
    """Every canonical view and table macro with its sentence and its columns [(name, type)], read from a
    connection that has them (the app's, or a snapshot's)."""
    objects = [dict(o) for o in model_objects()]
    views = [o["name"] for o in objects if o["kind"] == "view"]
    cols: dict[str, list] = {}
    for table, column, dtype in con.execute(
            "select table_name, column_name, data_type from duckdb_columns()"
            " where database_name = current_database() and schema_name = 'main' and table_name in ?"
            " order by table_name, column_index", [views]).fetchall():
        cols.setdefault(table, []).append((column, dtype))
    for o in objects:
        if o["kind"] == "table macro":
            nulls = ", ".join("null" for _ in o["params"])
            rows = con.execute(f"describe select * from {o['name']}({nulls})").fetchall()
            cols[o["name"]] = [(r[0], r[1]) for r in rows]
        o["columns"] = cols.get(o["name"], [])
        o["title"] = f"{o['name']}({', '.join(o['params'])})" if o["kind"] == "table macro" else o["name"]
    return objects


# ---- saved queries (migration 011) ------------------------------------------------------------------------

_NAME = re.compile(r"^[\w][\w .()\-]{0,79}$")


def save_query(con, name: str, sql: str, who: str | None) -> bool:
    """Save (or replace) a query under a name, shared with the team; logged in settings_log under
    'saved_query:<name>'. Refused for a statement the console would refuse; ValueError for a bad name.
    Returns False (nothing logged) when the same text was already saved under that name."""
    name = (name or "").strip()
    if not _NAME.match(name):
        raise ValueError("A saved query's name has 1 to 80 letters, digits, spaces or . - _ ( ), "
                         f"starting with a letter or digit; got {name!r}.")
    check(sql)
    sql = sql.strip()
    old = con.execute("select sql from saved_queries where name = ?", [name]).fetchall()
    if old and old[0][0] == sql:
        return False
    with transaction(con):
        con.execute("insert or replace into saved_queries (name, sql, author, saved_at)"
                    " values (?, ?, ?, current_localtimestamp())", [name, sql, who])
        log_change(con, f"saved_query:{name}", old[0][0] if old else None, sql, who)
    return True


def delete_query(con, name: str, who: str | None) -> bool:
    """Delete a saved query (logged with new value null). False when there was none."""
    old = con.execute("select sql from saved_queries where name = ?", [name]).fetchall()
    if not old:
        return False
    with transaction(con):
        con.execute("delete from saved_queries where name = ?", [name])
        log_change(con, f"saved_query:{name}", old[0][0], None, who)
    return True


if __name__ == "__main__":
    raise SystemExit(_worker())
