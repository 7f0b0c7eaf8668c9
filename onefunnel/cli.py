"""Command line: `python -m onefunnel ingest | formats | goal | quota | metrics | export | report | demo | undo | sql | alerts |
backup | restore` (see README)."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import decimal
import json
import math
import sys

from onefunnel.db import DatabaseLocked, connect, db_path, refresh_model, set_goal, set_quota


BREAKDOWN_DIMENSIONS = ["channel", "campaign", "owner"]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m onefunnel", description="OneFunnel command line")
    sub = p.add_subparsers(dest="command", required=True)

    def with_db(sp):
        sp.add_argument("--db", help="database file (default: $ONEFUNNEL_DB or data/onefunnel.duckdb)")
        return sp

    ing = with_db(sub.add_parser("ingest", help="import export files, in the order given"))
    ing.add_argument("files", nargs="+")
    ing.add_argument("--format", dest="mapping", metavar="NAME",
                     help="read the files with this saved column mapping (python -m onefunnel formats lists them)")
    ing.add_argument("--encoding", metavar="NAME",
                     help="read text files with this encoding instead of the detected one (e.g. utf-8, cp1252, "
                          "cp1250, shift_jis)")
    ing.add_argument("--old-open-deals", choices=["keep", "lost", "skip"], default="keep",
                     help="open deals whose close date is over 90 days past or missing: keep them open (default), "
                          "treat them as lost, or skip them (left out of every number)")

    with_db(sub.add_parser("formats", help="list the saved column mappings (made on the Data page)"))

    goal = with_db(sub.add_parser("goal", help="set the revenue goal of a month"))
    goal.add_argument("--month", required=True, help="YYYY-MM")
    goal.add_argument("--amount", required=True, type=float)

    quota = with_db(sub.add_parser("quota", help="set an opportunity owner's quota for a month"))
    quota.add_argument("--owner", required=True, help="the owner's name as the pages show it")
    quota.add_argument("--month", required=True, help="YYYY-MM")
    quota.add_argument("--amount", required=True, type=float)

    met = with_db(sub.add_parser("metrics", help="every metric of METRICS.md for a period"))
    met.add_argument("--start", required=True, type=_date)
    met.add_argument("--end", required=True, type=_date)
    met.add_argument("--as-of", type=_date)
    met.add_argument("--goal", type=float, help="revenue goal of the period (overrides monthly goals)")
    met.add_argument("--sla-hours", type=float)
    met.add_argument("--compare", choices=["previous", "year"],
                     help="add the like-for-like comparison period (METRICS.md \"Comparisons\")")
    met.add_argument("--by", choices=BREAKDOWN_DIMENSIONS,
                     help="add one row per value of the dimension (METRICS.md \"Breakdowns\")")
    met.add_argument("--json", action="store_true", help="print the JSON contract of METRICS.md")
    met.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb",
                     help="where the metrics are computed (spark: over the Parquet export, README \"Spark\")")
    met.add_argument("--spark-master", default="local[2]", help="Spark master URL (local[N], spark://HOST:7077, ...)")
    met.add_argument("--parquet", metavar="DIR", help="with --engine spark: an export (python -m onefunnel export) "
                                                        "to read; without it the database is exported to a temp dir")

    ex = with_db(sub.add_parser("export", help="write the canonical tables as Parquet (for --engine spark)",
                                 description="Exit codes: 0 written; 1 a workspace without data (nothing written)."))
    ex.add_argument("--parquet", required=True, metavar="DIR", help="folder to write (replaced as a whole)")

    rep = with_db(sub.add_parser("report", help="the weekly review as review.pdf, review.html and numbers.csv",
                                 description="Exit codes: 0 written; 1 a malformed or future week, a workspace "
                                             "without data, or the export failed (no file is written)."))
    rep.add_argument("--week", required=True, help="ISO week, YYYY-Www (e.g. 2026-W38)")
    rep.add_argument("--out", required=True, help="folder to write the three files into (created if needed)")

    undo = with_db(sub.add_parser("undo", help="take one import back (records it replaced are not restored)"))
    undo.add_argument("import_id", type=int, help="the import's number (#) in the Data page's history")

    demo = with_db(sub.add_parser("demo", help="write and load the demo company"))
    demo.add_argument("--if-empty", action="store_true", help="only when the database holds no data")

    sql = with_db(sub.add_parser("sql", help="run one read-only SELECT in the SQL console's sandbox",
                                 description="Exit codes: 0 printed, 1 the query failed (or the database "
                                             "cannot be read), 2 refused (nothing ran), 3 stopped at the time limit."))
    sql.add_argument("query", nargs="?", help="one SELECT (or WITH ... SELECT) over the canonical views")
    sql.add_argument("--format", choices=["csv", "json"], default="csv",
                     help="csv (a header row, the default) or json (a list of objects)")
    sql.add_argument("--time-limit", type=float, metavar="SECONDS",
                     help="interrupt the query after this long (default: the setting console_time_limit_s)")
    sql.add_argument("--schema", action="store_true",
                     help="print the canonical views and table macros, their columns and types instead")
    al = with_db(sub.add_parser("alerts", help="post each owner's digest (SLA breaches, soon-to-breach, rejections, "
                                              "deals won) since a moment to a Slack/Teams webhook",
                                description="Exit codes: 0 posted (or printed, or sent before), 1 a post failed "
                                            "after its retries, 2 bad arguments."))
    al.add_argument("--since", required=True, type=_datetime, metavar="DATETIME",
                    help="the window's start, e.g. 2026-09-29T00:00 (a digest of an owner and a start is posted once)")
    al.add_argument("--until", type=_datetime, metavar="DATETIME", help="the window's end (default: now)")
    al.add_argument("--webhook", metavar="URL", help="Slack or Teams incoming webhook")
    al.add_argument("--dry-run", action="store_true", help="print the JSON instead of posting it")
    al.add_argument("--soon-hours", type=float, default=4.0, help="'due soon' = the SLA runs out within this (4)")
    al.add_argument("--retries", type=int, default=3, help="retries of a failed post (3)")
    al.add_argument("--backoff", type=float, default=1.0, help="seconds before the first retry, doubled each time (1)")
    bk = with_db(sub.add_parser("backup", help="write a consistent backup of the database into a new folder, "
                                               "also while the app runs"))
    bk.add_argument("folder")
    rs = with_db(sub.add_parser("restore", help="replace the database with a backup (stop the app first)",
                                description="Exit codes: 0 restored, 1 not a usable backup, 2 the database is in use."))
    rs.add_argument("folder")
    return p


def cmd_backup(args) -> int:
    """EXPORT DATABASE in one transaction; when the app holds the file, the app's process writes it."""
    from onefunnel import backup

    path = db_path(args.db)
    if not path.is_file():
        print(f"error: no database at {path}", file=sys.stderr)
        return 1
    try:
        try:
            con = connect(path)
        except DatabaseLocked:
            print(f"note: another OneFunnel process holds {path}; asking it to write the backup", file=sys.stderr)
            manifest = backup.ask_the_app(path, args.folder)
        else:
            try:
                manifest = backup.export(con, args.folder, path)
            finally:
                con.close()
    except backup.BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    rows = manifest["rows"]
    print(f"backup of {path} written to {manifest['folder']}: {len(rows)} tables, {sum(rows.values()):,} rows "
          f"({rows.get('lead_records', 0):,} lead records, {rows.get('opportunity_records', 0):,} opportunity "
          f"records, {rows.get('imports', 0):,} imports)")
    return 0


