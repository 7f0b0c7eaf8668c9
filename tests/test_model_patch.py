"""The model's tables patched after imports (onefunnel/model_patch.py) hold exactly the rows of their live views.

The property test imports random small Salesforce and template files into one workspace, one after another: leads
that share people, records re-imported under another e-mail (a lead's key changes), conversions naming a deal, deals
linked by lead id or e-mail, touches and activities linked by id or e-mail. After each import the tables are patched,
not rebuilt, and every one must equal its view (db.model_drift)."""

import shutil

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from onefunnel import db, model_patch
from onefunnel.db import connect, live_names, model_drift, refresh_model
from onefunnel.feedback import give_verdict, rejection_reasons
from onefunnel.ingest import ingest_file
from onefunnel.ingest.undo import undo_import
from onefunnel.settings_tables import save_table

LEAD_IDS = ["00Q01", "00Q02", "00Q03", "00Q04"]
OPP_IDS = ["00601", "00602", "00603"]
EMAILS = ["ann@patch.test", "bo@patch.test", "cy@patch.test"]

day = st.integers(1, 28).map(lambda d: f"3/{d}/2026")
email = st.sampled_from(EMAILS + [""])
sf_lead = st.tuples(st.sampled_from(LEAD_IDS), email, day, st.sampled_from(["Web", "Webinar", ""]),
                    st.sampled_from(["Working", "Unqualified"]), st.sampled_from(OPP_IDS + ["", ""]))
sf_opp = st.tuples(st.sampled_from(OPP_IDS), st.sampled_from(["Closed Won", "Closed Lost", "Prospecting"]),
                   st.integers(0, 9) .map(lambda n: str(n * 1000)), day, day,
                   st.sampled_from(LEAD_IDS + ["", ""]), email)
member = st.tuples(st.sampled_from(LEAD_IDS + [""]), email, day, st.sampled_from(["Spring", "Fall"])).filter(
    lambda r: r[0] or r[1])
template_lead = st.tuples(st.sampled_from(LEAD_IDS + ["", ""]), st.sampled_from(EMAILS), day,
                          st.sampled_from(["Paid Search", ""]))
activity = st.tuples(st.sampled_from(EMAILS), day, st.sampled_from(["call", "meeting"]))
activity_by_id = st.tuples(st.sampled_from(LEAD_IDS), day, st.sampled_from(["call", "meeting"]))


def _csv(header: list[str], rows) -> str:
    quote = lambda v: '"' + str(v) + '"'  # noqa: E731
    return "\n".join([",".join(map(quote, header)), *(",".join(map(quote, r)) for r in rows)]) + "\n"


def _sf_lead_file(rows):
    return _csv(["Lead ID", "Create Date", "Email", "Lead Source", "Lead Status", "Lead Owner",
                 "Converted Opportunity ID"], [(i, d, e, s, st_, "Dana Reyes", c) for i, e, d, s, st_, c in rows])


def _sf_opp_file(rows):
    return _csv(["Opportunity ID", "Opportunity Name", "Stage", "Amount", "Close Date", "Created Date", "Lead ID",
                 "Email"], [(i, f"deal {i}", s, a, c, d, ref, e) for i, s, a, c, d, ref, e in rows])


def _member_file(rows):
    return _csv(["Campaign Name", "Member Status", "Lead ID", "Email", "First Responded Date", "Campaign Type"],
                [(c, "Responded", ref, e, d, "Webinar") for ref, e, d, c in rows])


def _unique(rows, n=0):
    seen, out = set(), []
    for r in rows:
        if r[n] not in seen:
            seen.add(r[n])
            out.append(r)
    return out


def sf_leads(*rows, source="Web"):
    """rows: (lead id, email, converted deal id)"""
    return "leads.csv", _sf_lead_file([(i, e, "3/2/2026", source, "Working", c) for i, e, c in rows])


def sf_opps(*rows):
    """rows: (deal id, lead id, email)"""
    return "opportunities.csv", _sf_opp_file([(i, "Closed Won", "5000", "3/20/2026", "3/3/2026", r, e)
                                              for i, r, e in rows])


def members(*rows):
    """rows: (lead id, email)"""
    return "members.csv", _member_file([(r, e, "3/1/2026", "Spring") for r, e in rows])


def template_leads(*rows):
    """rows: (lead id, email)"""
    return "template_leads.csv", _csv(["lead_id", "email", "created_at", "source"],
                                      [(i, e, "2026-03-02", "Web") for i, e in rows])


def activities_by_id(*ids):
    return "activities_by_id.csv", _csv(["lead_id", "at", "type", "owner"], [(i, "3/4/2026", "call", "Sam") for i in ids])


def activities(*rows):
    """rows: (lead id, email)"""
    return "activities.csv", _csv(["lead_id", "email", "at", "type", "owner"],
                                  [(i, e, "3/4/2026", "meeting", "Sam") for i, e in rows])


A, B, C = EMAILS
# One example per way a row depends on the records (model_patch.KEYS): each fails if its line is left out.
EXAMPLES = [
    [sf_opps(("00601", "", "")), sf_leads(("00Q01", "", "00601"))],                  # a conversion names the deal
    [sf_opps(("00601", "", A)), template_leads(("", A))],                             # the deal's e-mail becomes a lead
    [sf_leads(("00Q01", A, "")), activities_by_id("00Q01"), template_leads(("00Q01", B))],   # an id of two systems
    [sf_leads(("00Q01", A, "")), sf_leads(("00Q01", B, ""))],                         # a record moves to another person
    [sf_leads(("00Q01", A, "")), members(("00Q01", ""))],                             # new touches by lead id
    [template_leads(("", C)), members(("00Q01", C)), sf_leads(("00Q01", A, ""))],     # old touches by id move
    [template_leads(("", C)), activities(("00Q01", C)), sf_leads(("00Q01", A, ""))],   # old activities by id move
    [sf_leads(("00Q01", A, ""), source=""), sf_opps(("00601", "00Q01", "")), members(("", A))],   # a won deal's
    [sf_leads(("00Q01", A, ""), source=""), sf_opps(("00601", "00Q01", "")), activities(("", A))],  # lead acts
    [template_leads(("", A), ("", B)), sf_opps(("00601", "", A)), sf_opps(("00601", "", B))],   # a deal moves
    [template_leads(("", A)), sf_opps(("00601", "", A))],                              # a lead gets its first deal
]

