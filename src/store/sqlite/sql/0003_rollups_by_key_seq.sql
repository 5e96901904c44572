-- keyctl schema version 3: the rollups name their key by its row number
-- (keys.seq) instead of its text id, so that grouping a million keys
-- compares integers, and endpoints also roll up per calendar month, so that
-- a report over a month or more reads one row per endpoint for each whole
-- month. month is year * 12 + month - 1 of the UTC date (2026-11 is 24322).
-- Rollups of a key that is not in keys are dropped: no report showed them.

CREATE TABLE usage_daily_by_seq (
    key_seq INTEGER NOT NULL,
    day     INTEGER NOT NULL,
    status  INTEGER NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (key_seq, day, status)
) WITHOUT ROWID;
INSERT INTO usage_daily_by_seq (key_seq, day, status, count)
    SELECT k.seq, u.day, u.status, u.count
    FROM usage_daily AS u JOIN keys AS k ON k.id = u.key_id;
DROP TABLE usage_daily;
ALTER TABLE usage_daily_by_seq RENAME TO usage_daily;

CREATE TABLE usage_endpoints_by_seq (
    key_seq  INTEGER NOT NULL,
    day      INTEGER NOT NULL,
    endpoint TEXT    NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (key_seq, day, endpoint)
) WITHOUT ROWID;
INSERT INTO usage_endpoints_by_seq (key_seq, day, endpoint, count)
    SELECT k.seq, u.day, u.endpoint, u.count
    FROM usage_endpoints AS u JOIN keys AS k ON k.id = u.key_id;
DROP TABLE usage_endpoints;
ALTER TABLE usage_endpoints_by_seq RENAME TO usage_endpoints;

-- Requests per key, calendar month (UTC) and endpoint: the sum of the
-- key's usage_endpoints rows of that month, kept in the same transaction.
CREATE TABLE usage_endpoints_monthly (
    key_seq  INTEGER NOT NULL,
    month    INTEGER NOT NULL,
    endpoint TEXT    NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (key_seq, month, endpoint)
) WITHOUT ROWID;
INSERT INTO usage_endpoints_monthly (key_seq, month, endpoint, count)
    SELECT key_seq,
           CAST(strftime('%Y', day * 86400, 'unixepoch') AS INTEGER) * 12
               + CAST(strftime('%m', day * 86400, 'unixepoch') AS INTEGER) - 1,
           endpoint, sum(count)
    FROM usage_endpoints GROUP BY 1, 2, 3;
