-- attribution_summary: the CLI's attribution and roi of P (METRICS.md "Attribution"), in one
-- pass over the credits of the period's won deals.
-- Grain: one row per (dimension, name); dimension 'channel' or 'campaign'. Key: (dimension, name).
-- Credits under the five models ('(none)' = won deals unlinked or without a qualifying touch).
-- Channel rows also carry spend (spend_mapped, cost dated in P) and roi = linear credit / spend
-- (null without spend); a channel with spend and no credit appears with zero credits.
-- Params: $start, $end (close dates and cost dates, inclusive).
with credited as (
    select case when grouping(channel) = 0 then 'channel' else 'campaign' end as dimension,
           case when grouping(channel) = 0 then channel else campaign end     as name,
           sum(first_touch) as first_touch,
           sum(last_touch)  as last_touch,
           sum(linear)      as linear,
           sum(u_shaped)    as u_shaped,
           sum(time_decay)  as time_decay
    from touch_credits_between($start, $end)
    group by grouping sets ((channel), (campaign))
),
spent as (
    select channel as name, sum(cost) as spend
    from spend_mapped
    where date between $start::date and $end::date
    group by channel
)
select coalesce(c.dimension, 'channel') as dimension,
       coalesce(c.name, s.name)         as name,
       coalesce(c.first_touch, 0)       as first_touch,
       coalesce(c.last_touch, 0)        as last_touch,
       coalesce(c.linear, 0)            as linear,
       coalesce(c.u_shaped, 0)          as u_shaped,
       coalesce(c.time_decay, 0)        as time_decay,
       s.spend,
       coalesce(c.linear, 0) / nullif(s.spend, 0) as roi
from credited c
full join spent s on c.dimension = 'channel' and c.name = s.name
order by dimension, linear desc, name;
