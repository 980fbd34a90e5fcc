import type { CreateOrderRequest, CreateOrderResponse, InternalOrder, OrderCreatedEvent } from '@metalmart/contracts';
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