def cmd_restore(args) -> int:
    from onefunnel import backup

    path = db_path(args.db)
    try:
        manifest = backup.read_manifest(args.folder)
        kept = backup.restore(args.folder, path)
    except backup.BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2 if "in use" in str(exc) else 1
    print(f"restored {path} from the backup of {manifest['created_at']} ({manifest['folder']})"
          + (f"; the database it replaced is kept as {kept}" if kept else ""))
    return 0


def _datetime(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date and time (YYYY-MM-DDTHH:MM): {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command in ("backup", "restore"):   # open the file themselves (or ask the app that holds it)
        return cmd_backup(args) if args.command == "backup" else cmd_restore(args)
    if args.command == "sql":      # checks the statement before it opens anything
        return cmd_sql(args)
    if args.command == "report":   # checks the week (and that a database exists) before it opens anything
        return cmd_report(args)
    if args.command == "metrics" and args.engine == "spark":   # reads Parquet; opens the database only to export
        return cmd_metrics_spark(args)
    return _with_database(args, lambda con: COMMANDS[args.command](con, args))


def _with_database(args, work) -> int:
    """work(con) on the database of --db, closed after; exit status 2 with the message when another process
    holds the file."""
    try:
        con = connect(db_path(args.db))
    except DatabaseLocked as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        return work(con)
    finally:
        con.close()


def _mapping_names(con) -> str:
    from onefunnel.ingest import custom_formats

    names = [f["label"] for f in custom_formats(con)]
    return ("saved mappings: " + ", ".join(repr(n) for n in names)) if names else \
        "no mapping is saved yet (map the columns on the Data page, 'Map the columns yourself')"


def cmd_ingest(con, args) -> int:
    from onefunnel.ingest import FileRefused, find_custom_format, ingest_file

    key = None
    if args.mapping is not None:
        entry = find_custom_format(con, args.mapping)
        if entry is None:
            print(f"error: no saved mapping named {args.mapping!r}; {_mapping_names(con)}", file=sys.stderr)
            return 2
        key = entry["key"]
    if args.encoding:
        import codecs

        try:
            codecs.lookup(args.encoding)
        except LookupError:
            print(f"error: unknown text encoding {args.encoding!r} (e.g. utf-8, cp1252, cp1250, shift_jis)",
                  file=sys.stderr)
            return 2
    failed = 0
    for name in args.files:
        try:
            r = ingest_file(con, name, who="cli", mapping_key=key, old_open_deals=args.old_open_deals,
                            encoding=args.encoding, refresh=False)
        except FileRefused as exc:
            failed += 1
            print(f"REFUSED {exc}", file=sys.stderr)
            continue
        except OSError as exc:
            failed += 1
            print(f"REFUSED {name}: cannot read the file ({exc.strerror})", file=sys.stderr)
            continue
        print(f"{r.file_name}: {r.label}, {r.rows_loaded} rows loaded ({r.rows_new} new), "
              f"{r.rows_rejected} rejected" + (f", {r.rows_skipped} summary rows skipped" if r.rows_skipped else ""))
        ignored = [f"not used: {', '.join(r.ignored_columns)} (map them on the Data page, 'Map the columns yourself')"]
        for note in r.notes + [f"{c}: {how}" for c, how in r.readings.items()] + (ignored if r.ignored_columns else []):
            print(f"  - {note}")
        if r.kind == "opportunity" and args.old_open_deals == "keep" and any("open deals are old" in n for n in r.notes):
            print("  - to treat them as lost or leave them out: ingest again with --old-open-deals lost|skip")
        for rej in r.rejects[:20]:
            print(f"  rejected line {rej.line}, column {rej.column!r}: {rej.value!r}: {rej.reason}")
        if len(r.rejects) > 20:
            print(f"  ... and {len(r.rejects) - 20} more rejected rows")
    refresh_model(con)   # once for every file (each import stored its records already)
    return 1 if failed else 0


def cmd_formats(con, args) -> int:
    from onefunnel.ingest import custom_formats

    formats = custom_formats(con)
    if not formats:
        print(_mapping_names(con))
        return 0
    for f in formats:
        print(f"{f['label']}: {f['kind']} records")
        print("  " + ", ".join(f"{column} -> {field}" for field, column in f["fields"].items()))
    return 0


def cmd_goal(con, args) -> int:
    try:
        set_goal(con, args.month, args.amount, who="cli")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"goal for {args.month}: {args.amount:,.2f}")
    return 0


def cmd_quota(con, args) -> int:
    try:
        changed = set_quota(con, args.owner, args.month, args.amount, who="cli")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"quota of {args.owner.strip()} for {args.month}: {args.amount:,.2f}" + ("" if changed else " (unchanged)"))
    return 0


