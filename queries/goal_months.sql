-- goal_months: the monthly revenue goals of the fiscal year(s) around the period, and how much of each
-- counts toward the goal of the period.
-- Grain: one row per calendar month from the first month of the fiscal year containing $start to the last
-- month of the fiscal year containing $end. Key: month (first day).
-- Params: $start, $end (P, inclusive), $fy_start_month (1-12, the setting fiscal_year_start_month).
-- goal: the month's goal (null = not set, counts 0). days_in_period: days of the month inside P (0 outside).
-- goal_in_period = goal x days_in_period / days in the month (METRICS.md revenue_goal, month by month;
-- the sum of goal_in_period is revenue_goal of period_metrics without a --goal override).
with bounds as (
    select make_date(year($start::date) - (month($start::date) < $fy_start_month)::int, $fy_start_month, 1) as first_month,
           make_date(year($end::date) - (month($end::date) < $fy_start_month)::int, $fy_start_month, 1)
               + interval 11 month as last_month
),
months as (
    select m::date as month
    from bounds, range(bounds.first_month, bounds.last_month + interval 1 day, interval 1 month) r(m)
),
days as (
    select date_trunc('month', day)::date as month, count(*) as days_in_period
    from range($start::date, $end::date + 1, interval 1 day) r(day)
    group by 1
)
select m.month,
       strftime(m.month, '%Y-%m') as month_key,
       g.amount as goal,
       coalesce(d.days_in_period, 0) as days_in_period,
       day(last_day(m.month)) as days_in_month,
       coalesce(g.amount, 0) * coalesce(d.days_in_period, 0) / day(last_day(m.month)) as goal_in_period
from months m
left join days d using (month)
left join goals g using (month)
order by m.month;
