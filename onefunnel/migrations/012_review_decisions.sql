-- 012: the weekly review's decisions and action items (onefunnel/decisions.py). One row per item, kept
-- under the ISO week of the review that took it ('2026-W38'); an action has an owner and a due week and is
-- marked done or not at a later review. Every change is logged in settings_log under 'review_item:<id>'
-- (who and when, old and new value).
create sequence review_item_ids start 1;
create table review_items (
    item_id    bigint primary key default nextval('review_item_ids'),
    week       varchar not null,               -- the review's ISO week, YYYY-Www
    kind       varchar not null,               -- decision | action
    text       varchar not null,               -- kept whole, never empty
    owner      varchar,                        -- who does it (actions)
    due_week   varchar,                        -- YYYY-Www (actions)
    is_done    boolean not null default false,
    created_at timestamp not null default current_localtimestamp(),
    created_by varchar,
    done_changed_at timestamp,
    done_changed_by varchar
);
