-- people_changes: who gave or took which role, when (settings_log keys 'people:<entry>').
-- Grain: one row per logged change, newest first; at most $limit. Params: $limit.
select changed_at,
       coalesce(changed_by, '(unknown)') as changed_by,
       substr(key, 8) as entry,
       trim(old_value::varchar, '"') as old_role,
       trim(new_value::varchar, '"') as new_role
from settings_log
where key like 'people:%'
order by changed_at desc, rowid desc
limit $limit;
