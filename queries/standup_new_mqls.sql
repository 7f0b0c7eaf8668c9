-- standup_new_mqls: leads that became MQL in the standup window (mql_at after $since, up to $now), with their
-- owner and sales' verdict so far. $team / $owner: '' = everyone, else the lead owner's directory team / name.
-- Grain: one row per lead. Key: lead_key. Order: newest MQL first. Params: $since, $now, $team, $owner.
select l.lead_key, l.company, l.email, l.owner_name as owner, l.owner_team as team, l.channel,
       l.campaign_name as campaign, l.mql_at, l.verdict, l.verdict_by
from lead_dims l
where l.mql_at > $since::timestamp and l.mql_at <= $now::timestamp
  and ($team = '' or l.owner_team = $team) and ($owner = '' or l.owner_name = $owner)
order by l.mql_at desc, l.lead_key;
