-- sales_response_by_hour: follow-up speed by the weekday and hour the MQL arrived, to show
-- routing gaps (nights, weekends, one rep's queue). Cohort: MQLs with mql_at in P, optionally of
-- one lead owner ($owner null = everyone; '(none)' = MQLs without an owner). Response time and
-- SLA status as METRICS.md (mql_sla macro).
-- Grain: one row per (weekday, hour) with MQLs; weekday 1 = Monday .. 7 = Sunday (ISO), hour 0-23
-- of mql_at. Key: (weekday, hour). Params: $start, $end, $as_of, $sla_hours, $owner.
select isodow(mql_at) as weekday,
       hour(mql_at)   as hour,
       count(*) as mqls,
       count(response_hours) as answered,
       count(*) filter (where sla_status = 'met')      as sla_met,
       count(*) filter (where sla_status = 'breached') as sla_breaches,
       count(*) filter (where sla_status = 'pending')  as sla_pending,
       median(response_hours) as mql_response_hours_median
from mql_sla($sla_hours, $as_of)
where mql_at::date between $start::date and $end::date
  and ($owner::varchar is null or or_none(owner) = $owner::varchar)
group by 1, 2
order by 1, 2;
