-- What an import does with its old open deals (issue 11 item 5): open deals whose close date is before
-- `cutoff` or missing. policy: keep (as exported), lost (counted as lost, closing on their close date or,
-- without one, their creation date), skip (kept in the import, left out of every number). One row per
-- opportunity import that had such deals; the opportunities view applies it.
create table if not exists old_deal_decisions (
    import_id  bigint primary key,
    policy     varchar not null check (policy in ('keep', 'lost', 'skip')),
    cutoff     date not null,
    deals      bigint not null,
    decided_by varchar,
    decided_at timestamp not null default current_timestamp
);
