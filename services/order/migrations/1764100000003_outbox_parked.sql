-- Up Migration
-- An outbox row Kafka will never take as it is (too large for the topic, the topic gone, not allowed) is parked: the
-- relay skips it so the rows behind it go out, and it waits, counted and listed, until an operator republishes it.
ALTER TABLE outbox ADD COLUMN parked_at timestamptz;
CREATE INDEX outbox_parked ON outbox (id) WHERE parked_at IS NOT NULL AND published_at IS NULL;

-- Down Migration
DROP INDEX outbox_parked;
ALTER TABLE outbox DROP COLUMN parked_at;
