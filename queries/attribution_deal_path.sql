-- attribution_deal_path: the touch path of one won deal: every touch of its lead in time order,
-- with the credit each qualifying touch gets under the five models, and the touches after the
-- opportunity was created (counts = false, no credit: METRICS.md counts touches up to created_at).
-- A deal without a qualifying touch shows its '(none)' row with the whole amount.
-- Grain: one row per touch of the deal's lead (plus the '(none)' row); key: (seq).
-- days_before_opp = fractional days from the touch to the opportunity's creation (time decay's d).
-- Params: $opp_key.
with deal as (
    select opp_key, created_at as opp_created_at, coalesce(amount, 0) as amount, lead_key, close_date
    from opportunities
    where opp_key = $opp_key and is_won
),
credited as (
    select c.touched_at, c.channel, c.campaign, c.is_origin, true as counts, c.pos,
           c.first_touch, c.last_touch, c.linear, c.u_shaped, c.time_decay, c.decay_weight
    from touch_credits c
    where c.opp_key = $opp_key
),
later as (
    select t.touched_at, t.channel, t.campaign, t.is_origin, false as counts, null::bigint as pos,
           null::double as first_touch, null::double as last_touch, null::double as linear,
           null::double as u_shaped, null::double as time_decay, null::double as decay_weight
    from deal d
    join touches t on t.lead_key = d.lead_key and t.touched_at > d.opp_created_at
)
select row_number() over (order by p.touched_at nulls first, p.counts desc, p.pos, p.channel, p.campaign) as seq,
       p.*,
       (epoch(d.opp_created_at) - epoch(p.touched_at)) / 86400.0 as days_before_opp,
       d.opp_created_at,
       d.amount
from (select * from credited union all by name select * from later) p
cross join deal d
order by seq;
