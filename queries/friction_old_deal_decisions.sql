-- friction_old_deal_decisions: what each import still in force decided about its old open deals
-- (onefunnel/ingest/old_deals.py), for the stalled list's rule. Grain: one row per opportunity import with
-- old open deals, not taken back. Key: import_id. Params: none.
select d.import_id, i.file_name, d.policy, d.deals, d.cutoff
from old_deal_decisions d
join imports i using (import_id)
where i.undone_at is null
order by d.import_id;
