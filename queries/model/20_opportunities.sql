-- opportunities: one row per deal (source system + record id), with closed/won decided
-- by the export's own flags or else the stage_map setting, and the lead link of METRICS.md:
-- an explicit id reference (first associated contact, a converted lead) else the contact email.
-- An import's decision on its old open deals (old_deal_decisions, onefunnel/ingest/old_deals.py) applies
-- here: 'lost' closes them as lost, 'skip' leaves them out. Key: opp_key. lead_key is null for an unlinked
-- opportunity. lead_mql_at: the linked lead's mql_at (null when unlinked), so that is_marketing_sourced needs no
-- join to a million leads (queries/measures.toml, facts.is_marketing_sourced).
-- The rule for an old open deal, written once (the import counts them with it, onefunnel/ingest/old_deals.py):
-- open, and its close date is before the cutoff, or it has none and was created before the cutoff.
create or replace macro old_deal_kind(close_date, created_at, cutoff) as
    case when close_date < cutoff then 'past close date'
         when close_date is null and created_at < cutoff then 'no close date' end;

create or replace view live.opportunities as
with by_ref as (
    select source_system, record_id, lead_of_ref(lead_ref, lead_ref_system) as lead_key
    from opportunity_records
    where lead_ref is not null
),
converted as (   -- a lead record that names the opportunity it was converted into
    select source_system, converted_opportunity_id as record_id, arg_max(lead_key, seq) as lead_key
    from lead_records
    where converted_opportunity_id is not null
    group by all
),
by_email as (
    select o.source_system, o.record_id, l.lead_key
    from opportunity_records o
    join main.leads l on l.lead_key = o.email
),
records as (   -- closed/won as exported (or by stage_map); old_deal: open with no or a long-past close date
    select o.*,
           coalesce(o.is_won_export, m.is_won, false) as won_as_exported,
           coalesce(o.is_won_export, m.is_won, false) or coalesce(o.is_closed_export, m.is_closed, false)
               as closed_as_exported,
           d.policy, d.cutoff
    from opportunity_records o
    left join stage_map m on lower(trim(o.stage)) = lower(trim(m.stage))
    left join old_deal_decisions d on d.import_id = o.import_id and d.policy <> 'keep'
),
decided as (   -- the import's decision on its old open deals (old_deal_decisions): lost, or left out
    select * replace (case when old_deal and policy = 'lost' then coalesce(close_date, created_at::date)
                           else close_date end as close_date),
           old_deal and policy = 'lost' as made_lost
    from (select r.*, r.policy is not null and not r.closed_as_exported
                      and old_deal_kind(r.close_date, r.created_at, r.cutoff) is not null as old_deal
          from records r)
    where not (old_deal and policy = 'skip')
)
select
    o.source_system || ':' || o.record_id as opp_key,
    o.source_system,
    o.record_id,
    o.name,
    o.created_at,
    o.close_date,
    o.stage,
    o.amount,
    o.probability,
    o.won_as_exported and not o.made_lost as is_won,
    o.closed_as_exported or o.made_lost as is_closed,
    coalesce(onm.name, o.owner) as owner,   -- an owner id shown by its name (setting owner_names)
    o.source,
    coalesce(br.lead_key, cv.lead_key, be.lead_key) as lead_key,
    ll.mql_at as lead_mql_at
from decided o
left join by_ref br using (source_system, record_id)
left join converted cv using (source_system, record_id)
left join by_email be using (source_system, record_id)
left join owner_names onm on onm.owner = o.owner
left join main.leads ll on ll.lead_key = coalesce(br.lead_key, cv.lead_key, be.lead_key);
