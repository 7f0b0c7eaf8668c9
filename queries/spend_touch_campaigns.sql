-- spend_touch_campaigns: the touch (channel, campaign) pairs a spend line can be mapped to, for
-- the mapping editor (view touch_campaigns: every pair an imported or origin touch carries).
-- Grain: one row per (channel, campaign); key: (channel, campaign). No params.
select channel, campaign
from touch_campaigns
order by channel, campaign;
