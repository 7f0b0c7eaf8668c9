-- definitions_settings_log: the recent changes to settings, goals and settings tables (who, when, what).
-- Grain: one row per logged change, newest first; at most $limit rows. Key: none (changed_at, setting).
-- Params: $limit. Default values written when the workspace was created are not changes and are left out
-- (they have no log row).
select changed_at,
       coalesce(changed_by, '(unknown)') as changed_by,
       key as setting,
       old_value::varchar as old_value,
       new_value::varchar as new_value
from settings_log
order by changed_at desc, rowid desc
limit $limit;
