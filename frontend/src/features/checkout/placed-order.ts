import { CreateOrderResponseSchema } from '@metalmart/contracts';
import { type Static, Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { CartLineSchema } from '../../lib/cart/cart-storage.ts';

/**
 * What the confirmation page shows: the POST's answer plus what was in the cart. Handed over in the router
 * state and kept in sessionStorage, so a reload of the confirmation page still shows it.
 */
export const PlacedOrderSchema = Type.Object({
  order: CreateOrderResponseSchema,
  customerName: Type.String(),
  email: Type.String(),
  lines: Type.Array(CartLineSchema),
});
export type PlacedOrder = Static<typeof PlacedOrderSchema>;

const placedOrderValidator = Compile(PlacedOrderSchema);
const storageKey = (orderNumber: string) => `metalmart.order.${orderNumber}`;

export function isPlacedOrder(value: unknown): value is PlacedOrder {
  return placedOrderValidator.Check(value);
}

export function savePlacedOrder(placed: PlacedOrder, storage: Storage | undefined = safeSessionStorage()): void {
  try {
    storage?.setItem(storageKey(placed.order.orderNumber), JSON.stringify(placed));
  } catch {
    // Storage disabled: the router state still carries it for this navigation.
  }
}

export function loadPlacedOrder(
  orderNumber: string,
  storage: Storage | undefined = safeSessionStorage(),
): PlacedOrder | undefined {
  try {
    const raw = storage?.getItem(storageKey(orderNumber));
    const value: unknown = raw ? JSON.parse(raw) : undefined;
    return isPlacedOrder(value) && value.order.orderNumber === orderNumber ? value : undefined;
  } catch {
    return undefined;
  }
}

function safeSessionStorage(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
}
