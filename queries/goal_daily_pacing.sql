-- goal_daily_pacing: won revenue and the goal, day by day through the period, cumulated.
-- Grain: one row per day of P = [$start, $end] (both inclusive). Key: day.
-- Params: $start, $end, $goal (a goal for the whole period that overrides the monthly goals; null = use them).
-- won_revenue: sum of amount of opportunities with is_won and close_date = day (as the Volume metric
-- won_revenue of METRICS.md, per day). goal: the day's share of its month's goal = month goal / days in
-- the month (so the goal of P = the sum over its days = revenue_goal of period_metrics); with $goal,
-- $goal / days in P. cum_*: running sums from $start; the last row's cum_* equal won_revenue and
-- revenue_goal of period_metrics.
with days as (
    select day::date as day
    from range($start::date, $end::date + 1, interval 1 day) r(day)
),
won as (
    select close_date as day, sum(amount) as won_revenue, count(*) as won_deals
    from opportunities
    where is_won and close_date between $start::date and $end::date
    group by 1
),
daily as (
    select d.day,
           coalesce(w.won_revenue, 0) as won_revenue,
           coalesce(w.won_deals, 0) as won_deals,
           coalesce($goal::double / ($end::date - $start::date + 1),
                    g.amount / day(last_day(d.day)), 0) as goal
    from days d
    left join won w using (day)
    left join goals g on g.month = date_trunc('month', d.day)::date
)
select day, won_revenue, won_deals, goal,
       sum(won_revenue) over (order by day) as cum_won_revenue,
       sum(goal) over (order by day) as cum_goal
from daily
order by day;
