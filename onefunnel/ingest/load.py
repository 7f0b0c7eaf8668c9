"""Turning a read file into canonical records: typed values, rejected rows, one transaction.

`preview()` reads and checks a file and stores nothing. `ingest_file()` stores it in one
transaction: it replaces records by source id (leads, opportunities), adds only new rows
(touches, activities, spend), merges again the people it touched and logs the import.

Two paths store a file. A clean CSV (ISO dates, plain amounts, nothing to skip or reject) is
read, typed and stored by one statement, about as fast as a plain read_csv. Any other file
is read into a temp table of text, each date and amount column is decided from all its
values, and rows are checked one by one, rejected rows with their line. A refused file, or
any error, rolls back: the stored data is unchanged. Everything row-sized runs in DuckDB;
Python only looks at headers, a sample value per date column, and (for rejected rows or a
refused file) line numbers.
"""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd
import xxhash

from onefunnel.db import get_setting, refresh_statistics, set_setting, transaction
from onefunnel.ingest.presets import (CUSTOM_PREFIX, KIND_FIELDS, Preset, custom_preset, ignored_columns,
                                      mapping)
from onefunnel.ingest.reader import (FileRefused, RawFile, csv_relation, is_workbook, layout_csv,
                                     line_numbers, read_file, workdir)


MISSING = ("", "--", "-", "n/a", "N/A", "—", "(not set)")   # cells that mean "no value"
_MISSING_SQL = ", ".join("'" + m + "'" for m in MISSING)

# Date readings: name -> (label, strptime formats or None for a cast)
DATE_FAMILIES: dict[str, tuple[str, list[str] | None]] = {
    "iso": ("year-month-day (ISO)", None),
    "mdy": ("month/day/year (US)", [
        "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p",
        "%m/%d/%Y", "%m/%d/%y %H:%M", "%m/%d/%y", "%m-%d-%Y"]),
    "dmy": ("day/month/year", [
        "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M",
        "%d.%m.%Y", "%d/%m/%y %H:%M", "%d/%m/%y", "%d.%m.%y", "%d-%m-%Y"]),
    "ymd": ("year/month/day", ["%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y.%m.%d"]),
    "text": ("month name", ["%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%b %d, %Y %I:%M %p",
                            "%d-%b-%Y", "%d-%b-%y"]),
    "excel": ("Excel serial number", None),
}
# Amount readings: which mark is the decimal separator.
DOT_AMOUNT = r"^-?(\d{1,3}(,\d{3})+|\d*)(\.\d+)?$"
COMMA_AMOUNT = r"^-?(\d{1,3}(\.\d{3})+|\d*)(,\d+)?$"
TRUE_WORDS = ("true", "1", "yes", "y", "x", "checked", "won", "closed")
FALSE_WORDS = ("false", "0", "no", "n", "unchecked")


@dataclass
class Reject:
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

    @property
    def notes(self) -> list[str]:
        return self.raw.notes


@dataclass
class ImportResult:
    file_name: str
    import_id: int
    format: str
    label: str
    kind: str
    rows_read: int
    rows_loaded: int
    rows_new: int
    rows_rejected: int
    rows_skipped: int
    rejects: list[Reject] = field(default_factory=list)
    readings: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    one_pass: bool = False   # stored by the one-pass path for clean CSV files (see _ingest_clean_csv)


# ---- formats mapped by hand --------------------------------------------------------------------------

CUSTOM_FORMATS = "custom_formats"   # setting: list of presets.custom_format_entry dicts


def custom_formats(con) -> list[dict]:
    return list(get_setting(con, CUSTOM_FORMATS, []) or [])


def custom_presets(con) -> list[Preset]:
    """The stored hand-made formats as presets (an entry that no longer builds is skipped)."""
    out = []
    for entry in custom_formats(con):
        try:
            out.append(custom_preset(entry))
        except (KeyError, TypeError, AttributeError):
            continue
    return out


def save_custom_format(con, entry: dict, who: str | None = None) -> None:
    """Store (or replace, by key) a hand-made format in the logged setting `custom_formats`."""
    custom_preset(entry)   # fails loudly on a malformed entry
    if not str(entry.get("key", "")).startswith(CUSTOM_PREFIX):
        raise ValueError(f"a custom format key starts with {CUSTOM_PREFIX!r}")
    kept = [e for e in custom_formats(con) if e.get("key") != entry["key"]]
    set_setting(con, CUSTOM_FORMATS, kept + [entry], who)


def rename_custom_format(con, key: str, label: str, who: str | None = None) -> bool:
    """Give a hand-made format another name. Its key and source system stay, so a file imported
    again still replaces the records it imported. Returns False if there is no such format or the
    name is the same; ValueError (a message for a person) for an empty or taken name."""
    label = str(label).strip()
    if not label:
        raise ValueError("Type the mapping's new name.")
    current = custom_formats(con)
    if any(e.get("key") != key and str(e.get("label", "")).lower() == label.lower() for e in current):
        raise ValueError(f"A mapping named {label!r} exists already; pick another name.")
    if not any(e.get("key") == key and e.get("label") != label for e in current):
        return False
    set_setting(con, CUSTOM_FORMATS, [{**e, "label": label} if e.get("key") == key else e for e in current], who)
    return True


def delete_custom_format(con, key: str, who: str | None = None) -> bool:
    """Forget a hand-made format (records imported with it stay). Returns False if there was none."""
    current = custom_formats(con)
    kept = [e for e in current if e.get("key") != key]
    if len(kept) == len(current):
        return False
    set_setting(con, CUSTOM_FORMATS, kept, who)
    return True


Progress = Callable[[float, str], None]


def _noop(_f: float, _m: str) -> None:
    pass


def file_hash(path: Path) -> str:
    """The content hash recorded for an import (migration 007): tells a file imported before."""
    h = xxhash.xxh3_128()
    with open(path, "rb") as f:
        while chunk := f.read(4 * 1024 * 1024):
            h.update(chunk)
    return f"xxh3_128:{h.hexdigest()}"


