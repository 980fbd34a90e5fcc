import type { ReactNode } from 'react';
import { type CartLine, cartTotals, itemCount } from '../lib/cart/cart.ts';
import { formatMoney } from '../lib/format.ts';

/** Item count and total(s): one per currency, a single USD one with today's catalog. */
export function CartSummary({ lines, children }: { lines: readonly CartLine[]; children?: ReactNode }) {
  const count = itemCount(lines);
  return (
    <dl className="summary">
      <div className="summary__row">
        <dt>Items</dt>
        <dd data-testid="cart-item-count">{count}</dd>
      </div>
      <div className="summary__row">
        <dt>Shipping</dt>
        <dd>Free</dd>
      </div>
      {cartTotals(lines).map((total) => (
        <div className="summary__row summary__row--total" key={total.currency}>
          <dt>Total{cartTotals(lines).length > 1 ? ` (${total.currency})` : ''}</dt>
          <dd data-testid="cart-total">{formatMoney(total.cents, total.currency)}</dd>
        </div>
      ))}
      {children}
    </dl>
  );
}
