-- goal_period_wins: the deals won in the period, for both teams.
-- Grain: one row per won opportunity with close_date in P = [$start, $end]. Key: opp_key.
-- Params: $start, $end.
-- sourced_by: 'marketing' when the deal is marketing-sourced (the macro is_marketing_sourced, the rule of
-- marketing_sourced_revenue in METRICS.md), else 'sales' (sales-sourced: no MQL before the deal, or unlinked).
-- channel: the sourcing channel = the linked lead's channel (lead_dims), else the opportunity's own source
-- (renamed by channel_map), else '(none)'. campaign: the lead's campaign or '(none)'.
-- is_influenced: the linked lead had a touch with date(touched_at) <= close_date (marketing_influenced_revenue; the
-- model's opportunity_influence lists those deals).
select o.opp_key,
       coalesce(o.name, o.record_id) as deal,
       o.amount,
       or_none(o.owner) as owner,
       o.close_date,
       o.created_at::date as created_date,
       case when is_marketing_sourced(l.mql_at, o.created_at) then 'marketing' else 'sales' end as sourced_by,
       coalesce(nullif(l.channel, '(none)'), nullif(coalesce(cm_o.channel, o.source), ''), '(none)')
           as channel,
       coalesce(l.campaign_name, '(none)') as campaign,
       o.opp_key in (select opp_key from opportunity_influence) as is_influenced,
       l.email as lead_email
from opportunities o
left join lead_dims l using (lead_key)
left join channel_map cm_o on cm_o.source = o.source
where o.is_won and o.close_date between $start::date and $end::date
order by o.amount desc nulls last, o.close_date, deal;
