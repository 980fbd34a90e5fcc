import {
  INITIAL_STATUS,
  ORDER_STATUSES,
  type OrderStatus,
  type Product,
  type StatusHistoryEntry,
} from '@metalmart/contracts';
import type pg from 'pg';
import type { NewOrder } from '../domain/order.ts';
import { insertOutboxRows, type OutboxMessage, outboxColumns } from '../outbox/message.ts';
import { groupCommit, rowsAtFault } from './group-commit.ts';
import type { CreateOrderResult, OrderRecord, OrderStore, Transition, TransitionResult } from './types.ts';

/** The lifecycle as an SQL array, for ordering a history by it (generated: the list lives in contracts). */
const STATUS_ORDER = `ARRAY[${ORDER_STATUSES.map((status) => `'${status}'`).join(', ')}]`;

const PRODUCT_COLUMNS = `id, name, description, price_cents AS "priceCents", currency, image_url AS "imageUrl"`;

// The hot statements are named (prepared once per connection: PostgreSQL parses and plans them once, not per
// order). One statement writes a group of orders (group-commit.ts), their lines, first history entries and outbox
// events: one round trip, one transaction (a statement is atomic), and a 201 means all four are durable. An order
// that collides with a stored one (its Idempotency-Key, or a drawn order number) is left out with what belongs to
// it, and its id is missing from the answer; the others are written.
export const INSERT_ORDERS = `
WITH new_orders AS (
  INSERT INTO orders (id, order_number, tracking_token, status, customer_name, customer_email, shipping_address,
                      total_cents, currency, idempotency_key, request_hash, created_at, updated_at, trace_id)
  SELECT o.id, o.order_number, o.tracking_token, '${INITIAL_STATUS}', o.customer_name, o.customer_email,
         o.shipping_address, o.total_cents, o.currency, o.idempotency_key, o.request_hash, o.created_at, o.created_at,
         o.trace_id
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::int[], $8::text[],
                $9::text[], $10::text[], $11::timestamptz[], $12::text[]) WITH ORDINALITY
      AS o(id, order_number, tracking_token, customer_name, customer_email, shipping_address, total_cents, currency,
           idempotency_key, request_hash, created_at, trace_id, n)
   ORDER BY o.n
  ON CONFLICT DO NOTHING
  RETURNING id, created_at
), new_lines AS (
  INSERT INTO order_items (order_id, line_no, product_id, name, quantity, unit_price_cents)
  SELECT l.order_id, l.line_no, l.product_id, l.name, l.quantity, l.unit_price_cents
    FROM unnest($13::uuid[], $14::smallint[], $15::text[], $16::text[], $17::int[], $18::int[])
      AS l(order_id, line_no, product_id, name, quantity, unit_price_cents)
    JOIN new_orders ON new_orders.id = l.order_id
), first_status AS (
  INSERT INTO order_status_history (order_id, status, at) SELECT id, '${INITIAL_STATUS}', created_at FROM new_orders
), new_events AS (
${insertOutboxRows('new_orders', 19)}
)
SELECT id FROM new_orders`;

/** The parameters of INSERT_ORDERS for a group of orders and their events. */
export function insertOrdersValues(group: { order: NewOrder; event: OutboxMessage }[]): unknown[] {
  const orders = group.map((g) => g.order);
  const column = <T>(pick: (o: NewOrder) => T) => orders.map(pick);
  const lines = orders.flatMap((o) => o.lines.map((line, i) => ({ orderId: o.id, lineNo: i + 1, ...line })));
  return [
    column((o) => o.id),
    column((o) => o.orderNumber),
    column((o) => o.trackingToken),
    column((o) => o.customer.name),
    column((o) => o.customer.email),
    column((o) => JSON.stringify(o.shippingAddress)),
    column((o) => o.totalCents),
    column((o) => o.currency),
    column((o) => o.idempotency?.key ?? null),
    column((o) => o.idempotency?.requestHash ?? null),
    column((o) => o.createdAt),
    column((o) => o.traceId ?? null),
    lines.map((l) => l.orderId),
    lines.map((l) => l.lineNo),
    lines.map((l) => l.productId),
    lines.map((l) => l.name),
    lines.map((l) => l.quantity),
    lines.map((l) => l.unitPriceCents),
    ...outboxColumns(
      orders.map((o) => o.id),
      group.map((g) => g.event),
    ),
  ];
}