step = st.one_of(
    st.lists(sf_lead, min_size=1, max_size=4).map(lambda rs: ("leads.csv", _sf_lead_file(_unique(rs)))),
    st.lists(sf_opp, min_size=1, max_size=3).map(lambda rs: ("opportunities.csv", _sf_opp_file(_unique(rs)))),
    st.lists(member, min_size=1, max_size=4).map(lambda rs: ("members.csv", _member_file(rs))),
    st.lists(template_lead, min_size=1, max_size=3).map(
        lambda rs: ("template_leads.csv", _csv(["lead_id", "email", "created_at", "source"],
                                               [(i, e, f"2026-04-{d.split('/')[1]:0>2}", s) for i, e, d, s in rs]))),
    st.lists(activity, min_size=1, max_size=3).map(
        lambda rs: ("activities.csv", _csv(["email", "at", "type", "owner"], [(e, d, t, "Sam") for e, d, t in rs]))),
    st.lists(activity_by_id, min_size=1, max_size=3).map(
        lambda rs: ("activities_by_id.csv", _csv(["lead_id", "at", "type", "owner"],
                                                 [(i, d, t, "Sam") for i, d, t in rs]))),
)


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("patch") / "empty.duckdb"
    connect(path).close()
    return path


@pytest.fixture
def patching(monkeypatch):
    """Every import patches: no content hash in the generation (as above 100,000 records), and no share of changed
    leads is too large."""
    monkeypatch.setattr(db, "HASHED_ROWS", -1)
    monkeypatch.setattr(model_patch, "PATCH_SHARE", float("inf"))


def test_every_live_table_says_how_it_is_patched():
    assert sorted(model_patch.TABLE_KEYS) == sorted(live_names())


def _with_examples(test):
    for steps in EXAMPLES:
        test = example(steps=steps)(test)
    return test


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@_with_examples
@given(steps=st.lists(step, min_size=2, max_size=5))
def test_random_imports_leave_patched_tables_equal_to_their_views(steps, empty_db, patching, tmp_path_factory):
    folder = tmp_path_factory.mktemp("steps")
    shutil.copy(empty_db, folder / "w.duckdb")
    con = connect(folder / "w.duckdb")
    try:
        for n, (name, text) in enumerate(steps):
            path = folder / f"{n}_{name}"
            path.write_text(text)
            ingest_file(con, path, who="test", refresh=False)
            assert refresh_model(con) == "patched", f"step {n}: {name}"
            assert model_drift(con) == [], f"after step {n} ({name}):\n{text}"
            assert con.execute("select count(*) from model_pending").fetchall()[0][0] == 0
    finally:
        con.close()


def test_undo_settings_and_large_imports_rebuild(tmp_path, monkeypatch):
    monkeypatch.setattr(db, "HASHED_ROWS", -1)
    con = connect(tmp_path / "w.duckdb")
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(_csv(["email", "created_at", "source"], [(f"p{i}@patch.test", "2026-04-01", "Web") for i in range(10)]))
    b.write_text(_csv(["email", "created_at", "source"], [("new@patch.test", "2026-04-02", "Web")]))
    first = ingest_file(con, a, who="test", refresh=False)
    assert refresh_model(con) == "built"          # every lead is new: a share of more than 20%
    ingest_file(con, b, who="test", refresh=False)
    assert refresh_model(con) == "patched"        # one lead in eleven
    assert model_drift(con) == []
    patched = []
    real = model_patch.patch
    monkeypatch.setattr(model_patch, "patch", lambda *a: patched.append(a) or real(*a))
    save_table(con, "channel_map", pd.DataFrame([{"source": "Web", "channel": "Website"}]),
               who="test")                        # a setting the model reads: refreshed by save_table itself
    assert con.execute("select count(*) from lead_dims where channel = 'Website'").fetchall()[0][0] == 11
    undo_import(con, first.import_id, who="test")
    assert patched == []                          # neither was patched
    assert model_drift(con) == []
    assert con.execute("select count(*) from leads").fetchall()[0][0] == 1
    con.close()


def test_a_verdict_given_while_an_import_waits_is_patched_with_it(tmp_path, patching):
    con = connect(tmp_path / "w.duckdb")
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(_csv(["email", "created_at", "source", "mql_at"], [(A, "2026-04-01", "Web", "2026-04-02")]))
    b.write_text(_csv(["email", "created_at", "source"], [(B, "2026-04-03", "Web")]))
    ingest_file(con, a, who="test")
    ingest_file(con, b, who="test", refresh=False)     # stored, the tables not yet refreshed
    patched = []
    real = model_patch.patch
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(model_patch, "patch", lambda *args: patched.append(args) or real(*args))
        give_verdict(con, A, "reject", reason=rejection_reasons(con)[0], who="test")   # refreshes the tables
    assert len(patched) == 1
    assert model_drift(con) == []
    assert con.execute("select verdict from leads where lead_key = ?", [A]).fetchall()[0][0] == "reject"
    con.close()
