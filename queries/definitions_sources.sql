-- definitions_sources: the source / channel values found in the data and the channel each one counts as.
-- Grain: one row per distinct raw value of leads.source, opportunities.source, touch and spend channels.
-- Key: source. Params: none. channel: its channel_map entry, else itself; non_marketing: listed in
-- non_marketing_sources (its leads get no origin touch).
with raw as (
    select source from leads where coalesce(source, '') <> ''
    union all select source from opportunity_records where coalesce(source, '') <> ''
    union all select channel from touch_records
    union all select channel from spend_records
)
select r.source,
       count(*) as records,
       coalesce(cm.channel, r.source) as channel,
       r.source in (select source from non_marketing_sources) as non_marketing
from raw r
left join channel_map cm on cm.source = r.source
group by r.source, cm.channel
order by records desc, r.source;
