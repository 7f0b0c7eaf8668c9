"""Broken files are refused whole (FORMATS.md "What is refused, and what is only rejected"):
the message names the file, the line and, where it can, the column, and the database is
unchanged. Single unreadable values only reject their row, listed with line, column, value
and reason. Line numbers are physical lines of the file, counted by hand below.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.conftest import run_cli
from onefunnel.ingest import FileRefused, ingest_file

FIX = Path(__file__).resolve().parent / "fixtures" / "formats"
ACTIVITIES = "email,at,type,owner\n"


def everything(con):
    """The full content of every table of the database (all columns, sorted rows)."""
    tables = [t for (t,) in con.execute("select table_name from information_schema.tables "
                                        "where table_schema = 'main' and table_type = 'BASE TABLE' "
                                        "and table_catalog = current_database() order by 1").fetchall()]
    return {t: sorted(map(repr, con.execute(f"select * from {t}").fetchall())) for t in tables}


@pytest.fixture
def loaded(con):
    """A database holding leads, opportunities, touches, activities and spend already."""
    for name in ("hubspot_contacts.csv", "salesforce_leads.csv", "salesforce_opportunities.csv",
                 "template_touches.csv", "template_activities.csv", "google_ads.csv"):
        ingest_file(con, FIX / name)
    return con


BAD = {
    # name: (content, line, column or None, words of the reason)
    "too_many_fields.csv": (ACTIVITIES + "a@x.com,2024-03-01,Call,Dana\nb@x.com,2024-03-02,Call,Dana,extra\n",
                            3, "5 (the header has 4 columns)", "5 fields where the header has 4"),
    "too_few_fields.csv": (ACTIVITIES + "a@x.com,2024-03-01,Call,Dana\nb@x.com,2024-03-02,Call\n",
                           3, "4 ('owner', missing)", "3 fields where the header has 4"),
    # lines 2-4 are one row (a quoted note spans them); the ragged row is line 6
    "ragged_after_multiline.csv": (ACTIVITIES + 'a@x.com,2024-03-01,Call,"Dana\nand\nSam"\n'
                                   "b@x.com,2024-03-02,Call,Dana\nc@x.com,2024-03-03,Call\n",
                                   6, "4 ('owner', missing)", "3 fields where the header has 4"),
    # the quote opened on line 5 (after a 3-line row) never closes
    "truncated_mid_quote.csv": (ACTIVITIES + 'a@x.com,2024-03-01,Call,"Dana\nand\nSam"\n'
                                'b@x.com,2024-03-02,"Call about\nthe renewal,Dana\n',
                                5, "3 ('type')", "never closed"),
    "header_only.csv": (ACTIVITIES, 1, None, "no data rows"),
    "unknown_headers.csv": ("foo,bar,baz\n1,2,3\n", 1, None, "no recognisable header"),
    # Google Ads preamble (2 lines): the ragged row is line 6
    "google_ads_ragged.csv": ('Campaign performance report\n"March 1, 2024 - March 3, 2024"\n'
                              "Campaign,Day,Currency code,Cost\nBrand,2024-03-01,USD,10\n"
                              "Brand,2024-03-02,USD,11\nBrand,2024-03-03,USD,12,99\n",
                              6, "5 (the header has 4 columns)", "5 fields where the header has 4"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_broken_csv_is_refused_with_file_line_column_and_nothing_changes(loaded, tmp_path, name):
    content, line, column, reason = BAD[name]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8", newline="")
    before = everything(loaded)
    with pytest.raises(FileRefused) as exc:
        ingest_file(loaded, path)
    err = exc.value
    assert (err.file_name, err.line, err.column) == (name, line, column)
    msg = str(err)
    assert msg.startswith(f"{name}, line {line}")
    assert reason in msg
    if column:
        assert f"column {column}" in msg
    assert everything(loaded) == before
    # the connection is usable after the rollback
    assert ingest_file(loaded, FIX / "template_spend.csv").rows_loaded == 3


def test_unknown_headers_message_lists_formats_and_templates(con, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Name,Value,When\nx,1,2024-01-01\n")
    with pytest.raises(FileRefused) as exc:
        ingest_file(con, path)
    msg = str(exc.value)
    for label in ("HubSpot contacts", "HubSpot deals", "Salesforce lead report", "Salesforce opportunity report",
                  "Salesforce campaign member report", "Pipedrive deals", "Google Ads campaign report"):
        assert label in msg
    assert "Templates" in msg
    assert "lead_id,email,created_at,company,source,campaign,owner,mql_at,sql_at" in msg
    assert "date,channel,campaign,cost" in msg
    assert "'Name,Value,When'" in msg   # what the first line says


@pytest.mark.parametrize("name, content, line, reason", [
    ("empty.csv", b"", None, "empty"),
    ("blank.csv", b"\r\n\r\n  \n", None, "empty"),
    ("bom_only.csv", b"\xef\xbb\xbf", None, "empty"),
    # a program renamed .csv: the first NUL byte is on line 1
    ("binary.csv", b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)) * 4, 1, "not a text file"),
    ("notes.xlsx", b"email,at,type,owner\na@x.com,2024-03-01,Call,Dana\n", None, "not a workbook"),
])
def test_unreadable_files_are_refused_and_nothing_changes(loaded, tmp_path, name, content, line, reason):
    path = tmp_path / name
    path.write_bytes(content)
    before = everything(loaded)
    with pytest.raises(FileRefused) as exc:
        ingest_file(loaded, path)
    assert exc.value.file_name == name and exc.value.line == line
    assert str(exc.value).startswith(name)
    assert reason in str(exc.value)
    assert everything(loaded) == before


def test_zip_that_is_not_a_workbook_is_refused(loaded, tmp_path):
    path = tmp_path / "deals.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    before = everything(loaded)
    with pytest.raises(FileRefused) as exc:
        ingest_file(loaded, path)
    assert str(exc.value).startswith("deals.xlsx: this workbook could not be opened")
    assert everything(loaded) == before


def test_workbook_without_a_known_header_is_refused(loaded, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.append(["Name", "Value"])
    wb.active.append(["x", 1])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    before = everything(loaded)
    with pytest.raises(FileRefused, match="^book.xlsx: no sheet has a recognisable header"):
        ingest_file(loaded, path)
    assert everything(loaded) == before


# ------------------------------------------------------------------------------ rejected rows

REJECTS = (
    "opportunity_id,name,created_at,close_date,stage,amount\n"      # line 1
    'R-1,"Multi\nline\nname",2024-03-01,2024-03-20,Closed Won,100\n'  # lines 2-4
    "R-2,Bad date,2024-02-30,2024-03-20,Closed Won,100\n"            # line 5
    "R-3,Bad amount,2024-03-02,2024-03-20,Closed Won,12abc\n"        # line 6
    ",No key,2024-03-03,2024-03-20,Closed Won,100\n"                 # line 7
    "1.20253E+17,Mangled by Excel,2024-03-04,2024-03-20,Closed Won,100\n"   # line 8
    'R-6,"Another\r\nmulti-line",2024-03-05,2024-03-21,Closed Lost,200\n'   # lines 9-10
    "R-7,Late bad date,2024-13-45,2024-03-22,Closed Lost,300\n"       # line 11
)
NOT_A_DATE = "not a date in this column's format (year-month-day (ISO))"
EXCEL_ID = "an ID turned into a number by Excel (like 1.2E+17); export again without opening the file in Excel"
EXPECTED_REJECTS = [
    (5, "created_at", "2024-02-30", NOT_A_DATE),
    (6, "amount", "12abc", "not an amount"),
    (7, "opportunity_id", None, "no opportunity id"),
    (8, "opportunity_id", "1.20253E+17", EXCEL_ID),
    (11, "created_at", "2024-13-45", NOT_A_DATE),
]


def test_unreadable_values_reject_their_row_with_line_column_value_reason(con, tmp_path):
    path = tmp_path / "opps_with_errors.csv"
    path.write_text(REJECTS, encoding="utf-8", newline="")
    r = ingest_file(con, path)
    # 7 rows; load, the 5 others are rejected
    assert (r.format, r.rows_read, r.rows_loaded, r.rows_rejected, r.rows_skipped) == (
        "template_opportunities", 7, 2, 5, 0)
    assert [(j.line, j.column, j.value, j.reason) for j in r.rejects] == EXPECTED_REJECTS
    assert sorted(con.execute("select record_id, name, amount from opportunity_records").fetchall()) == [
        ("R-1", "Multi\nline\nname", 100.0), ("R-6", "Another\r\nmulti-line", 200.0)]
    stored = con.execute("select line, column_name, value, reason from import_rejects "
                         "where import_id = ? order by line", [r.import_id]).fetchall()
    assert stored == EXPECTED_REJECTS


def test_rejected_line_numbers_in_a_salesforce_report_with_multiline_notes(con, tmp_path):
    # Salesforce style: all quoted, CR/LF inside a Description, footer after the data
    text = ('"Opportunity Name","Stage","Amount","Close Date","Created Date","Opportunity ID","Description"\n'  # 1
            '"A","Closed Won","1,000.00","3/29/2024","3/1/2024","006A","one\r\ntwo\r\nthree"\n'              # 2-4
            '"B","Closed Won","abc","3/29/2024","3/1/2024","006B",""\n'                                      # 5
            '"C","Closed Won","500","3/40/2024","3/2/2024","006C","x"\n'                                      # 6
            '\n"Grand Totals (3 records)"\n\n"Confidential Information - Do Not Distribute"\n'
            '"Copyright © 2000-2026 salesforce.com, inc. All rights reserved."\n')
    path = tmp_path / "sf_opps.csv"
    path.write_text(text, encoding="utf-8", newline="")
    r = ingest_file(con, path)
    assert (r.format, r.rows_read, r.rows_loaded, r.rows_rejected) == ("salesforce_opportunities", 3, 1, 2)
    assert [(j.line, j.column, j.value, j.reason) for j in r.rejects] == [
        (5, "Amount", "abc", "not an amount"),
        (6, "Close Date", "3/40/2024", "not a date in this column's format (month/day/year (US))"),
    ]


# ------------------------------------------------------------------------------------ CLI

def test_cli_prints_a_line_per_file_and_fails_when_one_is_refused(tmp_path):
    db = tmp_path / "cli.duckdb"
    bad = tmp_path / "ragged.csv"
    bad.write_text(BAD["too_few_fields.csv"][0])
    proc = run_cli("ingest", "--db", db, FIX / "template_leads.csv", bad, FIX / "google_ads.csv", check=False)
    assert proc.returncode != 0
    out = proc.stdout.splitlines()
    assert out[0] == "template_leads.csv: Leads (template), 4 rows loaded (4 new), 0 rejected"
    assert "google_ads.csv: Google Ads campaign report, 3 rows loaded (3 new), 0 rejected, " \
           "3 summary rows skipped" in out
    assert proc.stderr.strip().splitlines() == [
        "REFUSED ragged.csv, line 3, column 4 ('owner', missing): this row has 3 fields where the header "
        "has 4; the columns of the file cannot be trusted, so nothing was loaded"]


def test_cli_exits_zero_with_rejected_rows_and_lists_them(tmp_path):
    path = tmp_path / "opps_with_errors.csv"
    path.write_text(REJECTS, encoding="utf-8", newline="")
    proc = run_cli("ingest", "--db", tmp_path / "cli.duckdb", path)
    assert "opps_with_errors.csv: Opportunities (template), 2 rows loaded (2 new), 5 rejected" in proc.stdout
    assert "  rejected line 6, column 'amount': '12abc': not an amount" in proc.stdout
