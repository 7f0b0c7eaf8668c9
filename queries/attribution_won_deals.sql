-- attribution_won_deals: the won deals of P with the shape of their touch path, for picking a
-- deal to drill into. touches = qualifying touches (0 = unlinked or none before the opportunity
-- was created); first_channel / last_channel = where first and last touch credit went.
-- Grain: one row per won deal; key: opp_key. Params: $start, $end (close dates, inclusive).
select opp_key,
       any_value(name)                                   as name,
       any_value(close_date)                             as close_date,
       any_value(opp_created_at)                         as opp_created_at,
       any_value(amount)                                 as amount,
       any_value(owner)                                  as owner,
       any_value(lead_key) is not null                   as is_linked,
       count(touched_at)                                 as touches,
       any_value(channel) filter (where pos = 1)    as first_channel,
       arg_max(channel, pos)                             as last_channel,
       min(touched_at)                                   as first_touched_at
from touch_credits_between($start::date, $end::date)
group by opp_key
order by amount desc, close_date desc, opp_key;
