"""How each column of a file reads: cells cleaned, typed by SQL expressions, and each date and
amount column's reading (date order, decimal mark) decided from its values.

Everything here builds SQL over columns c<i> of a relation (the temp table `raw`, or the file
read by reader.csv_relation); k<i> is the cell trimmed, null when empty or a MISSING mark.
`decide()` chooses per column from all its values; `sample_decision()` guesses the same from the
first rows, for the one-pass path.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from onefunnel.ingest.presets import KIND_FIELDS, Preset
from onefunnel.ingest.reader import RawFile, csv_relation


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


def sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def cleaned(cols: list[int], keep: dict[str, str] | None = None, source: str = "raw") -> str:
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


def value_expr(ftype: str, i: int, preset: Preset, date_choice, money_choice) -> tuple[str, str | None]:
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
    if ftype in ("email", "lowercase"):
        return f"lower({k})", None
    return k, None


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


def _counts(con, aggs: list[str], cols: list[int], source: str = "raw") -> dict[str, int]:
    if not aggs:
        return {}
    cur = con.execute(f"select {', '.join(aggs)} from {cleaned(cols, source=source)}")
    return dict(zip([d[0] for d in cur.description], cur.fetchall()[0]))


def _distinct_counts(con, i: int, conds: list[tuple[str, str]], source: str = "raw") -> dict[str, int]:
    """Per (condition, name): how many values of column k<i> meet the condition, each distinct
    value tested once (a date column repeats its values; the shape tests are the slow part)."""
    aggs = ", ".join(f"coalesce(sum(n) filter (where {c}), 0) as {name}" for c, name in conds)
    cur = con.execute(f"select {aggs} from (select k{i}, count(*) as n from {cleaned([i], source=source)} group by k{i})")
    return dict(zip([d[0] for d in cur.description], cur.fetchall()[0]))


def decide(con, raw: RawFile, cols: dict[str, list[int]], source: str = "raw",
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


def sample_decision(con, raw: RawFile, cols: dict[str, list[int]], rows: int = 1000):
    """The readings decide would give the whole file, guessed from its first rows; None when the
    guess could be wrong even if every value reads by it.

    Read by the guessed readings, every value of the file (the guard in _clean_attempt checks
    that) then scores highest for the same reading in decide. That holds unless the first rows
    leave a day/month order open (a later value may settle it, or the file's other date
    columns do) or read an amount with a decimal comma (1,234 reads both ways)."""
    open_orders: list[int] = []
    try:
        guess = decide(con, raw, cols, csv_relation(raw, head=rows), open_orders)
    except duckdb.Error:
        return None   # let the decision on the whole file (or the checking path) meet the problem
    return None if open_orders or any(m != "." for m in guess[1].values()) else guess


def families_of(dates: dict) -> dict[int, str]:
    return {i: fam for i, (fam, _) in dates.items()}