# ---- value expressions (on k<i>: the trimmed cell of column c<i>, null when empty or a MISSING mark) ----

def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _cleaned(cols: list[int], keep: dict[str, str] | None = None, source: str = "raw") -> str:
    """FROM-clause subquery over `source` (c<i> columns) with k<i> for each column: the cell trimmed,
    null when empty or a MISSING mark. trim() is slow on millions of values, so only cells that need it get it.
    (Measured on 5M rows, this beats one CASE per cell and an OR of the marks; read_csv's own
    nullstr list makes the reader several times slower.)"""
    tab = chr(9)
    trimmed = ", ".join(f"(case when c{i} like ' %' or c{i} like '% ' or c{i} like '{tab}%' or c{i} like '%{tab}' "
                        f"then trim(c{i}, ' {tab}') else c{i} end) as t{i}" for i in cols)
    ks = ", ".join(f"(case when t{i} in ({_MISSING_SQL}) then null else t{i} end) as k{i}" for i in cols)
    outer = "".join(f"{name}, " for name in keep or {})
    inner = "".join(f"{expr} as {name}, " for name, expr in (keep or {}).items())
    return f"(select {outer}{ks} from (select {inner}{trimmed} from {source}))"


def _date_expr(k: str, family: str, fmts: list[str] | None = None) -> str:
    if family == "iso":   # the cast reads most values; an offset (+02:00) is dropped: times are wall-clock
        return (f"coalesce(try_cast({k} as timestamp), "
                f"try_cast(regexp_replace({k}, '([+-]\\d{{2}}:?\\d{{2}}|Z)$', '') as timestamp))")
    if family == "excel":
        return (f"(case when regexp_full_match({k}, '\\d+(\\.\\d+)?') and try_cast({k} as double) between 1 and 2958465 "
                f"then timestamp '1899-12-30' + to_microseconds(round(try_cast({k} as double) * 86400)::bigint * 1000000) end)")
    fmts = ", ".join("'" + f + "'" for f in (fmts or DATE_FAMILIES[family][1]))
    return f"try_strptime({k}, [{fmts}])"


def _amount_clean(k: str) -> str:
    # currency codes / symbols / percent / spaces; (1,234.00) is negative
    v = f"regexp_replace({k}, '^\\((.*)\\)$', '-\\1')"
    v = f"regexp_replace({v}, '^[A-Z]{{3}}\\s*|\\s*[A-Z]{{3}}$|^[A-Z]{{1,2}}\\$', '')"
    return f"regexp_replace({v}, '[\\s\\x{{00A0}}\\x{{202F}}$€£¥₹%]', '', 'g')"


def _amount_expr(k: str, decimal: str) -> str:
    """A plain number takes the fast cast; anything else is cleaned and checked against the decimal mark."""
    c = _amount_clean(k)
    if decimal == ",":
        slow = (f"(case when regexp_full_match({c}, '{COMMA_AMOUNT}') and {c} <> '' "
                f"then try_cast(replace(replace({c}, '.', ''), ',', '.') as double) end)")
        return f"(case when regexp_full_match({k}, '-?\\d+(,\\d+)?') then replace({k}, ',', '.')::double else {slow} end)"
    slow = (f"(case when regexp_full_match({c}, '{DOT_AMOUNT}') and {c} <> '' "
            f"then try_cast(replace({c}, ',', '') as double) end)")
    return f"(case when regexp_full_match({k}, '-?\\d+(\\.\\d+)?') then {k}::double else {slow} end)"


def _id_expr(k: str, system: str) -> str:
    v = f"(case when regexp_full_match({k}, '[0-9.]+[eE]\\+?[0-9]+') then null else {k} end)"
    if system == "salesforce":   # 18-character ids end in a 3-character case suffix
        v = f"(case when regexp_full_match({k}, '[a-zA-Z0-9]{{18}}') then left({k}, 15) else {v} end)"
    return v


# ---- decisions per column -------------------------------------------------------------------------

def _date_shape_counts(i: int, families: list[str]) -> list[tuple[str, str]]:
    """(condition, name) per date family: the values of column k<i> whose shape fits it.

    Shapes are cheap to test on millions of values (strptime with every format is not);
    the chosen family's formats then parse each value, and a value that does not parse is
    rejected. A d/m/y value counts for both orders unless one number is above 12."""
    v = f"k{i}"
    slash = f"regexp_full_match({v}, '\\d{{1,2}}[/-]\\d{{1,2}}[/-]\\d{{2,4}}( .*)?')"
    dot = f"regexp_full_match({v}, '\\d{{1,2}}\\.\\d{{1,2}}\\.\\d{{2,4}}( .*)?')"
    parts = f"string_split(translate({v}, '.-', '//'), '/')"
    first, second = f"try_cast({parts}[1] as integer)", f"try_cast({parts}[2] as integer)"
    shapes = {
        "iso": f"regexp_full_match({v}, '\\d{{4}}-\\d{{1,2}}-\\d{{1,2}}([ T].*)?')",
        "mdy": f"{slash} and {first} <= 12 and {second} <= 31",
        "dmy": f"({slash} or {dot}) and {second} <= 12 and {first} <= 31",
        "ymd": f"regexp_full_match({v}, '\\d{{4}}[/.]\\d{{1,2}}[/.]\\d{{1,2}}( .*)?')",
        "text": f"regexp_matches({v}, '[A-Za-z]{{3}}') and not regexp_matches({v}, '^\\d{{4}}-')",
        "excel": f"regexp_full_match({v}, '\\d{{4,6}}(\\.\\d+)?')",
    }
    return [(shapes[fam], f"d{i}_{fam}") for fam in families]


