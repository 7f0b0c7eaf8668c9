-- quotas_of_months: the quotas set per opportunity owner for the months from $first_month to $last_month.
-- Grain: one row per owner and calendar month with a quota (METRICS.md "Quotas"; no row = no quota, counts 0).
-- Key: (owner, month). Params: $first_month, $last_month (dates, first days of months, inclusive).
select owner,
       month,
       strftime(month, '%Y-%m') as month_key,
       amount
from quotas
where month between $first_month::date and $last_month::date
order by owner, month;
