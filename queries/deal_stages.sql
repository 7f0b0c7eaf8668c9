-- deal_stages: the stages one deal went through as the imports saw them: its first stage from its creation (or,
-- for a deal first seen closed, from its close date), then each change a re-import brought
-- (opportunity_stage_changes, at the time of that import). days = time in the stage, up to the next stage, or up
-- to $now for the current stage of an open deal; null for the stage a closed deal ended in.
-- Grain: one row per stage entered. Key: entered_at. Params: $deal, $now.
with o as (
    select opp_key, created_at, close_date, stage, is_closed from opportunities where opp_key = $deal
),
ch as (
    select from_stage, to_stage, changed_at from opportunity_stage_changes where opp_key = $deal
),
first_stage as (
    select coalesce((select from_stage from ch order by changed_at limit 1), o.stage) as stage,
           o.created_at, o.close_date, o.is_closed, o.stage as current_stage
    from o
),
entries as (
    select stage,
           case when is_closed and stage = current_stage and not exists (select 1 from ch) and close_date is not null
                then close_date::timestamp else created_at end as entered_at
    from first_stage
    union all
    select to_stage, changed_at from ch
)
select e.stage, e.entered_at, lead(e.entered_at) over w as left_at,
       case when lead(e.entered_at) over w is not null
                then (epoch(lead(e.entered_at) over w) - epoch(e.entered_at)) / 86400.0
            when not (select is_closed from o) then (epoch($now::timestamp) - epoch(e.entered_at)) / 86400.0
       end as days
from entries e
window w as (order by e.entered_at)
order by e.entered_at;
