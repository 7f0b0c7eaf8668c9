"""Turning a read file into canonical records: typed values, rejected rows, one transaction.

`preview()` reads and checks a file and stores nothing; `ingest_file()` does the same and
then, in one transaction, replaces records by source id (leads, opportunities), adds only
new rows (touches, activities, spend), rebuilds the merged `leads` table and logs the
import. A refused file, or any error, rolls back: the stored data is unchanged.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from onefunnel.ingest.presets import KIND_FIELDS, Preset, mapping
from onefunnel.ingest.reader import FileRefused, RawFile, line_numbers, read_file, workdir

MISSING = ("", "--", "-", "n/a", "N/A", "—", "(not set)")
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
    sha256: str
    duplicate_of: int | None = None

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


Progress = Callable[[float, str], None]


def _noop(_f: float, _m: str) -> None:
    pass


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(4 * 1024 * 1024):
            h.update(chunk)
    return h.hexdigest()


# ---- value expressions -------------------------------------------------------------------------

def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _clean(col: str) -> str:
    return f"(case when trim({col}) in ({_MISSING_SQL}) then null else trim({col}) end)"


def _date_expr(col: str, family: str) -> str:
    v = _clean(col)
    if family == "iso":
        return f"try_cast(regexp_replace({v}, '([+-]\\d{{2}}:?\\d{{2}}|Z)$', '') as timestamp)"
    if family == "excel":
        return (f"(case when regexp_full_match({v}, '\\d+(\\.\\d+)?') and try_cast({v} as double) between 1 and 2958465 "
                f"then timestamp '1899-12-30' + to_microseconds(round(try_cast({v} as double) * 86400)::bigint * 1000000) end)")
    fmts = ", ".join("'" + f + "'" for f in DATE_FAMILIES[family][1])
    return f"try_strptime({v}, [{fmts}])"


def _amount_clean(col: str) -> str:
    v = _clean(col)
    # currency codes / symbols / percent / spaces; (1,234.00) is negative
    v = f"regexp_replace({v}, '^\\((.*)\\)$', '-\\1')"
    v = f"regexp_replace({v}, '^[A-Z]{{3}}\\s*|\\s*[A-Z]{{3}}$|^[A-Z]{{1,2}}\\$', '')"
    return f"regexp_replace({v}, '[\\s\\x{{00A0}}\\x{{202F}}$€£¥₹%]', '', 'g')"


def _amount_expr(col: str, decimal: str) -> str:
    c = _amount_clean(col)
    if decimal == ",":
        return (f"(case when regexp_full_match({c}, '{COMMA_AMOUNT}') and {c} <> '' "
                f"then try_cast(replace(replace({c}, '.', ''), ',', '.') as double) end)")
    return (f"(case when regexp_full_match({c}, '{DOT_AMOUNT}') and {c} <> '' "
            f"then try_cast(replace({c}, ',', '') as double) end)")


def _id_expr(col: str, system: str) -> str:
    v = f"nullif(trim({col}), '')"
    v = f"(case when regexp_full_match({v}, '[0-9.]+[eE]\\+?[0-9]+') then null else {v} end)"
    if system == "salesforce":   # 18-character ids end in a 3-character case suffix
        v = f"(case when regexp_full_match({v}, '[a-zA-Z0-9]{{18}}') then left({v}, 15) else {v} end)"
    return v


# ---- decisions per column -------------------------------------------------------------------------

def _decide(con, raw: RawFile, cols: dict[str, list[int]]) -> tuple[dict[int, str], dict[int, str], dict[str, str]]:
    """Date family and decimal mark per column, each decided from all of its values."""
    kinds = KIND_FIELDS[raw.preset.kind]
    date_cols = sorted({i for f, ix in cols.items() if kinds[f] in ("timestamp", "date") for i in ix})
    money_cols = sorted({i for f, ix in cols.items() if kinds[f] in ("money", "percent") for i in ix})
    families = [f for f in DATE_FAMILIES if f != "excel" or raw.is_excel]
    aggs = []
    for i in date_cols:
        for fam in families:
            aggs.append(f"count({_date_expr(f'c{i}', fam)}) as d{i}_{fam}")
    for i in money_cols:
        aggs.append(f"count({_amount_expr(f'c{i}', '.')}) as m{i}_dot")
        aggs.append(f"count({_amount_expr(f'c{i}', ',')}) as m{i}_comma")
    if not aggs:
        return {}, {}, {}
    cur = con.execute(f"select {', '.join(aggs)} from raw")
    counts = dict(zip([d[0] for d in cur.description], cur.fetchall()[0]))

    readings: dict[str, str] = {}
    date_choice: dict[int, str] = {}
    ambiguous = []
    for i in date_cols:
        scores = {fam: counts[f"d{i}_{fam}"] for fam in families}
        best = max(scores.values())
        top = [f for f in families if scores[f] == best]
        if best and "mdy" in top and "dmy" in top:
            ambiguous.append(i)
            continue
        date_choice[i] = top[0]
    decided = {date_choice[i] for i in date_choice if date_choice[i] in ("mdy", "dmy")}
    for i in ambiguous:
        if len(decided) == 1:
            date_choice[i] = next(iter(decided))
            why = "the file's other date columns"
        elif raw.delimiter == ";":
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

    money_choice: dict[int, str] = {}
    for i in money_cols:
        dot, comma = counts[f"m{i}_dot"], counts[f"m{i}_comma"]
        if comma > dot or (comma == dot and raw.delimiter == ";"):
            money_choice[i] = ","
            readings[raw.headers[i]] = "decimal comma (1.234,56)"
        else:
            money_choice[i] = "."
    return date_choice, money_choice, readings


# ---- staging ---------------------------------------------------------------------------------------

def _value_expr(ftype: str, i: int, preset: Preset, date_choice, money_choice) -> tuple[str, str | None]:
    """(SQL of the typed value of column c<i>, reason when a non-empty cell does not parse)."""
    col = f"c{i}"
    if ftype in ("timestamp", "date"):
        e = _date_expr(col, date_choice[i])
        if ftype == "date":
            e = f"({e})::date"
        return e, f"not a date in this column's format ({DATE_FAMILIES[date_choice[i]][0]})"
    if ftype == "money":
        return _amount_expr(col, money_choice[i]), "not an amount"
    if ftype == "percent":
        e = _amount_expr(col, money_choice[i])
        return (f"({e}) * 100" if preset.probability_is_fraction else e), "not a percentage"
    if ftype == "bool":
        v = f"lower({_clean(col)})"
        words_t = ", ".join(f"'{w}'" for w in TRUE_WORDS)
        words_f = ", ".join(f"'{w}'" for w in FALSE_WORDS)
        return f"(case when {v} in ({words_t}) then true when {v} in ({words_f}) then false end)", "not a yes/no value"
    if ftype == "id":
        return _id_expr(col, preset.system), ("an ID turned into a number by Excel (like 1.2E+17); "
                                              "export again without opening the file in Excel")
    if ftype == "idlist":
        first = f"trim(split_part(replace({_clean(col)}, ',', ';'), ';', 1))"
        return _id_expr(first, preset.system), "an ID turned into a number by Excel"
    if ftype == "email":
        return f"lower(nullif(trim({col}), ''))", None
    return f"nullif(trim({col}), '')", None


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


def stage(con, raw: RawFile, progress: Progress = _noop) -> tuple[dict, dict, list[Reject], int, int]:
    """Create temp table `ok` of typed canonical rows; return (columns, readings, rejects, skipped, rejected)."""
    preset = raw.preset
    kinds = KIND_FIELDS[preset.kind]
    cols = mapping(preset, raw.headers)
    progress(0.35, "Checking dates and amounts")
    date_choice, money_choice, readings = _decide(con, raw, cols)

    selects, bad_checks = ["rn"], []      # bad_checks: (flag, column index, reason)
    for fname, ix in cols.items():
        parts = []
        for i in ix:
            expr, reason = _value_expr(kinds[fname], i, preset, date_choice, money_choice)
            alias = f"v_{fname}_{i}"
            selects.append(f"{expr} as {alias}")
            parts.append(alias)
            if reason:
                selects.append(f"({_clean(f'c{i}')} is not null and {alias} is null) as bad_{fname}_{i}")
                bad_checks.append((f"bad_{fname}_{i}", i, reason))
        selects.append(f"coalesce({', '.join(parts)}) as {fname}")
    for fname in kinds:
        if fname not in cols:
            selects.append(f"null as {fname}")
    present = [f"c{i}" for ix in cols.values() for i in ix]
    selects.append(f"coalesce({', '.join(f'nullif(trim({c}), {chr(39)}{chr(39)})' for c in present)}) is null as is_blank")
    if preset.skip_rows:
        sk = [f"c{i}" for i in cols.get(preset.skip_rows, [])]
        skip = (f"(nullif(trim({sk[0]}), '') is null or regexp_matches(trim({sk[0]}), '(?i)^total(:|$)'))"
                if sk else "false")
    else:
        skip = "false"
    selects.append(f"{skip} as is_summary")
    progress(0.5, "Converting values")
    con.execute(f"create or replace temp table typed as select {', '.join(selects)} from raw")

    missing_checks = []
    for fields, reason in _required(preset):
        cond = " and ".join(f"{f} is null" for f in fields)
        missing_checks.append((cond, reason, fields))
    bad_any = " or ".join([b for b, _, _ in bad_checks] + [f"({c})" for c, _, _ in missing_checks]) or "false"
    con.execute(f"""create or replace temp table ok as
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
            parts.append(f"select rn, {i} as col, c{i} as value, {_sql_str(reason)} as reason, {len(parts)} as k "
                         f"from typed join raw using (rn) where {flag} and not is_summary")
        for cond, reason, fields in missing_checks:
            i = cols.get(fields[0], [None])[0]
            col_sql = "null" if i is None else str(i)
            parts.append(f"select rn, {col_sql} as col, null as value, {_sql_str(reason)} as reason, {len(parts)} as k "
                         f"from typed where ({cond}) and not is_blank and not is_summary")
        extra = ", excel_row" if raw.is_excel else ""
        rows = con.execute(f"select r.rn, r.col, r.value, r.reason{extra} from ({' union all '.join(parts)}) r "
                           f"{'join raw using (rn)' if raw.is_excel else ''} order by r.rn, r.k limit 10000").fetchall()
        lines = {} if raw.is_excel else line_numbers(raw, {r[0] for r in rows})
        for r in rows:
            line = r[4] if raw.is_excel else lines.get(r[0])
            col = None if r[1] is None else raw.headers[r[1]]
            rejects.append(Reject(line, col, r[2], r[3]))
    columns = {f: " / ".join(raw.headers[i] for i in ix) for f, ix in cols.items()}
    return columns, readings, rejects, skipped, rejected


