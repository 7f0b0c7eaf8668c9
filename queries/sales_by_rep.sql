-- sales_by_rep: the sales scorecard of period P per rep. A rep is a lead owner (MQL follow-up,
-- SQL -> opportunity) and/or an opportunity owner (deals). Per lead owner the columns follow
-- owners_leads.sql (MQLs in P, SLA status from mql_sla, response median / p90); per opportunity
-- owner they follow owners_opportunities.sql (deals closed in P). Rates as METRICS.md:
-- sql_to_opp_rate = of the owner's leads with sql_at in P, the share linked to an opportunity;
-- win_rate = won / (won + lost); avg_deal_size = won_revenue / won_deals; sales_cycle_days =
-- median over won deals of close_date - date(created_at); sla_compliance = met / (met + breached).
-- '(none)' = no owner (MQLs and deals without an owner share that row).
-- Grain: one row per rep with an MQL, an SQL or a closed deal in P. Key: owner.
-- Params: $start, $end (inclusive), $as_of, $sla_hours.
with
mql_side as (   -- the same columns as owners_leads.sql
    select * from mql_sla_by_owner($start, $end, $sla_hours, $as_of)
),
sql_side as (
    select coalesce(owner, '(none)') as owner,
           count(*) as sqls,
           count(*) filter (where lead_key in (select lead_key from opportunities where lead_key is not null))
               as sqls_with_opp
    from leads
    where sql_at::date between $start::date and $end::date
    group by 1
),
deal_side as (
    select coalesce(owner, '(none)') as owner,
           count(*) filter (where is_won)     as won_deals,
           count(*) filter (where not is_won) as lost_deals,
           coalesce(sum(amount) filter (where is_won), 0) as won_revenue,
           median(close_date - created_at::date) filter (where is_won) as sales_cycle_days
    from opportunities
    where is_closed and close_date between $start::date and $end::date
    group by 1
)
select owner,
       coalesce(m.mqls, 0)         as mqls,
       coalesce(m.sla_met, 0)      as sla_met,
       coalesce(m.sla_breaches, 0) as sla_breaches,
       coalesce(m.sla_pending, 0)  as sla_pending,
       m.sla_met / nullif(m.sla_met + m.sla_breaches, 0) as sla_compliance,
       m.mql_response_hours_median,
       m.mql_response_hours_p90,
       coalesce(s.sqls, 0) as sqls,
       s.sqls_with_opp / nullif(s.sqls, 0) as sql_to_opp_rate,
       coalesce(d.won_deals, 0)   as won_deals,
       coalesce(d.lost_deals, 0)  as lost_deals,
       d.won_deals / nullif(d.won_deals + d.lost_deals, 0) as win_rate,
       coalesce(d.won_revenue, 0) as won_revenue,
       d.won_revenue / nullif(d.won_deals, 0) as avg_deal_size,
       d.sales_cycle_days
from mql_side m
full join sql_side s using (owner)
full join deal_side d using (owner)
order by won_revenue desc, mqls desc, owner;
