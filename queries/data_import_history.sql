-- data_import_history: every file stored, newest first: its format, record kind, rows and whether it was taken back.
-- Grain: one row per import; key: "#" (import_id). Params: none.
select import_id as "#", file_name as file, format, record_kind as records,
       case when undone_at is null then 'stored'
            else 'taken back ' || strftime(undone_at, '%Y-%m-%d %H:%M') || coalesce(' by ' || undone_by, '')
       end as status,
       rows_read, rows_loaded, rows_new, rows_rejected, rows_skipped, imported_at, imported_by
from imports order by import_id desc
