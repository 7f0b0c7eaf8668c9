"""Every supported export, as its vendor writes it (tests/fixtures/formats/), ingested into a
fresh database: the detected preset, the row counts and the stored canonical values.

Expected values are read off the fixture by hand (FORMATS.md for the quirks, METRICS.md
"Records" for one person one lead, re-imports and lead links); the working is in comments.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from onefunnel.ingest import ingest_file

FIX = Path(__file__).resolve().parent / "fixtures" / "formats"
T = dt.datetime
D = dt.date


def load(con, *names):
    """Ingest fixtures in order; the result of the last one."""
    r = None
    for name in names:
        r = ingest_file(con, Path(name) if Path(name).is_absolute() else FIX / name)
    return r


def rows(con, sql, *params):
    return con.execute(sql, list(params)).fetchall()


def counts(r):
    return (r.format, r.rows_read, r.rows_loaded, r.rows_rejected, r.rows_skipped)


def lead(con, key):
    cur = con.execute("select * from leads where lead_key = ?", [key])
    names = [d[0] for d in cur.description]
    got = cur.fetchall()
    assert len(got) == 1, f"{key}: {len(got)} leads"
    return dict(zip(names, got[0]))


def opps(con):
    """record_id -> (created_at, close_date, stage, amount, probability, is_won, is_closed, lead_key)"""
    return {r[0]: r[1:] for r in rows(con, """
        select record_id, created_at, close_date, stage, amount, probability, is_won, is_closed, lead_key
        from opportunities""")}


def snapshot(con):
    """Every stored table that a number can come from, in a comparable form."""
    out = {}
    for t in ("leads", "lead_records", "opportunity_records", "touch_records", "activity_records", "spend_records"):
        cols = [c for (c,) in rows(con, "select column_name from information_schema.columns "
                                        "where table_name = ? and column_name not in ('import_id', 'seq')", t)]
        out[t] = sorted(map(repr, rows(con, f"select {', '.join(cols)} from {t}")))
    return out


# ---------------------------------------------------------------------------------- HubSpot

def test_hubspot_contacts_all_quoted(con):
    r = load(con, "hubspot_contacts.csv")
    assert counts(r) == ("hubspot_contacts", 3, 3, 0, 0)
    ana = lead(con, "ana.lima@example.com")   # "Ana.Lima@Example.com" normalized
    assert (ana["created_at"], ana["mql_at"], ana["sql_at"]) == (
        T(2025, 4, 8, 17, 19), T(2025, 4, 10, 9, 30), T(2025, 4, 12, 14, 0))
    assert (ana["company"], ana["source"], ana["campaign"], ana["owner"], ana["status"]) == (
        "Acme", "Organic Search", "google", "Dana Reyes", "Open")
    # "Smith ""&"" Co, Inc": doubled quotes and a comma inside quotes
    assert lead(con, "ben@example.com")["company"] == 'Smith "&" Co, Inc'
    # 103 has no email: its key is source system + record id; Lead Status empty -> Lifecycle Stage
    cara = lead(con, "hubspot:103")
    assert (cara["email"], cara["source"], cara["status"]) == (None, "Direct Traffic", "Subscriber")


def test_hubspot_contacts_resaved_in_excel_replace_by_record_id(con):
    load(con, "hubspot_contacts.csv")
    r = load(con, "hubspot_contacts_excel.csv")
    # unquoted, CRLF, m/d/yyyy h:mm; 101-103 again (replaced), 104 new
    assert counts(r) == ("hubspot_contacts", 4, 4, 0, 0)
    assert r.rows_new == 1
    # Create Date holds 4/18/2025: month first for the column; the MQL/SQL columns (4/10, 4/12:
    # both orders fit) follow the file's other date column, and the reading says so
    assert r.readings["Create Date"] == "month/day/year (US)"
    assert "every value fits both" in r.readings["Became a Marketing Qualified Lead Date"]
    assert "other date columns" in r.readings["Became a Marketing Qualified Lead Date"]
    assert rows(con, "select count(*) from lead_records") == [(4,)]
    ana = lead(con, "ana.lima@example.com")   # 4/8/2025 17:19 is 8 April, as in the ISO export
    assert (ana["created_at"], ana["mql_at"], ana["sql_at"]) == (
        T(2025, 4, 8, 17, 19), T(2025, 4, 10, 9, 30), T(2025, 4, 12, 14, 0))
    assert lead(con, "ben@example.com")["status"] == "Attempted to contact"   # the newer record
    assert lead(con, "dev.rao@example.com")["created_at"] == T(2025, 4, 18, 10, 0)
    assert rows(con, "select count(*) from leads") == [(4,)]


def test_hubspot_deals_link_to_the_first_associated_contact(con):
    load(con, "hubspot_contacts.csv")
    r = load(con, "hubspot_deals.csv")
    assert counts(r) == ("hubspot_deals", 3, 3, 0, 0)
    got = opps(con)
    # 9001: "101;102" -> 101 = Ana; Closed Won by the stage map; probability 1 -> 100 %
    assert got["9001"] == (T(2025, 4, 15, 11, 0), D(2025, 5, 20), "Closed Won", 12000.0, 100.0,
                           True, True, "ana.lima@example.com")
    # 9002: "102" -> Ben; Contract Sent is open; 0.8 -> 80 %
    assert got["9002"] == (T(2025, 4, 20, 9, 0), D(2025, 6, 30), "Contract Sent", 4500.5, 80.0,
                           False, False, "ben@example.com")
    # 9003: no contact -> unlinked; empty amount stays empty (not rejected); Closed Lost is closed
    assert got["9003"] == (T(2025, 4, 21, 16, 0), D(2025, 5, 5), "Closed Lost", None, 0.0,
                           False, True, None)


# ------------------------------------------------------------------------------- Salesforce

def test_salesforce_lead_report_windows_1252_with_footer(con):
    r = load(con, "salesforce_leads.csv")
    assert counts(r) == ("salesforce_leads", 3, 3, 0, 0)
    assert r.readings == {"Create Date": "month/day/year (US)"}   # 3/15/2024 decides
    assert "ignored a 3-line report footer" in r.notes
    got = {row[0]: row[1:] for row in rows(con, """
        select record_id, lead_key, created_at, company, source, owner, status, converted_opportunity_id
        from lead_records""")}
    assert got == {
        "00Q5e000001AbCd": ("jose.muller@example.de", T(2024, 3, 15), "Café Zürich GmbH", "Web",
                            "Dana Reyes", "Closed - Converted", "0065e000002XyZa"),
        # "  ANA.LIMA@example.com " trimmed and lower-cased
        "00Q5e000001AbCe": ("ana.lima@example.com", T(2024, 3, 2), "Acme", "Trade Show",
                            "Sam Ortiz", "Working - Contacted", None),
        # byte 0x80 is the euro sign in Windows-1252
        "00Q5e000001AbCf": ("zoe@example.fr", T(2024, 4, 1), "Société € Générale", "Partner",
                            "Dana Reyes", "Open - Not Contacted", None),
    }


def test_one_person_is_one_lead_across_hubspot_and_salesforce(con):
    load(con, "hubspot_contacts.csv", "salesforce_leads.csv")
    # HubSpot: ana, ben, hubspot:103; Salesforce: jose, ana (same email), zoe -> 5 people
    assert rows(con, "select count(*) from leads") == [(5,)]
    ana = lead(con, "ana.lima@example.com")
    # dates: the earliest of the two records (Salesforce 3/2/2024 < HubSpot 2025-04-08 17:19);
    # mql_at only HubSpot has; other fields from Salesforce, imported last
    assert (ana["created_at"], ana["mql_at"], ana["sql_at"]) == (
        T(2024, 3, 2), T(2025, 4, 10, 9, 30), T(2025, 4, 12, 14, 0))
    assert (ana["owner"], ana["source"], ana["status"]) == ("Sam Ortiz", "Trade Show", "Working - Contacted")


def test_salesforce_opportunity_report_contact_roles_currency_and_footer(con):
    load(con, "hubspot_contacts.csv", "salesforce_leads.csv")
    r = load(con, "salesforce_opportunities.csv")
    # 5 rows (two opportunities repeated once per contact role), a CR/LF inside a quoted
    # Description, a footer ending in ©
    assert counts(r) == ("salesforce_opportunities", 5, 5, 0, 0)
    assert r.rows_new == 3
    assert "ignored a 3-line report footer" in r.notes
    got = opps(con)
    # "Amount Currency" (EUR) sits before "Amount" and is not the amount; "25,000.00" -> 25000;
    # Won/Closed 1/1; linked by the lead converted into it (jose)
    assert got["0065e000002XyZa"] == (T(2024, 3, 16), D(2024, 3, 29), "Closed Won", 25000.0, 100.0,
                                      True, True, "jose.muller@example.de")
    # repeated for ana (first row) and ben: the first row's email links it
    assert got["0065e000002XyZb"] == (T(2024, 3, 20), D(2024, 4, 30), "Negotiation/Review", 1250.5, 75.0,
                                      False, False, "ana.lima@example.com")
    # Won 0, Closed 1: lost; ghost@ matches no lead -> unlinked
    assert got["0065e000002XyZc"] == (T(2024, 3, 1), D(2024, 3, 31), "Closed Lost", 800.0, 0.0,
                                      False, True, None)


def test_salesforce_campaign_members_are_touches(con):
    load(con, "salesforce_leads.csv")
    r = load(con, "salesforce_campaign_members.csv")
    assert counts(r) == ("salesforce_campaign_members", 3, 3, 0, 0)
    got = sorted(rows(con, "select lead_key, touched_at, channel, campaign from touches where not is_origin"))
    assert got == [
        # no Lead ID: linked by email; First Responded Date 3/14
        ("ana.lima@example.com", T(2024, 3, 14), "Trade Show", "Trade Show Berlin"),
        # Lead ID 00Q5e000001AbCd; First Responded Date 3/10
        ("jose.muller@example.de", T(2024, 3, 10), "Webinar", "Spring Webinar 2024"),
        # never responded: Member First Associated Date 3/1
        ("zoe@example.fr", T(2024, 3, 1), "Webinar", "Spring Webinar 2024"),
    ]


def test_salesforce_data_loader_exports_replace_report_records(con):
    load(con, "salesforce_leads.csv", "salesforce_opportunities.csv")
    r = load(con, "salesforce_dataloader_leads.csv")
    # upper-cased API names; 00Q5e000001AbCdEAK (18 chars) is report id 00Q5e000001AbCd
    assert counts(r) == ("salesforce_api_leads", 2, 2, 0, 0)
    assert r.rows_new == 1
    r = load(con, "salesforce_dataloader_opportunities.csv")
    assert counts(r) == ("salesforce_api_opportunities", 2, 2, 0, 0)
    assert r.rows_new == 1
    assert rows(con, "select count(*) from lead_records") == [(4,)]
    assert rows(con, "select count(*) from opportunity_records") == [(4,)]
    # the report's jose (created 3/15/2024 00:00) was replaced: 2024-03-15T14:30:00.000Z -> 14:30
    assert lead(con, "jose.muller@example.de")["created_at"] == T(2024, 3, 15, 14, 30)
    assert lead(con, "new.lead@example.com")["created_at"] == T(2024, 4, 2, 8, 5)
    got = opps(con)
    # the Expansion replaced (amount 26000 now), still linked by ConvertedOpportunityId (18 -> 15)
    assert got["0065e000002XyZa"] == (T(2024, 3, 15, 14, 30), D(2024, 3, 29), "Closed Won", 26000.0, 100.0,
                                      True, True, "jose.muller@example.de")
    assert got["0065e000002XyZd"] == (T(2024, 4, 1, 9, 15), D(2024, 5, 10), "Prospecting", 1500.5, 10.0,
                                      False, False, None)


# -------------------------------------------------------------------------------- Pipedrive

def test_pipedrive_deals_csv(con):
    load(con, "hubspot_contacts.csv")
    r = load(con, "pipedrive_deals.csv")
    assert counts(r) == ("pipedrive_deals", 3, 3, 0, 0)
    got = opps(con)
    # Status Won/Lost is the stage; Closed on beats Expected close date; linked by Person - Email
    assert got["1"] == (T(2024, 3, 1, 10), D(2024, 3, 20), "Won", 5000.0, None, True, True, "ana.lima@example.com")
    assert got["2"] == (T(2024, 3, 5, 11), D(2024, 3, 25), "Lost", 1200.5, None, False, True, "ben@example.com")
    assert got["3"] == (T(2024, 3, 10, 12), D(2024, 5, 1), "Contact Made", 800.0, None, False, False, None)


def _serial(value: dt.datetime) -> float:
    """Excel's day number (1900 system): days since 1899-12-30, time as a fraction."""
    return (value - T(1899, 12, 30)).total_seconds() / 86400


