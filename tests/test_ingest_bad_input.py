"""Bad input that got through (issue 15 section 2): each case is refused with a message that says what and where,
or listed as a rejected row, and the workspace is unchanged by a refusal. Fixtures are written by the tests."""

import zipfile

import pytest

from onefunnel.ingest import FileRefused, ingest_file, preview
from onefunnel.ingest import reader
from tests.conftest import run_cli

HEADER = "email,created_at,source\n"


def imports(con) -> int:
    return con.execute("select count(*) from imports").fetchall()[0][0]


def test_a_value_over_the_line_limit_names_line_column_and_length(con, tmp_path):
    f = tmp_path / "long.csv"
    # line 1 header, lines 2-4 good, line 5 holds a 3,000,000-character source
    f.write_text(HEADER + "a@x.com,2026-07-01,Web\n" * 3 + "b@x.com,2026-07-01," + "x" * 3_000_000 + "\n")
    with pytest.raises(FileRefused) as exc:
        ingest_file(con, f)
    assert exc.value.line == 5 and exc.value.column == "3 ('source')"
    assert "3,000,000 bytes long" in exc.value.reason and "2,097,152 bytes" in exc.value.reason
    assert imports(con) == 0


def test_a_nul_byte_past_the_first_256_kb_is_refused_with_its_line(con, tmp_path):
    f = tmp_path / "nul.csv"
    good = "a@x.com,2026-07-01,Web\n"                     # 23 bytes a line
    rows = 12_000                                          # 276,000 bytes of rows: past the 262,144-byte sniff
    f.write_bytes((HEADER + good * rows).encode() + b"c@x.com,2026-07-01,W\x00eb\n")
    with pytest.raises(FileRefused) as exc:
        ingest_file(con, f)
    # the header (line 1), 12,000 rows (lines 2..12,001), the NUL on line 12,002 at byte 24 + 276,000 + 20
    assert exc.value.line == 12_002
    assert "NUL byte" in exc.value.reason and "at byte 276,044" in exc.value.reason
    assert imports(con) == 0


def test_a_nul_byte_past_the_first_4_mb_chunk_is_refused_with_its_line(con, tmp_path):
    # the scan reads 4 MiB (4,194,304 bytes) at a time; the line is counted over every chunk before the NUL
    f = tmp_path / "nul_far.csv"
    good = "a@x.com,2026-07-01,Web\n"                     # 23 bytes a line
    rows = 200_000                                         # 4,600,000 bytes of rows: into the second chunk
    f.write_bytes((HEADER + good * rows).encode() + b"c@x.com,2026-07-01,W\x00eb\n")
    with pytest.raises(FileRefused) as exc:
        ingest_file(con, f)
    # the header (line 1), 200,000 rows (lines 2..200,001), the NUL on line 200,002 at byte 24 + 4,600,000 + 20
    assert exc.value.line == 200_002
    assert "at byte 4,600,044" in exc.value.reason
    assert imports(con) == 0


@pytest.mark.parametrize("body, words", [(",,\n", "the one data row is empty"),
                                         (",,\n , ,\n,,\n", "all 3 data rows are empty")])
def test_a_file_whose_only_data_rows_are_empty_is_refused(con, tmp_path, body, words):
    f = tmp_path / "empty_rows.csv"
    f.write_text(HEADER + body)
    with pytest.raises(FileRefused) as exc:
        ingest_file(con, f)
    assert words in exc.value.reason and exc.value.line == 2
    assert imports(con) == 0


def test_a_duplicate_id_in_one_file_is_a_listed_reject_naming_both_lines(con, tmp_path):
    f = tmp_path / "dup.csv"
    f.write_text("lead_id,email,created_at\n"
                 "L-1,first@x.com,2026-07-01\n"        # line 2: stored
                 "L-2,other@x.com,2026-07-02\n"        # line 3
                 "L-1,second@x.com,2026-07-03\n")      # line 4: the same id as line 2
    r = ingest_file(con, f)
    assert (r.rows_loaded, r.rows_rejected) == (2, 1)
    [rej] = r.rejects
    assert (rej.line, rej.column, rej.value) == (4, "lead_id", "L-1")
    assert rej.reason == "the same record id as line 2 of this file; the first row is stored"
    stored = con.execute("select record_id, email from lead_records order by 1").fetchall()
    assert stored == [("L-1", "first@x.com"), ("L-2", "other@x.com")]
    logged = con.execute("select line, reason from import_rejects").fetchall()
    assert logged == [(4, "the same record id as line 2 of this file; the first row is stored")]


