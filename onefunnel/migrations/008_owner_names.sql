-- Owner names: exports written by the API (Salesforce Data Loader, HubSpot property exports)
-- name record owners by id (005Dn000001AbCd, 41249877). This setting maps an owner value to
-- the name people know; the views leads, opportunities and activities show the name.
create table owner_names (
    owner varchar primary key,   -- the owner value as the export writes it
    name  varchar not null       -- the name shown everywhere instead
);
