-- touch_records, activity_records, spend_records: the stored rows of each kind as a set
-- (METRICS.md: rows without a record id are de-duplicated on all their fields). Rows whose hash
-- is listed in row_repeats (an import that repeated rows, not yet compacted) are collapsed to
-- one per distinct set of fields, under the import that stored it first; all other rows are
-- distinct already. Grain: one row per distinct row of fields.
create or replace view touch_records as
select email, lead_ref, lead_ref_system, touched_at, channel, campaign, asset, import_id
from touch_store
where h not in (select h from row_repeats where table_name = 'touch_store')
union all
select email, lead_ref, lead_ref_system, touched_at, channel, campaign, asset, min(import_id)
from touch_store
where h in (select h from row_repeats where table_name = 'touch_store')
group by all;

create or replace view activity_records as
select email, lead_ref, lead_ref_system, activity_at, type, owner, asset, import_id
from activity_store
where h not in (select h from row_repeats where table_name = 'activity_store')
union all
select email, lead_ref, lead_ref_system, activity_at, type, owner, asset, min(import_id)
from activity_store
where h in (select h from row_repeats where table_name = 'activity_store')
group by all;

create or replace view spend_records as
select date, channel, campaign, cost, source_system, import_id
from spend_store
where h not in (select h from row_repeats where table_name = 'spend_store')
union all
select date, channel, campaign, cost, source_system, min(import_id)
from spend_store
where h in (select h from row_repeats where table_name = 'spend_store')
group by all;
