"""The demo company: byte-stable vendor exports that hold the documented patterns.

Every pattern is computed from the written CSVs with the csv module, the way a
user's import would see them, not from the generator's internals.
"""

import csv
import datetime as dt
import io
import os
import pathlib
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict

import pytest

from onefunnel import demo

ROOT = pathlib.Path(__file__).resolve().parent.parent
SF_FOOTER = ('\n\n"Grand Totals ({n} records)"\n\n"Confidential Information - Do Not Distribute"\n'
             '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\n')


def _read_dir(d: pathlib.Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())}


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    started = time.perf_counter()
    paths = demo.write_demo_exports(out)
    elapsed = time.perf_counter() - started
    return {"paths": paths, "seconds": elapsed, "text": {p.name: p.read_text(encoding="utf-8") for p in paths}}


def _hs_time(s):
    return dt.datetime.strptime(s, "%Y-%m-%d %H:%M") if s else None


def _us_date(s):
    m, d, y = s.split("/")
    return dt.date(int(y), int(m), int(d))


def _sf_body(text):
    return text[:text.index('\n\n"Grand Totals')] + "\n"


@pytest.fixture(scope="module")
def funnel(exports):
    """Leads by lower-case email, deals linked to their lead, touches and activities."""
    text = exports["text"]
    contacts = list(csv.DictReader(text["hubspot_contacts.csv"].splitlines()))
    by_id = {c["Record ID"]: c for c in contacts}
    leads = {c["Email"].strip().lower(): c for c in contacts}
    deals = []
    for r in csv.DictReader(text["hubspot_deals.csv"].splitlines()):
        lead_id = r["Associated Contact IDs"].split(";")[0]
        deals.append({"email": by_id[lead_id]["Email"].lower(), "amount": float(r["Amount"]),
                      "created": _hs_time(r["Create Date"]).date(), "close": _hs_time(r["Close Date"]).date(),
                      "won": r["Deal Stage"] == "Closed Won",
                      "closed": r["Deal Stage"] in ("Closed Won", "Closed Lost")})
    seen = set()
    for r in csv.DictReader(_sf_body(text["salesforce_opportunities.csv"]).splitlines(keepends=True)):
        if r["Opportunity ID"] in seen:   # one row per contact role: the first row links
            continue
        seen.add(r["Opportunity ID"])
        deals.append({"email": r["Email"].strip().lower(), "amount": float(r["Amount"]),
                      "created": _us_date(r["Created Date"]), "close": _us_date(r["Close Date"]),
                      "won": r["Won"] == "1", "closed": r["Closed"] == "1"})
    touches = list(csv.DictReader(text["touches.csv"].splitlines()))
    activities = defaultdict(list)
    for a in csv.DictReader(text["activities.csv"].splitlines()):
        activities[a["email"].lower()].append(dt.datetime.strptime(a["at"], "%Y-%m-%d %H:%M:%S"))
    return {"leads": leads, "deals": deals, "touches": touches, "activities": activities}


# --- determinism and size ---------------------------------------------------------

def test_same_seed_writes_identical_bytes(tmp_path):
    a = demo.write_demo_exports(tmp_path / "a")
    b = demo.write_demo_exports(tmp_path / "b", seed=7)
    assert [p.name for p in a] == [p.name for p in b] == demo.FILE_NAMES
    assert _read_dir(tmp_path / "a") == _read_dir(tmp_path / "b")


def test_output_does_not_depend_on_hash_seed(tmp_path, exports):
    code = "import pathlib, sys; from onefunnel.demo import write_demo_exports; " \
           "write_demo_exports(pathlib.Path(sys.argv[1]))"
    env = dict(os.environ, PYTHONHASHSEED="12345")
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, env=env, check=True)
    assert _read_dir(tmp_path) == {p.name: p.read_bytes() for p in exports["paths"]}


def test_another_seed_gives_other_data(tmp_path, exports):
    other = demo.write_demo_exports(tmp_path, seed=8)
    assert other[0].read_bytes() != exports["paths"][0].read_bytes()


