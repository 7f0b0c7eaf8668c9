-- friction_sla_breaches: MQLs breaching the follow-up SLA right now, i.e. at the end of the as_of
-- day (as_of_end = as_of + 1 day, 00:00). Cohort: MQLs with mql_at in P (the same MQLs as the
-- sla_breaches metric), whose mql_sla status is 'breached' and that still had no response at
-- as_of_end, with mql_at + sla_hours < as_of_end. (With as_of = today this is exactly the
-- breached MQLs without any response; with an earlier as_of a response after as_of_end does not
-- count yet.) A lead sales already accepted (sql_at) or rejected (disqualified_at) before
-- as_of_end is not waiting any more: it still counts in sla_breaches but is not listed here.
-- hours_waiting = hours from mql_at to as_of_end.
-- $owners: lead owners to list ('(none)' = no owner; empty = everyone). $limit: the first rows only (null =
-- all); total = how many the list has in all, on every row.
-- Grain: one row per waiting MQL. Key: lead_key. Order: oldest first.
-- Params: $start, $end (inclusive), $as_of, $sla_hours, $owners, $limit.
select s.lead_key,
       s.email,
       s.company,
       or_none(s.owner) as owner,
       or_none(s.source) as source,
       or_none(s.campaign) as campaign,
       s.mql_at,
       (epoch(($as_of::date + 1)::timestamp) - epoch(s.mql_at)) / 3600.0 as hours_waiting,
       (epoch(($as_of::date + 1)::timestamp) - epoch(s.mql_at)) / 3600.0 - $sla_hours as hours_over_sla,
       s.sql_at,
       s.disqualified_at,
       count(*) over () as total
from mql_sla($sla_hours, $as_of) s   -- mql_response carries the lead's fields the list needs: no lead is read
where s.mql_at::date between $start::date and $end::date
  and s.sla_status = 'breached'
  and (s.first_response_at is null or s.first_response_at >= ($as_of::date + 1)::timestamp)
  and (s.sql_at is null or s.sql_at >= ($as_of::date + 1)::timestamp)
  and (s.disqualified_at is null or s.disqualified_at >= ($as_of::date + 1)::timestamp)
  and epoch(s.mql_at) + $sla_hours * 3600.0 < epoch(($as_of::date + 1)::timestamp)
  and (len($owners::varchar[]) = 0 or list_contains($owners::varchar[], or_none(s.owner)))
order by s.mql_at, s.lead_key
limit $limit;
