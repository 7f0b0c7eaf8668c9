-- messages_by_stage: which campaigns touched leads at each step of the funnel, so marketing knows what to send
-- when. A touch (origin touches included) with touched_at in P is at the step its lead was in at that moment:
-- '1 before MQL' (no mql_at yet), '2 MQL → SQL' (MQL, no sql_at yet), '3 SQL → opportunity' (SQL, no opportunity
-- created yet), '4 opportunity → close' (from the lead's first opportunity's creation to the day of its first
-- close), '5 after close'. touches = touches at that step, leads = distinct leads they reached.
-- Grain: one row per (step, channel, campaign). Key: (step, channel, campaign). Params: $start, $end (inclusive).
with deals as (
    select lead_key, min(created_at) as first_opp_at, min(close_date) filter (where is_closed) as first_close
    from opportunities
    where lead_key is not null
    group by lead_key
),
stepped as (
    select t.lead_key, t.channel, t.campaign,
           case when l.mql_at is null or t.touched_at < l.mql_at then '1 before MQL'
                when l.sql_at is null or t.touched_at < l.sql_at then '2 MQL → SQL'
                when d.first_opp_at is null or t.touched_at < d.first_opp_at then '3 SQL → opportunity'
                when d.first_close is null or t.touched_at::date <= d.first_close then '4 opportunity → close'
                else '5 after close' end as step
    from touches t
    join leads l on l.lead_key = t.lead_key
    left join deals d on d.lead_key = t.lead_key
    where t.touched_at::date between $start::date and $end::date
)
select step, channel, campaign, count(*) as touches, count(distinct lead_key) as leads
from stepped
group by all
order by step, touches desc, channel, campaign;
