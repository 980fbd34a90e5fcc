import type { OrderStatus, ProcessedBy, Product, StatusHistoryEntry } from '@metalmart/contracts';
import type { NewOrder } from '../domain/order.ts';
import type { OutboxMessage } from '../outbox/message.ts';

/** A stored order: what was created, plus where it is now and how it got there. */
export interface OrderRecord extends Omit<NewOrder, 'idempotency'> {
  status: OrderStatus;
  history: StatusHistoryEntry[];
}

export type CreateOrderResult =
  | { kind: 'created' }
  | { kind: 'idempotent-replay'; order: OrderRecord }
  | { kind: 'idempotency-conflict' }
  | { kind: 'order-number-taken' };

export interface Transition {
  id: string;
  from: OrderStatus;
  to: OrderStatus;
  by: ProcessedBy;
}

export type TransitionResult =
  | { kind: 'applied' }
  | { kind: 'already-applied'; current: OrderStatus }
  | { kind: 'illegal'; current: OrderStatus }
  | { kind: 'not-found' };

/** The Order Service's storage. The PostgreSQL implementation is the real one; tests may pass fakes. */
export interface OrderStore {
  listProducts(): Promise<Product[]>;
  findProducts(ids: string[]): Promise<Map<string, Product>>;
  /** Order, lines, its first history entry and its outbox event: one transaction. */
  createOrder(order: NewOrder, event: OutboxMessage): Promise<CreateOrderResult>;
  findOrder(id: string): Promise<OrderRecord | undefined>;
  findOrderByTrackingToken(token: string): Promise<OrderRecord | undefined>;
  /** Guarded transitions (each applied only if its order is still in `from`), one result per transition, in order. */
  applyTransitions(transitions: Transition[]): Promise<TransitionResult[]>;
}
