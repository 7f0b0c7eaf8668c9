-- standup_rejections: leads rejected in the standup window (the leads view's rejection: the export's
-- disqualify date or status, or sales' verdict in the app, counted once), with the reason, who said it
-- (rejected_by names the sources) and the note. Grain: one row per lead. Key: lead_key.
-- Order: latest rejection first. Params: $since, $now, $team, $owner.
select l.lead_key, l.company, l.email, l.owner_name as owner, l.owner_team as team, l.disqualified_at as rejected_at,
       coalesce(nullif(trim(l.disqualify_reason), ''), '(none)') as reason, l.rejected_by, l.verdict_by,
       l.verdict_note as note, l.export_disqualify_reason as export_reason
from lead_dims l
where l.disqualified_at > $since::timestamp and l.disqualified_at <= $now::timestamp
  and ($team = '' or l.owner_team = $team) and ($owner = '' or l.owner_name = $owner)
order by l.disqualified_at desc, l.lead_key;
