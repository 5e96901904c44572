-- keyctl schema version 2: operators' roles live in the store (SPEC §5).
--
-- One grant per operator; operator '*' is every operator without a grant of
-- their own. No row at all means every operator is an owner.

CREATE TABLE role_grants (
    operator   TEXT    NOT NULL PRIMARY KEY,
    role       TEXT    NOT NULL CHECK (role IN ('member', 'admin', 'owner')),
    granted_at INTEGER NOT NULL,
    granted_by TEXT    NOT NULL
) WITHOUT ROWID;
