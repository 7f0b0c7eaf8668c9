-- mql_sla(sla_hours, as_of): the SLA status of every MQL, as METRICS.md "Follow-up SLA".
-- status: 'met' (response <= sla_hours), 'breached' (response > sla_hours, or none and
-- mql_at + sla_hours < as_of_end), 'pending' (none and mql_at + sla_hours >= as_of_end),
-- with as_of_end = the day after as_of at 00:00. Grain: one row per MQL. Key: lead_key.
create or replace macro mql_sla(sla_hours, as_of) as table
select r.*,
       case
           when r.response_hours is not null and r.response_hours <= sla_hours then 'met'
           when r.response_hours is not null then 'breached'
           when epoch(r.mql_at) + sla_hours * 3600.0 < epoch((as_of::date + 1)::timestamp) then 'breached'
           else 'pending'
       end as sla_status
from mql_response r;
