-- standup_owners: the people the standup can filter by: every lead owner and opportunity owner, with their team
-- from the owner directory ('(none)' when not listed). Grain: one row per owner. Key: owner. Order: by name.
select owner, or_none(d.team) as team
from (select owner_name as owner from lead_dims
      union select or_none(owner) from opportunities) o
left join owner_directory d using (owner)
order by owner;
