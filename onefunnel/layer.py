"""The metrics layer: measures and dimensions by name, compiled from queries/measures.toml to DuckDB SQL.

Every number a page, chart, the CLI or the accountability table shows is asked for here by name:
`values(con, ["won_revenue", "win_rate"], start, end)` for a period's totals, `by(con, names, "channel",
start, end)` for one row per value of a dimension (or `("channel", "month")`: per pair of values), either
with `where=[("owner", ["Dana Reyes"])]` to count only the records with those values. A base measure is an aggregate over one model (a
canonical view) of the records whose time column falls in the period; a derived measure is SQL over
other measures (rates as ratios of sums), `trailing.NAME` being NAME over the 180 days before the period.
One query answers a request: one grouped scan per (model, time column) and the derived expressions on top.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache

from onefunnel import QUERIES_DIR
from onefunnel.db import ensure_fresh

LAYER_FILE = QUERIES_DIR / "measures.toml"
TRAILING_DAYS = 180
GRAINS = {"day": "{t}::date", "week": "date_trunc('week', {t})::date", "month": "date_trunc('month', {t})::date"}
# A time bucket's last day: split by day/week/month, each bucket stands as of min(as_of, its last day), so a
# bucket's numbers are those of the bucket as its own period (the SLA's breach/pending split depends on it).
BUCKET_ENDS = {"day": "{t}::date", "week": "date_trunc('week', {t})::date + 6", "month": "last_day({t}::date)"}
FORMATS = {"int", "money", "pct", "hours", "days", "ratio"}


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    definition: str
    format: str
    direction: str            # higher | lower (is better)
    owner: str                # marketing | sales | shared
    sql: str
    model: str | None = None  # None: a derived measure
    time: str | None = None
    empty: str = "0"          # a base measure's value when no record is in the period: 0 or null
    additive: bool = False
    cli: bool = False
    breakdown: bool = False
    conversion: bool = False
    stage: str | None = None
    target: object = None

    @property
    def lower_is_better(self) -> bool:
        return self.direction == "lower"

    @property
    def is_derived(self) -> bool:
        return self.model is None


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str
    definition: str
    exprs: dict = field(default_factory=dict)   # model -> SQL of a record's value
    grain: str | None = None                    # day | week | month: buckets of the measure's time


@dataclass(frozen=True)
class Model:
    name: str
    source: str               # `from` clause with alias
    joins: dict               # alias -> join clause
    facts: dict = field(default_factory=dict)   # name -> SQL, named as f.NAME in measures

    def expand(self, sql: str) -> str:
        """SQL with each f.NAME replaced by its fact's expression."""
        return re.sub(r"(?<![\w.])f\.([a-z_][a-z0-9_]*)", lambda m: f"({self.facts[m.group(1)]})", sql)


@dataclass(frozen=True)
class Layer:
    models: dict
    dimensions: dict
    measures: dict

    def deps(self, name: str) -> list[tuple[bool, str]]:
        """The measures a derived measure's SQL names, as (trailing?, name)."""
        return [(bool(t), n) for t, n in _REF.findall(_strip_strings(self.measures[name].sql)) if n in self.measures]

    def supports(self, name: str, dimension) -> bool:
        """Whether a measure can be split (or filtered) by the dimension, or by each of a tuple of
        dimensions: every model it reads has a value for it."""
        for d in dims_of(dimension):
            dim = self.dimensions[d]
            if not all(dim.grain or model in dim.exprs for model in self.models_of(name)):
                return False
        return True

    def models_of(self, name: str) -> set[str]:
        m = self.measures[name]
        if not m.is_derived:
            return {m.model}
        return set().union(*[self.models_of(n) for _, n in self.deps(name)]) if self.deps(name) else set()


def dims_of(dimension) -> tuple[str, ...]:
    """A dimension argument as a tuple of names: None -> (), "channel" -> ("channel",)."""
    if dimension is None:
        return ()
    return (dimension,) if isinstance(dimension, str) else tuple(dimension)


