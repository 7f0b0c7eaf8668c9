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
import contextlib
import contextvars
import csv
import os
import re
import shutil
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from onefunnel.ingest.presets import PRESETS, Preset, detect, ignored_columns, loose_match, mapping

SNIFF_BYTES = 256 * 1024
MAX_LINE_BYTES = 2 * 1024 * 1024   # DuckDB's max_line_size, pinned in csv_relation: a longer line is refused
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

# Single-byte code pages decode any bytes, so the choice between them is weighed on the text they give: the
# letters of one language should explain the words with accents (Windows-1252 "Crème Brûlée" is French; the
# same bytes as Windows-1250 give "Crčme Brűlée", a Czech and a Hungarian letter in one name).
LANGUAGE_LETTERS = {
    "French": "àâæçéèêëîïôœùûüÿ", "Spanish": "áéíóúñü", "Portuguese": "ãõáéíóúâêôçà", "German": "äöüß",
    "Italian": "àèéìíòóù", "Nordic": "åäöæøé", "Dutch": "éëïöü", "Czech": "áčďéěíňóřšťúůýž",
    "Polish": "ąćęłńóśźż", "Hungarian": "áéíóöőúüű", "Slovak": "áäčďéíĺľňóôŕšťúýž", "Croatian": "čćđšž",
    "Romanian": "ăâîşţșț",
}
SINGLE_BYTE = ("cp1252", "cp1250")          # tried in this order: a tie stays Windows-1252
ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (with BOM)", "utf-16": "UTF-16", "utf-16-le": "UTF-16 LE",
             "utf-16-be": "UTF-16 BE", "cp1252": "Windows-1252 (Western European)",
             "cp1250": "Windows-1250 (Central European)", "iso8859_15": "ISO-8859-15 (Latin-9)",
             "cp932": "Shift-JIS (Japanese)"}
_WORD = re.compile(r"[^\W\d_]+")


def language_score(text: str) -> int:
    """How many words with a non-ASCII letter one language's letters explain (the best language's count)."""
    words = [set(w.lower()) - set("abcdefghijklmnopqrstuvwxyz") for w in _WORD.findall(text)]
    words = [w for w in words if w]
    return max((sum(1 for w in words if w <= set(letters)) for letters in LANGUAGE_LETTERS.values()), default=0)


def _japanese(head: bytes) -> bool:
    """Does the head read as Shift-JIS (Windows code page 932) with Japanese in it? A Western file rarely
    decodes strictly as cp932, and when it does its accents become kanji pairs without kana and the Western
    reading explains the words better."""
    try:
        text = codecs.getincrementaldecoder("cp932")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    wide = [ch for ch in text if ord(ch) > 0x7F]
    kana = sum(1 for ch in wide if "\u3040" <= ch <= "\u30ff" or "\uff66" <= ch <= "\uff9f")
    cjk = sum(1 for ch in wide if "\u4e00" <= ch <= "\u9fff") + kana
    if not wide or cjk < 0.8 * len(wide):
        return False
    western = head.decode("cp1252", errors="replace")
    accented = [ch for ch in western if ord(ch) > 0x7F]
    signs = sum(1 for ch in accented if not ch.isalpha())      # “ ‘ ¾ ® ‰: Western text has letters there
    words = [w for w in _WORD.findall(western) if any(ord(c) > 0x7F for c in w)]
    return kana > 0 or signs >= 0.2 * len(accented) or language_score(western) < 0.5 * len(words)


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
    if _japanese(head):
        return "cp932"
    scores = {enc: language_score(head.decode(enc, errors="replace")) for enc in SINGLE_BYTE}
    return max(SINGLE_BYTE, key=lambda enc: scores[enc])      # max keeps the first of equals: cp1252


