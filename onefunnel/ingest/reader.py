"""Reading an uploaded file into a DuckDB table of text cells, whatever its vendor wrote.

Handles the byte level (encoding, BOM, binary files), the layout (delimiter, preamble lines
above the header, Salesforce footers) and Excel workbooks. The result is a temp table
`raw` with one VARCHAR column `c<i>` per mapped header column, rows in file order (consecutive
rowids: the data row number is rowid - min(rowid) + 1); a workbook's also has `excel_row`.
Structural problems (ragged rows, an unterminated quote, no header, no rows) raise
`FileRefused`, naming the file and the line where it can.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from charset_normalizer import from_bytes

from onefunnel.ingest.presets import PRESETS, Preset, detect, ignored_columns, loose_match, mapping

SNIFF_BYTES = 256 * 1024
HEADER_SEARCH_LINES = 30
DELIMITERS = [",", ";", "\t", "|"]
csv.field_size_limit(2**31 - 1)   # the line scans below meet notes of any length
FOOTER_LINE = re.compile(
    r'^"?\s*(grand totals?\b|total\b|confidential information|copyright\b|©)', re.IGNORECASE)


class FileRefused(Exception):
    """The whole file is refused: nothing from it is stored."""

    def __init__(self, file_name: str, reason: str, line: int | None = None, column: str | None = None,
                 headers: list[str] | None = None, sample: list[list[str]] | None = None):
        self.file_name, self.reason, self.line, self.column = file_name, reason, line, column
        # for "no recognisable header" and a loose template match: the cells of the (likely) header
        # and of the first rows below it (so the user can map them by hand); None for other refusals
        self.headers = headers
        self.sample = sample or []
        where = ""
        if line is not None:
            where += f", line {line}"
        if column:
            where += f", column {column}"
        super().__init__(f"{file_name}{where}: {reason}")


@dataclass
class RawFile:
    """What was read: the preset, the header and how the bytes were understood."""
    file_name: str
    preset: Preset
    headers: list[str]
    encoding: str
    delimiter: str | None          # None for Excel
    header_line: int               # 1-based line (or Excel row) of the header
    is_excel: bool = False
    sheet: str | None = None
    csv_path: Path | None = None   # the UTF-8 file DuckDB read (for line lookups)
    footer_lines: int = 0
    notes: list[str] = field(default_factory=list)


# ---- bytes -> text ---------------------------------------------------------------------------

def detect_encoding(head: bytes, file_name: str) -> str:
    """The encoding as a Python codec name, from the first bytes.

    'utf-8' is provisional: DuckDB checks the whole file while reading it, and a file
    that turns out not to be UTF-8 is read again as Windows-1252 (see read_csv_file)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        # UTF-16 without BOM has a NUL in every other byte of ASCII text.
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
            return "utf-16-be"
        at = head.index(b"\x00")
        raise FileRefused(file_name, f"this is not a text file (binary content at byte {at}); "
                                     "export it again as CSV or XLSX", line=head[:at].count(b"\n") + 1)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    guess = from_bytes(head, cp_isolation=["cp1252", "iso8859_15", "cp1250", "latin_1"]).best()
    if guess is None:
        raise FileRefused(file_name, "the text encoding could not be recognised; save the file as UTF-8")
    return "cp1252" if guess.encoding in ("cp1252", "latin_1", "iso8859_1") else guess.encoding


def to_utf8(path: Path, encoding: str, workdir: Path) -> Path:
    """A file DuckDB can read as UTF-8: the file itself when it is UTF-8 (a BOM is fine), else a copy."""
    if encoding in ("utf-8", "utf-8-sig"):
        return path
    out = workdir / "utf8.csv"
    errors = "replace" if encoding == "cp1252" else "strict"   # cp1252 has 5 unassigned bytes
    with open(path, "r", encoding=encoding, errors=errors, newline="") as src, \
            open(out, "w", encoding="utf-8", newline="") as dst:
        shutil.copyfileobj(src, dst, 4 * 1024 * 1024)
    return out


# ---- layout ------------------------------------------------------------------------------------

def _split(line: str, delim: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delim, quotechar='"'))
    except (StopIteration, csv.Error):
        return []


SAMPLE_ROWS = 50   # rows kept with a refusal, for proposing a mapping


