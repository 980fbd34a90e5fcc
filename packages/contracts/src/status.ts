/**
 * The order lifecycle, the one source of it: the types, the schemas (schemas.ts), the SQL ordering of a history
 * (the store) and the tests derive from this list. Pure: no I/O, no clock.
 */
export const ORDER_STATUSES = ['pending', 'processing', 'confirmed', 'shipped'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Where every order starts, and the statuses a transition can move it to. */
export const [INITIAL_STATUS, ...TARGET_STATUSES] = ORDER_STATUSES;
export type TargetStatus = (typeof TARGET_STATUSES)[number];

/** The status after `current`, or undefined when the order is finished. */
export function nextStatus(current: OrderStatus): TargetStatus | undefined {
  return TARGET_STATUSES[ORDER_STATUSES.indexOf(current)];
}

/** The status an order must be in to move to `target`. */
export function previousStatus(target: TargetStatus): OrderStatus {
  const previous = ORDER_STATUSES[TARGET_STATUSES.indexOf(target)];
  if (previous === undefined) throw new Error(`not a target status: ${target}`);
  return previous;
}

export function isLegalTransition(from: OrderStatus, to: OrderStatus): boolean {
  return nextStatus(from) === to;
}

/** The statuses still to go through from `current` to the final one, in order. */
export function remainingStatuses(current: OrderStatus): TargetStatus[] {
  return TARGET_STATUSES.slice(ORDER_STATUSES.indexOf(current));
}

export function isFinal(status: OrderStatus): boolean {
  return nextStatus(status) === undefined;
}
