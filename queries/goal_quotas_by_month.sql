-- goal_quotas_by_month: each month's joint revenue goal beside the sum of its owners' quotas, and whether
-- they disagree (METRICS.md "Quotas": a difference is flagged, never reconciled).
-- Grain: one row per calendar month from $first_month to $last_month. Key: month (first day).
-- Params: $first_month, $last_month (dates, first days of months, inclusive).
-- goal: the month's goal (null = not set). quota_total: the sum of its quotas (null = no quota set that month);
-- quota_owners: how many owners have one. difference = goal (0 when not set) - quota_total: above 0 the
-- quotas fall short of the goal. disagrees: the month has quotas and they do not add up to its goal to the
-- cent (a month without any quota is not compared).
with months as (
    select m::date as month
    from range($first_month::date, $last_month::date + interval 1 day, interval 1 month) r(m)
),
sums as (
    select month, sum(amount) as quota_total, count(*) as quota_owners
    from quotas
    where month between $first_month::date and $last_month::date
    group by month
)
select m.month,
       strftime(m.month, '%Y-%m') as month_key,
       g.amount as goal,
       s.quota_total,
       coalesce(s.quota_owners, 0) as quota_owners,
       coalesce(g.amount, 0) - s.quota_total as difference,
       coalesce(abs(coalesce(g.amount, 0) - s.quota_total) >= 0.005, false) as disagrees
from months m
left join goals g using (month)
left join sums s using (month)
order by m.month;
