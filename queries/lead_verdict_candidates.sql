-- lead_verdict_candidates: the MQLs sales can give a verdict on, newest MQL first, with their current decision
-- (rejected_by, the verdict, a conflict between the export and the verdict).
-- Grain: one row per MQL. Key: lead_key. Params: $team, $owner ('' = everyone).
select l.lead_key, l.company, l.email, l.owner_name as owner, l.mql_at, l.sql_at, l.disqualified_at,
       l.disqualify_reason, l.rejected_by, l.verdict, l.verdict_reason, l.verdict_by, l.verdict_at, l.verdict_conflict
from lead_dims l
where l.mql_at is not null
  and ($team = '' or l.owner_team = $team) and ($owner = '' or l.owner_name = $owner)
order by l.mql_at desc, l.lead_key;