def find_header(lines: list[str], file_name: str, extra: list[Preset] | tuple[Preset, ...] = (),
                builtin: bool = True) -> tuple[int, str, Preset, list[str]]:
    """(0-based line index, delimiter, preset, header cells) of the first recognisable header.

    `extra`: formats mapped by hand, tried before the built-in presets (presets.detect);
    builtin=False: only those (a mapping the user named)."""
    for idx, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        best = None
        for delim in DELIMITERS:
            cells = _split(line, delim)
            if len(cells) < 2:
                continue
            preset = detect(cells, extra, builtin)
            if preset and (best is None or len(cells) > len(best[3])):
                best = (idx, delim, preset, cells)
        if best:
            return best
    first = next((ln for ln in lines if ln.strip()), "")
    headers, sample = _likely_header(lines)
    if not builtin and extra:
        raise FileRefused(file_name, _not_the_mapping(extra[0], headers), line=1 if first else None,
                          headers=headers, sample=sample)
    raise FileRefused(
        file_name,
        f"no recognisable header in the first {HEADER_SEARCH_LINES} lines"
        + (f" (the first line reads: {first[:120]!r})" if first else " (the file is empty)")
        + ". " + supported_formats(),
        line=1 if first else None, headers=headers, sample=sample)


def _not_the_mapping(preset: Preset, headers: list[str] | None) -> str:
    have = {str(h).strip().lower() for h in headers or []}
    missing = [h for (h,) in preset.requires if h.lower() not in have]
    return (f"the file does not have the columns of the mapping {preset.label!r}: no "
            + ", ".join(repr(h) for h in missing) + " in its header")


def _likely_header(lines: list[str]) -> tuple[list[str] | None, list[list[str]]]:
    """The cells of the first line (of the header search) that splits into 2 or more cells, by the
    delimiter that gives the most cells, and the cells of the lines below it (up to SAMPLE_ROWS)."""
    for idx, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        delim = max(DELIMITERS, key=lambda d: len(_split(line, d)))
        cells = _split(line, delim)
        if len(cells) >= 2:
            return cells, _rows_below(lines, idx, delim)
    return None, []


def _rows_below(lines: list[str], idx: int, delim: str) -> list[list[str]]:
    """The cells of the first rows under the header line `idx` (a quoted value spanning lines is cut)."""
    return [_split(ln, delim) for ln in lines[idx + 1:idx + 1 + SAMPLE_ROWS] if ln.strip()]


def refuse_loose(file_name: str, preset: Preset, headers: list[str], sample: list[list[str]]) -> None:
    """Refuse a file a built-in template reads only loosely (presets.loose_match): it would load records
    without the fields the metrics need, and every metric would be 0."""
    missing = loose_match(preset, headers)
    if not missing:
        return
    unused = ignored_columns(preset, headers)
    raise FileRefused(
        file_name,
        f"it matches {preset.label} only loosely: no column for {', '.join(missing)}, while "
        f"{', '.join(unused)} {'is' if len(unused) == 1 else 'are'} not used. Map the columns to the fields "
        "('Map the columns yourself' on the Data page, which proposes a mapping), or from a shell read it with "
        "a saved mapping: python -m onefunnel ingest --format NAME FILE (python -m onefunnel formats lists "
        "them); or rename the columns to the template's headers (README, 'Templates')",
        line=1, headers=headers, sample=sample)


def supported_formats() -> str:
    """The help of an unknown-header refusal: the vendor exports read, and the templates."""
    vendors = ", ".join(p.label for p in PRESETS if not p.template)
    templates = "; ".join(f"{p.kind} ({','.join(a[0] for a in p.fields.values())})"
                          for p in PRESETS if p.template)
    return (f"Supported exports: {vendors}. For any other system, rename the columns to a template "
            f"(README, 'Templates'): {templates}.")


