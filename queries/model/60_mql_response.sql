-- mql_response: the follow-up of every MQL. response_hours = hours from mql_at to the
-- first activity on the lead at or after mql_at (any type, by anyone); null = no response.
-- sql_at, disqualified_at, email, company: the lead's, carried so the waiting MQLs (friction_sla_breaches)
-- read no lead.
-- Grain: one row per lead with an mql_at. Key: lead_key.
create or replace view live.mql_response as
select l.lead_key, l.owner, l.source, l.campaign, l.mql_at,
       min(a.activity_at) as first_response_at,
       (epoch(min(a.activity_at)) - epoch(l.mql_at)) / 3600.0 as response_hours,
       l.sql_at, l.disqualified_at, l.email, l.company
from main.leads l
left join main.activities a on a.lead_key = l.lead_key and a.activity_at >= l.mql_at
where l.mql_at is not null
group by l.lead_key, l.owner, l.source, l.campaign, l.mql_at, l.sql_at, l.disqualified_at, l.email, l.company;
