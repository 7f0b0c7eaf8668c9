-- spend_roi_by_channel: spend of P against the won revenue of P credited to the same channel
-- under one attribution model. Spend channels are the mapped ones (view spend_mapped: channel_map,
-- the presets' default channels, the spend_campaign_map setting).
--   roi            = credit / spend (METRICS.md roi when $model = 'linear'; null without spend)
--   attributed_deals = won deals of P counted by their share of credit under the model
--                    (a deal split 50/50 counts half to each channel; a deal of amount 0 counts
--                    by equal shares)
--   cac            = spend / attributed_deals
--   mqls, leads    = leads with mql_at / created_at in P whose source is the channel
--                    (source renamed by channel_map, as the lead's origin touch is)
--   cost_per_mql   = spend / mqls; cost_per_lead = spend / leads
-- Grain: one row per channel with spend in P or credit in P ('(none)' left out); key: channel.
-- Params: $start, $end (inclusive: cost dates, close dates, MQL dates); $model (first_touch |
-- last_touch | linear | u_shaped | time_decay).
with spent as (
    select channel, sum(cost) as spend
    from spend_mapped
    where date between $start::date and $end::date
    group by channel
),
credit_rows as (
    select channel,
           model_credit($model, first_touch, last_touch, linear, u_shaped, time_decay) as credit,
           amount, n
    from touch_credits_between($start::date, $end::date)
    where channel <> '(none)'
),
credit as (
    select channel, sum(credit) as credit,
           sum(coalesce(credit / nullif(amount, 0), 1.0 / n)) as attributed_deals
    from credit_rows
    group by channel
),
lead_channel as (
    select l.channel,
           count(*) filter (where l.mql_at::date between $start::date and $end::date)     as mqls,
           count(*) filter (where l.created_at::date between $start::date and $end::date) as leads
    from lead_dims l
    where coalesce(l.source, '') <> ''
    group by 1
)
select channel,
       coalesce(s.spend, 0)                                  as spend,
       coalesce(c.credit, 0)                                 as credit,
       coalesce(c.attributed_deals, 0)                       as attributed_deals,
       coalesce(c.credit, 0) / nullif(s.spend, 0)            as roi,
       s.spend / nullif(c.attributed_deals, 0)               as cac,
       coalesce(l.mqls, 0)                                   as mqls,
       coalesce(l.leads, 0)                                  as leads,
       s.spend / nullif(l.mqls, 0)                           as cost_per_mql,
       s.spend / nullif(l.leads, 0)                          as cost_per_lead
from spent s
full join credit c using (channel)
left join lead_channel l using (channel)
order by spend desc, credit desc, channel;
