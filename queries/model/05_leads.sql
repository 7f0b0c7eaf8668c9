-- The model is built in file order. A view written live.NAME has a table main.NAME that every query reads,
-- rebuilt from the view after each import, undo or change of a setting it reads (onefunnel/db.py
-- refresh_model); a live view reads the tables of the ones before it (main.NAME), rebuilt first.

-- leads: one row per person (METRICS.md "One person, one lead"). A person with one lead
-- record is that record; a person with several is their merged row in lead_merges (earliest
-- date of each date field, other fields from the most recently imported record with a value),
-- kept up to date by ingest/records.py settle_people().
-- Rejection, counted once whatever says it (issue 14): the export rejects a lead with a disqualify date, or
-- with a status that means rejection (HubSpot Lead Status / Salesforce Status `Unqualified`, `Disqualified`;
-- dated at the first import of a current record carrying it); sales reject or accept it in the app
-- (lead_verdicts, the latest counts). A person's verdict decides: 'reject' makes the lead rejected at the
-- earlier of the export's date and the verdict, 'accept' makes it not rejected (a conflict when the export
-- rejects it). disqualified_at / disqualify_reason are that decision, so every measure reads it once;
-- export_disqualified_at / export_disqualify_reason keep what the export said, rejected_by names the sources.
-- Grain: one row per lead_key.
create or replace view live.leads as
with base as (
    select r.lead_key, r.email, r.created_at, r.company, r.source, r.campaign, coalesce(n.name, r.owner) as owner,
           r.mql_at, r.sql_at, r.disqualified_at, r.disqualify_reason, r.status,
           lower(trim(r.status)) in ('unqualified', 'disqualified') as status_rejects
    from (
        select lead_key, email, created_at, company, source, campaign, owner,
               mql_at, sql_at, disqualified_at, disqualify_reason, status
        from lead_records
        where is_sole
        union all
        select lead_key, email, created_at, company, source, campaign, owner,
               mql_at, sql_at, disqualified_at, disqualify_reason, status
        from lead_merges
    ) r
    left join owner_names n on n.owner = r.owner   -- an owner id shown by its name (setting owner_names)
),
status_seen as (   -- when an import first brought a rejecting status (of the records stored now)
    select r.lead_key, min(i.imported_at) as seen_at
    from lead_records r
    join imports i on i.import_id = r.import_id
    where lower(trim(r.status)) in ('unqualified', 'disqualified')
    group by r.lead_key
),
verdict as (
    select lead_key, arg_max(verdict, verdict_id) as verdict, arg_max(reason, verdict_id) as reason,
           arg_max(note, verdict_id) as note, arg_max(given_by, verdict_id) as given_by,
           max(given_at) as given_at
    from lead_verdicts
    group by lead_key
),
said as (
    select b.*,
           coalesce(b.disqualified_at, case when b.status_rejects then s.seen_at end) as export_rejected_at,
           coalesce(nullif(trim(b.disqualify_reason), ''),
                    case when b.status_rejects then 'status ' || trim(b.status) end) as export_reason,
           v.verdict, v.reason as verdict_reason, v.note as verdict_note, v.given_by as verdict_by,
           v.given_at as verdict_at
    from base b
    left join status_seen s on s.lead_key = b.lead_key and b.status_rejects and b.disqualified_at is null
    left join verdict v on v.lead_key = b.lead_key
)
select lead_key, email, created_at, company, source, campaign, owner, mql_at, sql_at,
       case verdict when 'reject' then least(export_rejected_at, verdict_at)
                    when 'accept' then null
                    else export_rejected_at end as disqualified_at,
       case when verdict = 'reject' then verdict_reason
            when verdict is null then export_reason end as disqualify_reason,
       status,
       disqualified_at as export_disqualified_at,
       export_reason as export_disqualify_reason,
       case when verdict = 'reject' and export_rejected_at is not null then 'export and sales (app)'
            when verdict = 'reject' then 'sales (app)'
            when verdict is null and export_rejected_at is not null then 'export' end as rejected_by,
       verdict, verdict_reason, verdict_note, verdict_by, verdict_at,
       case when verdict = 'accept' and export_rejected_at is not null
            then 'accepted in the app; the export rejects it (' || coalesce(export_reason, 'no reason') || ')'
            when verdict = 'reject' and export_rejected_at is null and sql_at is not null
            then 'rejected in the app; the export has it as SQL' end as verdict_conflict
from said;
