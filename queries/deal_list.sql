-- deal_list: every deal for the deal page's picker, newest first. Grain: one row per opportunity. Key: opp_key.
select opp_key, coalesce(nullif(name, ''), opp_key) as name, coalesce(nullif(owner, ''), '(none)') as owner, stage,
       created_at
from opportunities
order by created_at desc nulls last, opp_key;
