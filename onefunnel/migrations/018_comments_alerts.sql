-- 018: comments on a lead, a deal, a campaign or a friction item (onefunnel/comments.py), with replies, and
-- the alert digests already sent (onefunnel/alerts.py), so one owner's digest of one window goes out once.
create sequence comment_id_seq start 1;

create table comments (
    comment_id   integer primary key default nextval('comment_id_seq'),
    subject_kind varchar not null check (subject_kind in ('lead', 'deal', 'campaign', 'friction')),
    subject_id   varchar not null,      -- lead_key, opp_key, campaign name, or a friction item's key
    parent_id    integer,               -- the comment this one replies to; null = a new thread
    author       varchar not null,
    body         varchar not null,      -- plain text as typed: shown and exported as text, never as markup
    created_at   timestamp not null default current_localtimestamp()
);

create table sent_digests (
    owner        varchar not null,
    window_start timestamp not null,    -- --since
    window_end   timestamp not null,    -- the moment the digest was made up to
    sent_at      timestamp not null default current_localtimestamp(),
    payload      varchar not null,
    primary key (owner, window_start)
);

-- Materials: a touch or an activity may name the asset it carried (a template column `asset`, vendor fields in
-- README "Materials"); a row without one keeps the hash it had (onefunnel/ingest/row_sets.py). Sales rate an
-- asset useful or not, with a note (onefunnel/feedback.py rate_asset); the latest rating of a person counts.
alter table touch_store add column asset varchar;
alter table activity_store add column asset varchar;

create sequence asset_rating_id_seq start 1;

create table asset_ratings (
    rating_id integer primary key default nextval('asset_rating_id_seq'),
    asset     varchar not null,
    useful    boolean not null,
    note      varchar,
    given_by  varchar,
    given_at  timestamp not null default current_localtimestamp()
);
