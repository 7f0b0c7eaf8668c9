-- funnel_breakdown: the funnel by stage and by one dimension (source channel, campaign or owner).
-- Grain: one row per (stage, dim_value) with at least one record. Key: stage, dim_value.
-- Params: $start, $end (P, inclusive); $counting = 'period' | 'cohort'; $dimension = 'none' | 'channel' |
-- 'campaign' | 'owner' ('none' gives one row per stage, dim_value 'All': the funnel's totals).
-- records: records in the stage (leads, or opportunities in period counting's Opportunity and Won);
-- amount: sum of their amounts (null for Lead, MQL, SQL: leads carry no amount).
--
-- Stage membership and dimensions: the macro funnel_members (queries/model/65_funnel_members.sql), which
-- funnel_stage_records.sql lists, so every count here equals the number of records a click lists. In period
-- counting the totals are the Volume metrics of period_metrics.sql (leads_created, mqls, sqls,
-- opps_created / pipeline_created, won_deals / won_revenue).
select stage,
       case $dimension when 'channel' then channel when 'campaign' then campaign_name
                       when 'owner' then owner_name else 'All' end as dim_value,
       count(*) as records,
       sum(amount) as amount
from funnel_members($start, $end, $counting)
group by 1, 2
order by case stage when 'Lead' then 1 when 'MQL' then 2 when 'SQL' then 3 when 'Opportunity' then 4 else 5 end,
         records desc, dim_value;
