-- keyctl schema version 1.
--
-- Times are Unix seconds (UTC). The secret itself is never stored: only its
-- SHA-256 (secret_hash). Status is derived from revoked_at and expires_at.

CREATE TABLE keys (
    seq               INTEGER PRIMARY KEY,
    id                TEXT    NOT NULL UNIQUE,
    name              TEXT    NOT NULL,
    description       TEXT,
    environment       TEXT    NOT NULL CHECK (environment IN ('live', 'test')),
    scopes            TEXT    NOT NULL,
    prefix            TEXT    NOT NULL,
    secret_hash       BLOB    NOT NULL UNIQUE,
    created_at        INTEGER NOT NULL,
    created_by        TEXT    NOT NULL,
    expires_at        INTEGER,
    last_used_at      INTEGER,
    revoked_at        INTEGER,
    revoked_by        TEXT,
    revoke_reason     TEXT,
    rotated_from      TEXT    REFERENCES keys (id),
    replaced_by       TEXT    REFERENCES keys (id),
    rate_limit_count  INTEGER,
    rate_limit_window INTEGER,
    quota_count       INTEGER,
    quota_period      TEXT    CHECK (quota_period IN ('day', 'month')),
    metadata          TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX keys_prefix ON keys (prefix);
CREATE INDEX keys_name ON keys (name);
CREATE INDEX keys_created ON keys (created_at);

-- Every recorded request: verifications (source 'verify') and gateway
-- traffic brought in by ingest (source 'ingest'). key_id is NULL for a
-- presented string that matched no key; actor is the operator who ran the
-- verify or the ingest.
CREATE TABLE requests (
    seq         INTEGER PRIMARY KEY,
    key_id      TEXT    REFERENCES keys (id),
    ts          INTEGER NOT NULL,
    method      TEXT,
    path        TEXT,
    status      INTEGER NOT NULL,
    duration_ms INTEGER,
    ip          TEXT,
    user_agent  TEXT,
    outcome     TEXT,
    source      TEXT    NOT NULL CHECK (source IN ('verify', 'ingest')),
    actor       TEXT
);
CREATE INDEX requests_key_ts ON requests (key_id, ts);
CREATE INDEX requests_ts ON requests (ts);
CREATE INDEX requests_status_ts ON requests (status, ts);
CREATE INDEX requests_actor_ts ON requests (actor, ts);

-- Requests per key, UTC day (days since 1970-01-01) and status code,
-- maintained in the same transaction as each request row.
CREATE TABLE usage_daily (
    key_id TEXT    NOT NULL,
    day    INTEGER NOT NULL,
    status INTEGER NOT NULL,
    count  INTEGER NOT NULL,
    PRIMARY KEY (key_id, day, status)
) WITHOUT ROWID;

-- Requests per key, UTC day and endpoint ("METHOD /path" with id-like path
-- segments folded to :id), for the most-used endpoints of a report.
CREATE TABLE usage_endpoints (
    key_id   TEXT    NOT NULL,
    day      INTEGER NOT NULL,
    endpoint TEXT    NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (key_id, day, endpoint)
) WITHOUT ROWID;

-- Fixed-window counters for rate limits, quotas and the plan's monthly
-- calls: one row per (scope, kind), reset when its window moves on.
-- scope is a key id, or '*' for the plan's calls across all keys.
CREATE TABLE limit_counters (
    scope        TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    window_start INTEGER NOT NULL,
    count        INTEGER NOT NULL,
    PRIMARY KEY (scope, kind)
) WITHOUT ROWID;

-- The audit trail of management and security events, hash-chained: hash is
-- the SHA-256 of the entry's canonical form, which includes prev_hash (see
-- audit.rs). status and path repeat, for verification events, the values in
-- details so that the trail can be filtered by them through an index;
-- `audit verify` checks that they agree with details.
CREATE TABLE audit_events (
    seq        INTEGER PRIMARY KEY,
    ts         INTEGER NOT NULL,
    actor      TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    key_id     TEXT,
    key_prefix TEXT,
    details    TEXT    NOT NULL,
    status     INTEGER,
    path       TEXT,
    prev_hash  TEXT    NOT NULL,
    hash       TEXT    NOT NULL
);
CREATE INDEX audit_events_key ON audit_events (key_id, ts);
CREATE INDEX audit_events_ts ON audit_events (ts);
CREATE INDEX audit_events_action ON audit_events (action, ts);
CREATE INDEX audit_events_actor ON audit_events (actor, ts);
CREATE INDEX audit_events_status ON audit_events (status, ts);
CREATE INDEX keys_expires ON keys (expires_at);

-- The event outbox (api_key.created, .updated, .rotated, .revoked, and
-- .expiring / .expired found by `events scan`). An event is inserted in the
-- same transaction as the change it describes; payload is the JSON document
-- exactly as it is delivered (and signed). state: 'new' (not yet routed to
-- the configured destinations), 'pending' (a delivery is still to be made),
-- 'delivered', 'dead' (a delivery gave up), 'skipped' (no destination wanted
-- it). key_expires_at is set only on the events of `events scan`, and makes
-- each of them once per key and expiry.
CREATE TABLE events (
    seq            INTEGER PRIMARY KEY,
    id             TEXT    NOT NULL UNIQUE,
    type           TEXT    NOT NULL,
    ts             INTEGER NOT NULL,
    key_id         TEXT,
    key_expires_at INTEGER,
    payload        TEXT    NOT NULL,
    state          TEXT    NOT NULL DEFAULT 'new'
        CHECK (state IN ('new', 'pending', 'delivered', 'dead', 'skipped'))
);
CREATE INDEX events_state ON events (state, seq);
CREATE INDEX events_type ON events (type, seq);
CREATE UNIQUE INDEX events_once ON events (key_id, type, key_expires_at)
    WHERE key_expires_at IS NOT NULL;

-- One row per event and destination (a [[webhooks]] or [[hooks]] entry, by
-- name). A claimed delivery has claimed_until set and next_at moved to the
-- end of its lease: a run killed while sending leaves it to be claimed again
-- once the lease has passed, which counts in interrupted.
CREATE TABLE deliveries (
    event_seq     INTEGER NOT NULL REFERENCES events (seq),
    destination   TEXT    NOT NULL,
    state         TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    interrupted   INTEGER NOT NULL DEFAULT 0,
    next_at       INTEGER NOT NULL,
    claimed_until INTEGER,
    last_attempt_at INTEGER,
    last_error    TEXT,
    delivered_at  INTEGER,
    PRIMARY KEY (event_seq, destination)
);
CREATE INDEX deliveries_due ON deliveries (state, next_at, event_seq, destination);
