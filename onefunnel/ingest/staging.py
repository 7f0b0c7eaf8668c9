"""Staging: a read file typed and checked in temp tables, nothing stored (the preview).

`stage()` makes the temp table `typed` (every row with its typed fields and a flag per value
that does not parse) and the view `ok` (the rows to store), and lists the rejected rows with
their lines. `preview()` reads and stages a file for the Data page and drops the temp tables.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd
import xxhash

from onefunnel.ingest import old_deals
from onefunnel.ingest.saved_formats import candidate_presets
from onefunnel.periods import today
from onefunnel.ingest.presets import KIND_FIELDS, Preset, ignored_columns, mapping
from onefunnel.ingest.readings import cleaned, decide, sql_str, value_expr
from onefunnel.ingest.reader import FileRefused, RawFile, line_numbers, read_as, read_file, workdir


@dataclass
class Reject:
    """A row that is not loaded: its line in the file, column, value and why."""
    line: int | None
    column: str | None
    value: str | None
    reason: str


@dataclass
class Staged:
    """A file read and checked, not yet stored (the preview)."""
    file_name: str
    preset: Preset
    raw: RawFile
    rows_read: int
    rows_skipped: int
    rows_ok: int
    rejects: list[Reject]
    rows_rejected: int
    readings: dict[str, str]
    columns: dict[str, str]           # canonical field -> the header(s) it comes from
    sample: pd.DataFrame
    content_hash: str
    duplicate_of: int | None = None
    ignored_columns: list[str] = field(default_factory=list)   # headers no field reads
    old_open: tuple[int, int] = (0, 0)   # open deals with no close date / one long past (old_deals.py)

    @property
    def notes(self) -> list[str]:
        return self.raw.notes


Progress = Callable[[float, str], None]


def noop(_f: float, _m: str) -> None:
    pass


def file_hash(path: Path) -> str:
    """The content hash recorded for an import (migration 007): tells a file imported before."""
    h = xxhash.xxh3_128()
    with open(path, "rb") as f:
        while chunk := f.read(4 * 1024 * 1024):
            h.update(chunk)
    return f"xxh3_128:{h.hexdigest()}"


def _required(preset: Preset) -> list[tuple[list[str], str]]:
    """Rows need one of these fields: (fields, reason)."""
    kind = preset.kind
    if kind == "lead":
        return [(["record_id", "email"] if preset.template else ["record_id"], "no record id or email")]
    if kind == "opportunity":
        return [(["record_id"], "no opportunity id")]
    if kind == "touch":
        return [(["touched_at"], "no touch date"), (["email", "lead_ref"], "no email or lead id")]
    if kind == "activity":
        return [(["activity_at"], "no activity date"), (["email", "lead_ref"], "no email or lead id")]
    return [(["date"], "no date"), (["cost"], "no cost")]


def typed_sql(preset: Preset, headers: list[str], date_choice, money_choice, source: str,
              keep: dict[str, str]) -> tuple[str, list[tuple[str, int, str]], list[tuple[str, str, list[str]]]]:
    """(SELECT of the typed rows of `source`, bad_checks, missing_checks).

    The rows have the `keep` columns, a flag bad_<field>_<i> per value that did not parse, one
    column per field of the record kind, is_blank and is_summary (rows that carry no record).
    bad_checks: (flag, column index, reason); missing_checks: (condition, reason, fields)."""
    kinds = KIND_FIELDS[preset.kind]
    cols = mapping(preset, headers)
    used = sorted({i for ix in cols.values() for i in ix})
    values, outer, bad_checks = [], [], []
    for fname, ix in cols.items():
        parts = []
        for i in ix:
            expr, reason = value_expr(kinds[fname], i, preset, date_choice, money_choice)
            alias = f"v_{fname}_{i}"
            values.append(f"{expr} as {alias}")
            parts.append(alias)
            if reason:
                outer.append(f"(k{i} is not null and {alias} is null) as bad_{fname}_{i}")
                bad_checks.append((f"bad_{fname}_{i}", i, reason))
        outer.append(f"coalesce({', '.join(parts)}) as {fname}")
    for fname in kinds:
        if fname not in cols:
            outer.append(f"null as {fname}")
    outer.append(f"coalesce({', '.join(f'k{i}' for i in used)}) is null as is_blank")
    summary = []
    for fname in preset.skip_rows:   # summary rows: no value, or a 'Total' label, in this field
        for i in cols.get(fname, [])[:1]:
            summary.append(f"(k{i} is null or regexp_matches(k{i}, '(?i)^total(:|$)'))")
    for fname in preset.skip_empty:  # rows with no value at all in this field carry no record
        if cols.get(fname):
            summary.append(f"coalesce({', '.join(f'k{i}' for i in cols[fname])}) is null")
    outer.append(f"({' or '.join(summary) or 'false'}) as is_summary")
    names = "".join(f"{k}, " for k in keep)
    sql = f"""select {names}{', '.join(outer)}
        from (select {names}{', '.join([f'k{i}' for i in used] + values)}
              from {cleaned(used, keep=keep, source=source)})"""
    missing_checks = []
    for fields, reason in _required(preset):
        missing_checks.append((" and ".join(f"{f} is null" for f in fields), reason, fields))
    return sql, bad_checks, missing_checks


def rejected_sql(bad_checks, missing_checks) -> str:
    """SQL: the typed row is rejected (a value that did not parse, or a required field missing)."""
    return " or ".join([b for b, _, _ in bad_checks] + [f"({c})" for c, _, _ in missing_checks]) or "false"


def stage(con, raw: RawFile, progress: Progress = noop) -> tuple[dict, dict, list[Reject], int, int]:
    """Create temp table `typed` and view `ok` (its rows to store); return (columns, readings, rejects,
    skipped, rejected)."""
    preset = raw.preset
    cols = mapping(preset, raw.headers)
    progress(0.35, "Checking dates and amounts")
    date_choice, money_choice, readings = decide(con, raw, cols)
    base = con.execute("select min(rowid) from raw").fetchall()[0][0]   # temp tables number rows from 2**55
    keep = {"rn": f"rowid - {base} + 1", **({"excel_row": "excel_row"} if raw.is_excel else {})}
    progress(0.5, "Converting values")
    typed, bad_checks, missing_checks = typed_sql(preset, raw.headers, date_choice, money_choice, "raw", keep)
    con.execute(f"create or replace temp table typed as {typed}")
    blank, total = con.execute("select count(*) filter (where is_blank), count(*) from typed").fetchall()[0]
    if total and blank == total:
        raise FileRefused(raw.file_name, f"{'the one data row is' if total == 1 else f'all {total:,} data rows are'} "
                                         "empty (no value in any column read); nothing to import",
                          line=raw.header_line + 1)
    bad_any = rejected_sql(bad_checks, missing_checks)
    dups = _repeated_ids(con, preset, bad_any)
    con.execute(f"""create or replace temp view ok as
                    select * exclude (is_blank, is_summary) from typed
                    where not is_blank and not is_summary and not ({bad_any})
                    {'and rn not in (select rn from repeated_ids)' if dups else ''}""")

    counts = con.execute(f"""select count(*) filter (where is_blank or is_summary),
                                    count(*) filter (where not is_blank and not is_summary and ({bad_any}))
                             from typed""").fetchall()[0]
    skipped, rejected = counts[0], counts[1] + len(dups)
    rejects: list[Reject] = []
    if rejected:
        parts = []
        for flag, i, reason in bad_checks:
            parts.append(f"select rn, {i} as col, r.c{i} as value, {sql_str(reason)} as reason, {len(parts)} as k "
                         f"from typed join raw r on r.rowid - {base} + 1 = rn where {flag} and not is_blank and not is_summary")
        for cond, reason, fields in missing_checks:
            i = cols.get(fields[0], [None])[0]
            col_sql = "null" if i is None else str(i)
            # a key that is there but unreadable is listed once, with its own reason
            unreadable = " or ".join(b for b, j, _ in bad_checks if b.startswith(tuple(f"bad_{f}_" for f in fields)))
            parts.append(f"select rn, {col_sql} as col, null as value, {sql_str(reason)} as reason, {len(parts)} as k "
                         f"from typed where ({cond}) and not ({unreadable or 'false'}) and not is_blank and not is_summary")
        rows = con.execute(f"select r.rn, r.col, r.value, r.reason{', t.excel_row' if raw.is_excel else ''} "
                           f"from ({' union all '.join(parts)}) r "
                           f"{'join typed t using (rn)' if raw.is_excel else ''} order by r.rn, r.k limit 10000").fetchall()
        lines = {} if raw.is_excel else line_numbers(raw, {r[0] for r in rows})
        for r in rows:
            line = r[4] if raw.is_excel else lines.get(r[0])
            col = None if r[1] is None else raw.headers[r[1]]
            rejects.append(Reject(line, col, r[2], r[3]))
    if dups:
        rejects += _repeat_rejects(con, raw, cols, dups)
        rejects.sort(key=lambda r: (r.line is None, r.line or 0))
    columns = {f: " / ".join(raw.headers[i] for i in ix) for f, ix in cols.items()}
    return columns, readings, rejects, skipped, rejected


def _repeated_ids(con, preset: Preset, bad_any: str) -> list[tuple[int, int, str]]:
    """(rn, rn of the first row, id) of each later row of a lead or opportunity file whose record id an earlier
    row of the same file has (temp table `repeated_ids`): the first row is stored, the later ones are listed as
    rejected. A report that repeats a record by design (Salesforce: one row per contact role) is read by its
    first row without a word (Preset.repeats_records)."""
    if preset.kind not in ("lead", "opportunity") or preset.repeats_records:
        return []
    from onefunnel.ingest.records import record_id_sql

    con.execute(f"""create or replace temp table repeated_ids as
        select rn, first_rn, rid from (
            select rn, {record_id_sql(preset)} as rid, min(rn) over (partition by {record_id_sql(preset)}) as first_rn
            from typed where not is_blank and not is_summary and not ({bad_any}))
        where rid is not null and rn <> first_rn order by rn""")
    return con.execute("select rn, first_rn, rid from repeated_ids order by rn limit 10000").fetchall()


def _repeat_rejects(con, raw: RawFile, cols: dict, dups: list[tuple[int, int, str]]) -> list[Reject]:
    rns = {r for d in dups for r in d[:2]}
    if raw.is_excel:
        lines = dict(con.execute("select rn, excel_row from typed where rn in (select unnest($rns))",
                                 {"rns": sorted(rns)}).fetchall())
    else:
        lines = line_numbers(raw, rns)
    ix = cols.get("record_id") or cols.get("email") or [None]
    column = None if ix[0] is None else raw.headers[ix[0]]
    out = []
    for rn, first, rid in dups:
        shown = rid if not str(rid).startswith("row:") else None     # a template lead row without an id: its content
        what = "the same record id as" if shown else "the same row as"
        out.append(Reject(lines.get(rn), column, shown,
                          f"{what} line {lines.get(first, '?')} of this file; the first row is stored"))
    return out


def read_raw(con, path: Path, file_name: str, tmp: Path, progress: Progress, mapping_key: str | None = None) -> RawFile:
    """Read the file into the temp table `raw` (the custom formats are tried first; with mapping_key,
    the saved mapping of that key alone)."""
    progress(0.05, f"Reading {file_name}")
    extra, builtin = candidate_presets(con, mapping_key)
    return read_file(con, path, file_name, tmp, extra, builtin)


def stage_file(con, raw: RawFile, digest: Future, progress: Progress) -> Staged:
    """Stage the read file (see stage) and describe it; `digest` is its content hash, computed beside."""
    rows_read = con.execute("select count(*) from raw").fetchall()[0][0]
    columns, readings, rejects, skipped, rejected = stage(con, raw, progress)
    sample = con.execute("select * exclude (rn) from ok order by rn limit 20").df()
    sample = sample[[c for c in sample.columns if not c.startswith("bad_") and c != "excel_row"]]
    digest = digest.result()
    dup = con.execute("select max(import_id) from imports where content_hash = ? and undone_at is null", [digest]).fetchall()[0][0]
    old_open = old_deals.staged_counts(con, today()) if raw.preset.kind == "opportunity" else (0, 0)
    return Staged(raw.file_name, raw.preset, raw, rows_read, skipped, rows_read - skipped - rejected, rejects,
                  rejected, readings, columns, sample, digest, dup, ignored_columns(raw.preset, raw.headers),
                  old_open)


def preview(con, path: str | Path, file_name: str | None = None, mapping_key: str | None = None,
            encoding: str | None = None) -> Staged:
    """Read and check a file without storing anything (mapping_key: read it with that saved mapping; encoding:
    read a text file with this encoding instead of the detected one)."""
    path = Path(path)
    file_name = file_name or path.name
    with read_as(encoding), workdir() as tmp, ThreadPoolExecutor(1) as pool:   # hashing overlaps DuckDB's work (both release the GIL)
        try:
            digest = pool.submit(file_hash, path)
            return stage_file(con, read_raw(con, path, file_name, Path(tmp), noop, mapping_key), digest, noop)
        finally:
            drop_temp(con)


def drop_temp(con, names=("ok", "incoming", "affected", "replaced", "suspect", "repeated_ids", "typed", "raw")) -> None:
    # (information_schema takes 10-20 ms inside an import's transaction; these take 1 ms)
    kinds = dict(con.execute("select table_name, 'table' from duckdb_tables() where database_name = 'temp' union all "
                             "select view_name, 'view' from duckdb_views() where database_name = 'temp'").fetchall())
    for name in names:   # views first: they read the tables
        if name in kinds:
            con.execute(f"drop {kinds[name]} temp.{name}")
