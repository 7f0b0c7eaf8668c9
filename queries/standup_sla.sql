-- standup_sla: MQLs whose follow-up SLA runs out in the standup window, to the hour: due_at = mql_at +
-- $sla_hours. 'breached': due_at after $since and at or before $now with no activity by due_at (the response
-- rule of METRICS.md "Follow-up SLA": the first activity at or after mql_at); 'due soon': no activity by $now
-- and due_at within the next $soon_hours hours. (The period's sla_breaches counts by whole days; this list
-- says which MQL crossed the line since the last standup and which will next.)
-- Grain: one row per MQL. Key: lead_key. Order: breached first, then by due_at.
-- Params: $since, $now, $sla_hours, $soon_hours, $team, $owner.
with due as (
    select r.lead_key, r.mql_at, r.first_response_at,
           r.mql_at + to_microseconds(($sla_hours * 3600000000)::bigint) as due_at
    from mql_response r
),
listed as (
    select d.*,
           case when d.due_at > $since::timestamp and d.due_at <= $now::timestamp
                     and (d.first_response_at is null or d.first_response_at > d.due_at) then 'breached'
                when d.due_at > $now::timestamp
                     and d.due_at <= $now::timestamp + to_microseconds(($soon_hours * 3600000000)::bigint)
                     and (d.first_response_at is null or d.first_response_at > $now::timestamp) then 'due soon'
           end as status
    from due d
)
select x.lead_key, l.company, l.email, l.owner_name as owner, l.owner_team as team, x.status, x.mql_at, x.due_at,
       round((epoch(x.due_at) - epoch($now::timestamp)) / 3600.0, 1) as hours_left
from listed x
join lead_dims l on l.lead_key = x.lead_key
where x.status is not null
  and ($team = '' or l.owner_team = $team) and ($owner = '' or l.owner_name = $owner)
order by x.status, x.due_at, x.lead_key;
