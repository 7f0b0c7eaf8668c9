-- marketing_funnel: the marketing side of period P per lead channel and per campaign, with the
-- definitions of METRICS.md applied inside each group (rates are ratios of counts; cohorts as there).
-- A lead's channel is its source renamed by channel_map ('(none)' = no source); its campaign is
-- its campaign ('(none)' = empty). Spend meets leads on the spend view's (channel, campaign).
-- Opportunities count under the channel/campaign of their linked lead (unlinked ones are never
-- marketing-sourced). cost_per_lead / cost_per_mql are null for a group without spend lines in P.
-- Grain: one row per channel (level = 'channel', campaign null) and one row per (channel, campaign)
-- (level = 'campaign'), for groups with leads, MQLs, sourced pipeline/revenue or spend in P.
-- Key: (level, channel, campaign). Params: $start, $end (inclusive).
with
lead_ch as (
    select l.*,
           coalesce(cm.channel, nullif(l.source, ''), '(none)') as channel,
           coalesce(nullif(l.campaign, ''), '(none)') as campaign_name
    from leads l
    left join channel_map cm on cm.source = l.source
),
facts as (
    select channel, campaign_name as campaign,
           (created_at::date between $start::date and $end::date)::int                       as leads_created,
           (mql_at::date between $start::date and $end::date)::int                           as mqls,
           (created_at::date between $start::date and $end::date and mql_at is not null)::int as leads_became_mql,
           (mql_at::date between $start::date and $end::date and sql_at is not null)::int     as mqls_became_sql
    from lead_ch
    union all by name
    select lc.channel, lc.campaign_name as campaign,
           case when o.created_at::date between $start::date and $end::date
                 and lc.mql_at is not null and lc.mql_at <= o.created_at then o.amount end  as sourced_pipeline,
           case when o.is_won and o.close_date between $start::date and $end::date
                 and lc.mql_at is not null and lc.mql_at <= o.created_at then o.amount end  as sourced_revenue
    from opportunities o
    join lead_ch lc using (lead_key)
    union all by name
    select channel, coalesce(nullif(campaign, ''), '(none)') as campaign, cost as spend, 1 as spend_lines
    from spend
    where date between $start::date and $end::date
),
grouped as (
    select case when grouping(campaign) = 1 then 'channel' else 'campaign' end as level,
           channel,
           campaign,
           coalesce(sum(leads_created), 0)::bigint    as leads_created,
           coalesce(sum(mqls), 0)::bigint             as mqls,
           coalesce(sum(leads_became_mql), 0)::bigint as leads_became_mql,
           coalesce(sum(mqls_became_sql), 0)::bigint  as mqls_became_sql,
           coalesce(sum(sourced_pipeline), 0) as marketing_sourced_pipeline,
           coalesce(sum(sourced_revenue), 0)  as marketing_sourced_revenue,
           coalesce(sum(spend), 0)            as spend,
           coalesce(sum(spend_lines), 0) > 0  as has_spend
    from facts
    group by grouping sets ((channel), (channel, campaign))
)
select level, channel, campaign,
       leads_created, mqls,
       leads_became_mql / nullif(leads_created, 0) as lead_to_mql_rate,
       mqls_became_sql / nullif(mqls, 0)           as mql_to_sql_rate,
       spend, has_spend,
       case when has_spend then spend / nullif(leads_created, 0) end as cost_per_lead,
       case when has_spend then spend / nullif(mqls, 0) end          as cost_per_mql,
       marketing_sourced_pipeline, marketing_sourced_revenue,
       leads_became_mql, mqls_became_sql
from grouped
where leads_created > 0 or mqls > 0 or marketing_sourced_pipeline <> 0
   or marketing_sourced_revenue <> 0 or has_spend
order by level desc, leads_created desc, mqls desc, channel, campaign;
