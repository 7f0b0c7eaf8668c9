-- attribution_credit_by_campaign: won revenue of P credited to each touch campaign under all
-- five models side by side (METRICS.md "Attribution": credit summed by campaign, whatever the
-- channel), with each credit's share of won revenue.
-- Grain: one row per campaign; key: campaign ('(none)' = touches without a campaign, and won
-- deals without a qualifying touch). channels = the channels its touches came through.
-- won_revenue = the period's won revenue (every model's credits add up to it).
-- Params: $start, $end (close dates, inclusive).
select c.campaign,
       string_agg(distinct c.channel, ', ' order by c.channel) as channels,
       count(distinct c.opp_key)                 as deals,
       sum(c.first_touch)                        as first_touch,
       sum(c.last_touch)                         as last_touch,
       sum(c.linear)                             as linear,
       sum(c.u_shaped)                           as u_shaped,
       sum(c.time_decay)                         as time_decay,
       sum(c.first_touch) / nullif(sum(sum(c.first_touch)) over (), 0) as first_touch_share,
       sum(c.last_touch)  / nullif(sum(sum(c.first_touch)) over (), 0) as last_touch_share,
       sum(c.linear)      / nullif(sum(sum(c.first_touch)) over (), 0) as linear_share,
       sum(c.u_shaped)    / nullif(sum(sum(c.first_touch)) over (), 0) as u_shaped_share,
       sum(c.time_decay)  / nullif(sum(sum(c.first_touch)) over (), 0) as time_decay_share
from touch_credits_between($start::date, $end::date) c
group by c.campaign
order by linear desc, campaign;
