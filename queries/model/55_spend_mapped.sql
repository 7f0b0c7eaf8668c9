-- spend_mapped: cost lines tied to the touch channel and campaign they paid for.
-- Starts from the `spend` view (channel_map and the presets' default channels already applied:
-- Google Ads -> Paid Search, LinkedIn and Meta -> Paid Social) and applies the setting
-- spend_campaign_map (migration 003). Without a setting row, a spend campaign that differs from
-- a touch campaign of the same channel only by case, spaces, '-' or '_' takes the touch's
-- spelling ("Brand KW" -> "brand_kw"); an exact name is kept as it is.
-- mapped_by: 'setting' | 'same name' | 'as exported'. default_campaign = the campaign without a
-- setting row (the same-name match, else the spend line's own); the default channel is spend_channel.
-- Grain: one row per cost line (as `spend`). spend_channel / spend_campaign keep the line's own names.
create or replace view live.spend_mapped as
with spend_campaigns as (
    select distinct channel, campaign from main.spend
),
same_name as (              -- spend campaigns without an exact twin, matched on the loose name
    select s.channel, s.campaign, min(t.campaign) as touch_campaign
    from spend_campaigns s
    join main.touch_campaigns t
      on t.channel = s.channel
     and regexp_replace(lower(trim(t.campaign)), '[\s_\-]+', '', 'g')
       = regexp_replace(lower(trim(s.campaign)), '[\s_\-]+', '', 'g')
    where not exists (select 1 from main.touch_campaigns x where x.channel = s.channel and x.campaign = s.campaign)
    group by all
)
select s.date,
       coalesce(m.channel, s.channel) as channel,
       case when m.spend_channel is not null then coalesce(m.campaign, s.campaign)
            else coalesce(n.touch_campaign, s.campaign) end as campaign,
       s.cost,
       s.source_system,
       s.channel as spend_channel,
       s.campaign as spend_campaign,
       case when m.spend_channel is not null then 'setting'
            when n.touch_campaign is not null then 'same name'
            else 'as exported' end as mapped_by,
       coalesce(n.touch_campaign, s.campaign) as default_campaign
from main.spend s
left join spend_campaign_map m on m.spend_channel = s.channel and m.spend_campaign = s.campaign
left join same_name n on n.channel = s.channel and n.campaign = s.campaign;
