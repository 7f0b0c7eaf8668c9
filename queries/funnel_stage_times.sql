-- funnel_stage_times: how long each step of the funnel takes, median and 90th percentile, in days.
-- Grain: one row per step (4: Lead -> MQL, MQL -> SQL, SQL -> Opportunity, Opportunity -> Won). Key: step.
-- Params: $start, $end (P, inclusive); $counting = 'period' | 'cohort'.
-- A step's pairs:
--   period counting: the steps completed in P (the later stage's date in P, as the Volume metrics count):
--     Lead -> MQL: leads with mql_at in P (mql_at - created_at); MQL -> SQL: leads with sql_at in P and an
--     mql_at (sql_at - mql_at); SQL -> Opportunity: leads with an sql_at whose first linked opportunity was
--     created in P (its created_at - sql_at); Opportunity -> Won: deals won with close_date in P
--     (close_date - date of created_at, whole days: the median is sales_cycle_days of METRICS.md).
--   cohort counting: the same differences for the leads created in P, whenever the later stage happened;
--     Opportunity -> Won over the won opportunities linked to those leads.
-- Times are fractional days (except Opportunity -> Won, whole days). Pairs whose later stage is dated
-- before the earlier one are left out of the times and counted in out_of_order.
-- median_days = median, p90_days = quantile_cont(0.9) (linear interpolation, as METRICS.md's p90).
with lead_facts as (   -- first_opp_at: the lead's first deal (lead_outcomes, via lead_dims)
    select lead_key, created_at, mql_at, sql_at, first_opp_at,
           created_at::date between $start::date and $end::date as in_cohort
    from lead_dims
),
pairs as (
    select 1 as step_order, 'Lead → MQL' as step, 'MQL' as stage,
           (epoch(mql_at) - epoch(created_at)) / 86400.0 as days
    from lead_facts
    where created_at is not null and mql_at is not null
      and (($counting = 'period' and mql_at::date between $start::date and $end::date)
           or ($counting = 'cohort' and in_cohort))
    union all
    select 2, 'MQL → SQL', 'SQL', (epoch(sql_at) - epoch(mql_at)) / 86400.0
    from lead_facts
    where mql_at is not null and sql_at is not null
      and (($counting = 'period' and sql_at::date between $start::date and $end::date)
           or ($counting = 'cohort' and in_cohort))
    union all
    select 3, 'SQL → Opportunity', 'Opportunity', (epoch(first_opp_at) - epoch(sql_at)) / 86400.0
    from lead_facts
    where sql_at is not null and first_opp_at is not null
      and (($counting = 'period' and first_opp_at::date between $start::date and $end::date)
           or ($counting = 'cohort' and in_cohort))
    union all
    select 4, 'Opportunity → Won', 'Won', (o.close_date - o.created_at::date)::double
    from opportunities o
    left join lead_facts lf using (lead_key)
    where o.is_won and o.created_at is not null and o.close_date is not null
      and (($counting = 'period' and o.close_date between $start::date and $end::date)
           or ($counting = 'cohort' and coalesce(lf.in_cohort, false)))
),
steps as (
    select * from (values (1, 'Lead → MQL', 'MQL'), (2, 'MQL → SQL', 'SQL'),
                          (3, 'SQL → Opportunity', 'Opportunity'), (4, 'Opportunity → Won', 'Won'))
        s(step_order, step, stage)
)
select s.step, s.stage,
       count(p.days) filter (where p.days >= 0) as pairs,
       count(p.days) filter (where p.days < 0) as out_of_order,
       median(p.days) filter (where p.days >= 0) as median_days,
       quantile_cont(p.days, 0.9) filter (where p.days >= 0) as p90_days
from steps s
left join pairs p using (step_order)
group by s.step_order, s.step, s.stage
order by s.step_order;
