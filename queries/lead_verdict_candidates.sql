-- lead_verdict_candidates: the MQLs sales can give a verdict on, newest MQL first, with their current decision
-- (rejected_by, the verdict, a conflict between the export and the verdict): the newest $limit of them, and
-- every one whose verdict conflicts with the export; candidates = how many MQLs there are in all (the page
-- offers the newest only: at 1M leads every MQL was 350k rows, 56 MB the cache unpickled on every run).
-- Grain: one row per MQL. Key: lead_key. Params: $team, $owner ('' = everyone), $limit.
with c as (
    select l.lead_key, l.company, l.email, l.owner_name as owner, l.mql_at, l.sql_at, l.disqualified_at,
           l.disqualify_reason, l.rejected_by, l.verdict, l.verdict_reason, l.verdict_by, l.verdict_at,
           l.verdict_conflict, count(*) over () as candidates,
           row_number() over (order by l.mql_at desc, l.lead_key) as newest
    from lead_dims l
    where l.mql_at is not null
      and ($team = '' or l.owner_team = $team) and ($owner = '' or l.owner_name = $owner)
)
select lead_key, company, email, owner, mql_at, sql_at, disqualified_at, disqualify_reason, rejected_by, verdict,
       verdict_reason, verdict_by, verdict_at, verdict_conflict, candidates
from c
where newest <= $limit or verdict_conflict is not null
order by newest;
