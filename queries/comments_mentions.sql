-- comments_mentions: comments that mention a person: the body holds '@' and the owner name, ignoring case, with
-- its spaces written as typed, as '.', '_' or left out (@Dana Reyes, @dana.reyes, @DanaReyes).
-- Grain: one row per comment. Key: comment_id. Order: newest first. Params: $person (the owner name).
select comment_id, subject_kind, subject_id, author, created_at, body
from comments
where $person <> ''
  and (contains(lower(body), '@' || lower($person))
       or contains(lower(body), '@' || replace(lower($person), ' ', '.'))
       or contains(lower(body), '@' || replace(lower($person), ' ', '_'))
       or contains(lower(body), '@' || replace(lower($person), ' ', '')))
order by created_at desc, comment_id desc;
