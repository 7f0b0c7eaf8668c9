-- 017: sales' word on every MQL, given in the app (onefunnel/feedback.py), and the stage changes of deals seen
-- across imports (for the standup's "deals that changed stage").
-- A verdict is never touched by an import: re-importing a lead keeps it (the lead_key, normalized email, is
-- stable). The latest verdict of a lead counts; older ones stay as its history. The leads view
-- (queries/model/05_leads.sql) combines it with the export's disqualify date and status.
create sequence verdict_id_seq start 1;

create table lead_verdicts (
    verdict_id integer primary key default nextval('verdict_id_seq'),
    lead_key   varchar not null,
    verdict    varchar not null check (verdict in ('accept', 'reject')),
    reason     varchar,                  -- from the setting rejection_reasons (a rejection needs one)
    note       varchar,
    given_by   varchar,
    given_at   timestamp not null default current_localtimestamp()
);

-- A re-import that brings an opportunity with another stage than the record it replaces lists the change
-- here (onefunnel/ingest/records.py settle); changed_at = when that import was stored.
create table opportunity_stage_changes (
    opp_key    varchar not null,         -- source_system:record_id, as the opportunities view
    from_stage varchar,
    to_stage   varchar,
    changed_at timestamp not null,
    import_id  integer not null
);

insert into settings (key, value, updated_by) values
    ('rejection_reasons', '["not our customer profile", "no budget", "student or job seeker", "duplicate", "bad contact data", "other"]', 'default');
