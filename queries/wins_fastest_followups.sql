-- wins_fastest_followups: the quickest answers to MQLs of P: response time as METRICS.md
-- (hours from mql_at to the first activity on the lead at or after it). owner = the lead owner
-- ('(none)' = no owner); answered_by = owner of that first activity (ties: name order).
-- Grain: one row per answered MQL with mql_at in P, the 10 fastest. Key: lead_key.
-- Params: $start, $end (inclusive).
select r.lead_key, l.company,
       or_none(r.owner) as owner,
       (select min(or_none(a.owner)) from activities a
         where a.lead_key = r.lead_key and a.activity_at = r.first_response_at) as answered_by,
       or_none(r.source) as source,
       r.mql_at, r.first_response_at, r.response_hours
from mql_response r
join leads l using (lead_key)
where r.mql_at::date between $start::date and $end::date
  and r.response_hours is not null
order by r.response_hours, r.mql_at, r.lead_key
limit 10;
