-- model_state: what the canonical tables (main.leads, main.opportunities, ...) were last built from (db.refresh_model):
-- the model generation (records, imports, the settings the model reads, the model's code) and the last verdict applied.
create table if not exists model_state (generation varchar, verdict_id bigint);
