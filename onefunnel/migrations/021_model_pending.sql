-- model_pending: the lead records an import replaced since the model's tables were last built (ingest/records.py
-- settle). Their old lead and ids name rows of the tables the replacing records may change; db.refresh_model patches
-- those rows (onefunnel/model_patch.py) and empties this table whenever it builds or patches the tables.
create table if not exists model_pending (
    lead_key varchar,
    source_system varchar,
    record_id varchar,
    converted_opportunity_id varchar
);