def cmd_metrics(con, args) -> int:
    from onefunnel.metrics import metrics_document

    try:
        doc = metrics_document(con, args.start, args.end, args.as_of, args.sla_hours, args.goal,
                               compare=args.compare, by=args.by)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(doc, indent=2))
    else:
        before = doc.get("comparison", {}).get("metrics", {})
        for k, v in doc["metrics"].items():
            print(f"{k:32} {v}" + (f"  (comparison: {before[k]})" if k in before else ""))
        for row in doc.get("by", {}).get("rows", []):
            print(f"{args.by} {row['value']}: " + ", ".join(f"{k} {v}" for k, v in row.items() if k != "value"))
    return 0


def cmd_metrics_spark(args) -> int:
    """`metrics --engine spark`: the same document computed by Spark over a Parquet export."""
    import tempfile

    try:
        from onefunnel.engines import spark as engine
    except ImportError as exc:
        print(f"error: the Spark engine needs {exc.name} (pip install -r requirements.txt)", file=sys.stderr)
        return 2
    from onefunnel.export import EmptyWorkspace, export_parquet

    with tempfile.TemporaryDirectory(prefix="onefunnel-spark-") as tmp:
        folder = args.parquet
        if folder is None:
            folder = f"{tmp}/export"

            def export(con) -> int:
                try:
                    export_parquet(con, folder)
                except EmptyWorkspace as exc:
                    print(f"error: {exc}", file=sys.stderr)
                    return 1
                return 0

            if status := _with_database(args, export):
                return status
        try:
            spark = engine.session(args.spark_master)
        except Exception as exc:   # no Java, or a master that does not answer
            print(f"error: Spark did not start ({str(exc).strip().splitlines()[0]}); it needs Java 17 "
                  "(scripts/ensure-java) and a reachable --spark-master", file=sys.stderr)
            return 2
        try:
            return cmd_metrics(engine.SparkConnection(spark, folder), args)
        finally:
            spark.stop()