const SELECT_ORDER = `
SELECT o.id, o.order_number, o.tracking_token, o.status, o.customer_name, o.customer_email, o.shipping_address,
       o.total_cents, o.currency, o.created_at, o.request_hash, o.trace_id,
       (SELECT json_agg(json_build_object('productId', i.product_id, 'name', i.name, 'quantity', i.quantity,
                                          'unitPriceCents', i.unit_price_cents) ORDER BY i.line_no)
          FROM order_items i WHERE i.order_id = o.id) AS lines,
       (SELECT json_agg(json_build_object('status', h.status, 'at', h.at, 'instance', h.processor_instance,
                                          'topic', h.kafka_topic, 'partition', h.kafka_partition,
                                          'offset', h.kafka_offset::text)
                        ORDER BY array_position(${STATUS_ORDER}, h.status))
          FROM order_status_history h WHERE h.order_id = o.id) AS history
FROM orders o`;

// Guarded transitions of many orders in one statement: an order moves only if it is still in `from`, and each
// move records its history row. The final SELECT reads the statement's snapshot (before the moves), so for an
// order not moved it tells where the order is and whether it already reached `to` (a redelivery). Its lookups are
// correlated subqueries on purpose: as joins the planner hashed both tables (a sequential scan of `orders` and of
// the history per batch, 73 ms a call under load), as subqueries they are primary-key lookups.
export const APPLY_TRANSITIONS = `
WITH input AS (
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::bigint[], $8::int[])
    AS t(id, from_status, to_status, instance, topic, kafka_partition, kafka_offset, ord)
), moved AS (
  UPDATE orders o SET status = i.to_status, updated_at = clock_timestamp()
    FROM input i WHERE o.id = i.id AND o.status = i.from_status
  RETURNING o.id
), recorded AS (
  INSERT INTO order_status_history (order_id, status, at, processor_instance, kafka_topic, kafka_partition, kafka_offset)
  SELECT i.id, i.to_status, clock_timestamp(), i.instance, i.topic, i.kafka_partition, i.kafka_offset
    FROM input i JOIN moved m ON m.id = i.id
)
SELECT i.ord, m.id IS NOT NULL AS applied,
       (SELECT o.status FROM orders o WHERE o.id = i.id) AS current,
       coalesce((SELECT true FROM order_status_history h
                  WHERE h.order_id = i.id AND h.status = i.to_status LIMIT 1), false) AS reached
  FROM input i LEFT JOIN moved m ON m.id = i.id
 ORDER BY i.ord`;

interface OrderRow {
  id: string;
  order_number: string;
  tracking_token: string;
  status: OrderStatus;
  customer_name: string;
  customer_email: string;
  shipping_address: OrderRecord['shippingAddress'];
  total_cents: number;
  currency: string;
  created_at: Date;
  request_hash: string | null;
  trace_id: string | null;
  lines: OrderRecord['lines'];
  history: {
    status: OrderStatus;
    at: string;
    instance: string | null;
    topic: string | null;
    partition: number | null;
    offset: string | null;
  }[];
}

function toRecord(row: OrderRow): OrderRecord {
  return {
    id: row.id,
    orderNumber: row.order_number,
    trackingToken: row.tracking_token,
    status: row.status,
    customer: { name: row.customer_name, email: row.customer_email },
    shippingAddress: row.shipping_address,
    lines: row.lines,
    totalCents: row.total_cents,
    currency: row.currency,
    createdAt: row.created_at,
    ...(row.trace_id ? { traceId: row.trace_id } : {}),
    history: row.history.map(
      (h): StatusHistoryEntry => ({
        status: h.status,
        at: new Date(h.at).toISOString(),
        ...(h.instance !== null && h.topic !== null && h.partition !== null && h.offset !== null
          ? { processedBy: { instance: h.instance, topic: h.topic, partition: h.partition, offset: h.offset } }
          : {}),
      }),
    ),
  };
}

