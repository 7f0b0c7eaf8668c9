-- touch_credit_rows: attribution of every won deal to its qualifying touches under the five models of
-- METRICS.md. Qualifying = the linked lead's touches (origin included) with touched_at <= the opportunity's
-- created_at, ordered by touched_at, channel, campaign. A won deal that is unlinked or has no qualifying
-- touch gets one row on '(none)'. A table, rebuilt (or patched per deal) after each import: every query of
-- a period reads the deals closed in it from here (0.2 s a query at 1M leads when it joined the touches).
-- Grain: one row per (won deal, qualifying touch). Key: opp_key. Credits of one deal sum to its amount.
create or replace view live.touch_credit_rows as
with won as (
    select opp_key, name, close_date, created_at as opp_created_at, coalesce(amount, 0) as amount, lead_key, owner
    from main.opportunities
    where is_won
),
qualifying as (
    select w.opp_key, w.name, w.close_date, w.opp_created_at, w.amount, w.lead_key, w.owner,
           t.touched_at, t.channel, t.campaign, t.is_origin,
           row_number() over deal as pos,
           count(*) over (partition by w.opp_key) as n,
           pow(2.0, -((epoch(w.opp_created_at) - epoch(t.touched_at)) / 86400.0) / 7.0) as decay_weight,
           -- summed in the deal's order: a table's rows must equal the view's to the last bit
           sum(pow(2.0, -((epoch(w.opp_created_at) - epoch(t.touched_at)) / 86400.0) / 7.0))
               over (deal rows between unbounded preceding and unbounded following) as decay_total
    from won w
    join main.touches t on t.lead_key = w.lead_key and t.touched_at <= w.opp_created_at
    -- is_origin last: an origin and an imported touch alike in time, channel and campaign rank the same way
    window deal as (partition by w.opp_key order by t.touched_at, t.channel, t.campaign, t.is_origin)
),
credited as (
    select *,
           case when pos = 1 then amount else 0 end as first_touch,
           case when pos = n then amount else 0 end as last_touch,
           amount / n as linear,
           case
               when n = 1 then amount
               when n = 2 then amount * 0.5
               when pos = 1 or pos = n then amount * 0.4
               else amount * 0.2 / (n - 2)
           end as u_shaped,
           amount * decay_weight / decay_total as time_decay
    from qualifying
),
uncredited as (
    select w.opp_key, w.name, w.close_date, w.opp_created_at, w.amount, w.lead_key, w.owner,
           null::timestamp as touched_at, '(none)' as channel, '(none)' as campaign, false as is_origin,
           1 as pos, 1 as n, null::double as decay_weight,
           w.amount as first_touch, w.amount as last_touch, w.amount as linear,
           w.amount as u_shaped, w.amount as time_decay
    from won w
    anti join qualifying q on q.opp_key = w.opp_key
)
select * from credited
union all by name
select * from uncredited;

-- touch_credits_between(start_date, end_date): the rows of the won deals closed in [start_date, end_date].
create or replace macro touch_credits_between(start_date, end_date) as table
select * from touch_credit_rows where close_date between start_date::date and end_date::date;

-- touch_credits: the same rows for every won deal ever closed.
create or replace view touch_credits as
select * from touch_credits_between(date '0001-01-01', date '9999-12-31');

-- model_credit(model, first_touch, last_touch, linear, u_shaped, time_decay): the credit of one
-- row under the model named by `model` ('first_touch' | 'last_touch' | 'linear' | 'u_shaped' |
-- 'time_decay'); the pages' model selector passes it through.
create or replace macro model_credit(model, first_touch, last_touch, linear, u_shaped, time_decay) as
    case model
        when 'first_touch' then first_touch
        when 'last_touch'  then last_touch
        when 'linear'      then linear
        when 'u_shaped'    then u_shaped
        when 'time_decay'  then time_decay
    end;
