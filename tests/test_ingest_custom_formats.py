"""Hand-made column mappings (setting `custom_formats`): a file from a system without a preset
(the public Maven CRM sample, ../shared/datasets/maven_crm beside the project) matches the generic
opportunity template only loosely and is refused (tests/test_mapping_cli.py), then, once its columns
are mapped by hand, read with every mapped column.

Expected values are worked out in the tests from the file itself with the csv module, never
copied from the code's output.
"""
from __future__ import annotations

import csv
import datetime as dt

import pytest

from onefunnel.db import get_setting
from onefunnel.ingest import FileRefused, ingest_file, preview, save_custom_format
from onefunnel.ingest.presets import custom_format_entry
from tests.conftest import ROOT

MAVEN = ROOT.parent / "shared" / "datasets" / "maven_crm" / "sales_pipeline.csv"
MAVEN_FIELDS = {"record_id": "opportunity_id", "name": "account", "created_at": "engage_date",
                "close_date": "close_date", "stage": "deal_stage", "amount": "close_value",
                "owner": "sales_agent"}

needs_maven = pytest.mark.skipif(not MAVEN.exists(), reason="the Maven CRM sample is not in ../shared/datasets")


def maven_rows() -> list[dict]:
    with open(MAVEN, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def us_date(text: str) -> dt.date:
    m, d, y = map(int, text.split("/"))
    return dt.date(y, m, d)


@needs_maven
def test_maven_pipeline_mapped_by_hand(con):
    save_custom_format(con, custom_format_entry("Maven pipeline", "opportunity", MAVEN_FIELDS), who="test")
    stored = get_setting(con, "custom_formats")
    assert stored == [{"key": "custom:maven_pipeline", "label": "Maven pipeline", "kind": "opportunity",
                       "system": "maven_pipeline", "fields": MAVEN_FIELDS}]
    # the setting change is logged
    assert con.execute("select changed_by from settings_log where key = 'custom_formats'").fetchall() == [("test",)]

    r = ingest_file(con, MAVEN)
    rows = maven_rows()
    assert (r.format, r.label, r.kind) == ("custom:maven_pipeline", "Maven pipeline", "opportunity")
    assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (len(rows), len(rows), 0)
    assert r.ignored_columns == ["product"]   # the only header not mapped

    # won deals: stage Won (the stage map makes Won won); their amounts add up to the file's close_value
    won = [row for row in rows if row["deal_stage"] == "Won"]
    n_won, won_sum = con.execute("""select count(*), sum(amount) from opportunities
                                    where is_won and source_system = 'maven_pipeline'""").fetchall()[0]
    assert n_won == len(won)
    assert won_sum == pytest.approx(sum(float(row["close_value"]) for row in won))
    # every stage of the file arrives with its count
    by_stage = dict(con.execute("select stage, count(*) from opportunities group by stage").fetchall())
    assert by_stage == {s: sum(1 for row in rows if row["deal_stage"] == s) for s in {row["deal_stage"] for row in rows}}

    # one row, field by field: the first data row of the file (a won deal)
    first = rows[0]
    got = con.execute("""select name, created_at, close_date, stage, amount, owner, is_won, is_closed
                         from opportunities where record_id = ?""", [first["opportunity_id"]]).fetchall()
    assert got == [(first["account"], dt.datetime.combine(us_date(first["engage_date"]), dt.time()),
                    us_date(first["close_date"]), first["deal_stage"], float(first["close_value"]),
                    first["sales_agent"], first["deal_stage"] == "Won", first["deal_stage"] in ("Won", "Lost"))]
    # an open deal (blank close_value, no close_date) has no amount and is not closed
    open_row = next(row for row in rows if row["deal_stage"] == "Engaging" and not row["close_value"])
    got = con.execute("select amount, is_closed, close_date from opportunities where record_id = ?",
                      [open_row["opportunity_id"]]).fetchall()
    assert got == [(None, False, None)]


@needs_maven
def test_a_custom_format_needs_all_its_headers(con, tmp_path):
    save_custom_format(con, custom_format_entry("Maven pipeline", "opportunity", MAVEN_FIELDS), who="test")
    # the same file without deal_stage is not the custom format; the template would read it only loosely
    rows = maven_rows()[:3]
    f = tmp_path / "no_stage.csv"
    with open(f, "w", newline="") as out:
        w = csv.DictWriter(out, [h for h in rows[0] if h != "deal_stage"], extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(FileRefused, match="only loosely: no column for stage"):
        preview(con, f)


UNKNOWN = "Deal Ref,Client,Rep,Phase,Booked\nD-1,Acme,Ann,Won,1200\nD-2,Bolt,Ben,Open,\n"


def test_unknown_headers_are_refused_with_the_header_cells_then_mapped(con, tmp_path):
    f = tmp_path / "crm.csv"
    f.write_text(UNKNOWN)
    with pytest.raises(FileRefused) as exc:
        preview(con, f)
    assert "no recognisable header" in str(exc.value)
    assert exc.value.headers == ["Deal Ref", "Client", "Rep", "Phase", "Booked"]
    save_custom_format(con, custom_format_entry("Our CRM", "opportunity", {
        "record_id": "Deal Ref", "name": "Client", "owner": "Rep", "stage": "Phase", "amount": "Booked"}))
    r = ingest_file(con, f)
    assert (r.format, r.rows_loaded, r.ignored_columns) == ("custom:our_crm", 2, [])
    # D-1 won 1200 (stage Won); D-2 open, no amount
    assert con.execute("select record_id, name, owner, stage, amount, is_won from opportunities "
                       "order by record_id").fetchall() == [("D-1", "Acme", "Ann", "Won", 1200.0, True),
                                                            ("D-2", "Bolt", "Ben", "Open", None, False)]


def test_a_mapping_without_the_kinds_key_is_not_saved():
    with pytest.raises(ValueError, match="record_id"):
        custom_format_entry("No id", "opportunity", {"name": "Client"})


def test_a_renamed_mapping_keeps_what_it_imported(con, tmp_path):
    from onefunnel.ingest import rename_custom_format

    f = tmp_path / "our_crm.csv"
    f.write_text(UNKNOWN)
    fields = {"record_id": "Deal Ref", "name": "Client", "owner": "Rep", "stage": "Phase", "amount": "Booked"}
    save_custom_format(con, custom_format_entry("our_crm", "opportunity", fields), who="test")
    save_custom_format(con, custom_format_entry("Other CRM", "lead", {"email": "Mail"}), who="test")
    assert ingest_file(con, f).rows_new == 2
    assert rename_custom_format(con, "custom:our_crm", " Our CRM deals ", who="Ada") is True
    assert rename_custom_format(con, "custom:our_crm", "Our CRM deals", who="Ada") is False   # the same name
    assert rename_custom_format(con, "custom:gone", "Anything", who="Ada") is False
    with pytest.raises(ValueError, match="exists already"):
        rename_custom_format(con, "custom:our_crm", "other crm", who="Ada")
    with pytest.raises(ValueError, match="new name"):
        rename_custom_format(con, "custom:our_crm", "  ", who="Ada")
    entry = next(e for e in get_setting(con, "custom_formats") if e["key"] == "custom:our_crm")
    assert (entry["label"], entry["system"]) == ("Our CRM deals", "our_crm")
    # the file imported again is read with the renamed mapping and replaces its two deals
    again = ingest_file(con, f)
    assert (again.label, again.rows_loaded, again.rows_new) == ("Our CRM deals", 2, 0)
    assert con.execute("select count(*) from opportunities").fetchall() == [(2,)]
    assert con.execute("select changed_by from settings_log where key = 'custom_formats' "
                       "order by rowid desc limit 1").fetchall() == [("Ada",)]