_REF = re.compile(r"(?<![$\w.])(trailing\.)?([a-z_][a-z0-9_]*)\b(?!\s*\()")
_STRING = re.compile(r"'[^']*'")


def _strip_strings(sql: str) -> str:
    return _STRING.sub("''", sql)


@lru_cache(maxsize=1)
def layer() -> Layer:
    """The layer as written in queries/measures.toml (checked: formats, models, no cycles)."""
    raw = tomllib.loads(LAYER_FILE.read_text())
    models = {n: Model(n, m["from"], dict(m.get("joins", {})), dict(m.get("facts", {})))
              for n, m in raw["models"].items()}
    dims = {}
    for n, d in raw["dimensions"].items():
        exprs = {k: v for k, v in d.items() if k in models}
        dims[n] = Dimension(n, d["label"], d["definition"], exprs, d.get("grain"))
    measures = {}
    for n, m in raw["measures"].items():
        unknown = set(m) - set(Measure.__dataclass_fields__)
        if unknown:
            raise ValueError(f"measures.toml: {n} has unknown fields {sorted(unknown)}")
        if m["format"] not in FORMATS or m["direction"] not in ("higher", "lower"):
            raise ValueError(f"measures.toml: {n} has format {m['format']!r} / direction {m['direction']!r}")
        if "model" in m and m["model"] not in models:
            raise ValueError(f"measures.toml: {n} reads the unknown model {m['model']!r}")
        measures[n] = Measure(name=n, **m)
    lay = Layer(models, dims, measures)
    for n in measures:            # a cycle would recurse forever at compile time: fail at load instead
        _check_acyclic(lay, n, ())
    return lay


def _check_acyclic(lay: Layer, name: str, path: tuple) -> None:
    if name in path:
        raise ValueError(f"measures.toml: {' -> '.join(path + (name,))} is a cycle")
    if lay.measures[name].is_derived:
        for _, dep in lay.deps(name):
            _check_acyclic(lay, dep, path + (name,))


def measure(name: str) -> Measure:
    return layer().measures[name]


def names(**flags) -> list[str]:
    """Measure names in file order with the given flags set, e.g. names(cli=True)."""
    return [n for n, m in layer().measures.items() if all(getattr(m, k) == v for k, v in flags.items())]


# ---- compiling ---------------------------------------------------------------------------------------

def _closure(lay: Layer, wanted: list[str]) -> tuple[set[str], set[str]]:
    """The base measures needed over the period (P) and over the trailing window (T)."""
    need = {"P": set(), "T": set()}

    def visit(name: str, window: str) -> None:
        m = lay.measures[name]
        if not m.is_derived:
            need[window].add(name)
            return
        for trailing, dep in lay.deps(name):
            visit(dep, "T" if trailing else window)

    for n in wanted:
        visit(n.removeprefix("trailing."), "T" if n.startswith("trailing.") else "P")
    return need["P"], need["T"]


def _expand(lay: Layer, name: str, window: str) -> str:
    """A measure as SQL over the grouped base columns p.* (period) or t.* (trailing window)."""
    m = lay.measures[name]
    alias = "p" if window == "P" else "t"
    if not m.is_derived:
        col = f"{alias}.{name}"
        return col if m.empty == "null" else f"coalesce({col}, 0)"

    def sub(match: re.Match) -> str:
        trailing, ref = match.group(1), match.group(2)
        if ref not in lay.measures:
            return match.group(0)
        return f"({_expand(lay, ref, 'T' if trailing else window)})"

    parts = re.split(r"('[^']*')", m.sql)   # leave string literals alone
    return "".join(p if p.startswith("'") else _REF.sub(sub, p) for p in parts)


def _uses(expr: str, alias: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(alias)}\.", expr) is not None


VALUE_COLUMNS = ("value", "value_2")   # one column per dimension of a request


