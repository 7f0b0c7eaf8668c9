"""A server started on a database whose model tables another version of the model built (an upgrade) rebuilds them
before it serves: no page reads a table of the old shape or waits on the rebuild (onefunnel.serve.model_up_to_date)."""

from onefunnel import serve
from tests.conftest import ROOT, load_files

FIX = ROOT / "tests" / "fixtures" / "teams"


def test_tables_another_version_built_are_rebuilt_before_serving(tmp_path, monkeypatch):
    from onefunnel.db import connect, model_drift

    db = tmp_path / "upgrade.duckdb"
    load_files(db, FIX / "leads.csv", FIX / "opportunities.csv")
    monkeypatch.setenv("ONEFUNNEL_DB", str(db))
    assert serve.model_up_to_date() is None            # built by this code: nothing to do

    # an older version: its opportunities table had no lead_mql_at, and its model state names other code
    c = connect(db)
    c.execute("create or replace table main.opportunities as select * exclude (lead_mql_at) from main.opportunities")
    c.execute("update model_state set generation = generation || '-older-code'")
    c.close()

    assert serve.model_up_to_date() == "built"
    c = connect(db)
    try:
        assert "lead_mql_at" in [r[0] for r in c.execute("describe main.opportunities").fetchall()]
        assert model_drift(c) == []
    finally:
        c.close()
    assert serve.model_up_to_date() is None


def test_no_database_yet_is_left_to_the_app(tmp_path, monkeypatch):
    monkeypatch.setenv("ONEFUNNEL_DB", str(tmp_path / "none.duckdb"))
    assert serve.model_up_to_date() is None
    assert not (tmp_path / "none.duckdb").exists()


def test_a_table_whose_older_columns_a_later_view_reads_is_rebuilt(tmp_path, monkeypatch):
    """lead_dims' view reads lead_outcomes.first_opp_at: an older lead_outcomes table without it would stop the
    view from binding, so opening the database would fail before the server could rebuild anything."""
    from onefunnel.db import connect, model_drift

    db = tmp_path / "upgrade.duckdb"
    load_files(db, FIX / "leads.csv", FIX / "opportunities.csv")
    c = connect(db)
    first_deals = c.execute("select count(first_opp_at) from main.lead_dims").fetchall()[0][0]
    c.execute("create or replace table main.lead_outcomes as "
              "select * exclude (first_opp_at, first_closed_on, first_won_on) from main.lead_outcomes")
    c.execute("create or replace view live.lead_dims as select * from main.leads")   # as the older code left it
    c.close()
    assert first_deals > 0

    monkeypatch.setenv("ONEFUNNEL_DB", str(db))
    assert serve.model_up_to_date() == "built"
    c = connect(db)
    try:
        assert c.execute("select count(first_opp_at) from main.lead_dims").fetchall()[0][0] == first_deals
        assert model_drift(c) == []
    finally:
        c.close()
