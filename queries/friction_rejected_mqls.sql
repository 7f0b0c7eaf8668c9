-- friction_rejected_mqls: MQLs that sales rejected in P: leads with an mql_at and a
-- disqualified_at whose date is in P. source = the lead's source ('(none)' = empty), channel and
-- campaign from lead_dims; reason '(none)' = no reason given. was_accepted = the lead
-- also has an sql_at (accepted first, then disqualified).
-- $owners: lead owners to list ('(none)' = no owner; empty = everyone). $limit: the first rows only (null =
-- all); total = how many the list has in all, on every row.
-- Grain: one row per rejected lead. Key: lead_key. Order: latest rejection first.
-- Params: $start, $end (inclusive), $owners, $limit.
select l.lead_key,
       l.email,
       l.company,
       or_none(l.owner) as owner,
       or_none(l.source) as source,
       l.channel,
       l.campaign_name as campaign,
       l.mql_at,
       l.disqualified_at,
       coalesce(nullif(trim(l.disqualify_reason), ''), '(none)') as reason,
       l.sql_at is not null as was_accepted,
       count(*) over () as total
from lead_dims l
where l.mql_at is not null
  and l.disqualified_at::date between $start::date and $end::date
  and (len($owners::varchar[]) = 0 or list_contains($owners::varchar[], or_none(l.owner)))
order by l.disqualified_at desc, l.lead_key
limit $limit;
