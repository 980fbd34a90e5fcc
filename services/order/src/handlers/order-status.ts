import type { InternalOrder, OrderStatus, StatusUpdateRequest, StatusUpdateResponse } from '@metalmart/contracts';
import { ORDER_STATUSES } from '@metalmart/contracts';
import type { OrderStore } from '../store/types.ts';
import { conflict, notFound } from './errors.ts';

function previousStatus(status: OrderStatus): OrderStatus {
  return ORDER_STATUSES[ORDER_STATUSES.indexOf(status) - 1] ?? 'pending';
}

/**
 * Internal: the processor moves an order one legal step. A transition the order already made is an idempotent
 * success (`applied: false`), so a redelivered message neither fails nor records twice.
 */
export function updateOrderStatusHandler(store: OrderStore) {
  return async function updateOrderStatus(id: string, update: StatusUpdateRequest): Promise<StatusUpdateResponse> {
    const result = await store.applyTransition(id, previousStatus(update.status), update.status, update.processedBy);
    switch (result.kind) {
      case 'applied':
        return { id, status: update.status, applied: true };
      case 'already-applied':
        return { id, status: result.current, applied: false };
      case 'illegal':
        throw conflict(`order is ${result.current}; it cannot move to ${update.status}`);
      case 'not-found':
        throw notFound(`no order ${id}`);
    }
  };
}

export function getOrderHandler(store: OrderStore) {
  return async function getOrder(id: string): Promise<InternalOrder> {
    const order = await store.findOrder(id);
    if (!order) throw notFound(`no order ${id}`);
    return {
      id: order.id,
      orderNumber: order.orderNumber,
      status: order.status,
      items: order.lines,
      totalCents: order.totalCents,
      currency: order.currency,
      customer: order.customer,
      shippingAddress: order.shippingAddress,
      createdAt: order.createdAt.toISOString(),
      history: order.history,
    };
  };
}
