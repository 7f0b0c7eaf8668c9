-- data_import_rejects: the rows one import rejected: line in the file, column, value, reason.
-- Grain: one row per rejected row of import $import_id, in line order; key: none. Params: $import_id.
select line, column_name as column, value, reason from import_rejects
where import_id = $import_id order by line
