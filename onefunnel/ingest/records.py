"""Lead and opportunity records (the kinds with a record id): stored under an import, older
versions with the same source id replaced, and people merged (METRICS.md: one person, one lead).

`store()` inserts an import's typed rows; `settle()` then deletes the records they replace and
brings the people they touch up to date with `settle_people()`, which undo.py uses too.
"""

from __future__ import annotations

from onefunnel.ingest.imports import others
from onefunnel.ingest.old_deals import STAGE_SQL
from onefunnel.ingest.presets import Preset
from onefunnel.ingest.staging import drop_temp


LEAD_FIELDS = "email, created_at, company, source, campaign, owner, mql_at, sql_at, disqualified_at, disqualify_reason, status"


# One person, one lead (METRICS.md), for the people with several lead records (temp table people_multi):
# the earliest date of each date field, the other fields from the most recently imported record
# (highest seq) that has a value. A person with one record is that record (lead_records.is_sole);
# the view `leads` (queries/model/05_leads.sql) reads both.
MERGE_LEADS = """
insert into lead_merges
select lead_key,
       arg_max(email, seq) filter (where email is not null),
       min(created_at),
       arg_max(company, seq) filter (where company is not null),
       arg_max(source, seq) filter (where source is not null),
       arg_max(campaign, seq) filter (where campaign is not null),
       arg_max(owner, seq) filter (where owner is not null),
       min(mql_at), min(sql_at), min(disqualified_at),
       arg_max(disqualify_reason, seq) filter (where disqualify_reason is not null),
       arg_max(status, seq) filter (where status is not null)
from lead_records semi join people_multi using (lead_key)
group by lead_key
"""


def settle_people(con, affected: str) -> None:
    """Bring the people of temp table `affected` (column lead_key) up to date: is_sole on their
    records, and their merged row in lead_merges when they have several records."""
    con.execute(f"""create or replace temp table people_multi as
        select lead_key from lead_records where lead_key in (select lead_key from {affected})
        group by lead_key having count(*) > 1""")
    con.execute(f"delete from lead_merges where lead_key in (select lead_key from {affected})")
    con.execute("update lead_records set is_sole = false "
                "where is_sole and lead_key in (select lead_key from people_multi)")
    con.execute(f"""update lead_records set is_sole = true
        where not is_sole and lead_key in (select lead_key from {affected})
          and lead_key not in (select lead_key from people_multi)""")
    con.execute(MERGE_LEADS)
    con.execute("drop table temp.people_multi")


def incoming(con, rid: str) -> None:
    """Temp view `incoming`: the `ok` rows with their record id, the first row of each id."""
    dups = con.execute(f"select count({rid}) - count(distinct {rid}) from ok").fetchall()[0][0]
    if dups:   # a report repeating a record (one row per contact role) is read by its first row
        con.execute(f"""create or replace temp table incoming as
            select * replace ({rid} as record_id) from ok
            qualify row_number() over (partition by {rid} order by rn) = 1""")
    else:
        con.execute(f"create or replace temp view incoming as select * replace ({rid} as record_id) from ok")


def record_id_sql(p: Preset) -> str:
    # A template lead row without lead_id is identified by its content: the same row imported
    # again replaces itself, another row for the same email is another record of that person.
    return (f"coalesce(record_id, 'row:' || md5(row({LEAD_FIELDS})::varchar))"
            if p.kind == "lead" and p.template else "record_id")


def store(con, p: Preset, rows: str, import_id: int) -> int:
    """Insert the typed lead or opportunity rows of relation `rows` (with rn and record_id) into
    the kind's record table under `import_id`; returns how many."""
    params = {"sys": p.system, "import_id": import_id}
    seq = "$import_id::bigint * 10000000000 + rn"
    if p.kind == "lead":
        sql = f"""insert into lead_records (source_system, record_id, lead_key, {LEAD_FIELDS},
                                             converted_opportunity_id, import_id, seq, is_sole)
                  select $sys, record_id, coalesce(email, $sys || ':' || record_id), {LEAD_FIELDS},
                         converted_opportunity_id, $import_id, {seq}, true
                  from {rows}"""
    elif p.kind == "opportunity":
        params["ref_sys"] = p.lead_ref_system
        sql = f"""insert into opportunity_records (source_system, record_id, name, created_at, close_date, stage,
                      amount, probability, is_closed_export, is_won_export, owner, source, lead_ref,
                      lead_ref_system, email, import_id, seq)
                  select $sys, record_id, name, created_at, close_date,
                         {STAGE_SQL},
                         amount, probability, is_closed, is_won, owner, source, lead_ref, $ref_sys::varchar, email,
                         $import_id, {seq}
                  from {rows}"""
    else:
        raise ValueError(f"{p.kind} rows are stored by row_sets.insert")
    return con.execute(sql, params).fetchall()[0][0]


def settle(con, p: Preset, import_id: int, stored: int, people_distinct: bool = False) -> int:
    """After store: older records with the same source id are replaced and the people touched are
    merged again (people_distinct: the import is known to hold each person once). Returns how many
    of the stored records are new."""
    table = "lead_records" if p.kind == "lead" else "opportunity_records"
    params = {"sys": p.system, "import_id": import_id}
    replaced = 0
    if others(con, table, import_id, "source_system = $sys", {"sys": p.system}):
        con.execute(f"""create or replace temp table replaced as
            select rowid as r{', lead_key' if p.kind == 'lead' else ''} from {table}
            where source_system = $sys and import_id <> $import_id
              and record_id in (select record_id from {table} where import_id = $import_id)""", params)
        replaced = con.execute("select count(*) from replaced").fetchall()[0][0]
    if p.kind == "lead":   # the people whose lead may change: their new and their old lead_key
        con.execute(f"""create or replace temp table affected as
            select lead_key from lead_records where import_id = $import_id
            {'union select lead_key from replaced' if replaced else ''}""", {"import_id": import_id})
    if replaced and p.kind == "opportunity":   # a deal whose stage changed since the record it replaces
        con.execute("""insert into opportunity_stage_changes (opp_key, from_stage, to_stage, changed_at, import_id)
            select n.source_system || ':' || n.record_id, o.stage, n.stage, current_localtimestamp(), $import_id
            from opportunity_records o
            join opportunity_records n on n.source_system = o.source_system and n.record_id = o.record_id
             and n.import_id = $import_id
            where o.rowid in (select r from replaced) and o.stage is distinct from n.stage""",
                    {"import_id": import_id})
    if replaced and p.kind == "lead":   # what the replaced records linked, for the model's patch (model_patch.py)
        con.execute("""insert into model_pending select lead_key, source_system, record_id, converted_opportunity_id
            from lead_records where rowid in (select r from replaced)""")
    if replaced:
        con.execute(f"delete from {table} where rowid in (select r from replaced)")
    if p.kind == "lead":
        if replaced or _shared_people(con, import_id, people_distinct):
            settle_people(con, "affected")
        drop_temp(con, ("affected",))
    drop_temp(con, ("replaced",))
    return stored - replaced


def _shared_people(con, import_id: int, distinct: bool) -> bool:
    """Does a person of this import have another lead record (in it or stored before)?"""
    if not distinct:
        n, keys = con.execute("select count(*), count(distinct lead_key) from lead_records where import_id = ?",
                              [import_id]).fetchall()[0]
        if n != keys:
            return True
    return others(con, "lead_records", import_id) and con.execute(
        """select count(*) from (select 1 from lead_records where import_id <> $import_id
           and lead_key in (select lead_key from affected) limit 1)""", {"import_id": import_id}).fetchall()[0][0] > 0
