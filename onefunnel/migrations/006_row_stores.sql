-- Touches, activities and spend lines are a set of rows (METRICS.md: de-duplicated on all fields).
-- They are now stored in *_store tables with h, the hash of their fields, and read through the
-- views touch_records, activity_records and spend_records (queries/model/25_record_sets.sql),
-- which collapse the repeats listed in row_repeats. An import writes its rows straight into the
-- store and lists the hashes that repeat; ingest/load.py compact_repeats() then deletes the extra
-- copies once the import is committed (deleting from a large uncommitted insert makes DuckDB
-- rewrite all of it).
alter table touch_records rename to touch_store;
alter table touch_store add column h ubigint;
update touch_store set h = hash(email, lead_ref, lead_ref_system, touched_at, channel, campaign);

alter table activity_records rename to activity_store;
alter table activity_store add column h ubigint;
update activity_store set h = hash(email, lead_ref, lead_ref_system, activity_at, type, owner);

alter table spend_records rename to spend_store;
alter table spend_store add column h ubigint;
update spend_store set h = hash(date, channel, campaign, cost, source_system);

create table row_repeats (
    table_name varchar not null,   -- touch_store, activity_store or spend_store
    h          ubigint not null
);

-- the DuckDB whose hash() computed h (ingest recomputes h when another one opens the file)
insert or replace into settings (key, value, updated_by) values ('row_hash_duckdb', to_json(version()), 'migration 006');
