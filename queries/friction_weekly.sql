-- friction_weekly: the friction counts of P week by week, so a standup sees the trend.
-- Weeks start on Monday and are clipped to P; weeks starting after as_of are left out.
-- mqls / sla_breaches: MQLs with mql_at in the week, breaches by the mql_sla status at the
-- view's as_of (so the weeks add up to the period's sla_breaches metric).
-- rejected_mqls: leads with an mql_at whose disqualified_at falls in the week (they add up to
-- friction_rejected_mqls over P).
-- stalled_opps: opportunities stalled at the end of the week's last day up to as_of (snapshot
-- day = least(week end, as_of)), by the rule of friction_stalled_opportunities.sql.
-- $owners: owners to count (lead owner for MQLs and rejections, opportunity owner for stalled deals,
-- '(none)' for no owner); an empty list counts everyone.
-- Grain: one row per week. Key: week_start. Params: $start, $end, $as_of, $sla_hours, $stall_days, $owners.
with
weeks as (
    select greatest(w::date, $start::date) as week_start,
           least(w::date + 6, $end::date) as week_end,
           least(w::date + 6, $end::date, $as_of::date) as snapshot_day
    from range(date_trunc('week', $start::date), $end::date + 1, interval 7 day) r(w)
    where greatest(w::date, $start::date) <= $as_of::date
),
sla as (
    select mql_at::date as day, count(*) as mqls, count(*) filter (where sla_status = 'breached') as breaches
    from mql_sla($sla_hours, $as_of)
    where mql_at::date between $start::date and $end::date
      and (len($owners::varchar[]) = 0 or list_contains($owners::varchar[], or_none(owner)))
    group by 1
),
rejected as (
    select disqualified_at::date as day, count(*) as rejected
    from leads
    where mql_at is not null and disqualified_at::date between $start::date and $end::date
      and (len($owners::varchar[]) = 0 or list_contains($owners::varchar[], or_none(owner)))
    group by 1
),
snap as (   -- each open opportunity at each snapshot day, with its last sign of life
    select w.week_start, w.snapshot_day, o.opp_key, o.close_date,
           greatest(o.created_at,
                    coalesce(max(a.activity_at), o.created_at)) as last_sign
    from weeks w
    join opportunities o
      on o.created_at < (w.snapshot_day + 1)::timestamp
     and (not o.is_closed or o.close_date > w.snapshot_day)
     and (len($owners::varchar[]) = 0 or list_contains($owners::varchar[], or_none(o.owner)))
    left join activities a
      on a.lead_key = o.lead_key and a.activity_at < (w.snapshot_day + 1)::timestamp
    group by w.week_start, w.snapshot_day, o.opp_key, o.close_date, o.created_at
),
stalled as (
    select week_start, count(*) as stalled
    from snap
    where close_date < snapshot_day or snapshot_day - last_sign::date >= $stall_days
    group by 1
)
select w.week_start, w.week_end, w.snapshot_day,
       coalesce((select sum(mqls) from sla where day between w.week_start and w.week_end), 0)::bigint as mqls,
       coalesce((select sum(breaches) from sla where day between w.week_start and w.week_end), 0)::bigint as sla_breaches,
       coalesce((select sum(rejected) from rejected where day between w.week_start and w.week_end), 0)::bigint as rejected_mqls,
       coalesce(s.stalled, 0) as stalled_opps
from weeks w
left join stalled s using (week_start)
order by w.week_start;
