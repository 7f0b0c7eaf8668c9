"""Activity types are stored trimmed and lower-cased (METRICS.md: an activity is a meeting when its
type, trimmed and lower-cased, is `meeting`; vendor types such as Salesforce `Meeting` or HubSpot
`MEETING` map to it on import), by both ingest paths.

No preset reads a vendor's activity export, so the vendor-like files are read through a mapping
made by hand (setting `custom_formats`), the way such a file gets in.
"""

import pytest

from onefunnel.ingest import ingest_file, save_custom_format
from onefunnel.ingest import one_pass as one_pass_path
from onefunnel.ingest.presets import custom_format_entry

LEADS = "email,created_at\nada@example.com,2026-07-01\nbob@example.com,2026-07-01\n"

# the template: one type per spelling a person or a tool writes
TEMPLATE = ('email,at,type,owner\n'
            'ada@example.com,2026-07-02 09:00,Meeting,Dana\n'
            'ada@example.com,2026-07-03 09:00," MEETING ",Dana\n'
            'bob@example.com,2026-07-02 10:00,Call,Marcus\n'
            'bob@example.com,2026-07-03 10:00,email,Marcus\n')
TEMPLATE_TYPES = [("ada@example.com", "meeting"), ("ada@example.com", "meeting"),
                  ("bob@example.com", "call"), ("bob@example.com", "email")]

# like a Salesforce "Tasks and Events" report: Type is Call / Meeting / Email
SALESFORCE = ('"Subject","Type","Date","Assigned","Email"\n'
              '"Intro","Meeting","7/2/2026","Dana Reyes","ada@example.com"\n'
              '"Follow-up","Call","7/3/2026","Dana Reyes","ada@example.com"\n')
SALESFORCE_FIELDS = {"email": "Email", "activity_at": "Date", "type": "Type", "owner": "Assigned"}
SALESFORCE_TYPES = [("ada@example.com", "call"), ("ada@example.com", "meeting")]

# like a HubSpot engagements export: upper-case types
HUBSPOT = ("Activity date,Activity type,Associated contact email,Activity assigned to\n"
           "2026-07-02 11:00,MEETING,bob@example.com,Marcus Webb\n"
           "2026-07-02 12:00,CALL,bob@example.com,Marcus Webb\n"
           "2026-07-02 13:00,EMAIL,bob@example.com,Marcus Webb\n")
HUBSPOT_FIELDS = {"email": "Associated contact email", "activity_at": "Activity date", "type": "Activity type",
                  "owner": "Activity assigned to"}
HUBSPOT_TYPES = [("bob@example.com", "call"), ("bob@example.com", "email"), ("bob@example.com", "meeting")]


def _types(con, table="activity_records"):
    return sorted(con.execute(f"select {'email' if table == 'activity_records' else 'lead_key'}, type "
                              f"from {table}").fetchall())


def _import(con, tmp_path, name, text, one_pass, monkeypatch):
    if not one_pass:
        monkeypatch.setattr(one_pass_path, "_clean_attempt", lambda *a, **k: None)
    f = tmp_path / name
    f.write_text(text)
    r = ingest_file(con, f, who="test")
    monkeypatch.undo()
    assert (r.kind, r.rows_rejected, r.one_pass) == ("activity", 0, one_pass)
    return r


@pytest.mark.parametrize("one_pass", [True, False], ids=["one-pass", "checking"])
def test_template_activity_types_are_lower_cased(con, tmp_path, monkeypatch, one_pass):
    (tmp_path / "leads.csv").write_text(LEADS)
    ingest_file(con, tmp_path / "leads.csv")
    _import(con, tmp_path, "activities.csv", TEMPLATE, one_pass, monkeypatch)
    assert _types(con) == TEMPLATE_TYPES
    # the metrics' view reads the same: two meetings for Ada
    assert _types(con, "activities") == TEMPLATE_TYPES


@pytest.mark.parametrize("one_pass", [True, False], ids=["one-pass", "checking"])
@pytest.mark.parametrize("name, text, fields, expected", [
    ("salesforce_tasks.csv", SALESFORCE, SALESFORCE_FIELDS, SALESFORCE_TYPES),
    ("hubspot_activities.csv", HUBSPOT, HUBSPOT_FIELDS, HUBSPOT_TYPES),
], ids=["salesforce", "hubspot"])
def test_vendor_activity_types_map_to_lower_case(con, tmp_path, monkeypatch, one_pass, name, text, fields, expected):
    save_custom_format(con, custom_format_entry(name.split(".")[0], "activity", fields), who="test")
    r = _import(con, tmp_path, name, text, one_pass, monkeypatch)
    assert r.format == "custom:" + name.split(".")[0]
    assert _types(con) == expected


def test_a_type_spelled_another_way_is_the_same_activity(con, tmp_path):
    # activities are a set of rows (METRICS.md): the same meeting exported as `Meeting`, then as
    # `MEETING`, is one activity
    first = tmp_path / "week1.csv"
    first.write_text("email,at,type,owner\nada@example.com,2026-07-02 09:00,Meeting,Dana\n")
    second = tmp_path / "week2.csv"
    second.write_text("email,at,type,owner\nada@example.com,2026-07-02 09:00,MEETING,Dana\n")
    assert ingest_file(con, first).rows_new == 1
    assert ingest_file(con, second).rows_new == 0
    assert _types(con) == [("ada@example.com", "meeting")]