def _counts(con, aggs: list[str], cleaned: list[int], source: str = "raw") -> dict[str, int]:
    if not aggs:
        return {}
    cur = con.execute(f"select {', '.join(aggs)} from {_cleaned(cleaned, source=source)}")
    return dict(zip([d[0] for d in cur.description], cur.fetchall()[0]))


def _distinct_counts(con, i: int, conds: list[tuple[str, str]], source: str = "raw") -> dict[str, int]:
    """Per (condition, name): how many values of column k<i> meet the condition, each distinct
    value tested once (a date column repeats its values; the shape tests are the slow part)."""
    aggs = ", ".join(f"coalesce(sum(n) filter (where {c}), 0) as {name}" for c, name in conds)
    cur = con.execute(f"select {aggs} from (select k{i}, count(*) as n from {_cleaned([i], source=source)} group by k{i})")
    return dict(zip([d[0] for d in cur.description], cur.fetchall()[0]))


def _decide(con, raw: RawFile, cols: dict[str, list[int]], source: str = "raw",
            open_orders: list[int] | None = None) -> tuple[dict[int, str], dict[int, str], dict[str, str]]:
    """Date family and decimal mark per column, each decided from all of its values (of `source`:
    the temp table `raw`, or the file itself read by csv_relation). Columns whose values all fit
    both day/month orders are added to `open_orders`.

    A first pass counts the values a plain cast reads (ISO dates, plain numbers: the usual
    case, and cheap); only columns with other values get the second pass by shapes."""
    kinds = KIND_FIELDS[raw.preset.kind]
    date_cols = sorted({i for f, ix in cols.items() if kinds[f] in ("timestamp", "date") for i in ix})
    money_cols = sorted({i for f, ix in cols.items() if kinds[f] in ("money", "percent") for i in ix})
    first = _counts(con, [a for i in date_cols for a in (f"count(k{i}) as n{i}", f"count(try_cast(k{i} as timestamp)) as t{i}",
                                                        f"any_value(k{i}) as s{i}")]
                    + [a for i in money_cols for a in (f"count(k{i}) as n{i}", f"count(try_cast(k{i} as double)) as t{i}")],
                    date_cols + money_cols, source)
    plain = {i for i in date_cols + money_cols if first[f"n{i}"] == first[f"t{i}"]}
    families = [f for f in DATE_FAMILIES if f != "excel" or raw.is_excel]
    europe = raw.delimiter == ";"
    shaped_dates = [i for i in date_cols if i not in plain]
    shaped_money = [i for i in money_cols if i not in plain or europe]
    counts: dict[str, int] = {}
    for i in sorted(set(shaped_dates + shaped_money)):
        conds = _date_shape_counts(i, families) if i in shaped_dates else []
        if i in shaped_money:
            conds.append((f"{_amount_expr(f'k{i}', '.')} is not null", f"m{i}_dot"))
            conds.append((f"{_amount_expr(f'k{i}', ',')} is not null", f"m{i}_comma"))
        counts.update(_distinct_counts(con, i, conds, source))

    readings: dict[str, str] = {}
    date_choice: dict[int, str] = {i: "iso" for i in date_cols if i in plain}
    ambiguous = []
    for i in shaped_dates:
        scores = {fam: counts[f"d{i}_{fam}"] for fam in families}
        best = max(scores.values())
        top = [f for f in families if scores[f] == best]
        if best and "mdy" in top and "dmy" in top:
            ambiguous.append(i)
            if open_orders is not None:
                open_orders.append(i)
            continue
        date_choice[i] = top[0]
    decided = {date_choice[i] for i in date_choice if date_choice[i] in ("mdy", "dmy")}
    for i in ambiguous:
        if len(decided) == 1:
            date_choice[i] = next(iter(decided))
            why = "the file's other date columns"
        elif europe:
            date_choice[i] = "dmy"
            why = "the file's European layout (';' delimiter)"
        else:
            date_choice[i] = "mdy"
            why = "the US default"
        readings[raw.headers[i]] = (f"{DATE_FAMILIES[date_choice[i]][0]}: every value fits both day/month "
                                    f"orders; read as {DATE_FAMILIES[date_choice[i]][0]} from {why}")
    for i in date_cols:
        if i not in ambiguous and date_choice[i] != "iso":
            readings[raw.headers[i]] = DATE_FAMILIES[date_choice[i]][0]

    money_choice: dict[int, str] = {i: "." for i in money_cols}
    for i in shaped_money:
        dot, comma = counts[f"m{i}_dot"], counts[f"m{i}_comma"]
        if comma > dot or (comma == dot and europe):
            money_choice[i] = ","
            readings[raw.headers[i]] = "decimal comma (1.234,56)"
    date_choice = {i: (fam, _first_format(fam, first[f"s{i}"])) for i, fam in date_choice.items()}
    return date_choice, money_choice, readings


def _first_format(family: str, sample: str | None) -> list[str] | None:
    """The family's formats, the one that reads the column's first value first (strptime tries them in order)."""
    fmts = DATE_FAMILIES[family][1]
    if not fmts or sample is None:
        return fmts
    for f in fmts:
        try:
            dt.datetime.strptime(sample, f)
            return [f] + [g for g in fmts if g != f]
        except ValueError:
            continue
    return fmts


# ---- staging ---------------------------------------------------------------------------------------

