-- leads: one row per person (METRICS.md "One person, one lead"). A person with one lead
-- record is that record; a person with several is their merged row in lead_merges (earliest
-- date of each date field, other fields from the most recently imported record with a value),
-- kept up to date by ingest/records.py settle_people().
-- Grain: one row per lead_key.
create or replace view leads as
select r.lead_key, r.email, r.created_at, r.company, r.source, r.campaign, coalesce(n.name, r.owner) as owner,
       r.mql_at, r.sql_at, r.disqualified_at, r.disqualify_reason, r.status
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
left join owner_names n on n.owner = r.owner;   -- an owner id shown by its name (setting owner_names)
