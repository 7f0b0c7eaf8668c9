"""The one-pass path for clean CSV files stores exactly what the checking path stores.

ingest_file() first tries one_pass.ingest (one statement per file) and falls back to
checked.ingest. Every set of files below is imported twice, once as it comes and once
with the one-pass path switched off; the stored records, the merged leads, the import log and
the metrics must be the same. The only column allowed to differ is `seq`'s row part (the
one-pass path stores rows as they stream, without their row number; see _clean_attempt).
"""

import datetime as dt
import json
from pathlib import Path

import pytest

from onefunnel.db import connect
from demo.company import write_demo_exports
from onefunnel.ingest import ingest_file
from onefunnel.ingest import one_pass as one_pass_path
from onefunnel.metrics import metrics_document
from tests.conftest import ROOT

FIX = ROOT / "tests" / "fixtures"
FORMATS = FIX / "formats"

SETS = {
    "hubspot": [FORMATS / "hubspot_contacts.csv", FORMATS / "hubspot_deals.csv"],
    "salesforce": [FORMATS / "salesforce_leads.csv", FORMATS / "salesforce_opportunities.csv",
                   FORMATS / "salesforce_campaign_members.csv"],
    "dataloader": [FORMATS / "salesforce_dataloader_leads.csv", FORMATS / "salesforce_dataloader_opportunities.csv"],
    "templates": [FORMATS / "template_leads.csv", FORMATS / "template_opportunities.csv",
                  FORMATS / "template_touches.csv", FORMATS / "template_activities.csv",
                  FORMATS / "template_activities_bom.csv", FORMATS / "template_spend.csv",
                  FORMATS / "template_spend_semicolon.csv"],
    "dates": [FORMATS / "dates_ambiguous.csv", FORMATS / "dates_dayfirst.csv"],
    "ads": [FORMATS / "google_ads.csv", FORMATS / "google_ads_ptbr.csv", FORMATS / "linkedin_ads_utf16.csv",
            FORMATS / "pipedrive_deals.csv"],
    "leadership": sorted((FIX / "leadership").glob("*.csv")),
    "teams": sorted((FIX / "teams").glob("*.csv")),
    "journeys": sorted((FIX / "credit" / "journeys").glob("*.csv")),
    "spend": sorted((FIX / "credit" / "spend").glob("*.csv")),
}

TABLES = {
    "lead_records": "select * exclude (seq), seq // 10000000000 from lead_records",
    "opportunity_records": "select * exclude (seq), seq // 10000000000 from opportunity_records",
    "touch_records": "select * from touch_records",
    "activity_records": "select * from activity_records",
    "spend_records": "select * from spend_records",
    "leads": "select * from leads",
    "lead_merges": "select * from lead_merges",
    "imports": "select import_id, file_name, content_hash, format, record_kind, encoding, delimiter, readings, "
               "rows_read, rows_loaded, rows_new, rows_rejected, rows_skipped from imports",
    "import_rejects": "select * from import_rejects",
}


def _snapshot(con) -> dict:
    out = {name: sorted(map(repr, con.execute(sql).fetchall())) for name, sql in TABLES.items()}
    doc = metrics_document(con, dt.date(2024, 1, 1), dt.date(2026, 12, 31), as_of=dt.date(2026, 12, 31))
    out["metrics"] = _rounded(json.loads(json.dumps(doc, default=str)))
    return out