def _value_expr(ftype: str, i: int, preset: Preset, date_choice, money_choice) -> tuple[str, str | None]:
    """(SQL of the typed value of column k<i>, reason when a non-empty cell does not parse)."""
    k = f"k{i}"
    if ftype in ("timestamp", "date"):
        family, fmts = date_choice[i]
        e = _date_expr(k, family, fmts)
        if ftype == "date":
            e = f"({e})::date"
        return e, f"not a date in this column's format ({DATE_FAMILIES[family][0]})"
    if ftype == "money":
        return _amount_expr(k, money_choice[i]), "not an amount"
    if ftype == "percent":
        e = _amount_expr(k, money_choice[i])
        return (f"({e}) * 100" if preset.probability_is_fraction else e), "not a percentage"
    if ftype == "bool":
        words_t = ", ".join(f"'{w}'" for w in TRUE_WORDS)
        words_f = ", ".join(f"'{w}'" for w in FALSE_WORDS)
        return (f"(case when lower({k}) in ({words_t}) then true when lower({k}) in ({words_f}) then false end)",
                "not a yes/no value")
    if ftype == "id":
        return _id_expr(k, preset.system), ("an ID turned into a number by Excel (like 1.2E+17); "
                                            "export again without opening the file in Excel")
    if ftype == "idlist":
        first = f"nullif(trim(split_part(replace({k}, ',', ';'), ';', 1)), '')"
        return _id_expr(first, preset.system), "an ID turned into a number by Excel"
    if ftype == "email":
        return f"lower({k})", None
    return k, None


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


def _typed_sql(preset: Preset, headers: list[str], date_choice, money_choice, source: str,
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
            expr, reason = _value_expr(kinds[fname], i, preset, date_choice, money_choice)
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
              from {_cleaned(used, keep=keep, source=source)})"""
    missing_checks = []
    for fields, reason in _required(preset):
        missing_checks.append((" and ".join(f"{f} is null" for f in fields), reason, fields))
    return sql, bad_checks, missing_checks


def _bad_any(bad_checks, missing_checks) -> str:
    """SQL: the typed row is rejected (a value that did not parse, or a required field missing)."""
    return " or ".join([b for b, _, _ in bad_checks] + [f"({c})" for c, _, _ in missing_checks]) or "false"


def stage(con, raw: RawFile, progress: Progress = _noop) -> tuple[dict, dict, list[Reject], int, int]:
    """Create temp table `typed` and view `ok` (its rows to store); return (columns, readings, rejects,
    skipped, rejected)."""
    preset = raw.preset
    cols = mapping(preset, raw.headers)
    progress(0.35, "Checking dates and amounts")
    date_choice, money_choice, readings = _decide(con, raw, cols)
    base = con.execute("select min(rowid) from raw").fetchall()[0][0]   # temp tables number rows from 2**55
    keep = {"rn": f"rowid - {base} + 1", **({"excel_row": "excel_row"} if raw.is_excel else {})}
    progress(0.5, "Converting values")
    typed, bad_checks, missing_checks = _typed_sql(preset, raw.headers, date_choice, money_choice, "raw", keep)
    con.execute(f"create or replace temp table typed as {typed}")
    bad_any = _bad_any(bad_checks, missing_checks)
    con.execute(f"""create or replace temp view ok as
                    select * exclude (is_blank, is_summary) from typed
                    where not is_blank and not is_summary and not ({bad_any})""")

    counts = con.execute(f"""select count(*) filter (where is_blank or is_summary),
                                    count(*) filter (where not is_blank and not is_summary and ({bad_any}))
                             from typed""").fetchall()[0]
    skipped, rejected = counts
    rejects: list[Reject] = []
    if rejected:
        parts = []
        for flag, i, reason in bad_checks:
            parts.append(f"select rn, {i} as col, r.c{i} as value, {_sql_str(reason)} as reason, {len(parts)} as k "
                         f"from typed join raw r on r.rowid - {base} + 1 = rn where {flag} and not is_blank and not is_summary")
        for cond, reason, fields in missing_checks:
            i = cols.get(fields[0], [None])[0]
            col_sql = "null" if i is None else str(i)
            # a key that is there but unreadable is listed once, with its own reason
            unreadable = " or ".join(b for b, j, _ in bad_checks if b.startswith(tuple(f"bad_{f}_" for f in fields)))
            parts.append(f"select rn, {col_sql} as col, null as value, {_sql_str(reason)} as reason, {len(parts)} as k "
                         f"from typed where ({cond}) and not ({unreadable or 'false'}) and not is_blank and not is_summary")
        rows = con.execute(f"select r.rn, r.col, r.value, r.reason{', t.excel_row' if raw.is_excel else ''} "
                           f"from ({' union all '.join(parts)}) r "
                           f"{'join typed t using (rn)' if raw.is_excel else ''} order by r.rn, r.k limit 10000").fetchall()
        lines = {} if raw.is_excel else line_numbers(raw, {r[0] for r in rows})
        for r in rows:
            line = r[4] if raw.is_excel else lines.get(r[0])
            col = None if r[1] is None else raw.headers[r[1]]
            rejects.append(Reject(line, col, r[2], r[3]))
    columns = {f: " / ".join(raw.headers[i] for i in ix) for f, ix in cols.items()}
    return columns, readings, rejects, skipped, rejected


def _read_raw(con, path: Path, file_name: str, tmp: Path, progress: Progress) -> RawFile:
    """Read the file into the temp table `raw` (the custom formats are tried first)."""
    progress(0.05, f"Reading {file_name}")
    return read_file(con, path, file_name, tmp, custom_presets(con))


def _stage_file(con, raw: RawFile, digest: Future, progress: Progress) -> Staged:
    """Stage the read file (see stage) and describe it; `digest` is its content hash, computed beside."""
    rows_read = con.execute("select count(*) from raw").fetchall()[0][0]
    columns, readings, rejects, skipped, rejected = stage(con, raw, progress)
    sample = con.execute("select * exclude (rn) from ok order by rn limit 20").df()
    sample = sample[[c for c in sample.columns if not c.startswith("bad_") and c != "excel_row"]]
    digest = digest.result()
    dup = con.execute("select max(import_id) from imports where content_hash = ? and undone_at is null", [digest]).fetchall()[0][0]
    return Staged(raw.file_name, raw.preset, raw, rows_read, skipped, rows_read - skipped - rejected, rejects,
                  rejected, readings, columns, sample, digest, dup, ignored_columns(raw.preset, raw.headers))


def preview(con, path: str | Path, file_name: str | None = None) -> Staged:
    """Read and check a file without storing anything."""
    path = Path(path)
    file_name = file_name or path.name
    with workdir() as tmp, ThreadPoolExecutor(1) as pool:   # hashing overlaps DuckDB's work (both release the GIL)
        try:
            digest = pool.submit(file_hash, path)
            return _stage_file(con, _read_raw(con, path, file_name, Path(tmp), _noop), digest, _noop)
        finally:
            _drop_temp(con)


def _drop_temp(con, names=("ok", "incoming", "affected", "replaced", "suspect", "typed", "raw")) -> None:
    # (information_schema takes 10-20 ms inside an import's transaction; these take 1 ms)
    kinds = dict(con.execute("select table_name, 'table' from duckdb_tables() where database_name = 'temp' union all "
                             "select view_name, 'view' from duckdb_views() where database_name = 'temp'").fetchall())
    for name in names:   # views first: they read the tables
        if name in kinds:
            con.execute(f"drop {kinds[name]} temp.{name}")


# ---- writing -----------------------------------------------------------------------------------------

LEAD_FIELDS = "email, created_at, company, source, campaign, owner, mql_at, sql_at, disqualified_at, disqualify_reason, status"

# One person, one lead (METRICS.md), for the people with several lead records (temp table people_multi):
# the earliest date of each date field, the other fields from the most recently imported record
# (highest seq) that has a value. A person with one record is that record (lead_records.is_sole);
# the view `leads` (queries/model/05_leads.sql) reads both.
MERGE_LEADS = """
insert into lead_merges
select lead_key,
       arg_max(email, seq) filter (where email is not null),
       min(created_at),
       arg_max(company, seq) filter (where company is not null),
       arg_max(source, seq) filter (where source is not null),
       arg_max(campaign, seq) filter (where campaign is not null),
       arg_max(owner, seq) filter (where owner is not null),
       min(mql_at), min(sql_at), min(disqualified_at),
       arg_max(disqualify_reason, seq) filter (where disqualify_reason is not null),
       arg_max(status, seq) filter (where status is not null)
