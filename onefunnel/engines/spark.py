"""The Spark engine: the metrics layer's DuckDB SQL run as Spark SQL over the canonical tables in Parquet.

`SparkConnection(spark, DIR)` registers each table of `python -m onefunnel export --parquet DIR` as a temp
view of the same name and offers `execute(sql, params)` like a DuckDB connection, so `metrics_document`,
`layer.values` and `layer.by` run on it unchanged. Each statement is translated by `to_spark_sql`:

1. the `$name` (or `?`) parameters are bound as SQL literals;
2. the DuckDB macros it calls (queries/model/*.sql: the table macro `touch_credits_between`, the scalar
   `sla_status`, ...) are expanded inline from their one definition (Spark has no macros);
3. SQLGlot transpiles the rest (`sqlglot.transpile(sql, read="duckdb", write="spark")`), after the few
   rewrites SQLGlot cannot know to make, each the Spark twin of one DuckDB construct (see SPARK_TWINS).
"""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import math
import re
from functools import lru_cache

import sqlglot
from sqlglot import exp

from onefunnel import QUERIES_DIR
from onefunnel.export import TABLES

# ---- parameters -------------------------------------------------------------------------------------

_STRING_OR_PARAM = re.compile(r"('(?:[^']|'')*')|\$([a-z_][a-z0-9_]*)|(\?)", re.I)


