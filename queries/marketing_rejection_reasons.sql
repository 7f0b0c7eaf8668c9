-- marketing_rejection_reasons: why sales rejected marketing's MQLs. Cohort as
-- marketing_lead_quality: leads with mql_at in P that have a disqualified_at (at any time).
-- reason '(none)' = no disqualify reason given. Channel and campaign from lead_dims.
-- Grain: one row per (channel, reason) (level 'channel', campaign null) and per
-- (channel, campaign, reason) (level 'campaign'). Key: (level, channel, campaign, reason).
-- Params: $start, $end (inclusive).
with lead_ch as (
    select l.*, coalesce(nullif(trim(l.disqualify_reason), ''), '(none)') as reason
    from lead_dims l
    where l.mql_at::date between $start::date and $end::date
      and l.disqualified_at is not null
)
select case when grouping(campaign_name) = 1 then 'channel' else 'campaign' end as level,
       channel, campaign_name as campaign, reason,
       count(*) as rejected
from lead_ch
group by grouping sets ((channel, reason), (channel, campaign_name, reason))
order by level desc, channel, campaign, rejected desc, reason;
