-- spend_by_month: spend and the won revenue credited under one model, per calendar month and
-- channel, for the channels that have spend in [$start, $end]. Spend by its date, credit by the
-- close date of its deal (the same rule as ROI, month by month).
-- Grain: one row per (month, channel); key: (month, channel). month = first day of the month.
-- Params: $start, $end (inclusive); $model (first_touch | last_touch | linear | u_shaped | time_decay).
with spent as (
    select date_trunc('month', date)::date as month, channel, sum(cost) as spend
    from spend_mapped
    where date between $start::date and $end::date
    group by all
),
paid as (select distinct channel from spent),
credit as (
    select date_trunc('month', close_date)::date as month, channel,
           sum(model_credit($model, first_touch, last_touch, linear, u_shaped, time_decay)) as credit
    from touch_credits_between($start::date, $end::date)
    where channel in (select channel from paid)
    group by all
)
select month, channel, coalesce(s.spend, 0) as spend, coalesce(c.credit, 0) as credit
from spent s
full join credit c using (month, channel)
order by month, channel;
