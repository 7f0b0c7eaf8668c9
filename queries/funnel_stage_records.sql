-- funnel_stage_records: the records behind one stage of the funnel (what a click on a stage lists).
-- Grain: one row per record counted in stage $stage. Key: record_key.
-- Params: $start, $end (P, inclusive); $counting = 'period' | 'cohort'; $stage = 'Lead' | 'MQL' | 'SQL' |
-- 'Opportunity' | 'Won'; $dimension = 'none' | 'channel' | 'campaign' | 'owner' and $dim_value (a breakdown
-- cell: only records whose dimension equals it; ignored when $dimension = 'none').
-- Stage membership and dimensions: the macro funnel_members (queries/model/65_funnel_members.sql).
select record, company, channel, campaign_name as campaign, owner_name as owner, stage_at, amount,
       detail, record_type, record_key
from funnel_members($start, $end, $counting)
where stage = $stage
  and ($dimension = 'none'
       or ($dimension = 'channel' and channel = $dim_value)
       or ($dimension = 'campaign' and campaign_name = $dim_value)
       or ($dimension = 'owner' and owner_name = $dim_value))
order by stage_at desc nulls last, record;
