-- keyctl schema version 2: operators' roles live in the store (SPEC §5).
--
-- One grant per operator; operator '*' is every operator without a grant of
-- their own (on PostgreSQL an operator is a database user). No row at all
-- means every operator is an owner.

CREATE TABLE keyctl.role_grants (
    operator   TEXT COLLATE "C" PRIMARY KEY,
    role       TEXT COLLATE "C" NOT NULL CHECK (role IN ('member', 'admin', 'owner')),
    granted_at BIGINT NOT NULL,
    granted_by TEXT NOT NULL
);
