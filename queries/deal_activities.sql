-- deal_activities: the sales activities on one deal's lead, newest first. Grain: one row per activity.
-- Params: $deal.
select a.activity_at, a.type, or_none(a.owner) as owner
from opportunities o
join activities a on a.lead_key = o.lead_key
where o.opp_key = $deal
order by a.activity_at desc;