def literal(value) -> str:
    """A Python value as a DuckDB SQL literal (what DuckDB would bind)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, decimal.Decimal)):
        return str(value)
    if isinstance(value, float):   # DuckDB binds a float as DOUBLE; a bare 24.0 would read as a DECIMAL
        return f"CAST({value!r} AS DOUBLE)"
    if isinstance(value, dt.datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return "'" + str(value).replace("'", "''") + "'"


def bind(sql: str, params=None) -> str:
    """The SQL with `$name` (params a dict) or `?` (params a sequence) replaced by literals; text inside
    string literals is left alone."""
    params = params if params is not None else {}
    positional = list(params) if isinstance(params, (list, tuple)) else None

    def sub(m: re.Match) -> str:
        if m.group(1):
            return m.group(1)
        if m.group(2):
            if positional is not None or m.group(2) not in params:
                raise TypeError(f"no value for the parameter ${m.group(2)}")
            return literal(params[m.group(2)])
        if positional is None or not positional:
            raise TypeError("a ? parameter without a value")
        return literal(positional.pop(0))

    return _STRING_OR_PARAM.sub(sub, sql)


# ---- macros ------------------------------------------------------------------------------------------

_expansions = itertools.count(1)
_MACRO = re.compile(r"create\s+or\s+replace\s+macro\s+(\w+)\s*\(([^)]*)\)\s+as\s+(table\s+)?(.*?);[ \t]*$",
                    re.S | re.M | re.I)


@lru_cache(maxsize=1)
def macros() -> dict[str, tuple[list[str], bool, str]]:
    """Every DuckDB macro of queries/model/*.sql: name -> (argument names, is a table macro, body SQL)."""
    out = {}
    for path in sorted((QUERIES_DIR / "model").glob("*.sql")):
        text = re.sub(r"--[^\n]*", "", path.read_text())
        for name, args, table, body in _MACRO.findall(text):
            out[name.lower()] = ([a.strip().lower() for a in args.split(",") if a.strip()], bool(table), body)
    return out


def _macro_body(name: str, args: list[exp.Expression]) -> exp.Expression:
    arg_names, _, body = macros()[name]
    if len(args) != len(arg_names):
        raise TypeError(f"macro {name} takes {len(arg_names)} arguments, not {len(args)}")
    tree = sqlglot.parse_one(body, read="duckdb")
    given = dict(zip(arg_names, args))
    # its CTEs renamed: SQLGlot's Spark output lifts nested CTEs to the top, where names must be unique
    own = {cte.alias: f"{name}_{next(_expansions)}_{cte.alias}" for w in tree.find_all(exp.With)
           for cte in w.expressions}

    def put(node):
        if isinstance(node, exp.Column) and not node.table and node.name.lower() in given:
            return given[node.name.lower()].copy()
        if isinstance(node, exp.TableAlias) and isinstance(node.parent, exp.CTE) and node.name in own:
            return exp.TableAlias(this=exp.to_identifier(own[node.name]), columns=node.args.get("columns"))
        if isinstance(node, exp.Table) and not node.db and node.name in own:
            alias = node.alias or node.name
            return exp.Table(this=exp.to_identifier(own[node.name]),
                             alias=exp.TableAlias(this=exp.to_identifier(alias)))
        return node
    return tree.transform(put)


def expand_macros(tree: exp.Expression) -> exp.Expression:
    """Each call of a DuckDB macro replaced by its body with the arguments put in: a table macro as a
    subquery under the call's alias, a scalar macro as a parenthesised expression."""
    for _ in range(20):   # macros may call macros; 20 levels is far beyond what the model files nest
        calls = [n for n in tree.find_all(exp.Anonymous) if str(n.this).lower() in macros()]
        if not calls:
            return tree
        for call in calls:
            name = str(call.this).lower()
            body = _macro_body(name, list(call.expressions))
            parent = call.parent
            if macros()[name][1] and isinstance(parent, exp.Table):
                alias = parent.alias or name
                parent.replace(exp.Subquery(this=body, alias=exp.TableAlias(this=exp.to_identifier(alias))))
            else:
                call.replace(exp.Paren(this=body))
    raise ValueError("macros nest too deep (a macro that calls itself?)")


# ---- the Spark twins of DuckDB constructs ------------------------------------------------------------

_DATE_COLUMNS = {"close_date", "day", "date", "month"}   # DATE columns of the canonical tables


def _is_date(node: exp.Expression) -> bool:
    """Whether an expression is a DATE by its form: a cast to date, a date column, least/greatest of dates."""
    if isinstance(node, exp.Paren):
        return _is_date(node.this)
    if isinstance(node, exp.Cast):
        return node.to.this == exp.DataType.Type.DATE
    if isinstance(node, exp.Column):
        return node.name.lower() in _DATE_COLUMNS
    if isinstance(node, (exp.Least, exp.Greatest)):
        return all(_is_date(a) for a in [node.this, *node.expressions])
    return False


def _twin(node: exp.Expression) -> exp.Expression:
    # DuckDB: date - date is a number of days. Spark: an interval; datediff(end, start) is the days.
    if isinstance(node, exp.Sub) and _is_date(node.this) and _is_date(node.expression):
        return exp.Anonymous(this="DATEDIFF", expressions=[node.this.copy(), node.expression.copy()])
    # DuckDB median / quantile_cont interpolate; Spark's exact percentile does the same
    # (its percentile_cont takes the WITHIN GROUP form SQLGlot does not write from DuckDB's).
    if isinstance(node, exp.Median):
        return exp.Anonymous(this="PERCENTILE", expressions=[node.this.copy(), exp.Literal.number("0.5")])
    if isinstance(node, exp.PercentileCont) or (isinstance(node, exp.Anonymous) and str(node.this).lower() == "quantile_cont"):
        args = [node.this, node.expression] if isinstance(node, exp.PercentileCont) else node.expressions
        return exp.Anonymous(this="PERCENTILE", expressions=[a.copy() for a in args])
    # DuckDB epoch(ts): seconds with the fraction. Spark's unix_timestamp drops it: use microseconds.
    if isinstance(node, exp.TimeToUnix):
        micros = exp.Anonymous(this="UNIX_MICROS", expressions=[exp.cast(node.this.copy(), "timestamp")])
        return exp.Div(this=micros, expression=exp.Literal.number("1000000.0"))
    return node


def _output_names(node: exp.Expression, ctes: dict) -> list[str] | None:
    """The column names a query gives, following `select *` into the CTE or subquery it reads."""
    if isinstance(node, exp.Subquery):
        return _output_names(node.this, ctes)
    if isinstance(node, exp.Union):
        return _output_names(node.this, ctes)
    if not isinstance(node, exp.Select):
        return None
    names = []
    for e in node.expressions:
        if isinstance(e, exp.Star):
            src = node.args.get("from_") or node.args.get("from")
            if src is None or node.args.get("joins"):
                return None
            t = src.this
            inner = ctes.get(t.name) if isinstance(t, exp.Table) else t
            sub = _output_names(inner, ctes) if inner is not None else None
            if sub is None:
                return None
            names += sub
        else:
            names.append(e.alias_or_name)
    return names


def _ctes_of(node: exp.Expression) -> dict:
    out = {}
    for w in node.find_all(exp.With):
        for cte in w.expressions:
            out[cte.alias] = cte.this
    return out


def _union_by_name(tree: exp.Expression) -> exp.Expression:
    """DuckDB `union all by name` (Spark SQL has none): each side padded to every name with NULLs and put in
    the same column order, first side's names first (DuckDB's order)."""
    ctes = _ctes_of(tree)

    unions = [u for u in tree.find_all(exp.Union) if u.args.get("by_name")]
    for node in sorted(unions, key=lambda u: -u.depth):   # innermost first: its columns are then plain
        left, right = _output_names(node.this, ctes), _output_names(node.expression, ctes)
        if left is None or right is None:
            raise ValueError("union by name over a query whose columns cannot be read from the SQL")
        cols = left + [c for c in right if c not in left]

        def padded(side, have, i):
            sel = [exp.column(c) if c in have else exp.alias_(exp.Null(), c) for c in cols]
            return exp.select(*sel).from_(exp.Subquery(this=side.copy(), alias=exp.TableAlias(
                this=exp.to_identifier(f"_by_name_{i}"))))
        plain = exp.Union(this=padded(node.this, left, 0), expression=padded(node.expression, right, 1),
                          distinct=node.args.get("distinct", False))
        for key in ("with_", "with", "order", "limit", "offset"):   # what the union itself carries
            if node.args.get(key) is not None:
                plain.set(key, node.args[key].copy())
        node.replace(plain)
    return tree


# The rewrites above, by the DuckDB construct each stands in for (for readers and the README).
SPARK_TWINS = {
    "date - date (days)": "datediff(end, start)",
    "median(x), quantile_cont(x, q)": "percentile(x, 0.5), percentile(x, q)",
    "epoch(ts) with the fraction": "unix_micros(ts) / 1e6",
    "union all by name": "union all of sides padded with NULLs in one column order",
    "create macro": "the macro's body put inline (expand_macros)",
}


@lru_cache(maxsize=512)
def _translate(bound: str) -> str:
    tree = sqlglot.parse_one(bound, read="duckdb")
    tree = expand_macros(tree)
    for _ in range(3):   # a rewrite's own arguments are rewritten on the next pass
        tree = tree.transform(_twin)
    tree = _union_by_name(tree)
    return tree.sql(dialect="spark")


def to_spark_sql(sql: str, params=None) -> str:
    """One DuckDB statement (with its parameters) as Spark SQL."""
    return _translate(bind(sql, params))


# ---- the connection ----------------------------------------------------------------------------------

def session(master: str = "local[2]", app_name: str = "onefunnel", shuffle_partitions: int | None = None):
    """A SparkSession: wall-clock times in UTC (naive timestamps stay as exported), no UI or progress bars.
    A local master gets few shuffle partitions (the default 200 is for clusters)."""
    from pyspark.sql import SparkSession

    b = (SparkSession.builder.master(master).appName(app_name)
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", "false")
         .config("spark.sql.ansi.enabled", "false"))   # Spark 3 semantics, what the equality tests run under
    if shuffle_partitions or master.startswith("local"):
        b = b.config("spark.sql.shuffle.partitions", str(shuffle_partitions or 4))
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


class _Cursor:
    def __init__(self, frame):
        self._frame = frame
        self.description = [(c, None, None, None, None, None, None) for c in frame.columns]

    def fetchall(self) -> list[tuple]:
        return [tuple(r) for r in self._frame.collect()]

    def df(self):
        import pandas as pd
        return pd.DataFrame(self.fetchall(), columns=[d[0] for d in self.description])


class SparkConnection:
    """What the metrics layer needs of a DuckDB connection, on Spark: execute(sql, params) -> cursor."""

    def __init__(self, spark, parquet_dir: str):
        self.spark = spark
        base = str(parquet_dir).rstrip("/")
        for t in TABLES:   # a path on this machine, or a cluster's storage (hdfs://, s3a://, ...)
            spark.read.parquet(f"{base}/{t}.parquet").createOrReplaceTempView(t)

    def execute(self, sql: str, params=None) -> _Cursor:
        return _Cursor(self.spark.sql(to_spark_sql(sql, params)))

    def close(self) -> None:
        """The session belongs to whoever made it; nothing of ours to close."""
