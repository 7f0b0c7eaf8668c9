-- 009: the owner directory (an owner's team, manager and region: dimensions of the metrics layer),
-- quotas per opportunity owner per month (METRICS.md "Quotas"), and the teams' own definition texts
-- of stages and measures (the formula stays the product's). Every change is logged in settings_log.
create table owner_directory (
    owner   varchar primary key,   -- the owner's name as the leads/opportunities views show it
    team    varchar,
    manager varchar,
    region  varchar
);

create table quotas (
    owner  varchar not null,       -- opportunity owner (as the opportunities view shows it)
    month  date not null,          -- first day of the calendar month
    amount double not null,
    primary key (owner, month)
);

create table definition_texts (
    name       varchar primary key,   -- 'stage:MQL' or 'measure:win_rate'
    text       varchar not null,
    updated_at timestamp not null default current_localtimestamp(),
    updated_by varchar
);
