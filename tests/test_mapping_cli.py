"""Column mappings for any export, from the command line too: `formats` lists the saved mappings, `ingest
--format NAME` reads files with one, a file a built-in template reads only loosely is refused, and a mapping
is proposed from a file's header names and values.

The public Maven CRM sample (../shared/datasets/maven_crm, beside the project) is the unknown export. The
expected numbers are counted in the tests from the file itself with the csv module, not by our code.
"""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest

from tests.conftest import ROOT, run_cli

MAVEN = ROOT.parent / "shared" / "datasets" / "maven_crm" / "sales_pipeline.csv"
MAVEN_FIELDS = {"record_id": "opportunity_id", "name": "account", "created_at": "engage_date",
                "close_date": "close_date", "stage": "deal_stage", "amount": "close_value",
                "owner": "sales_agent"}
needs_maven = pytest.mark.skipif(not MAVEN.exists(), reason="the Maven CRM sample is not in ../shared/datasets")


def _save_mapping(db, name="Maven pipeline", kind="opportunity", fields=MAVEN_FIELDS):
    from onefunnel.db import connect
    from onefunnel.ingest import save_custom_format
    from onefunnel.ingest.presets import custom_format_entry

    con = connect(db)
    try:
        save_custom_format(con, custom_format_entry(name, kind, fields), who="test")
    finally:
        con.close()


def _us_date(text: str) -> dt.date:
    month, day, year = map(int, text.split("/"))
    return dt.date(year, month, day)


