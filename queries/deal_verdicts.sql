-- deal_verdicts: every verdict sales gave on one deal's lead, newest first (the latest counts).
-- Grain: one row per verdict. Key: verdict_id. Params: $deal.
select v.verdict_id, v.verdict, v.reason, v.note, v.given_by, v.given_at
from opportunities o
join lead_verdicts v on v.lead_key = o.lead_key
where o.opp_key = $deal
order by v.given_at desc, v.verdict_id desc;
