-- console_saved_queries: the team's saved SQL console queries, newest first.
-- Grain: one row per saved query. Key: name.
select name, sql, author, saved_at
from saved_queries
order by saved_at desc, name
