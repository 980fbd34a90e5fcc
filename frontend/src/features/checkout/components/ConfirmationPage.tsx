import { Link, useLocation, useParams } from 'react-router';
import { lineTotal } from '../../../lib/cart/cart.ts';
import { formatDateTime, formatMoney } from '../../../lib/format.ts';
import { STATUS_COPY } from '../../../lib/status-copy.ts';
import { usePageTitle } from '../../../lib/use-page-title.ts';
import { isPlacedOrder, loadPlacedOrder, type PlacedOrder } from '../placed-order.ts';
import '../checkout.css';

/** Shown straight from the POST's answer: the order is pending, processing happens later, in the background. */
export function ConfirmationPage() {
  const { orderNumber = '' } = useParams();
  const location = useLocation();
  usePageTitle(`Order ${orderNumber}`);
  const state: unknown = location.state;
  const placed: PlacedOrder | undefined =
    isPlacedOrder(state) && state.order.orderNumber === orderNumber ? state : loadPlacedOrder(orderNumber);

  if (!placed) {
    return (
      <section className="panel empty-state">
        <h1>Order {orderNumber}</h1>
        <p>
          We can’t show this order’s details in this browser session. Use the tracking link from your confirmation to
          follow it.
        </p>
        <Link className="button button--primary" to="/">
          Back to the shop
        </Link>
      </section>
    );
  }

  const { order } = placed;
  return (
    <section className="confirmation panel" aria-labelledby="confirmation-title">
      <p className="confirmation__badge" aria-hidden="true">
        ✓
      </p>
      <h1 id="confirmation-title">Thank you, {placed.customerName}!</h1>
      <p className="confirmation__lead">
        Your order is in and waiting in the queue for processing. Updates go to <strong>{placed.email}</strong>.
      </p>
      <dl className="confirmation__facts">
        <div>
          <dt>Order number</dt>
          <dd className="order-number" data-testid="order-number">
            {order.orderNumber}
          </dd>
        </div>
        <div>
          <dt>Total</dt>
          <dd data-testid="order-total">{formatMoney(order.totalCents, order.currency)}</dd>
        </div>
        <div>
          <dt>Placed</dt>
          <dd>
            <time dateTime={order.createdAt}>{formatDateTime(order.createdAt)}</time>
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <span className="status-pill" data-status={order.status}>
              {STATUS_COPY[order.status].label}
            </span>
          </dd>
        </div>
      </dl>
      {placed.lines.length > 0 && (
        <ul className="mini-lines confirmation__lines" aria-label="Items ordered">
          {placed.lines.map((line) => {
            const total = lineTotal(line);
            return (
              <li key={line.productId} className="mini-line">
                <span className="mini-line__name">
                  {line.name} <span className="mini-line__qty">× {line.quantity}</span>
                </span>
                <span className="mini-line__total">{formatMoney(total.cents, total.currency)}</span>
              </li>
            );
          })}
        </ul>
      )}
      <div className="confirmation__actions">
        <Link className="button button--primary button--large" to={`/track/${encodeURIComponent(order.trackingToken)}`}>
          Track your order
        </Link>
        <Link className="button" to="/">
          Continue shopping
        </Link>
      </div>
    </section>
  );
}
