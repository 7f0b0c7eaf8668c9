"""The one-pass path: a clean CSV file read, typed and stored by one statement.

Clean: every value reads in its column's reading, no row to skip or reject, no record id or
person twice. Anything else rolls back and returns None; load.ingest_file then takes the
checking path (checked.py), which stores the same (tests/test_ingest_paths.py).
"""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

import duckdb

from onefunnel.db import transaction
from onefunnel.ingest import records, row_sets
from onefunnel.ingest.saved_formats import candidate_presets
from onefunnel.ingest.imports import ImportResult, import_result, log_import, next_import_id
from onefunnel.ingest.presets import KIND_FIELDS, mapping
from onefunnel.ingest.reader import FileRefused, RawFile, csv_relation, layout_csv
from onefunnel.ingest.readings import decide, families_of, sample_decision, sql_str
from onefunnel.ingest.staging import Progress, drop_temp, rejected_sql, typed_sql


FALLBACK = "onefunnel: not a clean file"


class _NotClean(Exception):
    """Raised inside _clean_attempt's transaction to roll it back: the file takes the checking path."""


def ingest(con, path: Path, file_name: str, tmp: Path, digest: Future, who: str | None,
           progress: Progress, mapping_key: str | None = None) -> ImportResult | None:
    """A clean CSV file in one pass: read, typed and stored by one statement, as a plain read_csv would.

    Clean: every value reads in its column's reading, no row to skip or reject. The first try
    takes the readings the first rows decide (sample_decision; most files need nothing more).
    If a value does not read, each column's reading is decided from all its values of the file
    (the same decide as the checking path) and, if that changes a reading, the file is tried
    once more. The statement raises at the first row that does not read (the SQL error() below)
    and its transaction is rolled back; None tells the caller to take the checking path, which
    reports rejected rows. A file whose record ids or people repeat falls back too."""
    try:
        raw = layout_csv(path, file_name, tmp, *candidate_presets(con, mapping_key))
    except FileRefused:
        return None   # the checking path refuses it with the same message
    kinds = KIND_FIELDS[raw.preset.kind]
    cols = mapping(raw.preset, raw.headers)
    has_money = any(kinds[f] in ("money", "percent") for f, ix in cols.items() if ix)
    # A European layout has its decimal mark decided from the whole file first. Otherwise the
    # first rows guess each column's reading, and the guard checks every value against it.
    tried = None
    if not (has_money and raw.delimiter == ";"):
        guess = sample_decision(con, raw, cols)
        if guess is not None:
            dates, money, readings = guess
            tried = families_of(dates), money
            progress(0.1, f"Reading and storing {file_name}")
            result = _clean_attempt(con, raw, dates, money, readings, digest, who, progress)
            if result is not None:
                return result
    progress(0.1, f"Deciding how to read the dates and amounts of {file_name}")
    try:
        decided = decide(con, raw, cols, csv_relation(raw))
    except duckdb.Error:
        return None   # a file DuckDB cannot read: the checking path says where
    if (families_of(decided[0]), decided[1]) == tried:
        return None   # the readings were right: a value is bad, the checking path lists it
    dates, money, readings = decided
    progress(0.2, f"Reading and storing {file_name}")
    return _clean_attempt(con, raw, dates, money, readings, digest, who, progress)


def _clean_attempt(con, raw: RawFile, dates, money, readings: dict[str, str], digest: Future, who: str | None,
                   progress: Progress) -> ImportResult | None:
    """One try of ingest with these readings; None (nothing stored) if the file is not clean."""
    p = raw.preset
    # rn (the row's place in the file, for lead seq) is 0: numbering rows would make the statement
    # keep file order, at twice the cost. A file with one person twice falls back, where order counts.
    with_id = p.kind in ("lead", "opportunity")
    typed, bad_checks, missing_checks = typed_sql(p, raw.headers, dates, money, csv_relation(raw),
                                                  {"rn": "0"} if with_id else {})
    guard = (f"case when is_blank or is_summary or {rejected_sql(bad_checks, missing_checks)} "
             f"then error({sql_str(FALLBACK)}) else true end")
    rows = f"(select * from ({typed}) where {guard})"
    if with_id:
        rows = f"(select * replace ({records.record_id_sql(p)} as record_id) from {rows})"
    import_id = next_import_id(con)
    try:
        with transaction(con):
            try:
                stored = records.store(con, p, rows, import_id) if with_id else row_sets.insert(con, p, rows, import_id)
            except duckdb.Error:
                raise _NotClean from None
            repeats = 0
            if with_id:   # a record id, or for leads a person, twice in the file
                table = "lead_records" if p.kind == "lead" else "opportunity_records"
                people = " + count(*) - count(distinct lead_key)" if p.kind == "lead" else ""
                repeats = con.execute(f"select count(*) - count(distinct record_id){people} from {table} "
                                      "where import_id = ?", [import_id]).fetchall()[0][0]
            if stored == 0 or repeats or con.execute("select nextval('import_id_seq')").fetchall()[0][0] != import_id:
                raise _NotClean
            progress(0.6, "Merging people" if with_id else "Finding rows stored before")
            new = records.settle(con, p, import_id, stored, True) if with_id else row_sets.settle(con, p, import_id, stored)
            result = import_result(con, import_id, raw.file_name, p, raw, digest.result(), (stored, stored, new, 0, 0),
                                   [], readings)
            result.one_pass = True
            log_import(con, result, raw, digest.result(), who)
            drop_temp(con, ("suspect",))
    except _NotClean:
        return None   # rolled back: nothing stored
    return result
