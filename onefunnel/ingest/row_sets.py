"""Touches, activities and spend lines: sets of rows, de-duplicated on all their fields (METRICS.md).

Rows go straight into their `*_store` table with h, the hash of their fields (migration 006).
`settle()` lists the hashes that repeat in row_repeats, so the `*_records` views read each
distinct row once; `compact_repeats()` deletes the extra copies after the commit.
"""

from __future__ import annotations

from onefunnel.db import transaction
from onefunnel.ingest.imports import others
from onefunnel.ingest.presets import Preset
from onefunnel.ingest.readings import sql_str


# Kinds stored as a set of rows: their store table (migration 006) and its fields.
SET_STORES = {
    "touch": ("touch_store", "email, lead_ref, lead_ref_system, touched_at, channel, campaign, asset"),
    "activity": ("activity_store", "email, lead_ref, lead_ref_system, activity_at, type, owner, asset"),
    "spend": ("spend_store", "date, channel, campaign, cost, source_system"),
}


def _shape(p: Preset) -> tuple[str, str, list[tuple[str, str]]]:
    """(store table, its fields, (expression over the typed rows, field) per field) of a kind stored as a set of rows."""
    table, cols = SET_STORES[p.kind]
    channel_default = sql_str(p.defaults.get("channel", "(none)"))
    ref = "null" if p.lead_ref_system is None else sql_str(p.lead_ref_system)
    exprs = {
        "touch": ["email", "lead_ref", f"{ref}::varchar", "touched_at", f"coalesce(channel, {channel_default})",
                  "coalesce(campaign, '(none)')", "asset::varchar"],
        "activity": ["email", "lead_ref", f"{ref}::varchar", "activity_at", "type", "owner", "asset::varchar"],
        "spend": ["date", f"coalesce(channel, {channel_default})", "coalesce(campaign, '(none)')", "cost",
                  f"{sql_str(p.system)}::varchar"],
    }[p.kind]
    return table, cols, list(zip(exprs, cols.split(", ")))


def insert(con, p: Preset, rows: str, import_id: int) -> int:
    """Insert the typed rows of relation `rows` into the kind's store, each with h, the hash of its
    fields; returns how many. Repeats are left to settle (filtering them first would need
    the whole file staged once more)."""
    table, cols, shaped = _shape(p)
    exprs = ", ".join(e for e, _ in shaped)
    return con.execute(f"insert into {table} ({cols}, import_id, h) select {exprs}, $import_id, {_hash(shaped)} "
                       f"from {rows}", {"import_id": import_id}).fetchall()[0][0]


def _hash(shaped) -> str:
    """h of a row: the hash of its fields. A touch or activity without an asset hashes as before the asset
    column existed (migration 018), so a file imported before and again now still repeats its rows."""
    exprs = [e for e, _ in shaped]
    if shaped[-1][1] != "asset":
        return f"hash({', '.join(exprs)})"
    base = ", ".join(exprs[:-1])
    return f"case when {exprs[-1]} is null then hash({base}) else hash({base}, {exprs[-1]}) end"


def settle(con, p: Preset, import_id: int, stored: int) -> int:
    """After insert: list in row_repeats the hashes of this import that repeat (in it, or on an
    older row), so the views read each distinct row once; returns how many stored rows are new.
    compact_repeats() deletes the extra copies after the commit."""
    table, cols, _ = _shape(p)
    older = (f"union select h from {table} where import_id <> $import_id "
             f"and h in (select h from {table} where import_id = $import_id)") if others(con, table, import_id) else ""
    # Repeats within the import: first the 32-bit prefixes of h that repeat (a prefix equal to
    # the one before it in order; sorting 32-bit keys is 1.5x faster than 64-bit ones, and 2.5x
    # faster than grouping, measured at 5M rows), then the hashes among those few that repeat.
    con.execute(f"""create or replace temp table suspect as
        with prefix as (
            select k from (select k, lag(k) over (order by k) as before
                           from (select (h >> 32)::uinteger as k from {table} where import_id = $import_id))
            where k = before)
        select h from {table} where import_id = $import_id and (h >> 32)::uinteger in (select k from prefix)
        group by h having count(*) > 1 {older}""", {"import_id": import_id})
    if not con.execute("select count(*) from suspect").fetchall()[0][0]:
        return stored
    con.execute("insert into row_repeats select $table, h from suspect", {"table": table})
    # new: this import's rows, less its rows in repeating groups, plus the distinct ones of those
    # that no older row has
    return con.execute(f"""
        with g as (select {cols}, import_id = $import_id as mine from {table} where h in (select h from suspect))
        select $stored - count(*) filter (where mine)
               + (select count(*) from (select {cols} from g where mine except select {cols} from g where not mine))
        from g""", {"import_id": import_id, "stored": stored}).fetchall()[0][0]


def compact_repeats(con) -> int:
    """Delete the extra copies of the rows listed in row_repeats, keeping the one stored first, in
    a transaction of its own (the rows are committed, so this is cheap). The views read the same
    set before and after. Returns how many rows went."""
    if not con.execute("select count(*) from row_repeats").fetchall()[0][0]:
        return 0
    gone = 0
    with transaction(con):
        for table, cols in SET_STORES.values():
            gone += con.execute(f"""delete from {table} where rowid in (
                select r from (select rowid as r, row_number() over (partition by {cols} order by import_id, rowid) as n
                               from {table} where h in (select h from row_repeats where table_name = $table))
                where n > 1)""", {"table": table}).fetchall()[0][0]
        con.execute("delete from row_repeats")
    return gone


def rehash_if_needed(con) -> None:
    """Recompute every stored h when the file was hashed by another DuckDB (hash() may change)."""
    if con.execute("select value = to_json(version()) from settings where key = 'row_hash_duckdb'").fetchall() == [(True,)]:
        return
    with transaction(con):
        for table, cols in SET_STORES.values():
            names = cols.split(", ")
            con.execute(f"update {table} set h = {_hash([(c, c) for c in names])}")
        con.execute("insert or replace into settings (key, value, updated_by) "
                    "values ('row_hash_duckdb', to_json(version()), 'ingest')")
