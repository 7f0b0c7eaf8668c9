-- spend: cost lines with channel_map applied to their channel. Grain: one row per cost line.
create or replace view live.spend as
select s.date, coalesce(cm.channel, s.channel) as channel, s.campaign, s.cost, s.source_system
from spend_records s
left join channel_map cm on cm.source = s.channel;
