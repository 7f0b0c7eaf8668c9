-- spend_by_source: what each spend import brought, per source system (google_ads, linkedin_ads,
-- meta_ads, template), in P and over all time.
-- Grain: one row per source_system; key: source_system. Params: $start, $end (inclusive).
select source_system,
       coalesce(sum(cost) filter (where date between $start::date and $end::date), 0) as spend,
       count(*) filter (where date between $start::date and $end::date)               as lines,
       sum(cost)                                                                      as spend_all_time,
       count(*)                                                                       as lines_all_time,
       min(date)                                                                      as first_date,
       max(date)                                                                      as last_date,
       string_agg(distinct channel, ', ' order by channel)                            as channels
from spend_mapped
group by source_system
order by spend desc, source_system;
