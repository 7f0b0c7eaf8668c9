-- deal_touches: the touches of one deal's lead in time order (origin touch included); counts = on or before the
-- opportunity's creation (the touches attribution would credit if the deal is won; credit itself:
-- attribution_deal_path). Grain: one row per touch. Params: $deal.
select t.touched_at, t.channel, t.campaign, t.is_origin, t.touched_at <= o.created_at as counts
from opportunities o
join touches t on t.lead_key = o.lead_key
where o.opp_key = $deal
order by t.touched_at, t.channel, t.campaign;
