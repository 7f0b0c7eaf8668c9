-- owners_leads: follow-up of MQLs in P per lead owner (METRICS.md "By owner").
-- Grain: one row per lead owner with an MQL in P ('(none)' = no owner). Key: owner.
-- Params: $start, $end (inclusive), $sla_hours, $as_of.
select *
from mql_sla_by_owner($start, $end, $sla_hours, $as_of)
order by mqls desc, owner;
