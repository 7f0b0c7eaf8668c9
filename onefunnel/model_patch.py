"""Patch the model's tables after imports instead of rebuilding them (db.refresh_model calls it).

An import adds records, and the table rows it can change belong to a few leads and deals. The key sets below name
them, one line per way a row depends on the records (queries/model/): for those keys, each table's rows are deleted
and read again from its live view, in file order. An undo, a setting the model reads or new model code still
rebuilds every table, and so does an import that changes a large share of the leads (the first load).
tests/test_model_patch.py checks that random imports leave every table equal to its view.
"""

from __future__ import annotations

import duckdb

# More changed leads than this share of all leads: rebuilding every table is cheaper than patching.
PATCH_SHARE = 0.2

# Each live table: the temp table of keys whose rows are patched (its key column), or None: rebuilt whole (small).
TABLE_KEYS = {
    "leads": ("patch_leads", "lead_key"),
    "lead_dims": ("patch_deal_leads", "lead_key"),   # it reads lead_outcomes
    "opportunities": ("patch_opps", "opp_key"),
    "touches": ("patch_deal_leads", "lead_key"),   # funnel_step reads the lead's deals
    "activities": ("patch_leads", "lead_key"),
    "spend": None,
    "touch_campaigns": None,
    "spend_mapped": None,
    "mql_response": ("patch_leads", "lead_key"),
    "touch_credit_rows": ("patch_won", "opp_key"),
    "lead_outcomes": ("patch_deal_leads", "lead_key"),
    "opportunity_influence": ("patch_won", "opp_key"),
    "opportunity_activities": ("patch_won", "opp_key"),
}

KEYS = """
-- the lead records stored by the new imports, and those they replaced (model_pending)
create or replace temp table patch_records as
select lead_key, source_system, record_id, converted_opportunity_id from lead_records where import_id > $built
union all
select lead_key, source_system, record_id, converted_opportunity_id from model_pending;

-- the new touches and activities
create or replace temp table patch_rows as
select email, lead_ref from touch_store where import_id > $built
union all
select email, lead_ref from activity_store where import_id > $built;

-- leads whose rows may change: their records or merged row (leads, lead_dims, origin touches), a new verdict,
-- an explicit link (lead_ref) that may now resolve to another lead (old and new lead), their touches and
-- activities (touches, activities, mql_response)
create or replace temp table patch_leads as
select lead_key from (
    select lead_key from patch_records
    union select lead_key from lead_verdicts where verdict_id > $verdict
    union select lead_key from lead_records where record_id in (select record_id from patch_records)
    union select email from touch_store where lead_ref in (select record_id from patch_records)
    union select email from activity_store where lead_ref in (select record_id from patch_records)
    union select email from patch_rows
    union select lead_key from lead_records where record_id in (select lead_ref from patch_rows)
) where lead_key is not null;

-- deals whose rows may change: new records, a lead link by id, by a converted lead or by email that may resolve
-- differently now, and the deals of patched leads (lead_mql_at)
create or replace temp table patch_opps as
select distinct source_system || ':' || record_id as opp_key
from opportunity_records
where import_id > $built
   or lead_ref in (select record_id from patch_records)
   or record_id in (select converted_opportunity_id from patch_records)
   or email in (select lead_key from patch_leads)
union
select opp_key from main.opportunities where lead_key in (select lead_key from patch_leads);

-- leads whose deals may change (lead_outcomes, and lead_dims, which reads it): the patched leads and the deals' old links (before the patch)
create or replace temp table patch_deal_leads as
select lead_key from patch_leads
union
select lead_key from main.opportunities where opp_key in (select opp_key from patch_opps) and lead_key is not null;
"""

# after `opportunities` is patched: the deals' new links, and the deals whose lead's touches or activities changed
AFTER_DEALS = """
insert into patch_deal_leads
select lead_key from main.opportunities
where opp_key in (select opp_key from patch_opps) and lead_key is not null
  and lead_key not in (select lead_key from patch_deal_leads);

create or replace temp table patch_won as
select opp_key from patch_opps
union
select opp_key from main.opportunities where lead_key in (select lead_key from patch_leads);
"""

TEMPS = ("patch_records", "patch_rows", "patch_leads", "patch_opps", "patch_deal_leads", "patch_won")


def built_import(old: str, new: str) -> int | None:
    """The last import the tables were built with (generation `old`, db.model_generation), when the only change
    up to `new` is imports added since: no undo, the same settings and model code, and a workspace too large to
    hash its content (a hashed one may have changed outside an import). Else None: rebuild every table."""
    o, n = old.split("/"), new.split("/")
    if len(o) != 4 or len(n) != 4 or o[1] != n[1] or o[3] != n[3]:
        return None
    oi, ni = o[0].split("|"), n[0].split("|")
    if len(oi) != 3 or len(ni) != 3 or oi[2] != ni[2] or int(ni[0]) <= int(oi[0]):
        return None
    return int(oi[0])


def patch(con, live: str, names: list[str], built: int, verdict: int) -> bool:
    """Patch every table in `names` (file order) for the imports after `built` and the verdicts after `verdict`,
    inside the caller's transaction. False (nothing changed) when a full rebuild is the better way."""
    if any(name not in TABLE_KEYS for name in names):
        return False   # a table this module does not know: rebuild
    params = {"built": built, "verdict": verdict}
    for stmt in duckdb.extract_statements(KEYS):
        con.execute(stmt.query, {k: params[k] for k in stmt.named_parameters})
    changed, leads = con.execute("select (select count(*) from patch_leads), (select count(*) from main.leads)"
                                 ).fetchall()[0]
    if changed > PATCH_SHARE * leads:
        _drop(con)
        return False
    for name in names:
        keys = TABLE_KEYS[name]
        if keys is None:
            con.execute(f"create or replace table main.{name} as select * from {live}.{name}")
        else:
            temp, col = keys
            con.execute(f"delete from main.{name} where {col} in (select {col} from {temp})")
            con.execute(f"insert into main.{name} select * from {live}.{name} where {col} in (select {col} from {temp})")
        if name == "opportunities":
            for stmt in duckdb.extract_statements(AFTER_DEALS):
                con.execute(stmt)
    _drop(con)
    return True


def _drop(con) -> None:
    for t in TEMPS:
        con.execute(f"drop table if exists temp.{t}")
