"""Several sessions at once: one process-wide connection, a cursor per session/thread."""

import datetime as dt
import threading

from onefunnel.db import connect
from onefunnel.metrics import metrics_document
from tests.conftest import load_files

LEADS = "email,created_at,source,mql_at\na@x.test,2026-07-01,Paid Search,2026-07-02\nb@x.test,2026-07-03,Referrals,\n"


def test_sessions_query_in_parallel_while_one_imports(tmp_path):
    db = tmp_path / "c.duckdb"
    src = tmp_path / "leads.csv"
    src.write_text(LEADS)
    load_files(db, src)
    shared = connect(db)
    errors, results = [], []

    def session(n):
        cur = shared.cursor()
        try:
            for _ in range(5):
                doc = metrics_document(cur, dt.date(2026, 7, 1), dt.date(2026, 7, 31))
                results.append(doc["metrics"]["leads_created"])
        except Exception as exc:  # noqa: BLE001 - any error is the failure being tested
            errors.append(exc)
        finally:
            cur.close()

    def importer():
        from onefunnel.ingest import ingest_file
        cur = shared.cursor()
        try:
            more = tmp_path / "more.csv"
            more.write_text("email,created_at,source\nc@x.test,2026-07-09,Referrals\n")
            ingest_file(cur, more)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            cur.close()

    threads = [threading.Thread(target=session, args=(n,)) for n in range(4)] + [threading.Thread(target=importer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    shared.close()
    assert errors == []
    # every reader saw either the snapshot before the import (2 leads) or after it (3), never a mix
    assert set(results) <= {2, 3} and len(results) == 20
