import { maskEmail, type TrackingResponse } from '@metalmart/contracts';
import type { OrderStore } from '../store/types.ts';
import { notFound } from './errors.ts';

/** What a customer holding the tracking link may see: no full email, no street address. */
export function trackOrderHandler(store: OrderStore) {
  return async function trackOrder(trackingToken: string): Promise<TrackingResponse> {
    const order = await store.findOrderByTrackingToken(trackingToken);
    if (!order) throw notFound('no order has this tracking token');
    return {
      orderNumber: order.orderNumber,
      status: order.status,
      items: order.lines,
      totalCents: order.totalCents,
      currency: order.currency,
      createdAt: order.createdAt.toISOString(),
      customer: { name: order.customer.name, email: maskEmail(order.customer.email) },
      shipTo: { city: order.shippingAddress.city, country: order.shippingAddress.country },
      history: order.history,
      ...(order.traceId ? { traceId: order.traceId } : {}),
    };
  };
}
