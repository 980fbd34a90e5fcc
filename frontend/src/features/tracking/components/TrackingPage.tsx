import type { TrackingResponse } from '@metalmart/contracts';
import { Link, useParams } from 'react-router';
import { countryName, formatDateTime, formatMoney, formatTime } from '../../../lib/format.ts';
import { STATUS_COPY } from '../../../lib/status-copy.ts';
import { usePageTitle } from '../../../lib/use-page-title.ts';
import { POLL_INTERVAL_MS, type TrackingState, useTracking } from '../api/get-tracking.ts';
import '../tracking.css';
import { StatusBar } from './StatusBar.tsx';
import { StatusHistory } from './StatusHistory.tsx';
import { StatusMessage } from './StatusMessage.tsx';

const SECONDS = POLL_INTERVAL_MS / 1000;

export function TrackingPage() {
  const { trackingToken = '' } = useParams();
  const tracking = useTracking(trackingToken);
  const { order, problem } = tracking;
  usePageTitle(order ? `Tracking ${order.orderNumber}` : 'Track your order');

  return (
    <>
      {/* Present from the first render, so each status change is read out. */}
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="status-announcement">
        {order
          ? `Order ${order.orderNumber}: ${STATUS_COPY[order.status].label}. ${STATUS_COPY[order.status].description}`
          : ''}
      </p>
      {order ? (
        <TrackedOrder order={order} tracking={tracking} />
      ) : problem === 'not-found' ? (
        <section className="panel empty-state" aria-labelledby="tracking-title">
          <h1 id="tracking-title">We can’t find that order</h1>
          <p role="alert">
            No order matches this tracking link. Check that you copied the whole link from your order confirmation.
          </p>
          <Link className="button button--primary" to="/">
            Back to the shop
          </Link>
        </section>
      ) : (
        <section className="panel empty-state" aria-labelledby="tracking-title">
          <h1 id="tracking-title">Tracking your order</h1>
          {problem === 'unavailable' ? (
            <Unreachable />
          ) : (
            <p className="notice">
              <span className="spinner" aria-hidden="true" /> Looking up your order…
            </p>
          )}
        </section>
      )}
    </>
  );
}

function Unreachable({ lastUpdatedAt }: { lastUpdatedAt?: Date }) {
  return (
    <div className="notice notice--error" role="alert" data-testid="tracking-unavailable">
      <strong>We can’t reach MetalMart right now.</strong> We’ll keep trying every {SECONDS} seconds
      {lastUpdatedAt ? `; the status below is from ${formatTime(lastUpdatedAt)}.` : '.'}
    </div>
  );
}

function TrackedOrder({ order, tracking }: { order: TrackingResponse; tracking: TrackingState }) {
  return (
    <div className="tracking">
      <header className="tracking__header">
        <p className="eyebrow">Order tracking</p>
        <h1>
          Order{' '}
          <span className="order-number" data-testid="order-number">
            {order.orderNumber}
          </span>
        </h1>
        <p className="tracking__meta">
          Placed <time dateTime={order.createdAt}>{formatDateTime(order.createdAt)}</time> · shipping to{' '}
          {order.shipTo.city}, {countryName(order.shipTo.country)}
        </p>
      </header>

      {tracking.problem === 'unavailable' && <Unreachable lastUpdatedAt={tracking.lastUpdatedAt} />}

      <section className="panel tracking__progress" aria-labelledby="progress-title">
        <h2 id="progress-title" className="visually-hidden">
          Progress
        </h2>
        <StatusBar status={order.status} />
        <StatusMessage order={order} />
        <p className="live-indicator" data-polling={tracking.polling}>
          {tracking.polling ? (
            <>
              <span className="live-indicator__dot" aria-hidden="true" /> Live: checking every {SECONDS} seconds
            </>
          ) : (
            'Shipped, so updates have stopped'
          )}
          {tracking.lastUpdatedAt && <> · last update {formatTime(tracking.lastUpdatedAt)}</>}
        </p>
      </section>

      <div className="two-column two-column--even">
        <section className="panel" aria-labelledby="history-title">
          <h2 id="history-title">History</h2>
          <StatusHistory history={order.history} />
        </section>
        <section className="panel" aria-labelledby="details-title">
          <h2 id="details-title">Order details</h2>
          <ul className="mini-lines">
            {order.items.map((item) => (
              <li key={item.productId} className="mini-line">
                <span className="mini-line__name">
                  {item.name} <span className="mini-line__qty">× {item.quantity}</span>
                </span>
                <span className="mini-line__total">
                  {formatMoney(item.unitPriceCents * item.quantity, order.currency)}
                </span>
              </li>
            ))}
          </ul>
          <dl className="summary">
            <div className="summary__row summary__row--total">
              <dt>Total</dt>
              <dd>{formatMoney(order.totalCents, order.currency)}</dd>
            </div>
            <div className="summary__row">
              <dt>Customer</dt>
              <dd>
                {order.customer.name} ({order.customer.email})
              </dd>
            </div>
            <div className="summary__row">
              <dt>Ship to</dt>
              <dd>
                {order.shipTo.city}, {countryName(order.shipTo.country)}
              </dd>
            </div>
            {order.traceId && <TraceRow traceId={order.traceId} />}
          </dl>
        </section>
      </div>
    </div>
  );
}

/** The order's trace id, to find its log lines; with a trace viewer running, a link to its waterfall. */
function TraceRow({ traceId }: { traceId: string }) {
  // Read at render time: the local stack sets it only when it starts with tracing.
  const viewer = import.meta.env.VITE_TRACE_VIEWER_URL;
  return (
    <div className="summary__row">
      <dt>Trace ID</dt>
      <dd>
        <code data-testid="trace-id">{traceId}</code>
        {viewer ? (
          <>
            {' '}
            <Link to={`/traces/${traceId}`}>Open trace</Link>
          </>
        ) : null}
      </dd>
    </div>
  );
}
