-- lead_ids: every vendor lead record id and the lead (person) it belongs to.
-- Grain: one row per (source_system, record_id).
create or replace view lead_ids as
select source_system, record_id, lead_key
from lead_records;

-- lead_of_ref(ref, ref_system): the lead an explicit id reference names (METRICS.md "Lead link"), written once for
-- opportunities, touches and activities: the person of the lead record with that record id, of that source system
-- when the export names one (else of any), the most recently stored record when several match; null when none does
-- (the caller then links by email).
create or replace macro lead_of_ref(ref, ref_system) as
    (select arg_max(r.lead_key, r.seq) from lead_records r
     where r.record_id = ref and (ref_system is null or r.source_system = ref_system));
