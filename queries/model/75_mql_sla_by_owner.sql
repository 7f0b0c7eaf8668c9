-- mql_sla_by_owner(start_date, end_date, sla_hours, as_of): the follow-up of the MQLs of a period
-- per lead owner (METRICS.md "By owner"; SLA status from mql_sla). '(none)' = no owner.
-- Grain: one row per lead owner with an MQL in the period. Key: owner.
create or replace macro mql_sla_by_owner(start_date, end_date, sla_hours, as_of) as table
select or_none(owner) as owner,
       count(*) as mqls,
       count(*) filter (where sla_status = 'met')      as sla_met,
       count(*) filter (where sla_status = 'breached') as sla_breaches,
       count(*) filter (where sla_status = 'pending')  as sla_pending,
       median(response_hours)             as mql_response_hours_median,
       quantile_cont(response_hours, 0.9) as mql_response_hours_p90
from mql_sla(sla_hours, as_of)
where mql_at::date between start_date::date and end_date::date
group by 1;
