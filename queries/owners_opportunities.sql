-- owners_opportunities: per opportunity owner with a deal closed in P.
-- Grain: one row per owner ('(none)' = no owner). Params: $start, $end (close dates, inclusive).
select coalesce(owner, '(none)') as owner,
       count(*) filter (where is_won) as won_deals,
       coalesce(sum(amount) filter (where is_won), 0) as won_revenue,
       count(*) filter (where is_won) / count(*) as win_rate
from opportunities
where is_closed and close_date between $start::date and $end::date
group by 1
order by won_revenue desc, owner;
