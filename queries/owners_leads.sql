-- owners_leads: follow-up of MQLs in P per lead owner.
-- Grain: one row per lead owner with an MQL in P ('(none)' = no owner).
-- Params: $start, $end (inclusive), $sla_hours, $as_of.
select coalesce(owner, '(none)') as owner,
       count(*) as mqls,
       count(*) filter (where sla_status = 'met') as sla_met,
       count(*) filter (where sla_status = 'breached') as sla_breaches,
       count(*) filter (where sla_status = 'pending') as sla_pending,
       median(response_hours) as mql_response_hours_median,
       quantile_cont(response_hours, 0.9) as mql_response_hours_p90
from mql_sla($sla_hours, $as_of)
where mql_at::date between $start::date and $end::date
group by 1
order by mqls desc, owner;
