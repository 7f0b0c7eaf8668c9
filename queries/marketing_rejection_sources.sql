-- marketing_rejection_sources: where sales' rejections of marketing's MQLs come from. Cohort as
-- marketing_rejection_reasons: leads with mql_at in P, rejected at any time (the leads view: the export's
-- disqualify date or status, sales' verdict in the app; each lead once). rejected = export_only + app_only +
-- both. conflicts = MQLs of P that sales accepted in the app while the export rejects them (not rejected).
-- Grain: one row per channel (level 'channel', campaign null) and per (channel, campaign) (level 'campaign').
-- Key: (level, channel, campaign). Params: $start, $end (inclusive).
with cohort as (
    select * from lead_dims
    where mql_at::date between $start::date and $end::date
)
select case when grouping(campaign_name) = 1 then 'channel' else 'campaign' end as level,
       channel, campaign_name as campaign,
       count(*) filter (where disqualified_at is not null) as rejected,
       count(*) filter (where rejected_by = 'export') as export_only,
       count(*) filter (where rejected_by = 'sales (app)') as app_only,
       count(*) filter (where rejected_by = 'export and sales (app)') as both_sources,
       count(*) filter (where verdict_conflict is not null) as conflicts
from cohort
group by grouping sets ((channel), (channel, campaign_name))
having count(*) filter (where disqualified_at is not null or verdict_conflict is not null) > 0
order by level desc, channel, campaign;
