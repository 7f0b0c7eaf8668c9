"""Settings kept as tables (stage_map, channel_map, non_marketing_sources, owner_names, owner_directory, and the
Spend & ROI page's spend_campaign_map): read, check and save them, with who changed what and when in settings_log
(key = the table's name, old and new rows as JSON). import_owner_directory merges a CSV file (one row per owner)
into the owner directory.

Scalar settings go through db.set_setting and goals through db.set_goal; this is the one place that
writes the settings tables.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

import pandas as pd

from onefunnel.db import log_change, refresh_model, transaction

# table -> (columns in order, key column, boolean columns)
TABLES: dict[str, tuple[list[str], str, list[str]]] = {
    "stage_map": (["stage", "is_closed", "is_won"], "stage", ["is_closed", "is_won"]),
    "channel_map": (["source", "channel"], "source", []),
    "non_marketing_sources": (["source"], "source", []),
    "owner_names": (["owner", "name"], "owner", []),
    "owner_directory": (["owner", "team", "manager", "region"], "owner", []),
}
# table -> the non-key columns that may be left empty (stored as NULL); every other column needs a value
OPTIONAL: dict[str, set[str]] = {
    "owner_directory": {"team", "manager", "region"},
}


def read_table(con, table: str) -> pd.DataFrame:
    """The current rows of a settings table, ordered by key."""
    cols, key, _ = _spec(table)
    return con.execute(f"select {', '.join(cols)} from {table} order by {key}").df()


def clean_rows(table: str, rows: pd.DataFrame) -> list[dict]:
    """Rows as they will be stored: text trimmed, empty keys dropped, booleans as booleans
    (a won stage is always closed). Raises ValueError with a message for a person on a duplicate key
    or a missing value. The OPTIONAL columns of a table may be empty: stored as None (NULL)."""
    cols, key, bools = _spec(table)
    optional = OPTIONAL.get(table, set())
    out: list[dict] = []
    seen: dict[str, str] = {}
    for rec in rows.to_dict("records"):
        row = {}
        for c in cols:
            v = rec.get(c)
            if c in bools:
                row[c] = False if _missing(v) else bool(v)
            else:
                row[c] = "" if _missing(v) else str(v).strip()
                if c in optional and not row[c]:
                    row[c] = None
        if not row[key]:
            continue
        folded = row[key].lower() if table == "stage_map" else row[key]
        if folded in seen:
            raise ValueError(f"{key} {row[key]!r} is listed twice; keep one row per {key}.")
        seen[folded] = row[key]
        for c in cols:
            if c not in bools and c not in optional and not row[c]:
                raise ValueError(f"{key} {row[key]!r}: {c} is empty.")
        if "is_won" in row and row["is_won"]:
            row["is_closed"] = True
        out.append(row)
    return sorted(out, key=lambda r: r[key])


def save_table(con, table: str, rows: pd.DataFrame, who: str | None) -> bool:
    """Replace a settings table's rows and log the change (old rows, new rows, who, when) in one
    transaction. Returns False (and logs nothing) when nothing changed."""
    cols, _, _ = _spec(table)
    new = clean_rows(table, rows)
    old = read_table(con, table).to_dict("records")
    old = [{c: (None if _missing(r[c]) else bool(r[c]) if isinstance(r[c], (bool,)) or c.startswith("is_") else r[c])
            for c in cols} for r in old]
    if old == new:
        return False
    with transaction(con):
        con.execute(f"delete from {table}")
        for row in new:
            con.execute(f"insert into {table} ({', '.join(cols)}) values ({', '.join('?' for _ in cols)})",
                        [row[c] for c in cols])
        log_change(con, table, old, new, who)
    refresh_model(con)
    return True


def save_spend_campaign_map(con, edited: pd.DataFrame, who: str | None) -> bool:
    """Store the Spend & ROI page's mapping: the rows whose target differs from the default (same name,
    else as exported) go in spend_campaign_map, old and new rows are logged in settings_log, in one
    transaction. False = no change."""
    new = []
    for r in edited.to_dict("records"):
        channel = (r.get("channel") or "").strip() or r["spend_channel"]
        campaign = (r.get("campaign") or "").strip() or r["default_campaign"]
        if channel != r["spend_channel"] or campaign != r["default_campaign"]:
            new.append({"spend_channel": r["spend_channel"], "spend_campaign": r["spend_campaign"],
                        "channel": channel, "campaign": campaign})
    new.sort(key=lambda r: (r["spend_channel"], r["spend_campaign"]))
    old = con.execute("select spend_channel, spend_campaign, channel, campaign from spend_campaign_map "
                      "order by spend_channel, spend_campaign").df().to_dict("records")
    if old == new:
        return False
    with transaction(con):
        con.execute("delete from spend_campaign_map")
        for r in new:
            con.execute("insert into spend_campaign_map values (?, ?, ?, ?)",
                        [r["spend_channel"], r["spend_campaign"], r["channel"], r["campaign"]])
        log_change(con, "spend_campaign_map", old, new, who)
    refresh_model(con)
    return True


# ---- owner directory from a CSV file ---------------------------------------------------------------------

# header (case-insensitive; spaces and hyphens read as '_') -> directory column. When a file has several owner
# columns the first of OWNER_HEADERS wins ('owner' before 'sales_agent', 'rep', 'name').
OWNER_HEADERS = ("owner", "sales_agent", "rep", "name")
DIRECTORY_HEADERS = {"team": "team", "manager": "manager", "region": "region", "regional_office": "region"}


@dataclass(frozen=True)
class DirectoryImport:
    """What import_owner_directory did."""
    owners: int              # owners in the file
    added: int               # owners the directory did not list
    replaced: int            # owners it listed: their row now says what the file says
    columns: tuple[str, ...]  # the directory columns the file gives besides the owner
    skipped: int             # rows with an empty owner


def import_owner_directory(con, data: bytes, file_name: str, who: str | None) -> DirectoryImport:
    """Merge a CSV file of owners into the owner directory (one transaction, logged like a save).

    The header names the owner (`owner`, `sales_agent`, `rep` or `name`) and optionally `team`, `manager`,
    `region` (or `regional_office`), in any case. An owner the directory lists is replaced by the file's row
    (an empty cell empties that column; a column the file does not have keeps its value); an owner it does
    not list is added; every other owner is kept. Raises ValueError naming the file and the line for a file
    without an owner column, a row with more or fewer fields than the header, a quote that never closes or
    an owner listed twice."""
    header_line, header, rows = _read_csv(data, file_name)
    names = [re.sub(r"[\s\-]+", "_", h.strip().lower()) for h in header]
    owner_at = next((names.index(h) for h in OWNER_HEADERS if h in names), None)
    if owner_at is None:
        raise ValueError(f"{file_name}, line {header_line}: no column names the owner (one of "
                         f"{', '.join(OWNER_HEADERS)}); the header is: {', '.join(header)}")
    given: dict[str, int] = {}
    for i, h in enumerate(names):
        if h in DIRECTORY_HEADERS and DIRECTORY_HEADERS[h] not in given:
            given[DIRECTORY_HEADERS[h]] = i
    found: dict[str, tuple[int, dict]] = {}
    skipped = 0
    for line, cells in rows:
        owner = cells[owner_at].strip()
        if not owner:
            skipped += 1
            continue
        if owner in found:
            raise ValueError(f"{file_name}, line {line}: owner {owner!r} is listed twice (also on line "
                             f"{found[owner][0]}); keep one row per owner.")
        found[owner] = (line, {c: cells[i].strip() or None for c, i in given.items()})
    if not found:
        raise ValueError(f"{file_name}: no row under the header names an owner.")
    cols = TABLES["owner_directory"][0]
    current = {r["owner"]: {c: (None if _missing(r[c]) else r[c]) for c in cols}
               for r in read_table(con, "owner_directory").to_dict("records")}
    replaced = sum(owner in current for owner in found)
    for owner, (_, values) in found.items():
        current[owner] = {**current.get(owner, dict.fromkeys(cols)), **values, "owner": owner}
    save_table(con, "owner_directory", pd.DataFrame(list(current.values()), columns=cols), who)
    return DirectoryImport(len(found), len(found) - replaced, replaced, tuple(given), skipped)


def _read_csv(data: bytes, file_name: str) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """(header line, header cells, [(line, cells)] of the non-blank rows) of a small CSV file: UTF-8 (with or
    without BOM), UTF-16 with BOM, else Windows-1252; delimiter `,` `;` tab or `|`, from the header line.
    Line numbers count lines inside quoted values."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16")
    elif b"\x00" in data:
        raise ValueError(f"{file_name}: this is not a text file; save it as CSV.")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    first = next((ln for ln in text.splitlines() if ln.strip()), None)
    if first is None:
        raise ValueError(f"{file_name}: the file is empty.")
    delim = max([",", ";", "\t", "|"], key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    header: list[str] | None = None
    header_line, rows, end = 0, [], 0
    try:
        for cells in reader:
            start, end = end + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header, header_line = cells, start
            elif len(cells) != len(header):
                raise ValueError(f"{file_name}, line {start}: {len(cells)} field{'s' if len(cells) != 1 else ''} "
                                 f"where the header (line {header_line}) has {len(header)}.")
            else:
                rows.append((start, cells))
    except csv.Error as exc:
        raise ValueError(f"{file_name}, line {end + 1}: the file cannot be read as CSV ({exc}); a quoted "
                         "value may never close.") from None
    return header_line, header, rows


def _missing(v) -> bool:
    """None, NaN or pd.NA: a cell with no value (pandas 3 writes NaN in text columns)."""
    return v is None or (not isinstance(v, (str, bool)) and bool(pd.isna(v)))


def _spec(table: str):
    if table not in TABLES:
        raise KeyError(f"not a settings table: {table!r}")
    return TABLES[table]