def to_utf8(path: Path, encoding: str, workdir: Path) -> Path:
    """A file DuckDB can read as UTF-8: a link to the file itself when it is UTF-8 (a BOM is fine), else a
    copy. DuckDB reads a path as a glob pattern ('lead*.csv' would read leadX.csv too), so it is only ever
    given a name in the work folder."""
    if encoding in ("utf-8", "utf-8-sig"):
        link = workdir / "input.csv"
        if not link.is_symlink():
            link.symlink_to(Path(path).resolve())
        return link
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
            sizes = [len(v.encode("utf-8")) for v in row]
            if sum(sizes) + len(row) > MAX_LINE_BYTES:
                line = header_line + start + 1
                i = max(range(len(row)), key=sizes.__getitem__)
                name = f"{i + 1} ({headers[i]!r})" if i < n else str(i + 1)
                return line, name, (f"this value is {sizes[i]:,} bytes long; a line may hold at most "
                                    f"{MAX_LINE_BYTES:,} bytes (2 MiB), so nothing was loaded")
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


# The encoding the user chose for the file being read (Data page select box, `ingest --encoding`), instead of
# the detected one; set around one read with read_as() (a context variable: each session's thread has its own).
_CHOSEN: contextvars.ContextVar[str | None] = contextvars.ContextVar("onefunnel_encoding", default=None)


@contextlib.contextmanager
def read_as(encoding: str | None):
    """Read files with this encoding (a Python codec name or alias; None: detect) inside the block."""
    if encoding:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise ValueError(f"unknown text encoding {encoding!r}; for example: " + ", ".join(ENCODINGS)) from None
    token = _CHOSEN.set(encoding or None)
    try:
        yield
    finally:
        _CHOSEN.reset(token)


def encoding_label(encoding: str) -> str:
    return ENCODINGS.get(encoding, encoding)


def _refuse_nul(path: Path, file_name: str, encoding: str) -> None:
    """A NUL byte anywhere in a text file (not UTF-16, where every other byte is one) is binary content, never
    data: refused with its byte offset and line."""
    if encoding.startswith("utf-16"):
        return
    offset = 0
    with open(path, "rb") as f:
        while chunk := f.read(4 * 1024 * 1024):
            at = chunk.find(b"\x00")
            if at >= 0:
                raise FileRefused(file_name, f"a NUL byte (binary content) at byte {offset + at:,}: a text export has "
                                             "none, so the file is damaged or not text; export it again as CSV or XLSX",
                                  line=_line_at(path, offset + at))
            offset += len(chunk)


def _line_at(path: Path, byte: int) -> int:
    """The line (from 1) that holds byte offset `byte` of the file. Lines are counted only when a file is refused:
    counting them for every chunk of a clean file took most of the scan's time (0.13 s of 0.16 s on 390 MB)."""
    newlines, left = 0, byte
    with open(path, "rb") as f:
        while left and (chunk := f.read(min(left, 4 * 1024 * 1024))):
            newlines += chunk.count(b"\n")
            left -= len(chunk)
    return newlines + 1


def _encoding_of(path: Path, file_name: str) -> str:
    with open(path, "rb") as f:
        head = f.read(SNIFF_BYTES)
    if not head.lstrip(codecs.BOM_UTF8).strip():
        raise FileRefused(file_name, "the file is empty")
    chosen = _CHOSEN.get()
    encoding = chosen or detect_encoding(head, file_name)
    _refuse_nul(path, file_name, encoding)
    return encoding


def read_csv_file(con, path: Path, file_name: str, workdir: Path, extra: list[Preset] | tuple[Preset, ...] = (),
                  builtin: bool = True) -> RawFile:
    encoding = _encoding_of(path, file_name)
    try:
        return _read_text(con, path, file_name, workdir, encoding, extra, builtin)
    except _NotUtf8:
        if _CHOSEN.get():
            raise FileRefused(file_name, "the file is not UTF-8 past its first bytes, and UTF-8 was chosen; pick its "
                                         "encoding (Windows-1252 for most Western exports)") from None
        raw = _read_text(con, path, file_name, workdir, "cp1252", extra, builtin)
        raw.notes.append("the text is not UTF-8 past its first 256 KB, so the whole file was read as "
                         + encoding_label("cp1252") + "; choose another encoding if names look wrong")
        return raw