from lead_records semi join people_multi using (lead_key)
group by lead_key
"""


def settle_people(con, affected: str) -> None:
    """Bring the people of temp table `affected` (column lead_key) up to date: is_sole on their
    records, and their merged row in lead_merges when they have several records."""
    con.execute(f"""create or replace temp table people_multi as
        select lead_key from lead_records where lead_key in (select lead_key from {affected})
        group by lead_key having count(*) > 1""")
    con.execute(f"delete from lead_merges where lead_key in (select lead_key from {affected})")
    con.execute("update lead_records set is_sole = false "
                "where is_sole and lead_key in (select lead_key from people_multi)")
    con.execute(f"""update lead_records set is_sole = true
        where not is_sole and lead_key in (select lead_key from {affected})
          and lead_key not in (select lead_key from people_multi)""")
    con.execute(MERGE_LEADS)
    con.execute("drop table temp.people_multi")


def _incoming(con, rid: str) -> None:
    """Temp view `incoming`: the `ok` rows with their record id, the first row of each id."""
    dups = con.execute(f"select count({rid}) - count(distinct {rid}) from ok").fetchall()[0][0]
    if dups:   # a report repeating a record (one row per contact role) is read by its first row
        con.execute(f"""create or replace temp table incoming as
            select * replace ({rid} as record_id) from ok
            qualify row_number() over (partition by {rid} order by rn) = 1""")
    else:
        con.execute(f"create or replace temp view incoming as select * replace ({rid} as record_id) from ok")


def _record_id(p: Preset) -> str:
    # A template lead row without lead_id is identified by its content: the same row imported
    # again replaces itself, another row for the same email is another record of that person.
    return (f"coalesce(record_id, 'row:' || md5(row({LEAD_FIELDS})::varchar))"
            if p.kind == "lead" and p.template else "record_id")


# Kinds stored as a set of rows: their store table (migration 006) and its fields.
SET_STORES = {
    "touch": ("touch_store", "email, lead_ref, lead_ref_system, touched_at, channel, campaign"),
    "activity": ("activity_store", "email, lead_ref, lead_ref_system, activity_at, type, owner"),
    "spend": ("spend_store", "date, channel, campaign, cost, source_system"),
}


def _shape(p: Preset) -> tuple[str, str, list[tuple[str, str]]]:
    """(store table, its fields, (expression over the typed rows, field) per field) of a kind stored as a set of rows."""
    table, cols = SET_STORES[p.kind]
    channel_default = _sql_str(p.defaults.get("channel", "(none)"))
    ref = "null" if p.lead_ref_system is None else _sql_str(p.lead_ref_system)
    exprs = {
        "touch": ["email", "lead_ref", f"{ref}::varchar", "touched_at", f"coalesce(channel, {channel_default})",
                  "coalesce(campaign, '(none)')"],
        "activity": ["email", "lead_ref", f"{ref}::varchar", "activity_at", "type", "owner"],
        "spend": ["date", f"coalesce(channel, {channel_default})", "coalesce(campaign, '(none)')", "cost",
                  f"{_sql_str(p.system)}::varchar"],
    }[p.kind]
    return table, cols, list(zip(exprs, cols.split(", ")))


def _store(con, p: Preset, rows: str, import_id: int) -> int:
    """Insert the typed lead or opportunity rows of relation `rows` (with rn and record_id) into
    the kind's record table under `import_id`; returns how many."""
    params = {"sys": p.system, "import_id": import_id}
    seq = "$import_id::bigint * 10000000000 + rn"
    if p.kind == "lead":
        sql = f"""insert into lead_records (source_system, record_id, lead_key, {LEAD_FIELDS},
                                             converted_opportunity_id, import_id, seq, is_sole)
                  select $sys, record_id, coalesce(email, $sys || ':' || record_id), {LEAD_FIELDS},
                         converted_opportunity_id, $import_id, {seq}, true
                  from {rows}"""
    elif p.kind == "opportunity":
        params["ref_sys"] = p.lead_ref_system
        sql = f"""insert into opportunity_records (source_system, record_id, name, created_at, close_date, stage,
                      amount, probability, is_closed_export, is_won_export, owner, source, lead_ref,
                      lead_ref_system, email, import_id, seq)
                  select $sys, record_id, name, created_at, close_date,
                         case when lower(status) in ('won', 'lost') then status else coalesce(stage, status) end,
                         amount, probability, is_closed, is_won, owner, source, lead_ref, $ref_sys::varchar, email,
                         $import_id, {seq}
                  from {rows}"""
    else:
        raise ValueError(f"{p.kind} rows are stored by _insert_set")
    return con.execute(sql, params).fetchall()[0][0]


