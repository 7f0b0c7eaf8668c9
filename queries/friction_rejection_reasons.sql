-- friction_rejection_reasons: the reasons of friction_rejected_mqls (the same leads: an mql_at and a
-- disqualified_at in P, of the $owners), counted. reason '(none)' = no reason given.
-- Grain: one row per reason. Key: reason. Order: most frequent first.
-- Params: $start, $end (inclusive), $owners (lead owners, '(none)' = no owner; empty = everyone).
select coalesce(nullif(trim(disqualify_reason), ''), '(none)') as reason, count(*) as rejected
from lead_dims
where mql_at is not null
  and disqualified_at::date between $start::date and $end::date
  and (len($owners::varchar[]) = 0 or list_contains($owners::varchar[], or_none(owner)))
group by 1
order by rejected desc, reason;
