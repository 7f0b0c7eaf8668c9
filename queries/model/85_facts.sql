-- Derived facts of leads and opportunities that need other records, each written once. The metrics
-- layer (queries/measures.toml) joins a view only when a measure or dimension asks for its facts.

-- is_marketing_sourced(mql_at, opp_created_at): a deal is marketing-sourced when its linked lead became an MQL
-- on or before the opportunity was created (METRICS.md marketing_sourced_revenue); false when the deal is
-- unlinked or the lead never was an MQL. The layer's fact, the Joint goal's and the Wins board's lists use it.
create or replace macro is_marketing_sourced(mql_at, opp_created_at) as coalesce(mql_at <= opp_created_at, false);

-- opportunity_influence: won deals whose linked lead had a touch (origin included) with
-- date(touched_at) <= the close date (METRICS.md marketing_influenced_revenue).
-- Grain: one row per influenced won opportunity. Key: opp_key.
create or replace view live.opportunity_influence as
select distinct o.opp_key
from main.opportunities o
join main.touches t on t.lead_key = o.lead_key
where o.is_won and t.touched_at::date <= o.close_date;

-- opportunity_activities: per won deal with a linked lead, the activities linked to that lead with
-- date(at) <= the close date, and the meetings among them (type trimmed and lower-cased = 'meeting')
-- (METRICS.md "Activity it takes to win"). Grain: one row per linked won opportunity with an activity.
create or replace view live.opportunity_activities as
select o.opp_key,
       count(*) as activities_to_close,
       count(*) filter (where lower(trim(a.type)) = 'meeting') as meetings_to_close
from main.opportunities o
join main.activities a on a.lead_key = o.lead_key and a.activity_at::date <= o.close_date
where o.is_won
group by o.opp_key;

-- goal_days / quota_days: each monthly goal (and each owner's monthly quota) spread evenly over the
-- days of its month, so a period's goal is the sum over its days (METRICS.md revenue_goal, quota).
-- Grain: one row per day of a month with a goal (per owner and day for quotas).
create or replace view goal_days as
select d.day::date as day, g.amount / day(last_day(g.month)) as amount
from goals g, unnest(generate_series(g.month::timestamp, last_day(g.month)::timestamp, interval 1 day)) d(day);

create or replace view quota_days as
select q.owner, d.day::date as day, q.amount / day(last_day(q.month)) as amount
from quotas q, unnest(generate_series(q.month::timestamp, last_day(q.month)::timestamp, interval 1 day)) d(day);
