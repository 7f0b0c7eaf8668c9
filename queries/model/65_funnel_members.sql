-- funnel_members(start_date, end_date, counting): every record counted in each funnel stage of P.
-- Grain: one row per (stage, record); key: (stage, record_key). counting = 'period' | 'cohort'.
-- Columns: stage, record_type, record_key, record, company, channel, campaign_name, owner_name,
-- stage_at, amount, detail. The Funnel page counts these rows (funnel_breakdown.sql) and lists them
-- (funnel_stage_records.sql), so a cell's count and its list cannot disagree.
-- Stage membership:
--   period counting = the Volume metrics of METRICS.md, each stage on its own date in P:
--     Lead = leads with created_at in P; MQL = mql_at in P; SQL = sql_at in P (one row per lead);
--     Opportunity = opportunities with created_at in P; Won = is_won and close_date in P (one row per
--     opportunity, unlinked ones included).
--   cohort counting = the leads created in P and how far they got at any time (before or after $end),
--     each stage by its own evidence, like the Conversion metrics (so Lead -> MQL = lead_to_mql_rate):
--     Lead = created_at in P; MQL = has an mql_at; SQL = has an sql_at; Opportunity = linked to at least one
--     opportunity (of any date); Won = linked to at least one won opportunity. One row per lead; its amount
--     is the sum of its opportunities (Opportunity) or of its won opportunities (Won).
-- Dimensions (METRICS.md "Breakdowns", from lead_dims): channel and campaign of the lead (an unlinked
--   opportunity: '(unlinked)'), owner = the lead owner for lead rows and the opportunity owner for
--   opportunity rows; an empty value is '(none)'.
create or replace macro funnel_members(start_date, end_date, counting) as table
with lead_rows as (
    select l.*, coalesce(l.email, l.lead_key) as record
    from lead_dims l
),
opp_dims as (
    select o.*,
           coalesce(ld.channel, '(unlinked)') as channel,
           coalesce(ld.campaign_name, '(unlinked)') as campaign_name,
           or_none(o.owner) as owner_name,
           coalesce(o.name, o.record_id) as record
    from opportunities o
    left join lead_dims ld on ld.lead_key = o.lead_key
),
lead_opps as (   -- per lead: the amounts and names of its opportunities (any date) and of its won ones
    select lead_key,
           sum(amount) as opp_amount,
           string_agg(coalesce(name, record_id), '; ' order by created_at) as deals,
           sum(amount) filter (where is_won) as won_amount,
           string_agg(coalesce(name, record_id), '; ' order by created_at) filter (where is_won) as won_deals
    from opportunities
    where lead_key is not null
    group by 1
),
period_members as (
    select 'Lead' as stage, 'lead' as record_type, lead_key as record_key, record, company, channel,
           campaign_name, owner_name, created_at as stage_at, null::double as amount, status as detail
    from lead_rows where created_at::date between start_date::date and end_date::date
    union all
    select 'MQL', 'lead', lead_key, record, company, channel, campaign_name, owner_name, mql_at, null, status
    from lead_rows where mql_at::date between start_date::date and end_date::date
    union all
    select 'SQL', 'lead', lead_key, record, company, channel, campaign_name, owner_name, sql_at, null, status
    from lead_rows where sql_at::date between start_date::date and end_date::date
    union all
    select 'Opportunity', 'opportunity', opp_key, record, null, channel, campaign_name, owner_name,
           created_at, amount, stage
    from opp_dims where created_at::date between start_date::date and end_date::date
    union all
    select 'Won', 'opportunity', opp_key, record, null, channel, campaign_name, owner_name,
           close_date::timestamp, amount, stage
    from opp_dims where is_won and close_date between start_date::date and end_date::date
),
cohort as (
    select ld.*, lo.opp_amount, lo.deals, lo.won_amount, lo.won_deals
    from lead_rows ld
    left join lead_opps lo using (lead_key)
    where ld.created_at::date between start_date::date and end_date::date
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
    from cohort where opportunity_count > 0
    union all
    select 'Won', 'lead', lead_key, record, company, channel, campaign_name, owner_name,
           first_won_on::timestamp, won_amount, won_deals
    from cohort where won_opportunity_count > 0
),
members as (
    select * from period_members where counting = 'period'
    union all
    select * from cohort_members where counting = 'cohort'
)
select * from members;
