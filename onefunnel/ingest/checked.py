"""The checking path: any file read into the temp table `raw` as text, each column decided from
all its values, rows checked one by one (rejected rows listed with their lines), then stored in
one transaction. A refused file, or any error, rolls back: the stored data is unchanged.
"""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

from onefunnel.db import transaction
from onefunnel.ingest import records, row_sets
from onefunnel.ingest.imports import ImportResult, import_result, log_import
from onefunnel.ingest.staging import Progress, drop_temp, read_raw, stage_file


def ingest(con, path: Path, file_name: str, tmp: Path, digest: Future, who: str | None,
           progress: Progress, mapping_key: str | None = None) -> ImportResult:
    """Any file: read into `raw`, each column decided from all its values, rows checked one by one."""
    try:
        # The file is read into the temp table `raw` before the transaction begins: a failed
        # read (a file that is not UTF-8 after all, read again) must not abort the transaction.
        raw = read_raw(con, path, file_name, tmp, progress, mapping_key)
        with transaction(con):
            staged = stage_file(con, raw, digest, progress)
            import_id = con.execute("select nextval('import_id_seq')").fetchall()[0][0]
            progress(0.7, "Storing records")
            p = staged.preset
            if p.kind in ("lead", "opportunity"):
                records.incoming(con, records.record_id_sql(p))
                new = records.settle(con, p, import_id, records.store(con, p, "incoming", import_id))
            else:
                new = row_sets.settle(con, p, import_id, row_sets.insert(con, p, "ok", import_id))
            result = import_result(con, import_id, file_name, p, staged.raw, staged.content_hash,
                                   (staged.rows_read, staged.rows_ok, new, staged.rows_rejected, staged.rows_skipped),
                                   staged.rejects, staged.readings)
            log_import(con, result, staged.raw, staged.content_hash, who)
            drop_temp(con)
    except BaseException:
        try:
            drop_temp(con)   # `raw` was made outside the transaction
        except Exception:
            pass              # the original error matters more
        raise
    return result
