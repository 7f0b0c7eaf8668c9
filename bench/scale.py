"""`make bench`: speed and memory at scale, printed as figures and ratios (never asserted).

Generates (once, cached in data/bench/) a company of 1,000,000 leads as a HubSpot contacts
CSV, 5,000,000 template touches and the matching Salesforce opportunity report, then in a
fresh process measures: our ingest against a plain DuckDB read_csv of the same files, the
full metrics of one quarter (cold and warm), the attribution queries, the Explore page's pivots
(a few measures by two dimensions), and peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from onefunnel import ROOT

BENCH_DIR = ROOT / "data" / "bench"
QUARTER = (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
BREAKDOWN_DIMENSIONS = ["channel", "campaign", "owner", "owner_team", "source_system", "stage", "week", "month"]
# The Explore page's pivots: (measures, two dimensions, filters), each one query of the metrics layer
PIVOTS = {
    "deals by channel x month": (["won_revenue", "win_rate", "opps_created", "pipeline_created"],
                                 ("channel", "month"), []),
    "funnel by owner x week": (["leads_created", "mqls", "mql_to_sql_rate", "sqls", "win_rate"], ("owner", "week"), []),
    "by campaign x stage, 2 channels": (["won_revenue", "opps_created", "win_rate"], ("campaign", "stage"),
                                        [("channel", ["Paid Search", "Paid Social"])]),
}


def generate(out: Path, leads: int, touches: int) -> list[Path]:
    """Write the three exports with DuckDB (seconds, not minutes). Deterministic."""
    out.mkdir(parents=True, exist_ok=True)
    contacts, opps, touch_file = out / "hubspot_contacts.csv", out / "salesforce_opportunities.csv", out / "touches.csv"
    stamp = out / f"done-{leads}-{touches}"
    if stamp.exists():
        return [contacts, opps, touch_file]
    con = duckdb.connect()
    con.execute("set preserve_insertion_order = true")
    con.execute(f"""
        create table people as
        select i,
               'person' || i || '@company' || (i % 50000) || '.example' as email,
               timestamp '2025-01-01' + to_minutes((hash(i) % (700 * 24 * 60))::bigint) as created_at,
               ['Organic Search', 'Paid Search', 'Paid Social', 'Email Marketing', 'Referrals',
                'Direct Traffic', 'Offline Sources'][(1 + hash(i * 7) % 7)::bigint] as source,
               'campaign-' || (hash(i * 13) % 40) as campaign,
               ['Dana Reyes', 'Marcus Webb', 'Priya Natarajan', 'Tom Becker', 'Elena Sokolova'][(1 + hash(i * 3) % 5)::bigint] as owner,
               (hash(i * 17) % 100)::integer as r
        from range(1, {leads} + 1) t(i)""")
    con.execute(f"""
        copy (
            select i as "Record ID", 'First' || i as "First Name", 'Last' || i as "Last Name",
                   case when r < 35 then strftime(created_at + interval 2 day, '%Y-%m-%d %H:%M') end
                       as "Became a Marketing Qualified Lead Date",
                   case when r < 15 then strftime(created_at + interval 5 day, '%Y-%m-%d %H:%M') end
                       as "Became a Sales Qualified Lead Date",
                   'Company ' || (i % 50000) as "Company Name",
                   owner as "Contact owner",
                   strftime(created_at, '%Y-%m-%d %H:%M') as "Create Date",
                   email as "Email",
                   case when r < 15 then 'Sales Qualified Lead' when r < 35 then 'Marketing Qualified Lead'
                        else 'Lead' end as "Lifecycle Stage",
                   source as "Original Source",
                   campaign as "Original Source Drill-Down 1"
            from people order by i
        ) to '{contacts}' (header true, quote '"', force_quote *)""")
    # opportunities for the SQL leads (15%), about a third won, US dates, Salesforce footer
    con.execute(f"""
        copy (
            select owner as "Opportunity Owner", 'Company ' || (i % 50000) as "Account Name",
                   'Deal ' || i as "Opportunity Name",
                   case when r < 5 then 'Closed Won' when r < 10 then 'Closed Lost' else 'Negotiation/Review' end as "Stage",
                   (5000 + hash(i * 19) % 95000)::varchar as "Amount",
                   case when r < 5 then '100' when r < 10 then '0' else '60' end as "Probability (%)",
                   strftime(created_at + to_days((20 + hash(i * 23) % 70)::integer), '%-m/%-d/%Y') as "Close Date",
                   strftime(created_at + interval 6 day, '%-m/%-d/%Y') as "Created Date",
                   source as "Lead Source",
                   case when r < 5 then '1' else '0' end as "Won",
                   case when r < 10 then '1' else '0' end as "Closed",
                   '006' || lpad(i::varchar, 12, '0') as "Opportunity ID",
                   email as "Email"
            from people where r < 15 order by i
        ) to '{opps}.body' (header true, quote '"', force_quote *)""")
    with open(f"{opps}.body", "rb") as src, open(opps, "wb") as dst:
        while chunk := src.read(1 << 22):
            dst.write(chunk)
        n = con.execute("select count(*) from people where r < 15").fetchall()[0][0]
        dst.write(f'\n"Grand Totals ({n} records)"\n\n"Confidential Information - Do Not Distribute"\n'
                  f'"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\n'.encode())
    os.remove(f"{opps}.body")
    per = max(1, touches // leads)
    con.execute(f"""
        copy (
            select p.email,
                   strftime(p.created_at + to_hours((k * 37 + hash(p.i * k) % 300)::integer), '%Y-%m-%d %H:%M:%S') as touched_at,
                   ['Email Marketing', 'Paid Social', 'Paid Search', 'Events', 'Organic Search'][(1 + hash(p.i + k) % 5)::bigint] as channel,
                   'campaign-' || (hash(p.i * 31 + k) % 40) as campaign
            from people p, range(1, {per} + 1) r(k)
        ) to '{touch_file}' (header true)""")
    con.close()
    stamp.touch()
    return [contacts, opps, touch_file]


# What the Credit pages (issue 5) and a few other pages run for one period, timed at scale too.
PAGE_QUERIES = ["attribution_credit_by_channel", "attribution_credit_by_campaign", "attribution_credit_by_month",
                "attribution_won_deals", "spend_roi_by_channel", "spend_roi_by_campaign", "spend_by_month",
                "goal_daily_pacing", "friction_weekly"]


def _median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


PLAIN_READ = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[2])
t = time.perf_counter()
con.execute(f"create or replace table t as select * from read_csv('{sys.argv[1]}', ignore_errors=true)")
print(time.perf_counter() - t, con.execute("select count(*) from t").fetchall()[0][0])
"""


