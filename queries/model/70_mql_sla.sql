-- mql_sla(sla_hours, as_of): the SLA status of every MQL, as METRICS.md "Follow-up SLA".
-- status: 'met' (response <= sla_hours), 'breached' (response > sla_hours, or none and
-- mql_at + sla_hours < as_of_end), 'pending' (none and mql_at + sla_hours >= as_of_end),
-- with as_of_end = the day after as_of at 00:00. Grain: one row per MQL. Key: lead_key.
-- sla_status(...) is the rule once; the metrics layer calls it per row (its as_of can be a time bucket's end).
create or replace macro sla_status(response_hours, mql_at, sla_hours, as_of) as
       case
           when response_hours is not null and response_hours <= sla_hours then 'met'
           when response_hours is not null then 'breached'
           when epoch(mql_at) + sla_hours * 3600.0 < epoch((as_of::date + 1)::timestamp) then 'breached'
           else 'pending'
       end;

create or replace macro mql_sla(sla_hours, as_of) as table
select r.*, sla_status(r.response_hours, r.mql_at, sla_hours, as_of) as sla_status
from mql_response r;