def _read_and_stage(con, path: Path, file_name: str, tmp: Path, progress: Progress) -> Staged:
    progress(0.05, f"Reading {file_name}")
    raw = read_file(con, path, file_name, tmp)
    rows_read = con.execute("select count(*) from raw").fetchall()[0][0]
    columns, readings, rejects, skipped, rejected = stage(con, raw, progress)
    sample = con.execute("select * exclude (rn) from ok order by rn limit 20").df()
    sample = sample[[c for c in sample.columns if not c.startswith(("v_", "bad_"))]]
    sha = file_sha256(path)
    dup = con.execute("select max(import_id) from imports where content_sha256 = ?", [sha]).fetchall()[0][0]
    return Staged(file_name, raw.preset, raw, rows_read, skipped, rows_read - skipped - rejected, rejects,
                  rejected, readings, columns, sample, sha, dup)


def preview(con, path: str | Path, file_name: str | None = None) -> Staged:
    """Read and check a file without storing anything."""
    path = Path(path)
    file_name = file_name or path.name
    with workdir() as tmp:
        try:
            return _read_and_stage(con, path, file_name, Path(tmp), _noop)
        finally:
            _drop_temp(con)


def _drop_temp(con) -> None:
    for t in ("raw", "typed", "ok", "incoming"):
        con.execute(f"drop table if exists temp.{t}")


