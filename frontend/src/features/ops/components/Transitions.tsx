import type { OpsSnapshot } from '@metalmart/contracts';
import { formatClock } from '../format.ts';
import { Section } from './Section.tsx';
import { Table } from './Table.tsx';

const COLUMNS = ['Order', 'Status', 'Instance', 'Partition', 'Offset', 'Time'];

/** The newest status changes the processors made, with the Kafka record behind each. */
export function Transitions({ transitions }: { transitions: OpsSnapshot['transitions'] }) {
  return (
    <Section title="Latest transitions">
      {transitions.length === 0 ? (
        <p className="ops-muted">No orders processed yet.</p>
      ) : (
        <Table columns={COLUMNS}>
          {transitions.map((transition) => (
            <tr key={`${transition.orderNumber}-${transition.status}-${transition.at}`}>
              <td className="mono">{transition.orderNumber}</td>
              <td>{transition.status}</td>
              <td className="mono">{transition.instance}</td>
              <td className="mono">{transition.partition}</td>
              <td className="mono">{transition.offset}</td>
              <td>
                <time dateTime={transition.at} className="mono">
                  {formatClock(transition.at)}
                </time>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </Section>
  );
}
