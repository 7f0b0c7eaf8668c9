"""`python -m bench.spark` (part of `make bench`): the metrics of one quarter on Spark beside DuckDB, on the
1M-lead company of `python -m bench` (data/bench/1000000/company.duckdb, generated and ingested once).

Reported separately: the Parquet export (`python -m onefunnel export`), Spark's start-up (JVM + session),
registering the Parquet files as views, then the same work on each engine: the CLI's metrics document of
the quarter (cold = first run, warm = median of repeats) and its three breakdowns. Figures only, never
asserted; Spark runs in local mode on this machine unless --spark-master says otherwise.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.scale import QUARTER


def _timed(fn) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def _engine_run(con, repeat: int) -> dict:
    from onefunnel import layer
    from onefunnel.metrics import metrics_document

    start, end = QUARTER
    cold, doc = _timed(lambda: metrics_document(con, start, end))
    warm = statistics.median(_timed(lambda: metrics_document(con, start, end))[0] for _ in range(repeat))
    by = {d: _timed(lambda d=d: layer.breakdown(con, d, start, end))[0] for d in ("channel", "campaign", "owner")}
    return {"doc_cold_s": cold, "doc_warm_s": warm, "by": by, "doc": doc}


def measure(db: Path, master: str, repeat: int) -> dict:
    from onefunnel.db import connect
    from onefunnel.engines import spark as engine
    from onefunnel.export import export_parquet

    r: dict = {"db": str(db), "master": master}
    con = connect(db)
    try:
        r["leads"] = con.execute("select count(*) from leads").fetchall()[0][0]
        r["touches"] = con.execute("select count(*) from touches").fetchall()[0][0]
        r["duckdb"] = _engine_run(con, repeat)
        with tempfile.TemporaryDirectory(prefix="onefunnel-bench-spark-") as tmp:
            r["export_s"], _ = _timed(lambda: export_parquet(con, Path(tmp) / "pq"))
            con.close()
            con = None
            r["spark_start_s"], spark = _timed(lambda: engine.session(master))
            try:
                r["spark_views_s"], sc = _timed(lambda: engine.SparkConnection(spark, str(Path(tmp) / "pq")))
                r["spark"] = _engine_run(sc, repeat)
                r["duckdb"].pop("doc"), r["spark"].pop("doc")
            finally:
                spark.stop()
    finally:
        if con is not None:
            con.close()
    return r


def report(r: dict) -> str:
    d, s = r["duckdb"], r["spark"]
    lines = ["", f"Spark beside DuckDB: metrics of {QUARTER[0]}..{QUARTER[1]} on {r['leads']:,} leads, "
                 f"{r['touches']:,} touches (Spark master {r['master']})",
             f"  export to Parquet (DuckDB COPY, every canonical table)  {r['export_s']:7.2f} s",
             f"  Spark start-up (JVM + session)                          {r['spark_start_s']:7.2f} s",
             f"  Spark: register the Parquet files as views              {r['spark_views_s']:7.2f} s",
             f"  {'':54} {'DuckDB':>8} {'Spark':>8}",
             f"  {'metrics document, cold (first run)':54} {d['doc_cold_s']:7.2f}s {s['doc_cold_s']:7.2f}s",
             f"  {'metrics document, warm (median)':54} {d['doc_warm_s']:7.2f}s {s['doc_warm_s']:7.2f}s"]
    for dim in d["by"]:
        lines.append(f"  {'breakdown by ' + dim:54} {d['by'][dim]:7.2f}s {s['by'][dim]:7.2f}s")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.spark")
    p.add_argument("--db", type=Path, help="a workspace (default: the 1M-lead company of python -m bench)")
    p.add_argument("--spark-master", default="local[2]")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    if args.db is None:
        from bench.load import company_db
        args.db = company_db()
    print(report(measure(args.db, args.spark_master, args.repeat)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
