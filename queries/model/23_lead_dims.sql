-- lead_dims: every lead with the dimensions of METRICS.md "Breakdowns", derived here once:
-- channel = the source through channel_map ('(none)' when empty); campaign_name = the campaign
-- ('(none)' when empty); owner_name = the owner ('(none)' when empty); owner_team, owner_manager,
-- owner_region from the owner directory (setting owner_directory, '(none)' when not listed); source_system =
-- the system of the person's most recently imported record; opportunity_count / won_opportunity_count = the
-- deals linked to the lead, and the won ones among them (lead_outcomes; 0 when none); first_opp_at, first_closed_on,
-- first_won_on = the lead's first deal, first close and first win (lead_outcomes; null when none). The funnel's
-- measures and the touches' funnel step read them here rather than joining lead_outcomes to a million leads.
-- Grain: one row per lead_key (as `leads`).
create or replace view live.lead_dims as
select l.*,
       or_none(coalesce(cm.channel, l.source)) as channel,
       or_none(l.campaign) as campaign_name,
       or_none(l.owner) as owner_name,
       or_none(d.team) as owner_team,
       or_none(d.manager) as owner_manager,
       or_none(d.region) as owner_region,
       sy.source_system,
       coalesce(lo.opportunities, 0) as opportunity_count,
       coalesce(lo.won_opportunities, 0) as won_opportunity_count,
       lo.first_opp_at, lo.first_closed_on, lo.first_won_on
from main.leads l
left join channel_map cm on cm.source = l.source
left join owner_directory d on d.owner = l.owner
left join (select lead_key, arg_max(source_system, seq) as source_system from lead_records group by lead_key) sy
       on sy.lead_key = l.lead_key
left join main.lead_outcomes lo on lo.lead_key = l.lead_key;