def _insert_set(con, p: Preset, rows: str, import_id: int) -> int:
    """Insert the typed rows of relation `rows` into the kind's store, each with h, the hash of its
    fields; returns how many. Repeats are left to _settle_set (filtering them first would need
    the whole file staged once more)."""
    table, cols, shaped = _shape(p)
    exprs = ", ".join(e for e, _ in shaped)
    return con.execute(f"insert into {table} ({cols}, import_id, h) select {exprs}, $import_id, hash({exprs}) "
                       f"from {rows}", {"import_id": import_id}).fetchall()[0][0]


def _settle_set(con, p: Preset, import_id: int, stored: int) -> int:
    """After _insert_set: list in row_repeats the hashes of this import that repeat (in it, or on an
    older row), so the views read each distinct row once; returns how many stored rows are new.
    compact_repeats() deletes the extra copies after the commit."""
    table, cols, _ = _shape(p)
    older = (f"union select h from {table} where import_id <> $import_id "
             f"and h in (select h from {table} where import_id = $import_id)") if _others(con, table, import_id) else ""
    # Repeats within the import: first the 32-bit prefixes of h that repeat (a prefix equal to
    # the one before it in order; sorting 32-bit keys is 1.5x faster than 64-bit ones, and 2.5x
    # faster than grouping, measured at 5M rows), then the hashes among those few that repeat.
    con.execute(f"""create or replace temp table suspect as
        with prefix as (
            select k from (select k, lag(k) over (order by k) as before
                           from (select (h >> 32)::uinteger as k from {table} where import_id = $import_id))
            where k = before)
        select h from {table} where import_id = $import_id and (h >> 32)::uinteger in (select k from prefix)
        group by h having count(*) > 1 {older}""", {"import_id": import_id})
    if not con.execute("select count(*) from suspect").fetchall()[0][0]:
        return stored
    con.execute("insert into row_repeats select $table, h from suspect", {"table": table})
    # new: this import's rows, less its rows in repeating groups, plus the distinct ones of those
    # that no older row has
    return con.execute(f"""
        with g as (select {cols}, import_id = $import_id as mine from {table} where h in (select h from suspect))
        select $stored - count(*) filter (where mine)
               + (select count(*) from (select {cols} from g where mine except select {cols} from g where not mine))
        from g""", {"import_id": import_id, "stored": stored}).fetchall()[0][0]


def compact_repeats(con) -> int:
    """Delete the extra copies of the rows listed in row_repeats, keeping the one stored first, in
    a transaction of its own (the rows are committed, so this is cheap). The views read the same
    set before and after. Returns how many rows went."""
    if not con.execute("select count(*) from row_repeats").fetchall()[0][0]:
        return 0
    gone = 0
    with transaction(con):
        for table, cols in SET_STORES.values():
            gone += con.execute(f"""delete from {table} where rowid in (
                select r from (select rowid as r, row_number() over (partition by {cols} order by import_id, rowid) as n
                               from {table} where h in (select h from row_repeats where table_name = $table))
                where n > 1)""", {"table": table}).fetchall()[0][0]
        con.execute("delete from row_repeats")
    return gone


def checkpoint(con) -> None:
    """Write an import's changes into the database file now: until then every scan of a table with
    deleted rows (replaced records, repeated rows) consults them (measured: an attribution query
    1.6x slower after deleting 112 of 5M touches; the checkpoint takes 15 ms). Skipped when another
    session's transaction is open; DuckDB checkpoints later by itself."""
    try:
        con.execute("checkpoint")
    except duckdb.Error:
        pass


def rehash_if_needed(con) -> None:
    """Recompute every stored h when the file was hashed by another DuckDB (hash() may change)."""
    if con.execute("select value = to_json(version()) from settings where key = 'row_hash_duckdb'").fetchall() == [(True,)]:
        return
    with transaction(con):
        for table, cols in SET_STORES.values():
            con.execute(f"update {table} set h = hash({cols})")
        con.execute("insert or replace into settings (key, value, updated_by) "
                    "values ('row_hash_duckdb', to_json(version()), 'ingest')")


def _others(con, table: str, import_id: int, where: str = "true", params: dict | None = None) -> bool:
    """Does `table` hold rows of other imports (matching `where`)? Skips the joins on a first import."""
    return bool(con.execute(f"select count(*) from (select 1 from {table} where import_id <> $import_id "
                            f"and {where} limit 1)", {"import_id": import_id, **(params or {})}).fetchall()[0][0])


