-- wins_deals: the deals won in P, with who closed them and the marketing that touched them.
-- campaigns = the distinct campaigns (except '(none)') of the linked lead's touches dated on or
-- before the close date (the touch rule of marketing_influenced_revenue), in name order;
-- is_marketing_sourced (the macro of queries/model/85_facts.sql) / is_influenced as METRICS.md; sales_cycle_days = close_date - date(created_at).
-- Grain: one row per won deal with close_date in P. Key: opp_key. Order: largest amount first.
-- Params: $start, $end (inclusive).
with
won as (
    select o.*, l.company, l.mql_at, l.channel as lead_channel
    from opportunities o
    left join lead_dims l using (lead_key)
    where o.is_won and o.close_date between $start::date and $end::date
),
touched as (
    select w.opp_key,
           count(t.lead_key) as touches,
           string_agg(distinct t.campaign, ', ' order by t.campaign)
               filter (where t.campaign <> '(none)') as campaigns
    from won w
    join touches t on t.lead_key = w.lead_key and t.touched_at::date <= w.close_date
    group by w.opp_key
)
select w.opp_key, w.name, or_none(w.owner) as owner, w.amount, w.close_date, w.created_at,
       w.close_date - w.created_at::date as sales_cycle_days,
       w.company, w.lead_key, w.lead_channel,
       coalesce(t.campaigns, '') as campaigns,
       coalesce(t.touches, 0) as touches,
       is_marketing_sourced(w.mql_at, w.created_at) as is_marketing_sourced,
       coalesce(t.touches, 0) > 0 as is_influenced
from won w
left join touched t using (opp_key)
order by w.amount desc nulls last, w.close_date, w.opp_key;
