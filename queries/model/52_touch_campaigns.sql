-- touch_campaigns: every (channel, campaign) an imported or origin touch carries, with channel_map
-- applied as in the touches view (what spend can be mapped to).
-- Grain: one row per (channel, campaign). Key: (channel, campaign).
create or replace view live.touch_campaigns as
select distinct coalesce(cm.channel, t.channel) as channel, t.campaign
from (
    select distinct channel, campaign from touch_records
    union
    select distinct source, or_none(campaign) from main.leads
    where coalesce(source, '') <> ''
) t
left join channel_map cm on cm.source = t.channel;