# ---- writing -----------------------------------------------------------------------------------------

REBUILD_LEADS = """
delete from leads;
insert into leads
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
from lead_records
group by lead_key;
"""


def _write(con, staged: Staged, import_id: int) -> int:
    """Store the `ok` rows; returns how many rows are new."""
    p = staged.preset
    sys_ = p.system
    seq = f"{import_id}::bigint * 10000000000 + rn"
    if p.kind == "lead":
        rid = "coalesce(record_id, email)" if p.template else "record_id"
        con.execute(f"""create or replace temp table incoming as
            select * replace ({rid} as record_id) from ok
            qualify row_number() over (partition by {rid} order by rn) = 1""")
        new = con.execute("""select count(*) from incoming i anti join lead_records r
                             on r.source_system = ? and r.record_id = i.record_id""", [sys_]).fetchall()[0][0]
        con.execute("delete from lead_records where source_system = ? "
                    "and record_id in (select record_id from incoming)", [sys_])
        con.execute(f"""insert into lead_records
            select ?, record_id, coalesce(email, ? || ':' || record_id), email, created_at, company, source,
                   campaign, owner, mql_at, sql_at, disqualified_at, disqualify_reason, status,
                   converted_opportunity_id, ?, {seq}
            from incoming""", [sys_, sys_, import_id])
        for stmt in REBUILD_LEADS.strip().split(";"):
            if stmt.strip():
                con.execute(stmt)
        return new
    if p.kind == "opportunity":
        con.execute("""create or replace temp table incoming as
            select * from ok qualify row_number() over (partition by record_id order by rn) = 1""")
        new = con.execute("""select count(*) from incoming i anti join opportunity_records r
                             on r.source_system = ? and r.record_id = i.record_id""", [sys_]).fetchall()[0][0]
        con.execute("delete from opportunity_records where source_system = ? "
                    "and record_id in (select record_id from incoming)", [sys_])
        con.execute(f"""insert into opportunity_records
            select ?, record_id, name, created_at, close_date,
                   case when lower(status) in ('won', 'lost') then status else coalesce(stage, status) end,
                   amount, probability, is_closed, is_won, owner, source, lead_ref, ?, email, ?, {seq}
            from incoming""", [sys_, p.lead_ref_system, import_id])
        return new
    table, cols = {
        "touch": ("touch_records", "email, lead_ref, lead_ref_system, touched_at, channel, campaign"),
        "activity": ("activity_records", "email, lead_ref, lead_ref_system, activity_at, type, owner"),
        "spend": ("spend_records", "date, channel, campaign, cost, source_system"),
    }[p.kind]
    channel_default = p.defaults.get("channel", "(none)").replace("'", "''")
    shaped = {
        "touch": f"select email, lead_ref, $ref::varchar as lead_ref_system, touched_at, "
                 f"coalesce(channel, '{channel_default}') as channel, coalesce(campaign, '(none)') as campaign from ok",
        "activity": "select email, lead_ref, $ref::varchar as lead_ref_system, activity_at, type, owner from ok",
        "spend": f"select date, coalesce(channel, '{channel_default}') as channel, "
                 f"coalesce(campaign, '(none)') as campaign, cost, $sys as source_system from ok",
    }[p.kind]
    params = {"ref": p.lead_ref_system} if p.kind != "spend" else {"sys": sys_}
    before = con.execute(f"select count(*) from {table}").fetchall()[0][0]
    params["import_id"] = import_id
    con.execute(f"""insert into {table}
        select *, $import_id from ({shaped} except select {cols} from {table})""", params)
    return con.execute(f"select count(*) from {table}").fetchall()[0][0] - before


