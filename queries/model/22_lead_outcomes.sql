-- lead_outcomes: per lead linked to at least one opportunity, how many it has and how many were won.
-- Grain: one row per lead_key with an opportunity.
create or replace view live.lead_outcomes as
select lead_key, count(*) as opportunities, count(*) filter (where is_won) as won_opportunities
from main.opportunities
where lead_key is not null
group by lead_key;