@needs_maven
def test_the_crm_sample_loads_through_a_saved_mapping_and_its_numbers_are_the_files(tmp_path):
    db = tmp_path / "maven.duckdb"
    _save_mapping(db)
    listed = run_cli("formats", "--db", db).stdout
    assert "Maven pipeline: opportunity records" in listed
    assert "opportunity_id -> record_id" in listed and "close_value -> amount" in listed

    out = run_cli("ingest", "--db", db, "--format", "maven PIPELINE", MAVEN).stdout   # the name in any case
    with open(MAVEN, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert f"sales_pipeline.csv: Maven pipeline, {len(rows)} rows loaded ({len(rows)} new), 0 rejected" in out

    start, end = dt.date(2016, 10, 1), dt.date(2017, 12, 31)
    # open deals (Engaging, Prospecting) have no close date; every decided deal closes inside the period
    assert all(not r["close_date"] for r in rows if r["deal_stage"] not in ("Won", "Lost"))
    closed = [r for r in rows if r["close_date"] and start <= _us_date(r["close_date"]) <= end]
    assert len(closed) == sum(1 for r in rows if r["deal_stage"] in ("Won", "Lost"))
    won = [r for r in closed if r["deal_stage"] == "Won"]
    lost = [r for r in closed if r["deal_stage"] == "Lost"]
    created = [r for r in rows if r["engage_date"] and start <= _us_date(r["engage_date"]) <= end]

    m = json.loads(run_cli("metrics", "--db", db, "--start", start, "--end", end, "--json").stdout)["metrics"]
    assert m["won_revenue"] == pytest.approx(sum(float(r["close_value"]) for r in won))
    assert (m["won_deals"], m["lost_deals"]) == (len(won), len(lost))
    assert m["win_rate"] == pytest.approx(len(won) / (len(won) + len(lost)))
    assert m["opps_created"] == len(created)


def test_an_unknown_mapping_name_exits_2_with_the_names(tmp_path):
    db = tmp_path / "names.duckdb"
    f = tmp_path / "deals.csv"
    f.write_text("Deal Ref,Booked\nD-1,100\n")
    proc = run_cli("ingest", "--db", db, "--format", "Ours", f, check=False)
    assert proc.returncode == 2 and "no saved mapping named 'Ours'" in proc.stderr and "no mapping is saved" in proc.stderr
    _save_mapping(db, "Our CRM", fields={"record_id": "Deal Ref", "amount": "Booked"})
    _save_mapping(db, "Trade show leads", "lead", {"email": "Mail"})
    proc = run_cli("ingest", "--db", db, "--format", "Theirs", f, check=False)
    assert proc.returncode == 2
    assert "no saved mapping named 'Theirs'; saved mappings: 'Our CRM', 'Trade show leads'" in proc.stderr
    assert "rows loaded" not in proc.stdout
    # a file without the mapping's columns is refused, naming them
    proc = run_cli("ingest", "--db", db, "--format", "Trade show leads", f, check=False)
    assert proc.returncode == 1 and "does not have the columns of the mapping 'Trade show leads': no 'Mail'" in proc.stderr
    # the mapping named is the only format tried: the file is not read as Our CRM even though it fits
    proc = run_cli("ingest", "--db", db, "--format", "Our CRM", f)
    assert "deals.csv: Our CRM, 1 rows loaded" in proc.stdout


@needs_maven
def test_a_loose_template_match_is_refused_naming_the_missing_fields(tmp_path):
    from onefunnel.db import connect
    from onefunnel.ingest import FileRefused, preview

    db = tmp_path / "loose.duckdb"
    # opportunity_id and close_date make it the opportunity template, which reads only those two columns
    proc = run_cli("ingest", "--db", db, MAVEN, check=False)
    assert proc.returncode == 1 and "rows loaded" not in proc.stdout
    assert ("matches Opportunities (template) only loosely: no column for stage (or is_won), amount, created_at, "
            "while sales_agent, product, account, deal_stage, engage_date, close_value are not used") in proc.stderr
    assert "ingest --format NAME" in proc.stderr and "Map the columns yourself" in proc.stderr
    con = connect(db)
    try:
        with pytest.raises(FileRefused) as exc:
            preview(con, MAVEN)
        # the refusal carries the header and first rows, for the mapping the Data page proposes
        assert exc.value.headers[:2] == ["opportunity_id", "sales_agent"] and len(exc.value.sample) == 50
        assert con.execute("select count(*) from imports").fetchall() == [(0,)]
    finally:
        con.close()


def test_a_template_file_with_every_metric_field_or_no_other_column_still_loads(con, tmp_path):
    from onefunnel.ingest import ingest_file

    # all the fields the metrics need, and an extra column: loads (the extra one is not used)
    full = tmp_path / "full.csv"
    full.write_text("opportunity_id,created_at,close_date,stage,amount,region\nO-1,2026-07-01,2026-07-20,Won,500,EU\n")
    assert ingest_file(con, full).ignored_columns == ["region"]
    # fields missing, but no column left unread: nothing else to map, so it loads as before
    bare = tmp_path / "bare.csv"
    bare.write_text("opportunity_id,close_date,stage\nO-2,2026-07-20,Lost\n")
    assert ingest_file(con, bare).rows_loaded == 1


def test_a_mapping_is_proposed_from_header_names_and_values():
    from onefunnel.ingest.propose import propose

    headers = ["opportunity_id", "sales_agent", "product", "account", "deal_stage", "engage_date", "close_date",
               "close_value"]
    rows = [["1C1I7A6R", "Moses Frase", "GTX Plus Basic", "Cancity", "Won", "10/20/2016", "3/1/2017", "1054"],
            ["HAXMC4IX", "James Ascencio", "MG Advanced", "", "Engaging", "", "", ""]]
    p = propose(headers, rows)
    assert (p.kind, p.fields) == ("opportunity", MAVEN_FIELDS)
    # close_value is not the close date (its values are numbers), close_date not the amount (dates)
    assert p.fields["close_date"] == "close_date" and p.fields["amount"] == "close_value"
    # other spellings: Booked holds numbers -> amount; Contact (no field's word) is left for the user to pick
    p = propose(["Deal Ref", "Client", "Rep", "Phase", "Booked", "Contact"],
                [["D-1", "Acme", "Ann", "Won", "$1,200", "ann@acme.test"], ["D-2", "Bolt", "Ben", "Open", "", ""]])
    assert p.kind == "opportunity"
    assert p.fields == {"record_id": "Deal Ref", "name": "Client", "owner": "Rep", "stage": "Phase",
                        "amount": "Booked"}
    # a lead list: e-mail, created date, source
    p = propose(["E-mail", "Signup Date", "Lead Source"], [["a@b.test", "2026-07-01", "Webinar"]])
    assert (p.kind, p.fields) == ("lead", {"email": "E-mail", "created_at": "Signup Date", "source": "Lead Source"})
