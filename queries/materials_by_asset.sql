-- materials_by_asset: per asset (the material a touch or an activity carried), what it reached in P and what
-- sales think of it. A lead is reached when it has a touch or activity with the asset dated in P.
-- leads = leads reached; mqls = of them, those with an mql_at (at any time); opportunities = their
-- opportunities the asset influenced, as METRICS.md's influenced revenue: it reached the lead on or before the
-- opportunity's close date (an open one without a close date counts); won_revenue = the amount of those won. useful / not_useful = sales' latest rating per person (asset_ratings); last_note = the latest note.
-- Grain: one row per asset. Key: asset. Order: won revenue, then leads, descending. Params: $start, $end.
with reached as (
    select asset, lead_key, min(reached_at) as first_at
    from (select asset, lead_key, touched_at as reached_at from touches where asset is not null
          union all
          select asset, lead_key, activity_at from activities where asset is not null)
    where reached_at::date between $start::date and $end::date
    group by asset, lead_key
),
deals as (
    select r.asset, o.opp_key, o.is_won, coalesce(o.amount, 0) as amount
    from reached r
    join opportunities o on o.lead_key = r.lead_key and (o.close_date is null or r.first_at::date <= o.close_date)
),
ratings as (
    select asset,
           count(*) filter (where useful) as useful,
           count(*) filter (where not useful) as not_useful,
           arg_max(note, given_at) filter (where note is not null) as last_note
    from (select asset, given_by, arg_max(useful, rating_id) as useful, arg_max(note, rating_id) as note,
                 max(given_at) as given_at
          from asset_ratings group by asset, given_by)
    group by asset
)
select r.asset,
       count(distinct r.lead_key) as leads,
       count(distinct r.lead_key) filter (where l.mql_at is not null) as mqls,
       (select count(distinct d.opp_key) from deals d where d.asset = r.asset) as opportunities,
       coalesce((select sum(d.amount) from deals d where d.asset = r.asset and d.is_won), 0) as won_revenue,
       coalesce(any_value(g.useful), 0) as useful,
       coalesce(any_value(g.not_useful), 0) as not_useful,
       any_value(g.last_note) as last_note
from reached r
join leads l on l.lead_key = r.lead_key
left join ratings g on g.asset = r.asset
group by r.asset
order by won_revenue desc, leads desc, r.asset;
