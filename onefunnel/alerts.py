"""Alerts for a scheduler (`python -m onefunnel alerts`): one digest per owner of what happened since a moment -
follow-up SLA breaches, MQLs about to breach, rejected leads, deals won - as Slack/Teams-compatible JSON ({"text"}
plus Slack blocks), posted to a webhook or printed. A failed post is retried with back-off and reported (the
command exits 1); a digest posted once (owner + window start, table sent_digests, migration 018) is never posted
again. The lists are the Standup page's queries (queries/standup_*.sql)."""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
import urllib.request

from onefunnel.db import get_setting, transaction
from onefunnel.queries import run_rows

KINDS = ("breached", "due soon", "rejected", "won")
SAID_BY = {"export": "the export", "sales (app)": "sales in the app",
           "export and sales (app)": "the export and sales in the app"}
TITLES = {"breached": "SLA breached", "due soon": "Due soon", "rejected": "Rejected", "won": "Won"}


def _slack(text) -> str:
    """Data inside Slack mrkdwn: &, < and > escaped as Slack asks (no link, mention or markup from data)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _t(at: dt.datetime) -> str:
    return f"{at:%b} {at.day} {at:%H:%M}"


def digests(con, since: dt.datetime, until: dt.datetime, soon_hours: float = 4.0) -> dict[str, dict[str, list[str]]]:
    """Per owner (sorted by name), the lines of each kind; owners with nothing to say are left out."""
    w = dict(since=since, now=until, team="", owner="")
    sla_hours = float(get_setting(con, "sla_hours", 24))
    out: dict[str, dict[str, list[str]]] = {}

    def add(owner, kind, line):
        out.setdefault(owner or "(none)", {k: [] for k in KINDS})[kind].append(line)

    for r in run_rows(con, "standup_sla", **w, sla_hours=sla_hours, soon_hours=float(soon_hours)):
        who = f"{r['company'] or r['lead_key']} ({r['email'] or '–'})"
        if r["status"] == "breached":
            add(r["owner"], "breached", f"{who}: no follow-up, the SLA ran out {_t(r['due_at'])}")
        else:
            add(r["owner"], "due soon", f"{who}: the SLA runs out {_t(r['due_at'])}")
    for r in run_rows(con, "standup_rejections", **w):
        add(r["owner"], "rejected", f"{r['company'] or r['lead_key']} ({r['email'] or '–'}): {r['reason']}, "
                                    f"said by {SAID_BY.get(r['rejected_by'], r['rejected_by'])}")
    for r in run_rows(con, "standup_deals", **w):
        if r["event"] == "won":
            add(r["owner"], "won", f"{r['name'] or r['opp_key']}: ${r['amount'] or 0:,.0f}")
    return dict(sorted(out.items()))


def payload(owner: str, lines: dict[str, list[str]], since: dt.datetime, soon_hours: float) -> dict:
    """The JSON a Slack or Teams incoming webhook takes: a one-line text, and a section per kind with lines."""
    n = {k: len(v) for k, v in lines.items()}
    text = (f"OneFunnel digest for {_slack(owner)} since {_t(since)}: {n['breached']} SLA breached, "
            f"{n['due soon']} due within {soon_hours:g} h, {n['rejected']} rejected, {n['won']} won")
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    for kind in KINDS:
        if lines[kind]:
            body = "\n".join("• " + _slack(x) for x in lines[kind])
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"*{TITLES[kind]}*\n{body}"}})
    return {"text": text, "blocks": blocks}


def post(url: str, body: dict, retries: int = 3, backoff: float = 1.0, timeout: float = 10.0) -> tuple[bool, int, str]:
    """POST the JSON; on an error or a non-2xx answer wait backoff, 2×backoff, ... and try again, at most
    `retries` more times. Returns (ok, attempts, last error)."""
    data = json.dumps(body).encode("utf-8")
    error = ""
    for attempt in range(1, retries + 2):
        try:
            req = urllib.request.Request(url, data=data, method="POST",
                                         headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                if 200 <= resp.status < 300:
                    return True, attempt, ""
                error = f"HTTP {resp.status}"
        except urllib.error.HTTPError as exc:
            error = f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            error = str(getattr(exc, "reason", exc))
        if attempt <= retries:
            time.sleep(backoff * 2 ** (attempt - 1))
    return False, retries + 1, error


def send_all(con, since: dt.datetime, until: dt.datetime, webhook: str | None, dry_run: bool, soon_hours: float = 4.0,
             retries: int = 3, backoff: float = 1.0, out=print) -> int:
    """Make every owner's digest and post it (or print it with dry_run). Returns the exit code: 0 all posted (or
    printed, or sent before), 1 a post failed after its retries."""
    failed = 0
    found = digests(con, since, until, soon_hours)
    if not found:
        out(f"nothing to report since {since:%Y-%m-%d %H:%M}")
    for owner, lines in found.items():
        body = payload(owner, lines, since, soon_hours)
        if dry_run:
            out(json.dumps({"owner": owner, "payload": body}, ensure_ascii=False))
            continue
        sent = con.execute("select sent_at from sent_digests where owner = ? and window_start = ?",
                           [owner, since]).fetchall()
        if sent:
            out(f"{owner}: the digest since {since:%Y-%m-%d %H:%M} was sent at {sent[0][0]:%Y-%m-%d %H:%M}; not again")
            continue
        ok, attempts, error = post(webhook, body, retries, backoff)
        if ok:
            with transaction(con):
                con.execute("insert into sent_digests (owner, window_start, window_end, payload) values (?, ?, ?, ?)",
                            [owner, since, until, json.dumps(body)])
            out(f"{owner}: sent ({attempts} attempt{'s' if attempts > 1 else ''})")
        else:
            failed += 1
            out(f"{owner}: NOT sent after {attempts} attempts: {error}")
    return 1 if failed else 0
