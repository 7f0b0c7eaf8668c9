"""Comments (issue 14 item 3): threads with replies, "mentions me", and text that stays text (markup, formulas)."""

import csv
import datetime as dt
import io
import re

import pytest

from onefunnel import ui
from onefunnel.comments import CommentRefused, add_comment
from onefunnel.queries import run, run_rows
from tests.conftest import shown as reader_sees

T = dt.datetime.fromisoformat
XSS = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("x")'
LINK = "[x](https://e.example)"


def test_a_thread_keeps_replies_under_their_comment(con):
    a = add_comment(con, "campaign", "brand", "Is brand worth it?", "Mia", at=T("2026-09-01 10:00"))
    b = add_comment(con, "campaign", "brand", "Second thread", "Rita", at=T("2026-09-01 11:00"))
    add_comment(con, "campaign", "brand", "Yes, 3 deals", "Dana", parent_id=a, at=T("2026-09-02 09:00"))
    add_comment(con, "campaign", "other", "elsewhere", "Dana", at=T("2026-09-01 09:00"))
    rows = run_rows(con, "comments_thread", kind="campaign", subject_id="brand")
    assert [(r["body"], r["depth"], r["author"]) for r in rows] == [
        ("Is brand worth it?", 0, "Mia"), ("Yes, 3 deals", 1, "Dana"), ("Second thread", 0, "Rita")]
    assert rows[1]["parent_id"] == a and rows[2]["comment_id"] == b


def test_a_reply_must_be_to_a_comment_on_the_same_subject(con):
    a = add_comment(con, "lead", "ann@x.test", "hello", "Mia")
    with pytest.raises(CommentRefused, match="no comment #"):
        add_comment(con, "lead", "bob@x.test", "reply elsewhere", "Mia", parent_id=a)
    with pytest.raises(CommentRefused, match="empty"):
        add_comment(con, "lead", "ann@x.test", "   ", "Mia")
    with pytest.raises(CommentRefused, match="not a 'invoice'"):
        add_comment(con, "invoice", "1", "x", "Mia")


def test_mentions_match_an_owner_name_written_several_ways(con):
    add_comment(con, "deal", "d1", "@Dana Reyes please call", "Mia", at=T("2026-09-01 10:00"))
    add_comment(con, "deal", "d1", "cc @dana.reyes", "Mia", at=T("2026-09-02 10:00"))
    add_comment(con, "deal", "d1", "@DanaReyes again", "Mia", at=T("2026-09-03 10:00"))
    add_comment(con, "deal", "d1", "Dana Reyes without an at", "Mia", at=T("2026-09-04 10:00"))
    add_comment(con, "deal", "d1", "@Dan only", "Mia", at=T("2026-09-05 10:00"))
    bodies = [r["body"] for r in run_rows(con, "comments_mentions", person="Dana Reyes")]
    assert bodies == ["@DanaReyes again", "cc @dana.reyes", "@Dana Reyes please call"]
    assert run_rows(con, "comments_mentions", person="") == []


def test_markup_and_formulas_stay_text_on_screen_and_in_a_download(con):
    for i, body in enumerate((XSS, FORMULA, LINK)):
        add_comment(con, "friction", "stalled:o1", body, "=cmd|' /C calc'!A0", at=T(f"2026-09-0{i + 1} 10:00"))
    frame = run(con, "comments_thread", kind="friction", subject_id="stalled:o1")
    assert list(frame["body"]) == [XSS, FORMULA, LINK]            # stored as typed
    shown = [ui.md(b) for b in frame["body"]]
    # every character Markdown would read as a tag, a link or an image is escaped; nothing else changes
    assert all(re.search(r"(?<!\\)[<>\[\]()!=]", s) is None for s in shown), shown
    assert [reader_sees(s) for s in shown] == [XSS, FORMULA, LINK]
    cells = list(csv.DictReader(io.StringIO(ui.to_csv_bytes(frame[["author", "body"]]).decode("utf-8-sig"))))
    assert [c["body"] for c in cells] == [XSS, "'" + FORMULA, LINK]
    assert {c["author"] for c in cells} == {"'=cmd|' /C calc'!A0"}
