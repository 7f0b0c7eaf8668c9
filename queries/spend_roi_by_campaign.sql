-- spend_roi_by_campaign: spend of P against the won revenue of P credited to the same
-- (channel, campaign) under one model; the campaign-level twin of spend_roi_by_channel (same
-- definitions of roi, attributed_deals, cac). Spend campaigns are the mapped ones (spend_mapped).
-- Grain: one row per (channel, campaign) with spend in P, plus the credited campaigns of the
-- channels that have spend in P; key: (channel, campaign).
-- Params: $start, $end (inclusive); $model (first_touch | last_touch | linear | u_shaped | time_decay).
with spent as (
    select channel, campaign, sum(cost) as spend
    from spend_mapped
    where date between $start::date and $end::date
    group by channel, campaign
),
credit as (
    select channel, campaign,
           sum(model_credit($model, first_touch, last_touch, linear, u_shaped, time_decay)) as credit,
           sum(coalesce(model_credit($model, first_touch, last_touch, linear, u_shaped, time_decay) / nullif(amount, 0), 1.0 / n)) as attributed_deals
    from touch_credits_between($start::date, $end::date)
    where channel in (select channel from spent)
    group by channel, campaign
)
select channel, campaign,
       coalesce(s.spend, 0)                        as spend,
       coalesce(c.credit, 0)                       as credit,
       coalesce(c.attributed_deals, 0)             as attributed_deals,
       coalesce(c.credit, 0) / nullif(s.spend, 0)  as roi,
       s.spend / nullif(c.attributed_deals, 0)     as cac
from spent s
full join credit c using (channel, campaign)
order by spend desc, credit desc, channel, campaign;