def _plain_read(f: Path, db: Path) -> tuple[float, int]:
    """A plain DuckDB read of `f` into a table of `db`, as anyone would write it (DuckDB's default settings), in a
    process of its own so that its memory is not counted in ours: (seconds, rows)."""
    done = subprocess.run([sys.executable, "-c", PLAIN_READ, str(f), str(db)], capture_output=True, text=True,
                          check=True)
    seconds, rows = done.stdout.splitlines()[-1].split()   # (DuckDB may draw a progress bar before it)
    return float(seconds), int(rows)


def measure(files: list[Path], repeat: int, rounds: int = 5, keep: Path | None = None) -> dict:
    """Runs in its own process so peak memory is ours, not the generator's.

    Ingest is measured in `rounds` rounds, each into fresh database files: for each file a plain
    read, then our import of it right after (a pair measured close in time; the machine is
    shared and one run of a file can be off by 30%). A file's figures are the medians, and each
    round's overall ratio is kept. The last round's database is measured."""
    from onefunnel.db import connect, refresh_model
    from onefunnel.ingest import ingest_file
    from onefunnel import layer
    from onefunnel.metrics import CONTRACT_KEYS, metrics_document, owners
    from onefunnel.queries import run

    out: dict = {"files": {f.name: {"mb": f.stat().st_size / 1e6, "plain": [], "ingest": []} for f in files},
                 "round_ratios": [], "model_tables": [], "round_ratios_with_model": []}
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(rounds):
            if n:
                con.close()
                os.remove(Path(tmp) / f"bench{n - 1}.duckdb")
            con = connect(Path(tmp) / f"bench{n}.duckdb")
            for f in files:
                seconds, rows = _plain_read(f, Path(tmp) / f"plain{n}.duckdb")
                out["files"][f.name]["plain"].append(seconds)
                out["files"][f.name]["rows"] = rows
                t = time.perf_counter()
                r = ingest_file(con, f, who="bench", refresh=False)   # as `onefunnel ingest` of several files
                out["files"][f.name]["ingest"].append(time.perf_counter() - t)
                out["files"][f.name].update(loaded=r.rows_loaded, rejected=r.rows_rejected, one_pass=r.one_pass)
            os.remove(Path(tmp) / f"plain{n}.duckdb")
            t = time.perf_counter()
            refresh_model(con)   # the model's tables, once for the three files (the CLI's ingest does the same)
            out["model_tables"].append(time.perf_counter() - t)
            plain_s = sum(v["plain"][-1] for v in out["files"].values())
            ingest_s = sum(v["ingest"][-1] for v in out["files"].values())
            out["round_ratios"].append(ingest_s / plain_s)
            out["round_ratios_with_model"].append((ingest_s + out["model_tables"][-1]) / plain_s)
        for v in out["files"].values():
            v["plain_read_s"], v["ingest_s"] = statistics.median(v.pop("plain")), statistics.median(v.pop("ingest"))
        start, end = QUARTER
        t = time.perf_counter()
        metrics_document(con, start, end)
        out["metrics_cold_s"] = time.perf_counter() - t
        out["metrics_warm_s"] = _median_time(lambda: metrics_document(con, start, end), repeat)
        params = {"start": start, "end": end}
        out["metric_set_warm_s"] = _median_time(lambda: layer.values(con, CONTRACT_KEYS, start, end), repeat)
        out["attribution_summary_warm_s"] = _median_time(lambda: run(con, "attribution_summary", **params), repeat)
        out["owners_warm_s"] = _median_time(lambda: owners(con, start, end), repeat)
        lay = layer.layer()
        out["breakdowns"] = {   # every breakdown measure the dimension can split (stage: opportunities only)
            d: _median_time(lambda d=d: layer.by(con, [n for n in layer.names(breakdown=True) if lay.supports(n, d)],
                                                 d, start, end), repeat)
            for d in BREAKDOWN_DIMENSIONS}
        out["pivots"] = {name: _median_time(lambda p=p: layer.by(con, p[0], p[1], start, end, where=p[2]), repeat)
                         for name, p in PIVOTS.items()}
        page_params = {**params, "as_of": end, "sla_hours": 24.0, "goal": None, "model": "linear", "stall_days": 14, "owners": []}
        out["pages"] = {q: _median_time(lambda q=q: run(con, q, **page_params), repeat) for q in PAGE_QUERIES}
        out["review"] = measure_review(con, end, Path(tmp) / "review", repeat)
        con.close()
        db_file = Path(tmp) / f"bench{rounds - 1}.duckdb"
        cli = [sys.executable, "-m", "onefunnel", "metrics", "--db", str(db_file), "--start", str(start),
               "--end", str(end), "--json"]
        out["metrics_cli_s"] = _median_time(lambda: subprocess.run(cli, capture_output=True, check=True), 3)
        if keep is not None:   # the company's database, for bench.load's page walk: built by the code measured
            shutil.copy(db_file, keep)
        out["small_import"] = measure_small_import(db_file, Path(tmp))
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def measure_pages() -> dict:
    """Server-side render time of every page on a year of the demo company (AppTest, warm rerun)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from onefunnel.db import connect
    from demo.load import load_demo

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        con = connect(db)
        for _ in load_demo(con):
            pass
        con.close()
        os.environ["ONEFUNNEL_DB"], os.environ["ONEFUNNEL_TODAY"] = str(db), "2026-11-20"
        for page in sorted((ROOT / "pages").glob("*.py")):
            st.cache_data.clear()
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
            at.query_params["period"] = "Last 12 months"
            at.run()
            at.switch_page(f"pages/{page.name}")
            t = time.perf_counter()
            at.run()
            cold = time.perf_counter() - t
            t = time.perf_counter()
            at.run()
            out[page.stem] = {"cold_s": cold, "warm_s": time.perf_counter() - t, "ok": not at.exception}
        st.cache_resource.clear()
    return out


def measure_review(con, day, out_dir: Path, repeat: int) -> dict:
    """The weekly review of the last whole week before `day` + 3 days: its numbers (review.build, what the
    page gathers; cold and warm) and the export (charts, PDF, HTML, numbers.csv, as `onefunnel report`)."""
    import datetime as dt

    from onefunnel import report as review_report
    from onefunnel import review

    ref = day + dt.timedelta(days=3)
    week = review.last_whole_week(ref)
    t = time.perf_counter()
    r = review.build(con, week, ref)
    cold = time.perf_counter() - t
    warm = _median_time(lambda: review.build(con, week, ref), repeat)
    t = time.perf_counter()
    review_report.write(review.build(con, week, ref), out_dir)
    return {"week": week, "build_cold_s": cold, "build_warm_s": warm, "export_s": time.perf_counter() - t,
            "changes": [c.sentence for c in r.changes]}


SMALL_IMPORT = 20_000   # new leads of the import into the whole company (as bench.load's importing session)


def measure_small_import(db_file: Path, folder: Path) -> dict:
    """One import of SMALL_IMPORT new leads into the company, until its numbers are ready to read: the model's
    tables are patched for the new leads (onefunnel/model_patch.py), not rebuilt."""
    from bench.load import upload_file   # the file bench.load's importing session uploads
    from onefunnel.db import connect, refresh_model
    from onefunnel.ingest import ingest_file

    csv = upload_file(folder, SMALL_IMPORT)
    con = connect(db_file)
    try:
        t = time.perf_counter()
        ingest_file(con, csv, who="bench", refresh=False)
        stored = time.perf_counter() - t
        how = refresh_model(con)
        return {"rows": SMALL_IMPORT, "stored_s": stored, "ready_s": time.perf_counter() - t, "tables": how}
    finally:
        con.close()


def report(r: dict) -> str:
    lines = ["", "OneFunnel benchmark (one run; ingest: medians of rounds; queries: medians of warm repeats)", ""]
    lines.append(f"{'file':32} {'rows':>10} {'MB':>7} {'plain read s':>13} {'ingest s':>9} {'ratio':>6}  path")
    tot_plain = tot_ingest = 0.0
    for name, f in r["files"].items():
        tot_plain += f["plain_read_s"]
        tot_ingest += f["ingest_s"]
        lines.append(f"{name:32} {f['rows']:>10,} {f['mb']:>7.0f} {f['plain_read_s']:>13.2f} "
                     f"{f['ingest_s']:>9.2f} {f['ingest_s'] / f['plain_read_s']:>5.2f}x  "
                     f"{'one pass' if f.get('one_pass') else 'checked'}")
    lines.append(f"{'all files (records stored)':32} {'':>10} {'':>7} {tot_plain:>13.2f} {tot_ingest:>9.2f} "
                 f"{tot_ingest / tot_plain:>5.2f}x")
    if r.get("model_tables"):
        model = statistics.median(r["model_tables"])
        lines.append(f"{'  + the model tables, once':32} {'':>10} {'':>7} {'':>13} {model:>9.2f}")
        lines.append(f"{'all files, ready to read':32} {'':>10} {'':>7} {tot_plain:>13.2f} {tot_ingest + model:>9.2f} "
                     f"{(tot_ingest + model) / tot_plain:>5.2f}x   (issue 16 target: <= 1.3x)")
    if r.get("small_import"):
        v = r["small_import"]
        lines.append(f"then {v['rows']:,} new leads imported into the company: stored in {v['stored_s']:.2f} s, ready to "
                     f"read in {v['ready_s']:.2f} s (model tables {v['tables']}; rebuilding them all: "
                     f"{statistics.median(r['model_tables']):.2f} s)")
    if r.get("round_ratios"):
        lines.append(f"(medians of {len(r['round_ratios'])} rounds; all files per round, records stored: "
                     + ", ".join(f"{x:.2f}x" for x in r["round_ratios"]) + "; ready to read: "
                     + ", ".join(f"{x:.2f}x" for x in r.get("round_ratios_with_model", [])) + ")")
    lines.append("")
    lines.append(f"metrics document of one quarter ({QUARTER[0]}..{QUARTER[1]}, the CLI's JSON) in-process: "
                 f"cold {r['metrics_cold_s']:.2f} s, warm {r['metrics_warm_s']:.2f} s   (target < 1.5 s warm)")
    lines.append(f"  as a CLI process (python -m onefunnel metrics --json, median of 3): {r['metrics_cli_s']:.2f} s")
    lines.append(f"  {'full metric set (metrics layer)':40} {r['metric_set_warm_s']:.3f} s warm   (issue 16 target: <= 0.5 s)")
    lines.append(f"  {'attribution_summary':40} {r['attribution_summary_warm_s']:.3f} s warm")
    lines.append(f"  {'by owner (opportunity and lead owners)':40} {r['owners_warm_s']:.3f} s warm")
    lines.append("breakdowns of the quarter (every breakdown measure by one dimension, warm; issue 16 target: <= 0.3 s):")
    for k, sec in r.get("breakdowns", {}).items():
        lines.append(f"  {k:32} {sec:.3f} s")
    lines.append("Explore pivots of the quarter (a few measures by two dimensions, warm; target <= 0.5 s):")
    for k, sec in r.get("pivots", {}).items():
        lines.append(f"  {k:32} {sec:.3f} s")
    lines.append("page queries for the same quarter (warm):")
    for k, sec in r.get("pages", {}).items():
        lines.append(f"  {k:32} {sec:.3f} s")
    if r.get("review"):
        v = r["review"]
        lines.append(f"weekly review of {v['week']}: numbers cold {v['build_cold_s']:.2f} s, warm {v['build_warm_s']:.2f} s "
                     f"(target <= 2 s warm); export (PDF, HTML, numbers.csv) {v['export_s']:.2f} s (target <= 10 s)")
    if r.get("render"):
        lines.append("page render on a year of the demo company (server side, AppTest; cold / warm):")
        for k, v in r["render"].items():
            lines.append(f"  {k:32} {v['cold_s']:.2f} s / {v['warm_s']:.2f} s" + ("" if v["ok"] else "  (error!)"))
    lines.append(f"peak memory (RSS) of ingest + metrics: {r['peak_rss_mb']:.0f} MB   (target < 2048 MB)")
    lines += [""] + summary(r)
    return "\n".join(lines)


def summary(r: dict) -> list[str]:
    """One line per issue 16 target this run measures: the figure, the target and their ratio (<= 1 is met).
    The pages' targets are measured in Chromium by python -m bench.load, which prints its own lines."""
    plain = sum(f["plain_read_s"] for f in r["files"].values())
    ingest = sum(f["ingest_s"] for f in r["files"].values()) + statistics.median(r.get("model_tables") or [0.0])
    rows = [("full metric set of a quarter, warm", r["metric_set_warm_s"], 0.5, "s"),
            ("slowest breakdown, warm", max(r["breakdowns"].values()), 0.3, "s"),
            ("ingest of the files, ready to read / plain read", ingest / plain, 1.3, "x"),
            ("peak RSS", r["peak_rss_mb"], 2048, "MB")]
    out = ["Summary, issue 16 targets (figure / target = ratio; <= 1.00 is met)"]
    for name, value, target, unit in rows:
        out.append(f"  {name:50} {value:8.2f} {unit:2} / {target:g} {unit:2} = {value / target:5.2f}  "
                   + ("met" if value <= target else "MISSED"))
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench")
    p.add_argument("--leads", type=int, default=1_000_000)
    p.add_argument("--touches", type=int, default=5_000_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--rounds", type=int, default=5, help="ingest rounds (each into fresh database files)")
    p.add_argument("--measure", nargs="*", help=argparse.SUPPRESS)
    p.add_argument("--keep", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--pages", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.measure:
        print(json.dumps(measure([Path(f) for f in args.measure], args.repeat, args.rounds, args.keep)))
        return 0
    if args.pages:
        print(json.dumps(measure_pages()))
        return 0
    t = time.perf_counter()
    files = generate(BENCH_DIR / f"{args.leads}", args.leads, args.touches)
    print(f"data ready in {time.perf_counter() - t:.1f} s: " + ", ".join(f.name for f in files))
    proc = subprocess.run([sys.executable, "-m", "bench", "--repeat", str(args.repeat), "--rounds", str(args.rounds),
                           "--keep", str(files[0].parent / "company.duckdb"), "--measure", *map(str, files)],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
        print(proc.stdout, proc.stderr, file=sys.stderr)
        return proc.returncode
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    pages = subprocess.run([sys.executable, "-m", "bench", "--pages"], capture_output=True, text=True, cwd=ROOT)
    if pages.returncode == 0:
        result["render"] = json.loads(pages.stdout.strip().splitlines()[-1])
    else:
        print("page render timing failed:", pages.stderr[-2000:], file=sys.stderr)
    print(report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
