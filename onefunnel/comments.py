"""Comments on a lead, a deal, a campaign or a friction item, with replies (table comments, migration 018). The
text is stored as typed; pages show it through ui.md (text, never markup) and downloads go through ui.excel_safe."""

from __future__ import annotations

import datetime as dt

from onefunnel.db import transaction

KINDS = ("lead", "deal", "campaign", "friction")
MAX_CHARS = 5000


class CommentRefused(ValueError):
    """An empty comment, an unknown subject kind, or a reply to a comment that is not there."""


def add_comment(con, kind: str, subject_id: str, body: str, author: str, parent_id: int | None = None,
                at: dt.datetime | None = None) -> int:
    """Store a comment (a reply when parent_id names a comment on the same subject); returns its id."""
    if kind not in KINDS:
        raise CommentRefused(f"comments are on a {', '.join(KINDS)}, not a {kind!r}")
    body = (body or "").strip()
    if not body:
        raise CommentRefused("an empty comment says nothing")
    if len(body) > MAX_CHARS:
        raise CommentRefused(f"a comment has at most {MAX_CHARS} characters")
    if not str(subject_id or "").strip():
        raise CommentRefused("a comment needs what it is about")
    if parent_id is not None:
        parent = con.execute("select subject_kind, subject_id from comments where comment_id = ?",
                             [parent_id]).fetchall()
        if not parent or parent[0] != (kind, subject_id):
            raise CommentRefused(f"there is no comment #{parent_id} on this {kind}")
    with transaction(con):
        return con.execute(
            "insert into comments (subject_kind, subject_id, parent_id, author, body, created_at)"
            " values (?, ?, ?, ?, ?, coalesce(?::timestamp, current_localtimestamp())) returning comment_id",
            [kind, subject_id, parent_id, author or "app user", body, at]).fetchall()[0][0]
