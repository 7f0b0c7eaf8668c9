-- activities: sales actions attached to a lead (explicit lead id, else the email).
-- Activities that match no lead are left out. asset: the material it carried (null when none). Grain: one row per activity.
create or replace view live.activities as
with linked as (
    select t.email as lead_key, t.activity_at, t.type, t.owner, t.asset
    from activity_records t
    where t.lead_ref is null
    union all
    select coalesce(lead_of_ref(t.lead_ref, t.lead_ref_system), t.email),
           t.activity_at, t.type, t.owner, t.asset
    from activity_records t
    where t.lead_ref is not null
)
select a.lead_key, a.activity_at, a.type, coalesce(n.name, a.owner) as owner, a.asset   -- setting owner_names
from linked a
left join owner_names n on n.owner = a.owner
semi join main.leads l on l.lead_key = a.lead_key;
