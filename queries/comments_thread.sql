-- comments_thread: the comments on one subject (a lead, a deal, a campaign or a friction item), each thread
-- (a comment and its replies) together, oldest thread first, replies in time order. depth 0 = a new thread.
-- Grain: one row per comment. Key: comment_id. Params: $kind, $subject_id.
with recursive t as (
    select comment_id, parent_id, author, body, created_at, 0 as depth, comment_id as thread_id
    from comments
    where subject_kind = $kind and subject_id = $subject_id and parent_id is null
    union all
    select c.comment_id, c.parent_id, c.author, c.body, c.created_at, t.depth + 1, t.thread_id
    from comments c
    join t on c.parent_id = t.comment_id
)
select comment_id, parent_id, thread_id, depth, author, created_at, body
from t
order by thread_id, depth > 0, created_at, comment_id;
