-- marketing_lead_quality: sales' verdict on marketing's MQLs. Cohort: leads with mql_at in P
-- (as METRICS.md mql_to_sql_rate); what happened to them is read at any time (also after P).
-- accepted = the MQL has an sql_at (so accepted_rate = mql_to_sql_rate of the group);
-- rejected = it has a disqualified_at; won = its lead is linked to a won opportunity;
-- undecided = neither accepted nor rejected. accepted and rejected may overlap (accepted, then
-- disqualified later). Channel/campaign as in marketing_funnel ('(none)' = empty).
-- Grain: one row per channel (level 'channel', campaign null) and per (channel, campaign)
-- (level 'campaign') with MQLs in P. Key: (level, channel, campaign). Params: $start, $end.
with
lead_ch as (
    select l.*,
           coalesce(cm.channel, nullif(l.source, ''), '(none)') as channel,
           coalesce(nullif(l.campaign, ''), '(none)') as campaign_name,
           l.lead_key in (select lead_key from opportunities where is_won and lead_key is not null) as is_won
    from leads l
    left join channel_map cm on cm.source = l.source
),
cohort as (
    select * from lead_ch where mql_at::date between $start::date and $end::date
)
select case when grouping(campaign_name) = 1 then 'channel' else 'campaign' end as level,
       channel,
       campaign_name as campaign,
       count(*) as mqls,
       count(*) filter (where sql_at is not null)         as accepted,
       count(*) filter (where disqualified_at is not null) as rejected,
       count(*) filter (where is_won)                      as won,
       count(*) filter (where sql_at is null and disqualified_at is null) as undecided,
       count(*) filter (where sql_at is not null) / count(*)         as accepted_rate,
       count(*) filter (where disqualified_at is not null) / count(*) as rejected_rate,
       count(*) filter (where is_won) / count(*)                     as won_rate
from cohort
group by grouping sets ((channel), (channel, campaign_name))
order by level desc, mqls desc, channel, campaign;
