"""Messages by stage (issue 14 item 7): which campaigns touched leads at each funnel step.

L1: MQL 09-05, SQL 09-10, opportunity created 09-15, won 09-25. Touches: 09-02 webinar (before MQL), 09-07
case-study (MQL -> SQL), 09-12 case-study (SQL -> opportunity), 09-20 pricing-guide (opportunity -> close),
09-27 newsletter (after close).
L2: MQL 09-03, never SQL. Touches: 09-02 webinar (before MQL), 09-04 case-study (MQL -> SQL).
L3: never MQL. Touch 08-30 webinar: before September, not counted.
No lead has a source, so there is no origin touch."""

import datetime as dt

from onefunnel.queries import run_rows
from tests.conftest import load_files

LEADS = """lead_id,email,created_at,source,campaign,owner,mql_at,sql_at
,l1@m.test,2026-09-01 09:00,,,Dana Reyes,2026-09-05 09:00,2026-09-10 09:00
,l2@m.test,2026-09-01 09:00,,,Dana Reyes,2026-09-03 09:00,
,l3@m.test,2026-08-01 09:00,,,Dana Reyes,,
"""
OPPS = """opportunity_id,name,created_at,close_date,stage,amount,email
o1,L1 deal,2026-09-15 09:00,2026-09-25,Closed Won,1000,l1@m.test
"""
TOUCHES = """email,touched_at,channel,campaign
l1@m.test,2026-09-02 10:00,Email,webinar
l1@m.test,2026-09-07 10:00,Email,case-study
l1@m.test,2026-09-12 10:00,Email,case-study
l1@m.test,2026-09-20 10:00,Email,pricing-guide
l1@m.test,2026-09-27 10:00,Email,newsletter
l2@m.test,2026-09-02 11:00,Email,webinar
l2@m.test,2026-09-04 10:00,Email,case-study
l3@m.test,2026-08-30 10:00,Email,webinar
"""


def test_touches_and_leads_by_step_and_campaign(tmp_path):
    files = []
    for name, text in (("leads.csv", LEADS), ("opportunities.csv", OPPS), ("touches.csv", TOUCHES)):
        (tmp_path / name).write_text(text)
        files.append(tmp_path / name)
    db = tmp_path / "m.duckdb"
    load_files(db, *files)
    from onefunnel.db import connect

    c = connect(db)
    rows = run_rows(c, "messages_by_stage", start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30))
    c.close()
    assert [(r["step"], r["campaign"], r["touches"], r["leads"]) for r in rows] == [
        ("1 before MQL", "webinar", 2, 2),
        ("2 MQL → SQL", "case-study", 2, 2),
        ("3 SQL → opportunity", "case-study", 1, 1),
        ("4 opportunity → close", "pricing-guide", 1, 1),
        ("5 after close", "newsletter", 1, 1),
    ]