def ingest_file(con, path: str | Path, file_name: str | None = None, who: str | None = None,
                progress: Progress = _noop) -> ImportResult:
    """Import one file in one transaction. Raises FileRefused (nothing stored) for a broken file."""
    path = Path(path)
    file_name = file_name or path.name
    con.execute("begin transaction")
    try:
        with workdir() as tmp:
            staged = _read_and_stage(con, path, file_name, Path(tmp), progress)
            import_id = con.execute("select nextval('import_id_seq')").fetchall()[0][0]
            progress(0.7, "Storing records")
            new = _write(con, staged, import_id)
            raw = staged.raw
            con.execute("""insert into imports (import_id, file_name, content_sha256, format, record_kind, encoding,
                               delimiter, readings, rows_read, rows_loaded, rows_new, rows_rejected, rows_skipped,
                               imported_by)
                           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                        [import_id, file_name, staged.sha256, staged.preset.key, staged.preset.kind, raw.encoding,
                         raw.delimiter, json.dumps(staged.readings), staged.rows_read, staged.rows_ok, new,
                         staged.rows_rejected, staged.rows_skipped, who])
            if staged.rejects:
                frame = pd.DataFrame([(import_id, r.line, r.column, r.value, r.reason) for r in staged.rejects],
                                     columns=["import_id", "line", "column_name", "value", "reason"])
                con.register("rejects_frame", frame)
                con.execute("insert into import_rejects select * from rejects_frame")
                con.unregister("rejects_frame")
            _drop_temp(con)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    progress(1.0, "Done")
    notes = list(staged.notes)
    if staged.duplicate_of:
        notes.append(f"identical to import #{staged.duplicate_of}: re-importing it changes no number")
    return ImportResult(file_name, import_id, staged.preset.key, staged.preset.label, staged.preset.kind,
                        staged.rows_read, staged.rows_ok, new, staged.rows_rejected, staged.rows_skipped,
                        staged.rejects, staged.readings, notes)


__all__ = ["FileRefused", "ImportResult", "Reject", "Staged", "ingest_file", "preview"]
