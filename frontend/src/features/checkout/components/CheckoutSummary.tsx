import { Link } from 'react-router';
import { CartSummary } from '../../../components/CartSummary.tsx';
import { ProductImage } from '../../../components/ProductImage.tsx';
import { type CartLine, lineTotal } from '../../../lib/cart/cart.ts';
import { formatMoney } from '../../../lib/format.ts';
import type { FieldErrors } from '../checkout-form.ts';

/** The cart as it will be ordered, with the API's complaints about a line next to that line. */
export function CheckoutSummary({ lines, errors }: { lines: readonly CartLine[]; errors: FieldErrors }) {
  return (
    <aside className="panel summary-panel" aria-labelledby="checkout-summary-title">
      <h2 id="checkout-summary-title">Your order</h2>
      <ul className="mini-lines">
        {lines.map((line, index) => {
          const problem = Object.entries(errors).find(([pointer]) => pointer.startsWith(`/items/${index}/`))?.[1];
          const total = lineTotal(line);
          return (
            <li key={line.productId} className="mini-line">
              <ProductImage src={line.imageUrl} name={line.name} className="mini-line__image" size={48} decorative />
              <span className="mini-line__name">
                {line.name} <span className="mini-line__qty">× {line.quantity}</span>
                {problem && <span className="mini-line__error">{problem}</span>}
              </span>
              <span className="mini-line__total">{formatMoney(total.cents, total.currency)}</span>
            </li>
          );
        })}
      </ul>
      <CartSummary lines={lines} />
      <Link className="summary-panel__continue" to="/cart">
        Edit cart
      </Link>
    </aside>
  );
}
