-- deal_summary: one deal with its lead: owner, stage, amount, dates, won/closed, and the lead behind it (its
-- dates, source, campaign, rejection and sales' verdict). Grain: one row (none for an unknown deal).
-- Key: opp_key. Params: $deal (an opp_key, source_system:record_id).
select o.opp_key, o.name, or_none(o.owner) as owner, o.stage, o.amount, o.probability,
       o.created_at, o.close_date, o.is_closed, o.is_won, o.source_system,
       o.lead_key, l.email, l.company, l.owner as lead_owner, l.channel, l.campaign_name as campaign, l.created_at as lead_created_at,
       l.mql_at, l.sql_at, l.disqualified_at, l.disqualify_reason, l.rejected_by, l.verdict, l.verdict_by,
       l.verdict_at, l.verdict_conflict
from opportunities o
left join lead_dims l on l.lead_key = o.lead_key
where o.opp_key = $deal;
