"""Sales' word on marketing's MQLs, given in the app: accept or reject with a reason from an editable list and a
note, stored with who and when (table lead_verdicts, migration 017; logged in settings_log under
'verdict:<lead_key>'). Imports never touch a verdict; the leads view (queries/model/05_leads.sql) combines it with
the export's disqualify date and status so each rejection counts once."""

from __future__ import annotations

import datetime as dt

from onefunnel.db import get_setting, log_change, refresh_model, set_setting, transaction

DEFAULT_REASONS = ["not our customer profile", "no budget", "student or job seeker", "duplicate",
                   "bad contact data", "other"]
VERDICTS = ("accept", "reject")


class VerdictRefused(ValueError):
    """The verdict cannot be stored (unknown lead, not an MQL, no or unknown reason)."""


def rejection_reasons(con) -> list[str]:
    """The reasons a rejection can give (setting rejection_reasons)."""
    return list(get_setting(con, "rejection_reasons", DEFAULT_REASONS))


def set_rejection_reasons(con, reasons, who: str | None = None) -> list[str]:
    """Replace the list of reasons (trimmed, empty and repeated ones dropped, order kept); logged. Verdicts given
    with a reason that leaves the list keep it."""
    clean = []
    for r in reasons:
        r = " ".join(str(r or "").split())
        if r and r.lower() not in (c.lower() for c in clean):
            clean.append(r)
    if not clean:
        raise VerdictRefused("the list of rejection reasons cannot be empty")
    set_setting(con, "rejection_reasons", clean, who)
    return clean


def give_verdict(con, lead_key: str, verdict: str, reason: str | None = None, note: str | None = None,
                 who: str | None = None, at: dt.datetime | None = None) -> int:
    """Store sales' verdict on an MQL; returns its id. A rejection needs a reason from rejection_reasons();
    an acceptance keeps no reason. `at` (default now) is when it was given."""
    if verdict not in VERDICTS:
        raise VerdictRefused(f"a verdict is accept or reject, not {verdict!r}")
    row = con.execute("select mql_at from leads where lead_key = ?", [lead_key]).fetchall()
    if not row:
        raise VerdictRefused(f"there is no lead {lead_key!r}")
    if row[0][0] is None:
        raise VerdictRefused(f"{lead_key} is not an MQL: sales give their verdict on MQLs")
    reason = " ".join((reason or "").split()) or None
    if verdict == "reject":
        if not reason:
            raise VerdictRefused("a rejection needs a reason")
        if reason not in rejection_reasons(con):
            raise VerdictRefused(f"{reason!r} is not in the list of rejection reasons")
    else:
        reason = None
    note = (note or "").strip() or None
    with transaction(con):
        vid = con.execute(
            "insert into lead_verdicts (lead_key, verdict, reason, note, given_by, given_at)"
            " values (?, ?, ?, ?, ?, coalesce(?::timestamp, current_localtimestamp())) returning verdict_id",
            [lead_key, verdict, reason, note, who, at]).fetchall()[0][0]
        log_change(con, f"verdict:{lead_key}", None, {"verdict": verdict, "reason": reason, "note": note}, who)
    refresh_model(con)   # the lead's row in the model's tables
    return vid


def rate_asset(con, asset: str, useful: bool, note: str | None = None, who: str | None = None,
               at: dt.datetime | None = None) -> int:
    """Store a person's rating of a material (useful or not, a note); the latest rating of each person counts
    (queries/materials_by_asset.sql). Logged under 'asset_rating:<asset>'."""
    asset = " ".join(str(asset or "").split())
    if not asset:
        raise VerdictRefused("a rating needs the asset it is about")
    note = (note or "").strip() or None
    with transaction(con):
        rid = con.execute(
            "insert into asset_ratings (asset, useful, note, given_by, given_at)"
            " values (?, ?, ?, ?, coalesce(?::timestamp, current_localtimestamp())) returning rating_id",
            [asset, bool(useful), note, who, at]).fetchall()[0][0]
        log_change(con, f"asset_rating:{asset}", None, {"useful": bool(useful), "note": note}, who)
    return rid
