-- 019: who may sign in and with which role (onefunnel/access.py). One row per allow-list entry: an e-mail
-- ('ann@acme.test') or a whole domain ('@acme.test'); an e-mail's own row beats its domain's. The first
-- admins come from the secrets ([onefunnel] admins), not from this table. Every change is also logged in
-- settings_log under 'people:<entry>' (old and new role, who, when); removing an entry logs a null role.
create table people (
    entry      varchar primary key,            -- lower-case e-mail, or '@' + lower-case domain
    role       varchar not null check (role in ('viewer', 'editor', 'admin')),
    changed_at timestamp not null default current_localtimestamp(),
    changed_by varchar not null
);
