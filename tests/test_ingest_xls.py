"""Old Excel workbooks (.xls) get bounds before calamine reads them, like an .xlsx (issue 15 section 2): a byte
limit (BIFF is not compressed) and the cell limit on the sheets' used ranges, counted from the cell records,
since calamine holds a used range densely and a few bytes can name a cell at row 65,536, column 256.
The workbooks are written by tests/fixtures/xls.py."""

from pathlib import Path

import pytest

from onefunnel.ingest import FileRefused, ingest_file
from onefunnel.ingest import reader
from tests.fixtures import xls

LEADS = {(0, 0): "lead_id", (0, 1): "email", (0, 2): "created_at", (0, 3): "source",
         (1, 0): "L-1", (1, 1): "ada@x.com", (1, 2): "2026-07-01", (1, 3): "Web",
         (2, 0): "L-2", (2, 1): "bob@x.com", (2, 2): "2026-07-02", (2, 3): "Email"}


def imports(con) -> int:
    return con.execute("select count(*) from imports").fetchall()[0][0]


def _never_read(*a, **k):
    raise AssertionError("the workbook was read before its limits were checked")


@pytest.mark.parametrize("mini", [False, True], ids=["main-fat", "mini-stream"])
def test_a_sound_xls_reads(con, tmp_path, mini):
    f = tmp_path / "leads.xls"
    xls.write(f, {"Leads": LEADS}, mini=mini)
    assert ingest_file(con, f).rows_loaded == 2
    assert con.execute("select record_id, email, source from lead_records order by 1").fetchall() == [
        ("L-1", "ada@x.com", "Web"), ("L-2", "bob@x.com", "Email")]


@pytest.mark.parametrize("mini", [False, True], ids=["main-fat", "mini-stream"])
def test_the_used_ranges_counted_are_calamines(tmp_path, mini):
    import python_calamine

    sheets = {"Leads": LEADS, "Far": {(7, 3): 1, (4000, 200): "x"}, "One": {(12, 9): 2.5}}
    f = tmp_path / "ranges.xls"
    xls.write(f, sheets, mini=mini)
    book = python_calamine.CalamineWorkbook.from_path(str(f))
    theirs = [(s.name, book.get_sheet_by_name(s.name).height, book.get_sheet_by_name(s.name).width)
              for s in book.sheets_metadata]
    ours = list(reader._xls_used_ranges(reader._compound_stream(f.read_bytes(), ("Workbook",))))
    assert ours == theirs == [("Leads", 3, 4), ("Far", 3994, 198), ("One", 1, 1)]


@pytest.mark.parametrize("mini", [False, True], ids=["main-fat", "mini-stream"])
def test_an_xls_whose_used_range_is_too_large_is_refused_before_reading(con, tmp_path, monkeypatch, mini):
    f = tmp_path / "corner.xls"
    xls.write(f, {"Leads": {**LEADS, (65535, 255): 1}}, mini=mini)       # one number in the last cell of BIFF8
    assert f.stat().st_size < 10_000
    monkeypatch.setattr(reader.pd, "read_excel", _never_read)
    with pytest.raises(FileRefused) as exc:
        ingest_file(con, f)
    assert str(exc.value) == ("corner.xls: sheet 'Leads' spans 65,536 rows by 256 columns; OneFunnel reads at most "
                              "5,000,000 cells of a workbook: export the sheet as CSV instead")
    assert imports(con) == 0


def test_the_cell_limit_counts_every_sheet(con, tmp_path, monkeypatch):
    f = tmp_path / "sheets.xls"
    block = {(0, 0): 1, (39_999, 99): 2}                                  # 40,000 x 100 = 4,000,000 cells
    xls.write(f, {"Leads": LEADS, "A": block, "B": block})
    monkeypatch.setattr(reader.pd, "read_excel", _never_read)
    with pytest.raises(FileRefused) as exc:
        ingest_file(con, f)
    assert exc.value.reason.startswith("sheet 'B' spans 40,000 rows by 100 columns")


def test_an_xls_over_the_byte_limit_is_refused_before_reading(con, tmp_path, monkeypatch):
    f = tmp_path / "big.xls"
    xls.write(f, {"Leads": {**LEADS, **{(r, c): r for r in range(3, 35_000) for c in (4, 5)}}})   # 18 B a number
    size = f.stat().st_size
    assert size > 2**20
    monkeypatch.setattr(reader, "XLS_MAX_BYTES", 2**20)
    monkeypatch.setattr(reader.pd, "read_excel", _never_read)
    with pytest.raises(FileRefused) as exc:
        ingest_file(con, f)
    assert exc.value.file_name == "big.xls"
    assert exc.value.reason == (f"the workbook is {size / 2**20:,.1f} MiB, an old .xls that is read whole; OneFunnel "
                                "reads at most 1 MiB of one: save it as .xlsx or export the sheet as CSV instead")
    assert imports(con) == 0


def test_a_broken_xls_container_is_still_refused_by_the_reader(con, tmp_path):
    f = tmp_path / "broken.xls"
    f.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 3000)
    with pytest.raises(FileRefused) as exc:
        ingest_file(con, f)
    assert "could not be opened" in exc.value.reason


def test_a_damaged_xls_never_breaks_the_check(tmp_path):
    """Cut or scribbled on anywhere, a workbook is passed on (calamine then refuses it) or refused, never a crash
    or a loop in the container's chains."""
    good = tmp_path / "good.xls"
    xls.write(good, {"Leads": LEADS, "Far": {(4000, 200): "x"}})
    data = good.read_bytes()
    for n, at in enumerate(range(0, len(data), 97)):
        for bad in (data[:at], data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:],
                    data[:at] + b"\x00\x00\x00\x00" + data[at + 4:]):
            f = tmp_path / f"bad{n}.xls"
            f.write_bytes(bad)
            try:
                reader.check_old_workbook(f, f.name)
            except FileRefused:
                pass
