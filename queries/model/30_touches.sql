-- touches: marketing interactions attached to a lead: imported touches (linked by an
-- explicit lead id, else the email) plus one origin touch per lead with a marketing source
-- (at created_at, channel = source, campaign = the lead's campaign or '(none)').
-- channel_map renames channels. Touches that match no lead are left out (they attach to nobody).
-- asset: the material the touch carried (null when the export names none; README "Materials").
-- funnel_step: the step of the funnel its lead was in at touched_at: '1 before MQL' (no mql_at yet), '2 MQL → SQL'
-- (MQL, no sql_at yet), '3 SQL → opportunity' (SQL, no opportunity created yet), '4 opportunity → close' (from the
-- lead's first opportunity's creation to the day of its first close; lead_outcomes defines both), '5 after close'
-- (messages_by_stage.sql counts them; here once, so that query reads no lead and no deal).
-- Grain: one row per touch (not unique: identical touches may repeat).
create or replace view live.touches as
with imported as (
    select t.email as lead_key, t.touched_at, t.channel, t.campaign, false as is_origin, t.asset
    from touch_records t
    where t.lead_ref is null
    union all
    select coalesce(lead_of_ref(t.lead_ref, t.lead_ref_system), t.email) as lead_key,
           t.touched_at, t.channel, t.campaign, false, t.asset
    from touch_records t
    where t.lead_ref is not null
),
origin as (
    select lead_key, created_at as touched_at, source as channel,
           or_none(campaign) as campaign, true as is_origin, null::varchar as asset
    from main.leads
    where coalesce(source, '') <> ''
      and created_at is not null
      and source not in (select source from non_marketing_sources)
)
select a.lead_key, a.touched_at, coalesce(cm.channel, a.channel) as channel, a.campaign, a.is_origin, a.asset,
       case when l.mql_at is null or a.touched_at < l.mql_at then '1 before MQL'
            when l.sql_at is null or a.touched_at < l.sql_at then '2 MQL → SQL'
            when l.first_opp_at is null or a.touched_at < l.first_opp_at then '3 SQL → opportunity'
            when l.first_closed_on is null or a.touched_at::date <= l.first_closed_on then '4 opportunity → close'
            else '5 after close' end as funnel_step
from (select * from imported union all select * from origin) a
join main.lead_dims l on l.lead_key = a.lead_key
left join channel_map cm on cm.source = a.channel;
