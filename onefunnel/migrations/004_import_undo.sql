-- 004: an import can be taken back (onefunnel/ingest/undo.py). Its rows are deleted; the imports
-- row stays, marked with when and by whom it was undone (null = in effect). Logged in settings_log
-- under the key 'import:<id>'.
alter table imports add column undone_at timestamp;
alter table imports add column undone_by varchar;
