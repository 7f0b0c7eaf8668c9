-- touches: marketing interactions attached to a lead: imported touches (linked by an
-- explicit lead id, else the email) plus one origin touch per lead with a marketing source
-- (at created_at, channel = source, campaign = the lead's campaign or '(none)').
-- channel_map renames channels. Touches that match no lead are left out (they attach to nobody).
-- asset: the material the touch carried (null when the export names none; README "Materials").
-- Grain: one row per touch (not unique: identical touches may repeat).
create or replace view live.touches as
with imported as (
    select t.email as lead_key, t.touched_at, t.channel, t.campaign, false as is_origin, t.asset
    from touch_records t
    where t.lead_ref is null
    union all
    select coalesce(
               (select arg_max(r.lead_key, r.seq) from lead_records r
                where r.record_id = t.lead_ref
                  and (t.lead_ref_system is null or r.source_system = t.lead_ref_system)),
               t.email) as lead_key,
           t.touched_at, t.channel, t.campaign, false, t.asset
    from touch_records t
    where t.lead_ref is not null
),
origin as (
    select lead_key, created_at as touched_at, source as channel,
           coalesce(nullif(campaign, ''), '(none)') as campaign, true as is_origin, null::varchar as asset
    from main.leads
    where coalesce(source, '') <> ''
      and created_at is not null
      and source not in (select source from non_marketing_sources)
)
select a.lead_key, a.touched_at, coalesce(cm.channel, a.channel) as channel, a.campaign, a.is_origin, a.asset
from (select * from imported union all select * from origin) a
semi join main.leads l on l.lead_key = a.lead_key
left join channel_map cm on cm.source = a.channel;
