import {
  INITIAL_STATUS,
  ORDER_STATUSES,
  type OrderStatus,
  type Product,
  type StatusHistoryEntry,
} from '@metalmart/contracts';
import type pg from 'pg';
import type { NewOrder } from '../domain/order.ts';
import { insertOutboxRow, type OutboxMessage, outboxRowValues } from '../outbox/message.ts';
import type { CreateOrderResult, OrderRecord, OrderStore, Transition, TransitionResult } from './types.ts';

/** The lifecycle as an SQL array, for ordering a history by it (generated: the list lives in contracts). */
const STATUS_ORDER = `ARRAY[${ORDER_STATUSES.map((status) => `'${status}'`).join(', ')}]`;

const PRODUCT_COLUMNS = `id, name, description, price_cents AS "priceCents", currency, image_url AS "imageUrl"`;

// The hot statements are named (prepared once per connection: PostgreSQL parses and plans them once, not per
// order). One statement writes the order, its lines, its first history entry and its outbox event: one round trip,
// one transaction (a statement is atomic), and a 201 means all four are durable.
export const INSERT_ORDER = `
WITH new_order AS (
  INSERT INTO orders (id, order_number, tracking_token, status, customer_name, customer_email, shipping_address,
                      total_cents, currency, idempotency_key, request_hash, created_at, updated_at, trace_id)
  VALUES ($1, $2, $3, '${INITIAL_STATUS}', $4, $5, $6, $7, $8, $9, $10, $11, $11, $22)
  RETURNING id, created_at
), new_lines AS (
  INSERT INTO order_items (order_id, line_no, product_id, name, quantity, unit_price_cents)
  SELECT new_order.id, l.line_no, l.product_id, l.name, l.quantity, l.unit_price_cents
  FROM new_order, unnest($12::smallint[], $13::text[], $14::text[], $15::int[], $16::int[])
    AS l(line_no, product_id, name, quantity, unit_price_cents)
), first_status AS (
  INSERT INTO order_status_history (order_id, status, at) SELECT id, '${INITIAL_STATUS}', created_at FROM new_order
)
${insertOutboxRow('new_order', 17)}`;

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

function uniqueViolation(error: unknown): string | undefined {
  const e = error as { code?: string; constraint?: string };
  return e.code === '23505' ? e.constraint : undefined;
}

export function createPostgresOrderStore(pool: pg.Pool): OrderStore {
  const findOne = async (where: string, value: string) => {
    const result = await pool.query<OrderRow>({
      name: `select-order-by-${where}`,
      text: `${SELECT_ORDER} WHERE ${where} = $1`,
      values: [value],
    });
    const row = result.rows[0];
    return row ? { record: toRecord(row), requestHash: row.request_hash } : undefined;
  };

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
      try {
        await pool.query({
          name: 'insert-order',
          text: INSERT_ORDER,
          values: [
            order.id,
            order.orderNumber,
            order.trackingToken,
            order.customer.name,
            order.customer.email,
            JSON.stringify(order.shippingAddress),
            order.totalCents,
            order.currency,
            order.idempotency?.key ?? null,
            order.idempotency?.requestHash ?? null,
            order.createdAt,
            order.lines.map((_, i) => i + 1),
            order.lines.map((l) => l.productId),
            order.lines.map((l) => l.name),
            order.lines.map((l) => l.quantity),
            order.lines.map((l) => l.unitPriceCents),
            ...outboxRowValues(event),
            order.traceId ?? null,
          ],
        });
        return { kind: 'created' };
      } catch (error) {
        const constraint = uniqueViolation(error);
        if (constraint === 'orders_order_number_key') return { kind: 'order-number-taken' };
        if (constraint !== 'orders_idempotency_key_key' || !order.idempotency) throw error;
        // Another request with the same Idempotency-Key won: same body → the same order, else a conflict.
        const existing = await findOne('o.idempotency_key', order.idempotency.key);
        if (existing?.requestHash === order.idempotency.requestHash) {
          return { kind: 'idempotent-replay', order: existing.record };
        }
        return { kind: 'idempotency-conflict' };
      }
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
