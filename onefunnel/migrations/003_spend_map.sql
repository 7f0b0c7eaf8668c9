-- 003: spend_campaign_map, the setting that ties a spend line to the touches it paid for.
-- Spend exports name campaigns their own way ("Brand KW" in Google Ads, "brand_kw" in the
-- UTM of the touches). One row maps one spend (channel, campaign) - the channel as the
-- `spend` view shows it, after channel_map and the preset's default channel - to the touch
-- channel and campaign its cost counts for. A null target keeps the spend line's own value.
-- Without a row, a spend campaign that equals a touch campaign of the same channel once case,
-- spaces, '-' and '_' are ignored is matched to it (the spend_mapped view); otherwise it keeps
-- its own name. Changes are logged in settings_log under the key 'spend_campaign_map'.
create table spend_campaign_map (
    spend_channel   varchar not null,
    spend_campaign  varchar not null,
    channel         varchar,            -- touch channel; null = the spend line's channel
    campaign        varchar,            -- touch campaign; null = the spend line's campaign
    primary key (spend_channel, spend_campaign)
);
