"""The same metrics on Spark (issue 17): the metrics document, every breakdown row and every attribution
model's credits computed by the Spark engine (over `export --parquet`) equal the DuckDB engine's, on the
hand-worked story fixtures (tests/story) and on a generated company of 50k leads (bench/scale.py).
Money to the cent, other numbers to 1e-9, counts, keys, row order and number types exactly.

Run alone: `.venv/bin/python -m pytest -m spark`. One local[2] SparkSession serves the module.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, load_files, run_cli

pytestmark = pytest.mark.spark

STORY = ROOT / "tests" / "story"
D = dt.date.fromisoformat


@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install -r requirements.txt)")
    if not shutil.which("java"):
        pytest.skip("no Java: run scripts/ensure-java")
    from onefunnel.engines.spark import session

    s = session("local[2]", app_name="onefunnel-tests", shuffle_partitions=2)
    yield s
    s.stop()


# ---- comparing ---------------------------------------------------------------------------------------

def _money_keys() -> set[str]:
    from onefunnel import layer
    return {n for n in layer.layer().measures if layer.measure(n).format == "money"} | {"quota"}


def same(a, b, path: str = "", money: bool = False, out: list | None = None) -> list[str]:
    """Where two JSON-like values differ: dict keys and their order, list lengths and order, number types
    exactly; money within a cent; other floats within 1e-9 (relative above 1)."""
    out = [] if out is None else out
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            out.append(f"{path}: keys {list(a)} != {list(b)}")
        for k in a:
            if k in b:
                same(a[k], b[k], f"{path}.{k}", money or k in _money_keys() or k == "attribution", out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} rows != {len(b)} rows")
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{path}[{i}]", money, out)
    elif isinstance(a, float) and isinstance(b, float):
        tol = 0.005 if money else 1e-9 * max(1.0, abs(a))
        if abs(a - b) > tol:
            out.append(f"{path}: {a!r} != {b!r}")
    elif type(a) is not type(b) or a != b:
        out.append(f"{path}: {a!r} ({type(a).__name__}) != {b!r} ({type(b).__name__})")
    return out


# ---- the two engines on one workspace ---------------------------------------------------------------

def _engines(db: Path, tmp: Path, spark):
    from onefunnel.db import connect
    from onefunnel.engines.spark import SparkConnection
    from onefunnel.export import export_parquet

    duck = connect(db)
    export_parquet(duck, tmp / "parquet")
    return duck, SparkConnection(spark, str(tmp / "parquet"))


def _compare_documents(duck, sparkc, cases) -> list[str]:
    """metrics_document (with --compare and a --by) on both engines for each (start, end, options); the first
    case also compares the breakdowns by the CLI's other dimensions, the later ones each take the next
    dimension as their --by."""
    from onefunnel import layer
    from onefunnel.cli import BREAKDOWN_DIMENSIONS
    from onefunnel.metrics import metrics_document

    bad = []
    for i, (start, end, kw) in enumerate(cases):
        label = f"{start}..{end} {kw}"
        kw = {"compare": "previous", "by": BREAKDOWN_DIMENSIONS[i % len(BREAKDOWN_DIMENSIONS)], **kw}
        a = json.loads(json.dumps(metrics_document(duck, D(start), D(end), **kw)))
        b = json.loads(json.dumps(metrics_document(sparkc, D(start), D(end), **kw)))
        bad += same(a, b, label)
        for dim in BREAKDOWN_DIMENSIONS[1:] if i == 0 else []:
            bad += same(layer.breakdown(duck, dim, D(start), D(end), kw.get("as_of"), kw.get("sla_hours")),
                        layer.breakdown(sparkc, dim, D(start), D(end), kw.get("as_of"), kw.get("sla_hours")),
                        f"{label} by {dim}")
    return bad


CREDITS = ("select opp_key, channel, campaign, first_touch, last_touch, linear, u_shaped, time_decay "
           "from touch_credits_between($start, $end) order by opp_key, touched_at nulls first, channel, campaign")


def _compare_credits(duck, sparkc, start, end) -> list[str]:
    """Every (won deal, touch) credit row of every attribution model, not only their sums."""
    p = {"start": D(start), "end": D(end)}
    rows = []
    for con in (duck, sparkc):
        cur = con.execute(CREDITS, p)
        cols = [d[0] for d in cur.description]
        rows.append([dict(zip(cols, r)) for r in cur.fetchall()])
    return same(rows[0], rows[1], f"credits {start}..{end}", money=True)


# ---- each Spark twin against its DuckDB original ----------------------------------------------------

TWINS = {   # a DuckDB construct the Spark engine rewrites (onefunnel/engines/spark.py SPARK_TWINS)
    "date - date": "select cast(d2 as date) - cast(d1 as date) as v from (values ('2026-03-01', '2026-03-31')) t(d1, d2)",
    "median": "select median(cast(x as double)) as v from (values (1.0), (2.0), (4.0), (10.0)) t(x)",
    "quantile_cont": "select quantile_cont(cast(x as double), 0.9) as v from (values (1.0), (2.0), (4.0), (10.0)) t(x)",
    "epoch": "select epoch(TIMESTAMP '2026-03-01 10:00:30.5') - epoch(TIMESTAMP '2026-03-01 00:00:00') as v",
    "union all by name": "select a, b from (select 1 as a, 'x' as b union all by name select 'y' as b, 2 as a) "
                         "order by a",
    "scalar macro": "select sla_status(null, TIMESTAMP '2026-03-04 09:00', 24.0, DATE '2026-03-05') as v, "
                    "sla_status(24.0, TIMESTAMP '2026-03-01 09:00', 24.0, DATE '2026-03-05') as w",
}   # the table macro touch_credits_between: compared deal by deal on the stories (_compare_credits)


@pytest.mark.parametrize("name", list(TWINS))
def test_spark_twin_gives_what_duckdb_gives(name, con, spark):
    from onefunnel.engines.spark import to_spark_sql

    sql = TWINS[name]
    duck = [tuple(r) for r in con.execute(sql).fetchall()]
    got = [tuple(r) for r in spark.sql(to_spark_sql(sql)).collect()]
    assert same(duck, got) == [], (sql, to_spark_sql(sql))


# ---- the story fixtures (hand-worked in tests/test_story_metrics.py and test_story_links.py) ---------

STORIES = {   # files, monthly goals, cases (start, end, options): each story's hand-worked periods
    "q3_core": (["q3_core/leads.csv", "q3_core/opportunities.csv", "q3_core/touches.csv", "q3_core/spend.csv"], {},
                [("2026-07-01", "2026-09-30", {}),
                 ("2026-07-01", "2026-09-30", {"as_of": D("2026-08-15"), "compare": "year"})]),
    "sla": (["sla/leads.csv", "sla/activities.csv"], {},
            [("2026-03-01", "2026-03-31", {"as_of": D("2026-03-20")}),     # pending vs breached
             ("2026-03-01", "2026-03-31", {"sla_hours": 48.0})]),
    "goal_forecast": (["goal_forecast/leads.csv", "goal_forecast/opportunities.csv"],
                      {"2025-12": 99999, "2026-01": 31000, "2026-02": 28000, "2026-03": 77777},
                      [("2026-01-17", "2026-02-10", {}),
                       ("2026-01-17", "2026-02-10", {"as_of": D("2026-01-26"), "goal": 41000.0})]),
    "reverse_zero_rate": (["reverse_zero_rate/leads.csv", "reverse_zero_rate/opportunities.csv"], {},
                          [("2026-04-01", "2026-04-30", {"goal": 5000.0}),
                           ("2030-01-01", "2030-01-31", {"goal": 1000.0})]),
    "attribution": (["attribution/leads.csv", "attribution/opportunities.csv", "attribution/touches.csv",
                     "attribution/spend.csv"], {}, [("2026-05-01", "2026-05-31", {})]),
    "activity": (["activity/leads.csv", "activity/opportunities.csv", "activity/activities.csv"], {},
                 [("2026-05-01", "2026-05-31", {})]),
    "links": (["links/hubspot_contacts.csv", "links/hubspot_deals.csv", "links/lead_id_leads.csv",
               "links/lead_id_opportunities.csv", "links/overlap_leads.csv", "links/overlap_opportunities.csv",
               "links/overlap_touches_export_1.csv", "links/overlap_touches_export_2.csv",
               "links/orphan_leads.csv", "links/orphan_touches.csv", "links/orphan_activities.csv"], {},
              [("2026-06-01", "2026-06-30", {})]),
}


@pytest.mark.parametrize("story", list(STORIES))
def test_story_same_on_both_engines(story, tmp_path, spark):
    files, goals, cases = STORIES[story]
    db = tmp_path / f"{story}.duckdb"
    load_files(db, *[STORY / f for f in files], goals=goals)
    duck, sparkc = _engines(db, tmp_path, spark)
    try:
        bad = _compare_documents(duck, sparkc, cases)
        bad += sum((_compare_credits(duck, sparkc, s, e) for s, e in dict.fromkeys((s, e) for s, e, _ in cases)), [])
    finally:
        duck.close()
    assert not bad, "\n".join(bad[:40])


def test_story_values_hand_worked_on_spark(tmp_path, spark):
    """Spark on its own against hand-worked numbers of tests/test_story_metrics.py (q3_core)."""
    from onefunnel.metrics import metrics_document

    db = tmp_path / "q3.duckdb"
    load_files(db, *[STORY / f for f in STORIES["q3_core"][0]])
    duck, sparkc = _engines(db, tmp_path, spark)
    duck.close()
    m = metrics_document(sparkc, D("2026-07-01"), D("2026-09-30"))["metrics"]
    # The working is in tests/test_story_metrics.py (q3_core): 7 leads created in Q3, 4 of them MQL at any
    # time; won O1 10000 + O2 6000 + O4 3000 + O5 5000 = 24000 over 4 deals; sales cycles 39, 57, 60, 50 days.
    assert m["leads_created"] == 7
    assert m["lead_to_mql_rate"] == pytest.approx(4 / 7, abs=1e-9)
    assert m["won_deals"] == 4 and m["won_revenue"] == pytest.approx(24000.0, abs=0.005)
    assert m["avg_deal_size"] == pytest.approx(6000.0, abs=0.005)
    assert m["sales_cycle_days"] == pytest.approx(53.5, abs=1e-9)


# ---- a generated company of 50k leads ---------------------------------------------------------------

@pytest.fixture(scope="module")
def company(tmp_path_factory):
    from bench.scale import generate

    folder = tmp_path_factory.mktemp("company50k")
    files = generate(folder / "csv", 50_000, 250_000)
    db = folder / "company.duckdb"
    load_files(db, *files, goals={"2026-07": 2_000_000, "2026-08": 2_500_000, "2026-09": 3_000_000})
    return db


def test_generated_company_same_on_both_engines(company, tmp_path, spark):
    duck, sparkc = _engines(company, tmp_path, spark)
    try:
        bad = _compare_documents(duck, sparkc, [("2026-07-01", "2026-09-30", {}),
                                                ("2026-07-01", "2026-09-30", {"as_of": D("2026-08-14")})])
        bad += _compare_credits(duck, sparkc, "2026-07-01", "2026-09-30")
    finally:
        duck.close()
    assert not bad, "\n".join(bad[:40])


# ---- the CLI ------------------------------------------------------------------------------------------

def test_cli_metrics_engine_spark_prints_the_same_json(tmp_path):
    """`metrics --engine spark` (exporting the database itself to a temp dir) against the DuckDB engine."""
    pytest.importorskip("pyspark")
    if not shutil.which("java"):
        pytest.skip("no Java: run scripts/ensure-java")
    db = tmp_path / "attr.duckdb"
    load_files(db, *[STORY / f for f in STORIES["attribution"][0]])
    args = ["metrics", "--db", db, "--start", "2026-05-01", "--end", "2026-05-31", "--compare", "previous",
            "--by", "channel", "--json"]
    duck = json.loads(run_cli(*args).stdout)
    spark_out = json.loads(run_cli(*args, "--engine", "spark", "--spark-master", "local[1]").stdout)
    assert same(duck, spark_out) == []