def _xlsx(path, sheet_xml: str, second: str | None = None):
    """A minimal workbook: one sheet named Leads with this sheetData XML (and a sheet named More with `second`)."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="'
                   'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook {ns} {rel}><sheets>'
                   '<sheet name="Leads" sheetId="1" r:id="rId1"/>'
                   + ('<sheet name="More" sheetId="2" r:id="rId2"/>' if second is not None else "")
                   + '</sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   + ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                      'relationships/worksheet" Target="worksheets/sheet2.xml"/>' if second is not None else "")
                   + '</Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><worksheet {ns}>{sheet_xml}</worksheet>')
        if second is not None:
            z.writestr("xl/worksheets/sheet2.xml", f'<?xml version="1.0"?><worksheet {ns}>{second}</worksheet>')


def _row(n, *cells):
    return f'<row r="{n}">' + "".join(cells) + "</row>"


def _s(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


LEADS = _row(1, _s("A1", "email"), _s("B1", "created_at"), _s("C1", "source")) + \
    _row(2, _s("A2", "ada@x.com"), _s("B2", "2026-07-01"), _s("C2", "Web"))


def test_a_workbook_reads_when_it_is_sound(con, tmp_path):
    f = tmp_path / "ok.xlsx"
    _xlsx(f, '<dimension ref="A1:C2"/><sheetData>' + LEADS + "</sheetData>")
    assert ingest_file(con, f).rows_loaded == 1


def test_a_formula_without_a_saved_value_is_refused_naming_the_cell(con, tmp_path):
    f = tmp_path / "formula.xlsx"
    uncalculated = _row(3, _s("A3", "bob@x.com"), _s("B3", "2026-07-02"), '<c r="C3"><f>UPPER(C2)</f></c>')
    _xlsx(f, '<dimension ref="A1:C3"/><sheetData>' + LEADS + uncalculated + "</sheetData>")
    with pytest.raises(FileRefused) as exc:
        ingest_file(con, f)
    assert (exc.value.line, exc.value.column) == (3, "C")
    assert exc.value.reason.startswith("cell C3 of sheet 'Leads' holds a formula (=UPPER(C2)) with no saved value")
    assert imports(con) == 0


def test_a_calculated_formula_reads(con, tmp_path):
    f = tmp_path / "calculated.xlsx"
    calculated = _row(3, _s("A3", "bob@x.com"), _s("B3", "2026-07-02"),
                      '<c r="C3" t="str"><f>UPPER(C2)</f><v>WEB</v></c>')
    _xlsx(f, '<dimension ref="A1:C3"/><sheetData>' + LEADS + calculated + "</sheetData>")
    assert ingest_file(con, f).rows_loaded == 2
    assert con.execute("select source from lead_records order by email").fetchall() == [("Web",), ("WEB",)]


def _never_read(*a, **k):
    raise AssertionError("the workbook was read before its limits were checked")


def test_a_workbook_over_the_cell_limit_is_refused_before_reading(con, tmp_path, monkeypatch):
    f = tmp_path / "wide.xlsx"
    # the used range claims 1,048,576 rows by 16,384 columns (A1:XFD1048576): 17,179,869,184 cells
    _xlsx(f, '<dimension ref="A1:XFD1048576"/><sheetData>' + LEADS + "</sheetData>")
    monkeypatch.setattr(reader.pd, "read_excel", _never_read)
    with pytest.raises(FileRefused) as exc:
        ingest_file(con, f)
    assert exc.value.reason == ("sheet 'Leads' spans 1,048,576 rows by 16,384 columns; OneFunnel reads at most "
                                "5,000,000 cells of a workbook: export the sheet as CSV instead")


FAR = _row(100000, '<c r="Z100000"><v>1</v></c>')      # 100,000 rows by 26 columns: 2,600,000 cells


def test_a_lying_dimension_is_refused_from_the_cells_before_reading(con, tmp_path, monkeypatch):
    f = tmp_path / "lying.xlsx"
    _xlsx(f, '<dimension ref="A1:C2"/><sheetData>' + LEADS + _row(1048576, '<c r="XFD1048576"><v>1</v></c>')
          + "</sheetData>")
    monkeypatch.setattr(reader.pd, "read_excel", _never_read)
    with pytest.raises(FileRefused) as exc:
        ingest_file(con, f)
    assert exc.value.reason == ("sheet 'Leads' spans 1,048,576 rows by 16,384 columns (counted from its cells); "
                                "OneFunnel reads at most 5,000,000 cells of a workbook: export the sheet as CSV "
                                "instead")
    assert imports(con) == 0


def test_a_far_cell_in_the_second_sheet_is_counted(con, tmp_path, monkeypatch):
    f = tmp_path / "second.xlsx"
    # each sheet alone is under the limit (2,600,000 cells), the two together are over it
    _xlsx(f, '<dimension ref="A1:C2"/><sheetData>' + LEADS + FAR + "</sheetData>",
          second='<dimension ref="A1"/><sheetData>' + FAR + "</sheetData>")
    monkeypatch.setattr(reader.pd, "read_excel", _never_read)
    with pytest.raises(FileRefused) as exc:
        ingest_file(con, f)
    assert exc.value.reason.startswith("sheet 'More' spans 100,000 rows by 26 columns (counted from its cells)")


def test_cells_without_a_reference_are_counted_from_the_last_one(con, tmp_path, monkeypatch):
    f = tmp_path / "unreferenced.xlsx"
    # a row at 1,000,000 whose cells carry no r: the 6th cell is column F
    _xlsx(f, '<dimension ref="A1:C2"/><sheetData>' + LEADS + '<row r="1000000">' + "<c><v>1</v></c>" * 6
          + "</row></sheetData>")
    monkeypatch.setattr(reader.pd, "read_excel", _never_read)
    with pytest.raises(FileRefused) as exc:
        ingest_file(con, f)
    assert exc.value.reason.startswith("sheet 'Leads' spans 1,000,000 rows by 6 columns")


def test_a_reference_split_across_a_chunk_is_read_whole(con, tmp_path, monkeypatch):
    f = tmp_path / "split.xlsx"
    sheet = '<dimension ref="A1:C2"/><sheetData>' + LEADS + FAR + "</sheetData>"
    _xlsx(f, sheet, second='<sheetData>' + FAR + "</sheetData>")
    full = f'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{sheet}'
    split = full.index('r="Z100000"') + 5                     # the chunk ends inside "Z100000"
    monkeypatch.setattr(reader, "XLSX_SCAN_CHUNK", split)
    monkeypatch.setattr(reader.pd, "read_excel", _never_read)
    with pytest.raises(FileRefused) as exc:
        ingest_file(con, f)
    assert exc.value.reason.startswith("sheet 'More' spans 100,000 rows by 26 columns")
    for chunk in (1, 7, split):                               # an honest sheet reads the same in any chunking
        with zipfile.ZipFile(f) as z:
            monkeypatch.setattr(reader, "XLSX_SCAN_CHUNK", chunk)
            assert reader._used_range(z, "xl/worksheets/sheet1.xml", "Leads", "split.xlsx") == (100000, 26)


def test_a_reference_hidden_in_another_attribute_does_not_hide_the_real_one(tmp_path):
    f = tmp_path / "quoted.xlsx"
    _xlsx(f, '<dimension ref="A1:C2"/><sheetData>' + LEADS
          + """<row r="3"><c t='n r="A3"' r="XFD1048576"><v>1</v></c></row></sheetData>""")
    with zipfile.ZipFile(f) as z:
        assert reader._used_range(z, "xl/worksheets/sheet1.xml", "Leads", "quoted.xlsx") == (1048576, 16384)


def test_an_honest_workbook_reads_the_same_rows_after_the_cell_count(con, tmp_path, monkeypatch):
    f = tmp_path / "honest.xlsx"
    more = _row(3, _s("A3", "bob@x.com"), _s("B3", "2026-07-02"), _s("C3", "Ads"))
    _xlsx(f, '<dimension ref="A1:C3"/><sheetData>' + LEADS + more + "</sheetData>")
    monkeypatch.setattr(reader, "XLSX_SCAN_CHUNK", 16)
    assert ingest_file(con, f).rows_loaded == 2
    assert con.execute("select email from lead_records order by 1").fetchall() == [("ada@x.com",), ("bob@x.com",)]


def test_a_workbook_that_unpacks_too_large_is_refused_before_reading(con, tmp_path, monkeypatch):
    f = tmp_path / "bomb.xlsx"
    padding = "<!--" + " " * (3 * 1024 * 1024) + "-->"          # 3 MiB of XML that packs to a few KB
    _xlsx(f, '<dimension ref="A1:C2"/>' + padding + "<sheetData>" + LEADS + "</sheetData>")
    assert f.stat().st_size < 100_000
    monkeypatch.setattr(reader, "XLSX_MAX_XML_BYTES", 2 * 1024 * 1024)
    monkeypatch.setattr(reader.pd, "read_excel", _never_read)
    with pytest.raises(FileRefused) as exc:
        ingest_file(con, f)
    assert exc.value.reason.startswith("the workbook's sheets unpack to 3 MiB of XML")
    assert "OneFunnel reads at most 2 MiB" in exc.value.reason


def test_cli_file_names_are_names_not_patterns(tmp_path):
    db = tmp_path / "cli.duckdb"
    (tmp_path / "leadX.csv").write_text(HEADER + "x@x.com,2026-07-01,Web\n")
    (tmp_path / "leads[1].csv").write_text(HEADER + "y@x.com,2026-07-01,Web\n")
    # no file is called lead*.csv: refused as missing, nothing loaded
    proc = run_cli("ingest", tmp_path / "lead*.csv", "--db", db, check=False)
    assert proc.returncode == 1 and "cannot read the file" in proc.stderr
    # a file that is called lead*.csv loads itself alone (DuckDB would read the name as a pattern)
    (tmp_path / "lead*.csv").write_text(HEADER + "z@x.com,2026-07-01,Web\n")
    proc = run_cli("ingest", tmp_path / "lead*.csv", "--db", db)
    assert "1 rows loaded" in proc.stdout
    # and leads[1].csv is that one file, not a character class
    proc = run_cli("ingest", tmp_path / "leads[1].csv", "--db", db)
    assert "1 rows loaded" in proc.stdout
    out = run_cli("sql", "select email from leads order by email", "--db", db).stdout
    assert out.split() == ["email", "y@x.com", "z@x.com"]


def test_preview_refuses_the_same_way(con, tmp_path):
    f = tmp_path / "empty_rows.csv"
    f.write_text(HEADER + ",,\n")
    with pytest.raises(FileRefused):
        preview(con, f)
    assert imports(con) == 0
