-- spend_touch_campaigns: the touch (channel, campaign) pairs a spend line can be mapped to, for
-- the mapping editor: every pair an imported or origin touch carries (channel_map applied).
-- Grain: one row per (channel, campaign); key: (channel, campaign). No params.
select distinct coalesce(cm.channel, t.channel) as channel, t.campaign
from (
    select distinct channel, campaign from touch_records
    union
    select distinct source, coalesce(nullif(campaign, ''), '(none)') from leads
    where coalesce(source, '') <> ''
) t
left join channel_map cm on cm.source = t.channel
order by channel, campaign;
