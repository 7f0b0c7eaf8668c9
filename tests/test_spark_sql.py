"""The DuckDB-to-Spark translation of the Spark engine without a Spark (fast): parameters, macros, twins.
That the translated SQL gives DuckDB's numbers is tests/test_spark_engine.py (marked spark)."""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("sqlglot")

from onefunnel.engines.spark import bind, macros, to_spark_sql  # noqa: E402

P = {"start": dt.date(2026, 7, 1), "end": dt.date(2026, 9, 30), "as_of": dt.date(2026, 9, 30),
     "sla_hours": 24.0, "goal": None}


def test_bind_puts_literals_and_leaves_strings_alone():
    assert bind("select $start::date, '$start ?', $goal, $n", {"start": dt.date(2026, 7, 1), "goal": None,
                                                              "n": 2.5}) \
        == "select DATE '2026-07-01'::date, '$start ?', NULL, CAST(2.5 AS DOUBLE)"
    assert bind("select value from settings where key = ?", ["it's"]) \
        == "select value from settings where key = 'it''s'"
    assert bind("select $w", {"w": ["a", "b"]}) == "select ['a', 'b']"
    with pytest.raises(TypeError):
        bind("select $missing", {})


def test_macros_are_read_from_the_model_files():
    args, is_table, body = macros()["touch_credits_between"]
    assert args == ["start_date", "end_date"] and is_table and "touch_credit_rows" in body
    args, is_table, _ = macros()["sla_status"]
    assert args == ["response_hours", "mql_at", "sla_hours", "as_of"] and not is_table


def test_the_cli_queries_translate_to_spark_without_duckdb_only_syntax():
    from onefunnel import layer
    from onefunnel.metrics import CONTRACT_KEYS, LEAD_OWNER_KEYS, OPPORTUNITY_OWNER_KEYS
    from onefunnel.queries import sql_text

    queries = [layer.compile_sql(tuple(CONTRACT_KEYS)), layer.compile_sql(tuple(layer.names(breakdown=True)), "channel"),
               layer.compile_sql(tuple(OPPORTUNITY_OWNER_KEYS + ["lost_deals"]), "owner"),
               layer.compile_sql(tuple(LEAD_OWNER_KEYS), "owner"), sql_text("attribution_summary")]
    for q in queries:
        out = to_spark_sql(q, P).lower()
        for duckdb_only in ("by name", "touch_credits_between(", "sla_status(", "median(", "quantile_cont",
                            "epoch(", "$", "::"):
            assert duckdb_only not in out, duckdb_only
    # the sales cycle: a date minus a date is a number of days (datediff), not a Spark interval
    assert "datediff(o.close_date, cast(o.created_at as date))" in to_spark_sql(
        layer.compile_sql(("sales_cycle_days",)), P).lower()
