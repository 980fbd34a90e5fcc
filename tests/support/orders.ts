import type { CreateOrderRequest, CreateOrderResponse, InternalOrder, OrderCreatedEvent } from '@metalmart/contracts';
import { pool, uniqueName } from './infra.ts';
import { testToken } from './processes.ts';

export function orderRequest(overrides: Partial<CreateOrderRequest> = {}): CreateOrderRequest {
  return {
    customer: { name: 'Ada Lovelace', email: 'demo@metalbear.com' },
    shippingAddress: { line1: '1 Forge Street', city: 'Berlin', postalCode: '10115', country: 'DE' },
    items: [
      { productId: 'anvil-classic', quantity: 1 },
      { productId: 'titanium-mug', quantity: 2 },
    ],
    ...overrides,
  };
}

export async function placeOrder(
  baseUrl: string,
  body: CreateOrderRequest = orderRequest(),
): Promise<CreateOrderResponse> {
  const response = await fetch(`${baseUrl}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`POST /api/orders → ${response.status}: ${await response.text()}`);
  return (await response.json()) as CreateOrderResponse;
}

export async function getOrder(baseUrl: string, id: string): Promise<InternalOrder> {
  const response = await fetch(`${baseUrl}/internal/orders/${id}`, {
    headers: { authorization: `Bearer ${testToken}` },
  });
  if (!response.ok) throw new Error(`GET /internal/orders/${id} → ${response.status}`);
  return (await response.json()) as InternalOrder;
}

/** A valid `order.created` v1 event (fresh ids each call); its order does not exist anywhere. */
export function orderCreatedEvent(): OrderCreatedEvent {
  return {
    eventId: crypto.randomUUID(),
    type: 'order.created',
    version: 1,
    occurredAt: new Date().toISOString(),
    order: {
      id: crypto.randomUUID(),
      orderNumber: 'MM-NOSUCH1',
      items: [{ productId: 'anvil-classic', name: 'Anvil', quantity: 1, unitPriceCents: 24900 }],
      totalCents: 24900,
      currency: 'USD',
      customer: { name: 'Ada', email: 'demo@metalbear.com' },
      shippingAddress: { line1: '1 Forge St', city: 'Berlin', postalCode: '10115', country: 'DE' },
    },
  };
}

/**
 * Stores the order of `event` as the Order Service would have (the row, its line, its first status), pending:
 * the cause of a dead letter "an event whose order was unknown" going away, as if the order had been restored.
 */
export async function insertOrderOf(databaseUrl: string, event: OrderCreatedEvent): Promise<void> {
  const db = pool(databaseUrl);
  const { order } = event;
  try {
    await db.query(
      `WITH o AS (INSERT INTO orders (id, order_number, tracking_token, status, customer_name, customer_email,
                    shipping_address, total_cents, currency, created_at, updated_at)
                  VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, $8, now(), now()) RETURNING id),
            l AS (INSERT INTO order_items (order_id, line_no, product_id, name, quantity, unit_price_cents)
                  SELECT id, 1, $9, $10, $11, $12 FROM o)
       INSERT INTO order_status_history (order_id, status, at) SELECT id, 'pending', now() FROM o`,
      [
        order.id,
        order.orderNumber,
        uniqueName('token'),
        order.customer.name,
        order.customer.email,
        JSON.stringify(order.shippingAddress),
        order.totalCents,
        order.currency,
        order.items[0]?.productId,
        order.items[0]?.name,
        order.items[0]?.quantity,
        order.items[0]?.unitPriceCents,
      ],
    );
  } finally {
    await db.end();
  }
}
