-- lead_ids: every vendor lead record id and the lead (person) it belongs to.
-- Grain: one row per (source_system, record_id). Used to resolve explicit lead links.
create or replace view lead_ids as
select source_system, record_id, lead_key
from lead_records;
