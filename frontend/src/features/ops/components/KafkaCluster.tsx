import type { OpsCluster } from '@metalmart/contracts';
import { DASH } from '../format.ts';
import { Section } from './Section.tsx';
import { Table } from './Table.tsx';

const BROKER_COLUMNS = ['Broker', 'Address', 'State', 'Role'];
const REPLICA_COLUMNS = ['Partition', 'Leader', 'Replicas', 'In sync', 'State'];

type ReplicaSet = OpsCluster['partitions'][number];

/** Worst first: an offline partition takes no writes at all, an under-replicated one is a failure away from it. */
function stateOf(partition: ReplicaSet): { label: string; flag?: 'alert' | 'warning' } {
  if (partition.offline) return { label: 'offline', flag: 'alert' };
  if (partition.underReplicated) return { label: 'under-replicated', flag: 'warning' };
  return { label: 'in sync' };
}

function summaryOf(cluster: OpsCluster): string {
  const up = cluster.brokers.filter((broker) => broker.up).length;
  const under = cluster.partitions.filter((p) => p.underReplicated).length;
  const offline = cluster.partitions.filter((p) => p.offline).length;
  const controller = cluster.controllerId === null ? 'unknown' : cluster.controllerId;
  return `${up} of ${cluster.brokers.length} brokers up · controller ${controller} · ${under} under-replicated · ${offline} offline`;
}

/** The brokers, and the topic's replicas as `kafka-topics --describe` shows them: what is down or short stands out. */
export function KafkaCluster({ cluster, topic }: { cluster: OpsCluster | null; topic: string }) {
  return (
    <Section title="Kafka cluster">
      {cluster === null ? (
        <p className="ops-muted">The cluster cannot be read right now.</p>
      ) : (
        <>
          <p data-testid="cluster-summary">{summaryOf(cluster)}</p>
          <Table columns={BROKER_COLUMNS} testId="brokers-table">
            {cluster.brokers.map((broker) => (
              <tr key={broker.id} className={broker.up ? undefined : 'ops-table__row--alert'} data-broker={broker.id}>
                <td className="mono">{broker.id}</td>
                <td className="mono">{broker.address ?? DASH}</td>
                <td>{broker.up ? 'up' : <strong className="ops-flag ops-flag--alert">down</strong>}</td>
                <td>{broker.controller ? 'active controller' : DASH}</td>
              </tr>
            ))}
          </Table>

          <h3>
            Replicas of <code>{topic}</code>
          </h3>
          <Table columns={REPLICA_COLUMNS} testId="replicas-table">
            {cluster.partitions.map((partition) => {
              const state = stateOf(partition);
              return (
                <tr
                  key={partition.partition}
                  className={state.flag && `ops-table__row--${state.flag}`}
                  data-partition={partition.partition}
                >
                  <td className="mono">{partition.partition}</td>
                  <td className="mono">{partition.leader ?? 'none'}</td>
                  <td className="mono">{partition.replicas.join(', ')}</td>
                  <td className="mono">{partition.isr.join(', ') || DASH}</td>
                  <td>
                    {state.flag ? (
                      <strong className={`ops-flag ops-flag--${state.flag}`}>{state.label}</strong>
                    ) : (
                      state.label
                    )}
                  </td>
                </tr>
              );
            })}
          </Table>
        </>
      )}
    </Section>
  );
}
