"""Owner names (setting owner_names, migration 008): an owner id written by an API export is
shown by the name the team gives it, in the views every page and the CLI read; an id without a
name stays as it is. Expected values worked out by hand from the rows below."""

import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from onefunnel import settings_tables
from onefunnel.db import connect
from onefunnel.ingest import ingest_file
from onefunnel.metrics import metrics_document
from onefunnel.queries import run
from tests.conftest import ROOT

DANA, SAM, UNNAMED = "0055e000001OwNrAAA", "41249877", "0055e000001XyZaAAA"

LEADS = (  # Salesforce Data Loader, Lead: OwnerId is an id
    '"ID","EMAIL","COMPANY","STATUS","LEADSOURCE","CREATEDDATE","OWNERID"\n'
    f'"00Q5e000001AbCdEAK","jose@example.de","Zurich GmbH","Working","Web","2024-03-01T09:00:00.000Z","{DANA}"\n'
    f'"00Q5e000001AbCgEAK","eve@example.com","","Open","Web","2024-03-02T09:00:00.000Z","{UNNAMED}"\n')
OPPS = (   # Dana: one won (26,000) and one lost in March; the unnamed owner: one won (5,000)
    '"ID","NAME","AMOUNT","CLOSEDATE","STAGENAME","ISCLOSED","ISWON","OWNERID","CREATEDDATE"\n'
    f'"0065e000002XyZaAAK","Zurich won","26000.0","2024-03-29","Closed Won","true","true","{DANA}","2024-03-15T14:30:00.000Z"\n'
    f'"0065e000002XyZbAAK","Zurich lost","1000.0","2024-03-20","Closed Lost","true","false","{DANA}","2024-03-01T10:00:00.000Z"\n'
    f'"0065e000002XyZcAAK","Eve won","5000.0","2024-03-10","Closed Won","true","true","{UNNAMED}","2024-03-02T10:00:00.000Z"\n')
ACTIVITIES = f"email,at,type,owner\njose@example.de,2024-03-02 10:00,call,{SAM}\n"   # a HubSpot owner id


def _load(db, tmp_path) -> None:
    con = connect(db)
    try:
        for name, text in (("Lead.csv", LEADS), ("Opportunity.csv", OPPS), ("activities.csv", ACTIVITIES)):
            (tmp_path / name).write_text(text)
            ingest_file(con, tmp_path / name)
    finally:
        con.close()


def test_owner_ids_are_shown_by_their_names(tmp_path):
    db = tmp_path / "x.duckdb"
    _load(db, tmp_path)
    con = connect(db)
    settings_tables.save_table(con, "owner_names", pd.DataFrame({"owner": [DANA, SAM], "name": ["Dana Reyes", "Sam Ortiz"]}),
                               "test")
    assert con.execute("select lead_key, owner from leads order by 1").fetchall() == [
        ("eve@example.com", UNNAMED), ("jose@example.de", "Dana Reyes")]
    assert con.execute("select owner from activities").fetchall() == [("Sam Ortiz",)]
    doc = metrics_document(con, dt.date(2024, 3, 1), dt.date(2024, 3, 31), as_of=dt.date(2024, 3, 31))
    owners = {o["owner"]: (o["won_deals"], o["won_revenue"], o["win_rate"]) for o in doc["by_owner"]["opportunity_owners"]}
    assert owners == {"Dana Reyes": (1, 26000.0, 0.5), UNNAMED: (1, 5000.0, 1.0)}
    # the Definitions page's list: records per owner value (2 opportunities + 1 lead for Dana)
    found = run(con, "definitions_owners")
    assert found[["owner", "records", "name"]].fillna("").values.tolist() == [
        [DANA, 3, "Dana Reyes"], [UNNAMED, 2, ""], [SAM, 1, "Sam Ortiz"]]
    assert found["looks_like_id"].all()
    con.close()


@pytest.fixture
def ids_loaded(app_env, tmp_path):
    _load(app_env, tmp_path)
    return app_env


def test_definitions_page_names_an_owner_id(ids_loaded):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update({"period": "Custom", "start": "2024-03-01", "end": "2024-03-31"})   # March 2024
    at.run()
    at.switch_page("pages/definitions.py")
    at.run()
    assert not at.exception, at.exception
    hint = next(c.value for c in at.caption if "look like ids" in c.value)
    assert f"{DANA} (3 records)" in hint and f"{UNNAMED} (2 records)" in hint and f"{SAM} (1 record)." in hint
    at.session_state["owner_names_editor_0"] = {
        "edited_rows": {}, "added_rows": [{"owner": DANA, "name": "Dana Reyes"}], "deleted_rows": []}
    at.button(key="save_owner_names").click().run()
    assert not at.exception, at.exception
    assert any("Owner names saved" in s.value for s in at.success)
    hint = next(c.value for c in at.caption if "look like ids" in c.value)
    assert DANA not in hint and UNNAMED in hint
    # the Sales page's reps read the name; the unnamed id stays as it is
    at.switch_page("pages/sales.py")
    at.run()
    assert not at.exception, at.exception
    shown = {str(v) for d in at.dataframe for v in d.value.astype(str).to_numpy().ravel()}
    assert "Dana Reyes" in shown and UNNAMED in shown and DANA not in shown
