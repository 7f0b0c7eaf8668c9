-- messages_by_stage: which campaigns touched leads at each step of the funnel, so marketing knows what to send
-- when. A touch (origin touches included) with touched_at in P is at the step its lead was in at that moment
-- (touches.funnel_step, queries/model/30_touches.sql: '1 before MQL', '2 MQL → SQL', '3 SQL → opportunity',
-- '4 opportunity → close', '5 after close'). touches = touches at that step, leads = distinct leads they reached.
-- Grain: one row per (step, channel, campaign). Key: (step, channel, campaign). Params: $start, $end (inclusive).
select funnel_step as step, channel, campaign, count(*) as touches, count(distinct lead_key) as leads
from touches
where touched_at::date between $start::date and $end::date
group by all
order by step, touches desc, channel, campaign;
