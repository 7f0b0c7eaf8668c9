-- data_freshness: the newest record date in the workspace, i.e. what the data runs to. Dates that lie
-- ahead by nature do not count: an open deal's expected close date. Grain: one row.
-- Columns: newest (date, null for an empty workspace). Params: none.
select max(d)::date as newest
from (
    select greatest(created_at, mql_at, sql_at, export_disqualified_at)::date as d from leads
    union all
    select greatest(created_at::date, case when is_closed then close_date end) from opportunities
    union all
    select max(touched_at)::date from touch_records
    union all
    select max(activity_at)::date from activity_records
    union all
    select max(date) from spend_records
);
