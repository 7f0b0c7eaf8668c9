-- attribution_credit_by_month: won revenue credited to each channel under one model, by the
-- calendar month of the deals' close dates.
-- Grain: one row per (month, channel); key: (month, channel). month = first day of the month.
-- Params: $start, $end (close dates, inclusive); $model (first_touch | last_touch | linear |
-- u_shaped | time_decay).
select date_trunc('month', close_date)::date as month,
       channel,
       sum(model_credit($model, first_touch, last_touch, linear, u_shaped, time_decay)) as credit
from touch_credits_between($start::date, $end::date)
group by all
order by month, credit desc, channel;
