-- period_metrics: every scalar metric of METRICS.md for one period P, under its JSON name.
-- Grain: one row (the period). Params: $start, $end (dates, both inclusive), $as_of (date),
-- $sla_hours, $goal (a revenue goal that overrides the monthly goals; null = use them).
-- Windows: P = [$start, $end]; T = the 180 days ending the day before $start (trailing rates
-- for the weighted pipeline and the reverse funnel).
with
win as (
    select 'P' as w, $start::date as s, $end::date as e
    union all
    select 'T', $start::date - 180, $start::date - 1
),
lead_facts as (
    select l.*,
           l.lead_key in (select lead_key from opportunities where lead_key is not null) as has_opp
    from leads l
),
lead_stats as (
    select w,
        count(*) filter (where created_at::date between s and e)                      as leads_created,
        count(*) filter (where mql_at::date between s and e)                          as mqls,
        count(*) filter (where sql_at::date between s and e)                          as sqls,
        count(*) filter (where created_at::date between s and e and mql_at is not null) as leads_became_mql,
        count(*) filter (where mql_at::date between s and e and sql_at is not null)   as mqls_became_sql,
        count(*) filter (where sql_at::date between s and e and has_opp)              as sqls_with_opp
    from win left join lead_facts on true
    group by w
),
influenced as (   -- won deals whose lead had a touch on or before the close date
    select distinct o.opp_key
    from opportunities o
    join touches t on t.lead_key = o.lead_key
    where o.is_won and o.close_date between $start::date and $end::date
      and t.touched_at::date <= o.close_date
),
opp_facts as (
    select o.*,
           l.mql_at is not null and l.mql_at <= o.created_at as is_marketing_sourced,
           o.opp_key in (select opp_key from influenced) as is_influenced
    from opportunities o
    left join leads l using (lead_key)
),
opp_stats as (
    select w,
        count(*) filter (where created_at::date between s and e)                         as opps_created,
        coalesce(sum(amount) filter (where created_at::date between s and e), 0)         as pipeline_created,
        count(*) filter (where is_won and close_date between s and e)                    as won_deals,
        coalesce(sum(amount) filter (where is_won and close_date between s and e), 0)    as won_revenue,
        count(*) filter (where is_closed and not is_won and close_date between s and e)  as lost_deals,
        median(close_date - created_at::date) filter (where is_won and close_date between s and e)
                                                                                          as sales_cycle_days,
        coalesce(sum(amount) filter (where created_at::date between s and e and is_marketing_sourced), 0)
                                                                                          as marketing_sourced_pipeline,
        coalesce(sum(amount) filter (where is_won and close_date between s and e and is_marketing_sourced), 0)
                                                                                          as marketing_sourced_revenue,
        coalesce(sum(amount) filter (where is_won and close_date between s and e and is_influenced), 0)
                                                                                          as marketing_influenced_revenue
    from win left join opp_facts on true
    group by w
),
rates as (
    select w, l.*, o.*,
        l.leads_became_mql / nullif(l.leads_created, 0) as lead_to_mql_rate,
        l.mqls_became_sql / nullif(l.mqls, 0)            as mql_to_sql_rate,
        l.sqls_with_opp / nullif(l.sqls, 0)              as sql_to_opp_rate,
        o.won_deals / nullif(o.won_deals + o.lost_deals, 0) as win_rate,
        o.won_revenue / nullif(o.won_deals, 0)           as avg_deal_size
    from lead_stats l join opp_stats o using (w)
),
p as (select * from rates where w = 'P'),
t as (select * from rates where w = 'T'),
open_pipe as (    -- open deals expected to close in P; a missing probability = trailing win rate
    select coalesce(sum(o.amount), 0) as open_pipeline,
           coalesce(sum(o.amount * coalesce(o.probability, coalesce(t.win_rate, 0) * 100) / 100), 0)
               as weighted_pipeline
    from opportunities o cross join t
    where not o.is_closed and o.close_date between $start::date and $end::date
),
sla as (
    select
        median(response_hours)             as mql_response_hours_median,
        quantile_cont(response_hours, 0.9) as mql_response_hours_p90,
        count(*) filter (where sla_status = 'met')      as sla_met,
        count(*) filter (where sla_status = 'breached') as sla_breaches,
        count(*) filter (where sla_status = 'pending')  as sla_pending
    from mql_sla($sla_hours, $as_of)
    where mql_at::date between $start::date and $end::date
),
goal_days as (    -- days of P in each calendar month
    select date_trunc('month', day)::date as month, count(*) as days
    from range($start::date, $end::date + 1, interval 1 day) r(day)
    group by 1
),
goal as (
    select coalesce($goal::double,
                    (select coalesce(sum(g.amount * d.days / day(last_day(d.month))), 0)
                     from goal_days d join goals g on g.month = d.month)) as revenue_goal
),
spent as (
    select coalesce(sum(cost), 0) as spend
    from spend
    where date between $start::date and $end::date
),
pace as (
    select greatest(0.0, least(1.0,
               (least($as_of::date, $end::date) - $start::date + 1) / ($end::date - $start::date + 1)
           )) as elapsed_share
),
reverse as (      -- unrounded; from the trailing window's rates
    select greatest(goal.revenue_goal - p.won_revenue, 0) as remaining,
           remaining / nullif(t.avg_deal_size, 0)           as won_deals_needed,
           won_deals_needed / nullif(t.win_rate, 0)         as opps_needed,
           opps_needed / nullif(t.sql_to_opp_rate, 0)       as sqls_needed,
           sqls_needed / nullif(t.mql_to_sql_rate, 0)       as mqls_needed,
           mqls_needed / nullif(t.lead_to_mql_rate, 0)      as leads_needed
    from p, t, goal
)
select
    p.leads_created, p.mqls, p.sqls, p.opps_created, p.pipeline_created,
    p.won_deals, p.won_revenue, p.lost_deals,
    p.lead_to_mql_rate, p.mql_to_sql_rate, p.sql_to_opp_rate, p.win_rate, p.avg_deal_size,
    p.sales_cycle_days,
    sla.mql_response_hours_median, sla.mql_response_hours_p90,
    sla.sla_met, sla.sla_breaches, sla.sla_pending,
    sla.sla_met / nullif(sla.sla_met + sla.sla_breaches, 0) as sla_compliance,
    p.marketing_sourced_pipeline, p.marketing_sourced_revenue, p.marketing_influenced_revenue,
    goal.revenue_goal,
    p.won_revenue / nullif(goal.revenue_goal, 0) as goal_attainment,
    pace.elapsed_share,
    goal.revenue_goal * pace.elapsed_share as expected_to_date,
    p.won_revenue - goal.revenue_goal * pace.elapsed_share as pace_gap,
    open_pipe.open_pipeline, open_pipe.weighted_pipeline,
    p.won_revenue + open_pipe.weighted_pipeline as forecast,
    -- reverse funnel: rounded up; 0 when nothing remains (rounding guards float noise)
    case when reverse.remaining = 0 then 0 else ceil(round(reverse.won_deals_needed, 9)) end::bigint as required_won_deals,
    case when reverse.remaining = 0 then 0 else ceil(round(reverse.opps_needed, 9)) end::bigint      as required_opps,
    case when reverse.remaining = 0 then 0 else ceil(round(reverse.sqls_needed, 9)) end::bigint      as required_sqls,
    case when reverse.remaining = 0 then 0 else ceil(round(reverse.mqls_needed, 9)) end::bigint      as required_mqls,
    case when reverse.remaining = 0 then 0 else ceil(round(reverse.leads_needed, 9)) end::bigint     as required_leads,
    spent.spend,
    spent.spend / nullif(p.leads_created, 0) as cost_per_lead,
    spent.spend / nullif(p.mqls, 0)          as cost_per_mql,
    spent.spend / nullif(p.won_deals, 0)     as marketing_cac,
    -- context for pages (not in the CLI contract)
    p.won_revenue - p.marketing_sourced_revenue as sales_sourced_revenue,
    p.pipeline_created - p.marketing_sourced_pipeline as sales_sourced_pipeline,
    reverse.remaining as remaining_to_goal,
    t.won_deals as trailing_won_deals, t.avg_deal_size as trailing_avg_deal_size,
    t.win_rate as trailing_win_rate, t.sql_to_opp_rate as trailing_sql_to_opp_rate,
    t.mql_to_sql_rate as trailing_mql_to_sql_rate, t.lead_to_mql_rate as trailing_lead_to_mql_rate
from p, t, sla, goal, spent, pace, open_pipe, reverse;
