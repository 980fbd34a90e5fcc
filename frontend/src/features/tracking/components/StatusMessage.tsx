import type { TrackingResponse } from '@metalmart/contracts';
import { countryName } from '../../../lib/format.ts';
import { STATUS_COPY } from '../../../lib/status-copy.ts';

/** What the current status means; while pending, that the order is safe in the queue. */
export function StatusMessage({ order }: { order: TrackingResponse }) {
  switch (order.status) {
    case 'pending':
      return (
        <div className="callout callout--waiting" data-testid="waiting-in-queue">
          <span className="queue-animation" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          <div>
            <p className="callout__title">Waiting in the queue</p>
            <p>
              Your order is safely stored in Kafka’s <code>order.created</code> topic. The Order Processor will pick it
              up as soon as it is free; this page updates by itself.
            </p>
          </div>
        </div>
      );
    case 'shipped':
      return (
        <div className="callout callout--done">
          <p className="callout__title">Shipped!</p>
          <p>
            It’s on its way to {order.shipTo.city}, {countryName(order.shipTo.country)}.
          </p>
        </div>
      );
    case 'processing':
    case 'confirmed':
      return (
        <div className="callout">
          <p className="callout__title">{STATUS_COPY[order.status].label}</p>
          <p>{STATUS_COPY[order.status].description}</p>
        </div>
      );
  }
}
