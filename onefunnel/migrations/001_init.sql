-- 001: canonical tables, imports log, settings.
-- Raw records keep every vendor row as typed canonical fields; the `leads` table is
-- rebuilt from lead_records (one person, one lead) after each lead import.

create sequence import_id_seq start 1;

create table imports (
    import_id       integer primary key,
    file_name       varchar not null,
    content_sha256  varchar not null,
    format          varchar not null,   -- preset key, e.g. hubspot_contacts
    record_kind     varchar not null,   -- lead | opportunity | touch | activity | spend
    encoding        varchar,
    delimiter       varchar,
    readings        json,               -- how ambiguous columns were read (date order, decimal mark)
    rows_read       integer not null,
    rows_loaded     integer not null,   -- rows accepted from the file
    rows_new        integer not null,   -- of those, rows that were not already stored
    rows_rejected   integer not null,
    rows_skipped    integer not null,   -- summary rows (totals) that are not records
    imported_at     timestamp not null default current_localtimestamp(),
    imported_by     varchar
);

create table import_rejects (
    import_id   integer not null,
    line        integer,
    column_name varchar,
    value       varchar,
    reason      varchar not null
);

-- One row per vendor record (source system + record id); re-imports replace.
create table lead_records (
    source_system     varchar not null,
    record_id         varchar not null,
    lead_key          varchar not null,  -- normalized email, else source_system:record_id
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
    status            varchar,
    converted_opportunity_id varchar,
    import_id         integer not null,
    seq               bigint not null     -- import order: higher = more recently imported
);

-- One row per person (see METRICS.md "One person, one lead"); rebuilt by ingest.
create table leads (
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

create table opportunity_records (
    source_system   varchar not null,
    record_id       varchar not null,
    name            varchar,
    created_at      timestamp,
    close_date      date,
    stage           varchar,
    amount          double,
    probability     double,            -- 0-100
    is_closed_export boolean,          -- from the export when it has the column
    is_won_export    boolean,
    owner           varchar,
    source          varchar,
    lead_ref        varchar,           -- explicit lead id reference (first associated contact, lead id)
    lead_ref_system varchar,           -- system whose lead ids lead_ref uses; null = any
    email           varchar,           -- normalized contact email
    import_id       integer not null,
    seq             bigint not null
);

create table touch_records (
    email           varchar,
    lead_ref        varchar,
    lead_ref_system varchar,
    touched_at      timestamp not null,
    channel         varchar not null,
    campaign        varchar not null,
    import_id       integer not null
);

create table activity_records (
    email           varchar,
    lead_ref        varchar,
    lead_ref_system varchar,
    activity_at     timestamp not null,
    type            varchar,
    owner           varchar,
    import_id       integer not null
);

create table spend_records (
    date            date not null,
    channel         varchar not null,
    campaign        varchar not null,
    cost            double not null,
    source_system   varchar not null,
    import_id       integer not null
);

-- Settings: scalar values as JSON, maps as tables; every change is logged.
create table settings (
    key        varchar primary key,
    value      json not null,
    updated_at timestamp not null default current_localtimestamp(),
    updated_by varchar
);

create table settings_log (
    key        varchar not null,
    old_value  json,
    new_value  json,
    changed_at timestamp not null default current_localtimestamp(),
    changed_by varchar
);

create table goals (
    month      date primary key,          -- first day of the calendar month
    amount     double not null
);

create table stage_map (
    stage      varchar primary key,       -- compared case-insensitively, trimmed
    is_closed  boolean not null,
    is_won     boolean not null
);

create table channel_map (
    source     varchar primary key,       -- a lead source / touch channel value
    channel    varchar not null
);

create table non_marketing_sources (
    source     varchar primary key
);

insert into stage_map values
    ('Closed Won', true, true), ('Closed Lost', true, false),
    ('Won', true, true), ('Lost', true, false);

insert into settings (key, value, updated_by) values
    ('sla_hours', '24', 'default'),
    ('fiscal_year_start_month', '1', 'default'),
    ('stall_days', '14', 'default'),
    ('stage_owners', '{"Lead": "marketing", "MQL": "marketing", "SQL": "sales", "Opportunity": "sales", "Won": "shared"}', 'default'),
    ('stage_owner_people', '{}', 'default'),          -- optional named person per stage
    ('metric_owners', '{}', 'default'),               -- overrides of definitions.METRICS owner per metric key
    ('metric_targets', '{"sla_compliance": 0.9, "mql_to_sql_rate": 0.4, "lead_to_mql_rate": 0.3, "win_rate": 0.3, "mql_response_hours_median": 24}', 'default');