def strip_footer(path: Path, workdir: Path) -> tuple[Path, int]:
    """Cut a trailing report footer (Salesforce 'Grand Totals', copyright lines) off the file.

    Returns the file to read and the number of footer lines cut (0 = the file itself)."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        f.seek(max(0, size - 64 * 1024))
        tail = f.read()
    lines = tail.split(b"\n")
    starts, off = [], 0
    for ln in lines:
        starts.append(off)
        off += len(ln) + 1
    footer, cut, i = 0, None, len(lines) - 1
    while i >= 0:
        text = lines[i].decode("utf-8", "replace").strip()
        if not text:
            cut = starts[i]
        elif FOOTER_LINE.match(text) and (_looks_single(text) or not text.lower().lstrip('"').startswith("total")):
            footer += 1
            cut = starts[i]
        else:
            break
        i -= 1
    if footer == 0:
        return path, 0
    keep = size - len(tail) + cut
    out = workdir / "trimmed.csv"
    if path != out:
        shutil.copyfile(path, out)   # copied by the kernel (sendfile), then cut
    os.truncate(out, keep)
    return out, footer


def _looks_single(text: str) -> bool:
    """A footer line is one cell: no delimiter outside quotes."""
    return all(len(_split(text, d)) <= 1 for d in DELIMITERS)



_DUCK_LINE = re.compile(r"CSV Error on Line: (\d+)")


class _NotUtf8(Exception):
    """DuckDB met bytes that are not UTF-8 past the sniffed head."""


def _locate(path: Path, header_line: int, delim: str, headers: list[str]) -> tuple[int, str, str] | None:
    """(line, column, reason) of the first record whose structure is broken, by a scan in Python.

    Runs only for a file DuckDB refused: DuckDB counts records, not lines, once a quoted
    value spans lines, so the line it names can be wrong."""
    n = len(headers)
    with open(path, "r", encoding="utf-8-sig", errors="replace", newline="") as f:
        for _ in range(header_line):
            f.readline()
        reader = csv.reader(f, delimiter=delim, quotechar='"', strict=True)
        while True:
            start = reader.line_num
            try:
                row = next(reader)
            except StopIteration:
                return None
            except csv.Error as exc:
                line = header_line + start + 1
                if "end of data" not in str(exc):
                    return line, None, f"the quoting of this row is broken ({exc}); nothing was loaded"
                return line, _open_quote_column(path, line, delim, headers), \
                    "a quoted value is never closed (the file may be cut off); nothing was loaded"
            if not row:
                continue
            if len(row) != n:
                line = header_line + start + 1
                column = (f"{n + 1} (the header has {n} columns)" if len(row) > n
                          else f"{len(row) + 1} ({headers[len(row)]!r}, missing)")
                return line, column, (f"this row has {len(row)} fields where the header has {n}; the columns "
                                      "of the file cannot be trusted, so nothing was loaded")


def _open_quote_column(path: Path, line: int, delim: str, headers: list[str]) -> str | None:
    """The column whose quoted value, starting on `line`, never closes."""
    with open(path, "r", encoding="utf-8-sig", errors="replace", newline="") as f:
        for _ in range(line - 1):
            f.readline()
        row = next(csv.reader(f, delimiter=delim, quotechar='"', strict=False), [])
    i = len(row) - 1
    return f"{i + 1} ({headers[i]!r})" if 0 <= i < len(headers) else None


def _refusal(file_name: str, exc: Exception, data: Path, header_line: int, delim: str,
             headers: list[str]) -> FileRefused:
    msg = str(exc)
    found = _locate(data, header_line, delim, headers)
    if found:
        line, column, reason = found
        return FileRefused(file_name, reason, line=line, column=column)
    m = _DUCK_LINE.search(msg)
    return FileRefused(file_name, "the file could not be read as CSV: " + msg.splitlines()[0][:200],
                       line=int(m.group(1)) if m else None)


def _encoding_of(path: Path, file_name: str) -> str:
    with open(path, "rb") as f:
        head = f.read(SNIFF_BYTES)
    if not head.lstrip(codecs.BOM_UTF8).strip():
        raise FileRefused(file_name, "the file is empty")
    return detect_encoding(head, file_name)


def read_csv_file(con, path: Path, file_name: str, workdir: Path, extra: list[Preset] | tuple[Preset, ...] = (),
                  builtin: bool = True) -> RawFile:
    encoding = _encoding_of(path, file_name)
    try:
        return _read_text(con, path, file_name, workdir, encoding, extra, builtin)
    except _NotUtf8:
        return _read_text(con, path, file_name, workdir, "cp1252", extra, builtin)


def _layout(path: Path, file_name: str, workdir: Path, encoding: str,
            extra: list[Preset] | tuple[Preset, ...] = (), builtin: bool = True) -> RawFile:
    """Where the data is and how it is laid out (encoding, header, delimiter, footer); reads no rows."""
    utf8 = to_utf8(path, encoding, workdir)
    with open(utf8, "r", encoding="utf-8-sig", errors="replace", newline="") as f:
        sample = f.read(SNIFF_BYTES)
    lines = sample.splitlines()
    if len(sample) == SNIFF_BYTES and lines:
        lines = lines[:-1]   # the last line of the sample may be cut
    idx, delim, preset, headers = find_header(lines, file_name, extra, builtin)
    refuse_loose(file_name, preset, headers, _rows_below(lines, idx, delim))
    data, footer = strip_footer(utf8, workdir)
    notes = []
    if idx:
        notes.append(f"skipped {idx} line(s) above the header")
    if footer:
        notes.append(f"ignored a {footer}-line report footer")
    return RawFile(file_name, preset, headers, encoding, delim, idx + 1, csv_path=data,
                   footer_lines=footer, notes=notes)


def csv_relation(raw: RawFile, head: int | None = None) -> str:
    """SQL reading the data rows of a laid-out CSV file, in file order: the mapped columns c<i>,
    as text. Every column is parsed strictly (a ragged row or a broken quote is an error).
    head: only the first rows, read with a small buffer (the default one reads megabytes first)."""
    cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(raw.headers)))
    used = ", ".join(f"c{i}" for i in sorted({i for ix in mapping(raw.preset, raw.headers).values() for i in ix}))
    sql_path = str(raw.csv_path).replace("'", "''")
    delim_sql = raw.delimiter.replace("'", "''")
    return (f"(select {used} from read_csv('{sql_path}', delim='{delim_sql}', quote='\"', escape='\"', "
            f"header=false, skip={raw.header_line}, columns={{{cols}}}, auto_detect=false, strict_mode=true, "
            f"null_padding=false, encoding='utf-8'{', buffer_size=1048576' if head else ''})"
            f"{f' limit {head}' if head else ''})")


def layout_csv(path: Path, file_name: str, workdir: Path, extra: list[Preset] | tuple[Preset, ...] = (),
               builtin: bool = True) -> RawFile:
    """The layout of a CSV file as its first bytes tell it (the encoding is provisional, see
    detect_encoding); raises FileRefused for an empty, binary or unrecognised file."""
    return _layout(path, file_name, workdir, _encoding_of(path, file_name), extra, builtin)


def _read_text(con, path: Path, file_name: str, workdir: Path, encoding: str,
               extra: list[Preset] | tuple[Preset, ...] = (), builtin: bool = True) -> RawFile:
    raw = _layout(path, file_name, workdir, encoding, extra, builtin)
    try:
        # Rows keep the file's order: rowids count the data rows (see staging.stage).
        con.execute(f"create or replace temp table raw as select * from {csv_relation(raw)}")
    except Exception as exc:  # duckdb raises InvalidInputException and friends
        if "invalid unicode" in str(exc).lower() and encoding == "utf-8":
            raise _NotUtf8() from None
        raise _refusal(file_name, exc, raw.csv_path, raw.header_line, raw.delimiter, raw.headers) from None
    n = con.execute("select count(*) from raw").fetchall()[0][0]
    if n == 0:
        raise FileRefused(file_name, "the file has a header but no data rows", line=raw.header_line)
    return raw


# ---- Excel --------------------------------------------------------------------------------------

def _cell_text(v) -> str | None:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp) or hasattr(v, "isoformat"):
        try:
            return pd.Timestamp(v).isoformat(sep=" ")
        except (TypeError, ValueError):
            return str(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, bool):
        return "true" if v else "false"
    s = str(v)
    return s if s.strip() else None


def read_excel_file(con, path: Path, file_name: str, extra: list[Preset] | tuple[Preset, ...] = (),
                    builtin: bool = True) -> RawFile:
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="calamine")
    except Exception as exc:
        raise FileRefused(file_name, f"this workbook could not be opened ({type(exc).__name__}); "
                                     "save it again from Excel as .xlsx or as CSV") from None
    for sheet, frame in sheets.items():
        for idx in range(min(HEADER_SEARCH_LINES, len(frame))):
            cells = [_cell_text(v) or "" for v in frame.iloc[idx].tolist()]
            while cells and not cells[-1]:
                cells.pop()
            if len(cells) < 2:
                continue
            preset = detect(cells, extra, builtin)
            if not preset:
                continue
            body = frame.iloc[idx + 1:, :len(cells)]
            refuse_loose(file_name, preset, cells, [[_cell_text(v) or "" for v in row]
                                                    for row in body.head(SAMPLE_ROWS).itertuples(index=False)])
            text = pd.DataFrame({f"c{i}": [_cell_text(v) for v in body.iloc[:, i]]
                                 for i in range(len(cells))}, dtype=object)
            text["excel_row"] = [int(r) + 1 for r in body.index]
            text = text[text[[f"c{i}" for i in range(len(cells))]].notna().any(axis=1)]
            if text.empty:
                raise FileRefused(file_name, f"sheet {sheet!r} has a header but no data rows", line=idx + 1)
            con.register("raw_frame", text.astype({f"c{i}": "string" for i in range(len(cells))}))
            con.execute("create or replace temp table raw as select * from raw_frame order by excel_row")
            con.unregister("raw_frame")
            notes = [f"read sheet {sheet!r}"] if len(sheets) > 1 else []
            if idx:
                notes.append(f"skipped {idx} row(s) above the header")
            return RawFile(file_name, preset, cells, "xlsx", None, idx + 1, is_excel=True,
                           sheet=str(sheet), notes=notes)
    headers, sample = _first_excel_row(sheets)
    if not builtin and extra:
        raise FileRefused(file_name, _not_the_mapping(extra[0], headers), headers=headers, sample=sample)
    raise FileRefused(file_name, f"no sheet has a recognisable header in its first {HEADER_SEARCH_LINES} rows. "
                                 + supported_formats(), headers=headers, sample=sample)


def _first_excel_row(sheets: dict) -> tuple[list[str] | None, list[list[str]]]:
    """The first row of the first sheet with at least two cells (the likely header), and the rows below."""
    for frame in sheets.values():
        for idx in range(min(HEADER_SEARCH_LINES, len(frame))):
            cells = [_cell_text(v) or "" for v in frame.iloc[idx].tolist()]
            while cells and not cells[-1]:
                cells.pop()
            if len(cells) >= 2:
                body = frame.iloc[idx + 1:idx + 1 + SAMPLE_ROWS, :len(cells)]
                return cells, [[_cell_text(v) or "" for v in row] for row in body.itertuples(index=False)]
    return None, []


EXCEL_NAMES = (".xlsx", ".xls", ".xlsm")


def _workbook_bytes(path: Path) -> bool:
    """Do the file's first bytes say Excel workbook (XLSX zip, or the old XLS container)?"""
    with open(path, "rb") as f:
        magic = f.read(8)
    return magic.startswith(b"PK\x03\x04") or magic.startswith(b"\xd0\xcf\x11\xe0")


