import type { Product } from '@metalmart/contracts';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { addToCart, type CartLine, removeLine, setLineQuantity } from './cart.ts';
import { CART_STORAGE_KEY, loadCart, parseCart, saveCart } from './cart-storage.ts';

export interface CartApi {
  lines: CartLine[];
  add(product: Product, quantity?: number): void;
  setQuantity(productId: string, quantity: number): void;
  remove(productId: string): void;
  clear(): void;
}

const CartContext = createContext<CartApi | undefined>(undefined);

/** The cart, kept in localStorage so it survives reloads and follows other tabs. */
export function CartProvider({ children }: { children: ReactNode }) {
  const [lines, setLines] = useState<CartLine[]>(() => loadCart());

  useEffect(() => saveCart(lines), [lines]);

  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key === CART_STORAGE_KEY || event.key === null) setLines(parseCart(event.newValue));
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const api = useMemo<CartApi>(
    () => ({
      lines,
      add: (product, quantity = 1) => setLines((current) => addToCart(current, product, quantity)),
      setQuantity: (productId, quantity) => setLines((current) => setLineQuantity(current, productId, quantity)),
      remove: (productId) => setLines((current) => removeLine(current, productId)),
      clear: () => setLines([]),
    }),
    [lines],
  );
  return <CartContext value={api}>{children}</CartContext>;
}

export function useCart(): CartApi {
  const cart = useContext(CartContext);
  if (!cart) throw new Error('useCart must be used inside <CartProvider>');
  return cart;
}
