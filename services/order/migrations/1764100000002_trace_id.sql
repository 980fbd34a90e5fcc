-- Up Migration
-- The W3C trace id of the request that placed the order: its log lines, its spans and its tracking page share it.
ALTER TABLE orders ADD COLUMN trace_id char(32);

-- Down Migration
ALTER TABLE orders DROP COLUMN trace_id;
