-- standup_deals: what happened to deals in the standup window: 'created' (created_at in it), 'stage changed'
-- (a re-import brought another stage, opportunity_stage_changes.changed_at in it), 'won' / 'lost' (closed
-- with a close date from the day of $since to the day of $now: a close date has no time).
-- $team / $owner filter by the opportunity owner (its directory team).
-- Grain: one row per (deal, event, at). Order: latest first. Params: $since, $now, $team, $owner.
with events as (
    select opp_key, 'created' as event, created_at as at, null::varchar as from_stage, stage as to_stage
    from opportunities
    where created_at > $since::timestamp and created_at <= $now::timestamp
    union all
    select c.opp_key, 'stage changed', c.changed_at, c.from_stage, c.to_stage
    from opportunity_stage_changes c
    where c.changed_at > $since::timestamp and c.changed_at <= $now::timestamp
    union all
    select opp_key, case when is_won then 'won' else 'lost' end, close_date::timestamp, null, stage
    from opportunities
    where is_closed and close_date between $since::date and $now::date
)
select e.opp_key, o.name, or_none(o.owner) as owner,
       or_none(d.team) as team, e.event, e.at, e.from_stage, e.to_stage, o.stage, o.amount
from events e
join opportunities o on o.opp_key = e.opp_key
left join owner_directory d on d.owner = o.owner
where ($team = '' or or_none(d.team) = $team)
  and ($owner = '' or or_none(o.owner) = $owner)
order by e.at desc, e.opp_key, e.event;
