-- definitions_owners: the owner values found in the records and the name each one is shown as.
-- Grain: one row per distinct raw owner value of lead records, opportunity records and activities.
-- Key: owner. Params: none. name: its owner_names entry (null: shown as it is); looks_like_id: a
-- Salesforce user id (005 + 12 or 15 letters and digits) or a number (a HubSpot owner id).
with raw as (
    select owner from lead_records where coalesce(owner, '') <> ''
    union all select owner from opportunity_records where coalesce(owner, '') <> ''
    union all select owner from activity_records where coalesce(owner, '') <> ''
)
select r.owner,
       count(*) as records,
       n.name,
       regexp_full_match(r.owner, '005[A-Za-z0-9]{12}([A-Za-z0-9]{3})?|[0-9]+') as looks_like_id
from raw r
left join owner_names n using (owner)
group by r.owner, n.name
order by looks_like_id desc, records desc, r.owner;
