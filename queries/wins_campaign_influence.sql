-- wins_campaign_influence: influenced revenue per campaign: the rule of
-- marketing_influenced_revenue (METRICS.md) applied to one campaign at a time. A won deal of P
-- counts for a campaign when its linked lead has a touch of that campaign dated on or before the
-- close date; a deal touched by three campaigns counts for all three (not additive across
-- campaigns). '(none)' (no campaign) is left out.
-- Grain: one row per campaign with an influenced deal. Key: campaign.
-- Order: influenced revenue, largest first. Params: $start, $end (inclusive).
with pairs as (
    select distinct o.opp_key, o.amount, t.campaign
    from opportunities o
    join touches t on t.lead_key = o.lead_key and t.touched_at::date <= o.close_date
    where o.is_won and o.close_date between $start::date and $end::date
      and t.campaign <> '(none)'
)
select campaign,
       count(*) as influenced_deals,
       coalesce(sum(amount), 0) as influenced_revenue
from pairs
group by campaign
order by influenced_revenue desc, influenced_deals desc, campaign;
