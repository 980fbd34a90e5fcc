-- Up Migration
CREATE TABLE products (
  id text PRIMARY KEY,
  name text NOT NULL,
  description text NOT NULL,
  price_cents integer NOT NULL CHECK (price_cents >= 0),
  currency char(3) NOT NULL,
  image_url text NOT NULL,
  sort_order integer NOT NULL DEFAULT 0
);

CREATE TABLE orders (
  id uuid PRIMARY KEY,
  order_number text NOT NULL UNIQUE,
  tracking_token text NOT NULL UNIQUE,
  status text NOT NULL CHECK (status IN ('pending', 'processing', 'confirmed', 'shipped')),
  customer_name text NOT NULL,
  customer_email text NOT NULL,
  shipping_address jsonb NOT NULL,
  total_cents integer NOT NULL CHECK (total_cents >= 0),
  currency char(3) NOT NULL,
  idempotency_key text UNIQUE,
  request_hash text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE order_items (
  order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  line_no smallint NOT NULL,
  product_id text NOT NULL REFERENCES products (id),
  name text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  unit_price_cents integer NOT NULL CHECK (unit_price_cents >= 0),
  PRIMARY KEY (order_id, line_no)
);

-- One row per status an order reached. The primary key makes "each status exactly once" a database fact.
CREATE TABLE order_status_history (
  order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  status text NOT NULL,
  at timestamptz NOT NULL,
  processor_instance text,
  kafka_topic text,
  kafka_partition integer,
  kafka_offset bigint,
  PRIMARY KEY (order_id, status)
);

-- Transactional outbox: written in the order's transaction, published to Kafka by the relay.
CREATE TABLE outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE,
  topic text NOT NULL,
  message_key text NOT NULL,
  payload text NOT NULL,
  headers jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  last_error text
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_unpublished_by_key ON outbox (message_key, id) WHERE published_at IS NULL;

-- Down Migration
DROP TABLE outbox;
DROP TABLE order_status_history;
DROP TABLE order_items;
DROP TABLE orders;
DROP TABLE products;
