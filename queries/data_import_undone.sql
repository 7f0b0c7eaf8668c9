-- data_import_undone: whether import $import_id was taken back.
-- Grain: one row, or none when there is no such import; key: none. Params: $import_id.
select undone_at is not null as is_undone from imports where import_id = $import_id
