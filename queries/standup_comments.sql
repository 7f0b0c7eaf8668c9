-- standup_comments: comments written in the standup window, with the owner of what they are about (the lead's
-- owner, the deal's owner; '(none)' for a campaign or a friction item). Text is returned as typed: pages show
-- it as text. Grain: one row per comment. Key: comment_id. Order: newest first.
-- Params: $since, $now, $team, $owner.
with c as (
    select c.*, coalesce(nullif(l.owner_name, ''), nullif(o.owner, ''), '(none)') as owner
    from comments c
    left join lead_dims l on c.subject_kind = 'lead' and l.lead_key = c.subject_id
    left join opportunities o on c.subject_kind = 'deal' and o.opp_key = c.subject_id
    where c.created_at > $since::timestamp and c.created_at <= $now::timestamp
)
select c.comment_id, c.subject_kind, c.subject_id, c.owner, or_none(d.team) as team,
       c.author, c.created_at, c.parent_id is not null as is_reply, c.body
from c
left join owner_directory d on d.owner = c.owner
where ($team = '' or or_none(d.team) = $team) and ($owner = '' or c.owner = $owner)
order by c.created_at desc, c.comment_id desc;