def _settle(con, p: Preset, import_id: int, stored: int, people_distinct: bool = False) -> int:
    """After _store: older records with the same source id are replaced and the people touched are
    merged again (people_distinct: the import is known to hold each person once). Returns how many
    of the stored records are new."""
    table = "lead_records" if p.kind == "lead" else "opportunity_records"
    params = {"sys": p.system, "import_id": import_id}
    replaced = 0
    if _others(con, table, import_id, "source_system = $sys", {"sys": p.system}):
        con.execute(f"""create or replace temp table replaced as
            select rowid as r{', lead_key' if p.kind == 'lead' else ''} from {table}
            where source_system = $sys and import_id <> $import_id
              and record_id in (select record_id from {table} where import_id = $import_id)""", params)
        replaced = con.execute("select count(*) from replaced").fetchall()[0][0]
    if p.kind == "lead":   # the people whose lead may change: their new and their old lead_key
        con.execute(f"""create or replace temp table affected as
            select lead_key from lead_records where import_id = $import_id
            {'union select lead_key from replaced' if replaced else ''}""", {"import_id": import_id})
    if replaced:
        con.execute(f"delete from {table} where rowid in (select r from replaced)")
    if p.kind == "lead":
        if replaced or _shared_people(con, import_id, people_distinct):
            settle_people(con, "affected")
        _drop_temp(con, ("affected",))
    _drop_temp(con, ("replaced",))
    return stored - replaced


def _shared_people(con, import_id: int, distinct: bool) -> bool:
    """Does a person of this import have another lead record (in it or stored before)?"""
    if not distinct:
        n, keys = con.execute("select count(*), count(distinct lead_key) from lead_records where import_id = ?",
                              [import_id]).fetchall()[0]
        if n != keys:
            return True
    return _others(con, "lead_records", import_id) and con.execute(
        """select count(*) from (select 1 from lead_records where import_id <> $import_id
           and lead_key in (select lead_key from affected) limit 1)""", {"import_id": import_id}).fetchall()[0][0] > 0


