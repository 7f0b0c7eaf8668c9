"""Settings kept as tables (stage_map, channel_map, non_marketing_sources, owner_names, and the Spend & ROI
page's spend_campaign_map): read, check and save them, with who changed what and when in settings_log
(key = the table's name, old and new rows as JSON).

Scalar settings go through db.set_setting and goals through db.set_goal; this is the one place that
writes the settings tables.
"""

from __future__ import annotations

import json

import pandas as pd

from onefunnel.db import transaction

# table -> (columns in order, key column, boolean columns)
TABLES: dict[str, tuple[list[str], str, list[str]]] = {
    "stage_map": (["stage", "is_closed", "is_won"], "stage", ["is_closed", "is_won"]),
    "channel_map": (["source", "channel"], "source", []),
    "non_marketing_sources": (["source"], "source", []),
    "owner_names": (["owner", "name"], "owner", []),
}


def read_table(con, table: str) -> pd.DataFrame:
    """The current rows of a settings table, ordered by key."""
    cols, key, _ = _spec(table)
    return con.execute(f"select {', '.join(cols)} from {table} order by {key}").df()


def clean_rows(table: str, rows: pd.DataFrame) -> list[dict]:
    """Rows as they will be stored: text trimmed, empty keys dropped, booleans as booleans
    (a won stage is always closed). Raises ValueError with a message for a person on a duplicate key
    or a missing value."""
    cols, key, bools = _spec(table)
    out: list[dict] = []
    seen: dict[str, str] = {}
    for rec in rows.to_dict("records"):
        row = {}
        for c in cols:
            v = rec.get(c)
            if c in bools:
                row[c] = bool(v) if v is not None and not (isinstance(v, float) and pd.isna(v)) else False
            else:
                row[c] = "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v).strip()
        if not row[key]:
            continue
        folded = row[key].lower() if table == "stage_map" else row[key]
        if folded in seen:
            raise ValueError(f"{key} {row[key]!r} is listed twice; keep one row per {key}.")
        seen[folded] = row[key]
        for c in cols:
            if c not in bools and not row[c]:
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
    old = [{c: (bool(r[c]) if isinstance(r[c], (bool,)) or c.startswith("is_") else r[c]) for c in cols} for r in old]
    if old == new:
        return False
    with transaction(con):
        con.execute(f"delete from {table}")
        for row in new:
            con.execute(f"insert into {table} ({', '.join(cols)}) values ({', '.join('?' for _ in cols)})",
                        [row[c] for c in cols])
        log_change(con, table, old, new, who)
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
    return True


def log_change(con, key: str, old, new, who: str | None) -> None:
    """One settings_log row (the caller owns the transaction)."""
    con.execute("insert into settings_log (key, old_value, new_value, changed_by) values (?, ?, ?, ?)",
                [key, json.dumps(old), json.dumps(new), who])


def _spec(table: str):
    if table not in TABLES:
        raise KeyError(f"not a settings table: {table!r}")
    return TABLES[table]
