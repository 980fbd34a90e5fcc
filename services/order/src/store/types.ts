import type {
  Customer,
  OrderLine,
  OrderStatus,
  ProcessedBy,
  Product,
  ShippingAddress,
  StatusHistoryEntry,
} from '@metalmart/contracts';

export interface OutboxMessage {
  eventId: string;
  topic: string;
  key: string;
  payload: string;
  headers: Record<string, string>;
}

export interface NewOrder {
  id: string;
  orderNumber: string;
  trackingToken: string;
  customer: Customer;
  shippingAddress: ShippingAddress;
  lines: OrderLine[];
  totalCents: number;
  currency: string;
  createdAt: Date;
  /** W3C trace id of the request that placed it (orders placed before tracing existed have none). */
  traceId?: string;
  idempotency?: { key: string; requestHash: string };
}

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
