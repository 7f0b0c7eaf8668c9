-- deal_list: the deal page's picker: the newest $limit deals (by creation), and the deal $asked (a link's deal)
-- wherever it stands; deals = how many deals there are in all (at 1M leads every deal was 150k rows the cache
-- unpickled on every run). Grain: one row per opportunity. Key: opp_key. Params: $limit, $asked ('' = none).
with d as (
    select opp_key, coalesce(nullif(name, ''), opp_key) as name, or_none(owner) as owner,
           stage, created_at, count(*) over () as deals,
           row_number() over (order by created_at desc nulls last, opp_key) as newest
    from opportunities
)
select opp_key, name, owner, stage, created_at, deals
from d
where newest <= $limit or opp_key = $asked
order by newest;
