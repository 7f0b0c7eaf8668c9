-- goal_changes: who changed which monthly goal, when, from what to what.
-- Grain: one row per logged goal change (settings_log keys 'goal:YYYY-MM'), newest first; at most $limit.
-- Params: $limit.
select changed_at,
       coalesce(changed_by, '(unknown)') as changed_by,
       substr(key, 6) as month,
       try_cast(old_value::varchar as double) as old_goal,
       try_cast(new_value::varchar as double) as new_goal
from settings_log
where key like 'goal:%'
order by changed_at desc, rowid desc
limit $limit;
