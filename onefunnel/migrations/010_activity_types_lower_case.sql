-- Activity types are stored lower-cased (METRICS.md: an activity is a meeting when its type, trimmed
-- and lower-cased, is `meeting`; cells were trimmed on import already). From now on the import does
-- it; this brings the rows stored before in line, with their hash. Rows that become equal are listed
-- in row_repeats, so activity_records reads each once (the next import deletes the extra copies).
update activity_store
set type = lower(type), h = hash(email, lead_ref, lead_ref_system, activity_at, lower(type), owner)
where type <> lower(type);

insert into row_repeats
select 'activity_store', h from activity_store group by h having count(*) > 1
except
select table_name, h from row_repeats;