@lru_cache(maxsize=256)
def compile_sql(wanted: tuple[str, ...], dimension=None, where: tuple[str, ...] = ()) -> str:
    """One query: a row per value of the dimension (one row, value 'all', without one), a column per
    wanted measure ('trailing.NAME' for NAME over the 180 days before the period). `dimension` may be a
    tuple of two dimensions: a row per pair of values, in the columns value and value_2. `where` names
    dimensions to filter on: the i-th keeps the records whose value (the dimension's SQL for each model)
    is in the list bound as $where_i. Parameters: $start, $end, $where_i, and whichever of $as_of,
    $sla_hours, $goal the measures use."""
    lay = layer()
    unknown = [n for n in wanted if n.removeprefix("trailing.") not in lay.measures]
    if unknown:
        raise KeyError(f"no measure named {', '.join(map(repr, unknown))} in {LAYER_FILE.name}")
    dims = dims_of(dimension)
    for d in dims + tuple(where):
        if d not in lay.dimensions:
            raise KeyError(f"no dimension named {d!r}")
    if len(dims) > len(VALUE_COLUMNS) or len(set(dims)) < len(dims):
        raise ValueError(f"split by at most {len(VALUE_COLUMNS)} different dimensions, not {dims}")
    for what, names_ in (("split", dims), ("filtered", tuple(where))):
        cant = [n for n in wanted if not lay.supports(n.removeprefix("trailing."), names_)]
        if cant:
            raise ValueError(f"{', '.join(cant)} cannot be {what} by {', '.join(names_)}")
    p_need, t_need = _closure(lay, list(wanted))
    windows = [("P", "$start::date", "$end::date")]
    if t_need:
        windows.append(("T", f"$start::date - {TRAILING_DAYS}", "$start::date - 1"))
    win_sql = " union all ".join(f"select '{w}' as w, {s} as s, {e} as e" for w, s, e in windows)

    groups: dict[tuple, list[tuple[str, set[str]]]] = {}
    for window, needed in (("P", p_need), ("T", t_need)):
        for n in sorted(needed):
            m = lay.measures[n]
            key = (m.model, m.time)
            groups.setdefault(key, [])
            if all(x != n for x, _ in groups[key]):
                groups[key].append((n, set()))
            for x, ws in groups[key]:
                if x == n:
                    ws.add(window)

    def dim_sql(name: str, model_name: str, time: str) -> str:
        dim = lay.dimensions[name]
        return GRAINS[dim.grain].format(t=time) if dim.grain else dim.exprs[model_name]

    cols = VALUE_COLUMNS[:max(len(dims), 1)]
    ctes = [f"win as ({win_sql})"]
    parts = []
    for i, ((model_name, time), members) in enumerate(groups.items()):
        model = lay.models[model_name]
        values_ = [dim_sql(d, model_name, time) for d in dims] or ["'all'"]
        filters = [f"list_contains($where_{j}::varchar[], ({dim_sql(d, model_name, time)})::varchar)"
                   for j, d in enumerate(where)]
        aggs = [f"{model.expand(lay.measures[n].sql)} as {n}" for n, _ in members]
        grains = [lay.dimensions[d].grain for d in dims if lay.dimensions[d].grain]
        if grains:
            bucket_end = BUCKET_ENDS[grains[0]].format(t=time)
            aggs = [a.replace("$as_of", f"least($as_of::date, {bucket_end})") for a in aggs]
        exprs = " ".join(values_ + filters + [time] + aggs)
        joins = " ".join(j for alias, j in model.joins.items() if _uses(exprs, alias))
        only = {w for _, ws in members for w in ws}
        win_filter = "" if len(only) == len(windows) else f" and win.w = '{next(iter(only))}'"
        selected = ", ".join(f"{v} as {c}" for v, c in zip(values_, cols))
        ctes.append(
            f"g{i} as (select win.w, {selected}, {', '.join(aggs)}\n"
            f"  from {model.source} {joins}\n"
            f"  join win on {time}::date between win.s and win.e{win_filter}\n"
            + (f"  where {' and '.join(filters)}\n" if filters else "")
            + "  group by all)")
        parts.append(f"select * from g{i}")
    base_cols = sorted(p_need | t_need)
    if parts:
        union = "\nunion all by name\n".join(parts)
        ctes.append(f"base as (select w, {', '.join(cols)}, {', '.join(f'max({c}) as {c}' for c in base_cols)}\n"
                    f"  from ({union}) group by w, {', '.join(cols)})")
    else:
        ctes.append("base as (select null::varchar as w, " + ", ".join(f"null::varchar as {c}" for c in cols) + ")")
    select = ", ".join(f'{_expand(lay, n.removeprefix("trailing."), "T" if n.startswith("trailing.") else "P")} as "{n}"'
                       for n in wanted)
    if not dims:
        frm = ("(select 'all' as value) k\n"
               "left join (select * from base where w = 'P') p on true\n"
               "left join (select * from base where w = 'T') t on true")
        keys = "k.value as value"
    else:
        same = " and ".join(f"t.{c} is not distinct from p.{c}" for c in cols)
        frm = ("(select * from base where w = 'P') p\n"
               f"left join (select * from base where w = 'T') t on {same}")
        keys = ", ".join(f"p.{c} as {c}" for c in cols)
    sep = ",\n"
    return f"with {sep.join(ctes)}\nselect {keys}, {select}\nfrom {frm}"


