import type { OpsSnapshot } from '@metalmart/contracts';
import { DASH } from '../format.ts';

/** One row per partition of the topic, as `kafka-consumer-groups --describe` prints it, plus the lag's age. */
export function PartitionsTable({ snapshot }: { snapshot: OpsSnapshot }) {
  return (
    <section className="panel ops-section" aria-labelledby="ops-partitions-title">
      <h2 id="ops-partitions-title">
        Partitions of <code>{snapshot.topic}</code>
      </h2>
      <div className="ops-table-wrap">
        <table className="ops-table" data-testid="partitions-table">
          <thead>
            <tr>
              <th scope="col">Partition</th>
              <th scope="col">Owner</th>
              <th scope="col">End offset</th>
              <th scope="col">Committed</th>
              <th scope="col">Lag</th>
              <th scope="col">Lag (s)</th>
            </tr>
          </thead>
          <tbody>
            {snapshot.partitions.map((partition) => (
              <tr
                key={partition.partition}
                className={partition.lag > 0 ? 'ops-table__row--lagging' : undefined}
                data-partition={partition.partition}
              >
                <td className="mono">{partition.partition}</td>
                <td className="mono">{partition.owner ?? DASH}</td>
                <td className="mono">{partition.endOffset}</td>
                <td className="mono">{partition.committed ?? DASH}</td>
                <td className="mono">{partition.lag}</td>
                <td className="mono">{partition.lagSeconds === null ? DASH : partition.lagSeconds.toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {snapshot.partitions.length === 0 && <p className="ops-muted">No partitions: the topic does not exist yet.</p>}
      <p className="ops-muted" data-testid="group-line">
        Group <code>{snapshot.groupId}</code> · state <strong>{snapshot.group.state}</strong>
      </p>
    </section>
  );
}
