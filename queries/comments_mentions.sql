-- comments_mentions: comments that mention a person: the body holds '@' and the owner name, ignoring case, with
-- its spaces written as typed, as '.', '_' or left out (@Dana Reyes, @dana.reyes, @DanaReyes).
-- Grain: one row per comment. Key: comment_id. Order: newest first. Params: $name.
select comment_id, subject_kind, subject_id, author, created_at, body
from comments
where $name <> ''
  and (contains(lower(body), '@' || lower($name))
       or contains(lower(body), '@' || replace(lower($name), ' ', '.'))
       or contains(lower(body), '@' || replace(lower($name), ' ', '_'))
       or contains(lower(body), '@' || replace(lower($name), ' ', '')))
order by created_at desc, comment_id desc;