def cmd_export(con, args) -> int:
    from onefunnel.export import EmptyWorkspace, export_parquet

    try:
        rows = export_parquet(con, args.parquet)
    except EmptyWorkspace as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{args.parquet}: {len(rows)} tables, " + ", ".join(f"{t} {n:,}" for t, n in rows.items()))
    return 0


def cmd_demo(con, args) -> int:
    from demo.load import load_demo   # not part of the runtime package

    if args.if_empty and con.execute("select count(*) from imports").fetchall()[0][0]:
        print("the database already holds data; demo not loaded")
        return 0
    for line in load_demo(con):
        print(line)
    return 0


def cmd_alerts(con, args) -> int:
    from onefunnel import alerts, standup

    if not args.dry_run and not args.webhook:
        print("error: give --webhook URL, or --dry-run to print the digests", file=sys.stderr)
        return 2
    until = args.until or standup.now()
    return alerts.send_all(con, args.since, until, args.webhook, args.dry_run, args.soon_hours,
                           max(args.retries, 0), max(args.backoff, 0.0))


def cmd_undo(con, args) -> int:
    from onefunnel.ingest.undo import LIMITS, UndoRefused, undo_import

    try:
        counts = undo_import(con, args.import_id, who="cli")
    except UndoRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    name = con.execute("select file_name from imports where import_id = ?", [args.import_id]).fetchall()[0][0]
    removed = ", ".join(f"{n} {table}" for table, n in counts.items() if n) or "no rows"
    print(f"import #{args.import_id} ({name}) taken back: removed {removed}")
    print(f"  - note: {LIMITS}")
    return 0