/**
 * Two processors' batches that share orders lock them in different orders and can deadlock: PostgreSQL then
 * aborts one statement (40P01), which did nothing, so running it again is safe. A few tries; then the caller's 503.
 */
export async function retryOnDeadlock<T>(statement: () => Promise<T>, tries = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await statement();
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt >= tries) throw error;
    }
  }
}

export interface PostgresOrderStoreOptions {
  /** Order inserts running at once; more orders wait and go in the next statement together. */
  insertsInFlight: number;
}

export function createPostgresOrderStore(pool: pg.Pool, options: PostgresOrderStoreOptions): OrderStore {
  const findOne = async (where: string, value: string) => {
    const result = await pool.query<OrderRow>({
      name: `select-order-by-${where}`,
      text: `${SELECT_ORDER} WHERE ${where} = $1`,
      values: [value],
    });
    const row = result.rows[0];
    return row ? { record: toRecord(row), requestHash: row.request_hash } : undefined;
  };

  const insertOrder = groupCommit(
    async (group: { order: NewOrder; event: OutboxMessage }[]) => {
      const { rows } = await pool.query<{ id: string }>({
        name: 'insert-orders',
        text: INSERT_ORDERS,
        values: insertOrdersValues(group),
      });
      const written = new Set(rows.map((r) => r.id));
      return group.map((g) => written.has(g.order.id));
    },
    { maxInFlight: options.insertsInFlight, maxBatch: 256, splitOn: rowsAtFault },
  );

  return {
    async listProducts() {
      const result = await pool.query<Product>(`SELECT ${PRODUCT_COLUMNS} FROM products ORDER BY sort_order, id`);
      return result.rows;
    },

    async findProducts(ids) {
      const result = await pool.query<Product>(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = ANY($1)`, [ids]);
      return new Map(result.rows.map((p) => [p.id, p]));
    },

    async createOrder(order: NewOrder, event: OutboxMessage): Promise<CreateOrderResult> {
      if (await insertOrder({ order, event })) return { kind: 'created' };
      if (!order.idempotency) return { kind: 'order-number-taken' };
      // Another request with the same Idempotency-Key won: same body → the same order, else a conflict.
      const existing = await findOne('o.idempotency_key', order.idempotency.key);
      if (!existing) return { kind: 'order-number-taken' };
      if (existing.requestHash === order.idempotency.requestHash) {
        return { kind: 'idempotent-replay', order: existing.record };
      }
      return { kind: 'idempotency-conflict' };
    },

    async findOrder(id) {
      return (await findOne('o.id', id))?.record;
    },

    async findOrderByTrackingToken(token) {
      return (await findOne('o.tracking_token', token))?.record;
    },

    async applyTransitions(transitions: Transition[]) {
      const column = <T>(pick: (t: Transition, i: number) => T) => transitions.map(pick);
      const { rows } = await retryOnDeadlock(() =>
        pool.query<{ applied: boolean; current: OrderStatus | null; reached: boolean }>({
          name: 'apply-transitions',
          text: APPLY_TRANSITIONS,
          values: [
            column((t) => t.id),
            column((t) => t.from),
            column((t) => t.to),
            column((t) => t.by.instance),
            column((t) => t.by.topic),
            column((t) => t.by.partition),
            column((t) => t.by.offset),
            column((_, i) => i),
          ],
        }),
      );
      return rows.map((row): TransitionResult => {
        if (row.applied) return { kind: 'applied' };
        if (row.current === null) return { kind: 'not-found' };
        return row.reached
          ? { kind: 'already-applied', current: row.current }
          : { kind: 'illegal', current: row.current };
      });
    },
  };
}
