/** The order lifecycle. Pure: no I/O, no clock. */
export const ORDER_STATUSES = ['pending', 'processing', 'confirmed', 'shipped'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The status after `current`, or undefined when the order is finished. */
export function nextStatus(current: OrderStatus): OrderStatus | undefined {
  return ORDER_STATUSES[ORDER_STATUSES.indexOf(current) + 1];
}

export function isLegalTransition(from: OrderStatus, to: OrderStatus): boolean {
  return nextStatus(from) === to;
}

/** The statuses still to go through from `current` to `shipped`, in order. */
export function remainingStatuses(current: OrderStatus): OrderStatus[] {
  return ORDER_STATUSES.slice(ORDER_STATUSES.indexOf(current) + 1);
}

export function isFinal(status: OrderStatus): boolean {
  return nextStatus(status) === undefined;
}
