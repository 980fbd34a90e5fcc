import type { OpsSnapshot } from '@metalmart/contracts';
import { DASH } from '../format.ts';
import { Section } from './Section.tsx';
import { Table } from './Table.tsx';

const COLUMNS = ['Partition', 'Owner', 'End offset', 'Committed', 'Lag', 'Lag (s)'];

/** One row per partition of the topic, as `kafka-consumer-groups --describe` prints it, plus the lag's age. */
export function PartitionsTable({ snapshot }: { snapshot: OpsSnapshot }) {
  return (
    <Section
      title={
        <>
          Partitions of <code>{snapshot.topic}</code>
        </>
      }
    >
      <Table columns={COLUMNS} testId="partitions-table">
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
      </Table>
      {snapshot.partitions.length === 0 && <p className="ops-muted">No partitions: the topic does not exist yet.</p>}
      <p className="ops-muted" data-testid="group-line">
        Group <code>{snapshot.groupId}</code> · state <strong>{snapshot.group.state}</strong>
      </p>
    </Section>
  );
}
