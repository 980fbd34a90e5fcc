import { type OpsSnapshot, ORDER_STATUSES } from '@metalmart/contracts';
import { STATUS_COPY } from '../../../lib/status-copy.ts';
import { useRepublishParked } from '../api/ops-api.ts';
import { Section } from './Section.tsx';
import { Sparkline } from './Sparkline.tsx';

/** Outbox events Kafka would not take as they are: how many, and the button that hands them back to the relay. */
function ParkedEvents({ count }: { count: number }) {
  const republish = useRepublishParked();
  return (
    <p data-testid="outbox-parked" role="alert">
      {`${count} event${count === 1 ? '' : 's'} parked: Kafka would not take ${count === 1 ? 'it' : 'them'} (see the Order Service log). `}
      <button type="button" onClick={() => republish.mutate()} disabled={republish.isPending}>
        Republish parked
      </button>
      {republish.isError && ' The republish failed; try again.'}
    </p>
  );
}

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
      {outbox.parked > 0 && <ParkedEvents count={outbox.parked} />}
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
