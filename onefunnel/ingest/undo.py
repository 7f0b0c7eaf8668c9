"""Taking one import back: its rows are deleted and the people it touched are merged again.

`undo_import()` runs in one transaction: it deletes the rows stored under the import's id from
every record table, merges again the people whose records it removed (records.settle_people, the
"one person, one lead" rule of METRICS.md), marks the import as
undone (imports.undone_at / undone_by, migration 004) and logs the change in settings_log under
the key 'import:<id>'. Any error rolls everything back: the stored data is unchanged.

What it cannot do (the stored data does not hold it any more):
- A lead or opportunity record that this import REPLACED (the same source id imported earlier)
  is not restored: the earlier version was overwritten when this import was stored. Undoing
  the import removes the record altogether; import the earlier file again to get it back.
- Touches, activities and spend lines are stored once, under the import that FIRST added them.
  Undoing an import removes the rows it added, including rows a later import also contained
  (the later import added nothing for them); undoing the later import leaves them in place.
"""

from __future__ import annotations


import duckdb

from onefunnel.db import log_change, out_of_room, refresh_model, room_text, transaction, writing
from onefunnel.ingest import records, row_sets
from onefunnel.ingest.imports import checkpoint

# Tables whose rows carry the import_id of the import that stored them, in deletion order (the
# names people read; touches, activities and spend live in their *_store tables, migration 006).
RECORD_TABLES = ("lead_records", "opportunity_records", "touch_records", "activity_records", "spend_records",
                 "import_rejects")
_STORED_IN = {"touch_records": "touch_store", "activity_records": "activity_store", "spend_records": "spend_store"}

LIMITS = ("Records this import replaced (the same id imported earlier) are not restored: the earlier "
          "version was overwritten when this import was stored. Touches, activities and spend lines it was "
          "the first to add are removed even if a later file contained them too.")


class UndoRefused(ValueError):
    """The import does not exist or was already taken back."""


def _delete(con, table: str, import_id: int) -> int:
    """Delete the rows of one import from one table; returns how many (a seam for the atomicity test)."""
    return con.execute(f"delete from {_STORED_IN.get(table, table)} where import_id = ?", [import_id]).fetchall()[0][0]


def undo_import(con, import_id: int, who: str | None = None) -> dict[str, int]:
    """Take back import `import_id` in one transaction; returns the rows removed per table.

    Keys: the RECORD_TABLES plus "leads" (merged lead rows that disappeared because the person has
    no record left; people with other records are rebuilt from them, earliest dates first).
    Raises UndoRefused for an unknown or already undone import. Limits: see the module docstring -
    records this import replaced are NOT restored (the earlier version is gone). Two undos at once take
    turns (db.writing): the second finds the import taken back.
    """
    with writing():
        try:
            counts = _undo(con, import_id, who)
            refresh_model(con)
            return counts
        except duckdb.TransactionException:      # a write of another kind met the same rows: rolled back
            raise UndoRefused(f"import #{import_id} was not taken back: another change was being saved at the same "
                              "moment; nothing was removed, try again") from None
        except duckdb.Error as exc:
            if out_of_room(exc):
                raise UndoRefused(f"import #{import_id} was not taken back: {room_text(con)}") from None
            raise


def _undo(con, import_id: int, who: str | None) -> dict[str, int]:
    row = con.execute("select file_name, record_kind, rows_loaded, undone_at from imports where import_id = ?",
                      [import_id]).fetchall()
    if not row:
        raise UndoRefused(f"there is no import #{import_id}")
    file_name, kind, rows_loaded, undone_at = row[0]
    if undone_at is not None:
        raise UndoRefused(f"import #{import_id} ({file_name}) was already taken back on {undone_at:%Y-%m-%d %H:%M}")
    row_sets.compact_repeats(con)   # each row stored once, under the import that stored it first
    with transaction(con):
        # the people whose merged lead may change: every lead_key this import has a record for
        con.execute("create or replace temp table undo_affected as "
                    "select distinct lead_key from lead_records where import_id = ?", [import_id])
        leads_before = con.execute("select count(*) from live.leads semi join undo_affected using (lead_key)"
                                   ).fetchall()[0][0]
        counts = {table: _delete(con, table, import_id) for table in RECORD_TABLES}
        con.execute("delete from opportunity_stage_changes where import_id = ?", [import_id])
        records.settle_people(con, "undo_affected")
        counts["leads"] = leads_before - con.execute(
            "select count(*) from live.leads semi join undo_affected using (lead_key)").fetchall()[0][0]
        con.execute("drop table temp.undo_affected")
        con.execute("update imports set undone_at = current_localtimestamp(), undone_by = ? where import_id = ?",
                    [who, import_id])
        log_change(con, f"import:{import_id}",
                   {"state": "imported", "file_name": file_name, "record_kind": kind, "rows_loaded": rows_loaded},
                   {"state": "undone", "removed": counts}, who)
    checkpoint(con)
    return counts


__all__ = ["LIMITS", "RECORD_TABLES", "UndoRefused", "undo_import"]
