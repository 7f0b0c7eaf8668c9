-- The merged `leads` table becomes a view (queries/model/05_leads.sql), so an import writes a
-- person once: a person with one lead record IS that record (lead_records.is_sole), and only
-- people with several records get a merged row, in lead_merges.
create table lead_merges (
    lead_key          varchar not null,
    email             varchar,
    created_at        timestamp,
    company           varchar,
    source            varchar,
    campaign          varchar,
    owner             varchar,
    mql_at            timestamp,
    sql_at            timestamp,
    disqualified_at   timestamp,
    disqualify_reason varchar,
    status            varchar
);
insert into lead_merges
select * from leads
where lead_key in (select lead_key from lead_records group by lead_key having count(*) > 1);
alter table lead_records add column is_sole boolean default true;
update lead_records set is_sole = false where lead_key in (select lead_key from lead_merges);
drop table leads;
