-- attribution_by_channel: won revenue of P credited to touch channels under each model.
-- Grain: one row per channel ('(none)' = won deals without a qualifying touch).
-- Params: $start, $end (close dates, inclusive).
select channel,
       sum(first_touch) as first_touch,
       sum(last_touch)  as last_touch,
       sum(linear)      as linear,
       sum(u_shaped)    as u_shaped,
       sum(time_decay)  as time_decay
from touch_credits_between($start, $end)
group by channel
order by linear desc, channel;