# ---- running -----------------------------------------------------------------------------------------

_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


def _clean(value):
    """Plain Python numbers: NaN/inf become None, Decimal and numpy types become float/int."""
    if value is None or isinstance(value, (bool, int, str, dt.date)):
        return value
    try:
        f = float(value)
    except (TypeError, ValueError):
        return value
    return None if math.isnan(f) or math.isinf(f) else f


def _run(con, sql: str, params: dict) -> list[dict]:
    used = set(_PARAM.findall(sql))
    missing = used - {k for k, v in params.items() if v is not None or k == "goal"}
    if missing:
        raise TypeError(f"the measures need parameters {sorted(missing)}")
    ensure_fresh(con)
    cur = con.execute(sql, {k: params.get(k) for k in used})
    cols = [d[0] for d in cur.description]
    return [{c: _clean(v) for c, v in zip(cols, row)} for row in cur.fetchall()]


def params(con, start: dt.date, end: dt.date, as_of: dt.date | None = None,
           sla_hours: float | None = None, goal: float | None = None) -> dict:
    """The parameters of a period, with the workspace's defaults (SLA hours) filled in."""
    from onefunnel.db import get_setting

    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    return {"start": start, "end": end, "as_of": as_of or end,
            "sla_hours": float(sla_hours if sla_hours is not None else get_setting(con, "sla_hours", 24)),
            "goal": goal}


def _where(where) -> tuple[tuple[str, ...], dict]:
    """Filters as (dimension names for compile_sql, their $where_i parameters: lists of text values)."""
    where = list(where or ())
    return tuple(d for d, _ in where), {f"where_{i}": [str(v) for v in vals] for i, (_, vals) in enumerate(where)}


def values(con, wanted, start: dt.date, end: dt.date, as_of: dt.date | None = None,
           sla_hours: float | None = None, goal: float | None = None, where=None) -> dict:
    """The period's value of each wanted measure, by name (None for null). `where`: filters, a sequence of
    (dimension, values) pairs; a record counts when its value of each dimension is one of the values."""
    wanted = tuple(wanted)
    dims, bound = _where(where)
    row = _run(con, compile_sql(wanted, None, dims), {**params(con, start, end, as_of, sla_hours, goal), **bound})[0]
    return {n: row[n] for n in wanted}


def by(con, wanted, dimension, start: dt.date, end: dt.date, as_of: dt.date | None = None,
       sla_hours: float | None = None, goal: float | None = None, where=None) -> list[dict]:
    """One dict per value of the dimension in the period: {"value": ..., measure: value, ...}. With a tuple
    of two dimensions, one dict per pair of values: {"value": ..., "value_2": ..., ...}. `where` as in
    values()."""
    dimension = dimension if isinstance(dimension, str) else tuple(dimension)
    dims, bound = _where(where)
    return _run(con, compile_sql(tuple(wanted), dimension, dims),
                {**params(con, start, end, as_of, sla_hours, goal), **bound})


