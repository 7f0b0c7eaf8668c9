-- funnel_breakdown: the funnel by stage and by one dimension (source channel, campaign or owner).
-- Grain: one row per (stage, dim_value) with at least one record. Key: stage, dim_value.
-- Params: $start, $end (P, inclusive); $counting = 'period' | 'cohort'; $dimension = 'none' | 'channel' |
-- 'campaign' | 'owner' ('none' gives one row per stage, dim_value 'All': the funnel's totals).
-- records: records in the stage (leads, or opportunities in period counting's Opportunity and Won);
-- amount: sum of their amounts (null for Lead, MQL, SQL: leads carry no amount).
--
-- Stage membership and dimensions: exactly as funnel_stage_records.sql (which lists these records); the
-- CTEs below are a copy of that file's, and tests/test_page_funnel.py checks that every count here equals
-- the number of rows that file lists. In period counting the totals are the Volume metrics of
-- period_metrics.sql (leads_created, mqls, sqls, opps_created / pipeline_created, won_deals / won_revenue).
with lead_dims as (
    select l.*,
           coalesce(nullif(coalesce(cm.channel, l.source), ''), '(none)') as channel,
           coalesce(nullif(l.campaign, ''), '(none)') as campaign_name,
           coalesce(nullif(l.owner, ''), '(none)') as owner_name,
           coalesce(l.email, l.lead_key) as record
    from leads l
    left join channel_map cm on cm.source = l.source
),
opp_dims as (
    select o.*,
           coalesce(ld.channel, nullif(coalesce(cm.channel, o.source), ''), '(none)') as channel,
           coalesce(ld.campaign_name, '(none)') as campaign_name,
           coalesce(nullif(o.owner, ''), '(none)') as owner_name,
           coalesce(o.name, o.record_id) as record
    from opportunities o
    left join lead_dims ld on ld.lead_key = o.lead_key
    left join channel_map cm on cm.source = o.source
),
lead_opps as (   -- per lead: its opportunities (any date) and won opportunities
    select lead_key,
           count(*) as opps, sum(amount) as opp_amount, min(created_at) as first_opp_at,
           string_agg(coalesce(name, record_id), '; ' order by created_at) as deals,
           count(*) filter (where is_won) as won, sum(amount) filter (where is_won) as won_amount,
           min(close_date) filter (where is_won) as first_won_on,
           string_agg(coalesce(name, record_id), '; ' order by created_at) filter (where is_won) as won_deals
    from opportunities
    where lead_key is not null
    group by 1
),
period_members as (
    select 'Lead' as stage, 'lead' as record_type, lead_key as record_key, record, company, channel,
           campaign_name, owner_name, created_at as stage_at, null::double as amount, status as detail
    from lead_dims where created_at::date between $start::date and $end::date
    union all
    select 'MQL', 'lead', lead_key, record, company, channel, campaign_name, owner_name, mql_at, null, status
    from lead_dims where mql_at::date between $start::date and $end::date
    union all
    select 'SQL', 'lead', lead_key, record, company, channel, campaign_name, owner_name, sql_at, null, status
    from lead_dims where sql_at::date between $start::date and $end::date
    union all
    select 'Opportunity', 'opportunity', opp_key, record, null, channel, campaign_name, owner_name,
           created_at, amount, stage
    from opp_dims where created_at::date between $start::date and $end::date
    union all
    select 'Won', 'opportunity', opp_key, record, null, channel, campaign_name, owner_name,
           close_date::timestamp, amount, stage
    from opp_dims where is_won and close_date between $start::date and $end::date
),
cohort as (
    select ld.*, lo.opps, lo.opp_amount, lo.first_opp_at, lo.deals, lo.won, lo.won_amount, lo.first_won_on,
           lo.won_deals
    from lead_dims ld
    left join lead_opps lo using (lead_key)
    where ld.created_at::date between $start::date and $end::date
),
cohort_members as (
    select 'Lead' as stage, 'lead' as record_type, lead_key as record_key, record, company, channel,
           campaign_name, owner_name, created_at as stage_at, null::double as amount, status as detail
    from cohort
    union all
    select 'MQL', 'lead', lead_key, record, company, channel, campaign_name, owner_name, mql_at, null, status
    from cohort where mql_at is not null
    union all
    select 'SQL', 'lead', lead_key, record, company, channel, campaign_name, owner_name, sql_at, null, status
    from cohort where sql_at is not null
    union all
    select 'Opportunity', 'lead', lead_key, record, company, channel, campaign_name, owner_name,
           first_opp_at, opp_amount, deals
    from cohort where opps > 0
    union all
    select 'Won', 'lead', lead_key, record, company, channel, campaign_name, owner_name,
           first_won_on::timestamp, won_amount, won_deals
    from cohort where won > 0
),
members as (
    select * from period_members where $counting = 'period'
    union all
    select * from cohort_members where $counting = 'cohort'
)
select stage,
       case $dimension when 'channel' then channel when 'campaign' then campaign_name
                       when 'owner' then owner_name else 'All' end as dim_value,
       count(*) as records,
       sum(amount) as amount
from members
group by 1, 2
order by case stage when 'Lead' then 1 when 'MQL' then 2 when 'SQL' then 3 when 'Opportunity' then 4 else 5 end,
         records desc, dim_value;
