-- people_allow_list: the allow-list of the People page (migration 019).
-- Grain: one row per entry (an e-mail or an '@domain'), e-mails before domains, then alphabetical.
select entry, case when entry like '@%' then 'domain' else 'e-mail' end as kind, role, changed_by, changed_at
from people
order by entry like '@%', entry;
