-- quota_changes: who changed which owner's monthly quota, when, from what to what.
-- Grain: one row per logged quota change (settings_log keys 'quota:<owner>:<YYYY-MM>'), newest first; at most
-- $limit. Params: $limit. old_quota / new_quota null: there was none / it was removed.
select changed_at,
       coalesce(changed_by, '(unknown)') as changed_by,
       key[7:length(key) - 8] as owner,
       right(key, 7) as month,
       try_cast(old_value::varchar as double) as old_quota,
       try_cast(new_value::varchar as double) as new_quota
from settings_log
where key like 'quota:%'
order by changed_at desc, rowid desc
limit $limit;
