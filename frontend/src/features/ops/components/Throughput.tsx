import { type OpsSnapshot, ORDER_STATUSES } from '@metalmart/contracts';
import { STATUS_COPY } from '../../../lib/status-copy.ts';
import { Section } from './Section.tsx';
import { Sparkline } from './Sparkline.tsx';

/** Orders in and out, what waits in the outbox to reach Kafka, and where all orders stand. */
export function Throughput({ snapshot }: { snapshot: OpsSnapshot }) {
  const { rates, outbox, statuses } = snapshot;
  return (
    <Section title="Throughput">
      <div className="ops-rates">
        <Sparkline values={rates.accepted} label="Accepted orders" />
        <Sparkline values={rates.shipped} label="Shipped orders" />
      </div>
      <p data-testid="outbox">
        {outbox.unpublished === 0
          ? 'Outbox: empty'
          : `Outbox: ${outbox.unpublished} unpublished${
              outbox.oldestAgeSeconds === null ? '' : `, oldest ${outbox.oldestAgeSeconds.toFixed(1)} s`
            }`}
      </p>
      <dl className="ops-statuses" aria-label="Orders by status">
        {ORDER_STATUSES.map((status) => (
          <div key={status} className="ops-statuses__item" data-status={status}>
            <dt>{STATUS_COPY[status].label}</dt>
            <dd className="mono">{statuses[status] ?? 0}</dd>
          </div>
        ))}
      </dl>
    </Section>
  );
}
