-- lead_outcomes: per lead linked to at least one opportunity, how many it has and how many were won, and the dates
-- every step after SQL reads (defined here once): first_opp_at = the creation of its first opportunity,
-- first_closed_on = the earliest close date of its closed (won or lost) opportunities, first_won_on = the earliest
-- close date of its won ones (null when none).
-- Grain: one row per lead_key with an opportunity.
create or replace view live.lead_outcomes as
select lead_key, count(*) as opportunities, count(*) filter (where is_won) as won_opportunities,
       min(created_at) as first_opp_at,
       min(close_date) filter (where is_closed) as first_closed_on,
       min(close_date) filter (where is_won) as first_won_on
from main.opportunities
where lead_key is not null
group by lead_key;