def _layout(path: Path, file_name: str, workdir: Path, encoding: str,
            extra: list[Preset] | tuple[Preset, ...] = (), builtin: bool = True) -> RawFile:
    """Where the data is and how it is laid out (encoding, header, delimiter, footer); reads no rows."""
    try:
        utf8 = to_utf8(path, encoding, workdir)
    except UnicodeDecodeError as exc:
        raise FileRefused(file_name, f"the text is not {encoding_label(encoding)} (byte {exc.start:,} does not read); "
                                     "choose another encoding") from None
    with open(utf8, "r", encoding="utf-8-sig", errors="replace", newline="") as f:
        sample = f.read(SNIFF_BYTES)
    lines = sample.splitlines()
    if len(sample) == SNIFF_BYTES and lines:
        lines = lines[:-1]   # the last line of the sample may be cut
    idx, delim, preset, headers = find_header(lines, file_name, extra, builtin)
    refuse_loose(file_name, preset, headers, _rows_below(lines, idx, delim))
    data, footer = strip_footer(utf8, workdir)
    notes = []
    if _CHOSEN.get() or not encoding.startswith("utf"):      # a guess between code pages: say which
        notes.append(f"text read as {encoding_label(encoding)} ({'chosen' if _CHOSEN.get() else 'detected'})")
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
            f"null_padding=false, encoding='utf-8', max_line_size={MAX_LINE_BYTES}{', buffer_size=4194304' if head else ''})"
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


# A workbook is a zip of XML: 1 MB can unpack to 1 GiB and a reader holds every cell. Limits checked from the
# zip's directory and each sheet's <dimension> before a cell is read keep an accepted workbook's peak memory
# bounded (tests/test_ingest_bad_input.py).
XLSX_MAX_XML_BYTES = 256 * 1024 * 1024     # the sheets' XML, unpacked
XLSX_MAX_CELLS = 5_000_000                 # rows x columns of the sheets' used ranges
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
# The <dimension> is written by the producing program and can lie (A1:C2 over a cell at XFD1048576), so each
# sheet's used range is also counted from its cells: the sheet XML is streamed from the zip in chunks of
# XLSX_SCAN_CHUNK bytes and every <row> and <c> start tag is read (an unfinished tag at a chunk's end is carried
# into the next chunk).
XLSX_SCAN_CHUNK = 4 * 1024 * 1024
XLSX_MAX_TAG = 64 * 1024                   # a start tag longer than this is not one a spreadsheet program wrote
_CELL_TAG = re.compile(rb'<(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*)>')
_ATTR = re.compile(rb'''([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')''')
_REF = re.compile(rb'([A-Za-z]*)(\d*)$')
# the fast path: a chunk whose every <c> carries an r (as Excel, LibreOffice and openpyxl write) is counted from
# the distinct column letters and row numbers of its references
_ANY_C = re.compile(rb'<(?:[\w.-]+:)?c[\s/>]')
_REF_C = re.compile(rb'''<(?:[\w.-]+:)?c(?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*?\s+r\s*=\s*["']([A-Za-z]+)(\d+)["']''')


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


