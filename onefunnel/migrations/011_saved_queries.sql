-- 011: the SQL console's saved queries, shared with the team (onefunnel/console.py), and its limits as
-- settings. Every change of a saved query is logged in settings_log under 'saved_query:<name>'.
create table saved_queries (
    name     varchar primary key,      -- shown in the list and in the link ?query=NAME
    sql      varchar not null,         -- one SELECT, checked by the console when saved
    author   varchar,
    saved_at timestamp not null default current_localtimestamp()
);

insert into settings (key, value, updated_by) values
    ('console_time_limit_s', '10', 'default'),       -- a console query is interrupted after this long
    ('console_memory_limit', '"512MB"', 'default'),  -- DuckDB memory_limit of a console query
    ('console_threads', '1', 'default');             -- DuckDB threads of a console query