def breakdown(con, dimension: str, start: dt.date, end: dt.date, as_of: dt.date | None = None,
              sla_hours: float | None = None) -> list[dict]:
    """METRICS.md "Breakdowns": every breakdown measure per value that has a non-zero count, rows in
    descending won_revenue, then leads_created, then value."""
    wanted = names(breakdown=True)
    counts = [n for n in wanted if measure(n).additive]
    rows = [r for r in by(con, wanted, dimension, start, end, as_of, sla_hours) if any(r[c] for c in counts)]
    return sorted(rows, key=lambda r: (-(r["won_revenue"] or 0), -(r["leads_created"] or 0), str(r["value"])))


# ---- the records behind a number ---------------------------------------------------------------------

RECORD_OF = {"leads": ("l.lead_key", "coalesce(l.email, l.lead_key)", "lead"),
             "opportunities": ("o.opp_key", "coalesce(o.name, o.record_id)", "opportunity"),
             "mql_sla": ("s.lead_key", "s.lead_key", "lead")}
_COUNT = re.compile(r"count\(\*\)(?:\s+filter\s*\(where\s+(.*)\))?", re.S)
_RATIO = re.compile(r"^(.+?)\s*/\s*nullif\((.+),\s*0\)$", re.S)


def countable(name: str) -> bool:
    """A base measure that counts records (count(*), maybe filtered), so its records can be listed."""
    m = measure(name)
    return not m.is_derived and m.model in RECORD_OF and _COUNT.fullmatch(m.sql.strip()) is not None


def ratio_parts(name: str) -> tuple[list[str], list[str]] | None:
    """(numerator, denominator) of a rate written as `A / nullif(B, 0)` over sums of countable measures."""
    m = _RATIO.match(measure(name).sql.strip())
    if not m:
        return None
    num, den = ([p.strip() for p in side.split("+")] for side in m.groups())
    if all(p in layer().measures and countable(p) for p in num + den):
        return num, den
    return None


def records_sql(name: str) -> str:
    """SQL listing the records a countable measure counts in the period: record_type, record_key, record."""
    lay = layer()
    m = lay.measures[name]
    key, label, kind = RECORD_OF[m.model]
    model = lay.models[m.model]
    cond = model.expand(_COUNT.fullmatch(m.sql.strip()).group(1) or "true")
    joins = " ".join(j for alias, j in model.joins.items() if _uses(cond, alias))
    return (f"select distinct '{kind}' as record_type, {key} as record_key, {label} as record\n"
            f"from {model.source} {joins}\n"
            f"where {m.time}::date between $start::date and $end::date and ({cond})")


def records(con, names, start: dt.date, end: dt.date, as_of: dt.date | None = None,
            sla_hours: float | None = None) -> list[dict]:
    """The records counted by any of the countable measures `names` in the period (their union)."""
    sql = "\nunion\n".join(records_sql(n) for n in names) + "\norder by record"
    return _run(con, sql, params(con, start, end, as_of, sla_hours))


def formula(name: str) -> str:
    """A measure's SQL as written in measures.toml, with the measures it names shown by their labels
    ('Won deals / (Won deals + Lost deals)' for win_rate); base measures show their aggregate."""
    m = measure(name)
    if not m.is_derived:
        return f"{m.sql} over {m.model} with {m.time.split('.')[-1]} in the period"
    lay = layer()

    def label(match: re.Match) -> str:
        trailing, ref = match.group(1), match.group(2)
        if ref not in lay.measures:
            return match.group(0)
        return ("trailing " if trailing else "") + lay.measures[ref].label
    text = re.sub(r"nullif\((.+?), 0\)", lambda g: f"({g.group(1)})" if " " in g.group(1) else g.group(1), m.sql)
    return _REF.sub(label, text)


def default_target_text(name: str) -> str:
    t = measure(name).target
    return {None: "", "previous": "the same days of the period before", "goal": "the revenue goal",
            "elapsed": "on pace (share of the period elapsed)"}.get(t, "") if not isinstance(t, (int, float)) else str(t)