def is_workbook(path: Path, file_name: str) -> bool:
    """Is this an Excel workbook by its bytes, or named like one?"""
    return _workbook_bytes(path) or file_name.lower().endswith(EXCEL_NAMES)


def read_file(con, path: Path, file_name: str, workdir: Path,
              extra: list[Preset] | tuple[Preset, ...] = (), builtin: bool = True) -> RawFile:
    """Read any supported file into the temp table `raw` (`extra`: formats mapped by hand; builtin=False:
    only those)."""
    if _workbook_bytes(path):
        return read_excel_file(con, path, file_name, extra, builtin)
    if file_name.lower().endswith(EXCEL_NAMES):
        raise FileRefused(file_name, "the name says Excel but the content is not a workbook")
    return read_csv_file(con, path, file_name, workdir, extra, builtin)


def line_numbers(raw: RawFile, rns: set[int]) -> dict[int, int]:
    """File line (or Excel row) of the given data row numbers."""
    if not rns:
        return {}
    if raw.is_excel:
        return {}  # the raw table carries excel_row
    out = {}
    with open(raw.csv_path, "r", encoding="utf-8-sig", errors="replace", newline="") as f:
        for _ in range(raw.header_line):
            f.readline()
        reader = csv.reader(f, delimiter=raw.delimiter, quotechar='"')
        rn = 0
        last = max(rns)
        start_line = raw.header_line
        while rn < last:
            before = reader.line_num
            try:
                row = next(reader)
            except StopIteration:
                break
            if not row:          # blank lines are not rows
                continue
            rn += 1
            if rn in rns:
                out[rn] = start_line + before + 1
    return out


def workdir() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="onefunnel-ingest-")

