"""The weekly review's decisions and action items (table review_items, migration 012).

An item is kept under the ISO week of the review that took it; an action has an owner and a due week.
The next week's review opens with last week's actions, and anyone (the owner or whoever runs the
meeting) marks each done or not. Every write goes through db.transaction and is logged in settings_log
under 'review_item:<id>' with who and when (old and new value), like every setting.
"""

from __future__ import annotations

import re

from onefunnel.db import log_change, transaction

KINDS = ("decision", "action")
_WEEK = re.compile(r"\d{4}-W\d{2}")


def _log(con, item_id: int, old, new, who: str | None) -> None:
    log_change(con, f"review_item:{item_id}", old, new, who)


def add(con, week: str, kind: str, text: str, owner: str | None = None, due_week: str | None = None,
        who: str | None = None) -> int:
    """Record a decision or an action of the review of `week`; returns its id. ValueError (with a message a
    person can act on) for empty text, an unknown kind or a malformed week. The text is kept whole."""
    if kind not in KINDS:
        raise ValueError(f"an item is a decision or an action, not {kind!r}")
    if text is None or not text.strip():
        raise ValueError(f"an empty {kind} cannot be recorded: write what was {'decided' if kind == 'decision' else 'agreed'}")
    for w in (week, due_week):
        if w is not None and not _WEEK.fullmatch(w):
            raise ValueError(f"not an ISO week (YYYY-Www, e.g. 2026-W38): {w!r}")
    owner = (owner or "").strip() or None
    with transaction(con):
        item_id = con.execute(
            "insert into review_items (week, kind, text, owner, due_week, created_by) values (?, ?, ?, ?, ?, ?)"
            " returning item_id", [week, kind, text.strip(), owner, due_week, who]).fetchall()[0][0]
        _log(con, item_id, None, {"week": week, "kind": kind, "text": text.strip(), "owner": owner,
                                  "due_week": due_week, "is_done": False}, who)
    return item_id


def set_done(con, item_id: int, done: bool, who: str | None = None) -> bool:
    """Mark an item done (or not done again); logged. False when it already was, or does not exist."""
    row = con.execute("select is_done from review_items where item_id = ?", [item_id]).fetchall()
    if not row or row[0][0] == bool(done):
        return False
    with transaction(con):
        con.execute("update review_items set is_done = ?, done_changed_at = current_localtimestamp(),"
                    " done_changed_by = ? where item_id = ?", [bool(done), who, item_id])
        _log(con, item_id, {"is_done": row[0][0]}, {"is_done": bool(done)}, who)
    return True


def items(con, week: str, kind: str | None = None) -> list[dict]:
    """The items of the review of `week` (of one kind, or all), in the order they were recorded."""
    sql = ("select item_id, week, kind, text, owner, due_week, is_done, created_at, created_by, done_changed_at,"
           " done_changed_by from review_items where week = ?" + (" and kind = ?" if kind else "") + " order by item_id")
    cur = con.execute(sql, [week, kind] if kind else [week])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]
