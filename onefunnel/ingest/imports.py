"""The imports log: an import's id, its row in `imports` with its rejected rows, what it reports.

Shared by both ingest paths (one_pass.py, checked.py), records.py and row_sets.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from onefunnel.ingest.presets import Preset, ignored_columns
from onefunnel.ingest.reader import RawFile
from onefunnel.ingest.staging import Reject


@dataclass
class ImportResult:
    """What a stored file reports (the CLI's line, the Data page's message)."""
    file_name: str
    import_id: int
    format: str
    label: str
    kind: str
    rows_read: int
    rows_loaded: int
    rows_new: int
    rows_rejected: int
    rows_skipped: int
    rejects: list[Reject] = field(default_factory=list)
    readings: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    one_pass: bool = False   # stored by the one-pass path for clean CSV files (see one_pass.ingest)


def next_import_id(con) -> int:
    """The id nextval('import_id_seq') will give, without taking it (a fallen-back attempt leaves no gap)."""
    return con.execute("select coalesce(last_value + increment_by, start_value) from duckdb_sequences() "
                       "where sequence_name = 'import_id_seq'").fetchall()[0][0]


def others(con, table: str, import_id: int, where: str = "true", params: dict | None = None) -> bool:
    """Does `table` hold rows of other imports (matching `where`)? Skips the joins on a first import."""
    return bool(con.execute(f"select count(*) from (select 1 from {table} where import_id <> $import_id "
                            f"and {where} limit 1)", {"import_id": import_id, **(params or {})}).fetchall()[0][0])


def import_result(con, import_id: int, file_name: str, preset: Preset, raw: RawFile, digest: str, counts: tuple,
                  rejects: list[Reject], readings: dict[str, str]) -> ImportResult:
    """counts: rows (read, loaded, new, rejected, skipped)."""
    notes = list(raw.notes)
    dup = con.execute("select max(import_id) from imports where content_hash = ? and undone_at is null",
                      [digest]).fetchall()[0][0]
    if dup:
        notes.append(f"identical to import #{dup}: re-importing it changes no number")
    return ImportResult(file_name, import_id, preset.key, preset.label, preset.kind, *counts, rejects=rejects,
                        readings=readings, notes=notes, ignored_columns=ignored_columns(preset, raw.headers))


def log_import(con, r: ImportResult, raw: RawFile, digest: str, who: str | None) -> None:
    """The imports row and the rejected rows of a stored file."""
    con.execute("""insert into imports (import_id, file_name, content_hash, format, record_kind, encoding,
                       delimiter, readings, rows_read, rows_loaded, rows_new, rows_rejected, rows_skipped,
                       imported_by)
                   values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [r.import_id, r.file_name, digest, r.format, r.kind, raw.encoding, raw.delimiter,
                 json.dumps(r.readings), r.rows_read, r.rows_loaded, r.rows_new, r.rows_rejected, r.rows_skipped, who])
    if r.rejects:
        frame = pd.DataFrame([(r.import_id, j.line, j.column, j.value, j.reason) for j in r.rejects],
                             columns=["import_id", "line", "column_name", "value", "reason"])
        con.register("rejects_frame", frame)
        con.execute("insert into import_rejects select * from rejects_frame")
        con.unregister("rejects_frame")


def checkpoint(con) -> None:
    """Write an import's changes into the database file now: until then every scan of a table with
    deleted rows (replaced records, repeated rows) consults them (measured: an attribution query
    1.6x slower after deleting 112 of 5M touches; the checkpoint takes 15 ms). Skipped when another
    session's transaction is open; DuckDB checkpoints later by itself."""
    try:
        con.execute("checkpoint")
    except duckdb.Error:
        pass
