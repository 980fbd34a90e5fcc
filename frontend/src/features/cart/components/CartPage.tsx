import { Link } from 'react-router';
import { CartSummary } from '../../../components/CartSummary.tsx';
import { ProductImage } from '../../../components/ProductImage.tsx';
import { QuantityInput } from '../../../components/QuantityInput.tsx';
import { useAnnounce } from '../../../lib/announcer.tsx';
import { type CartLine, lineTotal } from '../../../lib/cart/cart.ts';
import { useCart } from '../../../lib/cart/cart-provider.tsx';
import { formatMoney } from '../../../lib/format.ts';
import { usePageTitle } from '../../../lib/use-page-title.ts';
import '../cart.css';

export function CartPage() {
  usePageTitle('Your cart');
  const cart = useCart();

  if (cart.lines.length === 0) {
    return (
      <section className="panel empty-state">
        <h1>Your cart is empty</h1>
        <p>Anvils, skillets and wrench sets are waiting for you.</p>
        <Link className="button button--primary" to="/">
          Browse the shop
        </Link>
      </section>
    );
  }

  return (
    <div className="two-column">
      <section aria-labelledby="cart-title">
        <h1 id="cart-title">Your cart</h1>
        <ul className="cart-lines" aria-label="Items in your cart">
          {cart.lines.map((line) => (
            <CartLineRow key={line.productId} line={line} />
          ))}
        </ul>
      </section>
      <aside className="panel summary-panel" aria-labelledby="cart-summary-title">
        <h2 id="cart-summary-title">Order summary</h2>
        <CartSummary lines={cart.lines} />
        <Link className="button button--primary button--large button--block" to="/checkout">
          Checkout
        </Link>
        <Link className="summary-panel__continue" to="/">
          Continue shopping
        </Link>
      </aside>
    </div>
  );
}

function CartLineRow({ line }: { line: CartLine }) {
  const cart = useCart();
  const announce = useAnnounce();
  const total = lineTotal(line);
  return (
    <li className="cart-line" data-product-id={line.productId}>
      <ProductImage src={line.imageUrl} name={line.name} className="cart-line__image" size={96} decorative />
      <div className="cart-line__info">
        <h2 className="cart-line__name">
          <Link to={`/products/${line.productId}`}>{line.name}</Link>
        </h2>
        <p className="cart-line__unit">{formatMoney(line.priceCents, line.currency)} each</p>
      </div>
      <QuantityInput
        label="Quantity"
        hideLabel
        productName={line.name}
        value={line.quantity}
        onChange={(quantity) => cart.setQuantity(line.productId, quantity)}
      />
      <p className="cart-line__total" data-testid="line-total">
        {formatMoney(total.cents, total.currency)}
      </p>
      <button
        type="button"
        className="button button--link cart-line__remove"
        aria-label={`Remove ${line.name}`}
        onClick={() => {
          cart.remove(line.productId);
          announce(`Removed ${line.name} from your cart.`);
        }}
      >
        Remove
      </button>
    </li>
  );
}