def _log_import(con, r: ImportResult, raw: RawFile, digest: str, who: str | None) -> None:
    """The imports row and the rejected rows of a stored file."""
    con.execute("""insert into imports (import_id, file_name, content_hash, format, record_kind, encoding,
                       delimiter, readings, rows_read, rows_loaded, rows_new, rows_rejected, rows_skipped,
                       imported_by)
                   values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [r.import_id, r.file_name, digest, r.format, r.kind, raw.encoding, raw.delimiter,
                 json.dumps(r.readings), r.rows_read, r.rows_loaded, r.rows_new, r.rows_rejected, r.rows_skipped, who])
    if r.rejects:
        frame = pd.DataFrame([(r.import_id, j.line, j.column, j.value, j.reason) for j in r.rejects],
                             columns=["import_id", "line", "column_name", "value", "reason"])
        con.register("rejects_frame", frame)
        con.execute("insert into import_rejects select * from rejects_frame")
        con.unregister("rejects_frame")


def _result(con, import_id: int, file_name: str, preset: Preset, raw: RawFile, digest: str, counts: tuple,
            rejects: list[Reject], readings: dict[str, str]) -> ImportResult:
    """counts: rows (read, loaded, new, rejected, skipped)."""
    notes = list(raw.notes)
    dup = con.execute("select max(import_id) from imports where content_hash = ? and undone_at is null",
                      [digest]).fetchall()[0][0]
    if dup:
        notes.append(f"identical to import #{dup}: re-importing it changes no number")
    return ImportResult(file_name, import_id, preset.key, preset.label, preset.kind, *counts, rejects=rejects,
                        readings=readings, notes=notes, ignored_columns=ignored_columns(preset, raw.headers))


FALLBACK = "onefunnel: not a clean file"


def _next_import_id(con) -> int:
    """The id nextval('import_id_seq') will give, without taking it (a fallen-back attempt leaves no gap)."""
    return con.execute("select coalesce(last_value + increment_by, start_value) from duckdb_sequences() "
                       "where sequence_name = 'import_id_seq'").fetchall()[0][0]


def _ingest_clean_csv(con, path: Path, file_name: str, tmp: Path, digest: Future, who: str | None,
                      progress: Progress) -> ImportResult | None:
    """A clean CSV file in one pass: read, typed and stored by one statement, as a plain read_csv would.

    Clean: every value reads in its column's reading, no row to skip or reject. The first try
    takes the readings the first rows decide (_sample_decision; most files need nothing more).
    If a value does not read, each column's reading is decided from all its values of the file
    (the same _decide as the checking path) and, if that changes a reading, the file is tried
    once more. The
    statement raises at the first row that does not read (the SQL error() below) and its
    transaction is rolled back; None tells the caller to take the checking path, which reports
    rejected rows. A file whose record ids or people repeat falls back too."""
    try:
        raw = layout_csv(path, file_name, tmp, custom_presets(con))
    except FileRefused:
        return None   # the checking path refuses it with the same message
    kinds = KIND_FIELDS[raw.preset.kind]
    cols = mapping(raw.preset, raw.headers)
    has_money = any(kinds[f] in ("money", "percent") for f, ix in cols.items() if ix)
    # A European layout has its decimal mark decided from the whole file first. Otherwise the
    # first rows guess each column's reading, and the guard checks every value against it.
    tried = None
    if not (has_money and raw.delimiter == ";"):
        guess = _sample_decision(con, raw, cols)
        if guess is not None:
            dates, money, readings = guess
            tried = _families(dates), money
            progress(0.1, f"Reading and storing {file_name}")
            result = _clean_attempt(con, raw, dates, money, readings, digest, who, progress)
            if result is not None:
                return result
    progress(0.1, f"Deciding how to read the dates and amounts of {file_name}")
    try:
        decided = _decide(con, raw, cols, csv_relation(raw))
    except duckdb.Error:
        return None   # a file DuckDB cannot read: the checking path says where
    if (_families(decided[0]), decided[1]) == tried:
        return None   # the readings were right: a value is bad, the checking path lists it
    dates, money, readings = decided
    progress(0.2, f"Reading and storing {file_name}")
    return _clean_attempt(con, raw, dates, money, readings, digest, who, progress)


def _families(dates: dict) -> dict[int, str]:
    return {i: fam for i, (fam, _) in dates.items()}


def _sample_decision(con, raw: RawFile, cols: dict[str, list[int]], rows: int = 1000):
    """The readings _decide would give the whole file, guessed from its first rows; None when the
    guess could be wrong even if every value reads by it.

    Read by the guessed readings, every value of the file (the guard in _clean_attempt checks
    that) then scores highest for the same reading in _decide. That holds unless the first rows
    leave a day/month order open (a later value may settle it, or the file's other date
    columns do) or read an amount with a decimal comma (1,234 reads both ways)."""
    open_orders: list[int] = []
    try:
        guess = _decide(con, raw, cols, csv_relation(raw, head=rows), open_orders)
    except duckdb.Error:
        return None   # let the decision on the whole file (or the checking path) meet the problem
    return None if open_orders or any(m != "." for m in guess[1].values()) else guess


def _clean_attempt(con, raw: RawFile, dates, money, readings: dict[str, str], digest: Future, who: str | None,
                   progress: Progress) -> ImportResult | None:
    """One try of _ingest_clean_csv with these readings; None (nothing stored) if the file is not clean."""
    p = raw.preset
    # rn (the row's place in the file, for lead seq) is 0: numbering rows would make the statement
    # keep file order, at twice the cost. A file with one person twice falls back, where order counts.
    records = p.kind in ("lead", "opportunity")
    typed, bad_checks, missing_checks = _typed_sql(p, raw.headers, dates, money, csv_relation(raw),
                                                   {"rn": "0"} if records else {})
    guard = (f"case when is_blank or is_summary or {_bad_any(bad_checks, missing_checks)} "
             f"then error({_sql_str(FALLBACK)}) else true end")
    rows = f"(select * from ({typed}) where {guard})"
    if records:
        rows = f"(select * replace ({_record_id(p)} as record_id) from {rows})"
    import_id = _next_import_id(con)
    try:
        with transaction(con):
            try:
                stored = _store(con, p, rows, import_id) if records else _insert_set(con, p, rows, import_id)
            except duckdb.Error:
                raise _NotClean from None
            repeats = 0
            if records:   # a record id, or for leads a person, twice in the file
                table = "lead_records" if p.kind == "lead" else "opportunity_records"
                people = " + count(*) - count(distinct lead_key)" if p.kind == "lead" else ""
                repeats = con.execute(f"select count(*) - count(distinct record_id){people} from {table} "
                                      "where import_id = ?", [import_id]).fetchall()[0][0]
            if stored == 0 or repeats or con.execute("select nextval('import_id_seq')").fetchall()[0][0] != import_id:
                raise _NotClean
            progress(0.6, "Merging people" if records else "Finding rows stored before")
            new = _settle(con, p, import_id, stored, True) if records else _settle_set(con, p, import_id, stored)
            result = _result(con, import_id, raw.file_name, p, raw, digest.result(), (stored, stored, new, 0, 0), [],
                             readings)
            result.one_pass = True
            _log_import(con, result, raw, digest.result(), who)
            _drop_temp(con, ("suspect",))
    except _NotClean:
        return None   # rolled back: nothing stored
    return result


class _NotClean(Exception):
    """Raised inside _clean_attempt's transaction to roll it back: the file takes the checking path."""


def _ingest_checked(con, path: Path, file_name: str, tmp: Path, digest: Future, who: str | None,
                    progress: Progress) -> ImportResult:
    """Any file: read into `raw`, each column decided from all its values, rows checked one by one."""
    try:
        # The file is read into the temp table `raw` before the transaction begins: a failed
        # read (a file that is not UTF-8 after all, read again) must not abort the transaction.
        raw = _read_raw(con, path, file_name, tmp, progress)
        with transaction(con):
            staged = _stage_file(con, raw, digest, progress)
            import_id = con.execute("select nextval('import_id_seq')").fetchall()[0][0]
            progress(0.7, "Storing records")
            p = staged.preset
            if p.kind in ("lead", "opportunity"):
                _incoming(con, _record_id(p))
                new = _settle(con, p, import_id, _store(con, p, "incoming", import_id))
            else:
                new = _settle_set(con, p, import_id, _insert_set(con, p, "ok", import_id))
            result = _result(con, import_id, file_name, p, staged.raw, staged.content_hash,
                             (staged.rows_read, staged.rows_ok, new, staged.rows_rejected, staged.rows_skipped),
                             staged.rejects, staged.readings)
            _log_import(con, result, staged.raw, staged.content_hash, who)
            _drop_temp(con)
    except BaseException:
        try:
            _drop_temp(con)   # `raw` was made outside the transaction
        except Exception:
            pass              # the original error matters more
        raise
    return result


def ingest_file(con, path: str | Path, file_name: str | None = None, who: str | None = None,
                progress: Progress = _noop) -> ImportResult:
    """Import one file in one transaction. Raises FileRefused (nothing stored) for a broken file.

    A clean CSV takes the one-pass path; any other file, or a clean-looking one that turns out
    not to be, the checking path (see _ingest_clean_csv)."""
    path = Path(path)
    file_name = file_name or path.name
    rehash_if_needed(con)
    with workdir() as tmp, ThreadPoolExecutor(1) as pool:   # hashing overlaps DuckDB's work
        digest = pool.submit(file_hash, path)
        result = None
        if not is_workbook(path, file_name):
            result = _ingest_clean_csv(con, path, file_name, Path(tmp), digest, who, progress)
        if result is None:
            result = _ingest_checked(con, path, file_name, Path(tmp), digest, who, progress)
    try:
        compact_repeats(con)
    except duckdb.Error:
        pass   # the import is stored and reads right; the next import compacts
    checkpoint(con)
    if result.kind == "touch":
        refresh_statistics(con)
    progress(1.0, "Done")
    return result


__all__ = ["FileRefused", "ImportResult", "Reject", "Staged", "compact_repeats", "custom_formats", "custom_presets",
           "ingest_file", "preview", "rename_custom_format", "save_custom_format", "settle_people"]
