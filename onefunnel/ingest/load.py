"""Importing one file: `ingest_file()` picks the path, then tidies up after the commit.

A clean CSV takes the one-pass path (one_pass.py: one statement, about as fast as a plain
read_csv); any other file, or a clean-looking one that turns out not to be, the checking path
(checked.py). Each stores the file in one transaction: leads and opportunities replace their
earlier version by source id and the people they touch are merged again (records.py); touches,
activities and spend add only new rows (row_sets.py); the import is logged (imports.py). The
content hash of the file is computed beside DuckDB's work. Everything row-sized runs in DuckDB.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from onefunnel.db import out_of_room, refresh_model, refresh_statistics, room_text, writing
from onefunnel.ingest import checked, old_deals, one_pass, row_sets
from onefunnel.ingest.imports import ImportResult, checkpoint
from onefunnel.ingest.reader import FileRefused, is_workbook, read_as, workdir
from onefunnel.ingest.staging import Progress, file_hash, noop
from onefunnel.periods import today


def ingest_file(con, path: str | Path, file_name: str | None = None, who: str | None = None,
                progress: Progress = noop, mapping_key: str | None = None,
                old_open_deals: str = "keep", encoding: str | None = None, refresh: bool = True) -> ImportResult:
    """Import one file in one transaction. Raises FileRefused (nothing stored) for a broken file.

    A clean CSV takes the one-pass path; any other file, or a clean-looking one that turns out
    not to be, the checking path (see one_pass.ingest). mapping_key: read the file with that saved
    mapping (saved_formats) and no other format. old_open_deals: keep | lost | skip, what an
    opportunity file's old open deals mean (old_deals.py). encoding: read a text file with this encoding
    instead of the detected one. refresh: rebuild the model's tables afterwards (db.refresh_model); a caller
    importing several files passes False and refreshes once at the end."""
    if old_open_deals not in old_deals.POLICIES:
        raise ValueError(f"old open deals: {old_open_deals!r} is not one of {', '.join(old_deals.POLICIES)}")
    path = Path(path)
    file_name = file_name or path.name
    with writing():          # one import or undo at a time (db.writing)
        try:
            result = _ingest(con, path, file_name, who, progress, mapping_key, old_open_deals, encoding)
            if refresh:
                progress(0.99, "Bringing the numbers up to date")
                refresh_model(con)
                checkpoint(con)
            progress(1.0, "Done")
            return result
        except FileRefused as exc:
            if exc.__cause__ is not None and out_of_room(exc.__cause__) or out_of_room(exc):
                raise FileRefused(file_name, room_text(con)) from None
            raise
        except duckdb.Error as exc:
            if out_of_room(exc):
                raise FileRefused(file_name, room_text(con)) from None
            raise


def _ingest(con, path: Path, file_name: str, who, progress, mapping_key, old_open_deals, encoding) -> ImportResult:
    row_sets.rehash_if_needed(con)
    with read_as(encoding), workdir() as tmp, ThreadPoolExecutor(1) as pool:   # hashing overlaps DuckDB's work
        digest = pool.submit(file_hash, path)
        result = None
        if not is_workbook(path, file_name):
            result = one_pass.ingest(con, path, file_name, Path(tmp), digest, who, progress, mapping_key)
        if result is None:
            result = checked.ingest(con, path, file_name, Path(tmp), digest, who, progress, mapping_key)
    if result.kind == "opportunity" and result.rows_loaded:
        day = today()
        no_date, past = old_deals.stored_counts(con, result.import_id, day)
        if no_date + past:
            old_deals.decide(con, result.import_id, old_open_deals, day, no_date + past, who)
            result.notes.append(old_deals.note(no_date, past, old_open_deals, day))
    try:
        row_sets.compact_repeats(con)
    except duckdb.Error:
        pass   # the import is stored and reads right; the next import compacts
    checkpoint(con)
    if result.kind == "touch":
        refresh_statistics(con)
    return result


__all__ = ["ingest_file"]
