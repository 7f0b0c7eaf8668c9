-- quota_owners: the owners a quota can be set for: every opportunity owner in the data (as the opportunities
-- view shows it, after owner_names) and every owner that already has a quota.
-- Grain: one row per owner. Key: owner. Params: none. opportunities: the owner's opportunities (0 for an
-- owner known only from a quota).
with owners as (
    select owner, count(*) as opportunities from opportunities where coalesce(owner, '') <> '' group by owner
)
select owner, coalesce(o.opportunities, 0) as opportunities
from owners o
full join (select distinct owner from quotas) q using (owner)
order by owner;
