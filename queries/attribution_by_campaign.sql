-- attribution_by_campaign: won revenue of P credited to touch campaigns under each model.
-- Grain: one row per campaign ('(none)' = no campaign, or no qualifying touch).
-- Params: $start, $end (close dates, inclusive).
select campaign,
       sum(first_touch) as first_touch,
       sum(last_touch)  as last_touch,
       sum(linear)      as linear,
       sum(u_shaped)    as u_shaped,
       sum(time_decay)  as time_decay
from touch_credits_between($start, $end)
group by campaign
order by linear desc, campaign;
