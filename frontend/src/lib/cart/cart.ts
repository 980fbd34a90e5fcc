import { MAX_ORDER_LINES, MAX_QUANTITY, type Product } from '@metalmart/contracts';

/** A cart line keeps a copy of what the shopper saw; the Order Service prices the order itself. */
export interface CartLine {
  productId: string;
  name: string;
  priceCents: number;
  currency: string;
  imageUrl: string;
  quantity: number;
}

export interface Money {
  cents: number;
  currency: string;
}

export function clampQuantity(quantity: number): number {
  if (!Number.isFinite(quantity)) return 1;
  return Math.min(MAX_QUANTITY, Math.max(1, Math.trunc(quantity)));
}

/** Adds `quantity` of a product (up to the API's limits) and refreshes its name and price. */
export function addToCart(lines: readonly CartLine[], product: Product, quantity = 1): CartLine[] {
  const snapshot = {
    productId: product.id,
    name: product.name,
    priceCents: product.priceCents,
    currency: product.currency,
    imageUrl: product.imageUrl,
  };
  const existing = lines.find((line) => line.productId === product.id);
  if (existing) {
    return lines.map((line) =>
      line === existing ? { ...snapshot, quantity: clampQuantity(line.quantity + quantity) } : line,
    );
  }
  if (lines.length >= MAX_ORDER_LINES) return [...lines];
  return [...lines, { ...snapshot, quantity: clampQuantity(quantity) }];
}

export function setLineQuantity(lines: readonly CartLine[], productId: string, quantity: number): CartLine[] {
  return lines.map((line) => (line.productId === productId ? { ...line, quantity: clampQuantity(quantity) } : line));
}

export function removeLine(lines: readonly CartLine[], productId: string): CartLine[] {
  return lines.filter((line) => line.productId !== productId);
}

export function itemCount(lines: readonly CartLine[]): number {
  return lines.reduce((sum, line) => sum + line.quantity, 0);
}

export function lineTotal(line: CartLine): Money {
  return { cents: line.priceCents * line.quantity, currency: line.currency };
}

/** One total per currency, in the order the currencies first appear (a single one in practice: USD). */
export function cartTotals(lines: readonly CartLine[]): Money[] {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.currency, (totals.get(line.currency) ?? 0) + lineTotal(line).cents);
  return [...totals].map(([currency, cents]) => ({ currency, cents }));
}

export function canAddLine(lines: readonly CartLine[], productId: string): boolean {
  const existing = lines.find((line) => line.productId === productId);
  return existing ? existing.quantity < MAX_QUANTITY : lines.length < MAX_ORDER_LINES;
}