def _sheet_parts(z) -> dict[str, str]:
    """Sheet name -> its part in the zip (xl/workbook.xml and its relationships)."""
    import xml.etree.ElementTree as ET

    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
        out = {}
        for sheet in ET.fromstring(z.read("xl/workbook.xml")).iter():
            if sheet.tag.endswith("}sheet"):
                target = rels.get(sheet.get(ns_rel), "")
                out[sheet.get("name")] = target.lstrip("/") if target.startswith("/xl/") else "xl/" + target
        return out
    except (KeyError, ET.ParseError):
        return {n: n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")}


def check_workbook(path: Path, file_name: str) -> None:
    """Refuse a workbook whose sheets unpack too large or hold too many cells (from the zip directory and each
    sheet's <dimension>, before reading it), or with a formula cell that has no saved value (a program that
    wrote the formula without calculating it: the cell would be stored empty)."""
    import zipfile

    try:
        z = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        check_old_workbook(path, file_name)     # an old .xls
        return
    with z:
        parts = {name: part for name, part in _sheet_parts(z).items() if part in z.NameToInfo}
        unpacked = sum(z.getinfo(p).file_size for p in parts.values())
        if unpacked > XLSX_MAX_XML_BYTES:
            raise FileRefused(file_name, f"the workbook's sheets unpack to {unpacked / 2**20:,.0f} MiB of XML "
                                         f"({path.stat().st_size / 2**20:,.1f} MiB packed); OneFunnel reads at most "
                                         f"{XLSX_MAX_XML_BYTES / 2**20:,.0f} MiB: export the sheet as CSV instead")
        cells = 0
        for name, part in parts.items():
            with z.open(part) as f:
                m = _DIMENSION.search(f.read(64 * 1024))
            if m and m.group(3):
                rows = int(m.group(4)) - int(m.group(2) or 1) + 1
                cols = _col_number(m.group(3)) - _col_number(m.group(1) or b"A") + 1
                cells += rows * cols
                if cells > XLSX_MAX_CELLS:
                    raise FileRefused(file_name, f"sheet {name!r} spans {rows:,} rows by {cols:,} columns; OneFunnel "
                                                 f"reads at most {XLSX_MAX_CELLS:,} cells of a workbook: export the "
                                                 "sheet as CSV instead")
        cells = 0
        for name, part in parts.items():
            rows, cols = _used_range(z, part, name, file_name)
            cells += rows * cols
            if cells > XLSX_MAX_CELLS:
                raise FileRefused(file_name, f"sheet {name!r} spans {rows:,} rows by {cols:,} columns (counted from "
                                             f"its cells); OneFunnel reads at most {XLSX_MAX_CELLS:,} cells of a "
                                             "workbook: export the sheet as CSV instead")
        for name, part in parts.items():
            _refuse_uncalculated(z, part, name, file_name)


def _used_range(z, part: str, sheet: str, file_name: str) -> tuple[int, int]:
    """Rows and columns from A1 to the sheet's farthest cell, from the r="..." of its <c> tags, streaming the
    sheet's XML. A <c> without r is the cell after the previous one in its row, and a <row> without r the row
    after the previous one (as the readers place them), so they are counted from the last known position.
    Counted from A1, and every <c> counts (a styled empty cell too): calamine may hold less, never more."""
    max_row = max_col = row = col = 0
    carry = b""
    with z.open(part) as f:
        while chunk := f.read(XLSX_SCAN_CHUNK):
            buf = carry + chunk
            cut = buf.rfind(b"<")
            if cut == -1 or buf.find(b">", cut) != -1:
                cut = len(buf)
            carry = buf[cut:]
            if len(carry) > XLSX_MAX_TAG:
                raise FileRefused(file_name, f"sheet {sheet!r} has an XML tag over {XLSX_MAX_TAG // 1024} KiB "
                                             "long, which no spreadsheet program writes: save it again from Excel "
                                             "or export the sheet as CSV instead")
            refs = _REF_C.findall(buf, 0, cut)
            if len(refs) == len(_ANY_C.findall(buf, 0, cut)):
                if refs:
                    max_col = max(max_col, *(_col_number(c.upper()) for c in {c for c, _ in refs}))
                    max_row = max(max_row, *(int(r) for r in {r for _, r in refs}))
                    col = _col_number(refs[-1][0].upper())
                    row = max_row               # conservative for a later cell or row without r
                continue
            for m in _CELL_TAG.finditer(buf, 0, cut):
                attrs = {a.group(1): a.group(2) if a.group(2) is not None else a.group(3)
                         for a in _ATTR.finditer(m.group(2))}
                ref = _REF.match(attrs.get(b"r", b"").strip())
                if m.group(1) == b"row":
                    row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                    col = 0
                    continue
                if ref and ref.group(1):
                    col = _col_number(ref.group(1).upper())
                else:
                    col += 1
                if ref and ref.group(2):
                    row = int(ref.group(2))
                max_row, max_col = max(max_row, row, 1), max(max_col, col)
    return max_row, max_col


# An old .xls is a BIFF stream in a compound file, not compressed: its cells and strings take about as many
# bytes in the file as calamine reads, so the file's size bounds that. But calamine (and pandas) hold each sheet's
# used range densely, and a few bytes can name a cell at row 65,536, column 256: the range is counted from the
# cell records before calamine opens the file, against the same cell limit as an .xlsx.
XLS_MAX_BYTES = 100 * 1024 * 1024
_XLS_VALUES = {0x0006, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6}   # one-cell value records (not blanks)
_XLS_MULRK = 0x00BD                                                      # a row of numbers: first and last column


def check_old_workbook(path: Path, file_name: str) -> None:
    """Refuse an old .xls over XLS_MAX_BYTES, or whose sheets' used ranges hold more than XLSX_MAX_CELLS cells
    (from the cell records, before calamine reads it). A file whose container cannot be read is left to calamine,
    which refuses it."""
    size = path.stat().st_size
    if size > XLS_MAX_BYTES:
        raise FileRefused(file_name, f"the workbook is {size / 2**20:,.1f} MiB, an old .xls that is read whole; "
                                     f"OneFunnel reads at most {XLS_MAX_BYTES / 2**20:,.0f} MiB of one: save it as "
                                     ".xlsx or export the sheet as CSV instead")
    stream = _compound_stream(path.read_bytes(), ("Workbook", "Book"))
    if stream is None:
        return
    cells = 0
    for name, rows, cols in _xls_used_ranges(stream):
        cells += rows * cols
        if cells > XLSX_MAX_CELLS:
            raise FileRefused(file_name, f"sheet {name!r} spans {rows:,} rows by {cols:,} columns; OneFunnel "
                                         f"reads at most {XLSX_MAX_CELLS:,} cells of a workbook: export the "
                                         "sheet as CSV instead")


def _compound_stream(data: bytes, names: tuple[str, ...]) -> bytes | None:
    """The first stream of a compound file (OLE2, the .xls container) with one of these names; None when the
    container cannot be read. Chains are followed at most once per sector (a loop in a bad file ends)."""
    if len(data) < 512 or not data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return None
    size = 1 << struct.unpack_from("<H", data, 30)[0]
    if size not in (512, 4096):
        return None
    count = len(data) // size - 1            # sector i starts at (i + 1) * size: the header fills sector -1
    per = size // 4

    def sector(i: int) -> bytes:
        return data[(i + 1) * size:(i + 2) * size]

    def ids(i: int) -> tuple[int, ...]:
        return struct.unpack(f"<{per}I", sector(i).ljust(size, b"\xff"))

    n_fat, first_dir, _, _, first_minifat, _, next_difat = struct.unpack_from("<7I", data, 44)
    difat, steps = list(struct.unpack_from("<109I", data, 76)), 0
    while next_difat < count and steps < count:
        more = ids(next_difat)
        difat += more[:-1]
        next_difat, steps = more[-1], steps + 1
    fat = [x for i in difat[:n_fat] if i < count for x in ids(i)]

    def chain(start: int, table: list[int], read) -> bytes:
        out, i, seen = [], start, set()
        while 0 <= i < len(table) and i not in seen:
            seen.add(i)
            out.append(read(i))
            i = table[i]
        return b"".join(out)

    directory = chain(first_dir, fat, sector)
    entries = []
    for off in range(0, len(directory) - 127, 128):
        length = min(struct.unpack_from("<H", directory, off + 64)[0], 64)
        name = directory[off:off + max(length - 2, 0)].decode("utf-16-le", "replace")
        start, stream_size = struct.unpack_from("<IQ", directory, off + 116)
        entries.append((name, directory[off + 66], start, stream_size))
    if not entries:
        return None
    for name, kind, start, stream_size in entries:
        if kind != 2 or name not in names:
            continue
        if stream_size >= struct.unpack_from("<I", data, 56)[0]:           # the mini stream cutoff (4096)
            return chain(start, fat, sector)[:stream_size]
        _, _, root_start, root_size = entries[0]
        mini = chain(root_start, fat, sector)[:root_size]
        table = chain(first_minifat, fat, sector)
        minifat = list(struct.unpack(f"<{len(table) // 4}I", table[:len(table) // 4 * 4]))
        return chain(start, minifat, lambda i: mini[i * 64:(i + 1) * 64])[:stream_size]
    return None


def _xls_used_ranges(stream: bytes):
    """(sheet name, rows, columns) of each sheet's used range, from the rows and columns of its value records
    (calamine reads the sheet from the offset its BOUNDSHEET record gives, up to the sheet's EOF)."""
    sheets, pos, biff8 = [], 0, False
    while pos + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4:pos + 4 + length]
        pos += 4 + length
        if kind == 0x0809 and len(body) >= 2:
            biff8 = struct.unpack_from("<H", body)[0] == 0x0600
        elif kind == 0x0085 and len(body) >= 7:
            cch, wide = body[6], biff8 and len(body) > 7 and body[7] & 1
            text = body[8:8 + 2 * cch] if wide else body[8 if biff8 else 7:][:cch]
            sheets.append((struct.unpack_from("<I", body)[0], text.decode("utf-16-le" if wide else "latin-1", "replace")))
        elif kind == 0x000A:
            break
    seen: dict[int, tuple[int, int]] = {}
    for offset, name in sheets:
        if offset not in seen:                  # a sheet named twice is counted twice, scanned once
            seen[offset] = _xls_sheet_range(stream, offset)
        if seen[offset] != (0, 0):
            yield (name, *seen[offset])


def _xls_sheet_range(stream: bytes, pos: int) -> tuple[int, int]:
    """(rows, columns) spanned by the value records of the sheet whose BOF is at `pos`; (0, 0) without any.
    Records of an embedded chart (a BOF inside the sheet) are not the sheet's."""
    depth, top, bottom, left, right, end = 0, 1 << 16, -1, 1 << 16, -1, len(stream)
    unpack = struct.unpack_from
    while pos + 4 <= end:
        kind, length = unpack("<HH", stream, pos)
        at, pos = pos + 4, pos + 4 + length
        if kind in _XLS_VALUES or kind == _XLS_MULRK:
            if depth != 1 or length < 4 or pos > end:
                continue
            r, c = unpack("<HH", stream, at)
            last = unpack("<H", stream, pos - 2)[0] if kind == _XLS_MULRK and length >= 6 else c
            if r < top:
                top = r
            if r > bottom:
                bottom = r
            if c < left:
                left = c
            if last > right:
                right = last
        elif kind == 0x0809:
            depth += 1
        elif kind == 0x000A:
            depth -= 1
            if depth <= 0:
                break
    return (bottom - top + 1, right - left + 1) if bottom >= 0 else (0, 0)


def _refuse_uncalculated(z, part: str, sheet: str, file_name: str) -> None:
    """Refuse if a cell of the sheet has a formula (<f>) and no saved value (<v>); a sheet without '<f' is
    passed by a byte scan."""
    import xml.etree.ElementTree as ET

    with z.open(part) as f:
        tail = b""
        while chunk := f.read(4 * 1024 * 1024):
            if b"<f" in tail + chunk or b":f" in tail + chunk:
                break
            tail = chunk[-8:]
        else:
            return
    with z.open(part) as f:
        for _, el in ET.iterparse(f):
            if el.tag.endswith("}c") or el.tag == "c":
                kids = {k.tag.rsplit("}", 1)[-1]: k for k in el}
                if "f" in kids and (kids.get("v") is None or kids["v"].text is None) and "is" not in kids:
                    ref = el.get("r") or "?"
                    formula = (kids["f"].text or "").strip()
                    row = int(re.sub(r"\D", "", ref) or 0) or None
                    raise FileRefused(file_name, f"cell {ref} of sheet {sheet!r} holds a formula"
                                                 + (f" (={formula[:80]})" if formula else "")
                                                 + " with no saved value: the program that wrote the workbook did "
                                                   "not calculate it. Open and save it in Excel (or LibreOffice), or "
                                                   "export CSV", line=row, column=re.sub(r"\d", "", ref))
                el.clear()


def read_excel_file(con, path: Path, file_name: str, extra: list[Preset] | tuple[Preset, ...] = (),
                    builtin: bool = True) -> RawFile:
    check_workbook(path, file_name)
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

