-- definitions_stage_names: the opportunity stage names found in the data and what they mean now.
-- Grain: one row per distinct stage name (trimmed) of opportunity_records. Key: stage.
-- Params: none. opportunities: how many deals carry it; is_closed / is_won: as the opportunities view reads
-- them (the export's own flags when it has them, else stage_map); mapped: the name is in stage_map.
select trim(o.stage) as stage,
       count(*) as opportunities,
       bool_or(v.is_closed) as is_closed,
       bool_or(v.is_won) as is_won,
       bool_or(m.stage is not null) as mapped
from opportunity_records o
join opportunities v on v.opp_key = o.source_system || ':' || o.record_id
left join stage_map m on lower(trim(m.stage)) = lower(trim(o.stage))
where coalesce(trim(o.stage), '') <> ''
group by 1
order by opportunities desc, stage;
