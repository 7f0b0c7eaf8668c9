-- attribution_credit_by_channel: won revenue of P credited to each touch channel under all five
-- models side by side (METRICS.md "Attribution"), with each credit's share of won revenue.
-- Grain: one row per channel; key: channel ('(none)' = won deals unlinked or without a
-- qualifying touch: the same amount under every model). Params: $start, $end (close dates, inclusive).
-- deals = won deals of P with at least one qualifying touch on the channel.
select c.channel,
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
       sum(c.time_decay)  / nullif(sum(sum(c.first_touch)) over (), 0) as time_decay_share,
       sum(sum(c.first_touch)) over ()           as won_revenue
from touch_credits_between($start::date, $end::date) c
group by c.channel
order by linear desc, channel;
