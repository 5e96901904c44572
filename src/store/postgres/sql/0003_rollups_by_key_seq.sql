-- keyctl schema version 3 on PostgreSQL, as SQLite's: the rollups name their
-- key by keys.seq instead of its text id, and endpoints also roll up per
-- calendar month (month = year * 12 + month - 1 of the UTC date). Rollups of
-- a key that is not in keys are dropped: no report showed them.

CREATE TABLE keyctl.usage_daily_by_seq (
    key_seq BIGINT NOT NULL,
    day     BIGINT NOT NULL,
    status  BIGINT NOT NULL,
    count   BIGINT NOT NULL,
    PRIMARY KEY (key_seq, day, status)
);
INSERT INTO keyctl.usage_daily_by_seq (key_seq, day, status, count)
    SELECT k.seq, u.day, u.status, u.count
    FROM keyctl.usage_daily AS u JOIN keyctl.keys AS k ON k.id = u.key_id;
DROP TABLE keyctl.usage_daily;
ALTER TABLE keyctl.usage_daily_by_seq RENAME TO usage_daily;
ALTER INDEX keyctl.usage_daily_by_seq_pkey RENAME TO usage_daily_pkey;

CREATE TABLE keyctl.usage_endpoints_by_seq (
    key_seq  BIGINT NOT NULL,
    day      BIGINT NOT NULL,
    endpoint TEXT COLLATE "C" NOT NULL,
    count    BIGINT NOT NULL,
    PRIMARY KEY (key_seq, day, endpoint)
);
INSERT INTO keyctl.usage_endpoints_by_seq (key_seq, day, endpoint, count)
    SELECT k.seq, u.day, u.endpoint, u.count
    FROM keyctl.usage_endpoints AS u JOIN keyctl.keys AS k ON k.id = u.key_id;
DROP TABLE keyctl.usage_endpoints;
ALTER TABLE keyctl.usage_endpoints_by_seq RENAME TO usage_endpoints;
ALTER INDEX keyctl.usage_endpoints_by_seq_pkey RENAME TO usage_endpoints_pkey;

CREATE TABLE keyctl.usage_endpoints_monthly (
    key_seq  BIGINT NOT NULL,
    month    BIGINT NOT NULL,
    endpoint TEXT COLLATE "C" NOT NULL,
    count    BIGINT NOT NULL,
    PRIMARY KEY (key_seq, month, endpoint)
);
INSERT INTO keyctl.usage_endpoints_monthly (key_seq, month, endpoint, count)
    SELECT key_seq, m, endpoint, sum(count)::bigint
    FROM (SELECT key_seq, endpoint, count,
                 (extract(year FROM d) * 12 + extract(month FROM d) - 1)::bigint AS m
          FROM (SELECT key_seq, endpoint, count,
                       date '1970-01-01' + day::integer AS d
                FROM keyctl.usage_endpoints) AS dated) AS monthly
    GROUP BY key_seq, m, endpoint;