def _rounded(v):
    """Floats to 9 significant digits: sums in another row order differ in the last bits."""
    if isinstance(v, float):
        return float(f"{v:.9g}")
    if isinstance(v, dict):
        return {k: _rounded(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_rounded(x) for x in v]
    return v


def _import(db: Path, files: list[Path], one_pass: bool, monkeypatch) -> tuple[dict, list[str]]:
    """(snapshot, names of the files the one-pass path stored)."""
    if not one_pass:
        monkeypatch.setattr(one_pass_path, "_clean_attempt", lambda *a, **k: None)
    con = connect(db)
    try:
        results = [ingest_file(con, f, who="test") for f in files]
        return _snapshot(con), [r.file_name for r in results if r.one_pass]
    finally:
        con.close()
        monkeypatch.undo()


@pytest.mark.parametrize("name", sorted(SETS))
def test_both_paths_store_the_same(tmp_path, monkeypatch, name):
    files = SETS[name]
    assert files and all(f.exists() for f in files)
    fast_db, fast_files = _import(tmp_path / "fast.duckdb", files, True, monkeypatch)
    checked_db, none = _import(tmp_path / "checked.duckdb", files, False, monkeypatch)
    assert none == [] and fast_files, "each set has files of both paths, or the comparison shows nothing"
    for key in fast_db:
        assert fast_db[key] == checked_db[key], f"{name}: {key} differs between the two paths"


def test_the_demo_company_takes_the_one_pass_path(tmp_path, monkeypatch):
    files = write_demo_exports(tmp_path / "demo")
    fast_db, fast_files = _import(tmp_path / "fast.duckdb", files, True, monkeypatch)
    checked_db, _ = _import(tmp_path / "checked.duckdb", files, False, monkeypatch)
    for key in fast_db:
        assert fast_db[key] == checked_db[key], f"demo: {key} differs between the two paths"
    # the large clean exports; the Salesforce report repeats a deal per contact role and falls back
    assert {"hubspot_contacts.csv", "touches.csv", "activities.csv"} <= set(fast_files), fast_files
    assert "salesforce_opportunities.csv" not in fast_files


def test_a_file_that_falls_back_leaves_no_gap_in_import_ids(tmp_path):
    clean = tmp_path / "clean.csv"
    clean.write_text("email,touched_at,channel,campaign\nada@example.com,2026-07-01 10:00,Email,news\n")
    bad = tmp_path / "bad.csv"   # one value that is no date: the one-pass try fails, the checking path rejects it
    bad.write_text("email,touched_at,channel,campaign\nbob@example.com,2026-07-02 10:00,Email,news\n"
                   "cy@example.com,someday,Email,news\n")
    con = connect(tmp_path / "x.duckdb")
    ids = [ingest_file(con, f).import_id for f in (clean, bad, clean)]
    assert ids == [1, 2, 3]
    second = con.execute("select rows_loaded, rows_rejected from imports where import_id = 2").fetchall()
    assert second == [(1, 1)]
    assert con.execute("select line, column_name, value from import_rejects").fetchall() == [(3, "touched_at", "someday")]
    con.close()


def test_one_person_twice_in_a_file_is_merged_in_file_order(tmp_path):
    # two template lead rows of one person: the later row's source wins, the earliest date stays
    f = tmp_path / "leads.csv"
    f.write_text("lead_id,email,created_at,source\n"
                 "L1,ada@example.com,2026-07-05,Paid Search\n"
                 "L2,ada@example.com,2026-07-01,Webinar\n")
    con = connect(tmp_path / "x.duckdb")
    ingest_file(con, f)
    assert con.execute("select lead_key, created_at::date::varchar, source from leads").fetchall() == [
        ("ada@example.com", "2026-07-01", "Webinar")]
    con.close()


def _opportunities(rows: list[tuple[str, str]]) -> str:
    """A template opportunity export: one row per (created_at, amount)."""
    lines = ["opportunity_id,name,created_at,close_date,stage,amount"]
    lines += [f"O-{n},Deal {n},{created},,Proposal,\"{amount}\"" for n, (created, amount) in enumerate(rows, 1)]
    return "\n".join(lines) + "\n"


# Files longer than the 1,000 rows _sample_decision reads, where the first rows tell more or less
# than the whole file: (rows, whether the one-pass path stores the file, the created_at reading).
GUESSES = {
    # the first rows settle month/day: the guess is the decision
    "us_dates": ([("1/25/2026", "100")] + [("2/3/2026", "1,200.50")] * 1100, True, "month/day/year (US)"),
    # the first 1,000 rows fit both orders; a later day above 12 settles it, on the whole file
    "us_dates_settled_late": ([("2/3/2026", "100")] * 1100 + [("1/25/2026", "100")], True, "month/day/year (US)"),
    # day/month at first, then a value only month/day reads: read day/month, the odd value rejected
    "day_first_then_us": ([("25/1/2026", "100")] * 1100 + [("1/25/2026", "100")], False, "day/month/year"),
    # ISO at first, then US dates: the whole file decides (ISO), the US values are rejected
    "iso_then_us": ([("2026-01-25", "100")] * 1100 + [("1/25/2026", "100")] * 10, False, None),
}


@pytest.mark.parametrize("name", sorted(GUESSES))
def test_readings_guessed_from_the_first_rows_are_the_whole_files(tmp_path, monkeypatch, name):
    rows, one_pass, reading = GUESSES[name]
    f = tmp_path / f"{name}.csv"
    f.write_text(_opportunities(rows))
    fast_db, fast_files = _import(tmp_path / "fast.duckdb", [f], True, monkeypatch)
    checked_db, _ = _import(tmp_path / "checked.duckdb", [f], False, monkeypatch)
    assert (fast_files == [f.name]) is one_pass
    for key in fast_db:
        assert fast_db[key] == checked_db[key], f"{name}: {key} differs between the two paths"
    con = connect(tmp_path / "fast.duckdb")
    (readings,) = con.execute("select readings from imports").fetchall()[0]
    con.close()
    assert json.loads(readings).get("created_at") == reading
