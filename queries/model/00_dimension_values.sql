-- or_none(text_value): a dimension's value as every breakdown, list and filter shows it (METRICS.md "Breakdowns"):
-- '(none)' when the record has none (null or empty), so an owner or campaign left empty can be picked and counted.
create or replace macro or_none(text_value) as coalesce(nullif(text_value, ''), '(none)');
