-- spend_campaign_mapping: every spend (channel, campaign) ever imported and the touch channel
-- and campaign its cost counts for (view spend_mapped; the setting spend_campaign_map).
-- mapped_by: 'setting' (a row of the setting) | 'same name' (matched ignoring case, spaces,
-- '-', '_') | 'as exported' (kept as it is). default_campaign = the target campaign without a
-- setting row (the default channel is spend_channel). has_touches = some touch carries the target.
-- Grain: one row per spend (channel, campaign); key: (spend_channel, spend_campaign). No params.
with mapped as (
    select spend_channel, spend_campaign,
           any_value(channel) as channel, any_value(campaign) as campaign, any_value(mapped_by) as mapped_by,
           any_value(default_campaign) as default_campaign,
           string_agg(distinct source_system, ', ' order by source_system) as source_systems,
           sum(cost) as spend_all_time, min(date) as first_date, max(date) as last_date
    from spend_mapped
    group by spend_channel, spend_campaign
)
select m.*,
       exists (select 1 from touch_campaigns t where t.channel = m.channel and t.campaign = m.campaign) as has_touches
from mapped m
order by spend_all_time desc, spend_channel, spend_campaign;
