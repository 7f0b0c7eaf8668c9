-- roi_by_channel: linear attributed revenue / spend, per channel with spend in P.
-- Spend is read through spend_mapped (the spend-to-touch mapping setting), as the Spend page does.
-- Grain: one row per spend channel. Params: $start, $end (inclusive).
with spent as (
    select channel, sum(cost) as spend
    from spend_mapped
    where date between $start::date and $end::date
    group by channel
),
credit as (
    select channel, sum(linear) as linear_credit
    from touch_credits_between($start, $end)
    group by channel
)
select s.channel, s.spend, coalesce(c.linear_credit, 0) as linear_credit,
       coalesce(c.linear_credit, 0) / nullif(s.spend, 0) as roi
from spent s
left join credit c using (channel)
order by s.channel;