def test_pipedrive_deals_xlsx_with_excel_serial_dates(con, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Deals"
    ws.append(["Deal - ID", "Deal - Title", "Deal - Value", "Deal - Status", "Deal - Stage",
               "Deal - Deal created", "Deal - Closed on", "Deal - Expected close date", "Person - Email"])
    # numbers without a date format: what a Pipedrive XLSX holds
    ws.append([11, "Serial won", 2500, "Won", "Negotiation", _serial(T(2024, 3, 1, 10)),
               _serial(T(2024, 3, 20)), _serial(T(2024, 3, 31)), "ana.lima@example.com"])
    ws.append([12, "Serial open", 999.5, "Open", "Proposal", _serial(T(2024, 3, 2, 18, 30)),
               None, _serial(T(2024, 4, 30)), None])
    path = tmp_path / "pipedrive_deals.xlsx"
    wb.save(path)
    r = load(con, path)
    assert counts(r) == ("pipedrive_deals", 2, 2, 0, 0)
    assert r.readings["Deal - Deal created"] == "Excel serial number"
    got = opps(con)
    assert got["11"] == (T(2024, 3, 1, 10), D(2024, 3, 20), "Won", 2500.0, None, True, True, None)
    assert got["12"] == (T(2024, 3, 2, 18, 30), D(2024, 4, 30), "Proposal", 999.5, None, False, False, None)


def test_xlsx_with_a_title_row_and_two_sheets(con, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    about = wb.active
    about.title = "About"
    about.append(["Exported from our CRM"])
    about.append(["Owner", "Dana Reyes"])
    ws = wb.create_sheet("Opportunities")
    ws.append(["Pipeline export, March 2024"])   # title row above the header
    ws.append(["opportunity_id", "name", "created_at", "close_date", "stage", "amount", "email"])
    ws.append(["X-1", "Workbook won", T(2024, 3, 4, 9, 0), T(2024, 3, 28), "Closed Won", 4200.0, "alice@t.example"])
    ws.append(["X-2", "Workbook open", T(2024, 3, 5), T(2024, 5, 1), "Proposal", "1,500.00", None])
    path = tmp_path / "pipeline.xlsx"
    wb.save(path)
    r = load(con, "template_leads.csv", path)
    assert counts(r) == ("template_opportunities", 2, 2, 0, 0)
    assert "read sheet 'Opportunities'" in r.notes
    assert "skipped 1 row(s) above the header" in r.notes
    got = opps(con)
    assert got["X-1"] == (T(2024, 3, 4, 9), D(2024, 3, 28), "Closed Won", 4200.0, None, True, True, "alice@t.example")
    assert got["X-2"] == (T(2024, 3, 5), D(2024, 5, 1), "Proposal", 1500.0, None, False, False, None)


# ------------------------------------------------------------------------------ ad spend

def test_google_ads_preamble_thousands_missing_and_total_rows(con):
    r = load(con, "google_ads.csv")
    # 6 rows under the header: 4 days, 2 "Total:" rows; the 3/1 Generic row has Cost "--"
    assert counts(r) == ("google_ads", 6, 3, 0, 3)
    assert "skipped 2 line(s) above the header" in r.notes
    assert sorted(rows(con, "select date, channel, campaign, cost, source_system from spend_records")) == [
        (D(2024, 3, 1), "Paid Search", "Brand - Search", 1120.5, "google_ads"),   # "1,120.50"
        (D(2024, 3, 2), "Paid Search", "Brand - Search", 980.25, "google_ads"),
        (D(2024, 3, 2), "Paid Search", "Generic - Search", 45.1, "google_ads"),
    ]


def test_google_ads_pt_br(con):
    r = load(con, "google_ads_ptbr.csv")
    assert counts(r) == ("google_ads", 4, 3, 0, 1)   # "Total: Conta" skipped
    assert r.readings == {"Dia": "day/month/year", "Custo": "decimal comma (1.234,56)"}
    assert sorted(rows(con, "select date, campaign, cost from spend_records")) == [
        (D(2024, 3, 1), "Marca - Pesquisa", 1234.56),   # R$ 1.234,56
        (D(2024, 3, 2), "Marca - Pesquisa", 987.10),
        (D(2024, 3, 13), "Genérica", 45.0),             # 13/03: day first
    ]


def test_linkedin_utf16_tab_separated_with_metadata_block(con):
    r = load(con, "linkedin_ads_utf16.csv")
    assert counts(r) == ("linkedin_ads", 2, 2, 0, 0)
    assert r.notes == ["skipped 5 line(s) above the header"]
    assert sorted(rows(con, "select date, channel, campaign, cost from spend_records")) == [
        (D(2024, 3, 1), "Paid Social", "Spring ABM", 250.75),
        (D(2024, 3, 14), "Paid Social", "Spring ABM", 1100.0),   # "1,100.00"; 3/14 decides month first
    ]


# ---------------------------------------------------------------------------- templates

def test_template_leads(con):
    r = load(con, "template_leads.csv")
    assert counts(r) == ("template_leads", 4, 4, 0, 0)
    alice = lead(con, "alice@t.example")
    assert (alice["created_at"], alice["mql_at"], alice["sql_at"], alice["campaign"]) == (
        T(2024, 3, 1, 9), T(2024, 3, 2, 10), T(2024, 3, 5, 11), "spring_webinar")
    bob = lead(con, "bob@t.example")   # a date without time is 00:00
    assert (bob["created_at"], bob["disqualified_at"], bob["disqualify_reason"]) == (
        T(2024, 3, 3), T(2024, 3, 4, 12), "Student")
    # no email: keyed by its id, leading zeros kept
    assert lead(con, "template:00042")["company"] == "Charlie"
    # no lead_id: keyed by its email ("Dora@T.example" normalized), identified by its content
    assert rows(con, "select left(record_id, 4), lead_key from lead_records where company = 'Delta'") == [
        ("row:", "dora@t.example")]


def test_template_leads_without_id_in_two_files_are_two_records_of_one_lead(con, tmp_path):
    # the same person in two files without lead_id: both records kept, merged into one lead with
    # the earliest dates (created 03-06 15:00 here vs 03-01 08:00 in the second file)
    second = tmp_path / "more_leads.csv"
    second.write_text("lead_id,email,created_at,source,mql_at\n,dora@t.example,2024-03-01 08:00,Event,2024-03-09\n")
    load(con, "template_leads.csv", second)
    assert rows(con, "select count(*) from lead_records where lead_key = 'dora@t.example'") == [(2,)]
    dora = lead(con, "dora@t.example")
    assert (dora["created_at"], dora["mql_at"], dora["source"], dora["company"]) == (
        T(2024, 3, 1, 8), T(2024, 3, 9), "Event", "Delta")


def test_template_opportunities_links_and_amounts(con):
    load(con, "template_leads.csv")
    r = load(con, "template_opportunities.csv")
    assert counts(r) == ("template_opportunities", 4, 4, 0, 0)
    got = opps(con)
    # lead_id L-001 -> alice; "$12,500.00"; no is_won column value -> stage map: Closed Won
    assert got["O-1"] == (T(2024, 3, 10), D(2024, 3, 25), "Closed Won", 12500.0, 100.0, True, True, "alice@t.example")
    assert got["O-2"] == (T(2024, 3, 11), D(2024, 3, 28), "Closed Lost", 3000.0, 0.0, False, True, "bob@t.example")
    # "USD 7500.5"; nobody@ is no lead -> unlinked
    assert got["O-3"] == (T(2024, 3, 12), D(2024, 4, 30), "Proposal", 7500.5, 40.0, False, False, None)
    # "1,000" in a dot-decimal column is one thousand; DORA@ -> dora
    assert got["O-4"] == (T(2024, 3, 13), D(2024, 4, 15), "Negotiation", 1000.0, None, False, False, "dora@t.example")


def test_touches_and_activities_link_by_their_lead_id_before_their_email(con, tmp_path):
    """METRICS.md "Lead link": an explicit id reference when the export has one, else the email. The lead ids are
    template_leads.csv's (system template); a Salesforce file's Lead ID names only Salesforce records."""
    load(con, "template_leads.csv")
    charlie = rows(con, "select lead_key from leads where company = 'Charlie'")[0][0]   # record 00042, no email
    (tmp_path / "touches.csv").write_text(
        "email,lead_id,touched_at,channel,campaign\n"
        "other@t.example,L-002,2024-03-10 10:00,Email,by_id\n"          # the id wins: bob, not other@
        ",00042,2024-03-11 10:00,Email,by_id_no_email\n"                # charlie, who has no email
        "alice@t.example,L-999,2024-03-12 10:00,Email,by_email\n")      # no such id: the email, alice
    (tmp_path / "members.csv").write_text(
        "Campaign Name,Campaign Type,Member Status,Lead ID,Email,First Responded Date\n"
        "Spring,Webinar,Responded,L-002,alice@t.example,3/15/2024\n")   # L-002 is no Salesforce id: alice
    (tmp_path / "activities.csv").write_text(
        "email,lead_id,at,type,owner\n"
        "nobody@t.example,L-001,2024-03-20 09:00,call,Sam Ortiz\n"      # the id: alice
        ",L-404,2024-03-21 09:00,call,Sam Ortiz\n")                     # no such id, no email: nobody's
    load(con, tmp_path / "touches.csv", tmp_path / "members.csv", tmp_path / "activities.csv")
    assert sorted(rows(con, "select campaign, lead_key from touches where not is_origin")) == [
        ("Spring", "alice@t.example"), ("by_email", "alice@t.example"), ("by_id", "bob@t.example"),
        ("by_id_no_email", charlie)]
    assert rows(con, "select lead_key, activity_at from activities") == [("alice@t.example", T(2024, 3, 20, 9))]


def test_template_touches_deduplicated_and_attached(con):
    load(con, "template_leads.csv")
    r = load(con, "template_touches.csv")
    # 4 rows; the 4th repeats the 1st exactly -> 3 stored
    assert counts(r) == ("template_touches", 4, 4, 0, 0)
    assert r.rows_new == 3
    assert sorted(rows(con, "select touched_at, channel, campaign, is_origin from touches "
                            "where lead_key = 'alice@t.example'")) == [
        (T(2024, 3, 1, 9), "Webinar", "spring_webinar", True),         # origin: created_at + source
        (T(2024, 3, 1, 12), "Email", "newsletter_mar", False),
        (T(2024, 3, 2, 12), "Paid Social", "(none)", False),           # " ALICE@t.example ", empty campaign
    ]
    # nobody@ matches no lead: stored, attached to nobody
    assert rows(con, "select count(*) from touches where campaign = 'retarget'") == [(0,)]
    assert rows(con, "select count(*) from touch_records") == [(3,)]


def test_template_activities_and_bom(con):
    load(con, "template_leads.csv")
    r = load(con, "template_activities.csv")
    assert counts(r) == ("template_activities", 2, 2, 0, 0)
    r = load(con, "template_activities_bom.csv")   # UTF-8 BOM + CRLF: the header still reads "email"
    assert counts(r) == ("template_activities", 1, 1, 0, 0)
    # types stored lower-cased (METRICS.md: `Meeting` is a meeting): the files say Call, Email, Meeting
    assert sorted(rows(con, "select lead_key, activity_at, type, owner from activities")) == [
        ("alice@t.example", T(2024, 3, 2, 11, 30), "call", "Dana Reyes"),
        ("bob@t.example", T(2024, 3, 4, 9), "email", "Sam Ortiz"),
        ("dora@t.example", T(2024, 3, 7, 16, 20), "meeting", "Dana Reyes"),
    ]


def test_template_spend(con):
    r = load(con, "template_spend.csv")
    assert counts(r) == ("template_spend", 3, 3, 0, 0)
    assert sorted(rows(con, "select date, channel, campaign, cost from spend_records")) == [
        (D(2024, 3, 1), "Paid Search", "brand_kw", 100.5),
        (D(2024, 3, 1), "Paid Social", "(none)", 1200.0),   # "1,200", empty campaign
        (D(2024, 3, 2), "Events", "spring_fair", 300.0),    # "€300"
    ]


def test_semicolon_decimal_comma_dotted_dates(con):
    r = load(con, "template_spend_semicolon.csv")
    assert counts(r) == ("template_spend", 3, 3, 0, 0)
    assert r.readings == {"date": "day/month/year", "cost": "decimal comma (1.234,56)"}
    assert sorted(rows(con, "select date, channel, campaign, cost from spend_records")) == [
        (D(2024, 3, 1), "Paid Social", "(none)", 12.0),
        (D(2024, 3, 15), "Paid Search", "brand_kw", 1234.56),
        (D(2024, 3, 16), "Events", "messe", 980.5),
    ]


# --------------------------------------------------------------------------- date order

def test_ambiguous_dates_are_decided_per_column_and_reported(con):
    r = load(con, "dates_ambiguous.csv")
    # 01/02, 03/04, 11/12: every value fits both orders, no other date column, ',' file:
    # month first (the US default), and the reading says so
    assert r.readings == {"touched_at": "month/day/year (US): every value fits both day/month orders; "
                                        "read as month/day/year (US) from the US default"}
    assert sorted(rows(con, "select touched_at from touch_records")) == [
        (T(2024, 1, 2),), (T(2024, 3, 4),), (T(2024, 11, 12),)]


def test_one_day_above_12_decides_day_first_for_the_whole_column(con):
    r = load(con, "dates_dayfirst.csv")
    # created_at holds 13/02/2024 -> day first for all its values; mql_at (05/02, 01/03) fits
    # both and follows the other date column
    assert r.readings["created_at"] == "day/month/year"
    assert r.readings["mql_at"].startswith("day/month/year: every value fits both")
    got = sorted(rows(con, "select lead_key, created_at, mql_at from leads"))
    assert got == [("d1@t.example", T(2024, 2, 1), T(2024, 2, 5)),
                   ("d2@t.example", T(2024, 2, 13), T(2024, 3, 1)),
                   ("d3@t.example", T(2024, 3, 2), None)]


# ------------------------------------------------------------------------------ re-import

@pytest.mark.parametrize("name", ["hubspot_contacts.csv", "salesforce_opportunities.csv", "template_touches.csv",
                                  "google_ads.csv", "template_activities.csv"])
def test_importing_the_same_file_twice_changes_nothing(con, name):
    load(con, "template_leads.csv", "hubspot_contacts.csv", name)
    before = snapshot(con)
    r = load(con, name)
    assert r.rows_new == 0
    assert any("identical to import" in n for n in r.notes)
    assert snapshot(con) == before


def test_aliases_real_exports_use(con, tmp_path):
    # a lead report whose only other column is "Created Date" (not "Create Date")
    sf = tmp_path / "leads.csv"
    sf.write_text('"Lead ID","Created Date","Email"\n"00Q000000000001","3/15/2024","x@y.example"\n')
    assert counts(load(con, sf)) == ("salesforce_leads", 1, 1, 0, 0)
    assert lead(con, "x@y.example")["created_at"] == T(2024, 3, 15)
    # a multi-currency HubSpot portal: the company-currency amount is the one to add up
    deals = tmp_path / "deals.csv"
    deals.write_text('"Record ID","Deal Name","Deal Stage","Amount","Currency","Amount in company currency"\n'
                     '"77","Euro deal","Closed Won","1000","EUR","1080.5"\n')
    assert counts(load(con, deals)) == ("hubspot_deals", 1, 1, 0, 0)
    assert opps(con)["77"][3] == 1080.5


def test_windows_1252_bytes_past_the_sniffed_head(con, tmp_path):
    # 300 KB of ASCII rows, then one name in Windows-1252: read again as Windows-1252, not refused
    body = "".join(f"t{i}@t.example,2024-03-01 10:00,Call,Dana\n" for i in range(8000))
    path = tmp_path / "activities.csv"
    path.write_bytes(("email,at,type,owner\n" + body + "last@t.example,2024-03-02 10:00,Café call,Zoë\n")
                     .encode("cp1252"))
    r = load(con, path)
    assert counts(r) == ("template_activities", 8001, 8001, 0, 0)
    assert rows(con, "select type, owner from activity_records where email = 'last@t.example'") == [
        ("café call", "Zoë")]   # the type lower-cased (METRICS.md), its é read as é
