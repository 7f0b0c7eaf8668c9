-- friction_stalled_opportunities: opportunities stalled at the end of the as_of day.
-- Open at as_of: created on or before as_of, and not closed (or closed with a close date after
-- as_of). Stalled when past its close date (close_date < as_of) or idle: no sign of life for
-- $stall_days days or more, where the last sign of life is the later of the opportunity's
-- creation and the last activity on its linked lead up to as_of_end, and
-- idle_days = as_of - date(last sign of life). An unlinked opportunity has only its creation.
-- Not limited to the period: it lists what is stuck right now.
-- $owners: opportunity owners to list ('(none)' = no owner; empty = everyone). $limit: the first rows only
-- (null = all); total = how many the list has in all, on every row.
-- Grain: one row per stalled opportunity. Key: opp_key. Order: largest amount first.
-- Params: $as_of, $stall_days, $owners, $limit.
with
open_opps as (
    select *
    from opportunities
    where created_at < ($as_of::date + 1)::timestamp
      and (not is_closed or close_date > $as_of::date)
      and (len($owners::varchar[]) = 0 or list_contains($owners::varchar[], or_none(owner)))
),
last_activity as (
    select o.opp_key, max(a.activity_at) as last_activity_at
    from open_opps o
    join activities a on a.lead_key = o.lead_key and a.activity_at < ($as_of::date + 1)::timestamp
    group by o.opp_key
),
facts as (
    select o.opp_key, o.name, or_none(o.owner) as owner, o.stage, o.amount, o.probability,
           o.created_at, o.close_date, o.lead_key, l.last_activity_at,
           $as_of::date - greatest(o.created_at, coalesce(l.last_activity_at, o.created_at))::date as idle_days,
           o.close_date < $as_of::date as is_past_close,
           $as_of::date - o.close_date as days_past_close
    from open_opps o
    left join last_activity l using (opp_key)
)
select opp_key, name, owner, stage, amount, probability, created_at, close_date,
       case when is_past_close then days_past_close end as days_past_close,
       last_activity_at, idle_days,
       is_past_close,
       idle_days >= $stall_days as is_idle,
       case when is_past_close and idle_days >= $stall_days then 'past close date, no activity'
            when is_past_close then 'past close date'
            else 'no activity' end as reason,
       lead_key,
       count(*) over () as total
from facts
where is_past_close or idle_days >= $stall_days
order by amount desc nulls last, opp_key
limit $limit;