def test_fast_and_small(exports):
    assert exports["seconds"] < 5
    assert sum(p.stat().st_size for p in exports["paths"]) < 5_000_000


# --- file layouts -------------------------------------------------------------------

def test_hubspot_contacts_layout(exports):
    text = exports["text"]["hubspot_contacts.csv"]
    assert text.splitlines()[0] == (
        '"Record ID","First Name","Last Name","Became a Lead Date","Became a Marketing Qualified Lead Date",'
        '"Became a Sales Qualified Lead Date","Company Name","Contact owner","Create Date",'
        '"Disqualification Reason","Disqualified Date","Email","Lead Status","Lifecycle Stage",'
        '"Original Source","Original Source Drill-Down 1","Associated Deal IDs"')
    rows = list(csv.reader(text.splitlines()))
    assert 3000 <= len(rows) - 1 <= 5000
    # every header and value quoted: re-writing with QUOTE_ALL gives the same text
    again = io.StringIO()
    csv.writer(again, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    assert again.getvalue() == text
    emails = [r[11] for r in rows[1:]]
    assert all("@" in e for e in emails) and len(set(emails)) == len(emails)
    sources = {r[14] for r in rows[1:]}
    assert sources <= {"Organic Search", "Paid Search", "Paid Social", "Email Marketing", "Referrals",
                       "Direct Traffic", "Offline Sources", "Social Media"}
    assert any(r[16] for r in rows[1:])


def test_hubspot_deals_layout(exports):
    text = exports["text"]["hubspot_deals.csv"]
    lines = text.splitlines()
    assert lines[0] == ('"Record ID","Deal Name","Last Activity Date","Deal Stage","Close Date","Deal owner",'
                        '"Amount","Pipeline","Create Date","Deal probability","Associated Contact IDs"')
    rows = list(csv.DictReader(lines))
    assert all(line.startswith('"') and line.endswith('"') for line in lines)
    assert {r["Deal Stage"] for r in rows} <= {"Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled",
                                              "Decision Maker Bought-In", "Contract Sent", "Closed Won",
                                              "Closed Lost"}
    assert all(0 <= float(r["Deal probability"]) <= 1 for r in rows)
    assert all(r["Create Date"] < "2026-01-01" for r in rows)
    assert any(";" in r["Associated Contact IDs"] for r in rows)


def test_salesforce_layout(exports):
    text = exports["text"]["salesforce_opportunities.csv"]
    assert "\r" not in text
    assert text.split("\n")[0] == (
        '"Opportunity Owner","Account Name","Opportunity Name","Stage","Fiscal Period","Amount",'
        '"Probability (%)","Close Date","Created Date","Lead Source","Type","Won","Closed","Opportunity ID",'
        '"Email"')
    rows = list(csv.DictReader(_sf_body(text).splitlines(keepends=True)))
    assert text.endswith(SF_FOOTER.format(n=len(rows)))
    assert any("," in r["Account Name"] for r in rows)
    assert any("\n" in r["Opportunity Name"] for r in rows)
    assert any('"' in r["Opportunity Name"] for r in rows)
    assert {r["Won"] for r in rows} == {r["Closed"] for r in rows} == {"0", "1"}
    assert all(not part.startswith("0") for r in rows for part in r["Close Date"].split("/"))
    assert all(_us_date(r["Created Date"]) >= dt.date(2026, 1, 1) for r in rows)
    ids = [r["Opportunity ID"] for r in rows]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    for i in ids:
        assert len(i) == 18 and i.startswith("006") and i.isalnum()
        assert i[15:] == "".join(alphabet[sum(1 << j for j, c in enumerate(i[k:k + 5]) if c.isupper())]
                                 for k in (0, 5, 10))
    assert len(ids) > len(set(ids))    # some opportunities repeat once per contact role


def test_google_ads_layout(exports):
    text = exports["text"]["google_ads_campaigns.csv"]
    lines = text.splitlines()
    assert lines[0] == "Campaign report"
    assert lines[1] == '"January 1, 2025 - November 20, 2026"'
    assert lines[2] == "Campaign,Day,Currency code,Cost,Clicks,Impr.,CTR,Avg. CPC,Conversions"
    rows = list(csv.reader(lines[3:]))
    totals = [r for r in rows if r[0].startswith("Total: ")]
    assert [r[0] for r in totals] == ["Total: Account", "Total: Search", "Total: Display", "Total: Campaigns"]
    assert rows[-len(totals):] == totals
    data = rows[:-len(totals)]
    assert all(dt.date.fromisoformat(r[1]) for r in data)
    assert any(',' in r[3] for r in data) and '"1,' in text
    assert all(r[6].endswith("%") for r in data)
    assert "--" in text
    total_cost = sum(float(r[3].replace(",", "")) for r in data)
    assert abs(total_cost - float(totals[0][3].replace(",", ""))) < 0.01


def test_template_headers(exports):
    assert exports["text"]["touches.csv"].splitlines()[0] == "email,touched_at,channel,campaign"
    assert exports["text"]["activities.csv"].splitlines()[0] == "email,at,type,owner"


def test_paid_search_campaigns_match_google_ads(exports, funnel):
    ads = {r[0] for r in csv.reader(exports["text"]["google_ads_campaigns.csv"].splitlines()[3:])
           if not r[0].startswith("Total: ")}
    lead_campaigns = {c["Original Source Drill-Down 1"] for c in funnel["leads"].values()
                      if c["Original Source"] == "Paid Search"}
    touch_campaigns = {t["campaign"] for t in funnel["touches"] if t["channel"] == "Paid Search"}
    assert lead_campaigns == ads and touch_campaigns <= ads


def test_a_handful_of_touches_from_unknown_people(funnel):
    unknown = [t for t in funnel["touches"] if t["email"].lower() not in funnel["leads"]]
    assert 1 <= len(unknown) <= 20


# --- consistency and realistic rates --------------------------------------------------

def test_stage_dates_are_consistent(funnel):
    for c in funnel["leads"].values():
        created, mql, sql = (_hs_time(c[k]) for k in ("Create Date", "Became a Marketing Qualified Lead Date",
                                                      "Became a Sales Qualified Lead Date"))
        assert created.date() <= demo.DEMO_END
        assert not mql or created <= mql
        assert not sql or (mql and mql <= sql)
    for d in funnel["deals"]:
        lead = funnel["leads"][d["email"]]
        sql = _hs_time(lead["Became a Sales Qualified Lead Date"])
        assert sql and sql.date() < d["created"] <= d["close"]
        assert 5000 <= d["amount"] <= 120000
        assert not d["closed"] or d["close"] <= demo.DEMO_END


def test_funnel_rates_are_realistic(funnel):
    leads, deals = funnel["leads"].values(), funnel["deals"]
    mqls = [c for c in leads if c["Became a Marketing Qualified Lead Date"]]
    sqls = [c for c in mqls if c["Became a Sales Qualified Lead Date"]]
    with_deal = {d["email"] for d in deals}
    won = [d for d in deals if d["won"]]
    lost = [d for d in deals if d["closed"] and not d["won"]]
    assert 0.30 <= len(mqls) / len(leads) <= 0.40
    assert 0.35 <= len(sqls) / len(mqls) <= 0.50
    assert 0.60 <= sum(c["Email"].lower() in with_deal for c in sqls) / len(sqls) <= 0.70
    assert 0.25 <= len(won) / (len(won) + len(lost)) <= 0.35
    assert 100 <= len(deals) < 1000
    assert all(20 <= (d["close"] - d["created"]).days <= 95 for d in won)
    open_deals = [d for d in deals if not d["closed"]]
    assert any(d["close"] > demo.DEMO_END for d in open_deals)
    assert max(d["close"] for d in open_deals) <= demo.DEMO_END + dt.timedelta(days=62)
    assert sum(d["close"] < demo.DEMO_END for d in open_deals) >= 5    # stalled


# --- the patterns ---------------------------------------------------------------------

def test_paid_social_brings_volume_but_poor_quality(funnel):
    by_source = defaultdict(lambda: [0, 0, 0])
    for c in funnel["leads"].values():
        s = by_source[c["Original Source"]]
        s[0] += 1
        if c["Became a Marketing Qualified Lead Date"]:
            s[1] += 1
            s[2] += bool(c["Became a Sales Qualified Lead Date"])
    social = by_source.pop("Paid Social")
    assert social[1] == max([social[1]] + [s[1] for s in by_source.values()])   # most MQLs
    rate = social[2] / social[1]
    assert all(rate < s[2] / s[1] for s in by_source.values() if s[1])
    reasons = Counter(c["Disqualification Reason"] for c in funnel["leads"].values()
                      if c["Original Source"] == "Paid Social" and c["Disqualified Date"])
    assert {"No budget", "Student", "Competitor"} <= set(reasons) and sum(reasons.values()) > social[1] / 2
    revenue = Counter()
    for d in funnel["deals"]:
        if d["won"]:
            revenue[funnel["leads"][d["email"]]["Original Source"]] += d["amount"]
    assert revenue["Paid Social"] < 0.05 * sum(revenue.values())


def test_marcus_webb_follows_up_slowly(funnel):
    hours = defaultdict(list)
    for c in funnel["leads"].values():
        mql = _hs_time(c["Became a Marketing Qualified Lead Date"])
        if not mql:
            continue
        after = [a for a in funnel["activities"][c["Email"].lower()] if a >= mql]
        if after:
            hours[c["Contact owner"]].append((min(after) - mql).total_seconds() / 3600)
    assert set(hours) == set(demo.REPS)
    assert statistics.median(hours.pop("Marcus Webb")) > 24
    assert all(statistics.median(v) < 12 for v in hours.values())


def test_recent_mqls_wait_for_follow_up(funnel):
    waiting = [c for c in funnel["leads"].values()
               if c["Became a Marketing Qualified Lead Date"] >= "2026-11-15"
               and not funnel["activities"][c["Email"].lower()]]
    assert waiting


def test_enterprise_roundtable_touches_the_big_deals(funnel):
    touched = {t["email"].lower() for t in funnel["touches"] if t["campaign"] == "enterprise-roundtable"}
    assert {t["channel"] for t in funnel["touches"] if t["campaign"] == "enterprise-roundtable"} == {"Events"}
    won = [d for d in funnel["deals"] if d["won"]]
    big = [d["amount"] for d in won if d["email"] in touched]
    other = [d["amount"] for d in won if d["email"] not in touched]
    assert len(big) >= 5
    assert statistics.mean(big) >= 3 * statistics.mean(other)


def test_goals_cover_every_month_and_grow():
    goals = demo.demo_goals()
    months = [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13)]
    assert list(goals) == months
    values = [goals[m] for m in months]
    assert all(v > 0 for v in values) and values == sorted(values)


def test_one_recent_quarter_is_behind_goal(funnel):
    goals = demo.demo_goals()
    goal_q, won_q = Counter(), Counter()
    for month, goal in goals.items():
        goal_q[f"{month[:4]}-Q{(int(month[5:]) - 1) // 3 + 1}"] += goal
    for d in funnel["deals"]:
        if d["won"]:
            won_q[f"{d['close'].year}-Q{(d['close'].month - 1) // 3 + 1}"] += d["amount"]
    attainment = {q: won_q[q] / goal_q[q] for q in goal_q}
    assert 0.65 <= attainment.pop("2026-Q2") <= 0.75
    assert attainment.pop("2026-Q4") < 0.75     # in progress
    assert all(0.85 <= a <= 1.15 for a in attainment.values())
