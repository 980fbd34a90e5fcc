import { MAX_ORDER_LINES, MAX_QUANTITY, ProductIdSchema } from '@metalmart/contracts';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import type { CartLine } from './cart.ts';

export const CART_STORAGE_KEY = 'metalmart.cart.v1';

/** A stored `CartLine`: what comes back from storage is checked, never cast. */
export const CartLineSchema = Type.Object({
  productId: ProductIdSchema,
  name: Type.String(),
  priceCents: Type.Integer({ minimum: 0 }),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  imageUrl: Type.String(),
  quantity: Type.Integer({ minimum: 1, maximum: MAX_QUANTITY }),
});
const StoredCartSchema = Type.Array(CartLineSchema, { maxItems: MAX_ORDER_LINES });
const storedCartValidator = Compile(StoredCartSchema);

/** The saved cart, or an empty one when nothing (or something unreadable) is stored. */
export function parseCart(raw: string | null): CartLine[] {
  if (!raw) return [];
  try {
    const value: unknown = JSON.parse(raw);
    return storedCartValidator.Check(value) ? value : [];
  } catch {
    return [];
  }
}

export function loadCart(storage: Storage | undefined = safeLocalStorage()): CartLine[] {
  try {
    return parseCart(storage?.getItem(CART_STORAGE_KEY) ?? null);
  } catch {
    return [];
  }
}

export function saveCart(lines: readonly CartLine[], storage: Storage | undefined = safeLocalStorage()): void {
  try {
    if (lines.length === 0) storage?.removeItem(CART_STORAGE_KEY);
    else storage?.setItem(CART_STORAGE_KEY, JSON.stringify(lines));
  } catch {
    // Storage full or disabled (private browsing): the cart still works for this visit.
  }
}

function safeLocalStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}