def cmd_sql(args) -> int:
    """One query in the console's sandbox over the database's snapshot (see onefunnel/console.py)."""
    from onefunnel import console

    if not args.schema:
        try:
            console.check(args.query or "")
        except console.Refused as exc:
            print(f"refused: {exc}", file=sys.stderr)
            return 2
    if args.time_limit is not None and not args.time_limit > 0:
        print("error: --time-limit must be more than 0 seconds", file=sys.stderr)
        return 2
    path = db_path(args.db)
    if not path.is_file():
        print(f"error: no database at {path}", file=sys.stderr)
        return 1
    try:
        con = connect(path)
    except DatabaseLocked as exc:   # the app holds the file: read the snapshot it took last
        snap = console.latest_snapshot(path)
        if snap is None:
            print(f"error: {exc} It has no SQL console snapshot yet (one is taken at the first query on the "
                  "SQL console page).", file=sys.stderr)
            return 1
        taken = dt.datetime.fromtimestamp(snap.stat().st_mtime).strftime("%Y-%m-%d %H:%M:%S")
        print(f"note: another OneFunnel process holds {path}; reading the SQL console snapshot it took at {taken}",
              file=sys.stderr)
        con = duckdb_read_only(snap)
    else:
        snap = None if args.schema else console.snapshot(con, path)
    try:
        if args.schema:
            return _print_schema(console.schema(con), args.format)
        lim = console.limits(con, args.time_limit)
    finally:
        con.close()
    try:
        result = console.run(args.query, snap, lim, max_rows=console.DOWNLOAD_ROWS)
    except console.Refused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    except console.TimedOut as exc:
        print(f"stopped: {exc}", file=sys.stderr)
        return 3
    except console.QueryFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    _print_rows(result.names(), result.rows(), args.format)
    if result.truncated:
        print(f"note: only the first {console.DOWNLOAD_ROWS:,} rows are printed", file=sys.stderr)
    return 0


def cmd_report(args) -> int:
    """The weekly review's three files (onefunnel/report.py); nothing is written unless all three are."""
    from onefunnel import periods, report, review

    try:
        review.check_week(args.week, periods.today())
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    path = db_path(args.db)
    if not path.is_file():
        print(f"error: no data: there is no database at {path} (import exports first)", file=sys.stderr)
        return 1
    try:
        con = connect(path)
    except DatabaseLocked as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        if not con.execute("select count(*) from imports where undone_at is null").fetchall()[0][0]:
            print(f"error: no data: the workspace {path} has no imported data, so there is nothing to review",
                  file=sys.stderr)
            return 1
        r = review.build(con, args.week, periods.today())
        written = report.write(r, args.out)
    except report.ExportFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    for f in written:
        print(f)
    return 0


def duckdb_read_only(path):
    import duckdb

    return duckdb.connect(str(path), read_only=True)


def _plain(v):
    """A value as JSON has it: times as ISO text, decimals as numbers, NaN as null."""
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return v.isoformat(sep=" ") if isinstance(v, dt.datetime) else v.isoformat()
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, (bytes, bytearray)):
        return v.hex()
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    return str(v)


def _cell(v) -> str:
    v = _plain(v)
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    return str(v)


def _print_rows(names, rows, fmt: str) -> None:
    if fmt == "json":
        print(json.dumps([dict(zip(names, map(_plain, r))) for r in rows], indent=1))
        return
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(names)
    for r in rows:
        out.writerow([_cell(v) for v in r])


def _print_schema(objects, fmt: str) -> int:
    if fmt == "json":
        print(json.dumps([{"view": o["title"], "kind": o["kind"], "description": o["sentence"],
                           "columns": [{"name": c, "type": t} for c, t in o["columns"]]} for o in objects], indent=1))
    else:
        _print_rows(["view", "kind", "column", "type", "description"],
                    [(o["title"], o["kind"], c, t, o["sentence"]) for o in objects for c, t in o["columns"]], "csv")
    return 0


COMMANDS = {"ingest": cmd_ingest, "formats": cmd_formats, "goal": cmd_goal, "quota": cmd_quota, "metrics": cmd_metrics, "export": cmd_export, "demo": cmd_demo, "undo": cmd_undo,
            "alerts": cmd_alerts}
