import type { OpsSnapshot } from '@metalmart/contracts';
import { formatClock } from '../format.ts';

/** The newest status changes the processors made, with the Kafka record behind each. */
export function Transitions({ transitions }: { transitions: OpsSnapshot['transitions'] }) {
  return (
    <section className="panel ops-section" aria-labelledby="ops-transitions-title">
      <h2 id="ops-transitions-title">Latest transitions</h2>
      {transitions.length === 0 ? (
        <p className="ops-muted">No orders processed yet.</p>
      ) : (
        <div className="ops-table-wrap">
          <table className="ops-table">
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Status</th>
                <th scope="col">Instance</th>
                <th scope="col">Partition</th>
                <th scope="col">Offset</th>
                <th scope="col">Time</th>
              </tr>
            </thead>
            <tbody>
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
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
