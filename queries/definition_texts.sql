-- definition_texts: the stage and metric definitions a team rewrote in its own words (onefunnel/wording.py).
-- Grain: one row per edited text. Key: name ('stage:<Stage>' or 'measure:<metric key>'). Params: none.
-- A stage or metric without a row reads in the product's words.
select name, text, updated_at, coalesce(updated_by, '(unknown)') as updated_by
from definition_texts
order by name;
