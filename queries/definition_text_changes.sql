-- definition_text_changes: the history of one definition text: who changed the words, when, from what to what.
-- Grain: one row per logged change of $definition (settings_log key 'definition:<name>'), newest first.
-- Params: $definition ('stage:MQL', 'measure:win_rate'). old_text / new_text null: the product's words.
select changed_at,
       coalesce(changed_by, '(unknown)') as changed_by,
       json_extract_string(old_value, '$') as old_text,
       json_extract_string(new_value, '$') as new_text
from settings_log
where key = 'definition:' || $definition
order by changed_at desc, rowid desc;
