import type { StatusHistoryEntry } from '@metalmart/contracts';
import { formatDateTime } from '../../../lib/format.ts';
import { STATUS_COPY } from '../../../lib/status-copy.ts';

/** Every step with its time and, for the processor's steps, the instance and Kafka record that made it. */
export function StatusHistory({ history }: { history: readonly StatusHistoryEntry[] }) {
  return (
    <ol className="history" aria-label="Status history">
      {history.map((entry) => (
        <li key={`${entry.status}-${entry.at}`} className="history__entry" data-status={entry.status}>
          <span className="history__marker" aria-hidden="true" />
          <div className="history__body">
            <p className="history__title">
              <strong>{STATUS_COPY[entry.status].label}</strong>
              <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
            </p>
            {entry.processedBy ? (
              <dl className="history__processed-by">
                <div>
                  <dt>Processor</dt>
                  <dd className="mono" data-testid="processor-instance">
                    {entry.processedBy.instance}
                  </dd>
                </div>
                <div>
                  <dt>Topic</dt>
                  <dd className="mono">{entry.processedBy.topic}</dd>
                </div>
                <div>
                  <dt>Partition</dt>
                  <dd className="mono">{entry.processedBy.partition}</dd>
                </div>
                <div>
                  <dt>Offset</dt>
                  <dd className="mono">{entry.processedBy.offset}</dd>
                </div>
              </dl>
            ) : (
              <p className="history__note">
                {entry.status === 'pending' ? 'Received by the Order Service' : 'Recorded by the Order Service'}
              </p>
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}
